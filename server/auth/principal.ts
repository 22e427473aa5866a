// Who is calling: resolved from the bearer token by the auth hook, before anything else runs.
export type Role = 'admin' | 'agent';

export interface Principal {
  /** The token's id: `env_<hash prefix>` for a token of API_TOKENS, else the stored token's id. */
  tokenId: string;
  role: Role;
  /** The agent an `agent` token is bound to (null for admin tokens). */
  agentId: string | null;
  /** That agent's team at the time of the request. */
  team: string | null;
  /** Who an action is recorded as: the agent id, or `admin:<token id>`. */
  actor: string;
  /** Tokens from API_TOKENS (admin, exempt from rate limits) or stored ones. */
  source: 'env' | 'stored';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every request that carried a valid token. */
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** `admin`: only admin tokens (agents get 403). Default: any valid token under /api. */
    access?: 'admin';
  }
}
