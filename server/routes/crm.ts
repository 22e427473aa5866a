// The CRM half of the agent API: contacts (with identities, duplicates, merges and CSV imports),
// companies and deals. Registered under /api/v1 by the app.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import { CrmError } from '../../db/crm/errors.js';
import { errorHandler, HttpError } from '../errors.js';
import { companyRoutes } from './companies.js';
import { contactRoutes } from './contacts.js';
import { dealRoutes } from './deals.js';
import { importRoutes } from './imports.js';

export interface CrmRoutesOptions {
  db: Db;
}

/** A rule failure of the data layer as the API's error: 422 naming the field, 404, 409. */
export function crmHttpError(err: CrmError): HttpError {
  switch (err.kind) {
    case 'not_found':
      return new HttpError(404, 'not_found', err.message);
    case 'conflict':
      return new HttpError(409, 'wrong_state', err.message);
    default:
      return new HttpError(422, 'validation_failed', err.message, err.field ? [{ path: `/${err.field}`, message: err.message }] : undefined);
  }
}

export const crmRoutes: FastifyPluginAsyncTypebox<CrmRoutesOptions> = async (app, opts) => {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) =>
    errorHandler(err instanceof CrmError ? (crmHttpError(err) as unknown as FastifyError) : err, req, reply),
  );
  await app.register(contactRoutes, { db: opts.db });
  await app.register(importRoutes, { db: opts.db });
  await app.register(companyRoutes, { db: opts.db });
  await app.register(dealRoutes, { db: opts.db });
};
