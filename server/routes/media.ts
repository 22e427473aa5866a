// Media kept by Threadline, served to agents behind the same token rules as the conversations it
// belongs to (an agent token: only media of conversations it may see). Always as an attachment with
// its stored type and nosniff, so a buyer's file is never run by the browser.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { findMedia, mediaConversations, type MediaStore } from '../../db/media.js';
import { conversations } from '../../db/schema.js';
import { isUuid } from '../../domain/ids.js';
import { canSeeConversation, principalOf } from '../auth/access.js';
import { HttpError } from '../errors.js';
import { ErrorBody } from './schemas.js';

export interface MediaRoutesOptions {
  db: Db;
  media?: MediaStore;
}

export const mediaRoutes: FastifyPluginAsyncTypebox<MediaRoutesOptions> = async (app, opts) => {
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
