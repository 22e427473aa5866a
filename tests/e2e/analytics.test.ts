// GET /analytics against hand-computed values. The facts are written straight to Postgres in the
// shapes the engine writes them (buyer messages, routing decisions, outbox sends and their
// messages, SLA breaches, follow-ups, assignments and closes), in the order they happen, so the
// triggers build the rollup as they do in production; the figures are read over real HTTP.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents, contacts, conversations, interactionEvents, messages, outbox } from '../../db/schema.js';
import { agentWithToken } from '../helpers/api.js';
import { startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({ worker: false });
});
afterAll(async () => s?.stop());

const T0 = Date.parse('2026-11-02T09:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000);
let seq = 0;

type Conv = { id: string; contactId: string };
const agentIds: Record<string, string> = {};

async function conv(sender: string, team: string, assignee: string | null): Promise<Conv> {
  const [c] = await s.db.db.insert(contacts).values({ name: `Buyer ${sender}` }).returning();
  const [row] = await s.db.db
    .insert(conversations)
    .values({ workflowId: `wa:1:${sender}`, phoneNumberId: '1', sender, contactId: c!.id, team, assignee })
    .returning();
  return { id: row!.id, contactId: c!.id };
}
async function buyer(c: Conv, min: number, text = 'question?'): Promise<string> {
  const id = `wamid.an.${++seq}`;
  await s.db.db.insert(messages).values({ waMessageId: id, conversationId: c.id, contactId: c.contactId, direction: 'in', type: 'text', text, raw: {}, sentAt: at(min), status: 'received' });
  return id;
}
async function decide(c: Conv, min: number, msgs: string[], d: { needsReply: boolean; slaKind?: 'first_response' | 'next_response'; dueMin?: number; automated?: boolean }) {
  await s.db.db.insert(interactionEvents).values({
    idempotencyKey: `decision:${c.id}:${msgs[0]}`,
    conversationId: c.id,
    contactId: c.contactId,
    kind: 'decision',
    at: at(min),
    payload: {
      messages: msgs,
      needsReply: d.needsReply,
      slaKind: d.slaKind ?? null,
      dueAt: d.dueMin !== undefined ? at(d.dueMin).toISOString() : null,
      acknowledge: false,
      reasons: [],
      ...(d.automated ? { automatedAnswers: [{ waMessageId: msgs[0], entryId: 'hours', confidence: 0.9, language: 'en' }] } : {}),
    },
  });
}
/** A send through the outbox and the message it became (db/outbox.ts markSent). */
async function send(c: Conv, min: number, kind: 'reply' | 'ack' | 'answer' | 'follow_up' | 'template', sentBy: string) {
  const key = `${kind}:${c.id}:${++seq}`;
  await s.db.db.insert(outbox).values({ key, conversationId: c.id, workflowId: `wf-${c.id}`, kind, status: 'sent', request: { type: 'text', text: kind }, sentBy });
  await s.db.db.insert(messages).values({
    waMessageId: `wamid.an.out.${seq}`,
    conversationId: c.id,
    contactId: c.contactId,
    direction: 'out',
    type: 'text',
    text: kind,
    raw: { sentBy, outboxKey: key },
    sentAt: at(min),
    status: 'delivered',
  });
}
async function event(c: Conv, min: number, kind: 'sla_breach' | 'follow_up', payload: Record<string, unknown> = {}) {
  await s.db.db.insert(interactionEvents).values({ idempotencyKey: `${kind}:${c.id}:${++seq}`, conversationId: c.id, contactId: c.contactId, kind, at: at(min), payload });
}
const assign = (c: Conv, agent: string, min: number) =>
  s.db.db.update(conversations).set({ assignee: agent, updatedAt: at(min) }).where(eq(conversations.id, c.id));
const close = (c: Conv, min: number) =>
  s.db.db.update(conversations).set({ status: 'resolved', outcome: 'resolved', updatedAt: at(min) }).where(eq(conversations.id, c.id));

const range = `from=${at(0).toISOString()}&to=${at(3 * 1440).toISOString()}`;
const get = async (query: string, token?: string) => {
  const r = await s.api(`/api/v1/analytics?${query}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return r;
};

describe('analytics', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    for (const [name, team] of [['A', 'sales'], ['B', 'sales'], ['C', 'support']] as const) {
      const [a] = await s.db.db.insert(agents).values({ name: `Agent ${name}`, team }).returning();
      agentIds[name] = a!.id;
    }
    const { A, B, C } = agentIds as Record<'A' | 'B' | 'C', string>;
    // c1 (sales, A): first answered in 4 min (due 10): hit. Then an acknowledgement (never a
    // response) and A's answer after 9 min (due 15): hit.
    const c1 = await conv('c1', 'sales', A);
    await decide(c1, 0, [await buyer(c1, 0)], { needsReply: true, slaKind: 'first_response', dueMin: 10 });
    await send(c1, 4, 'reply', A);
    await decide(c1, 20, [await buyer(c1, 20)], { needsReply: true, slaKind: 'next_response', dueMin: 35 });
    await send(c1, 20.1, 'ack', 'automation');
    await send(c1, 29, 'reply', A);
    // c2 (sales, B): due at 70, breached, answered at 90: 30 min, missed, one breach.
    const c2 = await conv('c2', 'sales', B);
    await decide(c2, 60, [await buyer(c2, 60)], { needsReply: true, slaKind: 'first_response', dueMin: 70 });
    await event(c2, 70, 'sla_breach', { slaKind: 'first_response' });
    await send(c2, 90, 'reply', B);
    // c3 (sales, A): two bursts before anyone answers are one turn, timed from the first message
    // (6 min); then "thanks", which needs nothing.
    const c3 = await conv('c3', 'sales', A);
    await decide(c3, 120, [await buyer(c3, 120, 'hi')], { needsReply: true, slaKind: 'first_response', dueMin: 130 });
    await decide(c3, 121, [await buyer(c3, 121)], { needsReply: true, slaKind: 'first_response', dueMin: 131 });
    await send(c3, 126, 'reply', A);
    await decide(c3, 140, [await buyer(c3, 140, 'thanks')], { needsReply: false });
    // c4 (support, C): settled by an automated answer 30 s later; a follow-up at 300 the buyer
    // answers at 330; that question (due 345) is never answered: missed.
    const c4 = await conv('c4', 'support', C);
    const q4 = await buyer(c4, 200, 'opening hours?');
    await send(c4, 200.5, 'answer', 'automation');
    await decide(c4, 200.5, [q4], { needsReply: false, automated: true });
    await event(c4, 300, 'follow_up', { sent: true, attempt: 1 });
    await decide(c4, 330, [await buyer(c4, 330)], { needsReply: true, slaKind: 'next_response', dueMin: 345 });
    // c5 (support): queued, then assigned to C, closed before its deadline without a reply:
    // neither hit nor missed. A follow-up nobody answers; one that was not sent.
    const c5 = await conv('c5', 'support', null);
    await decide(c5, 400, [await buyer(c5, 400)], { needsReply: true, slaKind: 'first_response', dueMin: 410 });
    await assign(c5, C, 402);
    await close(c5, 405);
    await event(c5, 500, 'follow_up', { sent: true, attempt: 1 });
    await event(c5, 510, 'follow_up', { sent: false, attempt: 2 });
    // c6 (sales, A), the next day: an admin answers in 2 min (A still answers for it); a
    // follow-up answered 8 days later is not a recovery.
    const c6 = await conv('c6', 'sales', A);
    await decide(c6, 1440, [await buyer(c6, 1440)], { needsReply: true, slaKind: 'first_response', dueMin: 1450 });
    await send(c6, 1442, 'reply', 'admin:ops');
    await event(c6, 1500, 'follow_up', { sent: true, attempt: 1 });
    await buyer(c6, 1500 + 8 * 1440, 'back from holiday');
    // c8 (sales, B): B's reply lands before the decision on the message is recorded: it answers the turn.
    const c8 = await conv('c8', 'sales', B);
    const q8 = await buyer(c8, 600);
    await send(c8, 601, 'reply', B);
    await decide(c8, 601.5, [q8], { needsReply: true, slaKind: 'first_response', dueMin: 610 });
    // c9 (support, C): C answers before the engine decides; the decision then finds nothing left
    // to answer (needsReply false): still a turn, answered by C in 3 min (no deadline: not in the SLA rate).
    const c9 = await conv('c9', 'support', C);
    const q9 = await buyer(c9, 700);
    await send(c9, 703, 'reply', C);
    await decide(c9, 703.5, [q9], { needsReply: false });
    // c7: the day before the range: not counted.
    const c7 = await conv('c7', 'sales', A);
    await decide(c7, -1440, [await buyer(c7, -1440)], { needsReply: true, slaKind: 'first_response', dueMin: -1430 });
    await send(c7, -1400, 'reply', A);
  });

  it('matches the figures computed by hand', async () => {
    const r = await get(range);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const a = r.json;
    expect(a.conversations).toBe(8);
    // Turns that needed or got an answer: c1 x2, c2, c3, c4 x2, c5, c6, c8, c9.
    expect(a.turns).toBe(10);
    expect(a.responses).toBe(8);
    // First responses 30, 60, 120, 180, 240, 360, 1800 s: p50 the 4th, p90 at 5.4 of 6 (360 + 0.4 x 1440).
    expect(a.firstResponseSec).toEqual({ p50: 180, p90: 936, samples: 7 });
    expect(a.nextResponseSec).toEqual({ p50: 540, p90: 540, samples: 1 });
    // Hit: c1 x2, c3, c6, c8; missed: c2 (late), c4's second (never answered); c9 had no deadline.
    expect(a.slaHitRate).toBe(0.714);
    expect(a.missed).toBe(2);
    expect(a.breaches).toBe(1);
    expect(a.followUps).toEqual({ sent: 3, replied: 1, recoveredRate: 0.333 });
    expect(a.automationShare).toBe(0.125);

    const { A, B, C } = agentIds as Record<'A' | 'B' | 'C', string>;
    const byAgent = Object.fromEntries(a.byAgent.map((x: any) => [x.agentId, x]));
    expect(byAgent[A]).toMatchObject({ name: 'Agent A', turns: 4, responses: 4, firstResponseSec: { p50: 240, p90: 336, samples: 3 }, nextResponseSec: { p50: 540, samples: 1 }, slaHitRate: 1, missed: 0, breaches: 0 });
    expect(byAgent[B]).toMatchObject({ turns: 2, responses: 2, firstResponseSec: { p50: 930, p90: 1626, samples: 2 }, slaHitRate: 0.5, missed: 1, breaches: 1 });
    expect(byAgent[C]).toMatchObject({ turns: 4, responses: 2, firstResponseSec: { p50: 105, samples: 2 }, slaHitRate: 0, missed: 1 });
    expect(a.byAgent).toHaveLength(3);

    const byTeam = Object.fromEntries(a.byTeam.map((x: any) => [x.team, x]));
    expect(byTeam.sales).toMatchObject({ turns: 6, firstResponseSec: { p50: 240, p90: 1224, samples: 5 }, slaHitRate: 0.833, missed: 1, followUps: { sent: 1, replied: 0, recoveredRate: 0 } });
    expect(byTeam.support).toMatchObject({ turns: 4, missed: 1, followUps: { sent: 2, replied: 1, recoveredRate: 0.5 } });

    expect(a.byDay.map((d: any) => [d.day, d.turns, d.followUpsSent, d.followUpsReplied])).toEqual([
      ['2026-11-02', 9, 2, 1],
      ['2026-11-03', 1, 1, 0],
    ]);
    // Day one's responses (both clocks): 30, 60, 180, 240, 360, 540, 1800 -> median 240.
    expect(a.byDay[0].responseSecP50).toBe(240);
    expect(a.byDay[1]).toMatchObject({ responseSecP50: 120, slaHitRate: 1 });
  });

  it('filters by team and by agent', async () => {
    const sales = (await get(`${range}&team=sales`)).json;
    expect(sales).toMatchObject({ conversations: 5, turns: 6, missed: 1, followUps: { sent: 1, replied: 0 } });
    expect(sales.byTeam.map((t: any) => t.team)).toEqual(['sales']);
    const b = (await get(`${range}&agentId=${agentIds.B}`)).json;
    expect(b).toMatchObject({ turns: 2, missed: 1, breaches: 1, firstResponseSec: { p50: 930, samples: 2 } });
    // The previous day alone holds only c7.
    const before = (await get(`from=${at(-1440).toISOString()}&to=${at(0).toISOString()}`)).json;
    expect(before).toMatchObject({ conversations: 1, turns: 1, firstResponseSec: { p50: 2400, samples: 1 } });
  });

  it('refuses a bad range, and scopes an agent token to its team', async () => {
    const backwards = await get(`from=${at(10).toISOString()}&to=${at(0).toISOString()}`);
    expect(backwards.status).toBe(422);
    expect(backwards.json.error).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/before/) });
    expect((await get('from=yesterday')).status).toBe(422);
    expect((await get(`from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`)).status).toBe(422);
    const agent = await agentWithToken(s, 'Scoped');
    expect((await get(`${range}&team=support`, agent.token)).status).toBe(403);
    const own = await get(range, agent.token);
    expect(own.status).toBe(200);
    expect(own.json.byTeam.map((t: any) => t.team)).toEqual(['sales']);
    expect(own.json.turns).toBe(6);
    expect((await s.api(`/api/v1/analytics?${range}`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });
});
