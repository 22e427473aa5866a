// A contact's engagement profile (CONTRACT.md: `engagement` on GET /contacts/:id), computed from the
// messages themselves in one query, so it is never stale and recomputing it changes nothing:
// - replyLatency: for each buyer message that answers ours (the message before it in the
//   conversation is ours), the gap; median over the latest 50 such answers.
// - turnsPerConversation: the buyer's turns (a run of their messages after ours, or the first)
//   per conversation.
// - clarificationRate: of the buyer's turns we answered, the share where we asked a question back
//   (a message of ours before their next turn ends in ? or ؟): how often they needed one.
// - readWithoutReplyRate: of our messages the buyer read, the share nothing came back after.
import { sql } from 'drizzle-orm';
import { executeRows, type Db } from '../client.js';

export interface Engagement {
  replyLatencyMedianSec: number | null;
  replyLatencySamples: number;
  turnsPerConversation: number | null;
  clarificationRate: number | null;
  readWithoutReplyRate: number | null;
  lastInteractionAt: string | null;
}

const LATENCY_SAMPLES = 50;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const ratio = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 1000) / 1000);

export async function contactEngagement(db: Db, contactId: string): Promise<Engagement> {
  const [row] = await executeRows<{
    median: unknown;
    samples: number;
    turns: unknown;
    clarification: unknown;
    read_without_reply: unknown;
    last_at: Date | string | null;
  }>(
    db,
    sql`
      with m as (
        select conversation_id, direction, sent_at, status, text,
               lag(direction) over w as prev_dir, lag(sent_at) over w as prev_at, received_at
        from messages where contact_id = ${contactId}
        window w as (partition by conversation_id order by sent_at, received_at)
      ), answers as (
        select extract(epoch from (sent_at - prev_at)) as sec from m
        where direction = 'in' and prev_dir = 'out' order by sent_at desc limit ${LATENCY_SAMPLES}
      ), numbered as (
        -- Each message with the number of the buyer turn it belongs to or follows.
        select conversation_id, direction, text,
               sum(case when direction = 'in' and prev_dir is distinct from 'in' then 1 else 0 end)
                 over (partition by conversation_id order by sent_at, received_at rows unbounded preceding) as turn_no
        from m
      ), by_turn as (
        select conversation_id, turn_no,
               bool_or(direction = 'out') as answered_by_us,
               bool_or(direction = 'out' and btrim(coalesce(text, '')) ~ '[?؟]$') as clarified
        from numbered where turn_no > 0 group by conversation_id, turn_no
      ), turns as (
        select conversation_id, count(*) as n,
               count(*) filter (where clarified) as clarified,
               count(*) filter (where answered_by_us) as answered_by_us
        from by_turn group by conversation_id
      ), reads as (
        select count(*) as read, count(*) filter (where not exists (
          select 1 from messages i where i.conversation_id = m.conversation_id and i.direction = 'in' and i.sent_at > m.sent_at
        )) as unanswered
        from m where direction = 'out' and status = 'read'
      )
      select (select percentile_cont(0.5) within group (order by sec) from answers) as median,
             (select count(*)::int from answers) as samples,
             (select avg(n) from turns where n > 0) as turns,
             (select sum(clarified)::float / nullif(sum(answered_by_us), 0) from turns) as clarification,
             (select unanswered::float / nullif(read, 0) from reads) as read_without_reply,
             (select max(sent_at) from messages where contact_id = ${contactId}) as last_at`,
  );
  const median = num(row?.median);
  const turns = num(row?.turns);
  return {
    replyLatencyMedianSec: median === null ? null : Math.round(median),
    replyLatencySamples: Number(row?.samples ?? 0),
    turnsPerConversation: turns === null ? null : Math.round(turns * 100) / 100,
    clarificationRate: ratio(row?.clarification),
    readWithoutReplyRate: ratio(row?.read_without_reply),
    lastInteractionAt: row?.last_at ? new Date(row.last_at).toISOString() : null,
  };
}
