// /deals: create, read, change, list.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import { createDeal, getDeal, listDeals, updateDeal } from '../../db/crm/deals.js';
import { decideStageChange, listStageChanges, STAGE_CHANGE_STATUSES, type StageChangeAction } from '../../db/crm/deal-stages.js';
import { principalOf } from '../auth/access.js';
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
  lastContactAt: Nullable(Type.String({ description: 'the latest message either way (kept as messages are stored)' })),
  lastInboundAt: Nullable(Type.String({ description: "the buyer's latest message" })),
  lastOutboundAt: Nullable(Type.String({ description: 'our latest message (agent or automation)' })),
});

export const StageChange = Type.Object({
  id: Type.String(),
  dealId: Type.String(),
  conversationId: Nullable(Type.String({ description: 'the conversation whose message proposed it' })),
  from: Type.String(),
  to: Type.String(),
  status: Type.String({ description: 'proposed | applied | rejected | reverted' }),
  reason: Type.String(),
  signal: Type.Unknown({ description: '{ intent, messages }: what proposed it' }),
  proposedBy: Type.String(),
  proposedAt: Type.String(),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Type.String()),
  revertedBy: Nullable(Type.String()),
  revertedAt: Nullable(Type.String()),
});

const StageChangeStatus = Type.Union(STAGE_CHANGE_STATUSES.map((s) => Type.Literal(s)));

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

  // Stage changes proposed by what buyers say (rules.deals), confirmed, rejected or reverted by a person.
  const changesPage = { 200: Type.Object({ data: Type.Array(StageChange), nextCursor: Nullable(Type.String()) }), 401: ErrorBody, 404: ErrorBody, 422: ErrorBody };
  app.get(
    '/deal-stage-changes',
    {
      schema: {
        tags: ['deals'],
        summary: 'Deal stage changes, newest first (status=proposed: what waits for a person)',
        security,
        querystring: Type.Object({ dealId: Type.Optional(Type.String({ maxLength: 64 })), status: Type.Optional(StageChangeStatus), ...Paging }),
        response: changesPage,
      },
    },
    async (req) => {
      const { limit, cursor, ...filter } = req.query;
      return listStageChanges(db, filter, { limit: limit ?? 50, cursor });
    },
  );

  app.get(
    '/deals/:id/stage-changes',
    { schema: { tags: ['deals'], summary: "One deal's stage changes, newest first", security, params: IdParams, querystring: Type.Object({ ...Paging }), response: changesPage } },
    async (req) => {
      if (!(await getDeal(db, req.params.id))) throw new HttpError(404, 'not_found', `no deal ${req.params.id}`);
      return listStageChanges(db, { dealId: req.params.id }, { limit: req.query.limit ?? 50, cursor: req.query.cursor });
    },
  );

  const ACTIONS: { path: StageChangeAction; summary: string }[] = [
    { path: 'confirm', summary: 'Confirm a proposed stage change: the deal moves (409 if the deal moved meanwhile)' },
    { path: 'reject', summary: 'Reject a proposed stage change: the deal stays' },
    { path: 'revert', summary: 'Revert an applied stage change: the deal goes back (409 if it moved on since)' },
  ];
  for (const a of ACTIONS) {
    app.post(
      `/deal-stage-changes/:id/${a.path}`,
      { schema: { tags: ['deals'], summary: a.summary, security, params: IdParams, response: { 200: StageChange, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody } } },
      async (req) => decideStageChange(db, req.params.id, a.path, principalOf(req).actor),
    );
  }
};
