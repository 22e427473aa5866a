// Read models for the agent API: conversations, their timelines, messages.
import { and, desc, eq, inArray, isNotNull, isNull, lt, lte, ne, or, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { conversations, deals, interactionEvents, messages } from '../schema.js';
import { encodeCursor, isUuid, type Cursor } from '../../domain/ids.js';
import type { Page } from '../crm/paging.js';

export type ConversationRow = typeof conversations.$inferSelect;

export interface ConversationFilter {
  status?: string;
  assignee?: string;
  team?: string;
  urgency?: string;
  contactId?: string;
  waId?: string;
  paused?: boolean;
  snoozed?: boolean;
  takenOver?: boolean;
  /** ISO: the buyer has waited for a reply since before this. */
  waitingSinceBefore?: string;
  /** ISO: a follow-up is planned before this. */
  nextFollowUpBefore?: string;
  dealStage?: string;
  /** An agent's view: conversations of its team or assigned to it. */
  scope?: { team: string | null; agentId: string };
}

/** Newest first, keyset-paged on (created_at, id). */
export async function listConversations(
  db: Db,
  filter: ConversationFilter,
  page: { limit: number; cursor?: Cursor },
): Promise<Page<ConversationRow>> {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(conversations.status, filter.status));
  if (filter.assignee) where.push(eq(conversations.assignee, filter.assignee));
  if (filter.team) where.push(eq(conversations.team, filter.team));
  if (filter.urgency) where.push(eq(conversations.urgency, filter.urgency));
  if (filter.contactId) where.push(eq(conversations.contactId, filter.contactId));
  if (filter.waId) where.push(eq(conversations.sender, filter.waId));
  if (filter.paused !== undefined) where.push(eq(conversations.paused, filter.paused));
  if (filter.snoozed !== undefined) where.push(filter.snoozed ? eq(conversations.status, 'snoozed') : ne(conversations.status, 'snoozed'));
  if (filter.takenOver !== undefined) where.push(filter.takenOver ? isNotNull(conversations.takenOverBy) : isNull(conversations.takenOverBy));
  if (filter.waitingSinceBefore) where.push(lte(conversations.awaitingReplySince, new Date(filter.waitingSinceBefore)));
  if (filter.nextFollowUpBefore) where.push(lte(conversations.nextFollowUpAt, new Date(filter.nextFollowUpBefore)));
  if (filter.dealStage) {
    where.push(inArray(conversations.dealId, db.select({ id: deals.id }).from(deals).where(eq(deals.stage, filter.dealStage))));
  }
  if (filter.scope) {
    const { team, agentId } = filter.scope;
    where.push(team ? or(eq(conversations.team, team), eq(conversations.assignee, agentId))! : eq(conversations.assignee, agentId));
  }
  if (page.cursor) {
    const c = page.cursor;
    where.push(or(lt(conversations.createdAt, c.createdAt), and(eq(conversations.createdAt, c.createdAt), lt(conversations.id, c.id)))!);
  }
  const rows = await db
    .select()
    .from(conversations)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(conversations.createdAt), desc(conversations.id))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const data = more ? rows.slice(0, page.limit) : rows;
  return { data, nextCursor: more ? encodeCursor(data.at(-1)!) : null };
}

/** By row id or by workflow id (`wa:<phone_number_id>:<sender>`). */
export async function findConversation(db: Db, idOrWorkflowId: string): Promise<ConversationRow | undefined> {
  const where = isUuid(idOrWorkflowId) ? eq(conversations.id, idOrWorkflowId) : eq(conversations.workflowId, idOrWorkflowId);
  const [row] = await db.select().from(conversations).where(where).limit(1);
  return row;
}

export type TimelineEntry =
  | { kind: 'message'; waMessageId: string; direction: string; type: string; text: string | null; status: string; at: string }
  | ({ kind: string; at: string } & Record<string, unknown>);

/** Messages and events of a conversation, oldest first; each message exactly once. */
export async function conversationTimeline(db: Db, conversationId: string, limit = 500): Promise<TimelineEntry[]> {
  const [msgs, events] = await Promise.all([
    db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
      .orderBy(desc(messages.sentAt), desc(messages.receivedAt))
      .limit(limit),
    db
      .select()
      .from(interactionEvents)
      .where(eq(interactionEvents.conversationId, conversationId))
      .orderBy(desc(interactionEvents.at))
      .limit(limit),
  ]);
  const entries: (TimelineEntry & { sortKey: number })[] = [
    ...msgs.map((m) => ({
      kind: 'message' as const,
      waMessageId: m.waMessageId,
      direction: m.direction,
      type: m.type,
      text: m.text,
      status: m.status,
      ...(m.errorCode !== null ? { errorCode: m.errorCode, errorTitle: m.errorTitle } : {}),
      at: m.sentAt.toISOString(),
      sortKey: m.sentAt.getTime(),
    })),
    ...events.map((e) => {
      const { raw: _raw, ...payload } = e.payload as Record<string, unknown>;
      return { ...payload, kind: e.kind, at: e.at.toISOString(), sortKey: e.at.getTime() };
    }),
  ];
  entries.sort((a, b) => a.sortKey - b.sortKey);
  return entries.slice(-limit).map(({ sortKey: _s, ...e }) => e as TimelineEntry);
}

export async function findMessage(db: Db, waMessageId: string) {
  const [row] = await db
    .select({
      waMessageId: messages.waMessageId,
      conversationId: messages.conversationId,
      contactId: messages.contactId,
      direction: messages.direction,
      type: messages.type,
      text: messages.text,
      status: messages.status,
      at: messages.sentAt,
      errorCode: messages.errorCode,
      errorTitle: messages.errorTitle,
      mediaRef: messages.mediaRef,
      mediaError: messages.mediaError,
    })
    .from(messages)
    .where(eq(messages.waMessageId, waMessageId))
    .limit(1);
  return row;
}
