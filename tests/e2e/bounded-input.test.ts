// Input that cannot stall a conversation, on the whole app: over-long ids are refused before they reach
// a workflow, U+0000 is cleaned at the edge (and what Postgres still refuses is dead-lettered, never
// retried for ever), a 2.5 MB body is taken whole, and every error has the contract's one shape.
import http from 'node:http';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrmRecordActivities } from '../../activities/crm-records.js';
import { messages } from '../../db/schema.js';
import { snapshotQuery, takeOverUpdate } from '../../workflows/conversation/contract.js';
import type { InboundMessageEvent } from '../../whatsapp/events.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { rawRequest } from '../helpers/http.js';
import { eventually, messagesChangeBody, postWebhook, statusWebhookBody, textMessageBody, TEST_PHONE_NUMBER_ID, uniqueId } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.stop();
});

const isErrorShape = (j: any) => typeof j?.error?.code === 'string' && typeof j?.error?.message === 'string';

async function stored(id: string) {
  return eventually(async () => {
    const r = await s.api(`/api/v1/messages/${encodeURIComponent(id)}`);
    return r.status === 200 ? r.json : undefined;
  }, 15_000, 100);
}

async function conversationOf(from: string, text = 'hello, is the 5L bottle in stock?') {
  const m = textMessageBody({ from, text });
  expect((await postWebhook(s.baseUrl, m.body, s.appSecret)).status).toBe(200);
  const msg = await stored(m.id);
  return (await s.api(`/api/v1/conversations/${msg.conversationId}`)).json;
}

describe('ids that cannot reach a workflow', () => {
  it('take-over with a 5,000-character id is 422 and the conversation still takes the next message', async () => {
    const conv = await conversationOf('966579000001');
    const long = 'a'.repeat(5000);
    const r = await s.api(`/api/v1/conversations/${conv.id}/take-over`, { method: 'POST', body: JSON.stringify({ agentId: long }) });
    expect(r.status).toBe(422);
    expect(isErrorShape(r.json)).toBe(true);
    expect(JSON.stringify(r.json.error)).toContain('agentId');
    // Straight to the workflow (no API in front): its validator refuses it too; nothing is applied.
    const handle = s.client.workflow.getHandle(conv.workflowId);
    const refused = await handle.executeUpdate(takeOverUpdate, { args: [{ agentId: long, by: 'test' }] }).catch((e) => e);
    expect(String(refused?.cause?.message)).toMatch(/longer than/);
    expect((await handle.query(snapshotQuery)).takenOverBy).toBeNull();
    // The next message is taken and stored: the run is alive.
    const next = textMessageBody({ from: '966579000001', text: 'any news?' });
    expect((await postWebhook(s.baseUrl, next.body, s.appSecret)).status).toBe(200);
    expect((await stored(next.id)).conversationId).toBe(conv.id);
    const desc = await handle.describe();
    expect(desc.status.name).toBe('RUNNING');
  });

  it('unknown assignees and teams are 422 naming the field; nothing changes', async () => {
    const conv = await conversationOf('966579000002');
    const unknownAgent = '0b5e1c0e-5a3a-4b8e-9d8e-2f1a0c9b7d61';
    const cases: [string, unknown, string][] = [
      ['take-over', { agentId: unknownAgent }, 'agentId'],
      ['reassign', { assignee: unknownAgent }, 'assignee'],
      ['reassign', { team: 'no-such-team' }, 'team'],
      ['reassign', { assignee: 'not-an-id' }, 'assignee'],
      ['reassign', {}, 'assignee'],
    ];
    for (const [action, body, field] of cases) {
      const r = await s.api(`/api/v1/conversations/${conv.id}/${action}`, { method: 'POST', body: JSON.stringify(body) });
      expect(r.status, `${action} ${JSON.stringify(body)}`).toBe(422);
      expect(r.json.error.details?.[0]?.path ?? r.json.error.message).toContain(field);
    }
    const after = (await s.api(`/api/v1/conversations/${conv.id}`)).json;
    expect(after.takenOverBy ?? null).toBeNull();
    expect(after.team).toBe(conv.team);
  });
});

describe('U+0000 and unpaired surrogates', () => {
  it("in a buyer's text: 200, stored, the character replaced", async () => {
    const m = textMessageBody({ from: '966579000003', text: 'price\u0000 of the \uD800 bottle?' });
    const r = await postWebhook(s.baseUrl, m.body, s.appSecret);
    expect(r.status).toBe(200);
    const msg = await stored(m.id);
    expect(msg.text).toBe('price\uFFFD of the \uFFFD bottle?');
  });

  it('in an unknown status: 200, and 200 again on redelivery (no retry loop)', async () => {
    const body = statusWebhookBody('wamid.UNKNOWN\u0000STATUS', 'weird\u0000status');
    for (let i = 0; i < 2; i++) expect((await postWebhook(s.baseUrl, body, s.appSecret)).status).toBe(200);
    // An unreadable item with U+0000 too.
    const unreadable = statusWebhookBody('', 'read\u0000');
    for (let i = 0; i < 2; i++) expect((await postWebhook(s.baseUrl, unreadable, s.appSecret)).status).toBe(200);
  });

  it('in API text: 201 with the character replaced, or 422; never a 5xx', async () => {
    const c = await s.api('/api/v1/contacts', { method: 'POST', body: JSON.stringify({ name: 'Nour\u0000 Ali\uDC00' }) });
    expect(c.status).toBe(201);
    expect(c.json.name).toBe('Nour\uFFFD Ali\uFFFD');
    const q = await s.api(`/api/v1/contacts?q=${encodeURIComponent('Nour\u0000')}`);
    expect(q.status).toBe(200);
    const p = await s.api(`/api/v1/conversations/${encodeURIComponent('wa:\u0000')}`);
    expect(p.status).toBe(404);
    const conv = await conversationOf('966579000004');
    const reply = await s.api(`/api/v1/conversations/${conv.id}/reply`, { method: 'POST', body: JSON.stringify({ text: 'Hello\u0000 there' }) });
    expect(reply.status).toBe(201);
    const sent = await stored(reply.json.waMessageId);
    expect(sent.text).toBe('Hello\uFFFD there');
  });

  it('what Postgres still refuses is a dead letter, listed by the API; the rest of the batch is stored', async () => {
    // Straight to the CRM write (the edge cleans what comes through the webhook): one poisoned
    // message among good ones.
    const acts = createCrmRecordActivities(s.db.db);
    const from = '966579000005';
    const ev = (text: string): InboundMessageEvent => ({
      kind: 'message',
      waMessageId: uniqueId('wamid.DL'),
      phoneNumberId: TEST_PHONE_NUMBER_ID,
      sender: { waId: from, profileName: 'Dead Letter' },
      type: 'text',
      text,
      at: new Date().toISOString(),
      raw: { text: { body: text } },
    });
    const batch = [ev('first'), ev('poison\u0000'), ev('third')];
    const r = await acts.recordInbound({ workflowId: `wa:${TEST_PHONE_NUMBER_ID}:${from}`, phoneNumberId: TEST_PHONE_NUMBER_ID, messages: batch });
    expect(r.conversationId).toBeTruthy();
    expect(r.stored).toBe(2);
    expect(r.deadLettered).toEqual([batch[1]!.waMessageId]);
    const rows = await s.db.db.select({ id: messages.waMessageId }).from(messages).where(inArray(messages.waMessageId, batch.map((b) => b.waMessageId)));
    expect(rows.map((x) => x.id).sort()).toEqual([batch[0]!.waMessageId, batch[2]!.waMessageId].sort());
    // Again (a retry): nothing more.
    const again = await acts.recordInbound({ workflowId: `wa:${TEST_PHONE_NUMBER_ID}:${from}`, phoneNumberId: TEST_PHONE_NUMBER_ID, messages: batch });
    expect(again.stored).toBe(0);
    const list = await s.api('/api/v1/dead-letters?kind=inbound_message');
    expect(list.status).toBe(200);
    const letters = list.json.data.filter((d: any) => d.key === `inbound_message:${batch[1]!.waMessageId}`);
    expect(letters).toHaveLength(1);
    expect(letters[0].reason).toMatch(/0x00|null|invalid/i);
    expect(letters[0].payload.event.waMessageId).toBe(batch[1]!.waMessageId);
  });
});

describe('a body near Meta\'s 3 MB', () => {
  it('2.5 MB of 700 messages from one sender: 200 and every message stored', async () => {
    const from = '966579000006';
    const ids = Array.from({ length: 700 }, (_, i) => `wamid.BIG.${i}.${uniqueId('')}`);
    const filler = 'x'.repeat(3500);
    const body = messagesChangeBody({
      contacts: [{ profile: { name: 'Big Sender' }, wa_id: from }],
      messages: ids.map((id, i) => ({ from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `line ${i} ${filler}` } })),
    });
    const text = JSON.stringify(body);
    expect(text.length).toBeGreaterThan(2.4 * 1024 * 1024);
    expect(text.length).toBeLessThan(3 * 1024 * 1024);
    const r = await postWebhook(s.baseUrl, text, s.appSecret);
    expect(r.status).toBe(200);
    expect(r.json.messages).toBe(700);
    const count = await eventually(
      async () => {
        const rows = await s.db.db.select({ id: messages.waMessageId, raw: messages.raw }).from(messages).where(inArray(messages.waMessageId, ids));
        return rows.length === 700 ? rows : undefined;
      },
      60_000,
      250,
    );
    expect(count).toHaveLength(700);
    // The raw JSON of each message is kept on it (ingress stored it; the signal did not carry it).
    const one = count.find((x) => x.id === ids[123])!;
    expect((one.raw as any).text.body).toBe(`line 123 ${filler}`);
    const conv = await s.db.db.select({ c: messages.conversationId }).from(messages).where(eq(messages.waMessageId, ids[0]!));
    const all = await s.db.db.select({ c: messages.conversationId }).from(messages).where(inArray(messages.waMessageId, ids));
    expect(new Set(all.map((x) => x.c))).toEqual(new Set([conv[0]!.c]));
  });
});

const raw = (method: string, path: string, opts: { headers?: Record<string, string>; body?: string | Buffer } = {}) => rawRequest(s.baseUrl, method, path, opts);

describe('types, lengths and the one error shape', () => {
  const auth = () => ({ authorization: `Bearer ${s.apiToken}` });

  it('every string of every documented body and query has a maxLength (read from the OpenAPI document)', async () => {
    const doc = (await (await fetch(`${s.baseUrl}/docs/json`)).json()) as any;
    const unbounded: string[] = [];
    const walk = (schema: any, where: string) => {
      if (!schema || typeof schema !== 'object') return;
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (types.includes('string') && schema.maxLength === undefined && schema.enum === undefined && schema.const === undefined) unbounded.push(where);
      for (const [k, v] of Object.entries(schema.properties ?? {})) walk(v, `${where}.${k}`);
      if (schema.items) walk(schema.items, `${where}[]`);
      for (const key of ['anyOf', 'oneOf', 'allOf']) (schema[key] ?? []).forEach((x: any, i: number) => walk(x, `${where}|${key}${i}`));
      if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${where}.*`);
    };
    let bodies = 0;
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, op] of Object.entries<any>(ops)) {
        for (const [type, media] of Object.entries<any>(op.requestBody?.content ?? {})) {
          bodies++;
          walk(media.schema, `${method.toUpperCase()} ${path} (${type})`);
        }
        for (const p of op.parameters ?? []) walk(p.schema, `${method.toUpperCase()} ${path} ?${p.name}`);
      }
    }
    expect(bodies).toBeGreaterThan(10);
    expect(unbounded).toEqual([]);
  });

  it('types are never coerced: "7" for a number is 422, "true" for a boolean too', async () => {
    const r = await s.api('/api/v1/agents', { method: 'POST', body: JSON.stringify({ name: 'Coerced', team: 'sales', languages: ['en'], capacity: '7' }) });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.json.error)).toContain('capacity');
    const b = await s.api('/api/v1/agents', { method: 'POST', body: JSON.stringify({ name: 'Coerced', team: 'sales', languages: ['en'], capacity: 7, active: 'true' }) });
    expect(b.status).toBe(422);
    const list = await s.api('/api/v1/agents');
    expect(list.json.data.map((a: any) => a.name)).not.toContain('Coerced');
    // Query strings are text by nature: they are read as numbers where a number is meant.
    expect((await s.api('/api/v1/conversations?limit=2')).status).toBe(200);
  });

  it('strings are trimmed before their length is checked; fields an operation does not know are ignored', async () => {
    const blank = await s.api('/api/v1/contacts', { method: 'POST', body: JSON.stringify({ name: '    ' }) });
    expect(blank.status).toBe(422);
    const padded = await s.api('/api/v1/contacts', { method: 'POST', body: JSON.stringify({ name: '  Reem  ', favouriteColour: 'teal' }) });
    expect(padded.status).toBe(201);
    expect(padded.json.name).toBe('Reem');
    const long = await s.api('/api/v1/contacts', { method: 'POST', body: JSON.stringify({ name: 'n'.repeat(501) }) });
    expect(long.status).toBe(422);
  });

  it('a 400-character id is 404; over 512 is 414; both in the error shape', async () => {
    for (const path of [`/api/v1/conversations/${'c'.repeat(400)}`, `/api/v1/contacts/${'c'.repeat(400)}`, `/api/v1/messages/${'m'.repeat(400)}`]) {
      const r = await raw('GET', path, { headers: auth() });
      expect(r.status, path).toBe(404);
      expect(isErrorShape(r.json)).toBe(true);
    }
    const tooLong = await raw('GET', `/api/v1/conversations/${'c'.repeat(600)}`, { headers: auth() });
    expect(tooLong.status).toBe(414);
    expect(isErrorShape(tooLong.json)).toBe(true);
    // ... and still behind the token.
    expect((await raw('GET', `/api/v1/conversations/${'c'.repeat(600)}`)).status).toBe(401);
  });

  it('unknown route, bad JSON, wrong content type, 413 and a bad URL: all in the contract\'s shape', async () => {
    const results = await Promise.all([
      raw('GET', '/nope'),
      raw('GET', '/api/v1/nope', { headers: auth() }),
      raw('POST', '/api/v1/contacts', { headers: { ...auth(), 'content-type': 'application/json' }, body: '{"name": ' }),
      raw('POST', '/api/v1/contacts', { headers: { ...auth(), 'content-type': 'text/plain' }, body: 'name=x' }),
      raw('POST', '/api/v1/contacts', { headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) }),
      raw('GET', '/api/v1/conversations/%E0%A4%A', { headers: auth() }),
      raw('POST', '/webhooks/whatsapp', { headers: { 'content-type': 'application/json' }, body: '{}' }),
      raw('GET', '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1'),
    ]);
    expect(results.map((r) => r.status)).toEqual([404, 404, 400, 415, 413, 400, 401, 403]);
    for (const r of results) {
      expect(isErrorShape(r.json), JSON.stringify(r.json)).toBe(true);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('a webhook without a well-formed signature header is refused before its body is read', async () => {
    const { port } = new URL(s.baseUrl);
    // Announce 4 MiB and send none of it: the answer must come anyway, at once.
    const started = Date.now();
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: Number(port), method: 'POST', path: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'content-length': String(4 * 1024 * 1024), 'x-hub-signature-256': 'sha256=nothex' } },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body).error.code).toBe('invalid_signature');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
