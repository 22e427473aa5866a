// Contact imports across the death of their process, on a real Postgres: an import whose process
// is SIGKILLed is reported failed at the row it reached (never `running` forever), found when it is
// read, when its token starts another, and by the sweep of any API process; a clean shutdown fails
// running imports; a live import is never taken for a dead one.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { and, eq, like, sql } from 'drizzle-orm';
import { CrmError } from '../../db/crm/errors.js';
import { contactImports, contacts } from '../../db/schema.js';
import { errorHandler } from '../../server/errors.js';
import { crmHttpError } from '../../server/routes/crm.js';
import { importRoutes, type ImportRoutesOptions } from '../../server/routes/imports.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const STALE_MS = 2000;
const HEARTBEAT_MS = 250;

let db: TestDb;
const apps: FastifyInstance[] = [];
const children: ChildProcess[] = [];
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const a of apps) await a.close().catch(() => {});
  await db?.drop();
});

interface ImportApp {
  app: FastifyInstance;
  url: string;
  post(csv: string, token?: string): Promise<{ status: number; json: any }>;
  get(id: string): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

/** The import routes alone on a real port, as the app mounts them (errors included); `x-token` stands for the bearer token. */
async function importApp(opts: Omit<ImportRoutesOptions, 'db'> = {}): Promise<ImportApp> {
  const app = Fastify({ logger: false });
  app.setErrorHandler((err: FastifyError, req, reply) => errorHandler(err instanceof CrmError ? (crmHttpError(err) as unknown as FastifyError) : err, req, reply));
  app.addHook('onRequest', async (req) => {
    const t = req.headers['x-token'];
    if (typeof t === 'string') req.principal = { tokenId: t, role: 'admin', agentId: null, team: null, actor: `admin:${t}`, source: 'env' };
  });
  await app.register(importRoutes, { db: db.db, ...opts });
  await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const call = async (p: string, init: RequestInit = {}) => {
    const res = await fetch(`${url}${p}`, init);
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  return {
    app,
    url,
    post: (csv, token) => call('/contacts/import', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv', ...(token ? { 'x-token': token } : {}) } }),
    get: (id) => call(`/contacts/imports/${id}`),
    close: () => app.close(),
  };
}

const row = async (id: string) => (await db.db.select().from(contactImports).where(eq(contactImports.id, id)))[0]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function csvOf(prefix: string, n: number, phoneBase: string): string {
  const lines = ['name,phone'];
  for (let i = 0; i < n; i++) lines.push(`${prefix} ${i},+9665${phoneBase}${String(i).padStart(4, '0')}`);
  return lines.join('\n') + '\n';
}

/** Another API process: the import routes on the test database, in a child `node --import tsx`. */
const CHILD = `
import Fastify from 'fastify';
import { openPostgres } from './db/client.ts';
import { importRoutes } from './server/routes/imports.ts';
const handle = await openPostgres(process.env.DATABASE_URL, { migrate: false });
const app = Fastify({ logger: false });
await app.register(importRoutes, { db: handle.db, staleAfterMs: Number(process.env.STALE_MS), heartbeatMs: Number(process.env.HEARTBEAT_MS) });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ port: app.server.address().port }) + '\\n');
`;

async function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: db.url, STALE_MS: String(STALE_MS), HEARTBEAT_MS: String(HEARTBEAT_MS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line).port);
    });
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before listening: ${err}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

describe('contact imports across restarts', () => {
  it('SIGKILL mid-import: a fresh app on the same database reports it failed at the row it reached, within the threshold', async () => {
    const { child, url } = await startChild();
    const r = await fetch(`${url}/contacts/import`, { method: 'POST', body: csvOf('Killed', 3000, '5310'), headers: { 'content-type': 'text/csv' } });
    expect(r.status).toBe(202);
    const job = (await r.json()) as { id: string };
    await until('rows to be created', async () => (await row(job.id)).processed >= 40);

    const exited = new Promise((res) => child.once('exit', res));
    child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    const dead = await row(job.id);
    expect(dead).toMatchObject({ status: 'running', tokenId: 'anonymous' });
    // Each row commits with its progress: the contacts are exactly those counted, and the row reached
    // is the first not done (the header is row 1).
    const made = await db.db.select({ id: contacts.id }).from(contacts).where(like(contacts.name, 'Killed %'));
    expect(made.length).toBe(dead.created);
    expect(dead.reachedRow).toBe(dead.processed + 2);

    // A fresh API process: its sweep (not a read) finds the import once its heartbeat is older than the threshold.
    const fresh = await importApp({ staleAfterMs: STALE_MS, sweepEveryMs: 200 });
    const failed = await until('the sweep to fail the import', async () => {
      const x = await row(job.id);
      return x.status !== 'running' && x;
    });
    const tookMs = Date.now() - killedAt;
    expect(tookMs).toBeLessThan(STALE_MS + 2500);
    expect(failed).toMatchObject({ status: 'failed', processed: dead.processed, reachedRow: dead.reachedRow, finishedAt: expect.any(Date) });

    const seen = await fresh.get(job.id);
    expect(seen.status).toBe(200);
    expect(seen.json).toMatchObject({ status: 'failed', total: 3000, processed: dead.processed });
    expect(seen.json.errors.at(-1)).toEqual({
      row: dead.reachedRow,
      message: `the import was interrupted (its process stopped) at row ${dead.reachedRow}, after ${dead.processed} of 3000 rows; import the rest again`,
    });
    // The token is free again.
    const next = await fresh.post('name\nAfter The Kill\n');
    expect(next.status, JSON.stringify(next.json)).toBe(202);
    await until('the next import', async () => (await row(next.json.id)).status === 'done');
    await fresh.close();
  });

  it('found lazily: when the import is read, and when its token starts another; a live one of the token is 409', async () => {
    const app = await importApp({ sweepEveryMs: 3_600_000 });
    const longAgo = new Date(Date.now() - 60_000);
    const [a] = await db.db
      .insert(contactImports)
      .values({ status: 'running', tokenId: 'tok-a', total: 10, processed: 4, created: 3, failed: 1, reachedRow: 7, heartbeatAt: longAgo })
      .returning();
    const seen = await app.get(a!.id);
    expect(seen.json).toMatchObject({ status: 'failed', processed: 4, finishedAt: expect.any(String) });
    expect(seen.json.errors).toEqual([{ row: 7, message: 'the import was interrupted (its process stopped) at row 7, after 4 of 10 rows; import the rest again' }]);

    // Written before heartbeats existed (none, and no row reached): judged by its age.
    const [legacy] = await db.db.insert(contactImports).values({ status: 'running', total: 5, processed: 2, createdAt: longAgo }).returning();
    expect((await app.get(legacy!.id)).json).toMatchObject({
      status: 'failed',
      errors: [{ row: 0, message: 'the import was interrupted (its process stopped) after 2 of 5 rows; import the rest again' }],
    });

    const [b] = await db.db.insert(contactImports).values({ status: 'running', tokenId: 'tok-b', total: 3, reachedRow: 2, heartbeatAt: longAgo }).returning();
    const started = await app.post('name\nB Next\n', 'tok-b');
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    expect(await row(b!.id)).toMatchObject({ status: 'failed' });

    const [c] = await db.db.insert(contactImports).values({ status: 'running', tokenId: 'tok-c', total: 3, reachedRow: 2, heartbeatAt: new Date() }).returning();
    const refused = await app.post('name\nC Next\n', 'tok-c');
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'import_running', details: { importId: c!.id } });
    expect(refused.json.error.message).toContain(c!.id);
    expect((await app.get(c!.id)).json.status).toBe('running');
    // Another token is not held up.
    expect((await app.post('name\nD Next\n', 'tok-d')).status).toBe(202);
    await db.db.update(contactImports).set({ status: 'failed' }).where(eq(contactImports.id, c!.id));
    await app.close();
  });

  it('the sweep runs when the routes start and then every little while', async () => {
    const longAgo = new Date(Date.now() - 60_000);
    const [before] = await db.db.insert(contactImports).values({ status: 'running', tokenId: 'tok-e', total: 9, reachedRow: 3, heartbeatAt: longAgo }).returning();
    // At start (onReady), long before the first periodic sweep, and nobody asked.
    const first = await importApp({ sweepEveryMs: 3_600_000 });
    await until('the sweep at start', async () => (await row(before!.id)).status === 'failed', 5000);
    await first.close();
    const app = await importApp({ sweepEveryMs: 200 });
    await sleep(100);
    const [later] = await db.db.insert(contactImports).values({ status: 'running', tokenId: 'tok-f', total: 9, reachedRow: 3, heartbeatAt: longAgo }).returning();
    await until('the periodic sweep', async () => (await row(later!.id)).status === 'failed', 5000);
    await app.close();
    // Closed: no more sweeps.
    const [after] = await db.db.insert(contactImports).values({ status: 'running', tokenId: 'tok-g', total: 9, reachedRow: 3, heartbeatAt: longAgo }).returning();
    await sleep(600);
    expect((await row(after!.id)).status).toBe('running');
    await db.db.update(contactImports).set({ status: 'failed' }).where(eq(contactImports.id, after!.id));
  });

  it('a live import keeps its heartbeat past the threshold; a clean shutdown fails it; one failed elsewhere stops', async () => {
    const a = await importApp({ staleAfterMs: 1500, heartbeatMs: 200, sweepEveryMs: 100 });
    const r = await a.post(csvOf('Live', 2000, '5320'), 'tok-live');
    expect(r.status).toBe(202);
    await sleep(2500);
    const live = await row(r.json.id);
    expect(live.status).toBe('running');
    expect(live.processed).toBeGreaterThan(0);
    await a.close();
    const closed = await row(r.json.id);
    expect(closed).toMatchObject({ status: 'failed' });
    expect((closed.errors as any[]).at(-1)).toEqual({
      row: closed.processed + 2,
      message: `the import was interrupted (the server stopped) after ${closed.processed} of 2000 rows; import the rest again`,
    });

    // Failed by another process meanwhile (its heartbeat looked stale there): this one stops and leaves it failed.
    const b = await importApp();
    const s = await b.post(csvOf('Lost', 2000, '5330'), 'tok-lost');
    expect(s.status).toBe(202);
    await until('rows to be created', async () => (await row(s.json.id)).processed >= 10);
    await db.db.update(contactImports).set({ status: 'failed' }).where(and(eq(contactImports.id, s.json.id), eq(contactImports.status, 'running')));
    const atFail = await row(s.json.id);
    await sleep(500);
    const later = await row(s.json.id);
    expect(later).toMatchObject({ status: 'failed' });
    // At most the row in flight when it was failed (its transaction had begun) is counted.
    expect(later.processed - atFail.processed).toBeLessThanOrEqual(1);
    const made = await db.db.select({ n: sql<number>`count(*)::int` }).from(contacts).where(like(contacts.name, 'Lost %'));
    expect(made[0]!.n).toBe(later.created);
    await b.close();
  });
});
