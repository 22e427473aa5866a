// /companies: create, read, change, list.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import { createCompany, getCompany, listCompanies, updateCompany } from '../../db/crm/companies.js';
import { HttpError } from '../errors.js';
import { ErrorBody, IdParams, Nullable, Paging } from './schemas.js';

export const Company = Type.Object({
  id: Type.String(),
  name: Type.String(),
  domain: Nullable(Type.String()),
  ownerAgentId: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastContactAt: Nullable(Type.String({ description: 'the latest message either way (kept as messages are stored)' })),
  lastInboundAt: Nullable(Type.String({ description: "the buyer's latest message" })),
  lastOutboundAt: Nullable(Type.String({ description: 'our latest message (agent or automation)' })),
});

const security = [{ bearer: [] }];
const Fields = {
  domain: Type.Optional(Nullable(Type.String({ maxLength: 255, description: 'e.g. acme.com (a URL is cut down to its domain)' }))),
  ownerAgentId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
};

export const companyRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/companies',
    {
      schema: {
        tags: ['companies'],
        summary: 'Create a company',
        security,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 500 }), ...Fields }),
        response: { 201: Company, 400: ErrorBody, 401: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => reply.code(201).send(await createCompany(db, req.body)),
  );

  app.get(
    '/companies',
    {
      schema: {
        tags: ['companies'],
        summary: 'List companies, newest first',
        security,
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200, description: 'part of the name or domain' })),
          domain: Type.Optional(Type.String({ maxLength: 255 })),
          ownerAgentId: Type.Optional(Type.String({ maxLength: 64 })),
          ...Paging,
        }),
        response: { 200: Type.Object({ data: Type.Array(Company), nextCursor: Nullable(Type.String()) }), 401: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return listCompanies(db, filter, { limit: limit ?? 50, cursor });
    },
  );

  app.get(
    '/companies/:id',
    { schema: { tags: ['companies'], summary: 'One company', security, params: IdParams, response: { 200: Company, 401: ErrorBody, 404: ErrorBody } } },
    async (req) => {
      const c = await getCompany(db, req.params.id);
      if (!c) throw new HttpError(404, 'not_found', `no company ${req.params.id}`);
      return c;
    },
  );

  app.patch(
    '/companies/:id',
    {
      schema: {
        tags: ['companies'],
        summary: 'Change a company (null clears a field)',
        security,
        params: IdParams,
        body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })), ...Fields }),
        response: { 200: Company, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => updateCompany(db, req.params.id, req.body),
  );
};
