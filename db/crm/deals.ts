// Deals: an opportunity with a contact and/or a company, moving through free-text stages.
import { lastContactView } from './last-contact.js';
import { and, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { conversations, deals } from '../schema.js';
import { checkAgentRef, checkCompanyRef, liveContactId } from './contacts.js';
import { CrmError, invalid } from './errors.js';
import { isUuid } from '../../domain/ids.js';
import { afterCursor, newestFirst, readCursor, toPage, type Page } from './paging.js';

export type DealRow = typeof deals.$inferSelect;
export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];

export interface DealView {
  id: string;
  title: string;
  contactId: string | null;
  companyId: string | null;
  stage: string;
  status: string;
  value: number | null;
  currency: string | null;
  ownerAgentId: string | null;
  createdAt: string;
  updatedAt: string;
  lastContactAt: string | null;
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
}

export interface DealInput {
  title: string;
  contactId?: string | null;
  companyId?: string | null;
  stage?: string;
  value?: number | null;
  currency?: string | null;
  ownerAgentId?: string | null;
  status?: DealStatus;
}

export const dealView = (r: DealRow): DealView => ({
  id: r.id,
  title: r.title,
  contactId: r.contactId,
  companyId: r.companyId,
  stage: r.stage,
  status: r.status,
  value: r.value === null ? null : Number(r.value),
  currency: r.currency,
  ownerAgentId: r.ownerAgentId,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  ...lastContactView(r),
});

const MAX_VALUE = 999_999_999_999.99; // numeric(14, 2)

function checkTitle(input: string | undefined): string {
  const t = (input ?? '').replace(/\s+/g, ' ').trim();
  if (!t) throw invalid('title', 'title is required');
  if (t.length > 500) throw invalid('title', 'title is longer than 500 characters');
  return t;
}

function checkStage(input: string | undefined): string {
  const s = (input ?? '').replace(/\s+/g, ' ').trim();
  if (!s) throw invalid('stage', 'stage must not be empty');
  if (s.length > 100) throw invalid('stage', 'stage is longer than 100 characters');
  return s;
}

function checkStatus(input: string | undefined): DealStatus {
  if (!DEAL_STATUSES.includes(input as DealStatus)) throw invalid('status', `status must be one of ${DEAL_STATUSES.join(', ')}`);
  return input as DealStatus;
}

function checkValue(v: number | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalid('value', 'value must be a number >= 0');
  if (v > MAX_VALUE) throw invalid('value', `value must be at most ${MAX_VALUE}`);
  // Stored with two decimals (numeric(14, 2)): a float such as 0.30000000000000004 is 0.30.
  return v.toFixed(2);
}

function checkCurrency(c: string | null | undefined): string | null {
  if (c === null || c === undefined || c.trim() === '') return null;
  const u = c.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(u)) throw invalid('currency', `currency must be an ISO 4217 code such as "SAR", got ${JSON.stringify(c)}`);
  return u;
}

/** A contact reference: a merged-away contact stands for the contact it was merged into. */
async function checkContactRef(db: Db, id: string | null | undefined): Promise<string | null> {
  if (id === null || id === undefined || id === '') return null;
  const live = await liveContactId(db, id);
  if (!live) throw invalid('contactId', `contactId: no contact ${JSON.stringify(id)}`);
  return live;
}

export async function createDeal(db: Db, input: DealInput): Promise<DealView> {
  const title = checkTitle(input.title);
  const contactId = await checkContactRef(db, input.contactId);
  const companyId = await checkCompanyRef(db, input.companyId);
  if (!contactId && !companyId) throw invalid('contactId', 'a deal needs a contactId or a companyId');
  const [row] = await db
    .insert(deals)
    .values({
      title,
      contactId,
      companyId,
      stage: input.stage === undefined ? 'new' : checkStage(input.stage),
      status: input.status === undefined ? 'open' : checkStatus(input.status),
      value: checkValue(input.value),
      currency: checkCurrency(input.currency),
      ownerAgentId: await checkAgentRef(db, input.ownerAgentId),
    })
    .returning();
  return dealView(row!);
}

export async function getDeal(db: Db, id: string): Promise<DealView | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(deals).where(eq(deals.id, id));
  return row ? dealView(row) : null;
}

export async function updateDeal(db: Db, id: string, patch: Partial<DealInput>): Promise<DealView> {
  if (!isUuid(id)) throw new CrmError('not_found', `no deal ${id}`);
  return db.transaction(async (tx) => {
    const [cur] = await tx.select().from(deals).where(eq(deals.id, id)).for('update');
    if (!cur) throw new CrmError('not_found', `no deal ${id}`);
    const next: Partial<typeof deals.$inferInsert> = {};
    if (patch.title !== undefined) next.title = checkTitle(patch.title);
    if (patch.contactId !== undefined) next.contactId = await checkContactRef(tx, patch.contactId);
    if (patch.companyId !== undefined) next.companyId = await checkCompanyRef(tx, patch.companyId);
    if (patch.stage !== undefined) next.stage = checkStage(patch.stage);
    if (patch.status !== undefined) next.status = checkStatus(patch.status);
    if (patch.value !== undefined) next.value = checkValue(patch.value);
    if (patch.currency !== undefined) next.currency = checkCurrency(patch.currency);
    if (patch.ownerAgentId !== undefined) next.ownerAgentId = await checkAgentRef(tx, patch.ownerAgentId);
    const contactId = next.contactId !== undefined ? next.contactId : cur.contactId;
    const companyId = next.companyId !== undefined ? next.companyId : cur.companyId;
    if (!contactId && !companyId) {
      throw invalid(patch.contactId !== undefined ? 'contactId' : 'companyId', 'a deal needs a contactId or a companyId');
    }
    const [row] = await tx.update(deals).set({ ...next, updatedAt: new Date() }).where(eq(deals.id, id)).returning();
    return dealView(row!);
  });
}

export interface DealFilter {
  contactId?: string;
  companyId?: string;
  stage?: string;
  status?: string;
  ownerAgentId?: string;
}

export async function listDeals(db: Db, filter: DealFilter, page: { limit: number; cursor?: string }): Promise<Page<DealView>> {
  const cursor = readCursor(page.cursor);
  const where: (SQL | undefined)[] = [];
  for (const [key, col] of [
    ['contactId', deals.contactId],
    ['companyId', deals.companyId],
    ['ownerAgentId', deals.ownerAgentId],
  ] as const) {
    const v = filter[key];
    if (v === undefined) continue;
    if (!isUuid(v)) return { data: [], nextCursor: null };
    where.push(eq(col, v));
  }
  if (filter.stage !== undefined) where.push(eq(deals.stage, filter.stage.replace(/\s+/g, ' ').trim()));
  if (filter.status !== undefined) where.push(eq(deals.status, filter.status));
  where.push(afterCursor(deals.createdAt, deals.id, cursor));
  const rows = await db
    .select()
    .from(deals)
    .where(and(...where))
    .orderBy(...newestFirst(deals.createdAt, deals.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit, dealView);
}

/**
 * A conversation closed with an outcome: written on the conversation; `won`/`lost` also settle its
 * linked deal while that deal is still open (a settled deal is left as it is). Returns the deal change.
 */
export async function recordCloseOutcome(
  db: Db,
  input: { conversationId: string; outcome: 'resolved' | 'won' | 'lost' | 'spam' },
): Promise<{ dealId: string; before: { status: string; stage: string }; after: { status: string; stage: string } } | null> {
  return db.transaction(async (tx) => {
    const [conv] = await tx.update(conversations).set({ outcome: input.outcome, updatedAt: new Date() }).where(eq(conversations.id, input.conversationId)).returning({ dealId: conversations.dealId });
    if (!conv?.dealId || (input.outcome !== 'won' && input.outcome !== 'lost')) return null;
    const [deal] = await tx.select().from(deals).where(eq(deals.id, conv.dealId)).for('update');
    if (!deal || deal.status !== 'open') return null;
    await tx.update(deals).set({ status: input.outcome, updatedAt: new Date() }).where(eq(deals.id, deal.id));
    return { dealId: deal.id, before: { status: deal.status, stage: deal.stage }, after: { status: input.outcome, stage: deal.stage } };
  });
}
