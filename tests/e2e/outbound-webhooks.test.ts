// Outbound event webhooks: a subscription gets every event of its types, signed as CONTRACT.md says;
// a receiver that is down, then up, gets each event exactly once per id (retries are durable
// workflows), and the delivery log shows every attempt with its answer.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSignatureHeader } from '../../domain/webhook-events.js';
import { agentWithToken, inbound, post } from '../helpers/api.js';
import { freePort } from '../helpers/ports.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually } from '../helpers/webhooks.js';

interface Received {
  id: string;
  type: string;
  data: Record<string, unknown>;
  signatureOk: boolean;
}

/** A receiver as a customer would write one: verifies the signature, answers `status` (503 while "down"). */
async function startReceiver(secretOf: () => string) {
  const port = await freePort();
  const accepted: Received[] = [];
  let refused = 0;
  let status = 503;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const sig = parseSignatureHeader(String(req.headers['x-threadline-signature'] ?? ''));
      const expected = sig ? createHmac('sha256', secretOf()).update(`${sig.t}.${raw}`).digest() : Buffer.alloc(32);
      const signatureOk =
        !!sig && timingSafeEqual(expected, Buffer.from(sig.v1, 'hex')) && Math.abs(Date.now() / 1000 - sig.t) < 300;
      if (status !== 200) {
        refused++;
        res.writeHead(status).end('down for maintenance');
        return;
      }
      const body = JSON.parse(raw) as { id: string; type: string; at: string; data: Record<string, unknown> };
      expect(req.headers['x-threadline-event-id']).toBe(body.id);
      accepted.push({ id: body.id, type: body.type, data: body.data, signatureOk });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}/hooks/threadline`,
    accepted,
    refusedCount: () => refused,
    setStatus: (s: number) => (status = s),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let s: Stack;
let secret = '';
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  s = await startStack({ webhookRetry: { initialSec: 1, maxSec: 2, forSec: 600 } });
  receiver = await startReceiver(() => secret);
});
afterAll(async () => {
  await s?.stop();
  await receiver?.close();
});

describe('outbound event webhooks', { timeout: 120_000 }, () => {
  it('refuses a subscription that is not an http(s) URL or names an unknown event, and is admin only', async () => {
    expect((await post(s, '/api/v1/webhooks', { url: 'ftp://example.com/x', events: ['conversation.closed'] })).status).toBe(422);
    expect((await post(s, '/api/v1/webhooks', { url: 'not a url', events: ['conversation.closed'] })).status).toBe(422);
    const unknown = await post(s, '/api/v1/webhooks', { url: 'https://example.com/x', events: ['conversation.exploded'] });
    expect(unknown.status).toBe(422);
    expect((await post(s, '/api/v1/webhooks', { url: 'https://example.com/x', events: [] })).status).toBe(422);
    const agent = await agentWithToken(s, 'Hook Agent');
    expect((await post(s, '/api/v1/webhooks', { url: 'https://example.com/x', events: ['conversation.closed'] }, agent.token)).status).toBe(403);
  });

  it('a receiver down, then up, gets every event exactly once per id, signed; the log shows each attempt', async () => {
    const created = await post(s, '/api/v1/webhooks', {
      url: receiver.url,
      events: ['conversation.assigned', 'conversation.closed', 'follow_up.sent', 'contact.merged'],
    });
    expect(created.status).toBe(201);
    expect(created.json.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    secret = created.json.secret;
    const subId = created.json.id as string;
    expect((await s.api('/api/v1/webhooks')).json.data.find((w: any) => w.id === subId)).not.toHaveProperty('secret');

    // While the receiver answers 503: an assignment (take-over by an agent) and a close.
    const agent = await agentWithToken(s, 'Hook Owner');
    const msg = await inbound(s, '966544300001', 'I would like to order the oak table');
    const convId = msg.conversationId as string;
    expect((await post(s, `/api/v1/conversations/${convId}/take-over`, { agentId: agent.id })).status).toBe(200);
    expect((await post(s, `/api/v1/conversations/${convId}/close`, { outcome: 'won', reason: 'paid' })).status).toBe(200);

    // Attempts are made and refused, and logged with the answer.
    await eventually(async () => (receiver.refusedCount() >= 4 ? true : undefined), 30_000, 100);
    const failing = await s.api(`/api/v1/webhooks/${subId}/deliveries`);
    expect(failing.status).toBe(200);
    expect(failing.json.data.length).toBeGreaterThanOrEqual(4);
    expect(failing.json.data.every((d: any) => d.ok === false && d.statusCode === 503 && /down for maintenance/.test(d.error))).toBe(true);
    expect(receiver.accepted).toHaveLength(0);

    // Up again: each event arrives once.
    receiver.setStatus(200);
    const types = await eventually(async () => {
      const t = receiver.accepted.filter((r) => r.data.conversationId === convId).map((r) => r.type);
      return t.includes('conversation.assigned') && t.includes('conversation.closed') ? t : undefined;
    }, 30_000, 100);
    expect(types.sort()).toEqual(['conversation.assigned', 'conversation.closed']);
    const assigned = receiver.accepted.find((r) => r.type === 'conversation.assigned')!;
    expect(assigned.data).toMatchObject({ conversationId: convId, assignee: agent.id });
    expect(receiver.accepted.find((r) => r.type === 'conversation.closed')!.data).toMatchObject({ conversationId: convId, outcome: 'won' });
    expect(receiver.accepted.every((r) => r.signatureOk)).toBe(true);

    // Nothing more comes for them (the retries stopped at the first 2xx).
    await new Promise((r) => setTimeout(r, 4000));
    const ids = receiver.accepted.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);

    const log = (await s.api(`/api/v1/webhooks/${subId}/deliveries`)).json.data as any[];
    for (const ev of receiver.accepted) {
      const attempts = log.filter((d) => d.eventId === ev.id).sort((a, b) => a.attempt - b.attempt);
      expect(attempts.length, ev.type).toBeGreaterThanOrEqual(2);
      expect(attempts.at(-1)).toMatchObject({ ok: true, statusCode: 200, type: ev.type });
      expect(attempts.slice(0, -1).every((d) => d.ok === false)).toBe(true);
      expect(attempts.map((d) => d.attempt)).toEqual(attempts.map((_, i) => i + 1));
    }
  });

  it('a deleted subscription gets nothing more', async () => {
    const created = await post(s, '/api/v1/webhooks', { url: receiver.url, events: ['conversation.closed'] });
    const subId = created.json.id as string;
    const del = await s.api(`/api/v1/webhooks/${subId}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(del.json.active).toBe(false);
    const before = receiver.accepted.length;
    const msg = await inbound(s, '966544300002', 'just looking, thanks');
    expect((await post(s, `/api/v1/conversations/${msg.conversationId}/close`, { outcome: 'lost' })).status).toBe(200);
    // The first subscription (still active) gets it; this one does not.
    await eventually(async () => (receiver.accepted.some((r) => r.type === 'conversation.closed' && r.data.conversationId === msg.conversationId) ? true : undefined), 20_000, 100);
    expect(receiver.accepted.length - before).toBe(1);
    expect((await s.api(`/api/v1/webhooks/${subId}/deliveries`)).json.data).toEqual([]);
  });
});
