// npm run chat -- --from <number>: play a customer in the terminal against the running app.
// What you type goes to the engine as a signed WhatsApp webhook (through the dev simulator); what
// the engine sends to your number is printed as it arrives.
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    name: { type: 'string', default: 'Terminal Buyer' },
    simulator: { type: 'string' },
  },
});
const port = Number(process.env.PORT ?? 3000);
const simulator = values.simulator ?? process.env.WHATSAPP_SIMULATOR_URL ?? `http://127.0.0.1:${process.env.WHATSAPP_SIMULATOR_PORT ?? port + 1}`;
const from = (values.from ?? '').replace(/[^\d]/g, '').replace(/^00/, '');
if (!from) {
  process.stderr.write('usage: npm run chat -- --from +9665XXXXXXXX [--name "Sara"] [--simulator http://127.0.0.1:3001]\n');
  process.exit(2);
}

async function call(path: string, init?: RequestInit): Promise<any> {
  const res = await fetch(`${simulator}${path}`, init);
  const body: any = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body?.error?.message ?? `${res.status}`);
  return body.data ?? body;
}

try {
  await call('/__sim/health');
} catch {
  process.stderr.write(`No simulator at ${simulator}. Start the app with 'npm run dev' (no WHATSAPP_ACCESS_TOKEN) first.\n`);
  process.exit(1);
}

let since = 0;
const existing = await call(`/__sim/sent?to=${from}`);
for (const m of existing as { seq: number }[]) since = Math.max(since, m.seq);

const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: 'you › ' });
const print = (line: string) => {
  readline.clearLine(process.stdout, 0);
  readline.cursorTo(process.stdout, 0);
  process.stdout.write(`${line}\n`);
  rl.prompt(true);
};

const poll = setInterval(async () => {
  try {
    const sent = (await call(`/__sim/sent?to=${from}&since=${since}`)) as { seq: number; text: string | null; type: string }[];
    for (const m of sent) {
      since = Math.max(since, m.seq);
      print(`business › ${m.text ?? `[${m.type}]`}`);
    }
  } catch {
    /* the app may be restarting */
  }
}, 500);

process.stdout.write(`Chatting as +${from} (${values.name}). Type a message; Ctrl-D to leave.\n`);
rl.prompt();
rl.on('line', async (line) => {
  const text = line.trim();
  if (!text) return rl.prompt();
  try {
    const r = await call('/__sim/inbound', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, text, name: values.name }) });
    if (!r.ok) print(`(the engine answered ${r.engineStatus}; the simulator will not retry this one)`);
  } catch (err) {
    print(`(not delivered: ${(err as Error).message})`);
  }
  rl.prompt();
});
rl.on('close', () => {
  clearInterval(poll);
  process.stdout.write('\n');
  process.exit(0);
});
