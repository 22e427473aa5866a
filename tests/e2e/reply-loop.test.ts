// The full loop with the Graph API simulator: an agent replies through the API, the workflow sends
// it, Meta (the simulator) answers with a wamid and posts signed sent/delivered/read statuses back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, postWebhook, textMessageBody } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({ statusDelaysMs: { sent: 20, delivered: 60, read: 120 } });
});
afterAll(async () => {
  await s?.stop();
});

async function inbound(from: string) {
  const m = textMessageBody({ from, text: 'Do you have it in blue?' });
  expect((await postWebhook(s.baseUrl, m.body, s.appSecret)).status).toBe(200);
  return eventually(async () => {
    const r = await s.api(`/api/v1/messages/${m.id}`);
    return r.status === 200 ? r.json : undefined;
  });
}

describe('agent reply through the API', () => {
  it('is sent, stored as outbound, and its statuses reach read', async () => {
    const msg = await inbound('966544000001');
    const res = await s.api(`/api/v1/conversations/${msg.conversationId}/reply`, { method: 'POST', body: JSON.stringify({ text: 'Yes, blue is in stock', by: 'agent-1' }) });
    expect(res.status).toBe(201);
    const { waMessageId } = res.json;
    expect(s.simulator.sent().map((x) => x.id)).toContain(waMessageId);
    // An agent answered: the buyer's message is marked read on WhatsApp (blue ticks), once.
    expect(s.simulator.reads().filter((r) => r.messageId === msg.waMessageId)).toHaveLength(1);
    expect((await s.api(`/api/v1/conversations/${msg.conversationId}/reply`, { method: 'POST', body: JSON.stringify({ text: 'Anything else?' }) })).status).toBe(201);
    expect(s.simulator.reads().filter((r) => r.messageId === msg.waMessageId)).toHaveLength(1);
    const out = await eventually(async () => {
      const r = await s.api(`/api/v1/messages/${waMessageId}`);
      return r.status === 200 && r.json.status === 'read' ? r.json : undefined;
    }, 10_000);
    expect(out).toMatchObject({ direction: 'out', type: 'text', text: 'Yes, blue is in stock', conversationId: msg.conversationId });
    const detail = await s.api(`/api/v1/conversations/${msg.conversationId}`);
    expect(detail.json.timeline.filter((e: any) => e.kind === 'message').map((e: any) => e.direction)).toEqual(['in', 'out', 'out']);
    expect(detail.json.lastOutboundAt).toEqual(expect.any(String));
  });

  it('outside the 24-hour window the API says so (409, code 131047), nothing is retried forever', async () => {
    const msg = await inbound('966544000002');
    s.simulator.failNext(131047);
    const t0 = Date.now();
    const res = await s.api(`/api/v1/conversations/${msg.conversationId}/reply`, { method: 'POST', body: JSON.stringify({ text: 'hello?' }) });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('outside_customer_service_window');
    expect(JSON.stringify(res.json.error.details)).toContain('131047');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('a rate limit is retried and then succeeds', async () => {
    const msg = await inbound('966544000003');
    s.simulator.failNext(130429);
    const res = await s.api(`/api/v1/conversations/${msg.conversationId}/reply`, { method: 'POST', body: JSON.stringify({ text: 'thanks for waiting' }) });
    expect(res.status).toBe(201);
  });

  it('rejects bad input and wrong state clearly', async () => {
    const msg = await inbound('966544000004');
    const empty = await s.api(`/api/v1/conversations/${msg.conversationId}/reply`, { method: 'POST', body: JSON.stringify({ text: '' }) });
    expect(empty.status).toBe(422);
    const notJson = await fetch(`${s.baseUrl}/api/v1/conversations/${msg.conversationId}/pause`, { method: 'POST', headers: { ...s.auth, 'content-type': 'application/json' }, body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.code).toBe('invalid_json');
    expect((await s.api(`/api/v1/conversations/${msg.conversationId}/pause`, { method: 'POST', body: '{}' })).status).toBe(200);
    const again = await s.api(`/api/v1/conversations/${msg.conversationId}/pause`, { method: 'POST', body: '{}' });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already paused/);
    const missing = await s.api(`/api/v1/conversations/00000000-0000-0000-0000-000000000000/pause`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
  });
});
