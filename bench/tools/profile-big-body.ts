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
import { bigBody, storedByMetrics } from '../ingress.js';

const profDir = mkdtempSync(path.join(os.tmpdir(), 'tl-big-prof-'));
const log = (m: string) => console.error(m);
const dev = await startDevProcess({ name: 'bigprof', embedded: true, log, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=500'] });
const post = (raw: string) =>
  fetch(`${dev.baseUrl}/webhooks/whatsapp`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, dev.appSecret) } });
for (let i = 0; i < 16; i++) await post(JSON.stringify(textMessageBody({ from: `5491180${String(i).padStart(6, '0')}`, text: 'hola, precio?' }).body));
const until = async (n: number, ms: number) => {
  const end = Date.now() + ms;
  while ((await storedByMetrics(dev.baseUrl)) < n && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
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
const profile = JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
};
// Only the window from the big body's POST on (the profile's clock: microseconds since its start).
const byId = new Map(profile.nodes.map((x) => [x.id, x]));
const self = new Map<string, number>();
const pkg = new Map<string, number>();
let clock = profile.startTime;
const times: number[] = [];
profile.samples.forEach((_, i) => times.push((clock += profile.timeDeltas[i] ?? 0)));
const windowStart = times[times.length - 1]! - (stored + 1000) * 1000;
let total = 0;
profile.samples.forEach((id, i) => {
  if (times[i]! < windowStart) return;
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const cf = byId.get(id)!.callFrame;
  const where = cf.url.replace(/^file:\/\/\/work\/main\//, '').replace(/.*node_modules\//, 'nm:');
  const k = `${cf.functionName || '(anon)'} ${where}:${cf.lineNumber + 1}`;
  self.set(k, (self.get(k) ?? 0) + dt);
  const p = where.startsWith('nm:') ? where.split('/').slice(0, where.startsWith('nm:@') ? 2 : 1).join('/') : where || cf.functionName;
  pkg.set(p, (pkg.get(p) ?? 0) + dt);
});
const top = (m: Map<string, number>, k: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, t]) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms  ${n}`).join('\n');
console.log(`API process main thread, last ${(total / 1e6).toFixed(1)} s\n-- by package/file\n${top(pkg, 25)}\n-- by function\n${top(self, 35)}`);
