// GET /dead-letters (admin): what could not be stored however often it was retried, with the reason.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import { readCursor } from '../../db/crm/paging.js';
import { listDeadLetters } from '../../db/dead-letters.js';
import { crmHttpError } from './crm.js';
import { CrmError } from '../../db/crm/errors.js';
import { ErrorBody, Nullable, Paging } from './schemas.js';

const DeadLetter = Type.Object({
  id: Type.String(),
  key: Type.String(),
  kind: Type.String({ description: 'inbound_message | status | event | invalid_event | ...' }),
  workflowId: Nullable(Type.String()),
  reason: Type.String(),
  payload: Type.Unknown(),
  at: Type.String(),
});

export const deadLetterRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/dead-letters',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['operations'],
        summary: 'Events Postgres refused for good (kept with the reason instead of blocking their conversation), newest first',
        security: [{ bearer: [] }],
        querystring: Type.Object({ kind: Type.Optional(Type.String({ maxLength: 64 })), ...Paging }),
        response: { 200: Type.Object({ data: Type.Array(DeadLetter), nextCursor: Nullable(Type.String()) }), 401: ErrorBody, 403: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      try {
        return await listDeadLetters(db, { limit: req.query.limit ?? 50, cursor: readCursor(req.query.cursor), kind: req.query.kind });
      } catch (err) {
        if (err instanceof CrmError) throw crmHttpError(err);
        throw err;
      }
    },
  );
};
