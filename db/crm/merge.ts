// Merging two contacts that are one person: everything of the merged contact moves to the
// survivor in one transaction, with an audit row in contact_merges. Merging the same pair again
// (either way round) changes nothing.
import { and, eq, inArray, ne, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../client.js';
import {
  contactIdentities,
  contactMerges,
  contacts,
  conversations,
  deals,
  duplicateCandidates,
  interactionEvents,
  messages,
} from '../schema.js';
import { orderedPair } from '../../domain/duplicates.js';
import { liveContactId, type ContactRow } from './contacts.js';
import { CrmError, invalid } from './errors.js';
import { isUuid } from '../../domain/ids.js';

/** Fields of the survivor filled from the merged contact when the survivor has none. */
const FILLABLE = ['name', 'profileName', 'phoneE164', 'email', 'country', 'timezone', 'language', 'companyId', 'ownerAgentId'] as const;

export interface MergeCounts {
  contact_identities: number;
  contact_identities_skipped: number;
  conversations: number;
  messages: number;
  deals: number;
  interaction_events: number;
  duplicate_candidates: number;
  /** Contacts merged earlier into the merged contact, now pointing at the survivor. */
  contacts: number;
}

export interface MergeResult {
  survivorId: string;
  /** False when the pair had been merged already and nothing changed. */
  merged: boolean;
  counts?: MergeCounts;
}

function previousFields(c: ContactRow) {
  return {
    name: c.name,
    profileName: c.profileName,
    phone: c.phoneE164,
    email: c.email,
    country: c.country,
    timezone: c.timezone,
    language: c.language,
    companyId: c.companyId,
    ownerAgentId: c.ownerAgentId,
    optedOut: c.optedOut,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export async function mergeContacts(db: Db, survivorId: string, otherId: string, by?: string | null): Promise<MergeResult> {
  if (!isUuid(survivorId)) throw new CrmError('not_found', `no contact ${survivorId}`);
  if (!isUuid(otherId)) throw invalid('otherContactId', `otherContactId: no contact ${JSON.stringify(otherId)}`);
  const s = survivorId.toLowerCase();
  const o = otherId.toLowerCase();
  if (s === o) throw invalid('otherContactId', 'a contact cannot be merged into itself');

  return db.transaction(async (tx) => {
    // Lock both rows, always in the same order, so concurrent merges of one pair serialise.
    const locked = await tx
      .select()
      .from(contacts)
      .where(inArray(contacts.id, [s, o]))
      .orderBy(contacts.id)
      .for('update');
    const survivor = locked.find((c) => c.id === s);
    const other = locked.find((c) => c.id === o);
    if (!survivor) throw new CrmError('not_found', `no contact ${s}`);
    if (!other) throw invalid('otherContactId', `otherContactId: no contact ${o}`);

    // The same pair merged before, either way round: nothing to do.
    const [earlier] = await tx
      .select({ survivorId: contactMerges.survivorId })
      .from(contactMerges)
      .where(
        or(
          and(eq(contactMerges.survivorId, s), eq(contactMerges.mergedId, o)),
          and(eq(contactMerges.survivorId, o), eq(contactMerges.mergedId, s)),
        ),
      )
      .limit(1);
    if (earlier) return { survivorId: (await liveContactId(tx, earlier.survivorId)) ?? earlier.survivorId, merged: false };

    if (survivor.mergedInto) {
      throw new CrmError('conflict', `contact ${s} was merged into ${survivor.mergedInto}; merge into that contact instead`);
    }
    if (other.mergedInto) {
      throw new CrmError('conflict', `contact ${o} was already merged into ${other.mergedInto}`);
    }

    // Identities: the other's move unless the survivor has the very same one.
    const mine = alias(contactIdentities, 'mine');
    const movedIds = await tx
      .update(contactIdentities)
      .set({ contactId: s })
      .where(
        and(
          eq(contactIdentities.contactId, o),
          notExists(
            tx
              .select({ one: sql`1` })
              .from(mine)
              .where(and(eq(mine.contactId, s), eq(mine.kind, contactIdentities.kind), eq(mine.value, contactIdentities.value))),
          ),
        ),
      )
      .returning({ id: contactIdentities.id });
    const skippedIds = await tx.select({ id: contactIdentities.id }).from(contactIdentities).where(eq(contactIdentities.contactId, o));

    const movedConversations = await tx.update(conversations).set({ contactId: s, updatedAt: new Date() }).where(eq(conversations.contactId, o)).returning({ id: conversations.id });
    const movedMessages = await tx.update(messages).set({ contactId: s }).where(eq(messages.contactId, o)).returning({ id: messages.id });
    const movedDeals = await tx.update(deals).set({ contactId: s, updatedAt: new Date() }).where(eq(deals.contactId, o)).returning({ id: deals.id });
    const movedEvents = await tx.update(interactionEvents).set({ contactId: s }).where(eq(interactionEvents.contactId, o)).returning({ id: interactionEvents.id });

    // Duplicate candidates: the pair itself is resolved; the other's open pairs with third
    // contacts carry over to the survivor (unless that pair is known already) and are resolved.
    const involving = await tx
      .select()
      .from(duplicateCandidates)
      .where(and(eq(duplicateCandidates.status, 'open'), or(eq(duplicateCandidates.contactA, o), eq(duplicateCandidates.contactB, o))));
    const carried = involving
      .map((d) => ({ third: d.contactA === o ? d.contactB : d.contactA, reason: d.reason, score: d.score }))
      .filter((d) => d.third !== s);
    let carriedOver = 0;
    if (carried.length > 0) {
      const inserted = await tx
        .insert(duplicateCandidates)
        .values(carried.map((d) => {
          const [a, b] = orderedPair(s, d.third);
          return { contactA: a, contactB: b, reason: d.reason, score: d.score };
        }))
        .onConflictDoNothing()
        .returning({ id: duplicateCandidates.id });
      carriedOver = inserted.length;
    }
    const resolved = await tx
      .update(duplicateCandidates)
      .set({ status: 'merged' })
      .where(
        and(
          ne(duplicateCandidates.status, 'merged'),
          or(
            and(eq(duplicateCandidates.status, 'open'), or(eq(duplicateCandidates.contactA, o), eq(duplicateCandidates.contactB, o))),
            and(...(() => {
              const [a, b] = orderedPair(s, o);
              return [eq(duplicateCandidates.contactA, a), eq(duplicateCandidates.contactB, b)];
            })()),
          ),
        ),
      )
      .returning({ id: duplicateCandidates.id });

    // Contacts merged earlier into the other now lead straight to the survivor.
    const repointed = await tx.update(contacts).set({ mergedInto: s, updatedAt: new Date() }).where(eq(contacts.mergedInto, o)).returning({ id: contacts.id });

    // The survivor keeps its own fields and gains the ones it lacks; an opt-out from either stands.
    const fill: Partial<typeof contacts.$inferInsert> = {};
    const filled: string[] = [];
    for (const f of FILLABLE) {
      if ((survivor[f] === null || survivor[f] === '') && other[f] !== null && other[f] !== '') {
        (fill as Record<string, unknown>)[f] = other[f];
        filled.push(f === 'phoneE164' ? 'phone' : f);
      }
    }
    if (other.optedOut && !survivor.optedOut) {
      fill.optedOut = true;
      filled.push('optedOut');
    }
    // The other's messages are the survivor's now: so are its last-contact times, when later.
    const later = (a: Date | null, b: Date | null) => (b && (!a || b > a) ? b : a);
    await tx
      .update(contacts)
      .set({
        ...fill,
        lastContactAt: later(survivor.lastContactAt, other.lastContactAt),
        lastInboundAt: later(survivor.lastInboundAt, other.lastInboundAt),
        lastOutboundAt: later(survivor.lastOutboundAt, other.lastOutboundAt),
        updatedAt: new Date(),
      })
      .where(eq(contacts.id, s));
    await tx.update(contacts).set({ mergedInto: s, updatedAt: new Date() }).where(eq(contacts.id, o));

    const counts: MergeCounts = {
      contact_identities: movedIds.length,
      contact_identities_skipped: skippedIds.length,
      conversations: movedConversations.length,
      messages: movedMessages.length,
      deals: movedDeals.length,
      interaction_events: movedEvents.length,
      duplicate_candidates: resolved.length,
      contacts: repointed.length,
    };
    await tx.insert(contactMerges).values({
      survivorId: s,
      mergedId: o,
      moved: {
        counts,
        duplicateCandidatesCarriedOver: carriedOver,
        filled,
        merged: previousFields(other),
        movedIds: {
          conversations: movedConversations.map((r) => r.id),
          deals: movedDeals.map((r) => r.id),
        },
      },
      mergedBy: by ?? null,
    });
    return { survivorId: s, merged: true, counts };
  });
}
