// GET /api/v1/conversations[/:id]: stored conversations with the live workflow state laid over them.
import { pendingScheduledReplies } from '../../db/crm/scheduled-replies.js';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client.js';
import { conversationTimeline, findConversation, listConversations, type ConversationRow } from '../../db/read/conversations.js';
import { decodeCursor, isUuid } from '../../domain/ids.js';
import { snapshotQuery, type ConversationSnapshot } from '../../workflows/conversation/contract.js';
import { assertConversationAccess, conversationScope, principalOf } from '../auth/access.js';
import { HttpError } from '../errors.js';
import { currentRules } from '../../db/routing/rules.js';
import type { GraphClient } from '../../whatsapp/graph-client.js';
import { markOpenedConversationRead } from '../read-receipts.js';
import { ConversationDetail, ConversationItem, ConversationStatus, ErrorBody, IdParams, Paging, Urgency } from './schemas.js';

export interface ConversationRoutesOptions {
  db: Db;
  temporal: Client;
  /** How long to wait for the workflow's snapshot before answering from the store alone. */
  liveTimeoutMs?: number;
  /** For read receipts when an agent opens a conversation (rules `automation.markReadOnOpen`). */
  graph?: GraphClient;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function conversationItem(row: ConversationRow, live?: ConversationSnapshot | null) {
  return {
    id: row.id,
    workflowId: row.workflowId,
    contactId: row.contactId,
    waId: /^\d+$/.test(row.sender) ? row.sender : (live?.waId ?? null),
    sender: row.sender,
    phoneNumberId: row.phoneNumberId,
    status: live?.status ?? row.status,
    assignee: live ? live.assignee : row.assignee,
    team: live ? live.team : row.team,
    urgency: live?.urgency ?? row.urgency,
    paused: live?.paused ?? row.paused,
    outcome: live ? (live.outcome ?? null) : (row.outcome ?? null),
    lastInboundAt: live?.lastInboundAt ?? iso(row.lastInboundAt),
    lastOutboundAt: live?.lastOutboundAt ?? iso(row.lastOutboundAt),
    takenOverBy: live ? live.takenOverBy : row.takenOverBy,
    pausedUntil: live ? (live.paused ? (live.pausedUntil ?? null) : null) : row.paused ? iso(row.pausedUntil) : null,
    snoozedUntil: live ? (live.snooze?.until ?? null) : row.status === 'snoozed' ? (row.snooze?.until ?? null) : null,
    waitingSince: live ? (live.awaitingReplySince ?? null) : iso(row.awaitingReplySince),
    nextFollowUpAt: live ? (live.nextFollowUp?.at ?? null) : iso(row.nextFollowUpAt),
    createdAt: row.createdAt.toISOString(),
  };
}

export const conversationRoutes: FastifyPluginAsyncTypebox<ConversationRoutesOptions> = async (app, opts) => {
  const liveSnapshot = async (workflowId: string): Promise<ConversationSnapshot | null> => {
    try {
      const deadline = Date.now() + (opts.liveTimeoutMs ?? 1000);
      return await opts.temporal.connection.withDeadline(deadline, () =>
        opts.temporal.workflow.getHandle(workflowId).query(snapshotQuery),
      );
    } catch {
      // Worker down, run ended or Temporal away: the stored state answers alone.
      return null;
    }
  };

  app.get(
    '/conversations',
    {
      schema: {
        tags: ['conversations'],
        summary: 'List conversations, newest first',
        security: [{ bearer: [] }],
        querystring: Type.Object({
          status: Type.Optional(ConversationStatus),
          urgency: Type.Optional(Urgency),
          assignee: Type.Optional(Type.String({ maxLength: 64 })),
          team: Type.Optional(Type.String({ maxLength: 200 })),
          contactId: Type.Optional(Type.String({ maxLength: 64 })),
          waId: Type.Optional(Type.String({ maxLength: 128 })),
          paused: Type.Optional(Type.Boolean()),
          snoozed: Type.Optional(Type.Boolean({ description: 'true: snoozed only; false: not snoozed' })),
          takenOver: Type.Optional(Type.Boolean({ description: 'true: owned by a person after a take-over' })),
          waitingSinceBefore: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'the buyer has waited for a reply since before this time (e.g. an hour ago)' })),
          nextFollowUpBefore: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'a follow-up or reminder is planned before this time' })),
          dealStage: Type.Optional(Type.String({ maxLength: 100, description: "the linked deal's stage" })),
          ...Paging,
        }),
        response: {
          200: Type.Object({ data: Type.Array(ConversationItem), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          401: ErrorBody,
          422: ErrorBody,
        },
      },
    },
    async (req) => {
      const { limit, cursor, ...filter } = req.query;
      const decoded = cursor ? decodeCursor(cursor) : undefined;
      if (decoded === null) throw new HttpError(422, 'validation_failed', 'cursor is not one this API issued');
      if (filter.contactId && !isUuid(filter.contactId)) return { data: [], nextCursor: null };
      const scope = conversationScope(principalOf(req)) ?? undefined;
      const page = await listConversations(opts.db, { ...filter, scope }, { limit: limit ?? 50, cursor: decoded });
      return { data: page.data.map((r) => conversationItem(r)), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/conversations/:id',
    {
      schema: {
        tags: ['conversations'],
        summary: 'One conversation with its timeline (newest last); `id` may also be the workflow id',
        security: [{ bearer: [] }],
        params: IdParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 500 })) }),
        response: { 200: ConversationDetail, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const row = await findConversation(opts.db, req.params.id);
      if (!row) throw new HttpError(404, 'not_found', `no conversation ${req.params.id}`);
      const principal = principalOf(req);
      const [live, timeline] = await Promise.all([
        liveSnapshot(row.workflowId),
        principal.role === 'admin' ? conversationTimeline(opts.db, row.id, req.query.limit ?? 500) : undefined,
      ]);
      assertConversationAccess(principal, row.id, row, live);
      // A person opened it: blue ticks for the buyer when the rules say so (never waited for).
      if (principal.role === 'agent' && opts.graph) {
        const graph = opts.graph;
        void currentRules(opts.db)
          .then((r) => (r.rules.automation.markReadOnOpen ? markOpenedConversationRead(opts.db, graph, row) : null))
          .catch((err: unknown) => req.log.warn({ err, conversationId: row.id }, 'read receipt on open failed'));
      }
      const scheduled = (live ? (live.scheduled ?? []) : await pendingScheduledReplies(opts.db, row.id)).map(({ id, text, at, by }) => ({ id, text, at, by }));
      const nextFollowUp = live ? (live.nextFollowUp ?? null) : row.nextFollowUpAt ? { at: row.nextFollowUpAt.toISOString() } : null;
      return {
        ...conversationItem(row, live),
        live: live !== null,
        nextFollowUp,
        scheduled,
        ...(live ? { followUpRules: (live.followUpRules ?? null) as Record<string, unknown> | null, followUpDecision: live.followUpDecision ?? null } : {}),
        timeline: timeline ?? (await conversationTimeline(opts.db, row.id, req.query.limit ?? 500)),
      };
    },
  );
};
