// Identity lookup and context load against the real Postgres with 1,000,000 contacts (quick: 100,000),
// beside a baseline measured in the same run: a primary-key read of one contact on the same pool.
import { eq } from 'drizzle-orm';
import { createContextActivities } from '../activities/context.js';
import { resolveSenderContact } from '../activities/identity.js';
import { contacts } from '../db/schema.js';
import type { BenchContext, BenchReport } from './lib/types.js';
import { round, summarize } from './lib/stats.js';

export const name = 'identity';
export const description = 'identity lookup (exact, phone variant) and context load over 1M contacts, vs a primary-key read';

/** Deterministic pseudo-random sequence (the same picks every run). */
function picker(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const total = ctx.quick ? 100_000 : 1_000_000;
  const withHistory = ctx.quick ? 200 : 1000;
  const historyMessages = 100;
  const samples = ctx.quick ? 500 : 2000;
  const sql = ctx.sql;
  const t0 = Date.now();

  ctx.log(`identity: seeding ${total.toLocaleString()} contacts with wa_id and typed-phone identities ...`);
  // Saudi mobiles 9665xxxxxxxx for most; every 10th a Brazilian mobile stored WITH its ninth digit,
  // so looking it up by the 12-digit form exercises the variant path.
  const chunk = 100_000;
  for (let start = 0; start < total; start += chunk) {
    const end = Math.min(total, start + chunk) - 1;
    await sql.unsafe(`
      with s as (select g, md5('c' || g)::uuid as id from generate_series(${start}, ${end}) g)
      insert into contacts (id, name, phone_e164, country, timezone, language, created_at, updated_at)
      select id, 'Buyer ' || g,
             case when g % 10 = 0 then '+55119' || lpad((60000000 + g)::text, 8, '0') else '+9665' || lpad(g::text, 8, '0') end,
             case when g % 10 = 0 then 'BR' else 'SA' end, 'Asia/Riyadh', 'ar', now(), now()
      from s`);
    await sql.unsafe(`
      insert into contact_identities (contact_id, channel, kind, value, created_at)
      select md5('c' || g)::uuid, 'whatsapp', 'wa_id',
             case when g % 10 = 0 then '55119' || lpad((60000000 + g)::text, 8, '0') else '9665' || lpad(g::text, 8, '0') end, now()
      from generate_series(${start}, ${end}) g`);
    await sql.unsafe(`
      insert into contact_identities (contact_id, channel, kind, value, created_at)
      select md5('c' || g)::uuid, 'phone', 'phone', '+9665' || lpad(g::text, 8, '0'), now()
      from generate_series(${start}, ${end}) g where g % 2 = 1`);
  }
  ctx.log(`identity: seeding history: ${withHistory} buyers x ${historyMessages} messages ...`);
  await sql.unsafe(`
    insert into conversations (id, workflow_id, phone_number_id, sender, contact_id, status, created_at, updated_at)
    select md5('v' || g)::uuid, 'wa:BENCH:' || g, 'BENCH', g::text, md5('c' || (g * 7))::uuid, 'open', now(), now()
    from generate_series(1, ${withHistory}) g`);
  await sql.unsafe(`
    insert into messages (wa_message_id, conversation_id, contact_id, direction, type, text, raw, sent_at, status)
    select 'bench-ctx-' || g || '-' || k, md5('v' || g)::uuid, md5('c' || (g * 7))::uuid,
           case when k % 2 = 0 then 'out' else 'in' end, 'text',
           'message ' || k || ' about the price of item ' || g, '{}'::jsonb,
           now() - ((${historyMessages} - k) * interval '37 minutes'), 'read'
    from generate_series(1, ${withHistory}) g, generate_series(1, ${historyMessages}) k`);
  await sql.unsafe('analyze contacts; analyze contact_identities; analyze conversations; analyze messages');
  const seedSeconds = (Date.now() - t0) / 1000;
  ctx.log(`identity: seeded in ${seedSeconds.toFixed(1)} s; measuring ${samples} of each ...`);

  const db = ctx.db.db;
  const pick = picker(42);
  const contactIds = Array.from({ length: samples }, () => pick(total));
  const waOf = (g: number) => (g % 10 === 0 ? `55119${String(60000000 + g).padStart(8, '0')}` : `9665${String(g).padStart(8, '0')}`);

  // Warm up the pool and caches a little, equally for all.
  for (let i = 0; i < 50; i++) await db.select().from(contacts).where(eq(contacts.id, (await sql`select md5(${'c' + i})::uuid as id`)[0]!.id));

  const idsByG = new Map<number, string>();
  for (const rows of [await sql`select g, md5('c' || g)::uuid as id from unnest(${sql.array(contactIds)}::int[]) g`]) {
    for (const r of rows) idsByG.set(Number(r.g), String(r.id));
  }
  const baseline = await timeEach(samples, (i) => db.select().from(contacts).where(eq(contacts.id, idsByG.get(contactIds[i]!)!)));

  let wrong = 0;
  const exact = await timeEach(samples, async (i) => {
    const g = contactIds[i]!;
    const r = await db.transaction((tx) => resolveSenderContact(tx, { waId: waOf(g) }));
    if (r.contactId !== idsByG.get(g)) wrong++;
  });
  // Brazilian buyers writing from the 12-digit form (no ninth digit): matched by variant, then linked.
  const brazil = contactIds.map((g) => g - (g % 10)).filter((g, i, a) => a.indexOf(g) === i);
  let variantWrong = 0;
  const variant = await timeEach(brazil.length, async (i) => {
    const g = brazil[i]!;
    const twelve = `5511${String(60000000 + g).padStart(8, '0')}`;
    const r = await db.transaction((tx) => resolveSenderContact(tx, { waId: twelve }));
    if (r.contactId !== String((await sql`select md5(${'c' + g})::uuid as id`)[0]!.id)) variantWrong++;
  });

  const load = createContextActivities(db).loadContext;
  const histPick = picker(7);
  const context = await timeEach(ctx.quick ? 200 : 1000, async () => {
    const g = 1 + histPick(withHistory);
    const [row] = await sql`select md5(${'v' + g})::uuid as conv, md5(${'c' + g * 7})::uuid as contact`;
    await load({ conversationId: String(row!.conv), contactId: String(row!.contact) });
  });

  const b = summarize(baseline);
  const e = summarize(exact);
  const v = summarize(variant);
  const c = summarize(context);
  const problems: string[] = [];
  if (wrong > 0) problems.push(`${wrong} exact lookups found the wrong contact`);
  if (variantWrong > 0) problems.push(`${variantWrong} variant lookups found the wrong contact`);
  const row = (label: string, s: ReturnType<typeof summarize>) => ({
    case: label,
    n: s.count,
    p50: round(s.p50, 2),
    p99: round(s.p99, 2),
    ratio: round(s.p99 / b.p99, 1),
  });
  return {
    columns: [
      { key: 'case', label: 'case' },
      { key: 'n', label: 'calls' },
      { key: 'p50', label: 'p50 ms' },
      { key: 'p99', label: 'p99 ms' },
      { key: 'ratio', label: 'p99 / baseline p99' },
    ],
    rows: [
      row('baseline: contact by primary key', b),
      row('identity: exact wa_id (transaction)', e),
      row('identity: Brazilian 12-digit form -> variant', v),
      row(`context: buyer with ${historyMessages} messages`, c),
    ],
    notes: [
      `${total.toLocaleString()} contacts, ${(total * 1.5).toLocaleString()} identities, ${(withHistory * historyMessages).toLocaleString()} messages; seeded in ${seedSeconds.toFixed(1)} s`,
      `aims: lookup p99 < 5 ms (${e.p99 < 5 ? 'PASS' : 'FAIL'}: ${round(e.p99, 2)} ms), context p99 < 20 ms (${c.p99 < 20 ? 'PASS' : 'FAIL'}: ${round(c.p99, 2)} ms)`,
      'every call runs alone (latency, not throughput), through drizzle on postgres.js, on the same pool as the baseline',
    ],
    data: { contacts: total, seedSeconds, baseline: b, exact: e, variant: v, context: c },
    problems,
  };
}
