// CSV import: a 20 MiB file of contacts (quick: 4 MiB) POSTed to the real app (buildApp), which runs
// in a child process of its own so that its event loop is measured alone (monitorEventLoopDelay in
// the child) and the probes are not delayed by this process's work. /healthz is probed every 10 ms,
// open loop, while the app is idle (the baseline), while the file is uploaded and parsed (until the
// 202), and while the rows are created (a bounded window; then the app closes, failing the import as
// a clean shutdown does). Any probe over 100 ms is a problem.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { openPostgres } from '../db/client.js';
import { buildApp } from '../server/app.js';
import { temporalCheck } from '../server/runtime.js';
import { ADMIN_URL } from './lib/setup.js';
import { mib, ms, rate, round, roundSummary, sleep, summarize, type LatencySummary } from './lib/stats.js';
import type { BenchContext, BenchReport, Cell } from './lib/types.js';

export const name = 'import';
export const description = 'CSV import of a 20 MiB file: /healthz latency and event-loop delay of the app while it parses and creates rows, vs idle';

const PROBE_EVERY_MS = 10;
const PROBE_LIMIT_MS = 100;
const LOOP_RESOLUTION_MS = 10;

type LoopFigures = { p99_ms: number; max_ms: number; mean_ms: number };
type FromApp = { type: 'ready'; port: number } | ({ type: 'loop' } & LoopFigures) | { type: 'stopped' };

// ---------------------------------------------------------------------------------------------
// The app's process (this file, forked with THREADLINE_BENCH_IMPORT_APP=1)

async function serveApp(): Promise<void> {
  const env = process.env;
  const handle = await openPostgres(env.DATABASE_URL!, { migrate: false, max: 10 });
  // Lazy, as in production: nothing here talks to Temporal.
  const client = new Client({ connection: Connection.lazy({ address: env.TEMPORAL_ADDRESS!, connectTimeout: 2000 }), namespace: 'default' });
  const app = await buildApp({
    db: handle.db,
    temporal: client,
    taskQueue: 'bench-import',
    appSecrets: [randomBytes(16).toString('hex')],
    verifyToken: 'bench-verify',
    apiTokens: [env.BENCH_API_TOKEN!],
    checks: { database: handle.ping, temporal: temporalCheck(client) },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const send = (m: FromApp) => process.send!(m);
  process.on('message', (m: { type: string }) => {
    if (m.type === 'loop') {
      send({ type: 'loop', p99_ms: round(loop.percentile(99) / 1e6), max_ms: round(loop.max / 1e6), mean_ms: round(loop.mean / 1e6) });
      loop.reset();
    } else if (m.type === 'stop') {
      loop.disable();
      void (async () => {
        await app.close();
        await client.connection.close().catch(() => {});
        await handle.close();
        send({ type: 'stopped' });
        process.exit(0);
      })();
    }
  });
  // The benchmark went away: so does its app.
  process.on('disconnect', () => process.exit(1));
  send({ type: 'ready', port: (app.server.address() as { port: number }).port });
}

if (process.env.THREADLINE_BENCH_IMPORT_APP === '1' && process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  serveApp().catch((err) => {
    process.stderr.write(`import bench app: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}

// ---------------------------------------------------------------------------------------------
// The benchmark

interface AppProcess {
  url: string;
  token: string;
  loop(): Promise<LoopFigures>;
  stop(): Promise<void>;
}

async function startApp(ctx: BenchContext): Promise<AppProcess> {
  const [row] = await ctx.sql<{ db: string }[]>`select current_database() as db`;
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${row!.db}`;
  const token = `tok_${randomBytes(12).toString('hex')}`;
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, THREADLINE_BENCH_IMPORT_APP: '1', DATABASE_URL: dbUrl.toString(), TEMPORAL_ADDRESS: ctx.temporal.address, BENCH_API_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  for (const s of [child.stdout!, child.stderr!]) s.on('data', (c: Buffer) => ctx.log(`import app: ${c.toString().trimEnd()}`));
  const next = <T extends FromApp['type']>(type: T, timeoutMs: number) =>
    new Promise<Extract<FromApp, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`the app process sent no ${type} within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (m: FromApp) => m.type === type && done(undefined, m as Extract<FromApp, { type: T }>);
      const onExit = (code: number | null) => done(new Error(`the app process exited (${code}) before ${type}`));
      const done = (err?: Error, m?: Extract<FromApp, { type: T }>) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(m!);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  let ready;
  try {
    ready = await next('ready', 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${ready.port}`,
    token,
    async loop() {
      const p = next('loop', 10_000);
      child.send({ type: 'loop' });
      const { type: _, ...figures } = await p;
      return figures;
    },
    stop: () =>
      (stopped ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const p = next('stopped', 30_000);
        child.send({ type: 'stop' });
        await p.catch((err: Error) => {
          ctx.log(`import app: ${err.message}; killing it`);
          child.kill('SIGKILL');
        });
      })()),
  };
}

/** /healthz every PROBE_EVERY_MS, open loop (a slow answer does not delay the next probe). */
function startProber(url: string) {
  const samples: number[] = [];
  let failures = 0;
  const inflight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const t0 = performance.now();
    const p: Promise<void> = fetch(`${url}/healthz`)
      .then(async (r) => {
        await r.arrayBuffer();
        if (r.status === 200) samples.push(performance.now() - t0);
        else failures++;
      })
      .catch(() => {
        failures++;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }, PROBE_EVERY_MS);
  return async () => {
    clearInterval(timer);
    await Promise.allSettled([...inflight]);
    return { samples, failures };
  };
}

/** Contacts as an export would give them (with a notes column the import ignores), up to `bytes`; at most 99,000 rows (the cap is 100,000). */
function buildCsv(bytes: number): { csv: Buffer; rows: number } {
  const header = 'Name,Phone,Country,Email,Company,Owner,Language,Timezone,Notes\n';
  const note = 'Asked about wholesale prices for the spring collection; prefers WhatsApp after 6 pm; follow up with the catalogue. ';
  const parts = [header];
  let size = header.length;
  for (let i = 0; i < 99_000; i++) {
    const n = String(i).padStart(6, '0');
    const line = `Buyer ${n} Al-Harbi,+9665${String(10_000_000 + i)},SA,buyer${n}@import.bench,Trading House ${i % 2000},,ar,Asia/Riyadh,"${note}${note.slice(0, (i * 7) % 40)}"\n`;
    if (size + line.length > bytes) break;
    parts.push(line);
    size += line.length;
  }
  return { csv: Buffer.from(parts.join(''), 'utf8'), rows: parts.length - 1 };
}

async function importState(ctx: BenchContext, id: string) {
  const [r] = await ctx.sql<{ status: string; processed: number; created: number; failed: number }[]>`
    select status, processed, created, failed from contact_imports where id = ${id}`;
  return r;
}

interface Phase {
  key: string;
  label: string;
  seconds: number;
  probes: LatencySummary;
  failures: number;
  loop: LoopFigures;
  throughput: string;
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const targetBytes = (ctx.quick ? 4 : 20) * 1024 * 1024;
  const idleSeconds = ctx.quick ? 2 : 5;
  const rowSeconds = ctx.quick ? 10 : 30;
  const problems: string[] = [];
  const phases: Phase[] = [];
  const data: Record<string, unknown> = {};

  const { csv, rows } = buildCsv(targetBytes);
  ctx.log(`import: ${mib(csv.length)} CSV, ${rows.toLocaleString()} rows; starting the app in its own process ...`);
  const app = await startApp(ctx);
  const auth = { authorization: `Bearer ${app.token}` };
  const benchLoop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  benchLoop.enable();
  const phase = (key: string, label: string, seconds: number, probes: { samples: number[]; failures: number }, loop: LoopFigures, throughput: string) => {
    const p: Phase = { key, label, seconds, probes: summarize(probes.samples), failures: probes.failures, loop, throughput };
    phases.push(p);
    const over = probes.samples.filter((x) => x > PROBE_LIMIT_MS).length;
    if (over > 0) problems.push(`${label}: ${over} /healthz probes over ${PROBE_LIMIT_MS} ms (max ${ms(p.probes.max)} ms)`);
    if (probes.failures > 0) problems.push(`${label}: ${probes.failures} /healthz probes failed`);
    return p;
  };

  try {
    // Warm-up: connections, JIT, and one small import through the whole path.
    for (let i = 0; i < 50; i++) await fetch(`${app.url}/healthz`).then((r) => r.arrayBuffer());
    const warm = await fetch(`${app.url}/api/v1/contacts/import`, { method: 'POST', body: 'name,phone\nWarm Up,+966500000001\n', headers: { ...auth, 'content-type': 'text/csv' } });
    const warmJob = (await warm.json()) as { id: string };
    if (warm.status !== 202) throw new Error(`warm-up import: ${warm.status} ${JSON.stringify(warmJob)}`);
    for (let i = 0; i < 200 && (await importState(ctx, warmJob.id))?.status === 'running'; i++) await sleep(50);

    // Baseline: the app idle.
    await app.loop();
    let stopProbes = startProber(app.url);
    await sleep(idleSeconds * 1000);
    phase('idle', 'baseline: app idle', idleSeconds, await stopProbes(), await app.loop(), '-');

    // Upload + parse: until the 202.
    ctx.log(`import: POST ${mib(csv.length)} ...`);
    await app.loop();
    stopProbes = startProber(app.url);
    const t0 = performance.now();
    const res = await fetch(`${app.url}/api/v1/contacts/import`, { method: 'POST', body: csv, headers: { ...auth, 'content-type': 'text/csv' } });
    const job = (await res.json()) as { id: string; total: number; status: string };
    const parseS = (performance.now() - t0) / 1000;
    const parse = phase('parse', 'upload + parse (to the 202)', parseS, await stopProbes(), await app.loop(), `${rate(csv.length / 1024 / 1024 / parseS)} MiB/s`);
    if (res.status !== 202) throw new Error(`the import was not accepted: ${res.status} ${JSON.stringify(job)}`);
    if (job.total !== rows) problems.push(`the import counted ${job.total} rows, the file has ${rows}`);
    ctx.log(`import: 202 after ${parseS.toFixed(2)} s (total ${job.total}); creating rows for ${rowSeconds} s ...`);

    // Row creation: a bounded window (all of them would take many minutes).
    await app.loop();
    const before = (await importState(ctx, job.id))!;
    stopProbes = startProber(app.url);
    const t1 = performance.now();
    let state = before;
    while (performance.now() - t1 < rowSeconds * 1000 && state.status === 'running') {
      await sleep(500);
      state = (await importState(ctx, job.id))!;
    }
    const rowS = (performance.now() - t1) / 1000;
    const made = state.processed - before.processed;
    const rowsPerS = made / rowS;
    const creation = phase('rows', 'row creation', rowS, await stopProbes(), await app.loop(), `${rate(rowsPerS)} rows/s`);
    if (made === 0) problems.push('no rows were created');

    // A clean shutdown fails the running import, saying where it stopped.
    await app.stop();
    const after = await importState(ctx, job.id);
    if (after?.status === 'running') problems.push('the import is still running after the app closed');

    const idle = phases[0]!;
    Object.assign(data, {
      csv_bytes: csv.length,
      rows,
      probe_every_ms: PROBE_EVERY_MS,
      loop_resolution_ms: LOOP_RESOLUTION_MS,
      parse_seconds: round(parseS, 2),
      parse_mib_per_s: round(csv.length / 1024 / 1024 / parseS, 1),
      rows_per_s: round(rowsPerS, 1),
      rows_created_in_window: made,
      import_after_close: after ?? null,
      bench_process_loop_max_ms: round(benchLoop.max / 1e6),
      phases: Object.fromEntries(phases.map((p) => [p.key, { seconds: round(p.seconds, 2), healthz: roundSummary(p.probes), failures: p.failures, loop: p.loop }])),
    });
    return {
      columns: [
        { key: 'phase', label: 'phase' },
        { key: 'time', label: 'time' },
        { key: 'probes', label: 'probes' },
        { key: 'p50', label: 'healthz p50 ms' },
        { key: 'p99', label: 'p99 ms' },
        { key: 'max', label: 'max ms' },
        { key: 'loopP99', label: 'loop p99 ms' },
        { key: 'loopMax', label: 'loop max ms' },
        { key: 'throughput', label: 'throughput' },
      ],
      rows: phases.map(
        (p): Record<string, Cell> => ({
          phase: p.label,
          time: `${p.seconds.toFixed(1)} s`,
          probes: p.probes.count,
          p50: ms(p.probes.p50),
          p99: ms(p.probes.p99),
          max: ms(p.probes.max),
          loopP99: ms(p.loop.p99_ms),
          loopMax: ms(p.loop.max_ms),
          throughput: p.throughput,
        }),
      ),
      notes: [
        `${mib(csv.length)}, ${rows.toLocaleString()} rows (9 columns, one ignored); parsed as it arrived in ${parseS.toFixed(2)} s; ` +
          `${made.toLocaleString()} rows created in ${rowS.toFixed(1)} s (${rate(rowsPerS)} rows/s, one transaction per row with its progress)`,
        `healthz max vs idle: parse ${ms(parse.probes.max)} vs ${ms(idle.probes.max)} ms, row creation ${ms(creation.probes.max)} vs ${ms(idle.probes.max)} ms (limit ${PROBE_LIMIT_MS} ms)`,
        `the app (buildApp, real Postgres) runs in its own process; loop = its monitorEventLoopDelay (resolution ${LOOP_RESOLUTION_MS} ms, so ~${LOOP_RESOLUTION_MS} ms is the floor)`,
        `/healthz probed every ${PROBE_EVERY_MS} ms from this process, open loop; this process's own loop delay max ${ms(benchLoop.max / 1e6)} ms`,
        `after the window the app closed: the import ended ${after?.status ?? '?'} at ${after?.processed ?? '?'} of ${rows} rows`,
      ],
      data,
      problems,
    };
  } finally {
    benchLoop.disable();
    await app.stop();
  }
}
