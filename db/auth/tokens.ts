// API tokens kept in the database: created with a role (and an agent for `agent`), stored as a
// sha256 hash (a token is 32 random bytes, so a fast hash is enough), revoked by a timestamp.
import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { agents, apiTokens } from '../schema.js';
import { isUuid } from '../../domain/ids.js';

export type TokenRole = 'admin' | 'agent';

export interface TokenView {
  id: string;
  role: TokenRole;
  agentId: string | null;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface ActiveToken {
  id: string;
  role: TokenRole;
  agentId: string | null;
  /** The bound agent's current team. */
  team: string | null;
}

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');


const view = (r: typeof apiTokens.$inferSelect): TokenView => ({
  id: r.id,
  role: r.role as TokenRole,
  agentId: r.agentId,
  label: r.label,
  createdAt: r.createdAt.toISOString(),
  lastUsedAt: r.lastUsedAt ? r.lastUsedAt.toISOString() : null,
});

export class UnknownAgentError extends Error {}

/** A new token; the returned `token` is the only time it exists outside its hash. */
export async function createToken(
  db: Db,
  input: { role: TokenRole; agentId?: string | null; label?: string | null; createdBy?: string | null },
): Promise<TokenView & { token: string }> {
  const agentId = input.role === 'agent' ? (input.agentId ?? null) : null;
  if (input.role === 'agent') {
    const found = isUuid(agentId) ? await db.select({ id: agents.id }).from(agents).where(eq(agents.id, agentId)) : [];
    if (found.length === 0) throw new UnknownAgentError(`no agent ${agentId ?? '(none given)'}`);
  }
  const token = `tl_${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(apiTokens)
    .values({ tokenHash: hashToken(token), role: input.role, agentId, label: input.label ?? null, createdBy: input.createdBy ?? null })
    .returning();
  return { ...view(row!), token };
}

/** Tokens not revoked, newest first; never the token itself. */
export async function listTokens(db: Db): Promise<TokenView[]> {
  const rows = await db.select().from(apiTokens).where(isNull(apiTokens.revokedAt)).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map(view);
}

/** Revoked at once: the next request with it is refused. Revoking twice changes nothing. */
export async function revokeToken(db: Db, id: string): Promise<'revoked' | 'already_revoked' | 'not_found'> {
  if (!isUuid(id)) return 'not_found';
  const [row] = await db.select({ revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.id, id));
  if (!row) return 'not_found';
  if (row.revokedAt) return 'already_revoked';
  await db.update(apiTokens).set({ revokedAt: new Date() }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
  return 'revoked';
}

/** The live token with this hash, with its agent's current team; read on every request (revocation is immediate). */
export async function findActiveToken(db: Db, tokenHash: string): Promise<ActiveToken | null> {
  const [row] = await db
    .select({ id: apiTokens.id, role: apiTokens.role, agentId: apiTokens.agentId, team: agents.team })
    .from(apiTokens)
    .leftJoin(agents, eq(agents.id, apiTokens.agentId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)))
    .limit(1);
  return row ? { id: row.id, role: row.role as TokenRole, agentId: row.agentId, team: row.team ?? null } : null;
}

/** `lastUsedAt`, written at most once a minute per token so a busy token costs no write per request. */
export async function touchToken(db: Db, id: string): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`))));
}
