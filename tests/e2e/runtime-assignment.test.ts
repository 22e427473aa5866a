// Assignment has one owner (db/routing): reopen after close, take-over and reassign move load and
// drain the queue, a queued conversation stays queued, placements made while filling a freed slot
// reach their workflow, and the reconciler gives back a slot whose workflow is gone. Each with an
// agent of capacity 1, plainly and with a continue-as-new in the middle.
import { and, eq, ne, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { conversations, teamQueue } from '../../db/schema.js';
import { closeUpdate, reassignUpdate, takeOverUpdate } from '../../workflows/conversation/contract.js';
import { createAgent, fastRules, startConversation, type Conversation, RUNTIME_MODES } from '../helpers/conversations.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
  // No acknowledgements: these tests are about who holds what.
  const version = await fastRules(s);
  const rules = (await s.api('/api/v1/rules')).json;
  const { version: _v, ...doc } = rules;
  await s.api('/api/v1/rules', { method: 'PUT', body: JSON.stringify({ ...doc, automation: { ...doc.automation, acknowledge: false }, version }) });
});
afterAll(async () => {
  await s?.stop();
});

/** Open conversations per agent, from the one owner of assignment. */
async function loadOf(agentId: string): Promise<number> {
  const [r] = await s.db.db
    .select({ n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(and(eq(conversations.assignee, agentId), ne(conversations.status, 'resolved')));
  return Number(r!.n);
}
const queued = async (conversationId: string) => (await s.db.db.select().from(teamQueue).where(eq(teamQueue.conversationId, conversationId))).length === 1;
const row = async (conversationId: string) => (await s.db.db.select().from(conversations).where(eq(conversations.id, conversationId)))[0]!;

/** A team of its own per test (capacity counts never mix between tests). */
async function teamWith(...capacities: number[]): Promise<{ team: string; agents: string[] }> {
  const team = `team${Math.random().toString(36).slice(2, 8)}`;
  const current = (await s.api('/api/v1/rules')).json;
  const { version, ...doc } = current;
  // Pricing questions go to this team.
  const teams = [{ name: team, intents: ['pricing', 'question', 'order', 'greeting', 'other'], languages: ['en', 'ar'] }, ...doc.teams.map((t: any) => ({ ...t, intents: t.intents.filter((i: string) => !['pricing', 'question', 'order', 'greeting', 'other'].includes(i)) }))];
  const put = await s.api('/api/v1/rules', { method: 'PUT', body: JSON.stringify({ ...doc, teams, version }) });
  expect(put.status).toBe(200);
  const agents: string[] = [];
  for (const c of capacities) agents.push(await createAgent(s, 'Cap', { team, capacity: c }));
  return { team, agents };
}

async function placed(c: Conversation) {
  return c.until((x) => !!x.lastDecision, 15_000);
}


describe.each(RUNTIME_MODES)('assignment, %s', (_name, test) => {
  it('a reopen after close never counts an agent over capacity 1', async () => {
    const { agents: [x] } = await teamWith(1);
    const a = await startConversation(s, 'How much is the 5L bottle?', test);
    await placed(a);
    expect((await row(a.conversationId)).assignee).toBe(x);
    const b = await startConversation(s, 'price for 10 boxes?', test);
    await placed(b);
    expect(await queued(b.conversationId)).toBe(true);
    // Close A: the slot goes to B (signalled), never to both.
    await a.handle.executeUpdate(closeUpdate, { args: [{ by: 'test' }] });
    await b.until((snap) => snap.assignee === x, 10_000);
    expect(await loadOf(x!)).toBe(1);
    // A's buyer writes again: reopened, and queued (X is full with B).
    await a.send('sorry, one more question about the price');
    await a.until((snap) => snap.status === 'open' && !!snap.lastDecision && snap.lastDecision.at > new Date(Date.now() - 10_000).toISOString(), 15_000);
    await eventually(async () => ((await queued(a.conversationId)) ? true : undefined), 10_000, 100);
    expect(await loadOf(x!)).toBe(1);
    expect((await row(a.conversationId)).assignee).toBeNull();
  });

  it('a take-over moves the load and drains the queue into the freed slot; a reassign too', async () => {
    const { agents: [x, y] } = await teamWith(1, 1);
    const a = await startConversation(s, 'quote for 20 units please', test);
    await placed(a);
    const b = await startConversation(s, 'what is the price of the blue one?', test);
    await placed(b);
    const held = [(await row(a.conversationId)).assignee, (await row(b.conversationId)).assignee].sort();
    expect(held).toEqual([x, y].sort());
    const c = await startConversation(s, 'price list please', test);
    await placed(c);
    expect(await queued(c.conversationId)).toBe(true);
    // Y takes A over... Y is full (it holds one): refused, nothing moves.
    const aHolder = (await row(a.conversationId)).assignee!;
    const other = aHolder === x ? y! : x!;
    const refused = await a.handle.executeUpdate(takeOverUpdate, { args: [{ agentId: other, by: other }] }).catch((e) => e);
    expect(String(refused?.cause?.message)).toMatch(/at capacity/);
    expect((await row(a.conversationId)).assignee).toBe(aHolder);
    // The other agent's conversation is reassigned to the team (off them): their slot goes to C.
    const otherConv = (await row(b.conversationId)).assignee === other ? b : a;
    await otherConv.handle.executeUpdate(reassignUpdate, { args: [{ assignee: null, by: 'test' }] });
    await c.until((snap) => snap.assignee === other, 10_000);
    expect(await queued(c.conversationId)).toBe(false);
    expect(await loadOf(x!)).toBe(1);
    expect(await loadOf(y!)).toBe(1);
  });

  it('a conversation moved from assigned to queued stays in the queue', async () => {
    const { team, agents: [x] } = await teamWith(1);
    const a = await startConversation(s, 'how much for delivery?', test);
    await placed(a);
    expect((await row(a.conversationId)).assignee).toBe(x);
    const b = await startConversation(s, 'and the price for 3?', test);
    await placed(b);
    // A is reassigned to its team while the only agent is... A's own: excluded, so it queues.
    await a.handle.executeUpdate(reassignUpdate, { args: [{ team, by: 'test' }] });
    // X's freed slot went to B (queued before A).
    await b.until((snap) => snap.assignee === x, 10_000);
    expect(await queued(a.conversationId)).toBe(true);
    // A's next turns do not take it out of the queue.
    await a.send('still waiting for the delivery price');
    await a.until((snap) => (snap.lastDecision?.at ?? '') > new Date(Date.now() - 8000).toISOString(), 15_000);
    expect(await queued(a.conversationId)).toBe(true);
    expect(await loadOf(x!)).toBe(1);
  });
});

describe('the reconciler', () => {
  it('gives back the slot of a conversation whose workflow was terminated, and the next queued one gets it', async () => {
    const { agents: [x] } = await teamWith(1);
    const a = await startConversation(s, 'price of the red one?');
    await placed(a);
    expect((await row(a.conversationId)).assignee).toBe(x);
    const b = await startConversation(s, 'price of the green one?');
    await placed(b);
    expect(await queued(b.conversationId)).toBe(true);
    await a.handle.terminate('gone');
    const acts = createActivities({ db: s.db.db, temporal: s.client });
    const report = await acts.reconcileAssignments({});
    expect(report.released.map((r) => r.conversationId)).toContain(a.conversationId);
    expect((await row(a.conversationId)).assignee).toBeNull();
    await b.until((snap) => snap.assignee === x, 10_000);
    expect(await loadOf(x!)).toBe(1);
    // Again: nothing more to do; a running run keeps what it holds.
    const again = await acts.reconcileAssignments({});
    expect(again.released.map((r) => r.conversationId)).not.toContain(b.conversationId);
    expect((await row(b.conversationId)).assignee).toBe(x);
  });

  it('a run that started again keeps what it holds (fenced by the run id)', async () => {
    const { agents: [x] } = await teamWith(2);
    const a = await startConversation(s, 'price please', { continueAsNewAfterEvents: 8 });
    await placed(a);
    // Many messages: the run continues as new; the assignment row still names the first run.
    for (let i = 0; i < 4; i++) await a.send(`and the price for ${i + 2}?`);
    await a.until((snap) => snap.messagesSeen >= 5, 15_000);
    const acts = createActivities({ db: s.db.db, temporal: s.client });
    const report = await acts.reconcileAssignments({});
    expect(report.released.map((r) => r.conversationId)).not.toContain(a.conversationId);
    const r = await row(a.conversationId);
    expect(r.assignee).toBe(x);
    expect(r.assignedRunId).toBe((await a.handle.describe()).runId);
  });
});
