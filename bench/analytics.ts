// GET /analytics' query over a year of history: 1,000,000 messages (quick: 100,000) written in the
// order they happen, so the rollup triggers build response_turns as in production (the seeding rate
// is the triggers' write cost), then the analytics read over common ranges, beside a baseline from
// the same run: a bare count of the range's turns on the same index.
import { sql as dsql } from 'drizzle-orm';
import { analytics } from '../db/analytics.js';
import { executeRows } from '../db/client.js';
import type { BenchContext, BenchReport } from './lib/types.js';
import { round, summarize } from './lib/stats.js';

export const name = 'analytics';
export const description = 'GET /analytics query times over 1M messages (turns built by the triggers), vs a bare count of the range';

const AGENTS = 20;
const TEAMS = ['sales', 'support', 'wholesale', 'riyadh'];
const DAY_SEC = 86_400;

async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const conversationsN = ctx.quick ? 2_000 : 10_000;
  const rounds = ctx.quick ? 25 : 52;
  const samples = ctx.quick ? 30 : 100;
  const sql = ctx.sql;
  const t0 = Date.now();
  // A year of history ending now; round r of conversation i starts at base + r * span + offset(i).
  const spanSec = Math.floor((365 * DAY_SEC) / rounds);
  const base = `now() - interval '365 days'`;

  ctx.log(`analytics: ${AGENTS} agents, ${conversationsN.toLocaleString()} conversations ...`);
  await sql.unsafe(`
    insert into agents (id, name, team, created_at, updated_at)
    select md5('agent' || a)::uuid, 'Agent ' || a, (array[${TEAMS.map((t) => `'${t}'`).join(',')}])[1 + a % ${TEAMS.length}], now(), now()
    from generate_series(0, ${AGENTS - 1}) a`);
  await sql.unsafe(`
    insert into contacts (id, name, created_at, updated_at)
    select md5('ac' || i)::uuid, 'Buyer ' || i, now(), now() from generate_series(0, ${conversationsN - 1}) i`);
  await sql.unsafe(`
    insert into conversations (id, workflow_id, phone_number_id, sender, contact_id, status, team, assignee, created_at, updated_at)
    select md5('av' || i)::uuid, 'wa:BENCH:' || i, 'BENCH', i::text, md5('ac' || i)::uuid, 'open',
           (array[${TEAMS.map((t) => `'${t}'`).join(',')}])[1 + (i % ${AGENTS}) % ${TEAMS.length}], md5('agent' || (i % ${AGENTS}))::uuid::text, now(), now()
    from generate_series(0, ${conversationsN - 1}) i`);

  // Per round: the buyers' messages, the decisions on them, breaches of replies that came late,
  // the agents' replies (5% never come), and a follow-up on every tenth conversation 1-7 days later.
  const start = (r: number) => `(${base} + make_interval(secs => ${r} * ${spanSec} + (i * 37) % ${DAY_SEC}))`;
  const delay = (r: number) => `(30 + (i * 7919 + ${r} * 104729) % 1800)`;
  const answered = (r: number) => `((i + ${r}) % 20 <> 0)`;
  let facts = 0;
  for (let r = 0; r < rounds; r++) {
    const gen = `from generate_series(0, ${conversationsN - 1}) i`;
    await sql.unsafe(`
      insert into messages (wa_message_id, conversation_id, contact_id, direction, type, text, raw, sent_at, status)
      select 'ain.' || ${r} || '.' || i, md5('av' || i)::uuid, md5('ac' || i)::uuid, 'in', 'text', 'how much is it?', '{}'::jsonb, ${start(r)}, 'received' ${gen}`);
    await sql.unsafe(`
      insert into interaction_events (idempotency_key, conversation_id, contact_id, kind, payload, at)
      select 'decision:' || ${r} || ':' || i, md5('av' || i)::uuid, md5('ac' || i)::uuid, 'decision',
             jsonb_build_object('messages', jsonb_build_array('ain.' || ${r} || '.' || i), 'needsReply', true,
               'slaKind', case when ${r} = 0 then 'first_response' else 'next_response' end,
               'dueAt', ${start(r)} + interval '15 minutes', 'reasons', '[]'::jsonb), ${start(r)} ${gen}`);
    await sql.unsafe(`
      insert into interaction_events (idempotency_key, conversation_id, contact_id, kind, payload, at)
      select 'sla_breach:' || ${r} || ':' || i, md5('av' || i)::uuid, md5('ac' || i)::uuid, 'sla_breach', '{}'::jsonb, ${start(r)} + interval '15 minutes'
      ${gen} where ${delay(r)} > 900 or not ${answered(r)}`);
    await sql.unsafe(`
      insert into outbox (key, conversation_id, workflow_id, kind, status, request, sent_by, created_at, updated_at)
      select 'reply:' || ${r} || ':' || i, md5('av' || i)::uuid, 'wa:BENCH:' || i, 'reply', 'sent', '{"type":"text"}'::jsonb,
             md5('agent' || (i % ${AGENTS}))::uuid::text, now(), now() ${gen} where ${answered(r)}`);
    await sql.unsafe(`
      insert into messages (wa_message_id, conversation_id, contact_id, direction, type, text, raw, sent_at, status)
      select 'aout.' || ${r} || '.' || i, md5('av' || i)::uuid, md5('ac' || i)::uuid, 'out', 'text', 'It is 300 SAR.',
             jsonb_build_object('sentBy', md5('agent' || (i % ${AGENTS}))::uuid::text, 'outboxKey', 'reply:' || ${r} || ':' || i),
             ${start(r)} + make_interval(secs => ${delay(r)}), 'read' ${gen} where ${answered(r)}`);
    await sql.unsafe(`
      insert into interaction_events (idempotency_key, conversation_id, contact_id, kind, payload, at)
      select 'follow_up:' || ${r} || ':' || i, md5('av' || i)::uuid, md5('ac' || i)::uuid, 'follow_up', '{"sent": true}'::jsonb,
             ${start(r)} + make_interval(days => 1 + i % 7) ${gen} where i % 10 = 0`);
    // Statistics as autovacuum keeps them on a live system (the triggers' cached plans follow them).
    if ((r & (r + 1)) === 0) await sql.unsafe('analyze messages; analyze interaction_events; analyze response_turns; analyze outbox');
    if (r % 10 === 0) ctx.log(`analytics: round ${r + 1}/${rounds}`);
  }
  const [counts] = await sql`select (select count(*)::int from messages) as messages, (select count(*)::int from response_turns) as turns,
                                    (select count(*)::int from interaction_events) as events`;
  facts = Number(counts!.messages) + Number(counts!.events);
  // The steady state autovacuum keeps: the rollup's updated rows cleaned, statistics fresh.
  await sql.unsafe('vacuum analyze messages, interaction_events, response_turns, conversations, outbox');
  const seedSeconds = (Date.now() - t0) / 1000;
  ctx.log(`analytics: ${Number(counts!.messages).toLocaleString()} messages, ${Number(counts!.turns).toLocaleString()} turns in ${seedSeconds.toFixed(0)} s; measuring ...`);

  const db = ctx.db.db;
  const now = Date.now();
  const last30 = { from: new Date(now - 30 * DAY_SEC * 1000), to: new Date(now) };
  const year = { from: new Date(now - 366 * DAY_SEC * 1000), to: new Date(now) };
  const agentId = String((await sql`select md5('agent3')::uuid::text as id`)[0]!.id);
  const cases: Array<{ label: string; fn: () => Promise<unknown> }> = [
    {
      label: 'baseline: count of the last 30 days\' turns',
      fn: () => executeRows(db, dsql`select count(*) from response_turns where started_at >= ${last30.from.toISOString()}::timestamptz and started_at < ${last30.to.toISOString()}::timestamptz`),
    },
    { label: 'analytics: last 30 days', fn: () => analytics(db, last30) },
    { label: 'analytics: last 30 days, one team', fn: () => analytics(db, { ...last30, team: 'support' }) },
    { label: 'analytics: last 30 days, one agent', fn: () => analytics(db, { ...last30, agentId }) },
    { label: 'analytics: the whole year', fn: () => analytics(db, year) },
  ];
  // Warm up every case once (plans, caches), then time each.
  for (const c of cases) await c.fn();
  const results = [];
  for (const c of cases) results.push({ label: c.label, s: summarize(await timeEach(c.label.includes('whole year') ? Math.min(samples, 20) : samples, c.fn)) });
  const check = await analytics(db, year);
  const problems: string[] = [];
  if (check.turns === 0 || check.byAgent.length !== AGENTS) problems.push(`analytics over the year found ${check.turns} turns and ${check.byAgent.length} agents`);
  const b = results[0]!.s;
  const thirty = results[1]!.s;
  return {
    columns: [
      { key: 'case', label: 'case' },
      { key: 'n', label: 'calls' },
      { key: 'p50', label: 'p50 ms' },
      { key: 'p99', label: 'p99 ms' },
      { key: 'ratio', label: 'p99 / baseline p99' },
    ],
    rows: results.map((r) => ({ case: r.label, n: r.s.count, p50: round(r.s.p50, 1), p99: round(r.s.p99, 1), ratio: round(r.s.p99 / b.p99, 1) })),
    notes: [
      `${Number(counts!.messages).toLocaleString()} messages, ${Number(counts!.turns).toLocaleString()} turns, ${Number(counts!.events).toLocaleString()} events over a year, ${conversationsN.toLocaleString()} conversations, ${AGENTS} agents in ${TEAMS.length} teams`,
      `seeded through the triggers in ${seedSeconds.toFixed(0)} s (${Math.round(facts / seedSeconds).toLocaleString()} facts/s, set-based inserts)`,
      `aim: p99 < 200 ms for the last 30 days (${thirty.p99 < 200 ? 'PASS' : 'FAIL'}: ${round(thirty.p99, 1)} ms); the year: ${round(results[4]!.s.p99, 0)} ms`,
      `the year's figures: first response p50 ${check.firstResponseSec.p50} s, next p50 ${check.nextResponseSec.p50} s, SLA hit ${check.slaHitRate}, missed ${check.missed}, follow-ups ${check.followUps.sent} (recovered ${check.followUps.recoveredRate})`,
    ],
    data: { messages: Number(counts!.messages), turns: Number(counts!.turns), seedSeconds, cases: Object.fromEntries(results.map((r) => [r.label, r.s])) },
    problems,
  };
}
