// GET /api/v1/messages/:waMessageId
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import { findMessage } from '../../db/read/conversations.js';
import { HttpError } from '../errors.js';
import { ErrorBody, Message } from './schemas.js';

export const messageRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, opts) => {
  app.get(
    '/messages/:waMessageId',
    {
      schema: {
        tags: ['messages'],
        summary: 'One message by its WhatsApp id, with its conversation and contact',
        security: [{ bearer: [] }],
        params: Type.Object({ waMessageId: Type.String({ minLength: 1 }) }),
        response: { 200: Message, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const m = await findMessage(opts.db, req.params.waMessageId);
      if (!m) throw new HttpError(404, 'not_found', `no message ${req.params.waMessageId}`);
      return { ...m, direction: m.direction as 'in' | 'out', at: m.at.toISOString() };
    },
  );
};
