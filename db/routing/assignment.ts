// Routing on Postgres: who gets a conversation, and the team queues.
//
// Capacity is a hard limit, kept by locking: every decision that can raise an agent's load first
// locks the agents rows it may choose from (`FOR UPDATE`, one statement, ordered by id, so
// overlapping sets never deadlock), then counts loads from committed rows. Conversation and queue
// rows are only touched after the agents locks: one global lock order, agents first.
// The choice itself is domain/agent-ranking.ts, made on the rows read under those locks.
import { and, asc, eq, inArray, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { agents, conversations, teamQueue } from '../schema.js';
import { freeAgents, rankAgents, type RankedAgent } from '../../domain/agent-ranking.js';
import { isUuid } from '../../domain/ids.js';
import { primaryLanguage, type Urgency } from '../../domain/vocabulary.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Exec = Db | Tx;

/** The queue's order (stored in team_queue.urgency_rank): most urgent first. */
export const URGENCY_RANK: Record<Urgency, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
export const urgencyRank = (u: string | null | undefined): number => URGENCY_RANK[u as Urgency] ?? URGENCY_RANK.normal;

export interface AssignInput {
  conversationId: string;
  workflowId: string;
  team: string;
  /** BCP-47; null, '' or 'und': any agent will do. */
  language?: string | null;
  urgency?: string | null;
  /** The contact's owner, say: taken first when active, under capacity and speaking the language. */
  preferredAgentId?: string | null;
  /** Agents not to give it to (an escalation away from the current assignee). */
  excludeAgentIds?: string[];
  /** Since when the buyer waits (queue order among equally urgent ones); default now. */
  waitingSince?: string | null;
  /** The workflow run asking: kept on the assignment row (the reconciler's fence). */
  runId?: string | null;
}

export interface AssignResult {
  assignee: string | null;
  team: string;
  queued: boolean;
  reasons: string[];
  /** Queued conversations given to the previous assignee's freed slot, when this moved it away. */
  freed?: Placement[];
}

export interface Placement {
  conversationId: string;
  workflowId: string;
  assignee: string;
  team: string;
}

interface AgentRow {
  id: string;
  name: string;
  team: string;
  languages: string[];
  capacity: number;
  active: boolean;
  lastAssignedAt: Date | null;
}

type Candidate = AgentRow & RankedAgent;

/** Locks the agents rows (ordered by id) and returns them with their open loads. */
async function lockAgents(tx: Tx, where: { team?: string; ids?: string[] }): Promise<Map<string, Candidate>> {
  const ids = (where.ids ?? []).filter(isUuid);
  const conds = [];
  if (where.team !== undefined) conds.push(eq(agents.team, where.team));
  if (ids.length) conds.push(inArray(agents.id, ids));
  if (!conds.length) return new Map();
  const rows: AgentRow[] = await tx
    .select({
      id: agents.id,
      name: agents.name,
      team: agents.team,
      languages: agents.languages,
      capacity: agents.capacity,
      active: agents.active,
      lastAssignedAt: agents.lastAssignedAt,
    })
    .from(agents)
    .where(conds.length === 1 ? conds[0] : or(...conds))
    .orderBy(asc(agents.id))
    .for('update');
  const out = new Map<string, Candidate>(rows.map((r) => [r.id, { ...r, load: 0 }]));
  if (!rows.length) return out;
  const loads = await tx
    .select({ assignee: conversations.assignee, n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(and(inArray(conversations.assignee, [...out.keys()]), ne(conversations.status, 'resolved')))
    .groupBy(conversations.assignee);
  for (const l of loads) {
    const a = out.get(l.assignee!);
    if (a) a.load = Number(l.n);
  }
  return out;
}

async function lockQueueRow(tx: Tx, conversationId: string): Promise<void> {
  await tx.select({ id: teamQueue.conversationId }).from(teamQueue).where(eq(teamQueue.conversationId, conversationId)).for('update');
}

async function place(tx: Tx, conversationId: string, agent: Candidate, team: string, runId?: string | null): Promise<void> {
  await tx
    .update(conversations)
    // A placement from the queue (no run asking) keeps the run id the conversation had.
    // Placed with a person: open (a resolved conversation given to someone counts in their load).
    .set({ assignee: agent.id, team, status: sql`case when ${conversations.status} = 'resolved' then 'open' else ${conversations.status} end`, ...(runId !== undefined ? { assignedRunId: runId } : {}), updatedAt: new Date() })
    .where(eq(conversations.id, conversationId));
  // clock_timestamp(), not now(): a transaction that waited for the lock must still sort after
  // the one it waited for.
  const [bumped] = await tx
    .update(agents)
    .set({ lastAssignedAt: sql`clock_timestamp()` })
    .where(eq(agents.id, agent.id))
    .returning({ at: agents.lastAssignedAt });
  await tx.delete(teamQueue).where(eq(teamQueue.conversationId, conversationId));
  agent.load++;
  agent.lastAssignedAt = bumped?.at ?? new Date();
}

export async function assignConversation(db: Db, input: AssignInput): Promise<AssignResult> {
  const team = input.team;
  const language = primaryLanguage(input.language);
  const preferred = input.preferredAgentId ?? null;

  for (let attempt = 0; ; attempt++) {
    // Unlocked look first, to know whose rows to lock; re-checked under the locks below.
    const [seen] = await db
      .select({ assignee: conversations.assignee })
      .from(conversations)
      .where(eq(conversations.id, input.conversationId));
    if (!seen) throw new Error(`assignConversation: no conversation ${input.conversationId}`);
    const lockIds = [preferred, seen.assignee].filter(isUuid);

    const outcome = await db.transaction(async (tx): Promise<'retry' | { result: AssignResult; previous: { id: string; team: string | null } | null }> => {
      const pool = await lockAgents(tx, { team, ids: lockIds });
      // Lock order: agents, then the queue row, then the conversation (as fillFromQueue does).
      await lockQueueRow(tx, input.conversationId);
      const [conv] = await tx
        .select({ assignee: conversations.assignee, status: conversations.status })
        .from(conversations)
        .where(eq(conversations.id, input.conversationId))
        .for('update');
      if (!conv) throw new Error(`assignConversation: no conversation ${input.conversationId}`);
      // Someone moved it to an agent we did not lock: start over.
      if (conv.assignee !== seen.assignee) return 'retry';
      const current = conv.assignee ? pool.get(conv.assignee) : undefined;
      const decision = rankAgents([...pool.values()], {
        team,
        language: input.language,
        preferredAgentId: preferred,
        excludeAgentIds: input.excludeAgentIds ?? [],
        currentAssignee: conv.assignee,
      });
      const reasons = decision.reasons;

      // Idempotent: already with a valid agent (counted in its load already).
      if (decision.kind === 'keep') {
        await tx.delete(teamQueue).where(eq(teamQueue.conversationId, input.conversationId));
        return { result: { assignee: decision.agent.id, team: decision.agent.team, queued: false, reasons }, previous: null };
      }
      const previous = conv.assignee ? { id: conv.assignee, team: current?.team ?? null } : null;
      if (decision.kind === 'place') {
        await place(tx, input.conversationId, decision.agent, decision.team, input.runId ?? null);
        return { result: { assignee: decision.agent.id, team: decision.team, queued: false, reasons }, previous };
      }

      // The team's queue.
      await tx
        .update(conversations)
        .set({ assignee: null, team, assignedRunId: null, updatedAt: new Date() })
        .where(eq(conversations.id, input.conversationId));
      const rank = urgencyRank(input.urgency);
      const since = input.waitingSince ? new Date(input.waitingSince) : undefined;
      await tx
        .insert(teamQueue)
        .values({
          conversationId: input.conversationId,
          workflowId: input.workflowId,
          team,
          language,
          urgencyRank: rank,
          ...(since ? { enqueuedAt: since } : {}),
        })
        .onConflictDoUpdate({
          target: teamQueue.conversationId,
          // Keeps its place (enqueuedAt) when asked again.
          set: { workflowId: input.workflowId, team, language, urgencyRank: rank },
        });
      reasons.push(`queued in team ${team} (${input.urgency ?? 'normal'})`);
      return { result: { assignee: null, team, queued: true, reasons }, previous };
    });

    if (outcome === 'retry') {
      if (attempt < 5) continue;
      throw new Error(`assignConversation: conversation ${input.conversationId} keeps moving; try again`);
    }
    const { result, previous } = outcome;
    if (previous && previous.id !== result.assignee && previous.team) {
      const filled = await fillFromQueue(db, { team: previous.team });
      if (filled.assigned.length) result.freed = filled.assigned;
    }
    return result;
  }
}

/**
 * Gives queued conversations to the team's free agents: most urgent first, then oldest; one whose
 * language no free agent speaks waits (the next ones may still be placed).
 */
export async function fillFromQueue(db: Db, input: { team: string }): Promise<{ assigned: Placement[] }> {
  const team = input.team;
  return db.transaction(async (tx) => {
    const assigned: Placement[] = [];
    const pool = await lockAgents(tx, { team });
    const free = () => freeAgents([...pool.values()], null);
    if (!free().length) return { assigned };
    // Rows left waiting (no free agent speaks their language) are not looked at again.
    const skipped: string[] = [];
    const batch = 200;
    for (;;) {
      if (!free().length) break;
      const rows = await tx
        .select({
          conversationId: teamQueue.conversationId,
          workflowId: teamQueue.workflowId,
          language: teamQueue.language,
          status: conversations.status,
          assignee: conversations.assignee,
        })
        .from(teamQueue)
        .innerJoin(conversations, eq(conversations.id, teamQueue.conversationId))
        .where(and(eq(teamQueue.team, team), skipped.length ? notInArray(teamQueue.conversationId, skipped) : undefined))
        .orderBy(asc(teamQueue.urgencyRank), asc(teamQueue.enqueuedAt), asc(teamQueue.conversationId))
        .limit(batch)
        .for('update', { of: teamQueue, skipLocked: true });
      if (!rows.length) break;
      for (const row of rows) {
        if (row.status === 'resolved' || row.assignee) {
          // Closed or placed meanwhile: it no longer waits.
          await tx.delete(teamQueue).where(eq(teamQueue.conversationId, row.conversationId));
          continue;
        }
        const best = freeAgents([...pool.values()], row.language)[0];
        if (!best) {
          skipped.push(row.conversationId);
          if (!free().length) break;
          continue;
        }
        await place(tx, row.conversationId, best, team);
        assigned.push({ conversationId: row.conversationId, workflowId: row.workflowId, assignee: best.id, team });
      }
      if (rows.length < batch) break;
    }
    return { assigned };
  });
}

/** Takes a conversation from its agent (and out of the queue), then gives the freed slot away. */
export async function releaseConversation(
  db: Db,
  input: { conversationId: string; resolve?: boolean },
): Promise<{ released: string | null; freed: Placement[] }> {
  const before = await db.transaction(async (tx) => {
    await lockQueueRow(tx, input.conversationId);
    const [conv] = await tx
      .select({ assignee: conversations.assignee, team: conversations.team })
      .from(conversations)
      .where(eq(conversations.id, input.conversationId))
      .for('update');
    if (!conv) return null;
    await tx
      .update(conversations)
      .set({ assignee: null, assignedRunId: null, ...(input.resolve ? { status: 'resolved' } : {}), updatedAt: new Date() })
      .where(eq(conversations.id, input.conversationId));
    await tx.delete(teamQueue).where(eq(teamQueue.conversationId, input.conversationId));
    return conv;
  });
  if (!before?.assignee) return { released: null, freed: [] };
  const [agent] = isUuid(before.assignee)
    ? await db.select({ team: agents.team }).from(agents).where(eq(agents.id, before.assignee))
    : [];
  const teams = [...new Set([agent?.team, before.team].filter((t): t is string => !!t))];
  const freed: Placement[] = [];
  for (const t of teams) freed.push(...(await fillFromQueue(db, { team: t })).assigned);
  return { released: before.assignee, freed };
}

/** A conversation closes: resolved, unassigned, out of the queue; its agent's slot is given away. */
export function closeConversationAssignment(db: Db, input: { conversationId: string }) {
  return releaseConversation(db, { conversationId: input.conversationId, resolve: true });
}

/** The queue of a team in the order it is served. */
export async function listQueue(db: Exec, team: string) {
  return db
    .select()
    .from(teamQueue)
    .where(eq(teamQueue.team, team))
    .orderBy(asc(teamQueue.urgencyRank), asc(teamQueue.enqueuedAt), asc(teamQueue.conversationId));
}

export type DirectAssignResult =
  | { ok: true; assignee: string; team: string; freed: Placement[] }
  | { ok: false; reason: string };

/**
 * A person takes the conversation, or is given it by a person (take-over, reassign to an agent):
 * under the agents' locks, capacity still a hard limit (one already holding it keeps it). The
 * previous assignee's freed slot goes to the queue.
 */
export async function assignDirectly(
  db: Db,
  input: { conversationId: string; workflowId: string; agentId: string; team?: string | null; runId?: string | null },
): Promise<DirectAssignResult> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const [seen] = await db.select({ assignee: conversations.assignee }).from(conversations).where(eq(conversations.id, input.conversationId));
    if (!seen) return { ok: false, reason: `no conversation ${input.conversationId}` };
    const outcome = await db.transaction(async (tx): Promise<'retry' | { result: DirectAssignResult; previous: string | null; previousTeam: string | null }> => {
      const pool = await lockAgents(tx, { ids: [input.agentId, seen.assignee].filter(isUuid) });
      await lockQueueRow(tx, input.conversationId);
      const [conv] = await tx
        .select({ assignee: conversations.assignee, team: conversations.team, status: conversations.status })
        .from(conversations)
        .where(eq(conversations.id, input.conversationId))
        .for('update');
      if (!conv) return { result: { ok: false, reason: `no conversation ${input.conversationId}` }, previous: null, previousTeam: null };
      // A person taking a resolved conversation reopens it: it counts in their load from now on.
      if (conv.status === 'resolved') {
        await tx.update(conversations).set({ status: 'open', updatedAt: new Date() }).where(eq(conversations.id, input.conversationId));
      }
      if (conv.assignee !== seen.assignee) return 'retry';
      const agent = pool.get(input.agentId);
      if (!agent) return { result: { ok: false, reason: `no agent ${input.agentId}` }, previous: null, previousTeam: null };
      const team = input.team ?? conv.team ?? agent.team;
      if (conv.assignee === agent.id) {
        await tx
          .update(conversations)
          .set({ team, ...(input.runId !== undefined ? { assignedRunId: input.runId } : {}), updatedAt: new Date() })
          .where(eq(conversations.id, input.conversationId));
        await tx.delete(teamQueue).where(eq(teamQueue.conversationId, input.conversationId));
        return { result: { ok: true, assignee: agent.id, team, freed: [] }, previous: null, previousTeam: null };
      }
      if (agent.load >= agent.capacity) {
        return { result: { ok: false, reason: `agent ${agent.name} is at capacity (${agent.load}/${agent.capacity}); release one of their conversations or raise their capacity` }, previous: null, previousTeam: null };
      }
      const previous = conv.assignee;
      const previousTeam = previous ? (pool.get(previous)?.team ?? conv.team) : null;
      await place(tx, input.conversationId, agent, team, input.runId ?? null);
      return { result: { ok: true, assignee: agent.id, team, freed: [] }, previous, previousTeam };
    });
    if (outcome === 'retry') continue;
    const { result, previousTeam } = outcome;
    if (result.ok && outcome.previous && previousTeam) result.freed = (await fillFromQueue(db, { team: previousTeam })).assigned;
    return result;
  }
  throw new Error(`assignDirectly: conversation ${input.conversationId} keeps moving; try again`);
}

/** A run (started again, or continued as new) takes over what its conversation holds. */
export async function adoptAssignment(db: Exec, input: { conversationId: string; runId: string }): Promise<void> {
  await db
    .update(conversations)
    .set({ assignedRunId: input.runId })
    .where(and(eq(conversations.id, input.conversationId), sql`${conversations.assignee} is not null`, sql`${conversations.assignedRunId} is distinct from ${input.runId}`));
}

/** Open conversations holding an agent's slot, with the run that holds it. */
export async function heldAssignments(db: Exec, opts: { limit?: number; afterId?: string } = {}) {
  return db
    .select({ conversationId: conversations.id, workflowId: conversations.workflowId, assignee: conversations.assignee, team: conversations.team, runId: conversations.assignedRunId })
    .from(conversations)
    .where(and(sql`${conversations.assignee} is not null`, ne(conversations.status, 'resolved'), opts.afterId ? sql`${conversations.id} > ${opts.afterId}` : undefined))
    .orderBy(asc(conversations.id))
    .limit(opts.limit ?? 500);
}

/**
 * Gives back the slot of a conversation whose run is gone, fenced by that run id: a run that
 * started again meanwhile (and adopted the assignment) keeps it. The freed slot goes to the queue.
 */
export async function releaseIfHeldBy(db: Db, input: { conversationId: string; runId: string | null }): Promise<{ released: string | null; freed: Placement[] }> {
  const released = await db.transaction(async (tx) => {
    await lockQueueRow(tx, input.conversationId);
    const [conv] = await tx
      .select({ assignee: conversations.assignee, runId: conversations.assignedRunId, team: conversations.team })
      .from(conversations)
      .where(eq(conversations.id, input.conversationId))
      .for('update');
    if (!conv?.assignee || (conv.runId ?? null) !== input.runId) return null;
    await tx
      .update(conversations)
      .set({ assignee: null, assignedRunId: null, updatedAt: new Date() })
      .where(eq(conversations.id, input.conversationId));
    return conv;
  });
  if (!released) return { released: null, freed: [] };
  const freed = released.team ? (await fillFromQueue(db, { team: released.team })).assigned : [];
  return { released: released.assignee, freed };
}
