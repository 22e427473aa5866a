// Step 3, context: a bounded summary of what came before, for the workflow's decisions.
// Its size does not grow with history: fixed counts, short texts, aggregates computed in SQL.
import { and, desc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { companies, contacts, conversations, deals, messages } from '../db/schema.js';
import { pickDeal, type OpenDeal } from '../workflows/policy/deal-link.js';

export const CONTEXT_LIMITS = { recentInquiries: 5, textChars: 200, latencySamples: 200, latencyRecent: 30 } as const;

export interface ConversationContext {
  contact: {
    id: string;
    name: string | null;
    country: string | null;
    language: string | null;
    timezone: string | null;
    ownerAgentId: string | null;
    companyId: string | null;
    optedOut: boolean;
  };
  company: { id: string; name: string; ownerAgentId: string | null } | null;
  /** The open deal this conversation is linked to (see `pickDeal`). */
  deal: { id: string; title: string; stage: string; value: number | null; currency: string | null; ownerAgentId: string | null } | null;
  openDeals: number;
  history: {
    /** Earlier conversations of this contact (any business number). */
    earlierConversations: number;
    lastOutcome: string | null;
    /** The last thing the buyer wrote in an earlier conversation. */
    lastTopic: string | null;
  };
  /** The buyer's latest questions and requests, newest first. */
  recentInquiries: { text: string; at: string }[];
  /** When we last wrote to this buyer. */
  ourLastReplyAt: string | null;
  /** How fast this buyer answers us, in seconds. */
  /** `recentSec`: the latest gaps themselves (bounded), for the follow-up policy's own estimate. */
  replyLatency: { samples: number; medianSec: number | null; p75Sec: number | null; recentSec: number[] };
  optedOut: boolean;
}

const clip = (s: string | null, n: number = CONTEXT_LIMITS.textChars) => (s && s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function createContextActivities(db: Db) {
  return {
    /** Rebuild context for a conversation, and link it to its most relevant open deal. */
    async loadContext(input: { conversationId: string; contactId: string }): Promise<ConversationContext> {
      const [contact] = await db.select().from(contacts).where(eq(contacts.id, input.contactId));
      if (!contact) throw new Error(`no contact ${input.contactId}`);
      const [company] = contact.companyId
        ? await db.select({ id: companies.id, name: companies.name, ownerAgentId: companies.ownerAgentId }).from(companies).where(eq(companies.id, contact.companyId))
        : [];

      const open = (await db
        .select({
          id: deals.id,
          title: deals.title,
          stage: deals.stage,
          value: deals.value,
          currency: deals.currency,
          ownerAgentId: deals.ownerAgentId,
          contactId: deals.contactId,
          updatedAt: deals.updatedAt,
        })
        .from(deals)
        .where(
          and(
            eq(deals.status, 'open'),
            contact.companyId ? or(eq(deals.contactId, contact.id), eq(deals.companyId, contact.companyId)) : eq(deals.contactId, contact.id),
          ),
        )
        .orderBy(desc(deals.updatedAt))
        .limit(50)) as OpenDeal[];
      const deal = pickDeal(contact.id, open);
      await db
        .update(conversations)
        .set({ dealId: deal?.id ?? null })
        .where(and(eq(conversations.id, input.conversationId), sql`${conversations.dealId} is distinct from ${deal?.id ?? null}`));

      const [earlier] = await db
        .select({
          n: sql<number>`count(*)::int`,
          lastOutcome: sql<string | null>`(array_agg(${conversations.status} order by ${conversations.updatedAt} desc))[1]`,
        })
        .from(conversations)
        .where(and(eq(conversations.contactId, contact.id), ne(conversations.id, input.conversationId)));
      const [lastTopic] = await db
        .select({ text: messages.text })
        .from(messages)
        .where(and(eq(messages.contactId, contact.id), eq(messages.direction, 'in'), ne(messages.conversationId, input.conversationId), sql`${messages.text} is not null`))
        .orderBy(desc(messages.sentAt))
        .limit(1);
      const inquiries = await db
        .select({ text: messages.text, at: messages.sentAt })
        .from(messages)
        .where(
          and(
            eq(messages.contactId, contact.id),
            eq(messages.direction, 'in'),
            inArray(messages.type, ['text', 'interactive', 'button', 'order']),
            sql`length(${messages.text}) >= 8`,
          ),
        )
        .orderBy(desc(messages.sentAt))
        .limit(CONTEXT_LIMITS.recentInquiries);
      const [lastOut] = await db
        .select({ at: messages.sentAt })
        .from(messages)
        .where(and(eq(messages.contactId, contact.id), eq(messages.direction, 'out')))
        .orderBy(desc(messages.sentAt))
        .limit(1);

      // Reply latency: for each of our latest outbound messages, the buyer's next inbound one.
      const latency = await db.execute(sql`
        with outs as (
          select sent_at from ${messages}
          where contact_id = ${contact.id} and direction = 'out'
          order by sent_at desc limit ${CONTEXT_LIMITS.latencySamples}
        ), gaps as (
          select extract(epoch from (nxt.sent_at - outs.sent_at)) as sec
          from outs
          cross join lateral (
            select m.sent_at from ${messages} m
            where m.contact_id = ${contact.id} and m.direction = 'in' and m.sent_at > outs.sent_at
            order by m.sent_at asc limit 1
          ) nxt
        )
        select count(*)::int as samples,
               percentile_cont(0.5) within group (order by sec) as median,
               percentile_cont(0.75) within group (order by sec) as p75,
               (array_agg(round(sec)::int))[1:${CONTEXT_LIMITS.latencyRecent}] as recent
        from gaps`);
      const l = ((latency as unknown as { rows?: unknown[] }).rows ?? (latency as unknown as unknown[]))[0] as
        | { samples: number; median: number | string | null; p75: number | string | null; recent: (number | string)[] | string | null }
        | undefined;
      // postgres.js gives an array; PGlite may give the array's text form.
      const recent = Array.isArray(l?.recent) ? l!.recent : typeof l?.recent === 'string' ? l.recent.replace(/[{}]/g, '').split(',').filter(Boolean) : [];
      const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Math.round(Number(v)));

      return {
        contact: {
          id: contact.id,
          name: contact.name,
          country: contact.country,
          language: contact.language,
          timezone: contact.timezone,
          ownerAgentId: contact.ownerAgentId,
          companyId: contact.companyId,
          optedOut: contact.optedOut,
        },
        company: company ?? null,
        deal: deal
          ? { id: deal.id, title: clip(deal.title, 80)!, stage: deal.stage, value: deal.value === null ? null : Number(deal.value), currency: deal.currency, ownerAgentId: deal.ownerAgentId }
          : null,
        openDeals: open.length,
        history: {
          earlierConversations: earlier?.n ?? 0,
          lastOutcome: earlier?.lastOutcome ?? null,
          lastTopic: clip(lastTopic?.text ?? null),
        },
        recentInquiries: inquiries.map((i) => ({ text: clip(i.text)!, at: i.at.toISOString() })),
        ourLastReplyAt: lastOut?.at.toISOString() ?? null,
        replyLatency: { samples: Number(l?.samples ?? 0), medianSec: num(l?.median), p75Sec: num(l?.p75), recentSec: recent.map(Number).filter((x) => Number.isFinite(x) && x >= 0) },
        optedOut: contact.optedOut,
      };
    },
  };
}
