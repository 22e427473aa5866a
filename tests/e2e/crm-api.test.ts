// The CRM half of the agent API over HTTP on a real Postgres: contacts (typed phones, identities,
// duplicates), companies, deals, filters and paging.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { and, eq } from 'drizzle-orm';
import { agents, contactIdentities, contacts, duplicateCandidates } from '../../db/schema.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({ worker: false });
});
afterAll(async () => {
  await s?.stop();
});

const post = (path: string, body: unknown) => s.api(path, { method: 'POST', body: JSON.stringify(body) });
const patch = (path: string, body: unknown) => s.api(path, { method: 'PATCH', body: JSON.stringify(body) });
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

async function createContact(body: Record<string, unknown>) {
  const r = await post('/api/v1/contacts', body);
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json;
}
async function createCompany(name: string, extra: Record<string, unknown> = {}) {
  const r = await post('/api/v1/companies', { name, ...extra });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json;
}
async function openDuplicates(): Promise<{ contactIds: [string, string]; score: number; reason: string }[]> {
  const r = await s.api('/api/v1/contacts/duplicates?limit=200');
  expect(r.status).toBe(200);
  return r.json.data;
}
const pairOf = (a: string, b: string) => [a, b].sort();
async function duplicatesBetween(a: string, b: string) {
  return (await openDuplicates()).filter((d) => JSON.stringify([...d.contactIds].sort()) === JSON.stringify(pairOf(a, b)));
}
/** A contact as the WhatsApp ingress leaves it: a wa_id identity on channel whatsapp. */
async function whatsappContact(waId: string, name: string): Promise<string> {
  const [c] = await s.db.db.insert(contacts).values({ name, profileName: name }).returning({ id: contacts.id });
  await s.db.db.insert(contactIdentities).values({ contactId: c!.id, channel: 'whatsapp', kind: 'wa_id', value: waId });
  return c!.id;
}
function expect422Naming(r: { status: number; json: any }, field: string) {
  expect(r.status, JSON.stringify(r.json)).toBe(422);
  expect(r.json.error.code).toBe('validation_failed');
  expect(r.json.error.message).toContain(field);
  expect(r.json.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: `/${field}` })]));
}

describe('POST /contacts: phones as people type them', () => {
  it('stores E.164, the country from the number, timezone and language from the country, and identities', async () => {
    const c = await createContact({ name: 'Noura Al Saud', phone: '+966 55 100 0001', email: '  Noura@Example.COM ' });
    expect(c).toMatchObject({
      id: expect.any(String),
      name: 'Noura Al Saud',
      phone: '+966551000001',
      country: 'SA',
      email: 'noura@example.com',
      companyId: null,
      ownerAgentId: null,
      timezone: 'Asia/Riyadh',
      language: 'ar',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(c.identities).toEqual([
      { kind: 'phone', value: '+966551000001' },
      { kind: 'email', value: 'noura@example.com' },
    ]);
    const rows = await s.db.db.select().from(contactIdentities).where(eq(contactIdentities.contactId, c.id));
    expect(rows.map((r) => [r.channel, r.kind, r.value]).sort()).toEqual([
      ['email', 'email', 'noura@example.com'],
      ['phone', 'phone', '+966551000001'],
    ]);
    const got = await s.api(`/api/v1/contacts/${c.id}`);
    expect(got.status).toBe(200);
    // One contact also carries its engagement profile (nothing yet: no messages).
    const { engagement, ...rest } = got.json;
    expect(rest).toEqual(c);
    expect(engagement).toMatchObject({ replyLatencySamples: 0, replyLatencyMedianSec: null, lastInteractionAt: null });
  });

  it.each([
    { phone: '00971 50 100 0002', country: undefined, e164: '+971501000002', iso: 'AE', tz: 'Asia/Dubai', lang: 'ar' },
    { phone: '050-100-0003', country: 'AE', e164: '+971501000003', iso: 'AE', tz: 'Asia/Dubai', lang: 'ar' },
    { phone: '(11) 98100-0004', country: 'br', e164: '+5511981000004', iso: 'BR', tz: 'America/Sao_Paulo', lang: 'pt' },
    { phone: '٠٥٥١٠٠٠٠٠٥', country: 'SA', e164: '+966551000005', iso: 'SA', tz: 'Asia/Riyadh', lang: 'ar' },
    { phone: '+44 (0)20 7946 0006', country: undefined, e164: '+442079460006', iso: 'GB', tz: 'Europe/London', lang: 'en' },
  ])('$phone (country $country) -> $e164', async ({ phone, country, e164, iso, tz, lang }) => {
    const c = await createContact({ name: `Typed ${phone}`, phone, ...(country ? { country } : {}) });
    expect(c).toMatchObject({ phone: e164, country: iso, timezone: tz, language: lang });
    expect(c.identities).toEqual([{ kind: 'phone', value: e164 }]);
  });

  it('keeps a given country, timezone and language over the defaults', async () => {
    const c = await createContact({ name: 'Expat', phone: '+966551000007', country: 'eg', timezone: 'europe/london', language: 'en-gb' });
    expect(c).toMatchObject({ phone: '+966551000007', country: 'EG', timezone: 'Europe/London', language: 'en-GB' });
  });

  it('a national number without a country is 422 naming country; nothing is stored', async () => {
    const before = (await s.db.db.select().from(contacts)).length;
    const r = await post('/api/v1/contacts', { name: 'Local', phone: '055 100 0008' });
    expect422Naming(r, 'country');
    expect((await s.db.db.select().from(contacts)).length).toBe(before);
  });

  it('rejects bad input with 422 naming the field, and non-JSON with 400', async () => {
    expect422Naming(await post('/api/v1/contacts', { name: 'X', phone: 'call me maybe' }), 'phone');
    expect422Naming(await post('/api/v1/contacts', { name: 'X', phone: '+1 23' }), 'phone');
    expect422Naming(await post('/api/v1/contacts', { name: 'X', phone: '+966 12' }), 'phone');
    expect422Naming(await post('/api/v1/contacts', { name: 'X', phone: '0501000009', country: 'XX' }), 'country');
    expect422Naming(await post('/api/v1/contacts', { name: 'X', email: 'not-an-email' }), 'email');
    expect422Naming(await post('/api/v1/contacts', { name: 'X', companyId: UNKNOWN }), 'companyId');
    expect422Naming(await post('/api/v1/contacts', { name: 'X', companyId: 'acme' }), 'companyId');
    expect422Naming(await post('/api/v1/contacts', { name: 'X', ownerAgentId: UNKNOWN }), 'ownerAgentId');
    expect422Naming(await post('/api/v1/contacts', { name: 'X', timezone: 'Mars/Olympus' }), 'timezone');
    expect422Naming(await post('/api/v1/contacts', { name: '   ' }), 'name');
    const missing = await post('/api/v1/contacts', { phone: '+966551000010' });
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.json.error)).toContain('name');
    const notJson = await s.api('/api/v1/contacts', { method: 'POST', body: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.code).toBe('invalid_json');
  });

  it('accepts a body wrapped in { data }', async () => {
    const c = await createContact({ data: { name: 'Wrapped', phone: '+966551000011' } });
    expect(c).toMatchObject({ name: 'Wrapped', phone: '+966551000011' });
  });

  it('answers 401 without a token and 404 for unknown or malformed ids', async () => {
    expect((await fetch(`${s.baseUrl}/api/v1/contacts`)).status).toBe(401);
    for (const id of [UNKNOWN, 'nope', '123']) {
      const r = await s.api(`/api/v1/contacts/${id}`);
      expect(r.status, id).toBe(404);
      expect(r.json.error.code).toBe('not_found');
    }
    expect((await patch(`/api/v1/contacts/${UNKNOWN}`, { name: 'x' })).status).toBe(404);
  });
});

describe('PATCH /contacts/:id', () => {
  it('a new phone replaces the typed phone identity; WhatsApp identities stay', async () => {
    const c = await createContact({ name: 'Changer', phone: '+966551000020', email: 'changer@example.com' });
    await s.db.db.insert(contactIdentities).values({ contactId: c.id, channel: 'whatsapp', kind: 'wa_id', value: '966551000020' });

    const r = await patch(`/api/v1/contacts/${c.id}`, { phone: '00971 50 100 0021' });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ phone: '+971501000021', country: 'AE', email: 'changer@example.com' });
    expect(r.json.identities).toEqual(
      expect.arrayContaining([
        { kind: 'wa_id', value: '966551000020' },
        { kind: 'phone', value: '+971501000021' },
        { kind: 'email', value: 'changer@example.com' },
      ]),
    );
    expect(r.json.identities).toHaveLength(3);
    expect(r.json.identities).not.toContainEqual({ kind: 'phone', value: '+966551000020' });

    // A national number takes the contact's country; e-mail changes and clears likewise.
    const local = await patch(`/api/v1/contacts/${c.id}`, { phone: '050 100 0022', email: 'NEW@example.com', optedOut: true, name: 'Changed' });
    expect(local.status).toBe(200);
    expect(local.json).toMatchObject({ name: 'Changed', phone: '+971501000022', email: 'new@example.com', optedOut: true });
    const cleared = await patch(`/api/v1/contacts/${c.id}`, { email: null, phone: null });
    expect(cleared.status).toBe(200);
    expect(cleared.json).toMatchObject({ phone: null, email: null });
    expect(cleared.json.identities).toEqual([{ kind: 'wa_id', value: '966551000020' }]);
    const { engagement: _e, ...read } = (await s.api(`/api/v1/contacts/${c.id}`)).json;
    expect(read).toEqual(cleared.json);
  });

  it('checks like POST: national number without a country, bad e-mail, unknown company', async () => {
    const c = await createContact({ name: 'No country' });
    expect(c.country).toBeNull();
    expect422Naming(await patch(`/api/v1/contacts/${c.id}`, { phone: '055 100 0023' }), 'country');
    expect422Naming(await patch(`/api/v1/contacts/${c.id}`, { phone: 'abc' }), 'phone');
    expect422Naming(await patch(`/api/v1/contacts/${c.id}`, { email: 'x@' }), 'email');
    expect422Naming(await patch(`/api/v1/contacts/${c.id}`, { companyId: UNKNOWN }), 'companyId');
    const ok = await patch(`/api/v1/contacts/${c.id}`, { phone: '055 100 0023', country: 'SA' });
    expect(ok.json).toMatchObject({ phone: '+966551000023', country: 'SA', timezone: 'Asia/Riyadh', language: 'ar' });
  });
});

describe('GET /contacts: filters and paging', () => {
  it('filters by company, owner, q, typed phone, e-mail, country; leaves merged-away contacts out', async () => {
    const co = await createCompany('Filter Co');
    const [agent] = await s.db.db.insert(agents).values({ name: 'Filter Agent', team: 'sales' }).returning();
    const a = await createContact({ name: 'Filter Alpha', phone: '+966551000030', companyId: co.id, ownerAgentId: agent!.id, email: 'alpha@filter.test' });
    const b = await createContact({ name: 'Filter Beta', phone: '+971501000031', companyId: co.id });
    const other = await createContact({ name: 'Filter Gamma', phone: '+5511981000032' });
    const ids = (r: any) => r.json.data.map((c: any) => c.id).sort();

    expect(ids(await s.api(`/api/v1/contacts?companyId=${co.id}`))).toEqual([a.id, b.id].sort());
    expect(ids(await s.api(`/api/v1/contacts?ownerAgentId=${agent!.id}`))).toEqual([a.id]);
    expect(ids(await s.api(`/api/v1/contacts?q=filter%20be`))).toEqual([b.id]);
    expect(ids(await s.api(`/api/v1/contacts?q=ALPHA@filter`))).toEqual([a.id]);
    expect(ids(await s.api(`/api/v1/contacts?q=551000030`))).toEqual([a.id]);
    expect(ids(await s.api(`/api/v1/contacts?phone=${encodeURIComponent('00966 55 100 0030')}`))).toEqual([a.id]);
    expect(ids(await s.api(`/api/v1/contacts?phone=${encodeURIComponent('055-100-0030')}&country=SA`))).toEqual([a.id]);
    expect(ids(await s.api(`/api/v1/contacts?email=Alpha@Filter.test`))).toEqual([a.id]);
    expect(ids(await s.api(`/api/v1/contacts?country=br&q=filter`))).toEqual([other.id]);
    expect(ids(await s.api(`/api/v1/contacts?companyId=not-a-uuid`))).toEqual([]);
    expect422Naming(await s.api(`/api/v1/contacts?phone=0551000030`), 'country');

    await s.db.db.update(contacts).set({ mergedInto: a.id }).where(eq(contacts.id, b.id));
    expect(ids(await s.api(`/api/v1/contacts?companyId=${co.id}`))).toEqual([a.id]);
  });

  it('pages newest first with an opaque cursor, no overlap, no gap', async () => {
    const co = await createCompany('Paging Co');
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await createContact({ name: `Pager ${i} ${randomBytes(3).toString('hex')}`, companyId: co.id })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { status: number; json: any } = await s.api(`/api/v1/contacts?companyId=${co.id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.json.data.length).toBeLessThanOrEqual(3);
      seen.push(...r.json.data.map((c: any) => c.id));
      cursor = r.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse());
    expect((await s.api('/api/v1/contacts?cursor=garbage')).status).toBe(422);
    expect((await s.api('/api/v1/contacts?limit=201')).status).toBe(422);
    expect((await s.api('/api/v1/contacts')).json.data.length).toBeLessThanOrEqual(50);
  });
});

describe('duplicates: flagged, never merged', () => {
  it('the same number twice, typed differently: two contacts and one same_phone candidate', async () => {
    const a = await createContact({ name: 'Same Phone One', phone: '+966 55 100 0040' });
    const b = await createContact({ name: 'Somebody Else', phone: '0551000040', country: 'SA' });
    expect(b.id).not.toBe(a.id);
    expect(b.phone).toBe(a.phone);
    expect(await duplicatesBetween(a.id, b.id)).toEqual([expect.objectContaining({ reason: 'same_phone', score: 0.95 })]);
    expect((await s.api(`/api/v1/contacts/${a.id}`)).json.id).toBe(a.id);
    expect((await s.api(`/api/v1/contacts/${b.id}`)).json.id).toBe(b.id);
  });

  it("Brazil's 9th digit: an old 8-digit wa_id and the typed 9-digit number are one candidate", async () => {
    const wa = await whatsappContact('551187650041', 'Joao WhatsApp');
    const typed = await createContact({ name: 'João Typed', phone: '+55 11 98765-0041' });
    expect(typed.phone).toBe('+5511987650041');
    expect(await duplicatesBetween(wa, typed.id)).toEqual([expect.objectContaining({ reason: 'same_phone', score: 0.95 })]);
    // And the old 8-digit form typed by an agent is the same number again.
    const old = await createContact({ name: 'Joao Old Form', phone: '(11) 8765-0041', country: 'BR' });
    expect(old.phone).toBe('+5511987650041');
    expect(await duplicatesBetween(old.id, typed.id)).toHaveLength(1);
    expect(await duplicatesBetween(old.id, wa)).toHaveLength(1);
  });

  it('a typed phone equal to a WhatsApp wa_id is a candidate', async () => {
    const wa = await whatsappContact('971501000042', 'Layla');
    const typed = await createContact({ name: 'Layla K', phone: '+971 50 100 0042' });
    expect(await duplicatesBetween(wa, typed.id)).toEqual([expect.objectContaining({ reason: 'same_phone' })]);
  });

  it('the same e-mail in another case is a same_email candidate', async () => {
    const a = await createContact({ name: 'Mail One', email: 'shared@dup.test' });
    const b = await createContact({ name: 'Mail Two', email: 'SHARED@Dup.Test' });
    expect(await duplicatesBetween(a.id, b.id)).toEqual([expect.objectContaining({ reason: 'same_email', score: 0.9 })]);
  });

  it('similar names in the same company are a candidate; in other companies or different names not', async () => {
    const co = await createCompany('Rashid Trading');
    const other = await createCompany('Other Trading');
    const a = await createContact({ name: 'Mohammed Al-Rashid', companyId: co.id });
    const b = await createContact({ name: 'mohamed alrashid', companyId: co.id });
    const c = await createContact({ name: 'Mohammed Al-Rashid', companyId: other.id });
    const d = await createContact({ name: 'Mohammed Al-Rashid' });
    const john = await createContact({ name: 'John Smith', companyId: co.id });
    const jane = await createContact({ name: 'Jane Smith', companyId: co.id });
    const [dup] = await duplicatesBetween(a.id, b.id);
    expect(dup).toMatchObject({ reason: 'similar_name' });
    expect(dup!.score).toBeGreaterThanOrEqual(0.7);
    expect(dup!.score).toBeLessThan(0.9);
    expect(await duplicatesBetween(a.id, c.id)).toEqual([]);
    expect(await duplicatesBetween(a.id, d.id)).toEqual([]);
    expect(await duplicatesBetween(john.id, jane.id)).toEqual([]);
    // Moving a contact into the company flags it then.
    await patch(`/api/v1/contacts/${c.id}`, { companyId: co.id });
    expect(await duplicatesBetween(a.id, c.id)).toEqual([expect.objectContaining({ reason: 'similar_name' })]);
  });

  it('different people are not flagged; the list is highest score first', async () => {
    const a = await createContact({ name: 'Different A', phone: '+966551000050', email: 'a@different.test' });
    const b = await createContact({ name: 'Different B', phone: '+966551000051', email: 'b@different.test' });
    expect(await duplicatesBetween(a.id, b.id)).toEqual([]);
    const all = await openDuplicates();
    expect(all.length).toBeGreaterThan(3);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.score).toBeGreaterThanOrEqual(all[i]!.score);
    for (const d of all) expect(d.contactIds).toHaveLength(2);
  });

  it('creating the same number concurrently still flags every pair', async () => {
    const made = await Promise.all(
      [0, 1, 2, 3].map((i) => createContact({ name: `Racer ${i}`, phone: i % 2 ? '+966551000060' : '00966551000060' })),
    );
    const ids = made.map((c) => c.id);
    const rows = await s.db.db.select().from(duplicateCandidates).where(and(eq(duplicateCandidates.reason, 'same_phone')));
    const pairs = rows.filter((r) => ids.includes(r.contactA) && ids.includes(r.contactB));
    expect(pairs).toHaveLength(6);
  });

  it('GET /contacts/duplicates pages with a cursor', async () => {
    const first = await s.api('/api/v1/contacts/duplicates?limit=2');
    expect(first.status).toBe(200);
    expect(first.json.data).toHaveLength(2);
    const second = await s.api(`/api/v1/contacts/duplicates?limit=2&cursor=${first.json.nextCursor}`);
    expect(second.status).toBe(200);
    const all = await openDuplicates();
    expect([...first.json.data, ...second.json.data].map((d: any) => d.id)).toEqual(all.slice(0, 4).map((d: any) => (d as any).id));
  });
});

describe('companies', () => {
  it('create, read, change, list with q and paging; checks references', async () => {
    const [agent] = await s.db.db.insert(agents).values({ name: 'Co Owner', team: 'sales' }).returning();
    const c = await createCompany('  Acme   Gulf ', { domain: 'https://www.Acme-Gulf.com/about', ownerAgentId: agent!.id });
    expect(c).toMatchObject({ name: 'Acme Gulf', domain: 'acme-gulf.com', ownerAgentId: agent!.id });
    expect((await s.api(`/api/v1/companies/${c.id}`)).json).toEqual(c);
    const changed = await patch(`/api/v1/companies/${c.id}`, { name: 'Acme Gulf LLC', domain: null });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ name: 'Acme Gulf LLC', domain: null, ownerAgentId: agent!.id });

    expect422Naming(await post('/api/v1/companies', { name: 'Bad', ownerAgentId: UNKNOWN }), 'ownerAgentId');
    expect422Naming(await post('/api/v1/companies', { name: 'Bad', domain: 'not a domain' }), 'domain');
    expect((await post('/api/v1/companies', {})).status).toBe(422);
    expect((await s.api(`/api/v1/companies/${UNKNOWN}`)).status).toBe(404);
    expect((await patch(`/api/v1/companies/${UNKNOWN}`, { name: 'x' })).status).toBe(404);

    for (let i = 0; i < 3; i++) await createCompany(`Listable ${i}`);
    const found = await s.api('/api/v1/companies?q=listable&limit=2');
    expect(found.json.data.map((x: any) => x.name)).toEqual(['Listable 2', 'Listable 1']);
    const rest = await s.api(`/api/v1/companies?q=listable&limit=2&cursor=${found.json.nextCursor}`);
    expect(rest.json).toMatchObject({ data: [expect.objectContaining({ name: 'Listable 0' })], nextCursor: null });
    expect((await s.api(`/api/v1/companies?ownerAgentId=${agent!.id}`)).json.data.map((x: any) => x.id)).toEqual([c.id]);
  });
});

describe('deals', () => {
  it('create, read, change, list by contact, company, stage, status, owner', async () => {
    const co = await createCompany('Deal Co');
    const contact = await createContact({ name: 'Deal Person', phone: '+966551000070' });
    const [agent] = await s.db.db.insert(agents).values({ name: 'Deal Owner', team: 'sales' }).returning();
    const r = await post('/api/v1/deals', { title: '20 units', contactId: contact.id, value: 1999.5, currency: 'sar' });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json).toMatchObject({ title: '20 units', contactId: contact.id, companyId: null, stage: 'new', status: 'open', value: 1999.5, currency: 'SAR' });
    const d2 = (await post('/api/v1/deals', { title: 'Fleet', companyId: co.id, stage: 'proposal', ownerAgentId: agent!.id })).json;
    expect(d2).toMatchObject({ stage: 'proposal', status: 'open', value: null, ownerAgentId: agent!.id });

    expect((await s.api(`/api/v1/deals/${r.json.id}`)).json).toEqual(r.json);
    const won = await patch(`/api/v1/deals/${r.json.id}`, { status: 'won', stage: 'closed', value: 2500 });
    expect(won.json).toMatchObject({ status: 'won', stage: 'closed', value: 2500 });

    const ids = async (q: string) => (await s.api(`/api/v1/deals?${q}`)).json.data.map((d: any) => d.id);
    expect(await ids(`contactId=${contact.id}`)).toEqual([r.json.id]);
    expect(await ids(`companyId=${co.id}`)).toEqual([d2.id]);
    expect(await ids(`stage=proposal&companyId=${co.id}`)).toEqual([d2.id]);
    expect(await ids(`status=won&contactId=${contact.id}`)).toEqual([r.json.id]);
    expect(await ids(`ownerAgentId=${agent!.id}`)).toEqual([d2.id]);

    expect422Naming(await post('/api/v1/deals', { title: 'Orphan' }), 'contactId');
    expect422Naming(await post('/api/v1/deals', { title: 'Ghost', contactId: UNKNOWN }), 'contactId');
    expect422Naming(await post('/api/v1/deals', { title: 'Ghost', companyId: UNKNOWN }), 'companyId');
    expect422Naming(await post('/api/v1/deals', { title: 'Ghost', companyId: co.id, ownerAgentId: UNKNOWN }), 'ownerAgentId');
    expect((await post('/api/v1/deals', { title: 'Neg', companyId: co.id, value: -1 })).status).toBe(422);
    expect((await post('/api/v1/deals', { title: 'Bad', companyId: co.id, status: 'maybe' })).status).toBe(422);
    expect422Naming(await post('/api/v1/deals', { title: 'Cur', companyId: co.id, currency: '$$$' }), 'currency');
    expect422Naming(await patch(`/api/v1/deals/${d2.id}`, { companyId: null }), 'companyId');
    expect((await s.api(`/api/v1/deals/${UNKNOWN}`)).status).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('documents the CRM routes', async () => {
    const res = await fetch(`${s.baseUrl}/docs/json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/api/v1/contacts',
      '/api/v1/contacts/{id}',
      '/api/v1/contacts/duplicates',
      '/api/v1/contacts/{id}/merge',
      '/api/v1/contacts/import',
      '/api/v1/contacts/imports/{id}',
      '/api/v1/companies',
      '/api/v1/companies/{id}',
      '/api/v1/deals',
      '/api/v1/deals/{id}',
    ]) {
      expect(paths).toContain(p);
    }
    expect(Object.keys(doc.paths['/api/v1/contacts/{id}']!)).toEqual(expect.arrayContaining(['get', 'patch']));
  });
});
