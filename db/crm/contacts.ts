// Contacts as the agent API sees them: created and changed with the typed-phone rules, identities
// kept in step, duplicates flagged (never merged) on every write.
import { lastContactView } from './last-contact.js';
import { and, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { agents, companies, contactIdentities, contacts } from '../schema.js';
import { normalizeDigits } from '../../domain/normalize.js';
import { defaultLanguageForCountry, defaultTimezoneForCountry } from '../../domain/phone.js';
import { checkCountry, checkEmail, checkLanguage, checkName, checkPhone, checkTimezone } from './contact-input.js';
import { contactsWithEmail, contactsWithPhone, dedupeKeys, flagDuplicates, lockDedupeKeys } from './duplicates.js';
import { CrmError, invalid } from './errors.js';
import { addTypedIdentity, identitiesOf, removeTypedIdentity, type IdentityView } from './identities.js';
import { isUuid } from '../../domain/ids.js';
import { afterCursor, containsPattern, newestFirst, readCursor, toPage, type Page } from './paging.js';

export type ContactRow = typeof contacts.$inferSelect;

export interface ContactView {
  id: string;
  name: string | null;
  profileName: string | null;
  phone: string | null;
  country: string | null;
  email: string | null;
  companyId: string | null;
  ownerAgentId: string | null;
  timezone: string | null;
  language: string | null;
  optedOut: boolean;
  /** WhatsApp's own marketing preference (`user_preferences` webhooks); false stops automated sends too. */
  marketingOptIn: boolean;
  createdAt: string;
  updatedAt: string;
  lastContactAt: string | null;
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
  identities: IdentityView[];
}

/** What an old id of a merged-away contact answers. */
export interface MergedView {
  id: string;
  mergedInto: string;
}

export interface ContactInput {
  name: string;
  phone?: string | null;
  country?: string | null;
  email?: string | null;
  companyId?: string | null;
  ownerAgentId?: string | null;
  language?: string | null;
  timezone?: string | null;
  optedOut?: boolean;
  /** Region for a national phone number when `country` is not given (an import's default); not stored as such. */
  defaultCountry?: string | null;
}

export type ContactPatch = Partial<Omit<ContactInput, 'name' | 'defaultCountry'>> & { name?: string };

export function contactView(row: ContactRow, identities: IdentityView[]): ContactView {
  return {
    id: row.id,
    name: row.name,
    profileName: row.profileName,
    phone: row.phoneE164,
    country: row.country,
    email: row.email,
    companyId: row.companyId,
    ownerAgentId: row.ownerAgentId,
    timezone: row.timezone,
    language: row.language,
    optedOut: row.optedOut,
    marketingOptIn: row.marketingOptIn,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...lastContactView(row),
    identities,
  };
}

// ---------------------------------------------------------------------------------------------
// References

export async function checkCompanyRef(db: Db, id: string | null | undefined, field = 'companyId'): Promise<string | null> {
  if (id === null || id === undefined || id === '') return null;
  if (isUuid(id)) {
    const [row] = await db.select({ id: companies.id }).from(companies).where(eq(companies.id, id)).limit(1);
    if (row) return row.id;
  }
  throw invalid(field, `${field}: no company ${JSON.stringify(id)}`);
}

export async function checkAgentRef(db: Db, id: string | null | undefined, field = 'ownerAgentId'): Promise<string | null> {
  if (id === null || id === undefined || id === '') return null;
  if (isUuid(id)) {
    const [row] = await db.select({ id: agents.id }).from(agents).where(eq(agents.id, id)).limit(1);
    if (row) return row.id;
  }
  throw invalid(field, `${field}: no agent ${JSON.stringify(id)}`);
}

/** The live contact an id stands for: itself, or the contact it was (transitively) merged into. */
export async function liveContactId(db: Db, id: string): Promise<string | null> {
  if (!isUuid(id)) return null;
  let current = id;
  for (let hops = 0; hops < 20; hops++) {
    const [row] = await db.select({ id: contacts.id, mergedInto: contacts.mergedInto }).from(contacts).where(eq(contacts.id, current));
    if (!row) return null;
    if (!row.mergedInto) return row.id;
    current = row.mergedInto;
  }
  return current;
}

// ---------------------------------------------------------------------------------------------
// Writes

/** Create a contact inside the caller's transaction: checks, identities, duplicate flags. */
export async function insertContact(tx: Db, input: ContactInput): Promise<ContactRow> {
  const name = checkName(input.name);
  let country = checkCountry(input.country);
  let phoneE164: string | null = null;
  if (input.phone !== null && input.phone !== undefined && input.phone.trim() !== '') {
    const p = checkPhone(input.phone, country ?? checkCountry(input.defaultCountry, 'defaultCountry'));
    phoneE164 = p.e164;
    country = country ?? p.country;
  }
  const email = checkEmail(input.email);
  const timezone = checkTimezone(input.timezone) ?? (country ? defaultTimezoneForCountry(country) : null);
  const language = checkLanguage(input.language) ?? (country ? defaultLanguageForCountry(country) : null);
  const companyId = await checkCompanyRef(tx, input.companyId);
  const ownerAgentId = await checkAgentRef(tx, input.ownerAgentId);

  await lockDedupeKeys(tx, dedupeKeys({ phoneE164, email, companyId }));
  const [row] = await tx
    .insert(contacts)
    .values({
      name,
      phoneE164,
      email,
      country,
      timezone,
      language,
      companyId,
      ownerAgentId,
      optedOut: input.optedOut ?? false,
    })
    .returning();
  if (phoneE164) await addTypedIdentity(tx, row!.id, 'phone', phoneE164);
  if (email) await addTypedIdentity(tx, row!.id, 'email', email);
  await flagDuplicates(tx, row!);
  return row!;
}

export async function createContact(db: Db, input: ContactInput): Promise<ContactView> {
  const row = await db.transaction((tx) => insertContact(tx, input));
  return (await viewOf(db, row))!;
}

/** True when the patch sets the field (a null clears it; undefined leaves it alone). */
const has = (o: object, k: string) => (o as Record<string, unknown>)[k] !== undefined;

/** Change a live contact; a merged-away one is a conflict (change the contact it was merged into). */
export async function updateContact(db: Db, id: string, patch: ContactPatch): Promise<ContactView> {
  if (!isUuid(id)) throw new CrmError('not_found', `no contact ${id}`);
  const row = await db.transaction(async (tx) => {
    const [cur] = await tx.select().from(contacts).where(eq(contacts.id, id)).for('update');
    if (!cur) throw new CrmError('not_found', `no contact ${id}`);
    if (cur.mergedInto) {
      throw new CrmError('conflict', `contact ${id} was merged into ${(await liveContactId(tx, cur.mergedInto)) ?? cur.mergedInto}; change that contact`);
    }
    const next: Partial<typeof contacts.$inferInsert> = {};
    if (has(patch, 'name')) next.name = checkName(patch.name);

    const countryGiven = has(patch, 'country');
    let country = countryGiven ? checkCountry(patch.country) : cur.country;
    if (has(patch, 'phone')) {
      if (patch.phone === null || patch.phone === undefined || patch.phone.trim() === '') {
        next.phoneE164 = null;
      } else {
        const p = checkPhone(patch.phone, country);
        next.phoneE164 = p.e164;
        // The number's country, unless this patch names one.
        if (!countryGiven && p.e164 !== cur.phoneE164 && p.country) country = p.country;
      }
    }
    if (country !== cur.country) next.country = country;
    if (has(patch, 'email')) next.email = checkEmail(patch.email);
    if (has(patch, 'timezone')) next.timezone = checkTimezone(patch.timezone);
    else if (!cur.timezone && country) next.timezone = defaultTimezoneForCountry(country);
    if (has(patch, 'language')) next.language = checkLanguage(patch.language);
    else if (!cur.language && country) next.language = defaultLanguageForCountry(country);
    if (has(patch, 'companyId')) next.companyId = await checkCompanyRef(tx, patch.companyId);
    if (has(patch, 'ownerAgentId')) next.ownerAgentId = await checkAgentRef(tx, patch.ownerAgentId);
    if (has(patch, 'optedOut')) next.optedOut = patch.optedOut;

    const phoneChanged = next.phoneE164 !== undefined && next.phoneE164 !== cur.phoneE164;
    const emailChanged = next.email !== undefined && next.email !== cur.email;
    const after = { ...cur, ...next } as ContactRow;
    const recheck =
      phoneChanged || emailChanged || (next.name !== undefined && next.name !== cur.name) || (next.companyId !== undefined && next.companyId !== cur.companyId);
    if (recheck) await lockDedupeKeys(tx, dedupeKeys(after));

    const [updated] = await tx
      .update(contacts)
      .set({ ...next, updatedAt: new Date() })
      .where(eq(contacts.id, id))
      .returning();
    if (phoneChanged) {
      if (cur.phoneE164) await removeTypedIdentity(tx, id, 'phone', cur.phoneE164);
      if (updated!.phoneE164) await addTypedIdentity(tx, id, 'phone', updated!.phoneE164);
    }
    if (emailChanged) {
      if (cur.email) await removeTypedIdentity(tx, id, 'email', cur.email);
      if (updated!.email) await addTypedIdentity(tx, id, 'email', updated!.email);
    }
    if (recheck) await flagDuplicates(tx, updated!);
    return updated!;
  });
  return (await viewOf(db, row))!;
}

// ---------------------------------------------------------------------------------------------
// Reads

async function viewOf(db: Db, row: ContactRow): Promise<ContactView | null> {
  const ids = await identitiesOf(db, [row.id]);
  return contactView(row, ids.get(row.id) ?? []);
}

/** A contact with its identities; a merged-away one as `{ id, mergedInto }` (the live contact); null when unknown. */
export async function getContact(db: Db, id: string): Promise<ContactView | MergedView | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(contacts).where(eq(contacts.id, id));
  if (!row) return null;
  if (row.mergedInto) return { id: row.id, mergedInto: (await liveContactId(db, row.mergedInto)) ?? row.mergedInto };
  return viewOf(db, row);
}

export interface ContactFilter {
  q?: string;
  companyId?: string;
  ownerAgentId?: string;
  /** As typed; national numbers take `country` as their region. */
  phone?: string;
  email?: string;
  country?: string;
}

/** Live contacts, newest first, keyset-paged. */
export async function listContacts(db: Db, filter: ContactFilter, page: { limit: number; cursor?: string }): Promise<Page<ContactView>> {
  const cursor = readCursor(page.cursor);
  const where: (SQL | undefined)[] = [isNull(contacts.mergedInto)];
  const none = { data: [], nextCursor: null };
  if (filter.companyId !== undefined) {
    if (!isUuid(filter.companyId)) return none;
    where.push(eq(contacts.companyId, filter.companyId));
  }
  if (filter.ownerAgentId !== undefined) {
    if (!isUuid(filter.ownerAgentId)) return none;
    where.push(eq(contacts.ownerAgentId, filter.ownerAgentId));
  }
  const country = filter.country !== undefined && filter.country !== '' ? checkCountry(filter.country) : null;
  if (country) where.push(eq(contacts.country, country));
  if (filter.phone !== undefined && filter.phone.trim() !== '') {
    const { e164 } = checkPhone(filter.phone, country);
    const ids = await contactsWithPhone(db, e164);
    if (ids.length === 0) return none;
    where.push(inArray(contacts.id, ids));
  }
  if (filter.email !== undefined && filter.email.trim() !== '') {
    const email = checkEmail(filter.email)!;
    const ids = await contactsWithEmail(db, email);
    if (ids.length === 0) return none;
    where.push(inArray(contacts.id, ids));
  }
  const q = filter.q?.trim();
  if (q) {
    const pattern = containsPattern(q);
    const either: SQL[] = [ilike(contacts.name, pattern), ilike(contacts.profileName, pattern), ilike(contacts.email, pattern)];
    const digits = normalizeDigits(q).replace(/\D/g, '');
    if (digits.length >= 3 && /^[\s\d+\-().\u0660-\u0669\u06f0-\u06f9]+$/.test(q)) {
      const digitPattern = containsPattern(digits);
      either.push(sql`${contacts.phoneE164} like ${digitPattern}`);
      either.push(
        sql`exists (select 1 from ${contactIdentities} where ${contactIdentities.contactId} = ${contacts.id} and ${contactIdentities.kind} in ('wa_id', 'phone') and ${contactIdentities.value} like ${digitPattern})`,
      );
    }
    where.push(or(...either));
  }
  where.push(afterCursor(contacts.createdAt, contacts.id, cursor));
  const rows = await db
    .select()
    .from(contacts)
    .where(and(...where))
    .orderBy(...newestFirst(contacts.createdAt, contacts.id))
    .limit(page.limit + 1);
  const ids = await identitiesOf(db, rows.map((r) => r.id));
  return toPage(rows, page.limit, (r) => contactView(r, ids.get(r.id) ?? []));
}
