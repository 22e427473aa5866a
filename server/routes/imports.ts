// POST /contacts/import (CSV) and GET /contacts/imports/:id (progress). A text/csv body is parsed as
// it arrives (never held whole), the row cap enforced while reading. Rows are created in the
// background of this process; progress lives in contact_imports, so any API process can answer it.
// One running import per token. An import whose process died is failed at the row it reached: when
// it is read, when its token starts another, and by a sweep at start and every little while.
import type { Readable } from 'node:stream';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import {
  beginImport,
  claimImport,
  dropClaim,
  failStaleImports,
  getImport,
  heartbeatImports,
  IMPORT_STALE_AFTER_MS,
  MAX_IMPORT_ROWS,
  parseContactsCsv,
  readContactsCsv,
  runImport,
  type ParsedImport,
} from '../../db/crm/imports.js';
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

const JsonImport = Type.Object({
  csv: Type.String({ maxLength: 20 * 1024 * 1024, description: 'the CSV text' }),
  defaultCountry: Type.Optional(Nullable(Type.String({ maxLength: 2 }))),
});

const security = [{ bearer: [] }];

/** Largest CSV accepted. */
const CSV_BODY_LIMIT = 20 * 1024 * 1024;

export interface ImportRoutesOptions {
  db: Db;
  /** Rows per import (default MAX_IMPORT_ROWS). */
  maxRows?: number;
  /** A running import whose heartbeat is older than this lost its process (default 20 s). */
  staleAfterMs?: number;
  /** How often this process's running imports write their heartbeat (default a quarter of staleAfterMs, at most 5 s). */
  heartbeatMs?: number;
  /** How often every import is checked for a lost process (default staleAfterMs). */
  sweepEveryMs?: number;
}

const tooLarge = () => new HttpError(413, 'body_too_large', `the CSV is larger than ${CSV_BODY_LIMIT / 1024 / 1024} MiB; split the file`);

/** A text/csv body as a stream, read by the handler once the token's import is claimed. */
class CsvUpload {
  private bytes = 0;
  constructor(private readonly stream: Readable) {}

  async *chunks(): AsyncGenerator<Buffer> {
    // Not destroyed when the reader stops early (the socket with it): the answer must reach the client.
    for await (const chunk of this.stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      this.bytes += chunk.length;
      if (this.bytes > CSV_BODY_LIMIT) throw tooLarge();
      yield chunk;
    }
  }

  /** After an early answer: the rest is read and dropped (up to the limit), so the connection stays usable. */
  discardRest(): void {
    if (this.stream.readableEnded || this.stream.destroyed) return;
    this.stream.on('data', (c: Buffer) => {
      this.bytes += c.length;
      if (this.bytes > CSV_BODY_LIMIT) this.stream.destroy();
    });
    this.stream.resume();
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export const importRoutes: FastifyPluginAsyncTypebox<ImportRoutesOptions> = async (app, opts) => {
  const { db } = opts;
  const maxRows = opts.maxRows ?? MAX_IMPORT_ROWS;
  const staleAfterMs = opts.staleAfterMs ?? IMPORT_STALE_AFTER_MS;
  const heartbeatMs = opts.heartbeatMs ?? Math.min(5000, Math.floor(staleAfterMs / 4));
  const sweepEveryMs = opts.sweepEveryMs ?? staleAfterMs;

  const running = new Set<Promise<void>>();
  /** Imports of this process, from their claim to their end: their heartbeat is ours to write. */
  const active = new Set<string>();
  const stop = new AbortController();
  const timers: NodeJS.Timeout[] = [];

  const sweep = async () => {
    try {
      const failed = await failStaleImports(db, { staleAfterMs });
      if (failed.length > 0) app.log.warn({ importIds: failed }, 'contact imports whose process stopped were marked failed');
    } catch (err) {
      app.log.warn({ err }, 'could not check contact imports for a stopped process');
    }
  };
  app.addHook('onReady', async () => {
    // Not awaited: the app comes up even while the database is away (the next sweep retries).
    void sweep();
    timers.push(
      setInterval(() => void sweep(), sweepEveryMs).unref(),
      setInterval(() => {
        if (active.size === 0) return;
        heartbeatImports(db, [...active]).catch((err) => app.log.warn({ err }, 'could not write the heartbeat of contact imports'));
      }, heartbeatMs).unref(),
    );
  });
  app.addHook('onClose', async () => {
    stop.abort();
    await Promise.allSettled([...running]);
    for (const t of timers) clearInterval(t);
  });

  app.addContentTypeParser(['text/csv', 'application/csv'], (req, payload, done) => {
    if (Number(req.headers['content-length']) > CSV_BODY_LIMIT) return done(tooLarge(), undefined);
    done(null, new CsvUpload(payload ?? req.raw));
  });

  app.post(
    '/contacts/import',
    {
      bodyLimit: CSV_BODY_LIMIT,
      schema: {
        tags: ['contacts'],
        summary: 'Import contacts from CSV (text/csv body, or JSON { csv, defaultCountry }); answers at once, rows are created in the background',
        description:
          'Header row with columns among name, phone, country, email, company (found by name or created), owner (agent id or name), language, timezone; `,` `;` or tab separated. ' +
          `At most ${maxRows} rows and 20 MiB. Each row gets the same checks, identities and duplicate flags as POST /contacts; a bad row is reported in \`errors\` and skipped. ` +
          'Follow progress with GET /contacts/imports/:id. One import runs at a time per token (409 import_running while one does).',
        security,
        querystring: Type.Object({ defaultCountry: Type.Optional(Type.String({ maxLength: 2, description: 'region of national phone numbers without a country column' })) }),
        // Per media type: the CSV is a stream, read (and checked) by the handler.
        body: {
          content: {
            'application/json': { schema: JsonImport },
            'text/csv': { schema: Type.Unknown({ description: 'the CSV text' }) },
          },
        },
        response: { 202: ContactImport, 400: ErrorBody, 401: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const body = req.body as unknown;
      const upload = body instanceof CsvUpload ? body : undefined;
      try {
        const json = isRecord(body) && !upload && typeof body.csv === 'string' ? (body as { csv: string; defaultCountry?: string | null }) : undefined;
        if (!upload && !json && typeof body !== 'string') {
          throw new HttpError(422, 'validation_failed', 'a CSV is expected: a text/csv body, or JSON { csv, defaultCountry }', [{ path: '/csv', message: 'required' }]);
        }
        const defaultCountry = checkCountry(json?.defaultCountry ?? req.query.defaultCountry, 'defaultCountry');
        const tokenId = req.principal?.tokenId ?? 'anonymous';
        // The token's slot first (before reading the file): a second import is refused at once.
        const claim = await claimImport(db, { tokenId, defaultCountry, staleAfterMs });
        if ('running' in claim) {
          const r = claim.running;
          const path = `${req.routeOptions.url?.replace(/import$/, 'imports') ?? '/contacts/imports'}/${r.id}`;
          throw new HttpError(
            409,
            'import_running',
            `import ${r.id} of this token is still running (${r.total === 0 ? 'its file is being read' : `${r.processed} of ${r.total} rows done`}); ` +
              `follow it with GET ${path} and start the next import when it has ended`,
            { importId: r.id },
          );
        }
        active.add(claim.id);
        let job;
        try {
          let parsed: ParsedImport;
          if (upload) parsed = await readContactsCsv(upload.chunks(), { maxRows });
          else parsed = await parseContactsCsv(json ? json.csv : (body as string), { maxRows });
          if (stop.signal.aborted) throw new HttpError(503, 'shutting_down', 'the server is shutting down; retry');
          job = await beginImport(db, claim.id, parsed.rows);
          if (!job) throw new HttpError(503, 'shutting_down', 'the import was stopped while its file was read; retry');
          if (parsed.rows.length > 0) {
            const p = runImport(db, claim.id, parsed.rows, { defaultCountry, signal: stop.signal })
              .then((outcome) => {
                if (outcome === 'lost') req.log.warn({ importId: claim.id }, 'contact import was failed elsewhere (its heartbeat looked stale); stopped');
              })
              .catch((err) => req.log.error({ err, importId: claim.id }, 'contact import failed'))
              .finally(() => {
                running.delete(p);
                active.delete(claim.id);
              });
            running.add(p);
          } else active.delete(claim.id);
        } catch (err) {
          active.delete(claim.id);
          await dropClaim(db, claim.id).catch(() => {});
          throw err;
        }
        return reply.code(202).send(job);
      } catch (err) {
        if (upload) {
          // Too large: the rest is not read (the connection closes). Otherwise drop the rest and keep it.
          if (err instanceof HttpError && err.statusCode === 413) reply.header('connection', 'close');
          else upload.discardRest();
        }
        throw err;
      }
    },
  );

  app.get(
    '/contacts/imports/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Progress of a contact import, with the errors of its rows',
        security,
        params: Type.Object({ id: Type.String({ maxLength: 512 }) }),
        response: { 200: ContactImport, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const job = await getImport(db, req.params.id, { staleAfterMs });
      if (!job) throw new HttpError(404, 'not_found', `no import ${req.params.id}`);
      return job;
    },
  );
};
