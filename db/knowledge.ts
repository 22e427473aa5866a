// The versioned knowledge base: the newest row is current; a fresh install has none (version 0, no
// entries: automation answers nothing until the business writes what it knows).
import { desc, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { knowledge } from './schema.js';
import type { KnowledgeBase, KnowledgeEntry } from '../domain/knowledge.js';

const LOCK_KEY = 'threadline:knowledge';

export async function currentKnowledge(db: Db): Promise<KnowledgeBase> {
  const [row] = await db.select().from(knowledge).orderBy(desc(knowledge.version)).limit(1);
  return row ? { version: row.version, entries: row.entries as KnowledgeEntry[] } : { version: 0, entries: [] };
}

/** Only the current version number (cheap: what a turn checks before reading the entries). */
export async function currentKnowledgeVersion(db: Db): Promise<number> {
  const [row] = await db.select({ version: knowledge.version }).from(knowledge).orderBy(desc(knowledge.version)).limit(1);
  return row?.version ?? 0;
}

export class KnowledgeVersionConflict extends Error {
  constructor(
    readonly expected: number,
    readonly current: number,
  ) {
    super(`the knowledge base is at version ${current}, not ${expected}: reload it and apply your change again`);
    this.name = 'KnowledgeVersionConflict';
  }
}

/** Stores validated entries as the next version (with `expectedVersion`: only if still current). */
export async function saveKnowledge(db: Db, entries: KnowledgeEntry[], opts: { expectedVersion?: number; createdBy?: string | null } = {}): Promise<{ version: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${LOCK_KEY}, 0))`);
    const [row] = await tx.select({ version: knowledge.version }).from(knowledge).orderBy(desc(knowledge.version)).limit(1);
    const current = row?.version ?? 0;
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== current) throw new KnowledgeVersionConflict(opts.expectedVersion, current);
    const version = current + 1;
    await tx.insert(knowledge).values({ version, entries, createdBy: opts.createdBy ?? null });
    return { version };
  });
}
