// The outbox: every send is an intent written first under a deterministic key, then sent, then
// marked with its wamid (and recorded as an outbound message) in one transaction. A retry of the
// same key never sends twice: a send already made returns its wamid, and one whose outcome is not
// known (the request left, no answer came) is `unknown` and left to a person.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { applyEarlyStatuses } from './crm/statuses.js';
import { conversations, interactionEvents, messages, outbox } from './schema.js';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'unknown';

export interface SendIntent {
  key: string;
  conversationId: string;
  workflowId: string;
  kind: string;
  /** What to send (type, text...), as the Graph request will carry it. */
  request: { type: string; text?: string | null } & Record<string, unknown>;
  sentBy: string;
}

export type Claim =
  | { go: true; attempt: number }
  | { go: false; status: 'sent'; waMessageId: string }
  | { go: false; status: 'failed'; errorCode: number | null; error: string | null }
  | { go: false; status: 'unknown'; error: string | null };

/**
 * Writes the intent (once per key) and claims it for a send. A row left `sending` by an attempt
 * that died or timed out is not sent again: it becomes `unknown`.
 */
export async function claimSend(db: Db, intent: SendIntent): Promise<Claim> {
  return db.transaction(async (tx) => {
    await tx
      .insert(outbox)
      .values({
        key: intent.key,
        conversationId: intent.conversationId,
        workflowId: intent.workflowId,
        kind: intent.kind,
        request: intent.request,
        sentBy: intent.sentBy,
      })
      .onConflictDoNothing();
    const [row] = await tx.select().from(outbox).where(eq(outbox.key, intent.key)).for('update');
    if (!row) throw new Error(`outbox: no row ${intent.key}`);
    if (row.status === 'sent') return { go: false, status: 'sent', waMessageId: row.waMessageId! };
    if (row.status === 'failed') return { go: false, status: 'failed', errorCode: row.errorCode, error: row.error };
    if (row.status === 'unknown') return { go: false, status: 'unknown', error: row.error };
    if (row.status === 'sending') {
      const error = 'an earlier attempt to send stopped without an answer; it may or may not have reached the buyer';
      await markUnknownIn(tx, row, error);
      return { go: false, status: 'unknown', error };
    }
    await tx
      .update(outbox)
      .set({ status: 'sending', attempts: sql`${outbox.attempts} + 1`, updatedAt: new Date() })
      .where(eq(outbox.key, intent.key));
    return { go: true, attempt: row.attempts + 1 };
  });
}

/** The Graph API answered with a wamid: the send is done, and the message is on the timeline. */
export async function markSent(db: Db, key: string, sent: { waMessageId: string; at: string; raw: unknown }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(outbox).where(eq(outbox.key, key)).for('update');
    if (!row) throw new Error(`outbox: no row ${key}`);
    await tx
      .update(outbox)
      .set({ status: 'sent', waMessageId: sent.waMessageId, error: null, updatedAt: new Date() })
      .where(eq(outbox.key, key));
    const [conv] = await tx
      .select({ id: conversations.id, contactId: conversations.contactId })
      .from(conversations)
      .where(eq(conversations.id, row.conversationId));
    if (!conv) throw new Error(`outbox: no conversation ${row.conversationId}`);
    const at = new Date(sent.at);
    const request = row.request as { type?: string; text?: string | null };
    const [stored] = await tx
      .insert(messages)
      .values({
        waMessageId: sent.waMessageId,
        conversationId: conv.id,
        contactId: conv.contactId,
        direction: 'out',
        type: request.type ?? 'text',
        text: request.text ?? null,
        raw: { ...((sent.raw ?? {}) as object), sentBy: row.sentBy, outboxKey: key },
        sentAt: at,
        status: 'accepted',
      })
      .onConflictDoNothing({ target: messages.waMessageId })
      .returning({ id: messages.id });
    if (!stored) return;
    await tx
      .update(conversations)
      .set({
        lastOutboundAt: sql`greatest(${conversations.lastOutboundAt}, ${at.toISOString()}::timestamptz)`,
        lastOutboundStatus: 'accepted',
        lastOutboundErrorCode: null,
        updatedAt: new Date(),
      })
      .where(eq(conversations.id, conv.id));
    // Statuses that came before this record (Meta can be faster than our write).
    await applyEarlyStatuses(tx, {
      id: stored.id,
      waMessageId: sent.waMessageId,
      conversationId: conv.id,
      contactId: conv.contactId,
      status: 'accepted',
      direction: 'out',
      sentAt: at,
    });
  });
}

/** The Graph API refused it for good (outside the window, opted out...): recorded, not retried. */
export async function markFailed(db: Db, key: string, failure: { code: number | null; error: string }): Promise<void> {
  await db
    .update(outbox)
    .set({ status: 'failed', errorCode: failure.code, error: failure.error.slice(0, 1000), updatedAt: new Date() })
    .where(eq(outbox.key, key));
}

/** Not sent (the request was refused before Meta took it: a rate limit, an outage): may be tried again. */
export async function releaseClaim(db: Db, key: string, error: string): Promise<void> {
  await db
    .update(outbox)
    .set({ status: 'pending', error: error.slice(0, 1000), updatedAt: new Date() })
    .where(and(eq(outbox.key, key), eq(outbox.status, 'sending')));
}

async function markUnknownIn(tx: Parameters<Parameters<Db['transaction']>[0]>[0], row: typeof outbox.$inferSelect, error: string) {
  await tx.update(outbox).set({ status: 'unknown', error, updatedAt: new Date() }).where(eq(outbox.key, row.key));
  // Shown to the agent on the conversation's timeline.
  const request = row.request as { text?: string | null };
  await tx
    .insert(interactionEvents)
    .values({
      idempotencyKey: `send_unknown:${row.key}`,
      conversationId: row.conversationId,
      kind: 'send_unknown',
      payload: { outboxKey: row.key, sendKind: row.kind, text: request.text ?? null, sentBy: row.sentBy, reasons: [error] },
    })
    .onConflictDoNothing();
}

/** The request left and no answer came (a timeout): it may have reached the buyer. Never retried blindly. */
export async function markUnknown(db: Db, key: string, error: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(outbox).where(eq(outbox.key, key)).for('update');
    if (row && row.status === 'sending') await markUnknownIn(tx, row, error);
  });
}

export async function outboxOf(db: Db, conversationId: string, kinds?: string[]) {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.conversationId, conversationId), kinds?.length ? inArray(outbox.kind, kinds) : undefined))
    .orderBy(desc(outbox.createdAt));
}
