// Media kept by Threadline, served to agents behind the same token rules as the conversations it
// belongs to (an agent token: only media of conversations it may see). Always as an attachment with
// its stored type and nosniff, so a buyer's file is never run by the browser.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { findMedia, keepUploadedMedia, mediaConversations, type MediaStore } from '../../db/media.js';
import { conversations } from '../../db/schema.js';
import { isUuid } from '../../domain/ids.js';
import { canSeeConversation, principalOf } from '../auth/access.js';
import { HttpError } from '../errors.js';
import { ErrorBody } from './schemas.js';

export interface MediaRoutesOptions {
  db: Db;
  media?: MediaStore;
}

/** WhatsApp's largest media (a document: 100 MB); images 5 MB, video and audio 16 MB (Meta checks the rest). */
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
const MIME = /^[\w.+-]+\/[\w.+-]+$/;

export const mediaRoutes: FastifyPluginAsyncTypebox<MediaRoutesOptions> = async (app, opts) => {
  // The upload is the raw file, its Content-Type its type (this plugin only).
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) => done(null, body));

  app.post(
    '/media',
    {
      bodyLimit: MAX_UPLOAD_BYTES,
      schema: {
        tags: ['media'],
        summary: 'Upload a file to send in a reply (the raw bytes; Content-Type is its type; ?filename= for documents)',
        security: [{ bearer: [] }],
        querystring: Type.Object({ filename: Type.Optional(Type.String({ minLength: 1, maxLength: 240 })) }),
        response: { 201: Type.Object({ id: Type.String(), sha256: Type.String(), size: Type.Integer(), mimeType: Type.String() }), 401: ErrorBody, 413: ErrorBody, 415: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      principalOf(req);
      const mimeType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!MIME.test(mimeType) || mimeType === 'application/json' || mimeType.startsWith('multipart/')) {
        throw new HttpError(415, 'unsupported_media_type', 'send the file itself as the body, with its Content-Type (image/jpeg, application/pdf...)');
      }
      const bytes = req.body as Buffer;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new HttpError(422, 'validation_failed', 'the file is empty');
      if (!opts.media) throw new HttpError(503, 'media_store_unavailable', 'no media store is configured');
      const row = await keepUploadedMedia(opts.db, opts.media, { bytes, mimeType, filename: req.query.filename ?? null });
      return reply.code(201).send({ id: row.id, sha256: row.sha256, size: row.size, mimeType: row.mimeType });
    },
  );

  app.get(
    '/media/:id',
    {
      schema: {
        tags: ['media'],
        summary: "A kept media item's bytes (a buyer's image, document, audio...), with its type and sha256",
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const row = isUuid(req.params.id) ? await findMedia(opts.db, req.params.id) : null;
      if (!row) throw new HttpError(404, 'not_found', `no media ${req.params.id}`);
      if (p.role !== 'admin') {
        const ids = await mediaConversations(opts.db, row.id);
        const convs = ids.length ? await opts.db.select({ assignee: conversations.assignee, team: conversations.team }).from(conversations).where(inArray(conversations.id, ids)) : [];
        if (!canSeeConversation(p, ...convs)) throw new HttpError(403, 'forbidden', `media ${row.id} belongs to conversations this token may not see`);
      }
      const bytes = opts.media ? await opts.media.get(row.sha256) : null;
      if (!bytes) throw new HttpError(404, 'not_found', `the bytes of media ${row.id} are not in the media store`);
      const name = (row.filename ?? `${row.id}`).replace(/[^\w.\- ]+/g, '_').slice(0, 200);
      return reply
        .header('content-type', row.mimeType)
        .header('content-length', String(bytes.length))
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-content-sha256', row.sha256)
        .header('cache-control', 'private, no-store')
        .send(bytes as never);
    },
  );
};
