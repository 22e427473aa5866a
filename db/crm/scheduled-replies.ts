// Scheduled replies in Postgres: created once (the id comes from the API, so a retry adds nothing),
// settled once (only a pending one changes), listed pending for a run that starts again.
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { scheduledReplies } from '../schema.js';

export type ScheduledStatus = 'pending' | 'sent' | 'cancelled' | 'dropped' | 'failed';

export interface PendingScheduledReply {
  id: string;
  text: string;
  at: string;
  by: string;
  agentId: string | null;
}

export async function insertScheduledReply(db: Db, r: PendingScheduledReply & { conversationId: string }): Promise<void> {
  await db
    .insert(scheduledReplies)
    .values({ id: r.id, conversationId: r.conversationId, text: r.text, at: new Date(r.at), createdBy: r.by, agentId: r.agentId })
    .onConflictDoNothing();
}

/** Settles a pending reply; false when it was settled already (a retry, or a cancel that lost the race). */
export async function settleScheduledReply(db: Db, r: { id: string; status: Exclude<ScheduledStatus, 'pending'>; reason?: string | null; waMessageId?: string | null }): Promise<boolean> {
  const rows = await db
    .update(scheduledReplies)
    .set({ status: r.status, reason: r.reason ?? null, waMessageId: r.waMessageId ?? null, settledAt: new Date() })
    .where(and(eq(scheduledReplies.id, r.id), eq(scheduledReplies.status, 'pending')))
    .returning({ id: scheduledReplies.id });
  return rows.length > 0;
}

export async function pendingScheduledReplies(db: Db, conversationId: string): Promise<PendingScheduledReply[]> {
  const rows = await db
    .select()
    .from(scheduledReplies)
    .where(and(eq(scheduledReplies.conversationId, conversationId), eq(scheduledReplies.status, 'pending')))
    .orderBy(asc(scheduledReplies.at))
    .limit(100);
  return rows.map((r) => ({ id: r.id, text: r.text, at: r.at.toISOString(), by: r.createdBy, agentId: r.agentId }));
}

/** One scheduled reply by id (any status), or undefined. */
export async function findScheduledReply(db: Db, id: string): Promise<{ id: string; at: Date; status: string } | undefined> {
  const [row] = await db.select({ id: scheduledReplies.id, at: scheduledReplies.at, status: scheduledReplies.status }).from(scheduledReplies).where(eq(scheduledReplies.id, id)).limit(1);
  return row;
}
