// /deals: create, read, change, list.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import { createDeal, getDeal, listDeals, updateDeal } from '../../db/crm/deals.js';
import { HttpError } from '../errors.js';
import { ErrorBody, IdParams, Nullable, Paging } from './schemas.js';

const DealStatus = Type.Union([Type.Literal('open'), Type.Literal('won'), Type.Literal('lost')]);

export const Deal = Type.Object({
  id: Type.String(),
  title: Type.String(),
  contactId: Nullable(Type.String()),
  companyId: Nullable(Type.String()),
  stage: Type.String(),
  status: Type.String({ description: 'open | won | lost' }),
  value: Nullable(Type.Number()),
  currency: Nullable(Type.String()),
  ownerAgentId: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const security = [{ bearer: [] }];
const Fields = {
  contactId: Type.Optional(Nullable(Type.String({ maxLength: 64, description: 'a merged-away contact stands for the contact it was merged into' }))),
  companyId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  stage: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'free text; default "new"' })),
  status: Type.Optional(DealStatus),
  value: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 999_999_999_999.99, description: 'kept with two decimals' }))),
  currency: Type.Optional(Nullable(Type.String({ minLength: 3, maxLength: 3, description: 'ISO 4217' }))),
  ownerAgentId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
};

export const dealRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/deals',
    {
      schema: {
        tags: ['deals'],
        summary: 'Create a deal for a contact and/or a company',
        security,
        body: Type.Object({ title: Type.String({ minLength: 1, maxLength: 500 }), ...Fields }),
        response: { 201: Deal, 400: ErrorBody, 401: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => reply.code(201).send(await createDeal(db, req.body)),
  );

  app.get(
    '/deals',
    {
      schema: {
        tags: ['deals'],
        summary: 'List deals, newest first',
        security,
        querystring: Type.Object({
          contactId: Type.Optional(Type.String({ maxLength: 64 })),
          companyId: Type.Optional(Type.String({ maxLength: 64 })),
          stage: Type.Optional(Type.String({ maxLength: 100 })),
          status: Type.Optional(DealStatus),
          ownerAgentId: Type.Optional(Type.String({ maxLength: 64 })),
          ...Paging,
        }),
        response: { 200: Type.Object({ data: Type.Array(Deal), nextCursor: Nullable(Type.String()) }), 401: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return listDeals(db, filter, { limit: limit ?? 50, cursor });
    },
  );

  app.get(
    '/deals/:id',
    { schema: { tags: ['deals'], summary: 'One deal', security, params: IdParams, response: { 200: Deal, 401: ErrorBody, 404: ErrorBody } } },
    async (req) => {
      const d = await getDeal(db, req.params.id);
      if (!d) throw new HttpError(404, 'not_found', `no deal ${req.params.id}`);
      return d;
    },
  );

  app.patch(
    '/deals/:id',
    {
      schema: {
        tags: ['deals'],
        summary: 'Change a deal (null clears a field; a deal keeps a contact or a company)',
        security,
        params: IdParams,
        body: Type.Object({ title: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })), ...Fields }),
        response: { 200: Deal, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => updateDeal(db, req.params.id, req.body),
  );
};
