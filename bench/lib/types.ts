// What a benchmark module gets (BenchContext) and gives back (BenchReport).
import type { Client } from '@temporalio/client';
import type postgres from 'postgres';
import type { DbHandle } from '../../db/client.js';

export interface EngineStack {
  /** http://127.0.0.1:<port> of the Fastify app. */
  baseUrl: string;
  taskQueue: string;
  appSecret: string;
  /** Stops the app, then the worker (idempotent; also done by the runner at the end). */
  stop(): Promise<void>;
}

export interface BenchContext {
  quick: boolean;
  temporal: { address: string; namespace: string; client: Client; /** The dev server's pid (CPU figures). */ serverPid: number };
  /** The app's database (migrated, fresh for this run): what the engine and the activities use. */
  db: DbHandle;
  /** The URL of that database (for engines started as their own processes). */
  databaseUrl: string;
  /** A separate small pool on the same database for the benchmark's own queries (polling counts). */
  sql: postgres.Sql;
  /** Progress, to stderr. */
  log(msg: string): void;
  /**
   * The Fastify app on a random port plus, unless `worker: false`, a WorkerRunner with the real
   * activities on its own task queue, both in this process. One per phase keeps phases apart.
   */
  startEngine(name: string, opts?: { worker?: boolean }): Promise<EngineStack>;
}

export type Cell = string | number | null;

export interface BenchReport {
  /** Table: column keys in order with their headers; rows keyed by those keys. */
  columns: { key: string; label: string }[];
  rows: Record<string, Cell>[];
  /** Lines printed under the table. */
  notes: string[];
  /** Machine-readable figures, printed in the BENCH_JSON line. */
  data: Record<string, unknown>;
  /** What went wrong (failed requests, messages not stored...): any makes the run exit non-zero. */
  problems: string[];
}

/** A benchmark module: `export const name`, `export const description`, `export async function run(ctx)`. */
export interface BenchModule {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchReport>;
}
