import { describe, expect, it } from 'vitest';
import { decideEscalation, raiseUrgency, type EscalationCandidate, type EscalationInput } from '../../workflows/policy/escalation.js';
import { DEFAULT_RULES, type RulesDocument } from '../../domain/rules.js';

const rules: RulesDocument = {
  ...DEFAULT_RULES,
  teams: [
    { name: 'sales', intents: ['pricing'], languages: ['ar', 'en'], lead: 'lead-sales' },
    { name: 'support', intents: ['complaint'], languages: ['ar', 'en'] },
  ],
};
const agent = (id: string, o: Partial<EscalationCandidate> = {}): EscalationCandidate => ({ id, team: 'sales', languages: ['ar', 'en'], active: true, load: 1, capacity: 5, ...o });
const escalate = (o: Partial<EscalationInput> = {}) =>
  decideEscalation({ urgency: 'normal', assignee: 'a-current', team: 'sales', rules, candidates: [], language: 'ar', alreadyTried: [], ...o });

describe('urgency steps', () => {
  it('low -> normal -> high -> urgent, urgent stays', () => {
    expect(raiseUrgency('low')).toBe('normal');
    expect(raiseUrgency('normal')).toBe('high');
    expect(raiseUrgency('high')).toBe('urgent');
    expect(raiseUrgency('urgent')).toBe('urgent');
    expect(escalate({ urgency: 'low' }).newUrgency).toBe('normal');
    expect(escalate({ urgency: 'high' }).newUrgency).toBe('urgent');
    const u = escalate({ urgency: 'urgent' });
    expect(u.newUrgency).toBe('urgent');
    expect(u.reasons[0]).toBe('SLA breached; urgency stays urgent');
    expect(escalate().reasons[0]).toBe('SLA breached -> urgency normal -> high');
  });
});

describe('target: another qualified agent', () => {
  it('the least loaded qualified agent', () => {
    const d = escalate({ candidates: [agent('a-busy', { load: 3 }), agent('a-free', { load: 0 }), agent('a-mid', { load: 2 })] });
    expect(d.target).toEqual({ kind: 'agent', agentId: 'a-free' });
    expect(d.reasons).toContain('reassigned to a-free (team sales, speaks ar, load 0/5)');
  });
  it('ties: the lower load ratio, then the id', () => {
    expect(escalate({ candidates: [agent('b', { load: 1, capacity: 2 }), agent('c', { load: 1, capacity: 10 })] }).target.agentId).toBe('c');
    expect(escalate({ candidates: [agent('z'), agent('m')] }).target.agentId).toBe('m');
  });
  for (const [why, c] of [
    ['another team', agent('x', { team: 'support', load: 0 })],
    ['inactive', agent('x', { active: false, load: 0 })],
    ["doesn't speak the language", agent('x', { languages: ['en'], load: 0 })],
    ['at capacity', agent('x', { load: 5, capacity: 5 })],
    ['zero capacity', agent('x', { load: 0, capacity: 0 })],
    ['the current assignee', agent('a-current', { load: 0 })],
    ['already tried', agent('tried', { load: 0 })],
  ] as const) {
    it(`skips an agent who is ${why}`, () => {
      const d = escalate({ candidates: [c, agent('ok', { load: 4 })], alreadyTried: ['tried'] });
      expect(d.target).toEqual({ kind: 'agent', agentId: 'ok' });
    });
  }
  it('language by primary subtag; unknown language: any agent', () => {
    expect(escalate({ language: 'ar-SA', candidates: [agent('x', { languages: ['ar'] })] }).target.agentId).toBe('x');
    expect(escalate({ language: 'und', candidates: [agent('x', { languages: ['fr'] })] }).target.agentId).toBe('x');
    expect(escalate({ language: null, candidates: [agent('x', { languages: ['fr'] })] }).target.agentId).toBe('x');
  });
});

describe('target: the team lead', () => {
  it('no other qualified agent -> the lead', () => {
    const d = escalate({ candidates: [agent('a-current', { load: 0 }), agent('x', { active: false })] });
    expect(d.target).toEqual({ kind: 'lead', agentId: 'lead-sales' });
    expect(d.reasons).toContain('-> team lead lead-sales');
    expect(d.newUrgency).toBe('high');
  });
  it('works with no assignee', () => {
    expect(escalate({ assignee: null }).target).toEqual({ kind: 'lead', agentId: 'lead-sales' });
  });
});

describe('target: stays queued', () => {
  it('the lead is the current assignee', () => {
    const d = escalate({ assignee: 'lead-sales' });
    expect(d.target).toEqual({ kind: 'queue', agentId: null });
    expect(d.reasons).toContain('team lead lead-sales is already on it -> stays queued');
  });
  it('the lead was already tried', () => {
    expect(escalate({ alreadyTried: ['lead-sales'] }).target.kind).toBe('queue');
  });
  it('the team has no lead', () => {
    const d = escalate({ team: 'support', candidates: [agent('x')] });
    expect(d.target).toEqual({ kind: 'queue', agentId: null });
    expect(d.reasons).toContain('no team lead -> stays queued');
  });
  it('no team', () => {
    const d = escalate({ team: null, candidates: [agent('x')] });
    expect(d.target.kind).toBe('queue');
    expect(d.newUrgency).toBe('high');
  });
});
