// Agent actions on a conversation: each a Temporal Update, so the caller gets the workflow's answer
// (the new state) or its validator's clear rejection.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../db/client.js';
import { findConversation } from '../../db/read/conversations.js';
import {
  closeUpdate,
  pauseUpdate,
  reassignUpdate,
  releaseUpdate,
  resumeUpdate,
  sendReplyUpdate,
  takeOverUpdate,
} from '../../workflows/conversation/messages.js';
import { HttpError } from '../errors.js';
import { ErrorBody } from './schemas.js';

export interface ActionRoutesOptions {
  db: Db;
  temporal: Client;
}

/** Graph failure types the caller can act on, with the HTTP status that says so. */
const FAILURE_STATUS: Record<string, [number, string]> = {
  wrong_state: [409, 'wrong_state'],
  invalid: [422, 'validation_failed'],
  InvalidParameter: [422, 'whatsapp_invalid_parameter'],
  OutsideCustomerServiceWindow: [409, 'outside_customer_service_window'],
  RecipientOptedOut: [409, 'recipient_opted_out'],
  Undeliverable: [409, 'undeliverable'],
};

function toHttpError(err: unknown): HttpError {
  if (err instanceof WorkflowNotFoundError) return new HttpError(409, 'conversation_not_running', 'the conversation is not running; it starts again with the buyer\'s next message');
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const f = err.cause;
    const [status, code] = FAILURE_STATUS[f.type ?? ''] ?? [502, 'whatsapp_rejected'];
    return new HttpError(status, code, f.message, { type: f.type, details: f.details });
  }
  return new HttpError(503, 'temporal_unavailable', `the conversation could not be reached: ${(err as Error).message}`);
}

const Snapshot = Type.Object({}, { additionalProperties: true });
const Actor = { by: Type.Optional(Type.String()), reason: Type.Optional(Type.String()) };

export const conversationActionRoutes: FastifyPluginAsyncTypebox<ActionRoutesOptions> = async (app, opts) => {
  const handleOf = async (id: string) => {
    const row = await findConversation(opts.db, id);
    if (!row) throw new HttpError(404, 'not_found', `no conversation ${id}`);
    return opts.temporal.workflow.getHandle(row.workflowId);
  };
  const common = (summary: string, body: ReturnType<typeof Type.Object>) => ({
    schema: {
      tags: ['conversations'],
      summary,
      security: [{ bearer: [] }],
      params: Type.Object({ id: Type.String() }),
      body,
      response: { 200: Snapshot, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 503: ErrorBody },
    },
  });

  const simple = [
    ['pause', 'Pause automation (follow-ups, acknowledgements)', pauseUpdate],
    ['resume', 'Resume automation', resumeUpdate],
    ['release', 'Release the conversation (no assignee)', releaseUpdate],
    ['close', 'Resolve the conversation', closeUpdate],
  ] as const;
  for (const [name, summary, update] of simple) {
    app.post(`/conversations/:id/${name}`, common(summary, Type.Object(Actor)), async (req) => {
      const handle = await handleOf(req.params.id);
      try {
        return await handle.executeUpdate(update, { args: [req.body ?? {}] });
      } catch (err) {
        throw toHttpError(err);
      }
    });
  }

  app.post(
    '/conversations/:id/take-over',
    common('An agent takes the conversation over', Type.Object({ agentId: Type.String({ minLength: 1 }), ...Actor })),
    async (req) => {
      const handle = await handleOf(req.params.id);
      try {
        return await handle.executeUpdate(takeOverUpdate, { args: [req.body as { agentId: string }] });
      } catch (err) {
        throw toHttpError(err);
      }
    },
  );

  app.post(
    '/conversations/:id/reassign',
    common(
      'Override routing: another assignee and/or team',
      Type.Object({ assignee: Type.Optional(Type.Union([Type.String(), Type.Null()])), team: Type.Optional(Type.Union([Type.String(), Type.Null()])), ...Actor }),
    ),
    async (req) => {
      const handle = await handleOf(req.params.id);
      try {
        return await handle.executeUpdate(reassignUpdate, { args: [req.body] });
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
        summary: 'Send a WhatsApp text reply as an agent',
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 4096 }), ...Actor }),
        response: { 201: Type.Object({ waMessageId: Type.String() }), 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 502: ErrorBody, 503: ErrorBody },
      },
    },
    async (req, reply) => {
      const handle = await handleOf(req.params.id);
      try {
        const sent = await handle.executeUpdate(sendReplyUpdate, { args: [req.body] });
        return reply.code(201).send(sent);
      } catch (err) {
        throw toHttpError(err);
      }
    },
  );
};
