// Bearer tokens on every path under /api/ (unknown ones too), checked before anything else.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendError } from './errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function registerBearerAuth(app: FastifyInstance, tokens: readonly string[]): void {
  const known = tokens.map(digest);
  app.addHook('onRequest', async (req, reply) => {
    const url = req.url;
    if (!(url === '/api' || url.startsWith('/api/') || url.startsWith('/api?'))) return;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    const given = match ? digest(match[1]!.trim()) : undefined;
    // Compare digests in constant time, against every token.
    let ok = false;
    if (given) for (const k of known) if (timingSafeEqual(k, given)) ok = true;
    if (!ok) {
      reply.header('www-authenticate', 'Bearer');
      return sendError(reply, 401, 'unauthorized', match ? 'invalid bearer token' : 'missing bearer token');
    }
  });
}
