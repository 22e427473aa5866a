// Contact identities: WhatsApp ones (wa_id, user_id; written by the ingress, unique, never removed
// here) and typed ones (phone, email; not unique).
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { contactIdentities } from '../schema.js';

export interface IdentityView {
  kind: string;
  value: string;
}

const CHANNEL_OF: Record<string, string> = { phone: 'phone', email: 'email', wa_id: 'whatsapp', user_id: 'whatsapp' };

/** Identities of each contact: WhatsApp ones, then phones, then e-mails; oldest first within a kind. */
export async function identitiesOf(db: Db, contactIds: string[]): Promise<Map<string, IdentityView[]>> {
  const out = new Map<string, IdentityView[]>(contactIds.map((id) => [id, []]));
  if (contactIds.length === 0) return out;
  const rows = await db
    .select({ contactId: contactIdentities.contactId, kind: contactIdentities.kind, value: contactIdentities.value })
    .from(contactIdentities)
    .where(inArray(contactIdentities.contactId, contactIds))
    .orderBy(
      sql`case ${contactIdentities.kind} when 'wa_id' then 0 when 'user_id' then 1 when 'phone' then 2 when 'email' then 3 else 4 end`,
      asc(contactIdentities.createdAt),
      asc(contactIdentities.value),
    );
  for (const r of rows) out.get(r.contactId)?.push({ kind: r.kind, value: r.value });
  return out;
}

/** Add a typed identity (phone: E.164, email: lower-cased) unless the contact has it already. */
export async function addTypedIdentity(tx: Db, contactId: string, kind: 'phone' | 'email', value: string): Promise<void> {
  const [have] = await tx
    .select({ id: contactIdentities.id })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.contactId, contactId), eq(contactIdentities.kind, kind), eq(contactIdentities.value, value)))
    .limit(1);
  if (have) return;
  await tx.insert(contactIdentities).values({ contactId, channel: CHANNEL_OF[kind]!, kind, value });
}

/** Remove a typed identity; WhatsApp identities are never touched. */
export async function removeTypedIdentity(tx: Db, contactId: string, kind: 'phone' | 'email', value: string): Promise<void> {
  await tx
    .delete(contactIdentities)
    .where(
      and(
        eq(contactIdentities.contactId, contactId),
        eq(contactIdentities.channel, CHANNEL_OF[kind]!),
        eq(contactIdentities.kind, kind),
        eq(contactIdentities.value, value),
      ),
    );
}
