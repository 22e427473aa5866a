// npm run bench [-- --only <name>[,<name>]] [-- --quick]
// Runs every benchmark module in BENCHMARKS against its own Temporal dev server (in memory,
// headless, free port) and its own fresh Postgres database (from DATABASE_URL), then tears both
// down. Progress goes to stderr; tables and one `BENCH_JSON {...}` line per benchmark to stdout.
// Exit 0 when every benchmark ran and reported no problem, 1 otherwise, 2 on bad arguments.
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as analyticsBench from './analytics.js';
import * as followUpSim from './follow-up-sim.js';
import * as footprint from './footprint.js';
import * as identity from './identity.js';
import * as importCsv from './import.js';
import * as ingress from './ingress.js';
import { createBenchDb, describeEnvironment, startEngineStack, startTemporal, type BenchDb, type BenchTemporal } from './lib/setup.js';
import { formatTable } from './lib/table.js';
import type { BenchContext, BenchModule, BenchReport, EngineStack } from './lib/types.js';

/** Add a benchmark: a module exporting `name`, `description` and `run(ctx)`, listed here. */
const BENCHMARKS: BenchModule[] = [ingress, footprint, identity, importCsv, followUpSim, analyticsBench];

const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

function usage(): string {
  return [
    'usage: npm run bench -- [--quick] [--only <name>[,<name>...]]',
    '  --quick        smaller counts (smoke run)',
    '  --only <name>  run only these benchmarks',
    '',
    'benchmarks:',
    ...BENCHMARKS.map((b) => `  ${b.name.padEnd(12)} ${b.description}`),
    '',
    'env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), TEMPORAL_CLI_PATH',
  ].join('\n');
}

function parseCli(): { quick: boolean; selected: BenchModule[] } {
  let values: { quick?: boolean; only?: string[]; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean' },
        only: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage()}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${usage()}\n`);
    process.exit(0);
  }
  const wanted = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const unknown = wanted.filter((w) => !BENCHMARKS.some((b) => b.name === w));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}\n${usage()}\n`);
    process.exit(2);
  }
  const selected = wanted.length > 0 ? BENCHMARKS.filter((b) => wanted.includes(b.name)) : BENCHMARKS;
  return { quick: values.quick ?? false, selected };
}

async function main(): Promise<number> {
  const { quick, selected } = parseCli();
  const startedAt = Date.now();
  let temporal: BenchTemporal | undefined;
  let db: BenchDb | undefined;
  const stacks: EngineStack[] = [];

  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const s of stacks.reverse()) await s.stop().catch((err: Error) => log(`stopping a stack: ${err.message}`));
      if (temporal) await temporal.close().catch((err: Error) => log(`stopping Temporal: ${err.message}`));
      if (db) {
        await db.drop().then(
          () => log(`dropped database ${db!.name}`),
          (err: Error) => log(`could not drop database ${db!.name}: ${err.message}`),
        );
      }
    })());

  // Bounded in time whatever happens: tidy up and fail.
  const limitMs = (quick ? 8 : 40) * 60_000;
  const watchdog = setTimeout(() => {
    log(`the run exceeded ${limitMs / 60_000} min; stopping`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    void cleanup().finally(() => process.exit(1));
  }, limitMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      const force = setTimeout(() => process.exit(130), 20_000);
      force.unref();
      void cleanup().finally(() => process.exit(130));
    });
  }

  const reports: { module: BenchModule; report?: BenchReport; error?: Error; seconds: number }[] = [];
  let env: Record<string, unknown> = {};
  try {
    log('starting the Temporal dev server (in memory, headless) ...');
    temporal = await startTemporal(log);
    log(`Temporal dev server on ${temporal.address} (${temporal.binarySource})`);
    db = await createBenchDb();
    log(`database ${db.name} created and migrated`);
    env = await describeEnvironment(temporal.binaryPath, db.sql);
    const load = env.loadavg_1m_at_start as number;
    const cpus = env.cpus as number;
    process.stdout.write(
      `# ${cpus} cores (${env.cpu_model}), node ${env.node}, ${env.temporal_cli}, Postgres ${env.postgres}; ` +
        `load average ${load} at start${load > cpus / 2 ? ' (other processes are busy: figures will be noisy)' : ''}\n`,
    );

    const t = temporal;
    const ctx: BenchContext = {
      quick,
      temporal: { address: t.address, namespace: t.namespace, client: t.client, serverPid: t.server.pid },
      db: db.handle,
      databaseUrl: db.url,
      sql: db.sql,
      log,
      async startEngine(name, opts = {}) {
        const stack = await startEngineStack(
          { address: t.address, namespace: t.namespace, client: t.client, db: db!.handle, log },
          name,
          opts.worker !== false,
        );
        stacks.push(stack);
        return stack;
      },
    };

    for (const module of selected) {
      log(`== ${module.name}${quick ? ' (quick)' : ''}: ${module.description}`);
      const t0 = Date.now();
      try {
        const report = await module.run(ctx);
        reports.push({ module, report, seconds: (Date.now() - t0) / 1000 });
        printReport(module, report, quick);
      } catch (err) {
        reports.push({ module, error: err as Error, seconds: (Date.now() - t0) / 1000 });
        log(`${module.name} failed: ${(err as Error).stack ?? err}`);
      }
    }
  } catch (err) {
    log(`setup failed: ${(err as Error).stack ?? err}`);
    await cleanup();
    if (temporal) log(`the Temporal dev server's log is kept in ${temporal.logFile}`);
    return 1;
  }

  await cleanup();
  clearTimeout(watchdog);

  process.stdout.write('\n');
  for (const r of reports) {
    const line = {
      bench: r.module.name,
      mode: quick ? 'quick' : 'full',
      at: new Date(startedAt).toISOString(),
      seconds: Math.round(r.seconds * 10) / 10,
      ok: !r.error && (r.report?.problems.length ?? 1) === 0,
      ...(r.error ? { error: r.error.message } : {}),
      ...(r.report?.problems.length ? { problems: r.report.problems } : {}),
      env,
      results: r.report?.data ?? null,
    };
    process.stdout.write(`BENCH_JSON ${JSON.stringify(line)}\n`);
  }
  const failed = reports.filter((r) => r.error || (r.report?.problems.length ?? 0) > 0);
  if (failed.length === 0) rmSync(temporal!.logFile, { force: true });
  else log(`the Temporal dev server's log is kept in ${temporal!.logFile}`);
  log(`done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s${failed.length ? `; FAILED: ${failed.map((f) => f.module.name).join(', ')}` : ''}`);
  return failed.length > 0 ? 1 : 0;
}

function printReport(module: BenchModule, report: BenchReport, quick: boolean): void {
  const out: string[] = ['', `## ${module.name}${quick ? ' (quick)' : ''}`, '', formatTable(report.columns, report.rows), ''];
  for (const n of report.notes) out.push(`  ${n}`);
  if (report.problems.length > 0) {
    out.push('', '  PROBLEMS:');
    for (const p of report.problems) out.push(`  - ${p}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`unexpected: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
