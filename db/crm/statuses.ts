// Delivery statuses, recorded by ingress on their message (forward only) without waking the
// conversation's workflow. A status for a message not yet recorded is kept (`orphan_status`) and
// applied the moment that message is recorded.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { nextDeliveryStatus } from '../../domain/delivery-status.js';
import type { Db } from '../client.js';
import { conversations, interactionEvents, messages } from '../schema.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** A delivery status as the webhook carries it (whatsapp/events.ts StatusEvent fits). */
export interface StatusEvent {
  waMessageId: string;
  status: string;
  at: string;
  errorCode?: number;
  errorTitle?: string;
  raw?: unknown;
}

export interface RecordedStatus {
  waMessageId: string;
  status: string;
  /** The stored message's conversation workflow; null for a status kept for later. */
  workflowId: string | null;
  direction: 'in' | 'out' | null;
  /** The message's status after this one (forward only). */
  now: string | null;
  changed: boolean;
  /** The conversation has a follow-up planned (a read then matters to a decision). */
  followUpPending: boolean;
}

export const statusKey = (s: { waMessageId: string; status: string }) => `status:${s.waMessageId}:${s.status}`;

function statusPayload(s: StatusEvent, raw: unknown) {
  return {
    waMessageId: s.waMessageId,
    status: s.status,
    ...(s.errorCode !== undefined ? { errorCode: s.errorCode, errorTitle: s.errorTitle ?? null } : {}),
    raw: (raw ?? null) as object,
  };
}

/** Applies one status to a locked message row; returns the new status. */
async function applyToMessage(
  tx: Tx,
  row: { id: string; status: string; direction: string; conversationId: string; sentAt: Date },
  s: { status: string; at: string; errorCode?: number; errorTitle?: string },
): Promise<string> {
  const next = nextDeliveryStatus(row.status, s.status);
  if (next === row.status) return next;
  await tx
    .update(messages)
    .set({
      status: next,
      statusAt: new Date(s.at),
      ...(next === 'failed' ? { errorCode: s.errorCode ?? null, errorTitle: s.errorTitle ?? null } : {}),
    })
    .where(eq(messages.id, row.id));
  // The conversation's outcome follows its latest outbound message.
  if (row.direction === 'out') {
    await tx
      .update(conversations)
      .set({ lastOutboundStatus: next, lastOutboundErrorCode: next === 'failed' ? (s.errorCode ?? null) : null, updatedAt: new Date() })
      .where(
        and(
          eq(conversations.id, row.conversationId),
          sql`not exists (select 1 from ${messages} m where m.conversation_id = ${row.conversationId}
                and m.direction = 'out' and m.sent_at > ${row.sentAt.toISOString()}::timestamptz)`,
        ),
      );
  }
  return next;
}

/**
 * One lock per message id for the transaction, in a fixed order: a status and the record of its
 * message never pass each other (without it, a status arriving while the message is being written
 * is kept as an orphan that the message's write, not seeing it yet, never applies).
 */
async function lockMessageIds(tx: Tx, ids: readonly string[]): Promise<void> {
  // One statement, the locks taken in the list's (sorted) order: the set function yields its rows in order.
  if (ids.length === 0) return;
  const keys = [...new Set(ids)].sort().map((id) => `tl:msg:${id}`);
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) with ordinality as x(k, n)`);
}

/**
 * Records statuses in one transaction: each on its message (rows locked in id order, so two
 * webhooks never deadlock) with a timeline event, or kept as `orphan_status` until its message
 * is recorded. Redelivered statuses change nothing.
 */
export async function recordStatuses(db: Db, statuses: StatusEvent[], raws: Map<string, unknown> = new Map()): Promise<RecordedStatus[]> {
  if (statuses.length === 0) return [];
  return db.transaction(async (tx) => {
    const ids = [...new Set(statuses.map((s) => s.waMessageId))];
    await lockMessageIds(tx, ids);
    const rows = await tx
      .select({
        id: messages.id,
        waMessageId: messages.waMessageId,
        status: messages.status,
        direction: messages.direction,
        conversationId: messages.conversationId,
        contactId: messages.contactId,
        sentAt: messages.sentAt,
        workflowId: conversations.workflowId,
        nextFollowUpAt: conversations.nextFollowUpAt,
      })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(inArray(messages.waMessageId, ids))
      .orderBy(messages.id)
      .for('update', { of: messages });
    const byId = new Map(rows.map((r) => [r.waMessageId, r]));
    const out: RecordedStatus[] = [];
    for (const s of statuses) {
      const row = byId.get(s.waMessageId);
      const raw = raws.get(statusKey(s)) ?? s.raw;
      const inserted = await tx
        .insert(interactionEvents)
        .values({
          idempotencyKey: statusKey(s),
          conversationId: row?.conversationId ?? null,
          contactId: row?.contactId ?? null,
          kind: row ? 'status' : 'orphan_status',
          payload: statusPayload(s, raw),
          at: new Date(s.at),
        })
        .onConflictDoNothing()
        .returning({ id: interactionEvents.id });
      if (!row) {
        out.push({ waMessageId: s.waMessageId, status: s.status, workflowId: null, direction: null, now: null, changed: false, followUpPending: false });
        continue;
      }
      const before = row.status;
      const now = inserted.length > 0 ? await applyToMessage(tx, row, s) : row.status;
      row.status = now;
      out.push({ waMessageId: s.waMessageId, status: s.status, workflowId: row.workflowId, direction: row.direction as 'in' | 'out', now, changed: now !== before, followUpPending: row.nextFollowUpAt !== null });
    }
    return out;
  });
}

/**
 * Statuses that arrived before their message (kept as `orphan_status`), applied now that it is
 * recorded: in the caller's transaction, in the order Meta sent them.
 */
export async function applyEarlyStatuses(tx: Tx, message: { id: string; waMessageId: string; conversationId: string; contactId: string; status: string; direction: string; sentAt: Date }): Promise<number> {
  // After the message's insert: a status transaction that began before it finishes first (its
  // orphan is then visible here), one that begins after waits and sees the message.
  await lockMessageIds(tx, [message.waMessageId]);
  const early = await tx
    .select({ id: interactionEvents.id, payload: interactionEvents.payload, at: interactionEvents.at })
    .from(interactionEvents)
    .where(and(eq(interactionEvents.kind, 'orphan_status'), sql`${interactionEvents.payload}->>'waMessageId' = ${message.waMessageId}`))
    .orderBy(interactionEvents.at)
    .for('update');
  let status = message.status;
  for (const e of early) {
    const p = e.payload as { status: string; errorCode?: number; errorTitle?: string };
    status = await applyToMessage(tx, { ...message, status }, { status: p.status, at: e.at.toISOString(), errorCode: p.errorCode, errorTitle: p.errorTitle ?? undefined });
    await tx
      .update(interactionEvents)
      .set({ kind: 'status', conversationId: message.conversationId, contactId: message.contactId })
      .where(eq(interactionEvents.id, e.id));
  }
  return early.length;
}
