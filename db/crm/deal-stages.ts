// Deal stage changes: what a signal proposed (or applied), what a person confirmed, rejected or
// reverted. Each change is a row with its reason; each step is also a timeline event of the
// conversation it came from (kind `deal_stage_proposed` when proposed: the `deal.stage_proposed`
// webhook; kind `deal_stage` for what a person did after).
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { dealStageChanges, deals, interactionEvents } from '../schema.js';
import { decodeCursor, encodeCursor, isUuid } from '../../domain/ids.js';
import { CrmError, invalid } from './errors.js';
import type { Page } from './paging.js';

export type StageChangeRow = typeof dealStageChanges.$inferSelect;
export const STAGE_CHANGE_STATUSES = ['proposed', 'applied', 'rejected', 'reverted'] as const;
export type StageChangeStatus = (typeof STAGE_CHANGE_STATUSES)[number];
export type StageChangeAction = 'confirm' | 'reject' | 'revert';

export interface StageChangeView {
  id: string;
  dealId: string;
  conversationId: string | null;
  from: string;
  to: string;
  status: string;
  reason: string;
  signal: unknown;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  revertedBy: string | null;
  revertedAt: string | null;
}

export const stageChangeView = (r: StageChangeRow): StageChangeView => ({
  id: r.id,
  dealId: r.dealId,
  conversationId: r.conversationId,
  from: r.fromStage,
  to: r.toStage,
  status: r.status,
  reason: r.reason,
  signal: r.signal,
  proposedBy: r.proposedBy,
  proposedAt: r.proposedAt.toISOString(),
  decidedBy: r.decidedBy,
  decidedAt: r.decidedAt?.toISOString() ?? null,
  revertedBy: r.revertedBy,
  revertedAt: r.revertedAt?.toISOString() ?? null,
});

/** The proposal waiting for a person on this deal, if any. */
export async function pendingStageChange(db: Db, dealId: string): Promise<StageChangeRow | null> {
  const [row] = await db
    .select()
    .from(dealStageChanges)
    .where(and(eq(dealStageChanges.dealId, dealId), eq(dealStageChanges.status, 'proposed')));
  return row ?? null;
}

export interface ProposalInput {
  /** The decision's key: the same decision proposes once. */
  key: string;
  dealId: string;
  conversationId: string | null;
  contactId: string | null;
  from: string;
  to: string;
  /** Applied at once (the rules say so) instead of waiting for a person. */
  apply: boolean;
  reason: string;
  signal: Record<string, unknown>;
  at: string;
}

/**
 * Record a proposal (and apply it when the rules say so) in one transaction. Nothing happens when
 * the key was seen, a proposal already waits on the deal, or the deal moved off `from` meanwhile.
 */
export async function recordStageProposal(db: Db, p: ProposalInput): Promise<StageChangeView | null> {
  return db.transaction(async (tx) => {
    const [deal] = await tx.select().from(deals).where(eq(deals.id, p.dealId)).for('update');
    if (!deal || deal.status !== 'open' || deal.stage !== p.from) return null;
    const at = new Date(p.at);
    const [row] = await tx
      .insert(dealStageChanges)
      .values({
        idempotencyKey: `stage:${p.key}`,
        dealId: p.dealId,
        conversationId: p.conversationId,
        fromStage: p.from,
        toStage: p.to,
        status: p.apply ? 'applied' : 'proposed',
        reason: p.reason,
        signal: p.signal,
        proposedBy: 'automation',
        proposedAt: at,
        ...(p.apply ? { decidedBy: 'automation', decidedAt: at } : {}),
      })
      // The key, or the one pending proposal per deal.
      .onConflictDoNothing()
      .returning();
    if (!row) return null;
    if (p.apply) await tx.update(deals).set({ stage: p.to, updatedAt: new Date() }).where(eq(deals.id, p.dealId));
    await tx
      .insert(interactionEvents)
      .values({
        idempotencyKey: `deal_stage_proposed:${row.id}`,
        conversationId: p.conversationId,
        contactId: p.contactId,
        kind: 'deal_stage_proposed',
        payload: { changeId: row.id, dealId: p.dealId, from: p.from, to: p.to, status: row.status, reason: p.reason, reasons: [p.reason], ...p.signal },
        at,
      })
      .onConflictDoNothing();
    return stageChangeView(row);
  });
}

const NEXT: Record<StageChangeAction, { from: StageChangeStatus; to: StageChangeStatus; past: string }> = {
  confirm: { from: 'proposed', to: 'applied', past: 'confirmed' },
  reject: { from: 'proposed', to: 'rejected', past: 'rejected' },
  revert: { from: 'applied', to: 'reverted', past: 'reverted' },
};

/**
 * A person confirms or rejects a proposal, or reverts an applied change. Asking again for what
 * is already done changes nothing and answers the change as it is; anything else out of order,
 * or a deal that has moved since, is a conflict naming why.
 */
export async function decideStageChange(db: Db, id: string, action: StageChangeAction, by: string): Promise<StageChangeView> {
  if (!isUuid(id)) throw new CrmError('not_found', `no deal stage change ${id}`);
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(dealStageChanges).where(eq(dealStageChanges.id, id)).for('update');
    if (!row) throw new CrmError('not_found', `no deal stage change ${id}`);
    const step = NEXT[action];
    if (row.status === step.to) return stageChangeView(row);
    if (row.status !== step.from) {
      throw new CrmError('conflict', `this change is ${row.status}; only a ${step.from} change can be ${step.past}`);
    }
    const [deal] = await tx.select().from(deals).where(eq(deals.id, row.dealId)).for('update');
    if (!deal) throw new CrmError('not_found', `no deal ${row.dealId}`);
    const now = new Date();
    if (action !== 'reject') {
      const expected = action === 'confirm' ? row.fromStage : row.toStage;
      const target = action === 'confirm' ? row.toStage : row.fromStage;
      if (deal.stage !== expected) {
        throw new CrmError('conflict', `the deal is at stage "${deal.stage}" now, not "${expected}": it cannot be ${step.past}`);
      }
      if (action === 'confirm' && deal.status !== 'open') throw new CrmError('conflict', `the deal is ${deal.status}: its stage stays`);
      await tx.update(deals).set({ stage: target, updatedAt: now }).where(eq(deals.id, deal.id));
    }
    const [updated] = await tx
      .update(dealStageChanges)
      .set(action === 'revert' ? { status: step.to, revertedBy: by, revertedAt: now } : { status: step.to, decidedBy: by, decidedAt: now })
      .where(eq(dealStageChanges.id, id))
      .returning();
    await tx
      .insert(interactionEvents)
      .values({
        idempotencyKey: `deal_stage:${id}:${action}`,
        conversationId: row.conversationId,
        contactId: deal.contactId,
        kind: 'deal_stage',
        payload: {
          changeId: id,
          dealId: deal.id,
          action: step.past,
          by,
          before: { stage: deal.stage },
          after: { stage: action === 'confirm' ? row.toStage : action === 'revert' ? row.fromStage : deal.stage },
          reasons: [`${step.past} by ${by}: ${row.reason}`],
        },
        at: now,
      })
      .onConflictDoNothing();
    return stageChangeView(updated!);
  });
}

export interface StageChangeFilter {
  dealId?: string;
  status?: StageChangeStatus;
}

/** Newest first, keyset-paged on (proposed_at, id). */
export async function listStageChanges(db: Db, filter: StageChangeFilter, page: { limit: number; cursor?: string }): Promise<Page<StageChangeView>> {
  const where: (SQL | undefined)[] = [];
  if (filter.dealId !== undefined) {
    if (!isUuid(filter.dealId)) throw invalid('dealId', 'dealId is not an id');
    where.push(eq(dealStageChanges.dealId, filter.dealId));
  }
  if (filter.status !== undefined) where.push(eq(dealStageChanges.status, filter.status));
  if (page.cursor) {
    const c = decodeCursor(page.cursor);
    if (!c) throw invalid('cursor', 'cursor is not one this API issued');
    where.push(or(lt(dealStageChanges.proposedAt, c.createdAt), and(eq(dealStageChanges.proposedAt, c.createdAt), lt(dealStageChanges.id, c.id))));
  }
  const rows = await db
    .select()
    .from(dealStageChanges)
    .where(and(...where))
    .orderBy(desc(dealStageChanges.proposedAt), desc(dealStageChanges.id))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const data = more ? rows.slice(0, page.limit) : rows;
  const last = data.at(-1);
  return { data: data.map(stageChangeView), nextCursor: more && last ? encodeCursor({ createdAt: last.proposedAt, id: last.id }) : null };
}
