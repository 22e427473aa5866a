// Who gets a conversation (domain/agent-ranking.ts), as a table: the rows the assignment
// transaction read under its locks in, the decision out.
import { describe, expect, it } from 'vitest';
import { compareCandidates, freeAgents, rankAgents, speaks, type AgentRequest, type RankedAgent } from '../../domain/agent-ranking.js';

const T0 = Date.parse('2026-03-01T09:00:00Z');
const agent = (id: string, o: Partial<RankedAgent> = {}): RankedAgent => ({
  id,
  name: id.toUpperCase(),
  team: 'sales',
  languages: ['ar', 'en'],
  capacity: 3,
  active: true,
  load: 0,
  lastAssignedAt: null,
  ...o,
});
const at = (min: number) => new Date(T0 + min * 60_000);

interface Case {
  name: string;
  agents: RankedAgent[];
  req: Partial<AgentRequest>;
  kind: 'keep' | 'place' | 'queue';
  /** The chosen agent (keep, place). */
  agent?: string;
  /** The team it is placed in (place). */
  team?: string;
  /** Each of these is one of the reasons. */
  reasons: string[];
}

const CASES: Case[] = [
  // Least loaded, round robin on ties.
  {
    name: 'the least loaded agent of the team',
    agents: [agent('a', { load: 2 }), agent('b', { load: 1 }), agent('c', { load: 2 })],
    req: {},
    kind: 'place',
    agent: 'b',
    team: 'sales',
    reasons: ['least loaded of 3 free agent(s) of team sales: B (load 1/3)'],
  },
  {
    name: 'equal loads: the one assigned longest ago',
    agents: [agent('a', { load: 1, lastAssignedAt: at(5) }), agent('b', { load: 1, lastAssignedAt: at(1) }), agent('c', { load: 1, lastAssignedAt: at(9) })],
    req: {},
    kind: 'place',
    agent: 'b',
    reasons: ['least loaded of 3 free agent(s) of team sales: B (load 1/3)'],
  },
  {
    name: 'equal loads: never assigned comes first, then the lowest id',
    agents: [agent('c', { lastAssignedAt: at(1) }), agent('b'), agent('a')],
    req: {},
    kind: 'place',
    agent: 'a',
    reasons: ['least loaded of 3 free agent(s) of team sales: A (load 0/3)'],
  },
  {
    name: 'agents of other teams are not candidates',
    agents: [agent('a', { team: 'support' }), agent('b', { load: 2 })],
    req: {},
    kind: 'place',
    agent: 'b',
    reasons: ['least loaded of 1 free agent(s) of team sales: B (load 2/3)'],
  },
  // Language.
  {
    name: 'only agents who speak the language, on its primary subtag',
    agents: [agent('a', { languages: ['en'] }), agent('b', { languages: ['ar-SA'], load: 2 })],
    req: { language: 'ar_EG' },
    kind: 'place',
    agent: 'b',
    reasons: ['least loaded of 1 free ar-speaking agent(s) of team sales: B (load 2/3)'],
  },
  {
    name: "'und' (no letters): any agent will do",
    agents: [agent('a', { languages: ['fr'], load: 1 }), agent('b', { languages: ['en'], load: 2 })],
    req: { language: 'und' },
    kind: 'place',
    agent: 'a',
    reasons: ['least loaded of 2 free agent(s) of team sales: A (load 1/3)'],
  },
  {
    name: 'nobody speaks it: queued',
    agents: [agent('a', { languages: ['en'] }), agent('b', { languages: ['ar'] })],
    req: { language: 'fr' },
    kind: 'queue',
    reasons: ['no active agent of team sales speaks fr'],
  },
  // Capacity and activity.
  {
    name: 'an agent at capacity is skipped',
    agents: [agent('a', { load: 3 }), agent('b', { load: 2 })],
    req: {},
    kind: 'place',
    agent: 'b',
    reasons: ['least loaded of 1 free agent(s) of team sales: B (load 2/3)'],
  },
  {
    name: 'everyone at capacity: queued',
    agents: [agent('a', { load: 3 }), agent('b', { load: 1, capacity: 1 })],
    req: {},
    kind: 'queue',
    reasons: ['all 2 qualified agent(s) of team sales are at capacity'],
  },
  {
    name: 'inactive agents are not candidates',
    agents: [agent('a', { active: false }), agent('b', { load: 2 })],
    req: {},
    kind: 'place',
    agent: 'b',
    reasons: ['least loaded of 1 free agent(s) of team sales: B (load 2/3)'],
  },
  {
    name: 'a team without agents: queued',
    agents: [agent('a', { team: 'support' })],
    req: {},
    kind: 'queue',
    reasons: ['team sales has no agents'],
  },
  // The preferred agent first.
  {
    name: 'the preferred agent, though more loaded, and in its own team',
    agents: [agent('a'), agent('p', { team: 'vip', load: 2 })],
    req: { preferredAgentId: 'p' },
    kind: 'place',
    agent: 'p',
    team: 'vip',
    reasons: ['preferred agent P (load 2/3)'],
  },
  {
    name: 'preferred at capacity: the least loaded instead',
    agents: [agent('a', { load: 1 }), agent('p', { load: 3 })],
    req: { preferredAgentId: 'p' },
    kind: 'place',
    agent: 'a',
    reasons: ['preferred agent P is at capacity (3/3)', 'least loaded of 1 free agent(s) of team sales: A (load 1/3)'],
  },
  {
    name: 'preferred speaks no Arabic: the least loaded who does',
    agents: [agent('a', { load: 2 }), agent('p', { languages: ['en'] })],
    req: { preferredAgentId: 'p', language: 'ar' },
    kind: 'place',
    agent: 'a',
    reasons: ['preferred agent P does not speak ar'],
  },
  {
    name: 'preferred inactive',
    agents: [agent('a'), agent('p', { active: false })],
    req: { preferredAgentId: 'p' },
    kind: 'place',
    agent: 'a',
    reasons: ['preferred agent P is inactive'],
  },
  {
    name: 'preferred unknown',
    agents: [agent('a')],
    req: { preferredAgentId: 'ghost' },
    kind: 'place',
    agent: 'a',
    reasons: ['preferred agent ghost not found'],
  },
  // Exclusions (an escalation away from the current assignee).
  {
    name: 'an excluded preferred agent is passed over',
    agents: [agent('a', { load: 2 }), agent('p')],
    req: { preferredAgentId: 'p', excludeAgentIds: ['p'] },
    kind: 'place',
    agent: 'a',
    reasons: ['preferred agent P is excluded'],
  },
  {
    name: 'excluded agents are not candidates; all excluded: queued',
    agents: [agent('a'), agent('b')],
    req: { excludeAgentIds: ['a', 'b'] },
    kind: 'queue',
    reasons: ['no active agent of team sales speaks the language'],
  },
  // The current assignee.
  {
    name: 'already with an active agent: kept, even over capacity or another team',
    agents: [agent('a'), agent('cur', { team: 'support', load: 5 })],
    req: { currentAssignee: 'cur', preferredAgentId: 'a' },
    kind: 'keep',
    agent: 'cur',
    reasons: ['already assigned to CUR (cur)'],
  },
  {
    name: 'the current assignee excluded: moved to another agent',
    agents: [agent('cur'), agent('b', { load: 2 })],
    req: { currentAssignee: 'cur', excludeAgentIds: ['cur'] },
    kind: 'place',
    agent: 'b',
    reasons: ['current assignee CUR is excluded'],
  },
  {
    name: 'the current assignee inactive: moved',
    agents: [agent('cur', { active: false }), agent('b')],
    req: { currentAssignee: 'cur' },
    kind: 'place',
    agent: 'b',
    reasons: ['current assignee CUR is inactive'],
  },
  {
    name: 'the current assignee gone (not among the rows): placed as new',
    agents: [agent('b')],
    req: { currentAssignee: 'gone' },
    kind: 'place',
    agent: 'b',
    reasons: ['least loaded of 1 free agent(s) of team sales: B (load 0/3)'],
  },
];

describe('rankAgents', () => {
  it.each(CASES)('$name', (c) => {
    const before = structuredClone(c.agents);
    const d = rankAgents(c.agents, { team: 'sales', ...c.req });
    expect(d.kind).toBe(c.kind);
    if (d.kind !== 'queue') {
      expect(d.agent.id).toBe(c.agent);
      // The caller's own row comes back, so it can count the new load on it.
      expect(c.agents).toContain(d.agent);
    }
    if (d.kind === 'place' && c.team) expect(d.team).toBe(c.team);
    for (const r of c.reasons) expect(d.reasons).toContain(r);
    expect(c.agents).toEqual(before);
  });
});

describe('the pieces the queue filler shares', () => {
  it('freeAgents: active, with room, speaking the language, best first', () => {
    const pool = [
      agent('a', { load: 1 }),
      agent('b', { load: 0, lastAssignedAt: at(3) }),
      agent('c', { load: 0 }),
      agent('d', { load: 3 }),
      agent('e', { active: false }),
      agent('f', { languages: ['en'] }),
    ];
    expect(freeAgents(pool, null).map((a) => a.id)).toEqual(['c', 'f', 'b', 'a']);
    expect(freeAgents(pool, 'ar').map((a) => a.id)).toEqual(['c', 'b', 'a']);
  });

  it('compareCandidates orders by load, then longest since assigned, then id', () => {
    const sorted = [agent('b', { load: 1 }), agent('c', { lastAssignedAt: at(1) }), agent('z'), agent('a', { lastAssignedAt: at(0) })].sort(compareCandidates);
    expect(sorted.map((a) => a.id)).toEqual(['z', 'a', 'c', 'b']);
  });

  it.each([
    [['ar'], 'ar-SA', true],
    [['AR-eg'], 'ar', true],
    [['en'], 'ar', false],
    [['en'], null, true],
    [['en'], '', true],
    [['en'], 'mul', true],
    [[], 'und', true],
    [[], 'fr', false],
  ] as const)('speaks(%j, %j) = %s', (languages, language, yes) => {
    expect(speaks({ languages }, language)).toBe(yes);
  });
});
