// POST /contacts/import (CSV) and GET /contacts/imports/:id (progress). Rows are created in the
// background of this process; progress lives in contact_imports, so any API process can answer it.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import { createImport, getImport, parseContactsCsv, runImport } from '../../db/crm/imports.js';
import { checkCountry } from '../../db/crm/contact-input.js';
import { HttpError } from '../errors.js';
import { ErrorBody, Nullable } from './schemas.js';

export const ContactImport = Type.Object({
  id: Type.String(),
  status: Type.String({ description: 'running | done | failed' }),
  total: Type.Integer(),
  processed: Type.Integer(),
  created: Type.Integer(),
  failed: Type.Integer(),
  errors: Type.Array(
    Type.Object({
      row: Type.Integer({ description: 'the row as a spreadsheet shows the file: the header is row 1, blank lines count' }),
      field: Type.Optional(Type.String()),
      message: Type.String(),
    }),
  ),
  defaultCountry: Nullable(Type.String()),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
});

const security = [{ bearer: [] }];

/** Largest CSV accepted. */
const CSV_BODY_LIMIT = 20 * 1024 * 1024;

export const importRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  const running = new Set<Promise<void>>();
  const stop = new AbortController();
  app.addHook('onClose', async () => {
    stop.abort();
    await Promise.allSettled([...running]);
  });

  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );

  app.post(
    '/contacts/import',
    {
      bodyLimit: CSV_BODY_LIMIT,
      schema: {
        tags: ['contacts'],
        summary: 'Import contacts from CSV (text/csv body, or JSON { csv, defaultCountry }); answers at once, rows are created in the background',
        description:
          'Header row with columns among name, phone, country, email, company (found by name or created), owner (agent id or name), language, timezone; `,` `;` or tab separated. ' +
          'Each row gets the same checks, identities and duplicate flags as POST /contacts; a bad row is reported in `errors` and skipped. Follow progress with GET /contacts/imports/:id.',
        security,
        consumes: ['text/csv', 'application/json'],
        querystring: Type.Object({ defaultCountry: Type.Optional(Type.String({ description: 'region of national phone numbers without a country column' })) }),
        body: Type.Union([
          Type.String({ description: 'the CSV text' }),
          Type.Object({ csv: Type.String(), defaultCountry: Type.Optional(Nullable(Type.String())) }),
        ]),
        response: { 202: ContactImport, 400: ErrorBody, 401: ErrorBody, 413: ErrorBody, 415: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const text = typeof body === 'string' ? body : body.csv;
      const given = (typeof body === 'string' ? undefined : body.defaultCountry) ?? req.query.defaultCountry;
      const defaultCountry = checkCountry(given, 'defaultCountry');
      const parsed = parseContactsCsv(text);
      const job = await createImport(db, parsed.rows.length, defaultCountry);
      if (parsed.rows.length > 0) {
        const p = runImport(db, job.id, parsed.rows, { defaultCountry, signal: stop.signal })
          .catch((err) => req.log.error({ err, importId: job.id }, 'contact import failed'))
          .finally(() => running.delete(p));
        running.add(p);
      }
      return reply.code(202).send(job);
    },
  );

  app.get(
    '/contacts/imports/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Progress of a contact import, with the errors of its rows',
        security,
        params: Type.Object({ id: Type.String() }),
        response: { 200: ContactImport, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const job = await getImport(db, req.params.id);
      if (!job) throw new HttpError(404, 'not_found', `no import ${req.params.id}`);
      return job;
    },
  );
};

