// The versioned rules document: the newest row of `rules` is current; a fresh install gets the
// defaults, stored lazily as version 1.
import { desc, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rules } from '../schema.js';
import { DEFAULT_RULES, type RulesDocument } from '../../domain/rules.js';

export interface CurrentRules {
  version: number;
  rules: RulesDocument;
}

/** Serialises writers of the rules table (a new version is max + 1). */
const LOCK_KEY = 'threadline:rules';

export async function currentRules(db: Db): Promise<CurrentRules> {
  const [row] = await db.select().from(rules).orderBy(desc(rules.version)).limit(1);
  if (row) return { version: row.version, rules: row.document as RulesDocument };
  await db.insert(rules).values({ version: 1, document: DEFAULT_RULES, createdBy: 'defaults' }).onConflictDoNothing();
  const [again] = await db.select().from(rules).orderBy(desc(rules.version)).limit(1);
  return { version: again!.version, rules: again!.document as RulesDocument };
}

export class RulesVersionConflict extends Error {
  constructor(
    readonly expected: number,
    readonly current: number,
  ) {
    super(`the rules are at version ${current}, not ${expected}: reload them and apply your change again`);
    this.name = 'RulesVersionConflict';
  }
}

/**
 * Stores an already validated document as the next version. With `expectedVersion`, only when
 * that is still the current one (else RulesVersionConflict).
 */
export async function saveRules(
  db: Db,
  doc: RulesDocument,
  opts: { expectedVersion?: number; createdBy?: string | null } = {},
): Promise<{ version: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${LOCK_KEY}, 0))`);
    const [row] = await tx.select({ version: rules.version }).from(rules).orderBy(desc(rules.version)).limit(1);
    // A fresh install reads the defaults as version 1 (stored lazily).
    const current = row?.version ?? 1;
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== current) {
      throw new RulesVersionConflict(opts.expectedVersion, current);
    }
    if (!row) await tx.insert(rules).values({ version: 1, document: DEFAULT_RULES, createdBy: 'defaults' });
    const version = current + 1;
    await tx.insert(rules).values({ version, document: doc, createdBy: opts.createdBy ?? null });
    return { version };
  });
}

/** The team names the current rules know. */
export async function ruleTeams(db: Db): Promise<string[]> {
  const { rules: doc } = await currentRules(db);
  return (doc.teams ?? []).map((t) => t.name);
}
