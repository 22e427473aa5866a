// /tokens (admin only): API tokens with a role. The token is shown once, at creation; only its hash
// is kept. Revocation takes effect on the next request.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import { createToken, listTokens, revokeToken, UnknownAgentError } from '../../db/auth/tokens.js';
import { principalOf } from '../auth/access.js';
import { HttpError } from '../errors.js';
import { BodyId, ErrorBody, IdParams, Nullable } from './schemas.js';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('agent')]);
const TokenItem = Type.Object({
  id: Type.String(),
  role: Role,
  agentId: Nullable(Type.String()),
  label: Nullable(Type.String()),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String({ description: 'last request made with it (to the minute)' })),
});
const security = [{ bearer: [] }];
const admin = { access: 'admin' as const };

export const tokenRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/tokens',
    {
      config: admin,
      schema: {
        tags: ['tokens'],
        summary: 'Create a token (admin only); the answer is the only time the token is shown',
        security,
        body: Type.Object({
          role: Role,
          agentId: Type.Optional(BodyId('the agent an `agent` token acts as (required for agent)')),
          label: Type.Optional(Type.String({ maxLength: 200, description: 'what it is for' })),
        }),
        response: { 201: Type.Intersect([TokenItem, Type.Object({ token: Type.String() })]), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const { role, agentId, label } = req.body;
      if (role === 'agent' && !agentId) {
        throw new HttpError(422, 'validation_failed', 'an agent token needs agentId', [{ path: '/agentId', message: 'required for role agent' }]);
      }
      if (role === 'admin' && agentId) {
        throw new HttpError(422, 'validation_failed', 'an admin token is bound to no agent', [{ path: '/agentId', message: 'only for role agent' }]);
      }
      try {
        const created = await createToken(db, { role, agentId, label: label || null, createdBy: principalOf(req).actor });
        return reply.code(201).send(created);
      } catch (err) {
        if (err instanceof UnknownAgentError) throw new HttpError(422, 'validation_failed', err.message, [{ path: '/agentId', message: err.message }]);
        throw err;
      }
    },
  );

  app.get(
    '/tokens',
    {
      config: admin,
      schema: {
        tags: ['tokens'],
        summary: 'Tokens not revoked, newest first (never the token itself)',
        security,
        response: { 200: Type.Object({ data: Type.Array(TokenItem) }), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async () => ({ data: await listTokens(db) }),
  );

  app.delete(
    '/tokens/:id',
    {
      config: admin,
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token: it answers 401 from the next request on (again: no change)',
        security,
        params: IdParams,
        response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const r = await revokeToken(db, req.params.id);
      if (r === 'not_found') throw new HttpError(404, 'not_found', `no token ${req.params.id}`);
      return reply.code(204).send(null);
    },
  );
};
