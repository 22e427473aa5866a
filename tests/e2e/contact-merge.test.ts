// POST /contacts/:id/merge on the whole app (real Postgres, Temporal, worker): everything of the
// merged contact moves to the survivor in one transaction, an audit row records it, merging again
// changes nothing, and the buyer's next WhatsApp message lands on the survivor.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, postWebhook, textMessageBody } from '../helpers/webhooks.js';
import { count, eq, inArray, or } from 'drizzle-orm';
import {
  contactIdentities,
  contactMerges,
  contacts,
  conversations,
  deals,
  duplicateCandidates,
  interactionEvents,
  messages,
} from '../../db/schema.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.stop();
});

const post = (path: string, body: unknown) => s.api(path, { method: 'POST', body: JSON.stringify(body) });
const merge = (survivor: string, other: string, by?: string) =>
  post(`/api/v1/contacts/${survivor}/merge`, { otherContactId: other, ...(by ? { by } : {}) });

async function createContact(body: Record<string, unknown>): Promise<any> {
  const r = await post('/api/v1/contacts', body);
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json;
}

let seq = 0;
/**
 * A WhatsApp buyer as the ingress leaves it (contact, wa_id identity, a conversation with `n`
 * messages and an event), written directly so that the counts stay exact while nothing runs.
 */
async function whatsappBuyer(waId: string, name: string, n = 3) {
  const db = s.db.db;
  const [c] = await db.insert(contacts).values({ name, profileName: name, phoneE164: `+${waId}` }).returning();
  await db.insert(contactIdentities).values({ contactId: c!.id, channel: 'whatsapp', kind: 'wa_id', value: waId });
  const [conv] = await db
    .insert(conversations)
    .values({ workflowId: `wa:106540352242922:${waId}`, phoneNumberId: '106540352242922', sender: waId, contactId: c!.id })
    .returning();
  for (let i = 0; i < n; i++) {
    await db.insert(messages).values({
      waMessageId: `wamid.merge.${waId}.${seq++}`,
      conversationId: conv!.id,
      contactId: c!.id,
      direction: 'in',
      type: 'text',
      text: `hello ${i}`,
      raw: {},
      sentAt: new Date(Date.now() - (n - i) * 1000),
      status: 'received',
    });
  }
  await db.insert(interactionEvents).values({ idempotencyKey: `evt-${waId}-${seq++}`, conversationId: conv!.id, contactId: c!.id, kind: 'decision', payload: {} });
  return { contactId: c!.id, conversationId: conv!.id };
}

/** Rows per table that point at each contact. */
async function footprint(ids: string[]) {
  const db = s.db.db;
  const per = async (table: any, col: any) => {
    const out: Record<string, number> = {};
    for (const id of ids) out[id] = (await db.select({ n: count() }).from(table).where(eq(col, id)))[0]!.n;
    return out;
  };
  return {
    identities: await per(contactIdentities, contactIdentities.contactId),
    conversations: await per(conversations, conversations.contactId),
    messages: await per(messages, messages.contactId),
    deals: await per(deals, deals.contactId),
    events: await per(interactionEvents, interactionEvents.contactId),
  };
}

/** Everything the merge could touch, for before/after comparisons. */
async function snapshot() {
  const db = s.db.db;
  const sorted = <T extends { id: string }>(rows: T[]) => rows.sort((a, b) => a.id.localeCompare(b.id));
  return {
    contacts: sorted(await db.select().from(contacts)),
    identities: sorted(await db.select().from(contactIdentities)),
    conversations: sorted(await db.select().from(conversations)),
    messages: sorted(await db.select().from(messages)),
    deals: sorted(await db.select().from(deals)),
    events: sorted(await db.select().from(interactionEvents)),
    candidates: sorted(await db.select().from(duplicateCandidates)),
    merges: sorted(await db.select().from(contactMerges)),
  };
}

describe('merging two contacts', () => {
  it('moves identities, conversations, messages, deals and events, resolves candidates, writes an audit row', async () => {
    // A: typed by an agent. B: the same person, arrived over WhatsApp, with history and a deal.
    const co = await post('/api/v1/companies', { name: 'Merge Co' });
    const b = await whatsappBuyer('966552000001', 'Noura');
    const a = await createContact({ name: 'Noura Al Saud', phone: '+966 55 200 0001' });
    await s.db.db.update(contacts).set({ email: 'noura@merge.test', companyId: co.json.id }).where(eq(contacts.id, b.contactId));
    await s.db.db.insert(contactIdentities).values([
      { contactId: b.contactId, channel: 'email', kind: 'email', value: 'noura@merge.test' },
      // The same typed phone on both: not duplicated on the survivor.
      { contactId: b.contactId, channel: 'phone', kind: 'phone', value: '+966552000001' },
    ]);
    const deal = await post('/api/v1/deals', { title: 'Order 20 units', contactId: b.contactId, value: 1200 });
    expect(deal.status).toBe(201);
    // A third contact flagged with B: the candidate carries over to A.
    const c = await createContact({ name: 'Noura S', email: 'NOURA@merge.test' });
    const candidatesBefore = await s.db.db
      .select()
      .from(duplicateCandidates)
      .where(or(inArray(duplicateCandidates.contactA, [a.id, b.contactId]), inArray(duplicateCandidates.contactB, [a.id, b.contactId])));
    expect(candidatesBefore.map((d) => d.reason).sort()).toEqual(['same_email', 'same_phone']);

    const before = await footprint([a.id, b.contactId]);
    expect(before).toEqual({
      identities: { [a.id]: 1, [b.contactId]: 3 },
      conversations: { [a.id]: 0, [b.contactId]: 1 },
      messages: { [a.id]: 0, [b.contactId]: 3 },
      deals: { [a.id]: 0, [b.contactId]: 1 },
      events: { [a.id]: 0, [b.contactId]: 1 },
    });

    const r = await merge(a.id, b.contactId, 'agent:layla');
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({
      id: a.id,
      name: 'Noura Al Saud', // the survivor keeps its own fields...
      phone: '+966552000001',
      email: 'noura@merge.test', // ...and gains those it lacked
      companyId: co.json.id,
    });
    expect(r.json.identities).toEqual(
      expect.arrayContaining([
        { kind: 'phone', value: '+966552000001' },
        { kind: 'wa_id', value: '966552000001' },
        { kind: 'email', value: 'noura@merge.test' },
      ]),
    );
    expect(r.json.identities).toHaveLength(3);

    const after = await footprint([a.id, b.contactId]);
    expect(after).toEqual({
      identities: { [a.id]: 3, [b.contactId]: 1 }, // B's copy of the shared phone stays behind
      conversations: { [a.id]: 1, [b.contactId]: 0 },
      messages: { [a.id]: 3, [b.contactId]: 0 },
      deals: { [a.id]: 1, [b.contactId]: 0 },
      events: { [a.id]: 1, [b.contactId]: 0 },
    });
    expect((await s.db.db.select().from(conversations).where(eq(conversations.id, b.conversationId)))[0]!.contactId).toBe(a.id);
    expect((await s.api(`/api/v1/deals/${deal.json.id}`)).json.contactId).toBe(a.id);

    // The old id answers where it went.
    const old = await s.api(`/api/v1/contacts/${b.contactId}`);
    expect(old.status).toBe(200);
    expect(old.json).toEqual({ id: b.contactId, mergedInto: a.id });
    const [bRow] = await s.db.db.select().from(contacts).where(eq(contacts.id, b.contactId));
    expect(bRow!.mergedInto).toBe(a.id);

    // The audit row.
    const audits = await s.db.db.select().from(contactMerges);
    expect(audits).toHaveLength(1);
    // Who merged is the token's actor, whatever the body says.
    const tokenId = `env_${createHash('sha256').update(s.apiToken).digest('hex').slice(0, 12)}`;
    expect(audits[0]).toMatchObject({ survivorId: a.id, mergedId: b.contactId, mergedBy: `admin:${tokenId}` });
    const moved = audits[0]!.moved as any;
    expect(moved.counts).toEqual({
      contact_identities: 2,
      contact_identities_skipped: 1,
      conversations: 1,
      messages: 3,
      deals: 1,
      interaction_events: 1,
      duplicate_candidates: 2,
      contacts: 0,
    });
    expect(moved.merged).toMatchObject({ name: 'Noura', phone: '+966552000001', email: 'noura@merge.test', companyId: co.json.id });
    expect(moved.filled.sort()).toEqual(['companyId', 'email', 'profileName'].sort());

    // Candidates: A-B merged, B-C merged and carried over as A-C (open).
    const cands = await s.db.db.select().from(duplicateCandidates);
    const pair = (x: string, y: string) => cands.filter((d) => [d.contactA, d.contactB].sort().join() === [x, y].sort().join());
    expect(pair(a.id, b.contactId).map((d) => d.status)).toEqual(['merged']);
    expect(pair(b.contactId, c.id).map((d) => d.status)).toEqual(['merged']);
    expect(pair(a.id, c.id).map((d) => [d.reason, d.status])).toEqual([['same_email', 'open']]);
    const open = (await s.api('/api/v1/contacts/duplicates')).json.data;
    expect(open.flatMap((d: any) => d.contactIds)).not.toContain(b.contactId);
    // Lists leave the merged-away contact out.
    const listed = (await s.api('/api/v1/contacts?limit=200')).json.data.map((x: any) => x.id);
    expect(listed).toContain(a.id);
    expect(listed).not.toContain(b.contactId);

    // Merging again, either way round, changes nothing and answers the survivor.
    const snap = await snapshot();
    for (const [x, y] of [
      [a.id, b.contactId],
      [b.contactId, a.id],
    ]) {
      const again = await merge(x!, y!);
      expect(again.status, JSON.stringify(again.json)).toBe(200);
      expect(again.json.id).toBe(a.id);
    }
    expect(await snapshot()).toEqual(snap);
  });

  it('refuses a merge into itself (422), into a merged-away contact (409), of a merged-away contact (409)', async () => {
    const a = await createContact({ name: 'Refuse A' });
    const b = await createContact({ name: 'Refuse B' });
    const c = await createContact({ name: 'Refuse C' });
    const self = await merge(a.id, a.id);
    expect(self.status).toBe(422);
    expect(self.json.error.details).toEqual([expect.objectContaining({ path: '/otherContactId' })]);
    expect((await merge(a.id, b.id)).status).toBe(200);
    const snap = await snapshot();
    const into = await merge(b.id, c.id);
    expect(into.status).toBe(409);
    expect(into.json.error.code).toBe('wrong_state');
    expect((await merge(c.id, b.id)).status).toBe(409);
    expect(await snapshot()).toEqual(snap);
    // Changing a merged-away contact is refused too.
    expect((await s.api(`/api/v1/contacts/${b.id}`, { method: 'PATCH', body: JSON.stringify({ name: 'x' }) })).status).toBe(409);
  });

  it('unknown ids: 404 for the survivor, 422 naming otherContactId for the other; a body without it is 422', async () => {
    const a = await createContact({ name: 'Lonely' });
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await merge(unknown, a.id)).status).toBe(404);
    expect((await merge('nope', a.id)).status).toBe(404);
    const r = await merge(a.id, unknown);
    expect(r.status).toBe(422);
    expect(r.json.error.message).toContain('otherContactId');
    expect((await post(`/api/v1/contacts/${a.id}/merge`, {})).status).toBe(422);
  });

  it('a chain of merges leads old ids to the live contact', async () => {
    const a = await createContact({ name: 'Chain A' });
    const b = await createContact({ name: 'Chain B' });
    const d = await createContact({ name: 'Chain D' });
    expect((await merge(b.id, d.id)).status).toBe(200); // D -> B
    const r = await merge(a.id, b.id); // B -> A: D now leads to A too
    expect(r.status).toBe(200);
    expect((await s.api(`/api/v1/contacts/${d.id}`)).json).toEqual({ id: d.id, mergedInto: a.id });
    expect((await s.api(`/api/v1/contacts/${b.id}`)).json).toEqual({ id: b.id, mergedInto: a.id });
    const [audit] = await s.db.db.select().from(contactMerges).where(eq(contactMerges.mergedId, b.id));
    expect((audit!.moved as any).counts.contacts).toBe(1);
    // Re-merging the first pair answers the live contact.
    expect((await merge(b.id, d.id)).json.id).toBe(a.id);
  });

  it('two opposite merges of one pair at once: one wins, both answer the same survivor', async () => {
    const x = await whatsappBuyer('971502000002', 'Racer X', 2);
    const y = await whatsappBuyer('971502000003', 'Racer Y', 2);
    const [r1, r2] = await Promise.all([merge(x.contactId, y.contactId), merge(y.contactId, x.contactId)]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(r1.json.id).toBe(r2.json.id);
    const survivor = r1.json.id as string;
    const loser = survivor === x.contactId ? y.contactId : x.contactId;
    const audits = await s.db.db.select().from(contactMerges).where(inArray(contactMerges.mergedId, [x.contactId, y.contactId]));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ survivorId: survivor, mergedId: loser });
    const fp = await footprint([survivor, loser]);
    expect(fp.messages).toEqual({ [survivor]: 4, [loser]: 0 });
    expect(fp.conversations).toEqual({ [survivor]: 2, [loser]: 0 });
    expect(fp.identities).toEqual({ [survivor]: 2, [loser]: 0 });
  });

  it('a buyer who wrote on WhatsApp, typed in again by an agent: flagged, merged, and the next message joins the survivor', async () => {
    const from = '966552000099';
    const first = textMessageBody({ from, text: 'السلام عليكم', name: 'Huda' });
    expect((await postWebhook(s.baseUrl, first.body, s.appSecret)).status).toBe(200);
    const m1 = await stored(first.id);
    const buyer = m1.contactId as string;
    const typed = await createContact({ name: 'Huda Al Harbi', phone: '055 200 0099', country: 'SA', email: 'huda@merge.test' });
    expect(typed.id).not.toBe(buyer);
    const dups = (await s.api(`/api/v1/contacts/duplicates?contactId=${typed.id}`)).json.data;
    expect(dups).toEqual([expect.objectContaining({ contactIds: [buyer, typed.id].sort(), reason: 'same_phone', score: 0.95 })]);

    const r = await merge(typed.id, buyer, 'agent:omar');
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ id: typed.id, name: 'Huda Al Harbi', profileName: 'Huda', email: 'huda@merge.test' });
    expect(r.json.identities).toContainEqual({ kind: 'wa_id', value: from });
    expect((await s.api(`/api/v1/messages/${first.id}`)).json.contactId).toBe(typed.id);
    const conv = await s.api(`/api/v1/conversations/${m1.conversationId}`);
    expect(conv.json.contactId).toBe(typed.id);
    expect((await s.api(`/api/v1/contacts/${buyer}`)).json).toEqual({ id: buyer, mergedInto: typed.id });
    expect((await s.api(`/api/v1/contacts/duplicates?contactId=${typed.id}`)).json.data).toEqual([]);

    // The buyer writes again: same conversation, the surviving contact.
    const second = textMessageBody({ from, text: 'any news on my order?' });
    expect((await postWebhook(s.baseUrl, second.body, s.appSecret)).status).toBe(200);
    const m2 = await stored(second.id);
    expect(m2).toMatchObject({ conversationId: m1.conversationId, contactId: typed.id });
  });
});

async function stored(waMessageId: string) {
  return eventually(async () => {
    const r = await s.api(`/api/v1/messages/${waMessageId}`);
    return r.status === 200 ? r.json : undefined;
  }, 10_000);
}
