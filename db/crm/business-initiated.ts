// A conversation the business starts (an approved template to a contact): where to send it, and its
// conversation row, made before the first message so the buyer's answer joins it.
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { contactIdentities, contacts, conversations } from '../schema.js';
import { isUuid } from '../../domain/ids.js';

export type BusinessStart =
  | { ok: true; contactId: string; waId: string; phoneNumberId: string | null; optedOut: boolean }
  | { ok: false; code: 'not_found' | 'merged' | 'no_whatsapp'; message: string };

/** The contact's WhatsApp id (a wa_id identity first, else its phone's digits) and its latest business number. */
export async function businessStartFor(db: Db, contactId: string): Promise<BusinessStart> {
  if (!isUuid(contactId)) return { ok: false, code: 'not_found', message: `no contact ${contactId}` };
  const [c] = await db.select().from(contacts).where(eq(contacts.id, contactId));
  if (!c) return { ok: false, code: 'not_found', message: `no contact ${contactId}` };
  if (c.mergedInto) return { ok: false, code: 'merged', message: `contact ${contactId} was merged into ${c.mergedInto}; use that contact` };
  const [wa] = await db
    .select({ value: contactIdentities.value })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.contactId, contactId), eq(contactIdentities.kind, 'wa_id')))
    .orderBy(desc(contactIdentities.createdAt))
    .limit(1);
  const waId = wa?.value ?? (c.phoneE164 ? c.phoneE164.replace(/^\+/, '') : null);
  if (!waId) return { ok: false, code: 'no_whatsapp', message: `contact ${contactId} has no WhatsApp number (no wa_id and no phone)` };
  const [last] = await db
    .select({ phoneNumberId: conversations.phoneNumberId })
    .from(conversations)
    .where(eq(conversations.contactId, contactId))
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return { ok: true, contactId, waId, phoneNumberId: last?.phoneNumberId ?? null, optedOut: c.optedOut || !c.marketingOptIn };
}

/** The conversation row of this thread, made if it does not exist yet (a buyer's message may make it at the same moment). */
export async function openBusinessConversation(db: Db, input: { workflowId: string; phoneNumberId: string; waId: string; contactId: string; team?: string | null }) {
  // A new thread started by an agent starts in the agent's team (routing decides again on the buyer's answer).
  await db
    .insert(conversations)
    .values({ workflowId: input.workflowId, phoneNumberId: input.phoneNumberId, sender: input.waId, contactId: input.contactId, status: 'open', team: input.team ?? null })
    .onConflictDoNothing({ target: conversations.workflowId });
  const [row] = await db.select().from(conversations).where(eq(conversations.workflowId, input.workflowId));
  return row!;
}
