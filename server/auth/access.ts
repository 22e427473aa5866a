// What a principal may see and do. An agent token reads and acts on the conversations of its own
// team or assigned to it; an admin token on everything.
import { HttpError } from '../errors.js';
import type { Principal } from './principal.js';

export interface ConversationOwnership {
  team: string | null;
  assignee: string | null;
}

/** The principal of a request under /api (the auth hook guarantees one). */
export function principalOf(req: { principal?: Principal }): Principal {
  if (!req.principal) throw new HttpError(401, 'unauthorized', 'missing bearer token');
  return req.principal;
}

/** Stored and live state both count: a conversation assigned to the agent a moment ago is theirs. */
export function canSeeConversation(p: Principal, ...views: (ConversationOwnership | null | undefined)[]): boolean {
  if (p.role === 'admin') return true;
  return views.some((v) => !!v && ((v.assignee !== null && v.assignee === p.agentId) || (v.team !== null && v.team === p.team)));
}

export function assertConversationAccess(p: Principal, id: string, ...views: (ConversationOwnership | null | undefined)[]): void {
  if (!canSeeConversation(p, ...views)) {
    throw new HttpError(403, 'forbidden', `conversation ${id} belongs to another team; this token may act only on team ${p.team ?? '(none)'} or its own conversations`);
  }
}

/** The list filter an agent's lists get: its team's or its own conversations. Null for admins. */
export function conversationScope(p: Principal): { team: string | null; agentId: string } | null {
  return p.role === 'admin' ? null : { team: p.team, agentId: p.agentId! };
}

export function requireAdmin(p: Principal, what: string): void {
  if (p.role !== 'admin') throw new HttpError(403, 'forbidden', `${what} needs an admin token`);
}
