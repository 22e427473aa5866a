// Database client factory: postgres.js against a real server when DATABASE_URL is set,
// PGlite (Postgres in WASM) in the data dir otherwise. Migrations are applied on open.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
  /** Cheap liveness probe for /readyz. */
  ping(): Promise<void>;
}

/**
 * The rows of `db.execute(sql...)`: postgres.js answers an array, PGlite an object with `rows`.
 * `T` is what the query selects (raw SQL has no inferred type).
 */
export async function executeRows<T>(db: Db, query: SQL): Promise<T[]> {
  const r = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(r) ? r : r.rows;
}

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export class EmbeddedStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedStoreError';
  }
}

export async function openPostgres(url: string, opts: { max?: number; migrate?: boolean } = {}): Promise<DbHandle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, { max: opts.max ?? 10, onnotice: () => {}, connect_timeout: 5 });
  const db = drizzle({ client, schema }) as unknown as Db;
  if (opts.migrate !== false) {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    await migrate(db as never, { migrationsFolder });
  }
  return {
    db,
    kind: 'postgres',
    close: () => client.end({ timeout: 5 }),
    ping: async () => {
      await client`select 1`;
    },
  };
}

/**
 * The embedded store. PGlite relaxes fsync and leaves no lock of its own, so we keep two markers:
 * `owner.pid` (removed on a clean close: present at open means the last run died) and
 * `initialized` (written once the first migration ran: if it exists, an empty store is a loss
 * to report, never a fresh start).
 */
export async function openPglite(dataDir: string, log: (msg: string) => void = console.error): Promise<DbHandle> {
  const dir = path.join(dataDir, 'pglite');
  const ownerFile = path.join(dataDir, 'pglite.owner.pid');
  const initializedFile = path.join(dataDir, 'pglite.initialized');
  mkdirSync(dir, { recursive: true });

  if (existsSync(ownerFile)) {
    const pid = Number(readFileSync(ownerFile, 'utf8').trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new EmbeddedStoreError(
        `The embedded database in ${dir} is in use by another Threadline process (pid ${pid}). ` +
          `Stop it first, or set THREADLINE_DATA_DIR to another directory.`,
      );
    }
    log(
      `The embedded database in ${dir} was not shut down cleanly (the last process, pid ${pid || '?'}, ` +
        `was killed). Recovering it from its write-ahead log...`,
    );
  }
  writeFileSync(ownerFile, String(process.pid));

  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  let client: InstanceType<typeof PGlite>;
  try {
    client = await PGlite.create(dir);
  } catch (err) {
    rmSync(ownerFile, { force: true });
    throw new EmbeddedStoreError(
      `The embedded database in ${dir} could not be opened: ${(err as Error).message}. ` +
        `Nothing was deleted. Move ${dir} aside to start with an empty store, or set DATABASE_URL ` +
        `to a Postgres server.`,
    );
  }
  const db = drizzle({ client, schema }) as unknown as Db;

  if (existsSync(initializedFile)) {
    const found = await client.query<{ n: number }>(
      `select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = 'messages'`,
    );
    if (found.rows[0]?.n !== 1) {
      await client.close();
      rmSync(ownerFile, { force: true });
      throw new EmbeddedStoreError(
        `The embedded database in ${dir} opened empty although it held data before ` +
          `(${initializedFile} exists). Refusing to start on an empty store. Nothing was deleted: ` +
          `restore ${dir} from a backup, or remove both ${dir} and ${initializedFile} to start afresh.`,
      );
    }
  }
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  await migrate(db as never, { migrationsFolder });
  writeFileSync(initializedFile, new Date().toISOString());
  // A checkpoint makes the recovered state durable before new writes arrive.
  await client.query('checkpoint');

  let closed = false;
  return {
    db,
    kind: 'pglite',
    close: async () => {
      if (closed) return;
      closed = true;
      await client.query('checkpoint').catch(() => {});
      await client.close();
      rmSync(ownerFile, { force: true });
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
  };
}

export function openDatabase(
  opts: { databaseUrl?: string; dataDir: string; max?: number },
  log?: (msg: string) => void,
): Promise<DbHandle> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, { max: opts.max }) : openPglite(opts.dataDir, log);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
