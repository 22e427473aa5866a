// Read receipts when an agent opens a conversation (rules `automation.markReadOnOpen`): the buyer
// sees blue ticks as soon as a person looks, not only when one replies. The latest inbound message
// is marked on WhatsApp (which marks those before it too) and recorded, so opening again sends nothing.
import { and, desc, eq, lte } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { ConversationRow } from '../db/read/conversations.js';
import { messages } from '../db/schema.js';
import type { GraphClient } from '../whatsapp/graph-client.js';

/** Marks the buyer's latest message read; answers its id, or null when nothing was unread. */
export async function markOpenedConversationRead(db: Db, graph: GraphClient, row: ConversationRow): Promise<string | null> {
  const [latest] = await db
    .select({ id: messages.id, waMessageId: messages.waMessageId, status: messages.status, sentAt: messages.sentAt })
    .from(messages)
    .where(and(eq(messages.conversationId, row.id), eq(messages.direction, 'in')))
    .orderBy(desc(messages.sentAt))
    .limit(1);
  if (!latest || latest.status === 'read') return null;
  await graph.markAsRead(row.phoneNumberId, latest.waMessageId);
  await db
    .update(messages)
    .set({ status: 'read' })
    .where(and(eq(messages.conversationId, row.id), eq(messages.direction, 'in'), eq(messages.status, 'received'), lte(messages.sentAt, latest.sentAt)));
  return latest.waMessageId;
}
