// The analytics read (CONTRACT.md: GET /analytics), over the response_turns rollup the triggers keep
// (migration 0016) and the follow-up events. Definitions, for a turn started in [from, to):
// - a response is the first human reply, or the automated answers that settled the turn; an
//   acknowledgement never is. firstResponseSec / nextResponseSec: its delay from the buyer's first
//   message of the turn, p50/p90 (interpolated), by the SLA clock the turn ran on.
// - hit: a turn that needed a reply got a human reply by its SLA deadline. missed: it needed one and
//   none came by the deadline (answered late, closed after the deadline, or still waiting past it).
//   A turn closed before its deadline is neither. slaHitRate = hit / (hit + missed).
// - breaches: SLA breaches on those turns (an escalation arms the next deadline, which may breach too).
// - followUps: follow-ups sent in the range; replied: the buyer wrote in that conversation after it,
//   before the next follow-up and within 7 days. recoveredRate = replied / sent.
// - automationShare: of the answered turns, the share automation answered.
// Days are UTC days.
import { sql, type SQL } from 'drizzle-orm';
import { executeRows, type Db } from './client.js';

export interface AnalyticsQuery {
  from: Date;
  to: Date;
  team?: string | null;
  agentId?: string | null;
}

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  samples: number;
}

interface TurnFigures {
  turns: number;
  responses: number;
  firstResponseSec: Percentiles;
  nextResponseSec: Percentiles;
  slaHitRate: number | null;
  missed: number;
  breaches: number;
}

export interface FollowUpFigures {
  sent: number;
  replied: number;
  recoveredRate: number | null;
}

export interface Analytics extends TurnFigures {
  from: string;
  to: string;
  conversations: number;
  followUps: FollowUpFigures;
  automationShare: number | null;
  byAgent: Array<TurnFigures & { agentId: string; name: string | null }>;
  byTeam: Array<TurnFigures & { team: string; followUps: FollowUpFigures }>;
  byDay: Array<{ day: string; turns: number; responseSecP50: number | null; slaHitRate: number | null; followUpsSent: number; followUpsReplied: number }>;
}

/** A follow-up counts as replied when the buyer wrote within this long (and before the next one). */
export const FOLLOW_UP_REPLY_WINDOW_DAYS = 7;

const sec = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
const rate = (num: number, den: number): number | null => (den === 0 ? null : Math.round((num / den) * 1000) / 1000);

/** One row per (agent, team, day, clock): additive counts and the group's response times, sorted. */
type GrainRow = {
  agent: string | null;
  team: string | null;
  day: string;
  kind: string;
  turns: number;
  responses: number;
  automated: number;
  hit: number;
  missed: number;
  breaches: number;
  secs: unknown;
};

/** A grouping's figures as they add up from grains: counts summed, response times merged. */
interface Acc {
  turns: number;
  responses: number;
  automated: number;
  hit: number;
  missed: number;
  breaches: number;
  first: number[];
  next: number[];
}
const emptyAcc = (): Acc => ({ turns: 0, responses: 0, automated: 0, hit: 0, missed: 0, breaches: 0, first: [], next: [] });

/** The float array Postgres sends (postgres.js and PGlite give an array; text '{1,2}' otherwise). */
const numbers = (v: unknown): number[] => {
  if (v === null || v === undefined) return [];
  const arr = Array.isArray(v) ? v : String(v).replace(/[{}]/g, '').split(',').filter((x) => x !== '');
  return arr.map(Number);
};

/** Postgres' percentile_cont: linear interpolation between the sorted values around p * (n - 1). */
export function percentileCont(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

const sortedNumbers = (xs: number[]) => xs.sort((a, b) => a - b);

type FollowUpRow = { key: string | null; sent: number; replied: number };

export async function analytics(db: Db, q: AnalyticsQuery): Promise<Analytics> {
  const turnFilter = sql.join(
    [
      sql`t.started_at >= ${q.from.toISOString()}::timestamptz and t.started_at < ${q.to.toISOString()}::timestamptz`,
      ...(q.team ? [sql`t.team = ${q.team}`] : []),
      ...(q.agentId ? [sql`t.agent_id = ${q.agentId}`] : []),
    ],
    sql` and `,
  );
  const day = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD')`;
  // One pass at the finest grain (agent, team, day, clock): every figure but the percentiles and
  // the distinct conversations adds up, and each grain's response times come sorted, so the total,
  // per agent, per team and per day are sums and merges here instead of a sort per grouping there.
  const grainsQuery = executeRows<GrainRow>(
    db,
    sql`
      with t as (
        select t.agent_id, t.team, ${day(sql`t.started_at`)} as day, t.kind, t.needs_reply, t.responded_by, t.breaches,
               extract(epoch from (t.responded_at - t.started_at))::float8 as sec,
               (t.needs_reply and t.due_at is not null and t.responded_by = 'human' and t.responded_at <= t.due_at) as hit,
               (t.needs_reply and t.due_at is not null
                 and t.due_at < coalesce(case when t.responded_by = 'human' then t.responded_at end, t.ended_at, now())) as missed
        from response_turns t where ${turnFilter}
      )
      select agent_id as agent, team, day, kind,
             count(*) filter (where needs_reply or responded_by is not null)::int as turns,
             count(*) filter (where responded_by is not null)::int as responses,
             count(*) filter (where responded_by = 'automation')::int as automated,
             count(*) filter (where hit)::int as hit,
             count(*) filter (where missed)::int as missed,
             coalesce(sum(breaches) filter (where needs_reply), 0)::int as breaches,
             array_agg(sec order by sec) filter (where sec is not null) as secs
      from t group by agent_id, team, day, kind`,
  );
  const conversationsQuery = executeRows<{ n: number }>(db, sql`select count(distinct t.conversation_id)::int as n from response_turns t where ${turnFilter}`);
  const followUpFilter = sql.join(
    [
      sql`f.kind = 'follow_up' and f.payload->>'sent' = 'true'`,
      sql`f.at >= ${q.from.toISOString()}::timestamptz and f.at < ${q.to.toISOString()}::timestamptz`,
      ...(q.team ? [sql`c.team = ${q.team}`] : []),
      ...(q.agentId ? [sql`c.assignee = ${q.agentId}`] : []),
    ],
    sql` and `,
  );
  const followUpsQuery = executeRows<FollowUpRow & { g: number }>(
    db,
    sql`
      with f as (
        select c.team, ${day(sql`f.at`)} as day, exists (
                 select 1 from messages m
                 where m.conversation_id = f.conversation_id and m.direction = 'in' and m.sent_at > f.at
                   and m.sent_at <= f.at + make_interval(days => ${FOLLOW_UP_REPLY_WINDOW_DAYS})
                   and not exists (
                     select 1 from interaction_events n
                     where n.conversation_id = f.conversation_id and n.kind = 'follow_up' and n.payload->>'sent' = 'true'
                       and n.at > f.at and n.at < m.sent_at)
               ) as replied
        from interaction_events f join conversations c on c.id = f.conversation_id
        where ${followUpFilter}
      )
      select grouping(team, day) as g, coalesce(team, day) as key, count(*)::int as sent, count(*) filter (where replied)::int as replied
      from f group by grouping sets ((), (team), (day)) order by key`,
  );
  const [grains, [conversationCount], followUpRows] = await Promise.all([grainsQuery, conversationsQuery, followUpsQuery]);
  const total = emptyAcc();
  const agents = new Map<string, Acc>();
  const teams = new Map<string, Acc>();
  const days = new Map<string, Acc>();
  const into = (m: Map<string, Acc>, k: string) => m.get(k) ?? m.set(k, emptyAcc()).get(k)!;
  for (const g of grains) {
    const secs = numbers(g.secs);
    const targets = [total, ...(g.agent !== null ? [into(agents, g.agent)] : []), ...(g.team !== null ? [into(teams, g.team)] : []), into(days, g.day)];
    for (const a of targets) {
      a.turns += g.turns;
      a.responses += g.responses;
      a.automated += g.automated;
      a.hit += g.hit;
      a.missed += g.missed;
      a.breaches += g.breaches;
      const clock = g.kind === 'first_response' ? a.first : a.next;
      for (const x of secs) clock.push(x);
    }
  }
  for (const a of [total, ...agents.values(), ...teams.values(), ...days.values()]) {
    sortedNumbers(a.first);
    sortedNumbers(a.next);
  }
  // grouping(): a bit set for each column the row's grouping set leaves out.
  const ofSet = (g: number) => followUpRows.filter((r) => Number(r.g) === g);
  const fuTotal = ofSet(0b11);
  const fuTeams = ofSet(0b01);
  const fuDays = ofSet(0b10);
  const names = await agentNames(db, [...agents.keys()]);
  const figures = (r: Acc | undefined): TurnFigures => ({
    turns: r?.turns ?? 0,
    responses: r?.responses ?? 0,
    firstResponseSec: { p50: sec(percentileCont(r?.first ?? [], 0.5)), p90: sec(percentileCont(r?.first ?? [], 0.9)), samples: r?.first.length ?? 0 },
    nextResponseSec: { p50: sec(percentileCont(r?.next ?? [], 0.5)), p90: sec(percentileCont(r?.next ?? [], 0.9)), samples: r?.next.length ?? 0 },
    slaHitRate: rate(r?.hit ?? 0, (r?.hit ?? 0) + (r?.missed ?? 0)),
    missed: r?.missed ?? 0,
    breaches: r?.breaches ?? 0,
  });
  const fu = (r: FollowUpRow | undefined): FollowUpFigures => ({
    sent: r?.sent ?? 0,
    replied: r?.replied ?? 0,
    recoveredRate: rate(r?.replied ?? 0, r?.sent ?? 0),
  });
  const teamKeys = [...new Set([...teams.keys(), ...fuTeams.map((r) => r.key).filter((k): k is string => !!k)])].sort();
  const dayKeys = [...new Set([...days.keys(), ...fuDays.map((r) => r.key).filter((k): k is string => !!k)])].sort();
  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    conversations: conversationCount?.n ?? 0,
    ...figures(total),
    followUps: fu(fuTotal[0]),
    automationShare: rate(total.automated, total.responses),
    byAgent: [...agents.keys()].sort().map((agentId) => ({ agentId, name: names.get(agentId) ?? null, ...figures(agents.get(agentId)) })),
    byTeam: teamKeys.map((team) => ({
      team,
      ...figures(teams.get(team)),
      followUps: fu(fuTeams.find((r) => r.key === team)),
    })),
    byDay: dayKeys.map((d) => {
      const r = days.get(d);
      const f = fuDays.find((x) => x.key === d);
      const all = figures(r);
      // The day's response median over both clocks (first and next), for the time series.
      const both = r ? sortedNumbers([...r.first, ...r.next]) : [];
      return { day: d, turns: all.turns, responseSecP50: sec(percentileCont(both, 0.5)), slaHitRate: all.slaHitRate, followUpsSent: f?.sent ?? 0, followUpsReplied: f?.replied ?? 0 };
    }),
  };
}

async function agentNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const uuids = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (uuids.length === 0) return new Map();
  const rows = await executeRows<{ id: string; name: string }>(
    db,
    sql`select id::text as id, name from agents where id::text in (${sql.join(uuids.map((u) => sql`${u}`), sql`, `)})`,
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}
