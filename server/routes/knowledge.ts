// /knowledge: the knowledge base automated answers come from (CONTRACT.md, "Automated answers"),
// versioned like the rules: GET for every token, PUT for admins, validated with every reason named.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import { currentKnowledge, KnowledgeVersionConflict, saveKnowledge } from '../../db/knowledge.js';
import { validateKnowledge } from '../../domain/knowledge.js';
import { principalOf } from '../auth/access.js';
import { HttpError } from '../errors.js';
import { ErrorBody } from './schemas.js';

const Entry = Type.Object({
  id: Type.String(),
  questions: Type.Array(Type.String()),
  answer: Type.Record(Type.String(), Type.String()),
});
const security = [{ bearer: [] }];

export const knowledgeRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/knowledge',
    {
      schema: {
        tags: ['automation'],
        summary: 'The knowledge base automated answers come from, and its version (0 and no entries on a fresh install)',
        security,
        response: { 200: Type.Object({ version: Type.Integer(), entries: Type.Array(Entry) }), 401: ErrorBody },
      },
    },
    async (req) => {
      principalOf(req);
      return currentKnowledge(db);
    },
  );

  app.put(
    '/knowledge',
    {
      config: { access: 'admin' },
      // A few hundred entries with answers in several languages.
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['automation'],
        summary: 'Replace the knowledge base: { entries: [{ id, questions, answer: { en?, ar?, ... } }], version? } -> { version }; 422 with the reasons',
        security,
        body: Type.Object(
          { version: Type.Optional(Type.Integer({ minimum: 0, description: 'the version this change was made on (optimistic concurrency)' })) },
          { additionalProperties: true },
        ),
        response: { 200: Type.Object({ version: Type.Integer() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 413: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const { version: expectedVersion, ...doc } = req.body as Record<string, unknown> & { version?: number };
      const checked = validateKnowledge(doc);
      if (!checked.ok) throw new HttpError(422, 'validation_failed', `the knowledge base is not valid: ${checked.reasons.slice(0, 20).join('; ')}`, checked.reasons);
      try {
        return await saveKnowledge(db, checked.entries, { expectedVersion, createdBy: principal.actor });
      } catch (err) {
        if (err instanceof KnowledgeVersionConflict) throw new HttpError(409, 'version_conflict', err.message, { current: err.current });
        throw err;
      }
    },
  );
};
