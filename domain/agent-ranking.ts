// Who gets a conversation: the decision, without the database. db/routing/assignment.ts reads the
// agents under its locks, asks here, then writes what was decided, so the rule is tested as a table
// and the transaction only keeps capacity honest.
//
// Order: the agent who has it already (active, not excluded) keeps it; else the preferred agent
// (active, not excluded, under capacity, speaks the language); else the least loaded free agent of
// the team who speaks it, round robin on ties (assigned longest ago, never first, then id); else the
// team's queue. A language of '', 'und' (and 'mul', 'zxx') means any agent will do.
import { primaryLanguage } from './vocabulary.js';

export interface RankedAgent {
  id: string;
  name: string;
  team: string;
  languages: readonly string[];
  capacity: number;
  active: boolean;
  /** Open conversations assigned to the agent now. */
  load: number;
  lastAssignedAt: Date | null;
}

export interface AgentRequest {
  team: string;
  /** BCP-47; null, '' or 'und': any agent will do. */
  language?: string | null;
  preferredAgentId?: string | null;
  excludeAgentIds?: readonly string[];
  /** Who has the conversation now. */
  currentAssignee?: string | null;
}

export type AgentDecision<A extends RankedAgent> =
  /** Already with a valid agent: nothing moves. */
  | { kind: 'keep'; agent: A; reasons: string[] }
  | { kind: 'place'; agent: A; team: string; reasons: string[] }
  | { kind: 'queue'; reasons: string[] };

export function speaks(agent: { languages: readonly string[] }, language: string | null | undefined): boolean {
  const want = primaryLanguage(language);
  if (!want) return true;
  return agent.languages.some((l) => primaryLanguage(l) === want);
}

const hasRoom = (a: RankedAgent) => a.active && a.load < a.capacity;

/** Least loaded first; round robin on ties: assigned longest ago (never first), then id. */
export function compareCandidates(a: RankedAgent, b: RankedAgent): number {
  if (a.load !== b.load) return a.load - b.load;
  const at = a.lastAssignedAt?.getTime() ?? -Infinity;
  const bt = b.lastAssignedAt?.getTime() ?? -Infinity;
  if (at !== bt) return at < bt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The active agents with room who speak the language, best first. */
export function freeAgents<A extends RankedAgent>(agents: readonly A[], language: string | null | undefined): A[] {
  return agents.filter((a) => hasRoom(a) && speaks(a, language)).sort(compareCandidates);
}

/**
 * The decision for one conversation. `agents`: the team's agents plus the preferred and current
 * ones (any team), with their loads. Pure: the agents are not changed.
 */
export function rankAgents<A extends RankedAgent>(agents: readonly A[], req: AgentRequest): AgentDecision<A> {
  const { team } = req;
  const language = primaryLanguage(req.language);
  const exclude = new Set(req.excludeAgentIds ?? []);
  const byId = (id: string | null | undefined) => (id ? agents.find((a) => a.id === id) : undefined);
  const reasons: string[] = [];

  const current = byId(req.currentAssignee);
  if (current && current.active && !exclude.has(current.id)) {
    return { kind: 'keep', agent: current, reasons: [`already assigned to ${current.name} (${current.id})`] };
  }
  if (current && !current.active) reasons.push(`current assignee ${current.name} is inactive`);
  if (current && exclude.has(current.id)) reasons.push(`current assignee ${current.name} is excluded`);

  // 1. The preferred agent.
  const preferred = req.preferredAgentId ?? null;
  if (preferred) {
    const p = byId(preferred);
    if (!p) reasons.push(`preferred agent ${preferred} not found`);
    else if (exclude.has(p.id)) reasons.push(`preferred agent ${p.name} is excluded`);
    else if (!p.active) reasons.push(`preferred agent ${p.name} is inactive`);
    else if (p.load >= p.capacity) reasons.push(`preferred agent ${p.name} is at capacity (${p.load}/${p.capacity})`);
    else if (!speaks(p, language)) reasons.push(`preferred agent ${p.name} does not speak ${language}`);
    else {
      reasons.push(`preferred agent ${p.name} (load ${p.load}/${p.capacity})`);
      return { kind: 'place', agent: p, team: p.team, reasons };
    }
  }

  // 2. The least loaded qualified agent of the team, round robin on ties.
  const teamAgents = agents.filter((a) => a.team === team);
  const qualified = teamAgents.filter((a) => a.active && !exclude.has(a.id) && speaks(a, language));
  const free = freeAgents(qualified, language);
  const best = free[0];
  if (best) {
    reasons.push(
      `least loaded of ${free.length} free ${language ? `${language}-speaking ` : ''}agent(s) of team ${team}: ${best.name} (load ${best.load}/${best.capacity})`,
    );
    return { kind: 'place', agent: best, team, reasons };
  }

  // 3. The team's queue.
  if (!teamAgents.length) reasons.push(`team ${team} has no agents`);
  else if (!qualified.length) reasons.push(`no active agent of team ${team} speaks ${language ?? 'the language'}`);
  else reasons.push(`all ${qualified.length} qualified agent(s) of team ${team} are at capacity`);
  return { kind: 'queue', reasons };
}
