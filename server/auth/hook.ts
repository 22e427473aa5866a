// Bearer tokens on every path under /api/ (unknown ones too), checked before anything else, on the
// path as the router resolves it. Tokens of API_TOKENS are admins; stored tokens carry their role.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import { findActiveToken, hashToken, touchToken } from '../../db/auth/tokens.js';
import { sendError } from '../errors.js';
import { isApiPath, resolvedPath } from './path.js';
import type { Principal } from './principal.js';

export interface AuthOptions {
  db: Db;
  /** API_TOKENS: admin tokens from the environment. */
  apiTokens: readonly string[];
}

export interface Authenticator {
  /** The principal of an Authorization header, or null (no, malformed or unknown token). */
  authenticate(header: string | undefined): Promise<Principal | null>;
  /** Whether this request must carry a token: its route, or its resolved path, is under /api. */
  needsToken(req: { url: string; routeOptions?: { url?: string } }): boolean;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function createAuthenticator(opts: AuthOptions): Authenticator {
  const env = opts.apiTokens.map((t) => {
    const digest = sha256(t);
    return { digest, id: `env_${digest.toString('hex').slice(0, 12)}` };
  });
  return {
    async authenticate(header) {
      const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec((header ?? '').trim());
      if (!match) return null;
      const token = match[1]!;
      // Tokens are short; anything long is not one (and is not worth hashing).
      if (token.length > 256) return null;
      const given = sha256(token);
      // Constant time against every environment token.
      let hit: (typeof env)[number] | undefined;
      for (const e of env) if (timingSafeEqual(e.digest, given)) hit = e;
      if (hit) return { tokenId: hit.id, role: 'admin', agentId: null, team: null, actor: `admin:${hit.id}`, source: 'env' };
      // A stored token is found by its hash (an index lookup: the hash, not the token, is compared).
      const stored = await findActiveToken(opts.db, hashToken(token));
      if (!stored) return null;
      void touchToken(opts.db, stored.id).catch(() => {});
      return stored.role === 'admin'
        ? { tokenId: stored.id, role: 'admin', agentId: null, team: null, actor: `admin:${stored.id}`, source: 'stored' }
        : { tokenId: stored.id, role: 'agent', agentId: stored.agentId, team: stored.team, actor: stored.agentId!, source: 'stored' };
    },
    needsToken(req) {
      const route = req.routeOptions?.url;
      return (route !== undefined && isApiPath(route)) || isApiPath(resolvedPath(req.url));
    },
  };
}

/** 401 (with the reason), 403 for an admin-only route, or nothing: the request goes on with `req.principal`. */
export async function checkAccess(auth: Authenticator, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  if (!auth.needsToken(req)) return true;
  const header = req.headers.authorization;
  let principal: Principal | null;
  try {
    principal = await auth.authenticate(header);
  } catch (err) {
    req.log.error({ err }, 'token lookup failed');
    sendError(reply.header('retry-after', '5'), 503, 'unavailable', 'tokens cannot be checked right now; retry later');
    return false;
  }
  if (!principal) {
    reply.header('www-authenticate', 'Bearer');
    sendError(reply, 401, 'unauthorized', header ? 'invalid bearer token' : 'missing bearer token');
    return false;
  }
  req.principal = principal;
  if (req.routeOptions.config?.access === 'admin' && principal.role !== 'admin') {
    sendError(reply, 403, 'forbidden', 'this operation needs an admin token');
    return false;
  }
  return true;
}

export function registerAuth(app: FastifyInstance, auth: Authenticator): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (req, reply) => {
    if (!(await checkAccess(auth, req, reply))) return reply;
  });
}
