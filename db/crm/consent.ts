// Consent from WhatsApp itself: `user_preferences` webhooks (marketing_messages stop / resume) set
// the contact's marketing preference; a stop is an opt-out of every automated message (the outbox
// checks it right before sending), a resume lifts it.
import { and, eq, inArray } from 'drizzle-orm';
import { phoneVariants } from '../../domain/phone.js';
import type { Db } from '../client.js';
import { contactIdentities, contacts, interactionEvents } from '../schema.js';

export interface Preference {
  waId: string;
  category: string;
  value: string;
  at: string;
}

/** Applies each preference to the contact of its wa_id (any form of the number); unknown senders are kept for later. */
export async function applyPreferences(db: Db, prefs: Preference[]): Promise<{ applied: number; unknown: number }> {
  let applied = 0;
  let unknown = 0;
  for (const p of prefs) {
    const [idRow] = await db
      .select({ contactId: contactIdentities.contactId })
      .from(contactIdentities)
      .where(and(eq(contactIdentities.kind, 'wa_id'), inArray(contactIdentities.value, phoneVariants(p.waId))))
      .limit(1);
    const key = `consent:${p.waId}:${p.category}:${p.value}:${p.at}`;
    if (!idRow) {
      unknown++;
      await db.insert(interactionEvents).values({ idempotencyKey: key, kind: 'orphan_consent', payload: { ...p }, at: new Date(p.at) }).onConflictDoNothing();
      continue;
    }
    if (p.category === 'marketing_messages' && (p.value === 'stop' || p.value === 'resume')) {
      const stop = p.value === 'stop';
      await db.update(contacts).set({ marketingOptIn: !stop, optedOut: stop, updatedAt: new Date() }).where(eq(contacts.id, idRow.contactId));
    }
    await db
      .insert(interactionEvents)
      .values({ idempotencyKey: key, contactId: idRow.contactId, kind: 'consent', payload: { ...p, reasons: [`WhatsApp: ${p.category} ${p.value}`] }, at: new Date(p.at) })
      .onConflictDoNothing();
    applied++;
  }
  return { applied, unknown };
}
