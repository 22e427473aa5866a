// GET /api/v1/messages/:waMessageId
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import { findConversation, findMessage } from '../../db/read/conversations.js';
import { assertConversationAccess, principalOf } from '../auth/access.js';
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
        params: Type.Object({ waMessageId: Type.String({ minLength: 1, maxLength: 512 }) }),
        response: { 200: Message, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const m = await findMessage(opts.db, req.params.waMessageId);
      if (!m) throw new HttpError(404, 'not_found', `no message ${req.params.waMessageId}`);
      const p = principalOf(req);
      if (p.role !== 'admin') {
        const conv = await findConversation(opts.db, m.conversationId);
        assertConversationAccess(p, m.conversationId, conv);
      }
      return { ...m, direction: m.direction as 'in' | 'out', at: m.at.toISOString() };
    },
  );
};
