// Business-initiated conversations: an approved template to a contact through the Graph API (the
// simulator), the conversation starts, and the buyer's answer joins it. Bad input is refused clearly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post as postVia } from '../helpers/api.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, postWebhook, textMessageBody } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({});
});
afterAll(async () => {
  await s?.stop();
});

const post = (path: string, body: unknown, token?: string) => postVia(s, path, body, token);
const contact = async (body: Record<string, unknown>) => {
  const r = await post('/api/v1/contacts', body);
  expect(r.status).toBe(201);
  return r.json.id as string;
};

describe('business-initiated conversations', () => {
  it('sends the template, starts the conversation, and the buyer answer joins it', async () => {
    const id = await contact({ name: 'Reem', phone: '+966 54 440 0001' });
    const r = await post(`/api/v1/contacts/${id}/conversations`, { template: { name: 'order_update', language: 'ar', components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-1042' }] }] } });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json).toEqual({ conversationId: expect.any(String), waMessageId: expect.any(String) });
    const sent = s.simulator.sent({ to: '966544400001' }).filter((m) => m.type === 'template');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ id: r.json.waMessageId, template: { name: 'order_update' } });

    const detail = await s.api(`/api/v1/conversations/${r.json.conversationId}`);
    expect(detail.json).toMatchObject({ contactId: id, waId: '966544400001', status: 'open' });
    expect(detail.json.timeline.filter((e: any) => e.kind === 'message').map((e: any) => [e.direction, e.waMessageId])).toEqual([['out', r.json.waMessageId]]);

    const answer = textMessageBody({ from: '966544400001', text: 'شكرا، متى يوصل الطلب؟' });
    expect((await postWebhook(s.baseUrl, answer.body, s.appSecret)).status).toBe(200);
    const stored = await eventually(async () => {
      const m = await s.api(`/api/v1/messages/${answer.id}`);
      return m.status === 200 ? m.json : undefined;
    });
    expect(stored.conversationId).toBe(r.json.conversationId);
    expect(stored.contactId).toBe(id);
  });

  it('refuses clearly: unknown contact 404, no number 422, opted out 409, a bad template 422', async () => {
    expect((await post('/api/v1/contacts/00000000-0000-4000-8000-000000000000/conversations', { template: { name: 'x', language: 'en' } })).status).toBe(404);
    const noPhone = await contact({ name: 'No Phone', email: 'nophone@example.com' });
    const r1 = await post(`/api/v1/contacts/${noPhone}/conversations`, { template: { name: 'hello', language: 'en' } });
    expect(r1.status).toBe(422);
    expect(r1.json.error.message).toMatch(/no WhatsApp number/);
    const out = await contact({ name: 'Opted Out', phone: '+966544400002', optedOut: true });
    const r2 = await post(`/api/v1/contacts/${out}/conversations`, { template: { name: 'hello', language: 'en' } });
    expect(r2.status).toBe(409);
    expect(r2.json.error.code).toBe('recipient_opted_out');
    expect(s.simulator.sent({ to: '966544400002' })).toHaveLength(0);
    const ok = await contact({ name: 'Bad Template', phone: '+966544400003' });
    const r3 = await post(`/api/v1/contacts/${ok}/conversations`, { template: { name: 'hello' } });
    expect(r3.status).toBe(422);
    expect(JSON.stringify(r3.json.error.details)).toMatch(/language/);
  });

  it('an agent token starts one in its own team and can see it', async () => {
    const a = await post('/api/v1/agents', { name: 'Outbound Omar', team: 'sales', languages: ['en'], capacity: 5 });
    const t = await post('/api/v1/tokens', { role: 'agent', agentId: a.json.id });
    const id = await contact({ name: 'Lead', phone: '+966544400004' });
    const r = await post(`/api/v1/contacts/${id}/conversations`, { template: { name: 'intro_offer', language: 'en' } }, t.json.token);
    expect(r.status).toBe(201);
    const seen = await s.api(`/api/v1/conversations/${r.json.conversationId}`, { headers: { authorization: `Bearer ${t.json.token}` } });
    expect(seen.status).toBe(200);
    expect(seen.json.team).toBe('sales');
  });
});
