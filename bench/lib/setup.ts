// The benchmark's own world: a Temporal dev server (in memory, headless, free port, same binary
// lookup as `npm run dev`), a fresh Postgres database, and per-phase engine stacks mirroring
// tests/helpers/stack.ts (Fastify app on a random port + WorkerRunner with the real activities).
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { createActivities } from '../../activities/index.js';
import { openPostgres, type DbHandle } from '../../db/client.js';
import { buildApp } from '../../server/app.js';
import { temporalCheck } from '../../server/runtime.js';
import { findTemporalBinary } from '../../server/temporal-binary.js';
import { startDevServer, type DevServer } from '../../server/temporal-dev-server.js';
import { ensureSearchAttributes } from '../../server/temporal-setup.js';
import { WorkerRunner } from '../../server/worker-runner.js';
import type { EngineStack } from './types.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

type Log = (m: string) => void;

import { freePort } from '../../tests/helpers/ports.js';

export { freePort };

export interface BenchTemporal {
  server: DevServer;
  binaryPath: string;
  binarySource: string;
  address: string;
  namespace: string;
  client: Client;
  /** The dev server's log (kept after a failed run, removed after a clean one by the runner). */
  logFile: string;
  close(): Promise<void>;
}

export async function startTemporal(log: Log): Promise<BenchTemporal> {
  const dataDir = path.resolve(repoRoot, process.env.THREADLINE_DATA_DIR ?? '.data');
  const binary = await findTemporalBinary('cli', { explicitPath: process.env.TEMPORAL_CLI_PATH, dataDir, log });
  const port = await freePort();
  const namespace = 'default';
  const serverDir = path.join(dataDir, 'bench-run');
  const server = await startDevServer({
    binary: binary.path,
    dataDir: serverDir,
    port,
    uiPort: port + 1000,
    namespace,
    log,
    ui: false,
    dbFile: null,
  });
  try {
    const connection = await Connection.connect({ address: server.address });
    // Before any signalWithStart: ingress sets typed search attributes on start.
    await ensureSearchAttributes(connection, namespace);
    const client = new Client({ connection, namespace });
    return {
      server,
      binaryPath: binary.path,
      binarySource: binary.source,
      address: server.address,
      namespace,
      client,
      logFile: path.join(serverDir, 'temporal', `server-${port}.log`),
      async close() {
        await connection.close().catch(() => {});
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

export interface BenchDb {
  name: string;
  url: string;
  handle: DbHandle;
  sql: postgres.Sql;
  drop(): Promise<void>;
}

/** A fresh migrated database, like tests/helpers/db.ts (named tl_bench_*). */
export async function createBenchDb(): Promise<BenchDb> {
  const name = `tl_bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let handle: DbHandle | undefined;
  let sql: postgres.Sql | undefined;
  const drop = async () => {
    await sql?.end({ timeout: 5 }).catch(() => {});
    await handle?.close().catch(() => {});
    const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      await a.unsafe(`drop database if exists ${name} with (force)`);
    } finally {
      await a.end();
    }
  };
  try {
    handle = await openPostgres(url.toString(), { max: 10 });
    sql = postgres(url.toString(), { max: 2, onnotice: () => {}, connect_timeout: 5 });
  } catch (err) {
    await drop().catch(() => {});
    throw err;
  }
  return { name, url: url.toString(), handle, sql, drop };
}

export async function startEngineStack(
  opts: { address: string; namespace: string; client: Client; db: DbHandle; log: Log },
  name: string,
  withWorker: boolean,
): Promise<EngineStack> {
  const taskQueue = `bench-${name}-${randomBytes(4).toString('hex')}`;
  const runner = new WorkerRunner({
    address: opts.address,
    namespace: opts.namespace,
    taskQueue,
    activities: createActivities({ db: opts.db.db }),
    log: { info: () => {}, warn: (m) => opts.log(`worker: ${m}`), error: (m) => opts.log(`worker: ${m}`) },
  });
  if (withWorker) runner.start();
  const appSecret = randomBytes(16).toString('hex');
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await app?.close().catch((err: Error) => opts.log(`app close: ${err.message}`));
      if (withWorker) await runner.stop();
    })());
  try {
    app = await buildApp({
      db: opts.db.db,
      temporal: opts.client,
      taskQueue,
      appSecrets: [appSecret],
      verifyToken: 'bench-verify',
      apiTokens: [`tok_${randomBytes(12).toString('hex')}`],
      checks: {
        database: opts.db.ping,
        temporal: temporalCheck(opts.client),
        worker: async () => {
          if (withWorker && runner.state !== 'running') throw new Error(`worker is ${runner.state}`);
        },
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    if (withWorker && !(await runner.waitUntilRunning(60_000))) throw new Error(`the worker did not start (state ${runner.state})`);
  } catch (err) {
    await stop();
    throw err;
  }
  const { port } = app.server.address() as net.AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, taskQueue, appSecret, stop };
}

/** Where the figures come from, for the JSON lines. */
export async function describeEnvironment(temporalBinary: string, sql: postgres.Sql): Promise<Record<string, unknown>> {
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', timeout: 5000 });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const [pg] = await sql<{ v: string }[]>`select current_setting('server_version') as v`.catch(() => [] as { v: string }[]);
  const commit = run('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no']);
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model?.trim(),
    mem_gib: Math.round(os.totalmem() / 1024 ** 3),
    /** Other work on the machine makes figures noisy: the 1-minute load average when the run started. */
    loadavg_1m_at_start: Math.round(os.loadavg()[0]! * 100) / 100,
    temporal_cli: run(temporalBinary, ['--version'])?.split('\n')[0],
    postgres: pg?.v,
    commit: commit ? `${commit}${dirty ? '+dirty' : ''}` : undefined,
  };
}
