// Where the 3.5 MiB body's time goes on `npm run dev`'s embedded defaults (PGlite, the worker in the
// API process): the API process runs with --cpu-prof; one warm-up body, then the big body, then a
// clean stop writes the profile, summarised here by self time.
//   npx tsx bench/tools/profile-big-body.ts
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { textMessageBody } from '../../tests/helpers/webhooks.js';
import { signBody } from '../../whatsapp/signature.js';
import { startDevProcess } from '../lib/dev-process.js';
import { bigBody, STORED_POLL_MS, storedByMetrics } from '../ingress.js';
import { summarizeProfile, type CpuProfile } from './profile-summary.js';

const profDir = mkdtempSync(path.join(os.tmpdir(), 'tl-big-prof-'));
const log = (m: string) => console.error(m);
const dev = await startDevProcess({ name: 'bigprof', embedded: true, log, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=500'] });
const post = (raw: string) =>
  fetch(`${dev.baseUrl}/webhooks/whatsapp`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, dev.appSecret) } });
for (let i = 0; i < 16; i++) await post(JSON.stringify(textMessageBody({ from: `5491180${String(i).padStart(6, '0')}`, text: 'hola, precio?' }).body));
const until = async (n: number, ms: number) => {
  const end = Date.now() + ms;
  while ((await storedByMetrics(dev.baseUrl)) < n && Date.now() < end) await new Promise((r) => setTimeout(r, STORED_POLL_MS));
};
await until(16, 60_000);
const before = await storedByMetrics(dev.baseUrl);
const { raw } = bigBody();
const t0 = performance.now();
const r = await post(raw);
const to200 = performance.now() - t0;
await until(before + 480, 120_000);
const stored = performance.now() - t0;
console.log(`big body: ${r.status} after ${to200.toFixed(0)} ms; ${(await storedByMetrics(dev.baseUrl)) - before} stored after ${(stored / 1000).toFixed(1)} s`);
await dev.stop();
const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile in ${profDir}`);
const profile = JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as CpuProfile;
// Only the window from the big body's POST on (the profile's clock: microseconds since its start).
let end = profile.startTime;
for (const dt of profile.timeDeltas ?? []) end += dt;
const windowStart = end - (stored + 1000) * 1000;
console.log(`API process main thread, ${summarizeProfile(profile, { keep: (at) => at >= windowStart })}`);
