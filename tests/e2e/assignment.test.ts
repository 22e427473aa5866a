// Routing on a real Postgres: 200 conversations arriving at once across 5 agents of capacity 10
// (capacity is a hard limit; the rest wait in the team's queue, most urgent then oldest first),
// freed slots served from the queue, more capacity via PATCH /agents/:id signalled to workflows.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Client, Connection } from '@temporalio/client';
import { and, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assignConversation, closeConversationAssignment, fillFromQueue, releaseConversation, type AssignResult } from '../../db/routing/assignment.js';
import { listQueue } from '../../db/routing/assignment.js';
import { agents, contacts, conversations, teamQueue } from '../../db/schema.js';
import { appWithoutWorker } from '../helpers/stack.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

let db: TestDb;
let app: FastifyInstance;
let connection: Connection;
let temporal: Client;
const token = `tok_${randomBytes(8).toString('hex')}`;
const run = randomBytes(4).toString('hex');

beforeAll(async () => {
  db = await createTestDb(); // a postgres.js pool of 10 connections
  connection = await Connection.connect({ address: inject('temporalAddress') });
  temporal = new Client({ connection, namespace: 'default' });
  app = await appWithoutWorker(db, temporal, token);
});
afterAll(async () => {
  await app?.close();
  await connection?.close();
  await db?.drop();
});

async function api(method: string, url: string, body?: unknown) {
  const r = await app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : undefined };
}

const URGENCIES = ['urgent', 'high', 'normal', 'low'] as const;
const RANK = { urgent: 0, high: 1, normal: 2, low: 3 };
interface Conv {
  id: string;
  workflowId: string;
  urgency: (typeof URGENCIES)[number];
  language: string;
  waitingSince: string;
  team: string;
}

/** Conversation rows as the ingress leaves them (one contact each), not yet assigned. */
async function makeConversations(prefix: string, n: number, f: (i: number) => Partial<Conv> = () => ({})): Promise<Conv[]> {
  const cs = await db.db
    .insert(contacts)
    .values(Array.from({ length: n }, (_, i) => ({ name: `${prefix} buyer ${i}` })))
    .returning({ id: contacts.id });
  const base = Date.UTC(2025, 0, 1, 8, 0, 0);
  const specs = cs.map((c, i) => ({
    contactId: c.id,
    workflowId: `wa:${run}:${prefix}-${i}`,
    urgency: URGENCIES[(i * 7) % 4]!,
    language: i % 2 ? 'ar' : 'en-GB',
    // Distinct, not in creation order: the queue must sort, not keep arrival order.
    waitingSince: new Date(base + ((i * 37) % n) * 1000).toISOString(),
    team: 'sales',
    ...f(i),
  }));
  const rows = await db.db
    .insert(conversations)
    .values(specs.map((s, i) => ({ workflowId: s.workflowId, phoneNumberId: run, sender: `${prefix}-${i}`, contactId: s.contactId, urgency: s.urgency })))
    .returning({ id: conversations.id, workflowId: conversations.workflowId });
  return rows.map((r, i) => ({ id: r.id, workflowId: r.workflowId, urgency: specs[i]!.urgency, language: specs[i]!.language, waitingSince: specs[i]!.waitingSince, team: specs[i]!.team }));
}

const assign = (c: Conv, extra: Record<string, unknown> = {}) =>
  assignConversation(db.db, { conversationId: c.id, workflowId: c.workflowId, team: c.team, language: c.language, urgency: c.urgency, waitingSince: c.waitingSince, ...extra });

/** Served order: most urgent, then waiting longest. */
const servedOrder = (cs: Conv[]) =>
  [...cs].sort((a, b) => RANK[a.urgency] - RANK[b.urgency] || a.waitingSince.localeCompare(b.waitingSince) || a.id.localeCompare(b.id)).map((c) => c.id);

/** Open conversations per agent, straight from the table. */
async function loads(team = 'sales'): Promise<Map<string, { load: number; capacity: number }>> {
  const rows = await db.db
    .select({
      id: agents.id,
      capacity: agents.capacity,
      load: sql<number>`(select count(*)::int from ${conversations} c where c.assignee = "agents"."id"::text and c.status <> 'resolved')`,
    })
    .from(agents)
    .where(eq(agents.team, team));
  return new Map(rows.map((r) => [r.id, { load: Number(r.load), capacity: r.capacity }]));
}
async function expectNoAgentOverCapacity(team = 'sales') {
  for (const [id, { load, capacity }] of await loads(team)) expect(load, `agent ${id}`).toBeLessThanOrEqual(capacity);
}
const queuedIds = async (team = 'sales') => (await listQueue(db.db, team)).map((q) => q.conversationId);

describe('200 conversations at once, 5 agents of capacity 10', () => {
  let agentIds: string[] = [];
  let convs: Conv[] = [];
  let byId: Map<string, Conv>;
  let results: AssignResult[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 5; i++) {
      const r = await api('POST', '/agents', { name: `Agent ${i}`, team: 'sales', languages: ['en', 'ar'], capacity: 10 });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      agentIds.push(r.json.id);
    }
    convs = await makeConversations('burst', 200);
    byId = new Map(convs.map((c) => [c.id, c]));
  });

  it('assigns exactly 50, none over capacity, and queues 150 in served order', async () => {
    results = await Promise.all(convs.map((c) => assign(c)));
    const assigned = results.filter((r) => r.assignee);
    const queued = results.filter((r) => r.queued);
    expect(assigned).toHaveLength(50);
    expect(queued).toHaveLength(150);
    for (const r of queued) expect(r.assignee).toBeNull();
    for (const r of assigned) expect(agentIds).toContain(r.assignee);

    const l = await loads();
    expect([...l.values()].map((x) => x.load)).toEqual([10, 10, 10, 10, 10]);
    // The API says the same.
    const list = (await api('GET', '/agents?team=sales')).json.data;
    expect(list.map((a: { load: number }) => a.load)).toEqual([10, 10, 10, 10, 10]);

    // The rows agree with the answers.
    const inDb = await db.db.select({ id: conversations.id, assignee: conversations.assignee, team: conversations.team }).from(conversations).where(eq(conversations.phoneNumberId, run));
    const answer = new Map(convs.map((c, i) => [c.id, results[i]!.assignee]));
    for (const row of inDb) {
      expect(row.assignee).toBe(answer.get(row.id));
      expect(row.team).toBe('sales');
    }
    const waiting = convs.filter((_, i) => results[i]!.queued);
    expect(await queuedIds()).toEqual(servedOrder(waiting));
    const q = await listQueue(db.db, 'sales');
    for (const row of q) {
      const c = byId.get(row.conversationId)!;
      expect(row.urgencyRank).toBe(RANK[c.urgency]);
      expect(row.enqueuedAt.toISOString()).toBe(c.waitingSince);
      expect(row.workflowId).toBe(c.workflowId);
      expect(row.language).toBe(c.language.slice(0, 2));
    }
  });

  it('is idempotent: asking again changes nothing', async () => {
    const before = await queuedIds();
    const again = await Promise.all(convs.slice(0, 40).map((c) => assign(c)));
    again.forEach((r, i) => expect(r.assignee).toBe(results[i]!.assignee));
    expect(await queuedIds()).toEqual(before);
    expect([...(await loads()).values()].map((x) => x.load)).toEqual([10, 10, 10, 10, 10]);
  });

  it('serves freed slots from the queue: most urgent, then oldest first', async () => {
    const expected = await queuedIds();
    const a0 = convs.filter((_, i) => results[i]!.assignee === agentIds[0]).slice(0, 3);
    const a1 = convs.filter((_, i) => results[i]!.assignee === agentIds[1]).slice(0, 2);
    const [c0, c1, c2, r0, r1] = await Promise.all([
      ...a0.map((c) => closeConversationAssignment(db.db, { conversationId: c.id })),
      ...a1.map((c) => releaseConversation(db.db, { conversationId: c.id })),
    ]);
    const freed = [c0, c1, c2, r0, r1].flatMap((r) => r!.freed);
    expect(freed).toHaveLength(5);
    expect(freed.map((f) => f.conversationId).sort()).toEqual(expected.slice(0, 5).sort());
    for (const f of freed) {
      expect(f.workflowId).toBe(byId.get(f.conversationId)!.workflowId);
      expect(f.team).toBe('sales');
    }
    // Each freed slot went back to the agent who had it.
    expect(freed.filter((f) => f.assignee === agentIds[0])).toHaveLength(3);
    expect(freed.filter((f) => f.assignee === agentIds[1])).toHaveLength(2);
    expect(await queuedIds()).toEqual(expected.slice(5));
    expect([...(await loads()).values()].map((x) => x.load)).toEqual([10, 10, 10, 10, 10]);
    // Closed ones are resolved and unassigned; released ones unassigned and out of the queue.
    for (const c of [...a0, ...a1]) {
      const [row] = await db.db.select().from(conversations).where(eq(conversations.id, c.id));
      expect(row!.assignee).toBeNull();
      expect(row!.status).toBe(a0.includes(c) ? 'resolved' : 'open');
    }
  });

  it('never exceeds capacity while closes and new arrivals race', async () => {
    const expectedHead = await queuedIds();
    const closing = (
      await db.db.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.phoneNumberId, run), isNotNull(conversations.assignee)))
    ).slice(0, 20);
    const newcomers = await makeConversations('late', 30, () => ({ urgency: 'urgent', waitingSince: new Date().toISOString() }));
    const out = await Promise.all([
      ...closing.map((c) => closeConversationAssignment(db.db, { conversationId: c.id })),
      ...newcomers.map((c) => assign(c)),
    ]);
    await expectNoAgentOverCapacity();
    expect([...(await loads()).values()].map((x) => x.load)).toEqual([10, 10, 10, 10, 10]);
    // 20 slots freed, 30 newcomers + 145 waiting: 175 - 20 wait now (plus the 2 released earlier,
    // open but unassigned and out of the queue until their workflows ask again).
    const open = await db.db
      .select({ n: sql<number>`count(*)::int` })
      .from(conversations)
      .where(and(eq(conversations.phoneNumberId, run), isNull(conversations.assignee), ne(conversations.status, 'resolved')));
    expect(Number(open[0]!.n)).toBe(157);
    expect(await queuedIds()).toHaveLength(155);
    // Everyone placed is either a newcomer or came from the head of the old queue.
    const placedFromQueue = out.slice(0, 20).flatMap((r) => (r as { freed: { conversationId: string }[] }).freed.map((f) => f.conversationId));
    const newcomerIds = new Set(newcomers.map((c) => c.id));
    const oldPlaced = placedFromQueue.filter((id) => !newcomerIds.has(id));
    expect(expectedHead.slice(0, oldPlaced.length).sort()).toEqual([...oldPlaced].sort());
  });

  it('PATCH /agents/:id raising capacity assigns the next queued ones and signals their workflows', async () => {
    const head = (await queuedIds()).slice(0, 3);
    // A conversation workflow exists for each (no worker needed: signals land in its history).
    const taskQueue = `tq-idle-${run}`;
    for (const id of head) {
      const w = (await db.db.select({ workflowId: conversations.workflowId }).from(conversations).where(eq(conversations.id, id)))[0]!.workflowId;
      await temporal.workflow.start('conversation', { workflowId: w, taskQueue, args: [] });
    }
    const r = await api('PATCH', `/agents/${agentIds[2]}`, { capacity: 13 });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ id: agentIds[2], capacity: 13, load: 13 });
    for (const id of head) {
      const [row] = await db.db.select().from(conversations).where(eq(conversations.id, id));
      expect(row!.assignee).toBe(agentIds[2]);
      const history = await temporal.workflow.getHandle(row!.workflowId).fetchHistory();
      const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'assigned');
      expect(signals).toHaveLength(1);
      await temporal.workflow.getHandle(row!.workflowId).terminate('test done');
    }
    expect(await db.db.select().from(teamQueue).where(eq(teamQueue.conversationId, head[0]!))).toHaveLength(0);
    await expectNoAgentOverCapacity();
    // Lowering capacity takes nothing away, and assigns nothing.
    const low = await api('PATCH', `/agents/${agentIds[2]}`, { capacity: 5 });
    expect(low.json).toMatchObject({ capacity: 5, load: 13 });
    const queuedBefore = await queuedIds();
    await releaseConversation(db.db, { conversationId: head[0]! });
    expect(await queuedIds()).toEqual(queuedBefore);
  });

  it('an inactive agent gets nothing; active again, it is filled from the queue', async () => {
    const agent = agentIds[3]!;
    const mine = await db.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.assignee, agent));
    await api('PATCH', `/agents/${agent}`, { active: false });
    const head = (await queuedIds()).slice(0, 2);
    // Two of the agent's conversations close: the slots stay empty while inactive.
    for (const c of mine.slice(0, 2)) expect((await closeConversationAssignment(db.db, { conversationId: c.id })).freed).toEqual([]);
    expect((await queuedIds()).slice(0, 2)).toEqual(head);
    const back = await api('PATCH', `/agents/${agent}`, { active: true });
    expect(back.json).toMatchObject({ active: true, load: 10 });
    for (const id of head) expect((await db.db.select().from(conversations).where(eq(conversations.id, id)))[0]!.assignee).toBe(agent);
  });
});

describe('choosing an agent', () => {
  let team: string;
  beforeAll(async () => {
    const rules = (await api('GET', '/rules')).json;
    team = 'support';
    expect(rules.teams.map((t: { name: string }) => t.name)).toContain(team);
  });
  const mk = async (body: Record<string, unknown>) => (await api('POST', '/agents', { team, ...body })).json.id as string;

  it('prefers the given agent, else the least loaded who speaks the language, round robin on ties', async () => {
    const en = await mk({ name: 'En', languages: ['en'], capacity: 3 });
    const ar1 = await mk({ name: 'Ar1', languages: ['ar'], capacity: 3 });
    const ar2 = await mk({ name: 'Ar2', languages: ['ar', 'en'], capacity: 3 });
    const cs = await makeConversations('choose', 9, () => ({ team }));
    // Arabic: only Ar1 and Ar2; round robin alternates between them.
    const a = await Promise.resolve(assign({ ...cs[0]!, language: 'ar' }));
    const b = await assign({ ...cs[1]!, language: 'ar-SA' });
    expect([a.assignee, b.assignee].sort()).toEqual([ar1, ar2].sort());
    expect(a.reasons.join(' ')).toMatch(/least loaded/);
    // English: En (load 0) before Ar2 (load 1).
    const c = await assign({ ...cs[2]!, language: 'en' });
    expect(c.assignee).toBe(en);
    // The preferred agent wins even when more loaded ...
    const d = await assign({ ...cs[3]!, language: 'en' }, { preferredAgentId: ar2 });
    expect(d.assignee).toBe(ar2);
    expect(d.reasons.join(' ')).toMatch(/preferred/);
    // ... but not when it does not speak the language.
    const e = await assign({ ...cs[4]!, language: 'ar' }, { preferredAgentId: en });
    expect(e.assignee).toBe(ar1);
    expect(e.reasons.join(' ')).toMatch(/does not speak/);
    // Excluded (an escalation away from the current agent): moved to another qualified one.
    const f = await assign({ ...cs[4]!, language: 'ar' }, { excludeAgentIds: [ar1] });
    expect(f.assignee).toBe(ar2);
    // French: nobody speaks it -> queued; the queue skips it for the next ones.
    const g = await assign({ ...cs[5]!, language: 'fr', urgency: 'urgent' });
    expect(g).toMatchObject({ assignee: null, queued: true });
    expect(g.reasons.join(' ')).toMatch(/speaks fr/);
    // Ar2 is full (3); Ar1 has 1 (cs[4] moved away) + 2: then Arabic newcomers queue.
    expect((await assign({ ...cs[6]!, language: 'ar' })).assignee).toBe(ar1);
    expect((await assign({ ...cs[7]!, language: 'ar' })).assignee).toBe(ar1);
    const i = await assign({ ...cs[8]!, language: 'ar', urgency: 'low' });
    expect(i.queued).toBe(true);
    expect(i.reasons.join(' ')).toMatch(/at capacity/);
    // En has room but speaks no Arabic and no French: nothing to fill.
    expect((await fillFromQueue(db.db, { team })).assigned).toEqual([]);
    // A French speaker joins: the French one (urgent) is served at once, the Arabic one waits.
    const fr = await mk({ name: 'Fr', languages: ['fr'], capacity: 1 });
    expect((await db.db.select().from(conversations).where(eq(conversations.id, cs[5]!.id)))[0]!.assignee).toBe(fr);
    expect(await queuedIds(team)).toEqual([cs[8]!.id]);
    await expectNoAgentOverCapacity(team);
  });
});
