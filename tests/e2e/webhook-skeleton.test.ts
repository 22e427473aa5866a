// The walking skeleton on real parts: signed webhook -> Fastify -> signalWithStart -> conversation
// workflow -> activity -> Postgres -> REST API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { contacts, conversations, messages } from '../../db/schema.js';
import { searchAttributes as SA, snapshotQuery } from '../../workflows/conversation/contract.js';
import { eventually, postWebhook, textMessageBody, uniqueId, TEST_PHONE_NUMBER_ID } from '../helpers/webhooks.js';
import { startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.stop();
});

const rowCount = async (table: typeof messages | typeof contacts | typeof conversations) =>
  (await s.db.db.select({ n: count() }).from(table))[0]!.n;

describe('signed text message, end to end', () => {
  it('answers 200 and the message is readable through the API within 2 s', async () => {
    const from = '966501110001';
    const { id, body } = textMessageBody({ from, text: 'السلام عليكم، كم السعر؟', name: 'Noura' });
    const res = await postWebhook(s.baseUrl, body, s.appSecret);
    expect(res.status).toBe(200);
    const acceptedAt = Date.now();

    const msg = await eventually(async () => {
      const r = await s.api(`/api/v1/messages/${id}`);
      return r.status === 200 ? r.json : undefined;
    }, 2000, 25);
    const elapsed = Date.now() - acceptedAt;
    expect(elapsed).toBeLessThan(2000);
    expect(msg).toMatchObject({ waMessageId: id, direction: 'in', type: 'text', text: 'السلام عليكم، كم السعر؟' });
    expect(msg.conversationId).toEqual(expect.any(String));
    expect(msg.contactId).toEqual(expect.any(String));

    const list = await s.api('/api/v1/conversations');
    expect(list.status).toBe(200);
    const item = list.json.data.find((c: any) => c.id === msg.conversationId);
    expect(item).toMatchObject({ contactId: msg.contactId, waId: from, status: 'open', paused: false, urgency: 'normal' });
    expect(item.lastInboundAt).toEqual(expect.any(String));

    // The live state comes from the workflow's snapshot query (answered between workflow tasks).
    const detail = await eventually(async () => {
      const r = await s.api(`/api/v1/conversations/${msg.conversationId}`);
      return r.status === 200 && r.json.live ? r : undefined;
    }, 5000, 100);
    expect(detail.json.workflowId).toBe(`wa:${TEST_PHONE_NUMBER_ID}:${from}`);
    expect(detail.json.live).toBe(true);
    expect(detail.json.timeline.filter((e: any) => e.kind === 'message')).toEqual([
      expect.objectContaining({ kind: 'message', waMessageId: id, direction: 'in', type: 'text', status: 'received' }),
    ]);

    // The same conversation by its workflow id.
    const byWorkflowId = await s.api(`/api/v1/conversations/${encodeURIComponent(detail.json.workflowId)}`);
    expect(byWorkflowId.json.id).toBe(msg.conversationId);

    // Visible in Temporal with its search attributes.
    const desc = await s.client.workflow.getHandle(detail.json.workflowId).describe();
    expect(desc.type).toBe('conversation');
    expect(desc.typedSearchAttributes.get(SA.WaId)).toBe(from);
    await eventually(async () => {
      const d = await s.client.workflow.getHandle(detail.json.workflowId).describe();
      return d.typedSearchAttributes.get(SA.ContactId) === msg.contactId ? true : undefined;
    });
  });

  it('the same body three times leaves one message row and one workflow', async () => {
    const from = '971501110002';
    const { id, body } = textMessageBody({ from });
    for (let i = 0; i < 3; i++) expect((await postWebhook(s.baseUrl, body, s.appSecret)).status).toBe(200);
    const workflowId = `wa:${TEST_PHONE_NUMBER_ID}:${from}`;
    await eventually(async () => {
      const snap = await s.client.workflow.getHandle(workflowId).query(snapshotQuery);
      return snap.pending === 0 && snap.conversationId ? snap : undefined;
    });
    const rows = await s.db.db.select().from(messages).where(eq(messages.waMessageId, id));
    expect(rows).toHaveLength(1);
    const convs = await s.db.db.select().from(conversations).where(eq(conversations.workflowId, workflowId));
    expect(convs).toHaveLength(1);
    const snap = await s.client.workflow.getHandle(workflowId).query(snapshotQuery);
    expect(snap.messagesSeen).toBe(1);
    const runs = [];
    for await (const w of s.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(w);
    expect(runs).toHaveLength(1);
  });

  it('a second message from the same buyer joins the same conversation and contact', async () => {
    const from = '201001110003';
    const a = textMessageBody({ from, text: 'hi' });
    const b = textMessageBody({ from, text: 'how much for 20 units' });
    expect((await postWebhook(s.baseUrl, a.body, s.appSecret)).status).toBe(200);
    expect((await postWebhook(s.baseUrl, b.body, s.appSecret)).status).toBe(200);
    const [ma, mb] = await Promise.all(
      [a.id, b.id].map((id) =>
        eventually(async () => {
          const r = await s.api(`/api/v1/messages/${id}`);
          return r.status === 200 ? r.json : undefined;
        }),
      ),
    );
    expect(mb.conversationId).toBe(ma.conversationId);
    expect(mb.contactId).toBe(ma.contactId);
  });
});

describe('bad input changes nothing', () => {
  it('a wrong signature gets 401 and writes nothing', async () => {
    const before = await rowCount(messages);
    const { id, body } = textMessageBody({ from: '966501110004' });
    const wrong = await postWebhook(s.baseUrl, body, 'not-the-secret');
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    const missing = await fetch(`${s.baseUrl}/webhooks/whatsapp`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(missing.status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(await rowCount(messages)).toBe(before);
    expect((await s.api(`/api/v1/messages/${id}`)).status).toBe(404);
    const started = [];
    for await (const w of s.client.workflow.list({ query: `WorkflowId = 'wa:${TEST_PHONE_NUMBER_ID}:966501110004'` })) started.push(w);
    expect(started).toHaveLength(0);
  });

  it('a body that is not JSON gets 400 with a JSON error', async () => {
    const res = await postWebhook(s.baseUrl, '{"object": "whatsapp_business_account", entry: [', s.appSecret);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'invalid_json', message: expect.stringContaining('JSON') } });
  });

  it('JSON that is not a Cloud API body gets 400 naming the problem', async () => {
    const res = await postWebhook(s.baseUrl, { hello: 'world' }, s.appSecret);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/object|entry/);
  });

  it('a body over 5 MiB gets 413', async () => {
    const big = JSON.stringify({ object: 'whatsapp_business_account', entry: [], pad: 'x'.repeat(5 * 1024 * 1024 + 10) });
    const res = await postWebhook(s.baseUrl, big, s.appSecret);
    expect(res.status).toBe(413);
  });

  it('/api/v1 without a valid token gets 401, unknown paths too', async () => {
    for (const path of ['/api/v1/conversations', '/api/v1/messages/x', '/api/v1/no-such-thing', '/api']) {
      const none = await fetch(`${s.baseUrl}${path}`);
      expect(none.status, path).toBe(401);
      expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
      const bad = await fetch(`${s.baseUrl}${path}`, { headers: { authorization: 'Bearer nope' } });
      expect(bad.status, path).toBe(401);
    }
    const known = await s.api('/api/v1/no-such-thing');
    expect(known.status).toBe(404);
    expect(known.json).toMatchObject({ error: { code: 'not_found' } });
  });

  it('an unknown message id is 404 with the error shape', async () => {
    const r = await s.api(`/api/v1/messages/${uniqueId()}`);
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('not_found');
    const c = await s.api(`/api/v1/conversations/00000000-0000-0000-0000-000000000000`);
    expect(c.status).toBe(404);
  });
});

describe('webhook verification, health and docs', () => {
  it('answers the verification handshake with the challenge, 403 on a wrong token', async () => {
    const ok = await fetch(`${s.baseUrl}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${s.baseUrl}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`);
    expect(bad.status).toBe(403);
  });

  it('/healthz and /readyz answer 200 when everything is up', async () => {
    expect((await fetch(`${s.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${s.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: { ok: true }, temporal: { ok: true }, worker: { ok: true } } });
  });

  it('/docs/json documents every /api/v1 route with absolute paths', async () => {
    const doc: any = await (await fetch(`${s.baseUrl}/docs/json`)).json();
    const paths = Object.keys(doc.paths);
    for (const p of ['/api/v1/conversations', '/api/v1/conversations/{id}', '/api/v1/messages/{waMessageId}', '/webhooks/whatsapp']) {
      expect(paths).toContain(p);
    }
    expect((await fetch(`${s.baseUrl}/docs`)).status).toBeLessThan(400);
  });
});
