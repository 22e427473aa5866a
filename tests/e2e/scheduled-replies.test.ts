// Scheduled replies on the full stack: kept in Postgres, armed by the run, sent through the outbox at
// their time; cancelled; refused outside the window, on a resolved conversation and for a colleague's
// conversation; dropped and recorded when they fall due after a close; armed again by a new run.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduledReplies } from '../../db/schema.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { agentWithToken, inbound as inboundVia, post as postVia } from '../helpers/api.js';
import { eventually } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({});
});
afterAll(async () => {
  await s?.stop();
});

const inbound = (from: string, text: string) => inboundVia(s, from, text);
const post = (path: string, body: unknown, token?: string) => postVia(s, path, body, token);
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const row = async (id: string) => (await s.db.db.select().from(scheduledReplies).where(eq(scheduledReplies.id, id)))[0];

describe('scheduled replies', () => {
  it('is kept, shown, and sent through the outbox at its time, once', async () => {
    const from = '966544300001';
    const msg = await inbound(from, 'Can you send me the catalogue in the morning?');
    const at = inMs(2500);
    const r = await post(`/api/v1/conversations/${msg.conversationId}/schedule-reply`, { text: 'Good morning! Here is the catalogue.', at });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ id: expect.any(String), at });
    expect((await row(r.json.id))!.status).toBe('pending');
    expect((await s.api(`/api/v1/conversations/${msg.conversationId}`)).json.scheduled).toEqual([{ id: r.json.id, text: 'Good morning! Here is the catalogue.', at, by: expect.any(String) }]);
    const sent = await eventually(async () => {
      const x = await row(r.json.id);
      return x!.status === 'sent' ? x : undefined;
    }, 15_000);
    expect(sent!.settledAt!.getTime()).toBeGreaterThanOrEqual(Date.parse(at));
    expect(s.simulator.sent({ to: from }).filter((m) => m.text === 'Good morning! Here is the catalogue.')).toHaveLength(1);
    const detail = await s.api(`/api/v1/conversations/${msg.conversationId}`);
    expect(detail.json.scheduled).toEqual([]);
    expect(detail.json.timeline.filter((e: any) => e.kind === 'scheduled_reply').map((e: any) => e.status)).toEqual(['scheduled', 'sent']);
    expect(detail.json.timeline.some((e: any) => e.kind === 'message' && e.direction === 'out' && e.waMessageId === sent!.waMessageId)).toBe(true);
  });

  it('a retry with the same Idempotency-Key schedules nothing more: the same id, one send', async () => {
    const from = '966544300002';
    const msg = await inbound(from, 'Remind me about the sofa later please');
    const at = inMs(2500);
    const once = (key: string) =>
      s.api(`/api/v1/conversations/${msg.conversationId}/schedule-reply`, { method: 'POST', body: JSON.stringify({ text: 'About the sofa: it is back in stock.', at }), headers: { 'idempotency-key': key } });
    const a = await once('retry-1');
    const b = await once('retry-1');
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.json.id).toBe(a.json.id);
    const other = await once('another');
    expect(other.json.id).not.toBe(a.json.id);
    expect((await s.api(`/api/v1/conversations/${msg.conversationId}`)).json.scheduled.map((x: any) => x.id).sort()).toEqual([a.json.id, other.json.id].sort());
    await eventually(async () => ((await row(a.json.id))!.status === 'sent' ? true : undefined), 15_000);
    // A retry after it was sent changes nothing either.
    expect((await once('retry-1')).json.id).toBe(a.json.id);
    await new Promise((r) => setTimeout(r, 3000));
    expect(s.simulator.sent({ to: from }).filter((m) => m.text === 'About the sofa: it is back in stock.')).toHaveLength(2);
  });

  it('cancelled: never sent; cancelling again is 404; bad input and wrong state are refused clearly', async () => {
    const from = '966544300002';
    const msg = await inbound(from, 'Remind me about the offer later');
    const id = msg.conversationId;
    const r = await post(`/api/v1/conversations/${id}/schedule-reply`, { text: 'The offer ends tonight!', at: inMs(2000) });
    expect(r.status).toBe(201);
    expect((await s.api(`/api/v1/conversations/${id}/scheduled/${r.json.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await s.api(`/api/v1/conversations/${id}/scheduled/${r.json.id}`, { method: 'DELETE' })).status).toBe(404);
    await new Promise((res) => setTimeout(res, 3000));
    expect(s.simulator.sent({ to: from }).filter((m) => m.text === 'The offer ends tonight!')).toHaveLength(0);
    expect((await row(r.json.id))!.status).toBe('cancelled');

    const past = await post(`/api/v1/conversations/${id}/schedule-reply`, { text: 'x', at: inMs(-1000) });
    expect(past.status).toBe(422);
    const late = await post(`/api/v1/conversations/${id}/schedule-reply`, { text: 'next week', at: inMs(25 * 3600_000) });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('outside_customer_service_window');
    expect(late.json.error.message).toMatch(/24-hour window closes at/);
    expect((await post(`/api/v1/conversations/${id}/schedule-reply`, { text: '', at: inMs(60_000) })).status).toBe(422);
    expect((await post(`/api/v1/conversations/${id}/close`, {})).status).toBe(200);
    const resolved = await post(`/api/v1/conversations/${id}/schedule-reply`, { text: 'hello?', at: inMs(60_000) });
    expect(resolved.status).toBe(409);
    expect(resolved.json.error.message).toMatch(/resolved/);
  });

  it('falls due after a close: dropped and recorded, not sent', async () => {
    const from = '966544300003';
    const msg = await inbound(from, 'I will confirm the order tomorrow');
    const id = msg.conversationId;
    const r = await post(`/api/v1/conversations/${id}/schedule-reply`, { text: 'Shall I confirm your order?', at: inMs(2000) });
    expect(r.status).toBe(201);
    expect((await post(`/api/v1/conversations/${id}/close`, { outcome: 'lost' })).status).toBe(200);
    const dropped = await eventually(async () => {
      const x = await row(r.json.id);
      return x!.status === 'dropped' ? x : undefined;
    }, 15_000);
    expect(dropped!.reason).toMatch(/resolved/);
    expect(s.simulator.sent({ to: from }).filter((m) => m.text === 'Shall I confirm your order?')).toHaveLength(0);
  });

  it("a colleague's conversation: 403 naming the owner", async () => {
    const owner = await agentWithToken(s, 'Sched Owner');
    const other = await agentWithToken(s, 'Sched Other');
    const msg = await inbound('966544300004', 'How much for 50 mugs?');
    const id = msg.conversationId;
    await eventually(async () => ((await s.api(`/api/v1/conversations/${id}`)).json.team === 'sales' ? true : undefined));
    expect((await post(`/api/v1/conversations/${id}/take-over`, {}, owner.token)).status).toBe(200);
    const refused = await post(`/api/v1/conversations/${id}/schedule-reply`, { text: 'mine now', at: inMs(60_000) }, other.token);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain(owner.id);
    expect((await post(`/api/v1/conversations/${id}/schedule-reply`, { text: 'from the owner', at: inMs(60_000) }, owner.token)).status).toBe(201);
  });

  it('armed again when a run starts again (the run ended before it fell due)', async () => {
    const from = '966544300005';
    const msg = await inbound(from, 'Call me back later please');
    const id = msg.conversationId;
    const r = await post(`/api/v1/conversations/${id}/schedule-reply`, { text: 'Calling you now?', at: inMs(4000) });
    expect(r.status).toBe(201);
    const workflowId = (await s.api(`/api/v1/conversations/${id}`)).json.workflowId as string;
    await s.client.workflow.getHandle(workflowId).terminate('simulated loss of the run');
    // The buyer writes again: a new run, which finds the pending reply in Postgres and arms it.
    await inbound(from, 'Still there?');
    const sent = await eventually(async () => {
      const x = await row(r.json.id);
      return x!.status === 'sent' ? x : undefined;
    }, 20_000);
    expect(sent!.status).toBe('sent');
    expect(s.simulator.sent({ to: from }).filter((m) => m.text === 'Calling you now?')).toHaveLength(1);
  });
});
