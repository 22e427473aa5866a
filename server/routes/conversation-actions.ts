// Agent actions on a conversation: each a Temporal Update, so the caller gets the workflow's answer
// (the new state) or its validator's clear rejection. Who acts comes from the token, never the body;
// every value that reaches the workflow is checked and bounded here first.
import { createHash, randomUUID } from 'node:crypto';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import { findConversation } from '../../db/read/conversations.js';
import { getAgent } from '../../db/routing/agents.js';
import { ruleTeams } from '../../db/routing/rules.js';
import {
  CLOSE_OUTCOMES,
  closeUpdate,
  pauseUpdate,
  reassignUpdate,
  releaseUpdate,
  resumeUpdate,
  sendReplyUpdate,
  scheduleReplyUpdate,
  sendTemplateUpdate,
  cancelScheduledReplyUpdate,
  setFollowUpRulesUpdate,
  snoozeUpdate,
  takeOverUpdate,
} from '../../workflows/conversation/contract.js';
import { validateFollowUp } from '../../domain/rules.js';
import { isUuid } from '../../domain/ids.js';
import { findMedia } from '../../db/media.js';
import { findScheduledReply } from '../../db/crm/scheduled-replies.js';
import { assertConversationAccess, principalOf } from '../auth/access.js';
import { actOnConversation } from '../conversation-start.js';
import { businessStartFor, openBusinessConversation } from '../../db/crm/business-initiated.js';
import { conversationWorkflowId } from '../../whatsapp/events.js';
import { HttpError } from '../errors.js';
import { BodyId, ErrorBody, IdParams, Nullable, Reason, TeamName } from './schemas.js';

export interface ActionRoutesOptions {
  db: Db;
  temporal: Client;
  /** Where a conversation whose run has ended is started again. */
  taskQueue: string;
  /** The business number for a business-initiated conversation when neither the request nor the contact's history names one. */
  phoneNumberId?: string;
}

/** Graph failure types the caller can act on, with the HTTP status that says so. */
const FAILURE_STATUS: Record<string, [number, string]> = {
  wrong_state: [409, 'wrong_state'],
  forbidden: [403, 'forbidden'],
  not_found: [404, 'not_found'],
  invalid: [422, 'validation_failed'],
  InvalidParameter: [422, 'whatsapp_invalid_parameter'],
  OutsideCustomerServiceWindow: [409, 'outside_customer_service_window'],
  RecipientOptedOut: [409, 'recipient_opted_out'],
  Undeliverable: [409, 'undeliverable'],
  // The request left and no answer came: it may have reached the buyer; shown on the timeline.
  SendOutcomeUnknown: [502, 'send_outcome_unknown'],
};

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof WorkflowNotFoundError) return new HttpError(409, 'conversation_not_running', 'the conversation could not be started again; retry');
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const f = err.cause;
    const [status, code] = FAILURE_STATUS[f.type ?? ''] ?? [502, 'whatsapp_rejected'];
    return new HttpError(status, code, f.message, { type: f.type, details: f.details });
  }
  return new HttpError(503, 'temporal_unavailable', 'the conversation could not be reached; retry later');
}

const unknownField = (field: string, message: string) => new HttpError(422, 'validation_failed', message, [{ path: `/${field}`, message }]);

const Snapshot = Type.Object({}, { additionalProperties: true });
const HHMM = Type.String({ maxLength: 5, pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });
/** The rules' `followUp` part (CONTRACT.md); every field optional. */
const FollowUpRulesBody = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  maxAttempts: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  minDelaySec: Type.Optional(Type.Integer({ minimum: 60 })),
  maxDelaySec: Type.Optional(Type.Integer({ minimum: 60 })),
  quietHours: Type.Optional(Nullable(Type.Object({ start: Type.Optional(HHMM), end: Type.Optional(HHMM) }))),
  businessDaysOnly: Type.Optional(Type.Boolean()),
  template: Type.Optional(Nullable(Type.Object({ name: Type.String({ minLength: 1, maxLength: 512 }), language: Type.String({ minLength: 2, maxLength: 16 }) }))),
  automaticWhenOwned: Type.Optional(Type.Boolean()),
});
const WithReason = Type.Object({ reason: Type.Optional(Reason) });

/** A UUID (v4 layout) derived from a string: the same string, the same id. */
function uuidFrom(s: string): string {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const conversationActionRoutes: FastifyPluginAsyncTypebox<ActionRoutesOptions> = async (app, opts) => {
  /** The conversation's workflow, once the token may act on it (404 unknown, 403 another team's). */
  /** The conversation's workflow, once the token may act on it (404 unknown, 403 another team's); an ended run starts again from the stored state. */
  const handleOf = async (req: FastifyRequest & { params: { id: string } }) => {
    const row = await findConversation(opts.db, req.params.id);
    if (!row) throw new HttpError(404, 'not_found', `no conversation ${req.params.id}`);
    assertConversationAccess(principalOf(req), row.id, row);
    return {
      conversationId: row.id,
      executeUpdate: <Ret, Args extends [unknown, ...unknown[]]>(update: UpdateDefinition<Ret, Args>, o: { args: Args }) =>
        actOnConversation({ db: opts.db, temporal: opts.temporal, taskQueue: opts.taskQueue }, row, update, o.args),
    };
  };
  const checkAgent = async (field: string, id: string) => {
    const agent = await getAgent(opts.db, id);
    if (!agent) throw unknownField(field, `${field}: no agent ${id}`);
    return agent;
  };
  const checkTeam = async (team: string) => {
    const teams = await ruleTeams(opts.db);
    if (!teams.includes(team)) throw unknownField('team', `team: "${team}" is not a team of the current rules (${teams.join(', ') || 'none'})`);
  };
  const schema = (summary: string, body: ReturnType<typeof Type.Object>) => ({
    tags: ['conversations'],
    summary,
    security: [{ bearer: [] }],
    params: IdParams,
    body,
    response: { 200: Snapshot, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 503: ErrorBody },
  });

  const FutureTime = (what: string) => Type.Optional(Nullable(Type.String({ format: 'date-time', maxLength: 40, description: `ISO-8601, in the future, at most a year ahead: ${what}` })));
  const simple = [
    ['pause', 'Pause automation (follow-ups, acknowledgements); with until it resumes by itself then', pauseUpdate, Type.Object({ until: FutureTime('automation resumes then'), reason: Type.Optional(Reason) })],
    ['resume', 'Resume automation (also ends a snooze)', resumeUpdate, WithReason],
    ['release', 'Release the conversation (no assignee)', releaseUpdate, WithReason],
    [
      'close',
      'Close the conversation with an outcome (won/lost also settle its linked open deal)',
      closeUpdate,
      Type.Object({ outcome: Type.Optional(Type.Union(CLOSE_OUTCOMES.map((o) => Type.Literal(o)), { description: 'resolved (default) | won | lost | spam' })), reason: Type.Optional(Reason) }),
    ],
  ] as const;
  for (const [name, summary, update, body] of simple) {
    app.post(`/conversations/:id/${name}`, { schema: schema(summary, body as ReturnType<typeof Type.Object>) }, async (req) => {
      const by = principalOf(req).actor;
      const b = (req.body ?? {}) as { reason?: string; until?: string | null; outcome?: string };
      const handle = await handleOf(req);
      try {
        return await handle.executeUpdate(update as typeof pauseUpdate, {
          args: [{ by, ...(b.reason ? { reason: b.reason } : {}), ...(b.until ? { until: b.until } : {}), ...(b.outcome ? { outcome: b.outcome } : {}) }],
        });
      } catch (err) {
        throw toHttpError(err);
      }
    });
  }

  app.post(
    '/conversations/:id/snooze',
    {
      schema: schema(
        'Snooze: status snoozed, automation silent, the response clock stopped; wakes at until (or, without it, when the buyer writes), whichever first',
        Type.Object({
          until: FutureTime('wakes then'),
          reason: Type.Optional(Reason),
        }),
      ),
    },
    async (req) => {
      const by = principalOf(req).actor;
      const body = (req.body ?? {}) as { until?: string | null; reason?: string };
      const handle = await handleOf(req);
      try {
        return await handle.executeUpdate(snoozeUpdate, { args: [{ by, until: body.until ?? null, ...(body.reason ? { reason: body.reason } : {}) }] });
      } catch (err) {
        throw toHttpError(err);
      }
    },
  );

  app.post(
    '/conversations/:id/take-over',
    {
      schema: schema(
        'A person takes the conversation over (an agent token: itself; an admin token names the agent)',
        Type.Object({ agentId: Type.Optional(BodyId('the agent taking over; an agent token may only name itself')), reason: Type.Optional(Reason) }),
      ),
    },
    async (req) => {
      const p = principalOf(req);
      const body = req.body as { agentId?: string; reason?: string };
      let agentId: string;
      if (p.role === 'agent') {
        if (body.agentId && body.agentId !== p.agentId) throw new HttpError(403, 'forbidden', 'an agent token takes conversations over for its own agent only');
        agentId = p.agentId!;
      } else {
        if (!body.agentId) throw unknownField('agentId', 'agentId: required with an admin token (the agent taking over)');
        agentId = (await checkAgent('agentId', body.agentId)).id;
      }
      const handle = await handleOf(req);
      try {
        return await handle.executeUpdate(takeOverUpdate, { args: [{ agentId, by: p.actor, ...(body.reason ? { reason: body.reason } : {}) }] });
      } catch (err) {
        throw toHttpError(err);
      }
    },
  );

  app.post(
    '/conversations/:id/reassign',
    {
      schema: schema(
        'Override routing: another assignee and/or team (null clears it)',
        Type.Object({
          assignee: Type.Optional(Nullable(BodyId('an agent id'))),
          team: Type.Optional(Nullable(TeamName)),
          reason: Type.Optional(Reason),
        }),
      ),
    },
    async (req) => {
      const p = principalOf(req);
      const body = req.body as { assignee?: string | null; team?: string | null; reason?: string };
      if (body.assignee === undefined && body.team === undefined) throw unknownField('assignee', 'give an assignee or a team');
      const args: { by: string; assignee?: string | null; team?: string | null; reason?: string } = { by: p.actor };
      if (body.assignee !== undefined) args.assignee = body.assignee === null ? null : (await checkAgent('assignee', body.assignee)).id;
      if (body.team !== undefined) {
        if (body.team !== null) await checkTeam(body.team);
        args.team = body.team;
      }
      if (body.reason) args.reason = body.reason;
      const handle = await handleOf(req);
      try {
        return await handle.executeUpdate(reassignUpdate, { args: [args] });
      } catch (err) {
        throw toHttpError(err);
      }
    },
  );

  app.put(
    '/conversations/:id/follow-up-rules',
    {
      schema: {
        tags: ['conversations'],
        summary: "This conversation's own follow-up rules (the rules' followUp part; missing fields from the global rules); null goes back to the global rules",
        security: [{ bearer: [] }],
        params: IdParams,
        body: Nullable(FollowUpRulesBody),
        response: { 200: Snapshot, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 503: ErrorBody },
      },
    },
    async (req) => {
      const by = principalOf(req).actor;
      // Checked here too, for a 422 with the reasons before the workflow sees it.
      const body = req.body as Record<string, unknown> | null;
      if (body !== null) {
        const v = validateFollowUp(body);
        if (!v.ok) throw new HttpError(422, 'validation_failed', `the follow-up rules are not valid: ${v.reasons.join('; ')}`, v.reasons);
      }
      const handle = await handleOf(req);
      try {
        return await handle.executeUpdate(setFollowUpRulesUpdate, { args: [{ rules: body, by }] });
      } catch (err) {
        throw toHttpError(err);
      }
    },
  );

  app.post(
    '/contacts/:id/conversations',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Start a business-initiated conversation with an approved template; the buyer\'s answer joins it',
        security: [{ bearer: [] }],
        params: IdParams,
        body: Type.Object({
          phoneNumberId: Type.Optional(Type.String({ pattern: '^\\d{1,32}$', maxLength: 32, description: 'the business number; default: the contact\'s latest conversation, else WHATSAPP_PHONE_NUMBER_ID' })),
          template: Type.Object({
            name: Type.String({ minLength: 1, maxLength: 512 }),
            language: Type.String({ minLength: 2, maxLength: 16 }),
            components: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 20 })),
          }),
        }),
        response: { 201: Type.Object({ conversationId: Type.String(), waMessageId: Type.String() }), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 502: ErrorBody, 503: ErrorBody },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const who = await businessStartFor(opts.db, req.params.id);
      if (!who.ok) throw who.code === 'no_whatsapp' ? new HttpError(422, 'validation_failed', who.message) : who.code === 'merged' ? new HttpError(409, 'conflict', who.message) : new HttpError(404, 'not_found', who.message);
      if (who.optedOut) throw new HttpError(409, 'recipient_opted_out', `contact ${who.contactId} opted out of messages`);
      const phoneNumberId = req.body.phoneNumberId ?? who.phoneNumberId ?? opts.phoneNumberId;
      if (!phoneNumberId) throw unknownField('phoneNumberId', 'phoneNumberId: required (no earlier conversation and no WHATSAPP_PHONE_NUMBER_ID)');
      const row = await openBusinessConversation(opts.db, { workflowId: conversationWorkflowId(phoneNumberId, { waId: who.waId }), phoneNumberId, waId: who.waId, contactId: who.contactId, team: p.role === 'agent' ? (p.team ?? null) : null });
      assertConversationAccess(p, row.id, row);
      try {
        const sent = await actOnConversation({ db: opts.db, temporal: opts.temporal, taskQueue: opts.taskQueue }, row, sendTemplateUpdate, [
          { template: req.body.template, by: p.actor, ...(p.role === 'agent' ? { agentId: p.agentId } : {}) },
        ]);
        return reply.code(201).send({ conversationId: row.id, waMessageId: sent.waMessageId });
      } catch (err) {
        throw toHttpError(err);
      }
    },
  );

  app.post(
    '/conversations/:id/schedule-reply',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Schedule a reply: kept in Postgres, sent through the outbox at `at` if it still makes sense (inside the 24-hour window, not resolved, still yours)',
        security: [{ bearer: [] }],
        params: IdParams,
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 4096 }), at: Type.String({ format: 'date-time', maxLength: 40, description: 'ISO-8601, in the future, inside the 24-hour window' }) }),
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'a retry with the same key schedules nothing more and answers the same id' })) }),
        response: { 201: Type.Object({ id: Type.String(), at: Type.String() }), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 503: ErrorBody },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const handle = await handleOf(req);
      // With an Idempotency-Key, the id is the key's (per conversation and caller): a retried request schedules nothing more.
      const key = req.headers['idempotency-key'];
      // (By the row id: a retry naming the conversation by its workflow id is the same request.)
      const id = key ? uuidFrom(`${handle.conversationId}:${p.actor}:${key}`) : randomUUID();
      if (key) {
        const done = await findScheduledReply(opts.db, id);
        if (done) return reply.code(201).send({ id: done.id, at: done.at.toISOString() });
      }
      try {
        const r = await handle.executeUpdate(scheduleReplyUpdate, {
          args: [{ id, text: req.body.text, at: req.body.at, by: p.actor, ...(p.role === 'agent' ? { agentId: p.agentId } : {}) }],
        });
        return reply.code(201).send(r);
      } catch (err) {
        throw toHttpError(err);
      }
    },
  );

  app.delete(
    '/conversations/:id/scheduled/:scheduledId',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Cancel a scheduled reply that has not gone out',
        security: [{ bearer: [] }],
        params: Type.Object({ id: IdParams.properties.id, scheduledId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 503: ErrorBody },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const handle = await handleOf(req);
      try {
        await handle.executeUpdate(cancelScheduledReplyUpdate, { args: [{ id: req.params.scheduledId, by: p.actor }] });
        return reply.code(204).send(null);
      } catch (err) {
        throw toHttpError(err);
      }
    },
  );

  app.post(
    '/conversations/:id/reply',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Send a WhatsApp text reply as the token\'s agent',
        security: [{ bearer: [] }],
        params: IdParams,
        body: Type.Object({
          text: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'the text, or the caption of the media (at most 1024 then)' })),
          mediaId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a file uploaded with POST /api/v1/media' })),
        }),
        response: { 201: Type.Object({ waMessageId: Type.String() }), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 502: ErrorBody, 503: ErrorBody },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      if (!req.body.text && !req.body.mediaId) throw unknownField('text', 'text: required (or mediaId)');
      const m = req.body.mediaId ? (isUuid(req.body.mediaId) ? await findMedia(opts.db, req.body.mediaId) : null) : null;
      if (req.body.mediaId && !m) throw unknownField('mediaId', `mediaId: no media ${req.body.mediaId} (POST /api/v1/media first)`);
      const handle = await handleOf(req);
      try {
        // An agent token replies as its agent: while a colleague owns the conversation, 403.
        const sent = await handle.executeUpdate(sendReplyUpdate, {
          args: [
            {
              text: req.body.text ?? '',
              ...(m ? { media: { ref: m.id, sha256: m.sha256, mimeType: m.mimeType, filename: m.filename } } : {}),
              by: p.actor,
              ...(p.role === 'agent' ? { agentId: p.agentId } : {}),
            },
          ],
        });
        return reply.code(201).send(sent);
      } catch (err) {
        throw toHttpError(err);
      }
    },
  );
};
