// Agents: the people conversations are routed to, with their open load.
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { agents, conversations } from '../schema.js';
import { isUuid } from '../../domain/ids.js';

export interface AgentView {
  id: string;
  name: string;
  team: string;
  languages: string[];
  capacity: number;
  active: boolean;
  /** Open (not resolved) conversations assigned to the agent. */
  load: number;
  lastAssignedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AgentInput {
  name: string;
  team: string;
  languages: string[];
  capacity: number;
  active?: boolean;
}

export type AgentPatch = Partial<AgentInput>;

/** Lower-cased, trimmed, de-duplicated language tags. */
export const normalizeLanguages = (ls: string[]) => [...new Set(ls.map((l) => l.trim().toLowerCase()).filter(Boolean))];

// Qualified by hand: drizzle leaves columns of a one-table select unqualified, and a bare "id"
// inside the subquery would be the conversation's.
const loadOf = sql<number>`(select count(*)::int from ${conversations} c
  where c.assignee = "agents"."id"::text and c.status <> 'resolved')`;

const columns = {
  id: agents.id,
  name: agents.name,
  team: agents.team,
  languages: agents.languages,
  capacity: agents.capacity,
  active: agents.active,
  load: loadOf,
  lastAssignedAt: agents.lastAssignedAt,
  createdAt: agents.createdAt,
  updatedAt: agents.updatedAt,
};

interface Row {
  id: string;
  name: string;
  team: string;
  languages: string[];
  capacity: number;
  active: boolean;
  load: number;
  lastAssignedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const view = (r: Row): AgentView => ({
  id: r.id,
  name: r.name,
  team: r.team,
  languages: r.languages,
  capacity: r.capacity,
  active: r.active,
  load: Number(r.load),
  lastAssignedAt: r.lastAssignedAt ? r.lastAssignedAt.toISOString() : null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export async function listAgents(db: Db, filter: { team?: string; active?: boolean } = {}): Promise<AgentView[]> {
  const rows = await db
    .select(columns)
    .from(agents)
    .where(
      and(
        filter.team !== undefined ? eq(agents.team, filter.team) : undefined,
        filter.active !== undefined ? eq(agents.active, filter.active) : undefined,
      ),
    )
    .orderBy(asc(agents.team), asc(agents.name), asc(agents.id));
  return rows.map((r) => view(r));
}

export async function getAgent(db: Db, id: string): Promise<AgentView | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select(columns).from(agents).where(eq(agents.id, id));
  return row ? view(row) : null;
}

export async function createAgent(db: Db, input: AgentInput): Promise<AgentView> {
  const [row] = await db
    .insert(agents)
    .values({
      name: input.name.trim(),
      team: input.team,
      languages: normalizeLanguages(input.languages),
      capacity: input.capacity,
      active: input.active ?? true,
    })
    .returning({ id: agents.id });
  return (await getAgent(db, row!.id))!;
}

/** Changes an agent; null when there is none. Returns the agent before and after. */
export async function updateAgent(
  db: Db,
  id: string,
  patch: AgentPatch,
): Promise<{ before: AgentView; after: AgentView } | null> {
  if (!isUuid(id)) return null;
  const before = await getAgent(db, id);
  if (!before) return null;
  const set: Partial<typeof agents.$inferInsert> = { updatedAt: new Date() };
  if (patch.name !== undefined) set.name = patch.name.trim();
  if (patch.team !== undefined) set.team = patch.team;
  if (patch.languages !== undefined) set.languages = normalizeLanguages(patch.languages);
  if (patch.capacity !== undefined) set.capacity = patch.capacity;
  if (patch.active !== undefined) set.active = patch.active;
  // Under the agent's row lock, so it is serialised with assignments choosing among its team.
  await db.transaction(async (tx) => {
    await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, id)).for('update');
    await tx.update(agents).set(set).where(eq(agents.id, id));
  });
  const after = (await getAgent(db, id))!;
  return { before, after };
}

/** Open conversations of an agent (for tests and views). */
export async function openLoad(db: Db, id: string): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(and(eq(conversations.assignee, id), ne(conversations.status, 'resolved')));
  return Number(r?.n ?? 0);
}
