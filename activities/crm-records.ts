// Step 6, CRM records: conversation log, messages, statuses and events, written idempotently
// (keys: WhatsApp message id; workflow id + sequence) so a retried activity changes nothing.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { conversations, interactionEvents, messages } from '../db/schema.js';
import type { InboundMessageEvent, StatusEvent } from '../whatsapp/events.js';
import { nextDeliveryStatus } from '../workflows/policy/delivery-status.js';
import { resolveSenderContact } from './identity.js';

export interface RecordInboundInput {
  workflowId: string;
  phoneNumberId: string;
  messages: InboundMessageEvent[];
}

export interface RecordInboundResult {
  contactId: string;
  conversationId: string;
  /** Messages newly stored (the others were already there). */
  stored: number;
}

export interface ConversationFields {
  status?: string;
  assignee?: string | null;
  team?: string | null;
  urgency?: string;
  paused?: boolean;
}

export interface RecordEventInput {
  /** Unique per logical event: retries with the same key write nothing more. */
  key: string;
  conversationId: string | null;
  contactId?: string | null;
  kind: string;
  payload: Record<string, unknown>;
  at?: string;
}

export function createCrmRecordActivities(db: Db) {
  return {
    /** Capture + identity + records for a batch of one conversation's inbound messages. */
    async recordInbound(input: RecordInboundInput): Promise<RecordInboundResult> {
      if (input.messages.length === 0) throw new Error('recordInbound needs at least one message');
      const sender = Object.assign({}, ...input.messages.map((m) => m.sender));
      const sender0 = input.messages[0]!.sender;
      const senderKey = sender0.waId ?? sender0.userId ?? 'unknown';
      const lastInboundAt = new Date(input.messages.map((m) => m.at).sort().at(-1)!);

      return db.transaction(async (tx) => {
        const contactId = await resolveSenderContact(tx, sender);
        const [conv] = await tx
          .insert(conversations)
          .values({
            workflowId: input.workflowId,
            phoneNumberId: input.phoneNumberId,
            sender: senderKey,
            contactId,
            lastInboundAt,
          })
          .onConflictDoUpdate({
            target: conversations.workflowId,
            set: {
              lastInboundAt: sql`greatest(${conversations.lastInboundAt}, excluded.last_inbound_at)`,
              // A buyer writing again reopens a resolved conversation.
              status: sql`case when ${conversations.status} = 'resolved' then 'open' else ${conversations.status} end`,
              updatedAt: new Date(),
            },
          })
          .returning({ id: conversations.id, contactId: conversations.contactId });
        const conversationId = conv!.id;
        const stored = await tx
          .insert(messages)
          .values(
            input.messages.map((m) => ({
              waMessageId: m.waMessageId,
              conversationId,
              contactId: conv!.contactId,
              direction: 'in',
              type: m.type,
              text: m.text,
              raw: m.raw ?? null,
              sentAt: new Date(m.at),
              status: 'received',
            })),
          )
          .onConflictDoNothing({ target: messages.waMessageId })
          .returning({ id: messages.id });
        return { contactId: conv!.contactId, conversationId, stored: stored.length };
      });
    },

    /** Delivery statuses of messages we sent: forward only; each kept as a timeline event. */
    async recordStatuses(input: { conversationId: string | null; statuses: StatusEvent[] }): Promise<{ updated: number }> {
      let updated = 0;
      for (const s of input.statuses) {
        await db.transaction(async (tx) => {
          const [row] = await tx
            .select({ id: messages.id, status: messages.status, conversationId: messages.conversationId, contactId: messages.contactId })
            .from(messages)
            .where(eq(messages.waMessageId, s.waMessageId))
            .for('update');
          await tx
            .insert(interactionEvents)
            .values({
              idempotencyKey: `status:${s.waMessageId}:${s.status}`,
              conversationId: row?.conversationId ?? input.conversationId,
              contactId: row?.contactId ?? null,
              kind: row ? 'status' : 'orphan_status',
              payload: {
                waMessageId: s.waMessageId,
                status: s.status,
                ...(s.errorCode !== undefined ? { errorCode: s.errorCode, errorTitle: s.errorTitle ?? null } : {}),
                raw: s.raw as object,
              },
              at: new Date(s.at),
            })
            .onConflictDoNothing();
          if (!row) return;
          const next = nextDeliveryStatus(row.status, s.status);
          if (next === row.status) return;
          await tx
            .update(messages)
            .set({
              status: next,
              statusAt: new Date(s.at),
              ...(next === 'failed' ? { errorCode: s.errorCode ?? null, errorTitle: s.errorTitle ?? null } : {}),
            })
            .where(eq(messages.id, row.id));
          updated++;
        });
      }
      return { updated };
    },

    /** Keep the conversation's read model in step with the workflow's state. */
    async recordConversationState(input: { conversationId: string; fields: ConversationFields }): Promise<void> {
      await db
        .update(conversations)
        .set({ ...input.fields, updatedAt: new Date() })
        .where(eq(conversations.id, input.conversationId));
    },

    async recordEvent(input: RecordEventInput): Promise<void> {
      await db
        .insert(interactionEvents)
        .values({
          idempotencyKey: input.key,
          conversationId: input.conversationId,
          contactId: input.contactId ?? null,
          kind: input.kind,
          payload: input.payload,
          at: input.at ? new Date(input.at) : new Date(),
        })
        .onConflictDoNothing();
    },
  };
}
