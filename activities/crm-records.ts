// Step 6, CRM records: conversation log, messages, statuses and events, written idempotently
// (keys: WhatsApp message id; workflow id + sequence) so a retried activity changes nothing.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { dbErrorMessage, isPermanentDbError, keepDeadLetter, sqlState, storeOrDeadLetter } from '../db/dead-letters.js';
import { contactIdentities, contacts, conversations, inboundRaw, interactionEvents, messages } from '../db/schema.js';
import type { InboundMessageEvent } from '../whatsapp/events.js';
import { resolveSenderContact } from './identity.js';

export interface RecordInboundInput {
  workflowId: string;
  /** The run asking: what it stored in an earlier attempt still counts as new for it. */
  runId?: string;
  phoneNumberId: string;
  messages: InboundMessageEvent[];
}

export interface RecordInboundResult {
  /** Null only when nothing could be stored and the conversation did not exist before. */
  contactId: string | null;
  conversationId: string | null;
  /** Messages newly stored (the others were already there). */
  stored: number;
  /** Their ids: what is new is decided here, by the unique wamid, not by a workflow's memory. */
  newIds: string[];
  /** Messages Postgres refused for good: kept as dead letters, the conversation goes on. */
  deadLettered: string[];
  /** The stored conversation after this write: what a fresh run (after a completed one) starts from. */
  conversation?: StoredConversation;
}

export interface StoredConversation {
  status: string;
  urgency: string;
  paused: boolean;
  assignee: string | null;
  team: string | null;
  takenOverBy: string | null;
  pausedUntil: string | null;
  snooze: SnoozeRecord | null;
}

type SnoozeRecord = NonNullable<(typeof conversations.$inferSelect)['snooze']>;

/** Raw JSON the webhook stored for these keys (signals carry none). */
async function rawFor(db: Db, keys: string[]): Promise<Map<string, unknown>> {
  if (keys.length === 0) return new Map();
  const rows = await db.select({ key: inboundRaw.key, raw: inboundRaw.raw }).from(inboundRaw).where(inArray(inboundRaw.key, keys));
  return new Map(rows.map((r) => [r.key, r.raw]));
}

/** What the read-model write may change: never assignee or team (db/routing owns those). */
export interface ConversationFields {
  status?: string;
  urgency?: string;
  paused?: boolean;
  /** ISO; null: no follow-up planned. */
  nextFollowUpAt?: string | null;
  pausedUntil?: string | null;
  takenOverBy?: string | null;
  snooze?: SnoozeRecord | null;
  awaitingReplySince?: string | null;
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
  /** One transaction: the conversation (created or reopened), the messages, the sender's identities. */
  async function storeInbound(
    input: RecordInboundInput,
    batch: InboundMessageEvent[],
    raws: Map<string, unknown>,
  ): Promise<Omit<RecordInboundResult, 'deadLettered'>> {
    const first = batch[0]!.sender;
    const senderKey = first.waId ?? first.userId ?? 'unknown';
    const lastInboundAt = new Date(batch.map((m) => m.at).sort().at(-1)!);

    return db.transaction(async (tx) => {
      // An existing conversation keeps its contact; a new one resolves the first sender.
      const [existing] = await tx
        .select({ contactId: conversations.contactId })
        .from(conversations)
        .where(eq(conversations.workflowId, input.workflowId));
      const resolved = existing ? undefined : await resolveSenderContact(tx, first);
      const contactId = existing?.contactId ?? resolved!.contactId;
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
            updatedAt: new Date(),
          },
        })
        .returning({
          id: conversations.id,
          contactId: conversations.contactId,
          status: conversations.status,
          urgency: conversations.urgency,
          paused: conversations.paused,
          assignee: conversations.assignee,
          team: conversations.team,
          takenOverBy: conversations.takenOverBy,
          pausedUntil: conversations.pausedUntil,
          snooze: conversations.snooze,
        });
      const conversationId = conv!.id;
      const stored = await tx
        .insert(messages)
        .values(
          batch.map((m) => ({
            waMessageId: m.waMessageId,
            conversationId,
            contactId: conv!.contactId,
            direction: 'in',
            type: m.type,
            text: m.text,
            // A redelivery carries no raw JSON (the message is stored already): the row keeps its own.
            raw: (raws.get(m.waMessageId) ?? m.raw ?? {}) as object,
            sentAt: new Date(m.at),
            status: 'received',
            recordedByRun: input.runId ?? null,
          })),
        )
        .onConflictDoNothing({ target: messages.waMessageId })
        .returning({ id: messages.waMessageId });
      // Stored by an earlier attempt of this same run (its workflow task failed after the write): new for it.
      if (input.runId && stored.length < batch.length) {
        const mine = await tx
          .select({ id: messages.waMessageId })
          .from(messages)
          .where(and(inArray(messages.waMessageId, batch.map((m) => m.waMessageId)), eq(messages.recordedByRun, input.runId)));
        for (const r of mine) if (!stored.some((x) => x.id === r.id)) stored.push(r);
      }
      // A buyer writing again reopens a resolved conversation: only a message that is new does.
      if (stored.length > 0 && conv!.status === 'resolved') {
        await tx.update(conversations).set({ status: 'open', updatedAt: new Date() }).where(eq(conversations.id, conversationId));
        conv!.status = 'open';
      }
      // The raw JSON now lives on its message.
      const consumed = batch.map((m) => m.waMessageId).filter((id) => raws.has(id));
      if (consumed.length > 0) await tx.delete(inboundRaw).where(inArray(inboundRaw.key, consumed));
      // Every WhatsApp id the messages carry, in order, belongs to this contact: both ids of a
      // sender, and the new number of a "customer changed number" system message. An id that
      // already belongs to someone else stays theirs (a duplicate for a person to review).
      const ids = batch.flatMap((m) => [
        ...(m.sender.waId ? [{ kind: 'wa_id', value: m.sender.waId }] : []),
        ...(m.sender.userId ? [{ kind: 'user_id', value: m.sender.userId }] : []),
        ...(m.newWaId ? [{ kind: 'wa_id', value: m.newWaId }] : []),
        ...(m.newUserId ? [{ kind: 'user_id', value: m.newUserId }] : []),
      ]);
      if (ids.length > 0) {
        await tx
          .insert(contactIdentities)
          .values(ids.map((i) => ({ contactId: conv!.contactId, channel: 'whatsapp', ...i })))
          .onConflictDoNothing();
      }
      if (resolved && resolved.matchedBy !== 'identity') {
        await tx
          .insert(interactionEvents)
          .values({
            idempotencyKey: `identity:${contactId}:${resolved.matchedBy}:${first.waId ?? first.userId}`,
            conversationId,
            contactId,
            kind: 'identity',
            payload: {
              matchedBy: resolved.matchedBy,
              reasons: [
                resolved.matchedBy === 'created'
                  ? `new contact for ${first.waId ?? first.userId}`
                  : `${first.waId} matched an existing contact by another form of the same number`,
              ],
            },
          })
          .onConflictDoNothing();
      }
      const { status, urgency, paused, assignee, team, takenOverBy, pausedUntil, snooze } = conv!;
      return {
        contactId: conv!.contactId,
        conversationId,
        stored: stored.length,
        newIds: stored.map((x) => x.id),
        conversation: { status, urgency, paused, assignee, team, takenOverBy, pausedUntil: pausedUntil?.toISOString() ?? null, snooze },
      };
    });
  }

  return {
    /**
     * Capture + identity + records for a batch of one conversation's inbound messages. What Postgres
     * refuses for good is kept as a dead letter (one message at a time, to find it); a retry of
     * anything else (the database away) goes on as long as it takes.
     */
    async recordInbound(input: RecordInboundInput): Promise<RecordInboundResult> {
      if (input.messages.length === 0) throw new Error('recordInbound needs at least one message');
      const raws = await rawFor(db, input.messages.map((m) => m.waMessageId));
      try {
        return { ...(await storeInbound(input, input.messages, raws)), deadLettered: [] };
      } catch (err) {
        if (!isPermanentDbError(err) || input.messages.length === 0) throw err;
      }
      let first: Omit<RecordInboundResult, 'deadLettered'> | undefined;
      let stored = 0;
      const newIds: string[] = [];
      const deadLettered: string[] = [];
      for (const m of input.messages) {
        try {
          const r = await storeInbound(input, [m], raws);
          first ??= r;
          stored += r.stored;
          newIds.push(...r.newIds);
        } catch (err) {
          if (!isPermanentDbError(err)) throw err;
          await keepDeadLetter(db, {
            key: `inbound_message:${m.waMessageId}`,
            kind: 'inbound_message',
            workflowId: input.workflowId,
            reason: `${sqlState(err)}: ${dbErrorMessage(err)}`,
            payload: { event: m, raw: raws.get(m.waMessageId) ?? m.raw ?? null },
          });
          deadLettered.push(m.waMessageId);
        }
      }
      if (first) return { ...first, stored, newIds, deadLettered };
      const [existing] = await db
        .select({ id: conversations.id, contactId: conversations.contactId })
        .from(conversations)
        .where(eq(conversations.workflowId, input.workflowId));
      return { conversationId: existing?.id ?? null, contactId: existing?.contactId ?? null, stored: 0, newIds: [], deadLettered };
    },


    /** Keep the conversation's read model in step with the workflow's state. */
    async recordConversationState(input: { conversationId: string; fields: ConversationFields }): Promise<void> {
      const { status, urgency, paused, nextFollowUpAt, pausedUntil, takenOverBy, snooze, awaitingReplySince } = input.fields;
      const date = (v: string | null) => (v ? new Date(v) : null);
      await db
        .update(conversations)
        .set({
          ...(status !== undefined ? { status } : {}),
          // Open again: the outcome of the last close no longer holds.
          ...(status !== undefined && status !== 'resolved' ? { outcome: null } : {}),
          ...(urgency !== undefined ? { urgency } : {}),
          ...(paused !== undefined ? { paused } : {}),
          ...(nextFollowUpAt !== undefined ? { nextFollowUpAt: date(nextFollowUpAt) } : {}),
          ...(pausedUntil !== undefined ? { pausedUntil: date(pausedUntil) } : {}),
          ...(takenOverBy !== undefined ? { takenOverBy } : {}),
          ...(snooze !== undefined ? { snooze } : {}),
          ...(awaitingReplySince !== undefined ? { awaitingReplySince: date(awaitingReplySince) } : {}),
          updatedAt: new Date(),
        })
        .where(eq(conversations.id, input.conversationId));
    },

    /** The buyer asked to stop messages: no automated sending to this contact from now on. */
    async recordOptOut(input: { contactId: string; optedOut: boolean }): Promise<void> {
      await db.update(contacts).set({ optedOut: input.optedOut, updatedAt: new Date() }).where(eq(contacts.id, input.contactId));
    },

    async recordEvent(input: RecordEventInput): Promise<void> {
      await storeOrDeadLetter(db, { key: `event:${input.key}`, kind: 'event', payload: input }, async () => {
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
      });
    },
  };
}
