// Step 2, identity: match a WhatsApp sender to a contact.
// Order: exact identity (wa_id or user_id) -> phone variants (the number typed into the CRM, an
// older or newer form of the wa_id: Brazil's ninth digit, Mexico's 521/52, Argentina's 549/54) ->
// none: create the contact with its profile name, country, and a timezone and language inferred
// from the country. WhatsApp identities are unique; a typed phone is not: when a phone matches
// several contacts the oldest is used and the others are flagged as duplicates, never merged.
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { contactIdentities, contacts, duplicateCandidates } from '../db/schema.js';
import type { SenderIdentity } from '../whatsapp/events.js';
import {
  countryOfPhone,
  defaultLanguageForCountry,
  defaultTimezoneForCountry,
  phoneVariants,
  waIdToE164,
} from '../domain/phone.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type MatchedBy = 'identity' | 'phone_variant' | 'created';

export interface ResolvedContact {
  contactId: string;
  matchedBy: MatchedBy;
}

function whatsappIdentities(sender: SenderIdentity): { kind: 'wa_id' | 'user_id'; value: string }[] {
  const ids: { kind: 'wa_id' | 'user_id'; value: string }[] = [];
  if (sender.waId) ids.push({ kind: 'wa_id', value: sender.waId });
  if (sender.userId) ids.push({ kind: 'user_id', value: sender.userId });
  return ids;
}

/** Follow merges: a merged-away contact's identities answer for the contact it was merged into. */
async function live(tx: Tx, contactId: string): Promise<string> {
  let id = contactId;
  for (let i = 0; i < 10; i++) {
    const [row] = await tx.select({ mergedInto: contacts.mergedInto }).from(contacts).where(eq(contacts.id, id));
    if (!row?.mergedInto) return id;
    id = row.mergedInto;
  }
  return id;
}

/** The contact holding any of these WhatsApp identities (oldest link first), and which ids it holds. */
async function byIdentity(tx: Tx, ids: { kind: string; value: string }[]): Promise<{ contactId: string; complete: boolean } | undefined> {
  const rows = await tx
    .select({ contactId: contactIdentities.contactId, kind: contactIdentities.kind, value: contactIdentities.value, mergedInto: contacts.mergedInto })
    .from(contactIdentities)
    .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
    .where(
      and(
        eq(contactIdentities.channel, 'whatsapp'),
        or(...ids.map((i) => and(eq(contactIdentities.kind, i.kind), eq(contactIdentities.value, i.value)))),
      ),
    )
    .orderBy(asc(contactIdentities.createdAt));
  const first = rows[0];
  if (!first) return undefined;
  const contactId = first.mergedInto ? await live(tx, first.mergedInto) : first.contactId;
  // Every id already linked to this very contact: nothing to write.
  const complete = !first.mergedInto && ids.every((i) => rows.some((r) => r.contactId === contactId && r.kind === i.kind && r.value === i.value));
  return { contactId, complete };
}

/** Contacts reachable under any form of the number: other wa_ids, typed phones. Oldest first. */
async function byPhoneVariants(tx: Tx, waId: string): Promise<string[]> {
  const variants = phoneVariants(waId);
  if (variants.length === 0) return [];
  const plus = variants.map((v) => `+${v}`);
  const rows = await tx
    .select({ contactId: contactIdentities.contactId, createdAt: contacts.createdAt })
    .from(contactIdentities)
    .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
    .where(
      and(
        isNull(contacts.mergedInto),
        or(
          and(eq(contactIdentities.kind, 'wa_id'), inArray(contactIdentities.value, variants)),
          and(eq(contactIdentities.kind, 'phone'), inArray(contactIdentities.value, plus)),
        ),
      ),
    )
    .orderBy(asc(contacts.createdAt));
  const fromPhones = await tx
    .select({ id: contacts.id, createdAt: contacts.createdAt })
    .from(contacts)
    .where(and(isNull(contacts.mergedInto), inArray(contacts.phoneE164, plus)))
    .orderBy(asc(contacts.createdAt));
  const all = [...rows.map((r) => ({ id: r.contactId, at: r.createdAt })), ...fromPhones.map((r) => ({ id: r.id, at: r.createdAt }))];
  all.sort((a, b) => a.at.getTime() - b.at.getTime());
  return [...new Set(all.map((r) => r.id))];
}

async function flagDuplicates(tx: Tx, contactIds: string[], reason: string, score: number): Promise<void> {
  const pairs: { contactA: string; contactB: string; reason: string; score: number }[] = [];
  for (let i = 0; i < contactIds.length; i++) {
    for (let j = i + 1; j < contactIds.length; j++) {
      const [a, b] = [contactIds[i]!, contactIds[j]!].sort();
      pairs.push({ contactA: a!, contactB: b!, reason, score });
    }
  }
  if (pairs.length > 0) await tx.insert(duplicateCandidates).values(pairs).onConflictDoNothing();
}

/** Find or create the contact of a WhatsApp sender, inside the caller's transaction. */
export async function resolveSenderContact(tx: Tx, sender: SenderIdentity): Promise<ResolvedContact> {
  const ids = whatsappIdentities(sender);
  if (ids.length === 0) throw new Error('sender has neither wa_id nor user_id');

  const known = await byIdentity(tx, ids);
  let contactId = known?.contactId;
  let matchedBy: MatchedBy = 'identity';
  if (!contactId && sender.waId) {
    const candidates = await byPhoneVariants(tx, sender.waId);
    if (candidates.length > 0) {
      contactId = candidates[0]!;
      matchedBy = 'phone_variant';
      if (candidates.length > 1) await flagDuplicates(tx, candidates, 'same_phone', 0.95);
    }
  }
  if (!contactId) {
    const e164 = sender.waId ? waIdToE164(sender.waId) : null;
    const country = sender.waId ? countryOfPhone(sender.waId) : null;
    const [created] = await tx
      .insert(contacts)
      .values({
        name: sender.profileName ?? sender.username ?? null,
        profileName: sender.profileName ?? null,
        phoneE164: e164,
        country,
        timezone: defaultTimezoneForCountry(country),
        language: defaultLanguageForCountry(country),
      })
      .returning({ id: contacts.id });
    contactId = created!.id;
    matchedBy = 'created';
  }

  if (known?.complete && !sender.profileName) return { contactId, matchedBy };
  // Link every WhatsApp identity the message carries; a concurrent writer may have won a race.
  const inserted = known?.complete
    ? ids.map(() => ({ id: '' }))
    : await tx
    .insert(contactIdentities)
    .values(ids.map((i) => ({ contactId: contactId!, channel: 'whatsapp', kind: i.kind, value: i.value })))
    .onConflictDoNothing()
    .returning({ id: contactIdentities.id });
  if (matchedBy === 'created' && inserted.length < ids.length) {
    const winner = (await byIdentity(tx, ids))?.contactId;
    if (winner && winner !== contactId) {
      await tx.delete(contactIdentities).where(eq(contactIdentities.contactId, contactId));
      await tx.delete(contacts).where(eq(contacts.id, contactId));
      contactId = winner;
      matchedBy = 'identity';
    }
  }
  if (sender.profileName) {
    await tx
      .update(contacts)
      .set({ profileName: sender.profileName, name: sql`coalesce(${contacts.name}, ${sender.profileName})`, updatedAt: new Date() })
      .where(and(eq(contacts.id, contactId), sql`${contacts.profileName} is distinct from ${sender.profileName}`));
  }
  return { contactId, matchedBy };
}
