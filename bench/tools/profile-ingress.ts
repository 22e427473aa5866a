// Where the webhook's CPU goes: the app in this process (no worker), signed webhooks at
// concurrency 32 from a load thread, the main thread's CPU profile summarised by self time.
//   npx tsx bench/tools/profile-ingress.ts [requests=3000]
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { textMessageBody } from '../../tests/helpers/webhooks.js';
import { signBody } from '../../whatsapp/signature.js';
import { runHttpLoad, non200 } from '../lib/http-load.js';
import { createBenchDb, startEngineStack, startTemporal } from '../lib/setup.js';

const n = Number(process.argv[2] ?? 3000);
const log = (m: string) => console.error(m);
const temporal = await startTemporal(log);
const db = await createBenchDb();
const stack = await startEngineStack({ ...temporal, db: db.handle, log }, 'profile', false);
const req = (i: number, prefix: string) => {
  const raw = JSON.stringify(textMessageBody({ from: `5491170${String(i % 200).padStart(6, '0')}`, id: `${prefix}${i}`, phoneNumberId: '106540352249990', name: `Buyer ${i % 200}`, text: 'Hola, cuánto sale el pack de 20 unidades?' }).body);
  return { body: raw, signature: signBody(raw, stack.appSecret) };
};
const url = `${stack.baseUrl}/webhooks/whatsapp`;
await runHttpLoad({ url, requests: Array.from({ length: 300 }, (_, i) => req(i, 'warm-')), mode: { kind: 'closed', concurrency: 32 } });
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const cpu0 = process.cpuUsage();
const r = await runHttpLoad({ url, requests: Array.from({ length: n }, (_, i) => req(i, 'prof-')), mode: { kind: 'closed', concurrency: 32 } });
const cpu = process.cpuUsage(cpu0);
const { profile } = await session.post('Profiler.stop');
writeFileSync('/tmp/ingress.cpuprofile', JSON.stringify(profile));
console.log(`${n} webhooks in ${(r.elapsedMs / 1000).toFixed(1)} s: ${(n / (r.elapsedMs / 1000)).toFixed(1)}/s, non-200 ${non200(r)}; process CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms per webhook (all threads)`);
// Self time per function, and per package/file.
const byId = new Map(profile.nodes.map((x) => [x.id, x]));
const self = new Map<number, number>();
const dt = profile.timeDeltas ?? [];
(profile.samples ?? []).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map<string, number>();
const file = new Map<string, number>();
for (const [id, t] of self) {
  const cf = byId.get(id)!.callFrame;
  const where = cf.url.replace(/^file:\/\/\/work\/main\//, '').replace(/.*node_modules\//, 'nm:');
  const k = `${cf.functionName || '(anon)'} ${where}:${cf.lineNumber + 1}`;
  fn.set(k, (fn.get(k) ?? 0) + t);
  const pkg = where.startsWith('nm:') ? where.split('/').slice(0, where.startsWith('nm:@') ? 2 : 1).join('/') : where || cf.functionName;
  file.set(pkg, (file.get(pkg) ?? 0) + t);
}
const top = (m: Map<string, number>, k: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, t]) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${(t / 1000 / n).toFixed(3)} ms/webhook  ${name}`).join('\n');
console.log(`main thread sampled ${(total / 1e6).toFixed(1)} s\n-- by package/file\n${top(file, 25)}\n-- by function\n${top(fn, 40)}`);
await stack.stop();
await db.drop();
await temporal.close();
process.exit(0);
