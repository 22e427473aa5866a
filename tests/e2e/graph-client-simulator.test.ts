// GraphClient against the Graph API simulator over real HTTP, with a small receiver standing in for
// the engine's webhook: wamids, Meta-shaped bodies, signed status webhooks (parsed by the engine's
// own parser), typed failures for forced Graph errors, 5xx, network trouble and bad input.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { GraphClient } from '../../whatsapp/graph-client.js';
import { graphFailureDetails } from '../../whatsapp/graph-errors.js';
import { startSimulator, type Simulator } from '../../whatsapp/simulator/server.js';
import { verifySignature } from '../../whatsapp/signature.js';
import { parseWebhook } from '../../whatsapp/parse.js';
import type { InboundMessageEvent, StatusEvent } from '../../whatsapp/events.js';
import { eventually } from '../helpers/webhooks.js';
import { freePort } from '../helpers/ports.js';

const SECRET = 'sim-test-secret';
const TOKEN = 'sim-test-token';
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

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
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
    expect(f.nonRetryable).toBe(true);
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
      expect(f.nonRetryable).toBe(false);
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
    expect(a).toMatchObject({ nonRetryable: false, type: 'WhatsAppRetryable' });
    expect(graphFailureDetails(a)).toMatchObject({ code: 131000, httpStatus: 500 });
    sim.failNext(424242, { httpStatus: 503 });
    const b = await failureOf(client.sendText(PNID, BUYER, 'x'));
    expect(b).toMatchObject({ nonRetryable: false, type: 'WhatsAppRetryable' });
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
    expect(f).toMatchObject({ nonRetryable: true, type: 'AuthError' });
    expect(graphFailureDetails(f)).toMatchObject({ code: 190, httpStatus: 401 });
  });

  it('an unreachable base URL is retryable; so is a timeout', async () => {
    const port = await freePort();
    const down = new GraphClient({ baseUrl: `http://127.0.0.1:${port}`, accessToken: TOKEN });
    const f = await failureOf(down.sendText(PNID, BUYER, 'hi'));
    expect(f).toMatchObject({ nonRetryable: false, type: 'WhatsAppRetryable' });
    expect(graphFailureDetails(f)).toMatchObject({ code: null, reason: 'network' });

    const silent = http.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const slow = new GraphClient({ baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, accessToken: TOKEN, timeoutMs: 150 });
      const t = await failureOf(slow.sendText(PNID, BUYER, 'hi'));
      expect(t).toMatchObject({ nonRetryable: false, type: 'WhatsAppRetryable' });
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
      expect(f.nonRetryable, name).toBe(true);
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

describe('control endpoints over HTTP', () => {
  it('POST /__sim/fail, GET /__sim/sent, POST /__sim/inbound', async () => {
    const fail = await fetch(`${sim.url}/__sim/fail`, { method: 'POST', body: JSON.stringify({ code: 131050 }) });
    expect(fail.status).toBe(200);
    const f = await failureOf(client.sendTemplate(PNID, BUYER, { name: 'promo', language: 'en_US' }));
    expect(f.type).toBe('RecipientOptedOut');

    const ok = await client.sendText(PNID, BUYER, 'hello there');
    const list = (await (await fetch(`${sim.url}/__sim/sent?since=0&to=${BUYER}`)).json()) as any;
    expect(list.data).toEqual([expect.objectContaining({ id: ok.waMessageId, to: BUYER, type: 'text', text: 'hello there' })]);
    const later = (await (await fetch(`${sim.url}/__sim/sent?since=${list.data[0].seq}`)).json()) as any;
    expect(later.data).toEqual([]);

    const inbound = await fetch(`${sim.url}/__sim/inbound`, {
      method: 'POST',
      body: JSON.stringify({ from: BUYER, text: 'كم السعر؟', name: 'Noura' }),
    });
    expect(inbound.status).toBe(200);
    const { data } = (await inbound.json()) as any;
    expect(data).toMatchObject({ ok: true, engineStatus: 200, id: expect.stringMatching(/^wamid\./) });
    const got = engine.received.flatMap((r) => (r.signatureOk ? parseWebhook(r.body).events : []));
    const msg = got.find((e): e is InboundMessageEvent => e.kind === 'message' && e.waMessageId === data.id)!;
    expect(msg).toMatchObject({
      phoneNumberId: PNID,
      type: 'text',
      text: 'كم السعر؟',
      sender: { waId: BUYER, profileName: 'Noura' },
    });

    const bad = await fetch(`${sim.url}/__sim/fail`, { method: 'POST', body: JSON.stringify({ nope: 1 }) });
    expect(bad.status).toBe(400);
  });
});
