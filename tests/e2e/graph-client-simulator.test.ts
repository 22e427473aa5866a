// GraphClient against the Graph API simulator over real HTTP, with a small receiver standing in for
// the engine's webhook: wamids, Meta-shaped bodies, signed status webhooks (parsed by the engine's
// own parser), typed failures for forced Graph errors, 5xx, network trouble and bad input; the
// control endpoints (token, JSON only, the three CONTRACT.md routes), media like Meta serves it,
// and the memory caps.
import http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphClient } from '../../whatsapp/graph-client.js';
import { GraphError, graphFailureDetails } from '../../whatsapp/graph-errors.js';
import { startSimulator, type Simulator } from '../../whatsapp/simulator/server.js';
import { verifySignature } from '../../whatsapp/signature.js';
import { parseWebhook } from '../../whatsapp/parse.js';
import type { InboundMessageEvent, StatusEvent } from '../../whatsapp/events.js';
import { eventually } from '../helpers/webhooks.js';
import { freePort } from '../helpers/ports.js';

const SECRET = 'sim-test-secret';
const TOKEN = 'sim-test-token';
const CONTROL = 'sim-control-token-0123456789';
const PNID = '106540352242922';
const BUYER = '966501234567';

interface Received {
  raw: Buffer;
  signatureOk: boolean;
  body: any;
}

/** The engine's webhook, as far as the simulator can tell: verifies signatures, can answer 503 a few times. */
async function startReceiver() {
  const received: Received[] = [];
  let failNextN = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (failNextN > 0) {
        failNextN--;
        res.writeHead(503).end();
        return;
      }
      const signatureOk = verifySignature(raw, req.headers['x-hub-signature-256'] as string | undefined, [SECRET]);
      received.push({ raw, signatureOk, body: JSON.parse(raw.toString('utf8')) });
      res.writeHead(signatureOk ? 200 : 401).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhooks/whatsapp`,
    received,
    failNext(n: number) {
      failNextN = n;
    },
    statuses(id: string): StatusEvent[] {
      return received
        .flatMap((r) => parseWebhook(r.body).events)
        .filter((e): e is StatusEvent => e.kind === 'status' && e.waMessageId === id);
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

let sim: Simulator;
let engine: Awaited<ReturnType<typeof startReceiver>>;
let client: GraphClient;
let fetchCalls = 0;

beforeAll(async () => {
  engine = await startReceiver();
  sim = await startSimulator({
    port: 0,
    appSecret: SECRET,
    webhookUrl: engine.url,
    accessToken: TOKEN,
    controlToken: CONTROL,
    statusDelaysMs: { sent: 10, delivered: 30, read: 60 },
    webhookBackoffMs: 20,
  });
  client = new GraphClient({
    baseUrl: sim.url,
    accessToken: TOKEN,
    timeoutMs: 5000,
    fetch: (input, init) => {
      fetchCalls++;
      return fetch(input, init);
    },
  });
});
afterAll(async () => {
  await sim?.close();
  await engine?.close();
});
beforeEach(async () => {
  await sim.idle();
  sim.reset();
  engine.failNext(0);
});

async function failureOf(p: Promise<unknown>): Promise<GraphError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphError);
  return err as GraphError;
}

describe('sending through the simulator', () => {
  it('text: a wamid, the wa_id, Meta-shaped body, then signed sent/delivered/read webhooks', async () => {
    const r = await client.sendText(PNID, `+${BUYER}`, 'مرحبا! السعر 20 ريال', { previewUrl: true, replyTo: 'wamid.IN1' });
    expect(r.waMessageId).toMatch(/^wamid\.SIM/);
    expect(r.waId).toBe(BUYER);
    expect(r.raw).toMatchObject({ messaging_product: 'whatsapp', contacts: [{ input: BUYER, wa_id: BUYER }], messages: [{ id: r.waMessageId }] });
    expect(sim.sent()).toHaveLength(1);
    expect(sim.sent()[0]!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: BUYER,
      context: { message_id: 'wamid.IN1' },
      type: 'text',
      text: { preview_url: true, body: 'مرحبا! السعر 20 ريال' },
    });

    const statuses = await eventually(async () => {
      const s = engine.statuses(r.waMessageId);
      return s.length === 3 ? s : undefined;
    }, 3000);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    for (const s of statuses) {
      expect(s).toMatchObject({ phoneNumberId: PNID, recipientId: BUYER, displayPhoneNumber: '15550783881' });
      expect(s.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(statuses[0]!.conversation?.id).toEqual(expect.any(String));
    expect(statuses[0]!.pricing).toMatchObject({ billable: false, pricingModel: 'PMP', category: 'service' });
    expect(engine.received.every((x) => x.signatureOk)).toBe(true);
    // Meta's envelope, exactly.
    const first = engine.received.find((x) => JSON.stringify(x.body).includes(r.waMessageId))!.body;
    expect(first).toMatchObject({
      object: 'whatsapp_business_account',
      entry: [{ id: expect.any(String), changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: PNID } } }] }],
    });
    expect(sim.sent()[0]!.statuses).toEqual(['sent', 'delivered', 'read']);
  });

  it('template, buttons and list: wamids and the documented payloads', async () => {
    const t = await client.sendTemplate(PNID, BUYER, {
      name: 'order_update',
      language: 'ar',
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'نورة' }, { type: 'text', text: '#1234' }] }],
    });
    const b = await client.sendInteractiveButtons(PNID, { waId: BUYER }, {
      header: 'Your order',
      body: 'Confirm the order?',
      footer: 'Threadline',
      buttons: [
        { id: 'yes', title: 'Yes' },
        { id: 'no', title: 'No' },
      ],
    });
    const l = await client.sendInteractiveList(PNID, BUYER, {
      body: 'Pick a size',
      buttonText: 'Sizes',
      sections: [
        { title: 'Small', rows: [{ id: 's1', title: '250 ml', description: 'one cup' }] },
        { title: 'Large', rows: [{ id: 'l1', title: '1 l' }, { id: 'l2', title: '2 l' }] },
      ],
    });
    const ids = [t, b, l].map((x) => x.waMessageId);
    for (const id of ids) expect(id).toMatch(/^wamid\.SIM/);
    expect(new Set(ids).size).toBe(3);
    expect(t.raw).toMatchObject({ messages: [{ id: t.waMessageId, message_status: 'accepted' }] });

    const [ts, bs, ls] = sim.sent().map((m) => m.body);
    expect(ts).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: BUYER,
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'ar', policy: 'deterministic' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'نورة' }, { type: 'text', text: '#1234' }] }],
      },
    });
    expect(bs).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'text', text: 'Your order' },
        body: { text: 'Confirm the order?' },
        footer: { text: 'Threadline' },
        action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] },
      },
    });
    expect(ls).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Pick a size' },
        action: { button: 'Sizes', sections: [{ title: 'Small', rows: [{ id: 's1', title: '250 ml', description: 'one cup' }] }, { title: 'Large' }] },
      },
    });
    expect(sim.sent()[0]!.text).toContain('order_update');

    const done = await eventually(async () => (ids.every((id) => engine.statuses(id).length === 3) ? true : undefined), 3000);
    expect(done).toBe(true);
    expect(engine.statuses(t.waMessageId)[0]!.pricing).toMatchObject({ billable: true, category: 'utility' });
  });

  it('mark as read (with typing indicator) answers success', async () => {
    const r = await client.markAsRead(PNID, 'wamid.INBOUND123', { typingIndicator: true });
    expect(r.success).toBe(true);
    expect(sim.reads()).toEqual([expect.objectContaining({ phoneNumberId: PNID, messageId: 'wamid.INBOUND123', typingIndicator: true })]);
    expect(sim.sent()).toEqual([]);
  });

  it('a buyer known only by a business-scoped user id is sent to as `recipient`', async () => {
    const userId = 'US.13491208655302741918';
    const r = await client.sendText(PNID, { userId }, 'Hello');
    expect(r.userId).toBe(userId);
    expect(r.waId).toBeUndefined();
    expect(sim.sent()[0]!.body).toMatchObject({ recipient: userId });
    expect(sim.sent()[0]!.body.to).toBeUndefined();
    const s = await eventually(async () => engine.statuses(r.waMessageId)[0], 3000);
    expect(s.recipient?.userId).toBe(userId);
    // Both known: the phone number goes in `to`, as Meta prefers.
    await client.sendText(PNID, { waId: BUYER, userId }, 'Hi again');
    expect(sim.sent()[1]!.body).toMatchObject({ to: BUYER });
    expect(sim.sent()[1]!.body.recipient).toBeUndefined();
  });

  it('without auto-read only sent and delivered arrive, until the buyer reads', async () => {
    sim.setAutoRead(false);
    const r = await client.sendText(PNID, BUYER, 'no read yet');
    await sim.idle();
    expect(engine.statuses(r.waMessageId).map((s) => s.status)).toEqual(['sent', 'delivered']);
    await sim.markRead(r.waMessageId);
    expect(engine.statuses(r.waMessageId).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('retries a status webhook until the engine answers 200', async () => {
    sim.setAutoRead(false);
    engine.failNext(2);
    const r = await client.sendText(PNID, BUYER, 'retry me');
    await sim.idle();
    expect(engine.statuses(r.waMessageId).map((s) => s.status)).toEqual(['sent', 'delivered']);
    const sent = sim.deliveries().find((d) => d.what === `status:${r.waMessageId}:sent`)!;
    expect(sent).toMatchObject({ ok: true, attempts: 3, httpStatus: 200 });
  });
});

describe('failures', () => {
  it('failNext(131047): non-retryable OutsideCustomerServiceWindow with the code', async () => {
    sim.failNext(131047);
    const f = await failureOf(client.sendText(PNID, BUYER, 'late reply'));
    expect(f.retryable).toBe(false);
    expect(f.type).toBe('OutsideCustomerServiceWindow');
    expect(graphFailureDetails(f)).toMatchObject({ code: 131047, httpStatus: 400 });
    expect(f.message).toContain('131047');
    expect(sim.sent()).toEqual([]);
    // Only the next send fails.
    await expect(client.sendText(PNID, BUYER, 'ok now')).resolves.toMatchObject({ waMessageId: expect.stringMatching(/^wamid\./) });
  });

  it('failNext(130429): retryable WhatsAppRetryable, as many times as asked', async () => {
    sim.failNext(130429, { times: 2 });
    for (let i = 0; i < 2; i++) {
      const f = await failureOf(client.sendText(PNID, BUYER, 'busy'));
      expect(f.retryable).toBe(true);
      expect(f.type).toBe('WhatsAppRetryable');
      expect(graphFailureDetails(f)).toMatchObject({ code: 130429, reason: 'rate_limit', httpStatus: 400 });
    }
    await expect(client.sendText(PNID, BUYER, 'through')).resolves.toBeDefined();
  });

  it('failNext only for one recipient', async () => {
    sim.failNext(131026, { to: '+966 50 999 0000' });
    await expect(client.sendText(PNID, BUYER, 'fine')).resolves.toBeDefined();
    const f = await failureOf(client.sendText(PNID, '966509990000', 'not fine'));
    expect(f.type).toBe('Undeliverable');
  });

  it('5xx answers are retryable', async () => {
    sim.failNext(131000);
    const a = await failureOf(client.sendText(PNID, BUYER, 'x'));
    expect(a).toMatchObject({ retryable: true, type: 'WhatsAppRetryable' });
    expect(graphFailureDetails(a)).toMatchObject({ code: 131000, httpStatus: 500 });
    sim.failNext(424242, { httpStatus: 503 });
    const b = await failureOf(client.sendText(PNID, BUYER, 'x'));
    expect(b).toMatchObject({ retryable: true, type: 'WhatsAppRetryable' });
    expect(graphFailureDetails(b)).toMatchObject({ code: 424242, httpStatus: 503 });
  });

  it('failed status mode: the send succeeds, a failed webhook with errors[] follows', async () => {
    sim.failNext(131047, { mode: 'status' });
    const r = await client.sendText(PNID, BUYER, 'will fail later');
    const s = await eventually(async () => engine.statuses(r.waMessageId)[0], 3000);
    expect(s).toMatchObject({ status: 'failed', errorCode: 131047, errorTitle: 'Re-engagement message' });
    await sim.idle();
    expect(engine.statuses(r.waMessageId)).toHaveLength(1);
  });

  it('a wrong token is an AuthError (HTTP 401, code 190)', async () => {
    const bad = new GraphClient({ baseUrl: sim.url, accessToken: 'nope' });
    const f = await failureOf(bad.sendText(PNID, BUYER, 'hi'));
    expect(f).toMatchObject({ retryable: false, type: 'AuthError' });
    expect(graphFailureDetails(f)).toMatchObject({ code: 190, httpStatus: 401 });
  });

  it('an unreachable base URL is retryable; so is a timeout', async () => {
    const port = await freePort();
    const down = new GraphClient({ baseUrl: `http://127.0.0.1:${port}`, accessToken: TOKEN });
    const f = await failureOf(down.sendText(PNID, BUYER, 'hi'));
    expect(f).toMatchObject({ retryable: true, type: 'WhatsAppRetryable' });
    expect(graphFailureDetails(f)).toMatchObject({ code: null, reason: 'network' });

    const silent = http.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const slow = new GraphClient({ baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, accessToken: TOKEN, timeoutMs: 150 });
      const t = await failureOf(slow.sendText(PNID, BUYER, 'hi'));
      expect(t).toMatchObject({ retryable: true, type: 'WhatsAppRetryable' });
      expect(graphFailureDetails(t)).toMatchObject({ reason: 'timeout' });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('invalid input is rejected before any HTTP call', async () => {
    const before = fetchCalls;
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      ['empty text', () => client.sendText(PNID, BUYER, '  '), /text\.body must not be empty/],
      ['4097 chars', () => client.sendText(PNID, BUYER, 'a'.repeat(4097)), /at most 4096/],
      ['bad recipient', () => client.sendText(PNID, 'not a number', 'hi'), /^.*to must be/],
      ['no recipient', () => client.sendText(PNID, {}, 'hi'), /needs a waId or a userId/],
      ['bad phone number id', () => client.sendText('abc', BUYER, 'hi'), /phoneNumberId/],
      [
        '4 buttons',
        () => client.sendInteractiveButtons(PNID, BUYER, { body: 'b', buttons: ['1', '2', '3', '4'].map((id) => ({ id, title: id })) }),
        /1 to 3 buttons/,
      ],
      ['no buttons', () => client.sendInteractiveButtons(PNID, BUYER, { body: 'b', buttons: [] }), /1 to 3 buttons/],
      [
        'long button title',
        () => client.sendInteractiveButtons(PNID, BUYER, { body: 'b', buttons: [{ id: 'a', title: 'x'.repeat(21) }] }),
        /reply\.title is 21 characters, at most 20/,
      ],
      [
        'duplicate button ids',
        () => client.sendInteractiveButtons(PNID, BUYER, { body: 'b', buttons: [{ id: 'a', title: 'A' }, { id: 'a', title: 'B' }] }),
        /used twice/,
      ],
      [
        '11 rows',
        () =>
          client.sendInteractiveList(PNID, BUYER, {
            body: 'b',
            buttonText: 'Pick',
            sections: [{ title: 'All', rows: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` })) }],
          }),
        /at most 10 rows/,
      ],
      ['list without button text', () => client.sendInteractiveList(PNID, BUYER, { body: 'b', buttonText: '', sections: [{ rows: [{ id: 'a', title: 'A' }] }] }), /action\.button/],
      ['bad template language', () => client.sendTemplate(PNID, BUYER, { name: 'hello_world', language: 'English' }), /language\.code/],
      ['bad template name', () => client.sendTemplate(PNID, BUYER, { name: 'Hello World', language: 'en_US' }), /template\.name/],
      [
        'empty template parameter',
        () => client.sendTemplate(PNID, BUYER, { name: 'x', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: '' }] }] }),
        /parameters\[0\]\.text/,
      ],
      ['mark as read without id', () => client.markAsRead(PNID, ''), /message_id is required/],
    ];
    for (const [name, call, re] of cases) {
      const f = await failureOf(call());
      expect(f.type, name).toBe('InvalidParameter');
      expect(f.retryable, name).toBe(false);
      expect(f.message, name).toMatch(re);
      expect(graphFailureDetails(f)?.problems?.length, name).toBeGreaterThan(0);
    }
    expect(fetchCalls).toBe(before);
    expect(sim.sent()).toEqual([]);
  });

  it('the simulator itself rejects a bad body like Meta: 400, code 100', async () => {
    const res = await fetch(`${sim.url}/v21.0/${PNID}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: BUYER, type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [] } } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error).toMatchObject({ code: 100, type: 'OAuthException', fbtrace_id: expect.any(String) });
    expect(body.error.error_data.details).toContain('buttons');
    const notJson = await fetch(`${sim.url}/v21.0/${PNID}/messages`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{nope' });
    expect(notJson.status).toBe(400);
  });
});


/** A control call with the control token (or another / none). */
function ctl(path: string, init: RequestInit = {}, token: string | null = CONTROL, base = sim.url) {
  const headers = new Headers(init.headers);
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${base}${path}`, { ...init, headers });
}
const postJson = (path: string, body: unknown, token: string | null = CONTROL) =>
  ctl(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, token);
const postMedia = (bytes: Uint8Array, contentType: string, token: string | null = CONTROL) =>
  ctl('/__sim/media', { method: 'POST', headers: { 'content-type': contentType }, body: bytes }, token);
const graphGet = (url: string, token: string | null = TOKEN) => fetch(url, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
const sha256 = (b: Uint8Array, enc: 'hex' | 'base64' = 'hex') => createHash('sha256').update(b).digest(enc);
const pseudoRandom = (n: number, seed = 7) => {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
};
/** The raw inbound message objects the engine received, by wamid. */
const receivedMessage = (id: string) =>
  engine.received.flatMap((r) => r.body.entry[0].changes[0].value.messages ?? []).find((m: any) => m.id === id);

describe('control endpoints over HTTP', () => {
  it('GET /__sim/sent and POST /__sim/inbound with the control token', async () => {
    sim.failNext(131050);
    const f = await failureOf(client.sendTemplate(PNID, BUYER, { name: 'promo', language: 'en_US' }));
    expect(f.type).toBe('RecipientOptedOut');

    const ok = await client.sendText(PNID, BUYER, 'hello there');
    const res = await ctl(`/__sim/sent?to=${BUYER}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const list = (await res.json()) as any;
    expect(list.data).toEqual([expect.objectContaining({ id: ok.waMessageId, to: BUYER, type: 'text', text: 'hello there', seq: expect.any(Number) })]);
    const later = (await (await ctl(`/__sim/sent?to=${BUYER}&since=${list.data[0].seq}`)).json()) as any;
    expect(later.data).toEqual([]);
    expect((await ctl('/__sim/sent?since=-1')).status).toBe(422);

    const inbound = await postJson('/__sim/inbound', { from: BUYER, text: 'كم السعر؟', name: 'Noura' });
    expect(inbound.status).toBe(200);
    const { data } = (await inbound.json()) as any;
    expect(data).toMatchObject({ ok: true, engineStatus: 200, attempts: 1, id: expect.stringMatching(/^wamid\./) });
    const got = engine.received.flatMap((r) => (r.signatureOk ? parseWebhook(r.body).events : []));
    const msg = got.find((e): e is InboundMessageEvent => e.kind === 'message' && e.waMessageId === data.id)!;
    expect(msg).toMatchObject({ phoneNumberId: PNID, type: 'text', text: 'كم السعر؟', sender: { waId: BUYER, profileName: 'Noura' } });
    // `type` defaults to text, and may say so.
    expect((await postJson('/__sim/inbound', { from: BUYER, type: 'text', text: 'again' })).status).toBe(200);
  });

  it('401 without the token, with a wrong one, or with another scheme; the Graph access token is not it', async () => {
    const before = engine.received.length;
    const attempts: [string, RequestInit, string | null][] = [];
    for (const token of [null, 'wrong', CONTROL.slice(0, -1), `${CONTROL}x`, TOKEN]) {
      attempts.push(['/__sim/sent', {}, token]);
      attempts.push(['/__sim/inbound', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: BUYER, text: 'x' }) }, token]);
      attempts.push(['/__sim/media', { method: 'POST', headers: { 'content-type': 'image/png' }, body: 'x' }, token]);
    }
    for (const [path, init, token] of attempts) {
      const res = await ctl(path, init, token);
      expect(res.status, `${path} with ${token}`).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const body = (await res.json()) as any;
      expect(body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(body.error.message).toMatch(token === null ? /missing/ : /invalid/);
    }
    const basic = await ctl('/__sim/sent', { headers: { authorization: `Basic ${Buffer.from(`x:${CONTROL}`).toString('base64')}` } }, null);
    expect(basic.status).toBe(401);
    // Nothing happened on the way.
    expect(engine.received.length).toBe(before);
    expect(sim.mediaUsage()).toEqual({ items: 0, bytes: 0 });
    // The scheme is case-insensitive, like HTTP's.
    expect((await ctl('/__sim/sent', { headers: { authorization: `bearer ${CONTROL}` } }, null)).status).toBe(200);
  });

  it('only the three CONTRACT.md routes exist: the others are 404 (also with the token) and do nothing', async () => {
    const ok = await client.sendText(PNID, BUYER, 'stays');
    const removed: [string, string, unknown?][] = [
      ['GET', '/__sim/health'],
      ['GET', '/__sim/reads'],
      ['GET', '/__sim/deliveries'],
      ['POST', '/__sim/fail', { code: 131047 }],
      ['POST', '/__sim/reset', {}],
      ['POST', '/__sim/auto-read', { enabled: false }],
      ['POST', '/__sim/read', { id: ok.waMessageId }],
      ['GET', '/__sim'],
      ['GET', '/__sim/'],
      ['GET', '/__sim/sent/extra'],
    ];
    for (const token of [CONTROL, null]) {
      for (const [method, path, body] of removed) {
        const res = await ctl(path, body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, token);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
      }
    }
    // The wrong method on a real route.
    const wrong = await ctl('/__sim/inbound');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(((await wrong.json()) as any).error.code).toBe('method_not_allowed');
    // No failure was armed, nothing was reset, auto-read is still on.
    expect(sim.sent().map((m) => m.id)).toEqual([ok.waMessageId]);
    await expect(client.sendText(PNID, BUYER, 'still fine')).resolves.toBeDefined();
    await sim.idle();
    expect(sim.sent()[0]!.statuses).toEqual(['sent', 'delivered', 'read']);
  });

  it('without a control token every control endpoint is 404; the in-process methods still work', async () => {
    const quiet = await startSimulator({ port: 0, appSecret: SECRET, webhookUrl: engine.url, statusDelaysMs: { sent: 5, delivered: 5, read: 5 } });
    try {
      for (const token of [null, CONTROL, 'anything']) {
        for (const [path, init] of [
          ['/__sim/sent', {}],
          ['/__sim/inbound', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: BUYER, text: 'x' }) }],
          ['/__sim/media', { method: 'POST', headers: { 'content-type': 'image/png' }, body: 'x' }],
          ['/__sim/health', {}],
        ] as [string, RequestInit][]) {
          const res = await ctl(path, init, token, quiet.url);
          expect(res.status, `${path} with ${token}`).toBe(404);
          const body = (await res.json()) as any;
          expect(body.error).toEqual({ code: 'not_found', message: expect.stringMatching(/disabled/) });
        }
      }
      const r = await quiet.inbound({ from: BUYER, text: 'in-process' });
      expect(r.delivery).toMatchObject({ ok: true, httpStatus: 200 });
      expect(quiet.uploadMedia(Buffer.from('x'), 'text/plain').size).toBe(1);
    } finally {
      await quiet.close();
    }
  });

  it('POST /__sim/inbound is JSON only and bounded; bad fields are 422; nothing reaches the engine', async () => {
    const before = engine.received.length;
    const body = JSON.stringify({ from: BUYER, text: 'hello' });
    for (const ct of [null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      const res = await ctl('/__sim/inbound', { method: 'POST', body, headers: ct === null ? {} : { 'content-type': ct } });
      expect(res.status, String(ct)).toBe(415);
      expect(await res.json()).toEqual({ error: { code: 'unsupported_media_type', message: expect.any(String) } });
    }
    // fetch sets text/plain for a string body: take it off for the "no content type" case.
    const none = await ctl('/__sim/inbound', { method: 'POST', body: new Blob([body]) });
    expect(none.status).toBe(415);

    const big = await postJson('/__sim/inbound', { from: BUYER, text: 'x'.repeat(64 * 1024) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as any).error.code).toBe('body_too_large');

    const notJson = await ctl('/__sim/inbound', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.code).toBe('invalid_json');

    const bad: [unknown, RegExp][] = [
      [[1, 2], /JSON object/],
      [{ text: 'no from' }, /from is required/],
      [{ from: 'not a number', text: 'x' }, /from must be/],
      [{ from: BUYER }, /text is required/],
      [{ from: BUYER, text: 7 }, /text must be a string/],
      [{ from: Number(BUYER), text: 'x' }, /from must be a string/],
      [{ from: BUYER, type: 'location' }, /type must be/],
      [{ from: BUYER, type: 'image' }, /mediaId is required/],
      [{ from: BUYER, type: 'image', mediaId: '1234567890123456' }, /not media this simulator holds/],
      [{ from: BUYER, text: 'x', mediaId: '1' }, /mediaId needs a media type/],
      [{ from: BUYER, type: 'audio', mediaId: '1', voice: 'yes' }, /voice must be a boolean/],
      [{ from: BUYER, text: 'x', phoneNumberId: 'abc' }, /phoneNumberId must be digits/],
    ];
    for (const [b, re] of bad) {
      const res = await postJson('/__sim/inbound', b);
      expect(res.status, JSON.stringify(b)).toBe(422);
      const e = ((await res.json()) as any).error;
      expect(e.code).toBe('validation_failed');
      expect(e.message, JSON.stringify(b)).toMatch(re);
    }
    // A charset parameter is still JSON.
    const withCharset = await ctl('/__sim/inbound', { method: 'POST', headers: { 'content-type': 'Application/JSON; charset=utf-8' }, body });
    expect(withCharset.status).toBe(200);
    expect(engine.received.length).toBe(before + 1);
  });

  it('a webhook the app does not accept is a 502 in the error shape', async () => {
    const flaky = await startSimulator({ port: 0, appSecret: 'not-the-engine-secret', webhookUrl: engine.url, controlToken: CONTROL, webhookAttempts: 2, webhookBackoffMs: 5 });
    try {
      const res = await ctl('/__sim/inbound', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: BUYER, text: 'x' }) }, CONTROL, flaky.url);
      expect(res.status).toBe(502);
      const e = ((await res.json()) as any).error;
      expect(e).toEqual({ code: 'webhook_not_accepted', message: expect.stringContaining('answered 401') });
      expect(e.message).toContain('2 attempts');
    } finally {
      await flaky.close();
    }
  });

  it('sent items: { id, to, type, text?, template?, mediaId?, at }, oldest first, only that buyer', async () => {
    const photo = sim.uploadMedia(pseudoRandom(2048), 'image/jpeg');
    const pdf = sim.uploadMedia(Buffer.from('%PDF-1.7 invoice'), 'application/pdf', { filename: 'invoice.pdf' });
    const components = [{ type: 'body', parameters: [{ type: 'text', text: 'نورة' }] }];
    const a = await client.sendText(PNID, BUYER, 'first');
    const b = await client.sendTemplate(PNID, BUYER, { name: 'order_update', language: 'ar', components });
    const other = await client.sendText(PNID, '966509990000', 'someone else');
    const c = await client.sendRaw(PNID, { messaging_product: 'whatsapp', to: BUYER, type: 'image', image: { id: photo.id } });
    const d = await client.sendRaw(PNID, { messaging_product: 'whatsapp', to: BUYER, type: 'document', document: { id: pdf.id, caption: 'your invoice', filename: 'invoice.pdf' } });
    const e = await client.sendTemplate(PNID, BUYER, { name: 'hello_world', language: 'en_US' });

    const list = ((await (await ctl(`/__sim/sent?to=%2B${BUYER}`)).json()) as any).data as any[];
    expect(list.map((m) => m.id)).toEqual([a, b, c, d, e].map((x) => x.waMessageId));
    expect(list.map((m) => m.seq)).toEqual([...list.map((m) => m.seq)].sort((x, y) => x - y));
    expect(list.map((m) => m.id)).not.toContain(other.waMessageId);
    for (const m of list) {
      expect(m.to).toBe(BUYER);
      expect(new Date(m.at).toISOString()).toBe(m.at);
    }
    const [ta, tb, tc, td, te] = list;
    expect(ta).toMatchObject({ type: 'text', text: 'first' });
    expect(ta.template).toBeUndefined();
    expect(ta.mediaId).toBeUndefined();
    expect(tb).toMatchObject({ type: 'template', template: { name: 'order_update', language: { code: 'ar', policy: 'deterministic' }, components } });
    expect(tb.mediaId).toBeUndefined();
    expect(tc).toMatchObject({ type: 'image', mediaId: photo.id, text: '[image]' });
    expect(tc.template).toBeUndefined();
    expect(td).toMatchObject({ type: 'document', mediaId: pdf.id, text: 'your invoice' });
    expect(te.template).toEqual({ name: 'hello_world', language: { code: 'en_US', policy: 'deterministic' } });
    // The in-process list says the same.
    expect(sim.sent({ to: BUYER }).map((m) => [m.mediaId, m.template?.name])).toEqual([
      [undefined, undefined],
      [undefined, 'order_update'],
      [photo.id, undefined],
      [pdf.id, undefined],
      [undefined, 'hello_world'],
    ]);
  });
});

describe('media like Meta serves it', () => {
  it('POST /__sim/media -> 201 { id }; GET /{version}/{id} -> metadata; the url serves the bytes with the access token', async () => {
    const bytes = pseudoRandom(300_000);
    const up = await postMedia(bytes, 'image/jpeg');
    expect(up.status).toBe(201);
    const { id } = (await up.json()) as any;
    expect(id).toMatch(/^\d{16}$/);

    const noToken = await graphGet(`${sim.url}/v21.0/${id}`, null);
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as any).error.code).toBe(190);

    const metaRes = await graphGet(`${sim.url}/v21.0/${id}?phone_number_id=${PNID}`);
    expect(metaRes.status).toBe(200);
    const meta = (await metaRes.json()) as any;
    expect(meta).toEqual({
      messaging_product: 'whatsapp',
      url: expect.any(String),
      mime_type: 'image/jpeg',
      sha256: sha256(bytes),
      file_size: 300_000,
      id,
    });
    const u = new URL(meta.url);
    expect(u.origin).toBe(sim.url);
    expect(u.pathname).toBe('/whatsapp_business/attachments/');
    expect(u.searchParams.get('mid')).toBe(id);

    expect((await graphGet(meta.url, null)).status).toBe(401);
    expect((await graphGet(meta.url, 'wrong')).status).toBe(401);
    const dl = await graphGet(meta.url);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('image/jpeg');
    expect(dl.headers.get('content-length')).toBe('300000');
    const got = Buffer.from(await dl.arrayBuffer());
    expect(got.length).toBe(300_000);
    expect(sha256(got)).toBe(meta.sha256);
    expect(got.equals(bytes)).toBe(true);

    // Only URLs the simulator issued: another media id in the same URL is refused.
    const other = sim.uploadMedia(Buffer.from('other'), 'text/plain');
    u.searchParams.set('mid', other.id);
    expect((await graphGet(u.toString())).status).toBe(404);
  });

  it('an unknown media id is Graph error 100 (subcode 33), like Meta', async () => {
    const res = await graphGet(`${sim.url}/v21.0/1234567890123456`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException', fbtrace_id: expect.any(String) });
    expect(body.error.message).toContain("Object with ID '1234567890123456' does not exist");
    // DELETE works once, then the id is unknown.
    const m = sim.uploadMedia(Buffer.from('bye'), 'text/plain');
    const del = await fetch(`${sim.url}/v21.0/${m.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await del.json()).toEqual({ success: true });
    expect((await graphGet(`${sim.url}/v21.0/${m.id}`)).status).toBe(400);
  });

  it('POST /__sim/media needs a content type and bytes; over 16 MiB is 413', async () => {
    const noType = await ctl('/__sim/media', { method: 'POST', body: new Blob([Buffer.from('abc')]) });
    expect(noType.status).toBe(415);
    expect(((await noType.json()) as any).error.code).toBe('unsupported_media_type');
    const empty = await postMedia(new Uint8Array(0), 'image/png');
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as any).error).toEqual({ code: 'empty_body', message: expect.any(String) });

    const over = await postMedia(Buffer.alloc(16 * 1024 * 1024 + 1, 7), 'video/mp4');
    expect(over.status).toBe(413);
    expect(((await over.json()) as any).error).toEqual({ code: 'body_too_large', message: expect.stringContaining(String(16 * 1024 * 1024)) });
    expect(sim.mediaUsage()).toEqual({ items: 0, bytes: 0 });
    // Exactly the cap is fine.
    const exact = await postMedia(Buffer.alloc(16 * 1024 * 1024, 8), 'video/mp4');
    expect(exact.status).toBe(201);
    expect(sim.media(((await exact.json()) as any).id)?.size).toBe(16 * 1024 * 1024);
    expect(sim.mediaUsage()).toEqual({ items: 1, bytes: 16 * 1024 * 1024 });
  });

  it('the Cloud API upload POST /{phone-number-id}/media (multipart) -> { id }, then served like the others', async () => {
    const bytes = Buffer.from('%PDF-1.7\r\n--not-a-boundary\r\n\r\n%%EOF');
    const form = () => {
      const f = new FormData();
      f.append('messaging_product', 'whatsapp');
      f.append('type', 'application/pdf');
      f.append('file', new Blob([bytes], { type: 'application/pdf' }), 'invoice-4417.pdf');
      return f;
    };
    const up = await fetch(`${sim.url}/v21.0/${PNID}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form() });
    expect(up.status).toBe(200);
    const { id } = (await up.json()) as any;
    expect(sim.media(id)).toMatchObject({ mimeType: 'application/pdf', size: bytes.length, sha256: sha256(bytes), filename: 'invoice-4417.pdf' });
    const meta = (await (await graphGet(`${sim.url}/v21.0/${id}`)).json()) as any;
    expect(meta).toMatchObject({ mime_type: 'application/pdf', file_size: bytes.length, sha256: sha256(bytes) });
    expect(Buffer.from(await (await graphGet(meta.url)).arrayBuffer()).equals(bytes)).toBe(true);

    const noAuth = await fetch(`${sim.url}/v21.0/${PNID}/media`, { method: 'POST', body: form() });
    expect(noAuth.status).toBe(401);
    const noProduct = new FormData();
    noProduct.append('file', new Blob([bytes], { type: 'application/pdf' }), 'a.pdf');
    const r1 = await fetch(`${sim.url}/v21.0/${PNID}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: noProduct });
    expect(r1.status).toBe(400);
    expect(((await r1.json()) as any).error).toMatchObject({ code: 100, message: expect.stringContaining('messaging_product is required') });
    const noFile = new FormData();
    noFile.append('messaging_product', 'whatsapp');
    const r2 = await fetch(`${sim.url}/v21.0/${PNID}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: noFile });
    expect(((await r2.json()) as any).error.message).toContain('file is required');
    const notMultipart = await fetch(`${sim.url}/v21.0/${PNID}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/pdf' },
      body: bytes,
    });
    expect(notMultipart.status).toBe(400);
    expect(((await notMultipart.json()) as any).error.code).toBe(100);
  });

  it('an inbound image webhook carries the uploaded media id, Meta-shaped; the engine can fetch it', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pseudoRandom(5000, 3)]);
    const { id: mediaId } = (await (await postMedia(png, 'image/png')).json()) as any;
    const res = await postJson('/__sim/inbound', { from: `+${BUYER}`, type: 'image', mediaId, text: 'the damaged box', name: 'Noura' });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as any;

    const message = receivedMessage(data.id);
    expect(message).toEqual({
      from: BUYER,
      id: data.id,
      timestamp: expect.stringMatching(/^\d{10}$/),
      type: 'image',
      image: { caption: 'the damaged box', mime_type: 'image/png', sha256: sha256(png, 'base64'), id: mediaId },
    });
    const ev = engine.received.flatMap((r) => parseWebhook(r.body).events).find((e): e is InboundMessageEvent => e.kind === 'message' && e.waMessageId === data.id)!;
    expect(ev).toMatchObject({ type: 'image', text: 'the damaged box', mediaId, mimeType: 'image/png', sha256: sha256(png, 'base64') });

    // What the engine then does with it: metadata, then the bytes.
    const meta = (await (await graphGet(`${sim.url}/v21.0/${ev.mediaId}`)).json()) as any;
    expect(Buffer.from(meta.sha256, 'hex').toString('base64')).toBe(ev.sha256);
    const got = Buffer.from(await (await graphGet(meta.url)).arrayBuffer());
    expect(got.equals(png)).toBe(true);
  });

  it('inbound document, voice note and sticker; a media type must fit the media', async () => {
    const pdf = sim.uploadMedia(Buffer.from('%PDF'), 'application/pdf', { filename: 'order.pdf' });
    const ogg = sim.uploadMedia(Buffer.from('OggS'), 'audio/ogg; codecs=opus');
    const webp = sim.uploadMedia(Buffer.from('RIFF'), 'image/webp');
    const doc = await sim.inbound({ from: BUYER, type: 'document', mediaId: pdf.id });
    expect(receivedMessage(doc.id).document).toEqual({ filename: 'order.pdf', mime_type: 'application/pdf', sha256: sha256(Buffer.from('%PDF'), 'base64'), id: pdf.id });
    const named = await sim.inbound({ from: BUYER, type: 'document', mediaId: pdf.id, filename: 'renamed.pdf', text: 'see attached' });
    expect(receivedMessage(named.id).document).toMatchObject({ filename: 'renamed.pdf', caption: 'see attached' });
    const voice = await sim.inbound({ from: BUYER, type: 'audio', mediaId: ogg.id, voice: true });
    expect(receivedMessage(voice.id).audio).toEqual({ mime_type: 'audio/ogg; codecs=opus', sha256: sha256(Buffer.from('OggS'), 'base64'), id: ogg.id, voice: true });
    const sticker = await sim.inbound({ from: BUYER, type: 'sticker', mediaId: webp.id });
    expect(receivedMessage(sticker.id)).toMatchObject({ type: 'sticker', sticker: { mime_type: 'image/webp', id: webp.id, animated: false } });

    const mismatched: [Record<string, unknown>, RegExp][] = [
      [{ type: 'image', mediaId: pdf.id }, /needs image\/\*/],
      [{ type: 'sticker', mediaId: ogg.id }, /needs image\/webp/],
      [{ type: 'video', mediaId: webp.id }, /needs video\/\*/],
      [{ type: 'audio', mediaId: ogg.id, text: 'caption' }, /no caption/],
    ];
    for (const [o, re] of mismatched) {
      const res = await postJson('/__sim/inbound', { from: BUYER, ...o });
      expect(res.status).toBe(422);
      expect(((await res.json()) as any).error.message).toMatch(re);
    }
  });
});

describe('bounded memory', () => {
  it('sent messages, reads, deliveries and media are evicted oldest first at lowered caps', async () => {
    const small = await startSimulator({
      port: 0,
      appSecret: SECRET,
      webhookUrl: engine.url,
      controlToken: CONTROL,
      statusDelaysMs: { sent: 1, delivered: 2, read: 3 },
      limits: { sentMessages: 3, reads: 2, deliveries: 4, mediaBytes: 1000, mediaItems: 3, mediaItemBytes: 600 },
    });
    try {
      const c = new GraphClient({ baseUrl: small.url, accessToken: 'any' });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await c.sendText(PNID, BUYER, `m${i}`)).waMessageId);
      await small.idle();
      expect(small.sent().map((m) => m.text)).toEqual(['m2', 'm3', 'm4']);
      const listed = ((await (await ctl(`/__sim/sent?to=${BUYER}`, {}, CONTROL, small.url)).json()) as any).data;
      expect(listed.map((m: any) => m.id)).toEqual(ids.slice(2));
      await expect(small.markRead(ids[0]!)).rejects.toThrow(/no sent message/);
      // 5 sends x 3 statuses were posted; the last 4 to complete are kept (they complete in any
      // order under load, but the last send's read is among the last four).
      const deliveries = small.deliveries();
      expect(deliveries).toHaveLength(4);
      expect(deliveries.map((d) => d.what)).toContain(`status:${ids[4]}:read`);
      expect(deliveries.map((d) => d.what)).not.toContain(`status:${ids[0]}:sent`);

      for (let i = 0; i < 3; i++) await c.markAsRead(PNID, `wamid.IN${i}`);
      expect(small.reads().map((r) => r.messageId)).toEqual(['wamid.IN1', 'wamid.IN2']);

      const up = async (n: number, fill: number) => {
        const res = await ctl('/__sim/media', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(n, fill) }, CONTROL, small.url);
        return { status: res.status, body: (await res.json()) as any };
      };
      const a = await up(400, 1);
      const b = await up(400, 2);
      const c3 = await up(400, 3);
      expect([a.status, b.status, c3.status]).toEqual([201, 201, 201]);
      // 1200 bytes > 1000: a was evicted for c.
      expect((await graphGet(`${small.url}/v21.0/${a.body.id}`, 'any')).status).toBe(400);
      expect(small.media(a.body.id)).toBeUndefined();
      expect(small.media(b.body.id)?.size).toBe(400);
      expect(small.media(c3.body.id)?.size).toBe(400);
      // Over the lowered per-item cap.
      const big = await up(601, 4);
      expect(big.status).toBe(413);
      expect(big.body.error.message).toContain('600');
      expect(small.media(b.body.id)).toBeDefined();
      // By count: three tiny ones push b and c out.
      const tiny = [await up(1, 5), await up(1, 6), await up(1, 7)];
      expect(small.media(b.body.id)).toBeUndefined();
      expect(small.media(c3.body.id)).toBeUndefined();
      for (const t of tiny) expect(small.media(t.body.id)?.size).toBe(1);
    } finally {
      await small.close();
    }
  });
});
