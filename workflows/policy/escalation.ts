// What to do on an SLA breach. Pure and deterministic (bundled into workflow code).
// Urgency goes up one step (urgent stays urgent). The conversation goes to another qualified agent:
// same team, active, speaks the language (any agent when the language is unknown/'und'), under
// capacity, not the current assignee, not already tried; least loaded first, then the lowest
// load/capacity ratio, then id (deterministic). Else the team's lead (if set, not the current
// assignee, not already tried). Else it stays in the team's queue.
import { URGENCIES, type Urgency } from '../../domain/vocabulary.js';
import type { RulesDocument } from '../../domain/rules.js';
import { speaks } from './routing.js';

export interface EscalationCandidate {
  id: string;
  team: string;
  languages: string[];
  active: boolean;
  load: number;
  capacity: number;
}

export interface EscalationInput {
  urgency: Urgency;
  assignee: string | null;
  team: string | null;
  rules: RulesDocument;
  candidates: EscalationCandidate[];
  language: string | null;
  alreadyTried: string[];
}

export interface EscalationDecision {
  newUrgency: Urgency;
  target: { kind: 'agent' | 'lead' | 'queue'; agentId: string | null };
  reasons: string[];
}

export function raiseUrgency(u: Urgency): Urgency {
  return URGENCIES[Math.min(URGENCIES.indexOf(u) + 1, URGENCIES.length - 1)]!;
}

export function decideEscalation(input: EscalationInput): EscalationDecision {
  const { urgency, assignee, team, rules, candidates, alreadyTried } = input;
  const reasons: string[] = [];
  const newUrgency = raiseUrgency(urgency);
  reasons.push(newUrgency === urgency ? `SLA breached; urgency stays ${urgency}` : `SLA breached -> urgency ${urgency} -> ${newUrgency}`);

  const language = input.language && input.language !== 'und' ? input.language : null;
  const tried = new Set(alreadyTried);
  const qualified = candidates
    .filter(
      (c) =>
        c.team === team &&
        c.active &&
        (language === null || speaks(c.languages, language)) &&
        c.load < c.capacity &&
        c.id !== assignee &&
        !tried.has(c.id),
    )
    .sort((a, b) => a.load - b.load || a.load / a.capacity - b.load / b.capacity || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const pick = qualified[0];
  if (pick) {
    reasons.push(`reassigned to ${pick.id} (team ${team}${language ? `, speaks ${language}` : ''}, load ${pick.load}/${pick.capacity})`);
    return { newUrgency, target: { kind: 'agent', agentId: pick.id }, reasons };
  }
  reasons.push(team === null ? 'no team -> no other agent' : `no other qualified agent in team ${team}`);

  const lead = team === null ? undefined : rules.teams.find((t) => t.name === team)?.lead;
  if (lead && lead !== assignee && !tried.has(lead)) {
    reasons.push(`-> team lead ${lead}`);
    return { newUrgency, target: { kind: 'lead', agentId: lead }, reasons };
  }
  reasons.push(lead ? `team lead ${lead} is already on it -> stays queued` : 'no team lead -> stays queued');
  return { newUrgency, target: { kind: 'queue', agentId: null }, reasons };
}
