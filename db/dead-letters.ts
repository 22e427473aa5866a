// Dead letters: what Postgres refuses however often it is asked (a value it cannot store), kept with
// its reason so that the conversation goes on and a person can look at it.
import { and, eq } from 'drizzle-orm';
import { cleanJson, cleanText } from '../domain/text.js';
import type { Db } from './client.js';
import type { Cursor } from '../domain/ids.js';
import { afterCursor, newestFirst, toPage, type Page } from './crm/paging.js';
import { deadLetters } from './schema.js';

/** SQLSTATE of an error from postgres.js or PGlite, also when drizzle wraps it. */
export function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * An error that retrying cannot fix: the data itself is refused (class 22: bad value, too long,
 * bad encoding; 54: over a limit such as an index row; 23 but a unique race, which a retry settles).
 */
export function isPermanentDbError(err: unknown): boolean {
  const code = sqlState(err);
  if (!code) return false;
  if (code.startsWith('22') || code.startsWith('54')) return true;
  return code.startsWith('23') && code !== '23505' && code !== '40001' && code !== '40P01';
}

/** The database's own words (drizzle's message repeats the query and its parameters). */
export function dbErrorMessage(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 5 && (e as { cause?: unknown })?.cause; i++) e = (e as { cause?: unknown }).cause;
  return cleanText(String((e as Error)?.message ?? e)).slice(0, 500);
}

export interface DeadLetterInput {
  key: string;
  kind: string;
  workflowId?: string | null;
  reason: string;
  payload: unknown;
}

/** Kept once per key. If even the payload is refused, the reason alone is kept. */
export async function keepDeadLetter(db: Db, input: DeadLetterInput): Promise<void> {
  const row = {
    key: input.key.slice(0, 1000),
    kind: input.kind,
    workflowId: input.workflowId ?? null,
    reason: cleanText(input.reason).slice(0, 2000),
  };
  try {
    await db
      .insert(deadLetters)
      .values({ ...row, payload: cleanJson((input.payload ?? {}) as object) })
      .onConflictDoNothing();
  } catch (err) {
    if (!isPermanentDbError(err)) throw err;
    await db
      .insert(deadLetters)
      .values({ ...row, payload: { unstorable: true, error: dbErrorMessage(err) } })
      .onConflictDoNothing();
  }
}

/**
 * Runs `store`; when Postgres refuses the data for good, keeps it as a dead letter instead and
 * answers false. Other errors (the database away) are thrown, so the caller's retry goes on.
 */
export async function storeOrDeadLetter(db: Db, letter: Omit<DeadLetterInput, 'reason'>, store: () => Promise<void>): Promise<boolean> {
  try {
    await store();
    return true;
  } catch (err) {
    if (!isPermanentDbError(err)) throw err;
    await keepDeadLetter(db, { ...letter, reason: `${sqlState(err)}: ${dbErrorMessage(err)}` });
    return false;
  }
}

export interface DeadLetterView {
  id: string;
  key: string;
  kind: string;
  workflowId: string | null;
  reason: string;
  payload: unknown;
  at: string;
}

export async function listDeadLetters(db: Db, page: { limit: number; cursor?: Cursor; kind?: string }): Promise<Page<DeadLetterView>> {
  const rows = await db
    .select()
    .from(deadLetters)
    .where(and(page.kind ? eq(deadLetters.kind, page.kind) : undefined, afterCursor(deadLetters.at, deadLetters.id, page.cursor)))
    .orderBy(...newestFirst(deadLetters.at, deadLetters.id))
    .limit(page.limit + 1);
  return toPage(
    rows.map((r) => ({ ...r, createdAt: r.at })),
    page.limit,
    (r): DeadLetterView => ({ id: r.id, key: r.key, kind: r.kind, workflowId: r.workflowId, reason: r.reason, payload: r.payload, at: r.at.toISOString() }),
  );
}
