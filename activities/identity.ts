// Step 2, identity: match a sender to a contact. WhatsApp identities (wa_id, user_id) are unique;
// a message carrying both links them to one contact.
import { and, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { contactIdentities, contacts } from '../db/schema.js';
import type { SenderIdentity } from '../whatsapp/events.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

function whatsappIdentities(sender: SenderIdentity): { kind: 'wa_id' | 'user_id'; value: string }[] {
  const ids: { kind: 'wa_id' | 'user_id'; value: string }[] = [];
  if (sender.waId) ids.push({ kind: 'wa_id', value: sender.waId });
  if (sender.userId) ids.push({ kind: 'user_id', value: sender.userId });
  return ids;
}

/** Find or create the contact of a WhatsApp sender, inside the caller's transaction. */
export async function resolveSenderContact(tx: Tx, sender: SenderIdentity): Promise<string> {
  const ids = whatsappIdentities(sender);
  if (ids.length === 0) throw new Error('sender has neither wa_id nor user_id');
  const match = () =>
    tx
      .select({ contactId: contactIdentities.contactId, kind: contactIdentities.kind })
      .from(contactIdentities)
      .where(
        and(
          eq(contactIdentities.channel, 'whatsapp'),
          or(...ids.map((i) => and(eq(contactIdentities.kind, i.kind), eq(contactIdentities.value, i.value)))),
        ),
      );

  let found = await match();
  let contactId = found[0]?.contactId;
  if (!contactId) {
    const [created] = await tx
      .insert(contacts)
      .values({ profileName: sender.profileName ?? null, name: sender.profileName ?? sender.username ?? null })
      .returning({ id: contacts.id });
    contactId = created!.id;
  }
  // Link every WhatsApp identity the message carries; a concurrent writer may have won a race.
  const inserted = await tx
    .insert(contactIdentities)
    .values(ids.map((i) => ({ contactId: contactId!, channel: 'whatsapp', kind: i.kind, value: i.value })))
    .onConflictDoNothing()
    .returning({ id: contactIdentities.id });
  if (inserted.length < ids.length && found.length === 0) {
    found = await match();
    const winner = found[0]?.contactId;
    if (winner && winner !== contactId) {
      await tx.delete(contactIdentities).where(eq(contactIdentities.contactId, contactId));
      await tx.delete(contacts).where(eq(contacts.id, contactId));
      contactId = winner;
    }
  }
  if (sender.profileName) {
    await tx
      .update(contacts)
      .set({ profileName: sender.profileName, updatedAt: new Date() })
      .where(and(eq(contacts.id, contactId), sql`${contacts.profileName} is distinct from ${sender.profileName}`));
  }
  return contactId;
}
