// Capture on real parts: every fixture type stored, redeliveries in shuffled order change nothing,
// statuses only move forward, senders by wa_id and/or user_id reach one conversation.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { asc, eq } from 'drizzle-orm';
import { markSent } from '../../db/outbox.js';
import { contactIdentities, conversations, interactionEvents, messages, outbox } from '../../db/schema.js';
import { parseWebhook } from '../../whatsapp/parse.js';
import { ingressCoalescers } from '../../server/ingress.js';
import { snapshotQuery } from '../../workflows/conversation/contract.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, postWebhook, TEST_PHONE_NUMBER_ID, textMessageBody, uniqueId, statusWebhookBody } from '../helpers/webhooks.js';

const fixtureDir = path.join(import.meta.dirname, '..', 'fixtures', 'webhooks');
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f, body: JSON.parse(readFileSync(path.join(fixtureDir, f), 'utf8')) }));

/** The same bodies under another business number, so two databases can share one Temporal. */
function underPhoneNumberId(body: unknown, id: string): unknown {
  return JSON.parse(JSON.stringify(body), (k, v) => (k === 'phone_number_id' ? id : v));
}

let a: Stack;
let b: Stack;
beforeAll(async () => {
  [a, b] = await Promise.all([startStack(), startStack()]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

/** Every message id the parser finds in the fixtures, with a sender (stored) or without (orphan). */
const expectedMessageIds = new Set(
  fixtures.flatMap((f) => parseWebhook(f.body).events.filter((e) => e.kind === 'message' && (e.sender.waId || e.sender.userId)).map((e) => e.waMessageId)),
);

/** Wait until every fixture message is stored and every conversation workflow has written all it received. */
async function settled(s: Stack) {
  await eventually(
    async () => {
      const rows = await s.db.db.select({ id: messages.waMessageId }).from(messages);
      const have = new Set(rows.map((r) => r.id));
      return [...expectedMessageIds].every((id) => have.has(id)) ? true : undefined;
    },
    20_000,
    200,
  ).catch(async (err) => {
    // Say which messages are missing and what their workflows did, to make a failure readable.
    const have = new Set((await s.db.db.select({ id: messages.waMessageId }).from(messages)).map((r) => r.id));
    const missing = [...expectedMessageIds].filter((id) => !have.has(id));
    const lines: string[] = [];
    for await (const w of s.client.workflow.list({ query: `TaskQueue = '${s.taskQueue}'` })) {
      const h = await s.client.workflow.getHandle(w.workflowId).fetchHistory().catch(() => undefined);
      const types = (h?.events ?? []).map((e) => String(e.eventType)).slice(-12).join(',');
      lines.push(`${w.workflowId} ${w.status.name}: ${types}`);
    }
    throw new Error(`${(err as Error).message}; missing ${missing.join(', ')}\n${lines.join('\n')}`);
  });
  await eventually(
    async () => {
      const rows = await s.db.db.select({ workflowId: conversations.workflowId }).from(conversations);
      for (const r of rows) {
        const snap = await s.client.workflow.getHandle(r.workflowId).query(snapshotQuery);
        if (snap.pending > 0) return undefined;
      }
      return true;
    },
    20_000,
    200,
  );
}

/**
 * What capture wrote (inbound messages, contacts, identities, capture events), without generated
 * ids, times or the business number. Decisions and acknowledgements depend on how messages fell
 * into bursts, which timing decides, so they are left out.
 */
async function normalizedState(s: Stack) {
  const db = s.db.db;
  const msgs = (await db.select().from(messages).orderBy(asc(messages.waMessageId))).filter((m) => m.direction === 'in');
  const ids = await db.select().from(contactIdentities);
  const contactKey = new Map<string, string>();
  for (const i of ids) contactKey.set(i.contactId, [...(contactKey.get(i.contactId)?.split(' ') ?? []), `${i.kind}:${i.value}`].sort().join(' '));
  // (identity events record which message happened to create a contact: order-dependent audit.)
  const captureKinds = new Set(['status', 'orphan_status', 'orphan_message', 'invalid_event']);
  // Statuses of our own sends (acknowledgements, wamids the simulator made up) follow the decisions.
  const events = (await db.select().from(interactionEvents).orderBy(asc(interactionEvents.idempotencyKey))).filter(
    (e) => captureKinds.has(e.kind) && !e.idempotencyKey.includes('wamid.SIM'),
  );
  const convs = await db.select().from(conversations);
  return {
    messages: msgs.map((m) => [m.waMessageId, m.direction, m.type, m.text, m.status, m.errorCode, contactKey.get(m.contactId), JSON.stringify(m.raw)]),
    contacts: [...new Set(contactKey.values())].sort(),
    // Keys may hold a contact's generated id: compare by the contact's identities instead.
    events: events
      .map((e) => [e.kind, e.idempotencyKey.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => contactKey.get(id) ?? 'id')])
      .sort((x, y) => x.join().localeCompare(y.join())),
    conversations: convs.map((c) => [c.sender, contactKey.get(c.contactId)]).sort(),
  };
}

describe('every payload type', () => {
  it('stores every event of every fixture body', async () => {
    for (const f of fixtures) {
      const res = await postWebhook(a.baseUrl, underPhoneNumberId(f.body, TEST_PHONE_NUMBER_ID), a.appSecret);
      expect(res.status, f.name).toBe(200);
    }
    await settled(a);
    const stored = new Set((await a.db.db.select({ id: messages.waMessageId }).from(messages)).map((r) => r.id));
    const events = await a.db.db.select().from(interactionEvents);
    const orphanStatusIds = new Set(events.filter((e) => e.kind === 'orphan_status' || e.kind === 'status').map((e) => (e.payload as any).waMessageId));
    const orphanMessages = new Set(events.filter((e) => e.kind === 'orphan_message').map((e) => (e.payload as any).waMessageId));
    for (const f of fixtures) {
      const parsed = parseWebhook(f.body);
      for (const ev of parsed.events) {
        if (ev.kind === 'message') {
          const kept = stored.has(ev.waMessageId) || orphanMessages.has(ev.waMessageId);
          expect(kept, `${f.name}: message ${ev.waMessageId}`).toBe(true);
        } else {
          expect(orphanStatusIds.has(ev.waMessageId) || stored.has(ev.waMessageId), `${f.name}: status ${ev.waMessageId}`).toBe(true);
        }
      }
      if (parsed.invalid.length > 0) expect(events.some((e) => e.kind === 'invalid_event'), f.name).toBe(true);
    }
    // Every type is there, unknown ones as unsupported with their raw JSON.
    const types = new Set((await a.db.db.select({ t: messages.type }).from(messages)).map((r) => r.t));
    for (const t of ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'reaction', 'order', 'system', 'unsupported']) {
      expect(types, t).toContain(t);
    }
    const unsupported = await a.db.db.select().from(messages).where(eq(messages.type, 'unsupported'));
    for (const m of unsupported) expect(m.raw).not.toBeNull();
  });

  it('each body delivered three times, in shuffled order, leaves the same database state as once', async () => {
    const deliveries = fixtures.flatMap((f) => [f, f, f]).map((f) => underPhoneNumberId(f.body, `${TEST_PHONE_NUMBER_ID}9`));
    const shuffled = fc.sample(fc.shuffledSubarray(deliveries, { minLength: deliveries.length }), { numRuns: 1, seed: 42 })[0]!;
    // Run A took them once, under the original number: give A the same number for a fair comparison.
    for (const body of shuffled) {
      const res = await postWebhook(b.baseUrl, body, b.appSecret);
      expect(res.status).toBe(200);
    }
    await settled(b);
    const once = await normalizedState(a);
    const thrice = await normalizedState(b);
    expect(thrice.messages).toEqual(once.messages);
    expect(thrice.contacts).toEqual(once.contacts);
    expect(thrice.events).toEqual(once.events);
    expect(thrice.conversations).toEqual(once.conversations);
  });
});

describe('senders', () => {
  it('user_id only, then phone + user_id, then phone only: one contact, one conversation', async () => {
    const userId = `US.${uniqueId('')}`;
    const waId = '966512340001';
    const base = textMessageBody({ from: waId });
    const make = (sender: Record<string, string>, contact: Record<string, unknown>) => {
      const id = uniqueId();
      const body = structuredClone(base.body) as any;
      const value = body.entry[0].changes[0].value;
      value.contacts = [contact];
      value.messages = [{ ...sender, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hi' } }];
      return { id, body };
    };
    const first = make({ from_user_id: userId }, { user_id: userId, profile: { name: 'Maha', username: '@maha' } });
    const second = make({ from: waId, from_user_id: userId }, { wa_id: waId, user_id: userId, profile: { name: 'Maha' } });
    const third = make({ from: waId }, { wa_id: waId, profile: { name: 'Maha' } });
    const got = [];
    for (const m of [first, second, third]) {
      expect((await postWebhook(a.baseUrl, m.body, a.appSecret)).status).toBe(200);
      got.push(
        await eventually(async () => {
          const r = await a.api(`/api/v1/messages/${m.id}`);
          return r.status === 200 ? r.json : undefined;
        }),
      );
    }
    expect(new Set(got.map((g) => g.contactId)).size).toBe(1);
    expect(new Set(got.map((g) => g.conversationId)).size).toBe(1);
    const ids = await a.db.db.select().from(contactIdentities).where(eq(contactIdentities.contactId, got[0].contactId));
    expect(ids.map((i) => `${i.kind}:${i.value}`).sort()).toEqual([`user_id:${userId}`, `wa_id:${waId}`].sort());
  });

  it('after "customer changed number", the new number is the same contact and conversation', async () => {
    const oldNumber = '201001234567';
    const newNumber = '201009876543';
    const first = textMessageBody({ from: oldNumber });
    expect((await postWebhook(a.baseUrl, first.body, a.appSecret)).status).toBe(200);
    const before = await eventually(async () => {
      const r = await a.api(`/api/v1/messages/${first.id}`);
      return r.status === 200 ? r.json : undefined;
    });
    const change = structuredClone(first.body) as any;
    const systemId = uniqueId();
    change.entry[0].changes[0].value.messages = [
      { from: oldNumber, id: systemId, timestamp: String(Math.floor(Date.now() / 1000)), type: 'system', system: { body: `User A changed from ${oldNumber} to ${newNumber}`, wa_id: newNumber, type: 'user_changed_number' } },
    ];
    const next = textMessageBody({ from: newNumber, text: 'it is me, new number' });
    // Both in one delivery: the new number's message must not start a second conversation.
    const both = structuredClone(change);
    both.entry.push(next.body.entry[0]);
    expect((await postWebhook(a.baseUrl, both, a.appSecret)).status).toBe(200);
    const after = await eventually(async () => {
      const r = await a.api(`/api/v1/messages/${next.id}`);
      return r.status === 200 ? r.json : undefined;
    });
    expect(after.contactId).toBe(before.contactId);
    expect(after.conversationId).toBe(before.conversationId);
    // And later, alone.
    const later = textMessageBody({ from: newNumber, text: 'hello again' });
    expect((await postWebhook(a.baseUrl, later.body, a.appSecret)).status).toBe(200);
    const l = await eventually(async () => {
      const r = await a.api(`/api/v1/messages/${later.id}`);
      return r.status === 200 ? r.json : undefined;
    });
    expect(l.conversationId).toBe(before.conversationId);
  });
});

describe('statuses of messages we sent', () => {
  const statusBody = (waMessageId: string, recipient: string, status: string, errors?: unknown[]) =>
    statusWebhookBody(waMessageId, status, { recipient, ...(errors ? { errors } : {}) });

  async function outboundMessage(from: string) {
    const inbound = textMessageBody({ from });
    expect((await postWebhook(a.baseUrl, inbound.body, a.appSecret)).status).toBe(200);
    const m = await eventually(async () => {
      const r = await a.api(`/api/v1/messages/${inbound.id}`);
      return r.status === 200 ? r.json : undefined;
    });
    const waMessageId = `wamid.OUT.${uniqueId('')}`;
    // As the outbox records a send the Graph API took.
    const [conv] = await a.db.db.select().from(conversations).where(eq(conversations.id, m.conversationId));
    await a.db.db.insert(outbox).values({ key: `test:${waMessageId}`, conversationId: m.conversationId, workflowId: conv!.workflowId, kind: 'reply', status: 'sending', request: { type: 'text', text: 'Thanks, 20 units are 1,200 SAR' }, sentBy: 'test' });
    await markSent(a.db.db, `test:${waMessageId}`, { waMessageId, at: new Date().toISOString(), raw: {} });
    return { waMessageId, conversationId: m.conversationId as string };
  }

  it('read -> delivered -> sent leaves the message read', async () => {
    const from = '966512340010';
    const { waMessageId, conversationId } = await outboundMessage(from);
    for (const st of ['read', 'delivered', 'sent']) {
      expect((await postWebhook(a.baseUrl, statusBody(waMessageId, from, st), a.appSecret)).status).toBe(200);
    }
    await eventually(async () => {
      const events = await a.db.db.select().from(interactionEvents).where(eq(interactionEvents.conversationId, conversationId));
      return events.filter((e) => e.kind === 'status').length === 3 ? true : undefined;
    });
    const msg = await a.api(`/api/v1/messages/${waMessageId}`);
    expect(msg.json).toMatchObject({ direction: 'out', status: 'read' });
    const [conv] = await a.db.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conv!.lastOutboundStatus).toBe('read');
  });

  it('status bodies arriving together (several messages, each status twice) share transactions and leave each message where it belongs', async () => {
    const sent = await Promise.all(['966512340020', '966512340021', '966512340022'].map(async (from) => ({ from, ...(await outboundMessage(from)) })));
    const { statuses } = ingressCoalescers(a.db.db);
    const before = { ...statuses.stats };
    const bodies = sent.flatMap((m) => ['sent', 'delivered', 'read', 'delivered', 'read'].map((st) => statusBody(m.waMessageId, m.from, st)));
    const answers = await Promise.all(bodies.map((b) => postWebhook(a.baseUrl, b, a.appSecret)));
    expect(answers.map((r) => r.status)).toEqual(bodies.map(() => 200));
    expect(statuses.stats.inputs - before.inputs).toBe(bodies.length);
    expect(statuses.stats.batches - before.batches).toBeLessThan(bodies.length);
    for (const m of sent) {
      expect((await a.api(`/api/v1/messages/${m.waMessageId}`)).json).toMatchObject({ direction: 'out', status: 'read' });
      const events = await a.db.db.select().from(interactionEvents).where(eq(interactionEvents.conversationId, m.conversationId));
      // Three distinct statuses, each recorded once however often it came.
      expect(events.filter((e) => e.kind === 'status').length).toBe(3);
    }
  });

  it('failed with 131047 stores the code on the message and the conversation', async () => {
    const from = '966512340011';
    const { waMessageId, conversationId } = await outboundMessage(from);
    const errors = [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' } }];
    expect((await postWebhook(a.baseUrl, statusBody(waMessageId, from, 'failed', errors), a.appSecret)).status).toBe(200);
    const msg = await eventually(async () => {
      const r = await a.api(`/api/v1/messages/${waMessageId}`);
      return r.json.status === 'failed' ? r.json : undefined;
    });
    expect(msg.errorCode).toBe(131047);
    // A late "delivered" does not revive it.
    expect((await postWebhook(a.baseUrl, statusBody(waMessageId, from, 'delivered'), a.appSecret)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect((await a.api(`/api/v1/messages/${waMessageId}`)).json.status).toBe('failed');
    const [conv] = await a.db.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conv).toMatchObject({ lastOutboundStatus: 'failed', lastOutboundErrorCode: 131047 });
  });

  it('a status for an unknown message starts nothing and is kept as an orphan', async () => {
    const id = `wamid.UNKNOWN.${uniqueId('')}`;
    const res = await postWebhook(a.baseUrl, statusBody(id, '966599999999', 'delivered'), a.appSecret);
    expect(res.status).toBe(200);
    const events = await a.db.db.select().from(interactionEvents).where(eq(interactionEvents.idempotencyKey, `status:${id}:delivered`));
    expect(events).toHaveLength(1);
    expect(events[0]!.kind).toBe('orphan_status');
    const started = [];
    for await (const w of a.client.workflow.list({ query: `WorkflowId = 'wa:${TEST_PHONE_NUMBER_ID}:966599999999'` })) started.push(w);
    expect(started).toHaveLength(0);
  });
});
