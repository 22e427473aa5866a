// Where the webhook's CPU goes: the app in this process (no worker), signed webhooks at
// concurrency 32 from a load thread, the main thread's CPU profile summarised by self time.
//   npx tsx bench/tools/profile-ingress.ts [requests=3000]
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { summarizeProfile, type CpuProfile } from './profile-summary.js';
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
const saved = path.join(os.tmpdir(), `threadline-ingress-${process.pid}.cpuprofile`);
writeFileSync(saved, JSON.stringify(profile));
console.log(`profile: ${saved} (open it in Chrome DevTools)`);
console.log(`${n} webhooks in ${(r.elapsedMs / 1000).toFixed(1)} s: ${(n / (r.elapsedMs / 1000)).toFixed(1)}/s, non-200 ${non200(r)}; process CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms per webhook (all threads)`);
console.log(`main thread ${summarizeProfile(profile as CpuProfile, { per: { label: 'webhook', n } })}`);
await stack.stop();
await db.drop();
await temporal.close();
process.exit(0);
