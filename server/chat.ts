// npm run chat -- --from <number>: play a customer in the terminal against the running app.
// What you type goes to the engine as a signed WhatsApp webhook (through the dev simulator); what
// the engine sends to your number is printed as it arrives.
import { readFileSync } from 'node:fs';
import path from 'node:path';
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

// The simulator's control token: the env, else what `npm run dev` generated into its data dir.
const secretsFile = path.join(path.resolve(process.env.THREADLINE_DATA_DIR || '.data'), 'secrets.json');
function controlToken(): string | undefined {
  if (process.env.WHATSAPP_SIMULATOR_TOKEN) return process.env.WHATSAPP_SIMULATOR_TOKEN;
  try {
    const saved = JSON.parse(readFileSync(secretsFile, 'utf8')) as { simulatorToken?: unknown };
    return typeof saved.simulatorToken === 'string' && saved.simulatorToken ? saved.simulatorToken : undefined;
  } catch {
    return undefined;
  }
}
const token = controlToken();
if (!token) {
  process.stderr.write(
    `No simulator control token: set WHATSAPP_SIMULATOR_TOKEN (npm run dev prints it), or run 'npm run dev' once so ${secretsFile} has one.\n`,
  );
  process.exit(1);
}

class CallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call(p: string, init: RequestInit = {}): Promise<any> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(`${simulator}${p}`, { ...init, headers });
  const body: any = await res.json().catch(() => ({}));
  if (!res.ok) throw new CallError(res.status, body?.error?.message ?? `HTTP ${res.status}`);
  return body.data ?? body;
}

// The probe is the first read of what the business already sent to this number.
let existing: { seq: number }[];
try {
  existing = await call(`/__sim/sent?to=${from}`);
} catch (err) {
  const source = process.env.WHATSAPP_SIMULATOR_TOKEN ? 'WHATSAPP_SIMULATOR_TOKEN' : `simulatorToken in ${secretsFile}`;
  if (err instanceof CallError && err.status === 401) {
    process.stderr.write(`The simulator at ${simulator} refused the control token (401): ${source} is not the token the running app uses. Set WHATSAPP_SIMULATOR_TOKEN to the one 'npm run dev' printed.\n`);
  } else if (err instanceof CallError && err.status === 404) {
    process.stderr.write(`${simulator} has no simulator control endpoints (404): is it the dev simulator, started with a WHATSAPP_SIMULATOR_TOKEN?\n`);
  } else if (err instanceof CallError) {
    process.stderr.write(`The simulator at ${simulator} answered ${err.status}: ${err.message}\n`);
  } else {
    process.stderr.write(`No simulator at ${simulator}. Start the app with 'npm run dev' (no WHATSAPP_ACCESS_TOKEN) first.\n`);
  }
  process.exit(1);
}

let since = 0;
for (const m of existing) since = Math.max(since, m.seq);

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
  } catch (err) {
    // The app may be restarting; a token that stopped working will not come back by itself.
    if (err instanceof CallError && err.status === 401) {
      print('(the simulator now refuses the control token (401): the app was restarted with another WHATSAPP_SIMULATOR_TOKEN)');
      clearInterval(poll);
    }
  }
}, 500);

process.stdout.write(`Chatting as +${from} (${values.name}). Type a message; Ctrl-D to leave.\n`);
rl.prompt();
rl.on('line', async (line) => {
  const text = line.trim();
  if (!text) return rl.prompt();
  try {
    await call('/__sim/inbound', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, text, name: values.name }) });
  } catch (err) {
    const why = err instanceof CallError && err.status === 401 ? 'the simulator refused the control token (401)' : (err as Error).message;
    print(`(not delivered: ${why})`);
  }
  rl.prompt();
});
rl.on('close', () => {
  clearInterval(poll);
  process.stdout.write('\n');
  process.exit(0);
});
