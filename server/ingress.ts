// Step 1, capture: hand every event of a webhook body to its conversation workflow, durably,
// before the webhook answers 200. Messages: signalWithStart (the first one starts the conversation).
// Statuses: signal the conversation of the message they report on; never start one for an unknown id.
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { recordStatuses, statusKey, type RecordedStatus } from '../db/crm/statuses.js';
import { dbErrorMessage, isPermanentDbError, keepDeadLetter, sqlState } from '../db/dead-letters.js';
import { contactIdentities, conversations, interactionEvents, messages } from '../db/schema.js';
import {
  conversationWorkflowId,
  type InboundEvent,
  type InboundMessageEvent,
  type SenderIdentity,
  type StatusEvent,
} from '../whatsapp/events.js';
import type { Handover, HandoverItem, StoredHandoverItem } from './handover.js';
import { GroupCommit } from './group-commit.js';
import { phoneVariants } from '../domain/phone.js';
import { conversationSummary } from './conversation-start.js';

export class TemporalUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Temporal did not accept the events: ${(cause as Error)?.message ?? cause}`);
    this.name = 'TemporalUnavailableError';
  }
}

export interface IngressDeps {
  client: Client;
  db: Db;
  taskQueue: string;
  /** Deadline for handing all events of one body to Temporal (at most 3 s by contract). */
  deadlineMs?: number;
  /** Hands accepted events to Temporal (and sweeps what lapsed); one per app. */
  handover: Handover;
  /** How long to wait for a healthy Temporal before the 200 (default HANDOVER_WAIT_MS: not at all). */
  handoverWaitMs?: number;
}

export interface DispatchResult {
  conversations: number;
  messages: number;
  statuses: number;
  orphans: number;
}

type EventRow = typeof interactionEvents.$inferInsert;

/**
 * Inserts timeline rows at once; if Postgres refuses one for good (a value it cannot store), each is
 * tried alone and the refused ones are kept as dead letters, so the webhook never answers 503 for ever.
 */
async function insertEventsOrDeadLetter(db: Db, rows: EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  try {
    await db.insert(interactionEvents).values(rows).onConflictDoNothing();
    return;
  } catch (err) {
    if (!isPermanentDbError(err)) throw err;
  }
  for (const row of rows) {
    try {
      await db.insert(interactionEvents).values(row).onConflictDoNothing();
    } catch (err) {
      if (!isPermanentDbError(err)) throw err;
      await keepDeadLetter(db, { key: row.idempotencyKey, kind: row.kind, reason: `${sqlState(err)}: ${dbErrorMessage(err)}`, payload: row.payload });
    }
  }
}

/** Statuses recorded at once; if Postgres refuses one for good, each alone, the refused ones dead-lettered. */
async function recordStatusesOrDeadLetter(db: Db, statuses: StatusEvent[]) {
  try {
    return await ingressCoalescers(db).statuses.submit(statuses);
  } catch (err) {
    if (!isPermanentDbError(err)) throw err;
  }
  const out = [];
  for (const s of statuses) {
    try {
      out.push(...(await recordStatuses(db, [s])));
    } catch (err) {
      if (!isPermanentDbError(err)) throw err;
      await keepDeadLetter(db, { key: statusKey(s), kind: 'status', reason: `${sqlState(err)}: ${dbErrorMessage(err)}`, payload: { event: s } });
    }
  }
  return out;
}

/** Parts of a body that could not be read at all (no id, not an object): kept, never dropped. */
export async function keepInvalidItems(db: Db, items: { reason: string; raw: unknown }[]): Promise<void> {
  await insertEventsOrDeadLetter(
    db,
    items.map((i) => ({
      idempotencyKey: `invalid:${createHash('sha256').update(JSON.stringify([i.reason, i.raw ?? null])).digest('hex')}`,
      kind: 'invalid_event',
      payload: { reason: i.reason, raw: (i.raw ?? null) as object },
    })),
  );
}

/** What one body hands over: its messages (for their raw JSON) and its items. */
interface AcceptedBody {
  events: InboundEvent[];
  items: HandoverItem[];
}

/**
 * One statement for one or more bodies (see coalescers): the raw JSON of every message (not already
 * recorded: a redelivery stores nothing), and the events to hand over, without their raw JSON
 * (signals carry only what decisions need). Each body gets its items back with their row ids.
 */
async function storeAccepted(db: Db, bodies: AcceptedBody[]): Promise<StoredHandoverItem[][]> {
  const items = bodies.flatMap((b) => b.items);
  if (items.length === 0) return bodies.map(() => []);
  const raws = new Map<string, unknown>();
  for (const b of bodies) for (const ev of b.events) if (ev.kind === 'message' && ev.raw !== undefined && ev.raw !== null) raws.set(ev.waMessageId, ev.raw);
  const rawJson = JSON.stringify([...raws].map(([key, raw]) => ({ key, raw })));
  const slim = items.map((i) => ({
    workflow_id: i.workflowId,
    phone_number_id: i.phoneNumberId,
    start: i.start,
    wa_id: i.waId ?? null,
    summary: i.summary ?? null,
    events: i.events.map(({ raw: _raw, ...rest }) => rest),
  }));
  const result = (await db.execute(sql`
    with raw as (
      insert into inbound_raw (key, raw)
      select x.key, x.raw from jsonb_to_recordset(${rawJson}::jsonb) as x(key text, raw jsonb)
      where not exists (select 1 from messages m where m.wa_message_id = x.key)
      on conflict (key) do nothing
    )
    insert into inbound_handover (workflow_id, phone_number_id, start, wa_id, summary, events)
    select x.workflow_id, x.phone_number_id, x.start, x.wa_id, x.summary, x.events
    from rows from (jsonb_to_recordset(${JSON.stringify(slim)}::jsonb)
      as (workflow_id text, phone_number_id text, start boolean, wa_id text, summary text, events jsonb)) with ordinality
      as x(workflow_id, phone_number_id, start, wa_id, summary, events, n)
    order by x.n
    returning id`)) as unknown as { id: number | string }[] | { rows: { id: number | string }[] };
  const ids = (Array.isArray(result) ? result : result.rows).map((r) => Number(r.id)).sort((x, y) => x - y);
  if (ids.length !== items.length) throw new Error(`stored ${ids.length} hand-over rows for ${items.length} items`);
  // Ids follow insertion order (one sequence, one statement): the n-th item got the n-th id.
  let n = 0;
  return bodies.map((b) =>
    b.items.map((item) => {
      const stored = { ...item, events: slim[n]!.events as InboundEvent[], id: ids[n]! };
      n++;
      return stored;
    }),
  );
}

/**
 * The webhook's statements (identity lookup, store, statuses), shared by the bodies that arrive
 * together (server/group-commit.ts): at concurrency 32 the database sees a few statements where it
 * saw dozens per round. One set per database.
 */
interface Coalescers {
  lookup: GroupCommit<InboundEvent[], IdentityRow[]>;
  store: GroupCommit<AcceptedBody, StoredHandoverItem[]>;
  /** Status bodies (three come back for every send) share a transaction; small batches: it holds their messages' locks. */
  statuses: GroupCommit<StatusEvent[], RecordedStatus[]>;
}
const coalescers = new WeakMap<Db, Coalescers>();

export function ingressCoalescers(db: Db): Coalescers {
  let c = coalescers.get(db);
  if (!c) {
    c = {
      lookup: new GroupCommit(async (bodies) => {
        const rows = await identityRows(db, bodies.flat());
        // Every body reads the rows of all: keyed by number and identity, another body's rows never match its own.
        return bodies.map(() => rows);
      }),
      // Weighed by events: a few big bodies (up to 480 messages each) do not make one huge statement.
      store: new GroupCommit((bodies) => storeAccepted(db, bodies), { maxWeight: 1000, weight: (b) => b.items.reduce((n, i) => n + i.events.length, 0) }),
      statuses: new GroupCommit(
        async (bodies) => {
          // One answer per status, in order: each body takes back as many as it gave.
          const all = await recordStatuses(db, bodies.flat());
          let n = 0;
          return bodies.map((b) => all.slice(n, (n += b.length)));
        },
        { maxBatch: 16 },
      ),
    };
    coalescers.set(db, c);
  }
  return c;
}

/**
 * How long the webhook waits for a healthy Temporal before it answers 200 anyway: not at all. The
 * events are stored (that is what 200 promises) and the hand-over goes on in the background, so a
 * busy worker or server never slows the acknowledgement; an unhealthy one is waited for (below).
 */
export const HANDOVER_WAIT_MS = 0;

async function settledWithin(p: Promise<void>, ms: number): Promise<'done' | 'pending' | Error> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p.then(() => 'done' as const, (err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
      new Promise<'pending'>((r) => (timer = setTimeout(() => r('pending'), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function dispatchEvents(deps: IngressDeps, events: InboundEvent[]): Promise<DispatchResult> {
  const result: DispatchResult = { conversations: 0, messages: 0, statuses: 0, orphans: 0 };

  const batch = ingressCoalescers(deps.db);
  const known = knownConversations(events.some((e) => e.kind === 'message') ? await batch.lookup.submit(events) : []);
  // Messages, grouped per conversation in body order; one signal per conversation.
  const byConversation = new Map<string, { phoneNumberId: string; events: InboundEvent[]; waId: string | undefined; summary: string }>();
  const orphanMessages: InboundMessageEvent[] = [];
  const statuses: StatusEvent[] = [];
  for (const ev of events) {
    if (ev.kind === 'status') {
      statuses.push(ev);
      continue;
    }
    if (!ev.sender.waId && !ev.sender.userId) {
      orphanMessages.push(ev);
      continue;
    }
    const id = known.lookup(ev.phoneNumberId, ev.sender) ?? conversationWorkflowId(ev.phoneNumberId, ev.sender);
    // A number change in this body: the new number's messages (here or later) join this conversation.
    if (ev.newWaId) known.remember(ev.phoneNumberId, { waId: ev.newWaId }, id);
    if (ev.newUserId) known.remember(ev.phoneNumberId, { userId: ev.newUserId }, id);
    // Both ids in one message: a later message with either one finds this conversation.
    known.remember(ev.phoneNumberId, ev.sender, id);
    const group = byConversation.get(id) ?? {
      phoneNumberId: ev.phoneNumberId,
      events: [],
      waId: ev.sender.waId,
      summary: conversationSummary(ev.sender.profileName ?? ev.sender.username ?? null, ev.sender.waId ?? ev.sender.userId ?? ''),
    };
    group.events.push(ev);
    byConversation.set(id, group);
    result.messages++;
  }

  // Statuses are recorded here, on their message (forward only), and wake a conversation only when a
  // decision depends on them; one for a message not yet recorded waits for it.
  // A status never starts a conversation.
  const wake = new Map<string, StatusEvent[]>();
  if (statuses.length > 0) {
    const recorded = await recordStatusesOrDeadLetter(deps.db, statuses);
    for (const r of recorded) {
      if (!r.workflowId) {
        result.orphans++;
        continue;
      }
      result.statuses++;
      // A failed send, or a read while a follow-up waits (read and not answered is hesitation).
      if (r.direction === 'out' && r.changed && (r.now === 'failed' || (r.now === 'read' && r.followUpPending))) {
        const list = wake.get(r.workflowId) ?? [];
        list.push(statuses.find((x) => x.waMessageId === r.waMessageId && x.status === r.status)!);
        wake.set(r.workflowId, list);
      }
    }
  }

  if (orphanMessages.length > 0) {
    await insertEventsOrDeadLetter(
      deps.db,
      orphanMessages.map((m) => ({
        idempotencyKey: `orphan_message:${m.waMessageId}`,
        kind: 'orphan_message',
        payload: { waMessageId: m.waMessageId, type: m.type, raw: m.raw as object },
        at: new Date(m.at),
      })),
    );
    result.orphans += orphanMessages.length;
  }

  const items: HandoverItem[] = [
    ...[...byConversation].map(([workflowId, g]) => ({ workflowId, phoneNumberId: g.phoneNumberId, start: true, waId: g.waId, summary: g.summary, events: g.events })),
    ...[...wake].map(([workflowId, events]) => ({ workflowId, phoneNumberId: events[0]!.phoneNumberId, start: false, events: events as InboundEvent[] })),
  ];
  // Durably accepted from here: the rows survive a crash and a Temporal outage alike.
  const stored = items.length > 0 ? await batch.store.submit({ events: [...byConversation.values()].flatMap((g) => g.events), items }) : [];
  // The hand-over's own deadline: time a busy database took before this point is not Temporal's.
  const deadline = Date.now() + Math.min(deps.deadlineMs ?? 3000, 3000);
  const { handover } = deps;
  const delivery = handover.deliver(stored, Math.max(0, deadline - Date.now()));
  void delivery.catch(() => {}); // settled below, or left to the sweeper
  const waitMs = deps.handoverWaitMs ?? HANDOVER_WAIT_MS;
  let outcome = waitMs > 0 ? await settledWithin(delivery, waitMs) : ('pending' as const);
  // Still going: a healthy Temporal gets the rest in the background (the sweeper covers a failure);
  // one that cannot be reached, or whose last call failed, is waited for until the deadline, and a
  // failure is a 503 (Meta retries; the stored rows are handed over by the sweeper meanwhile).
  if (outcome === 'pending' && !handover.healthy()) outcome = await settledWithin(delivery, Math.max(0, deadline - Date.now()));
  if (outcome instanceof Error || (outcome === 'pending' && !handover.healthy())) {
    throw new TemporalUnavailableError(outcome instanceof Error ? outcome : new Error('deadline exceeded handing events to Temporal'));
  }
  result.conversations = byConversation.size + [...wake.keys()].filter((w) => !byConversation.has(w)).length;
  return result;
}

interface IdentityRow {
  kind: string;
  value: string;
  workflowId: string;
  phoneNumberId: string;
}

const identityKey = (phoneNumberId: string, kind: string, value: string) => `${phoneNumberId}|${kind}|${value}`;

/** The conversations of every identity the events' senders may be known by, oldest first. */
async function identityRows(db: Db, events: InboundEvent[]): Promise<IdentityRow[]> {
  const wanted = new Set<string>();
  const phoneNumberIds = new Set<string>();
  for (const ev of events) {
    if (ev.kind !== 'message') continue;
    phoneNumberIds.add(ev.phoneNumberId);
    // Other forms of the number (Brazil's ninth digit, Mexico's 521/52...) lead to the same buyer.
    if (ev.sender.waId) for (const v of phoneVariants(ev.sender.waId)) wanted.add(v);
    if (ev.sender.userId) wanted.add(ev.sender.userId);
  }
  if (wanted.size === 0) return [];
  return db
    .select({ kind: contactIdentities.kind, value: contactIdentities.value, workflowId: conversations.workflowId, phoneNumberId: conversations.phoneNumberId })
    .from(contactIdentities)
    .innerJoin(conversations, eq(conversations.contactId, contactIdentities.contactId))
    .where(and(eq(contactIdentities.channel, 'whatsapp'), inArray(contactIdentities.value, [...wanted]), inArray(conversations.phoneNumberId, [...phoneNumberIds])))
    .orderBy(asc(conversations.createdAt));
}

/**
 * Every WhatsApp identity a contact is known by (wa_id, user_id, an old number) leads to that
 * contact's existing conversation with the same business number, so one buyer keeps one workflow.
 */
function knownConversations(rows: readonly IdentityRow[]) {
  const map = new Map<string, string>();
  // Oldest conversation wins: the one the contact's history started in.
  for (const r of rows) {
    const k = identityKey(r.phoneNumberId, r.kind, r.value);
    if (!map.has(k)) map.set(k, r.workflowId);
  }
  return {
    lookup(phoneNumberId: string, sender: SenderIdentity): string | undefined {
      const exact =
        (sender.waId ? map.get(identityKey(phoneNumberId, 'wa_id', sender.waId)) : undefined) ??
        (sender.userId ? map.get(identityKey(phoneNumberId, 'user_id', sender.userId)) : undefined);
      if (exact || !sender.waId) return exact;
      for (const v of phoneVariants(sender.waId)) {
        const found = map.get(identityKey(phoneNumberId, 'wa_id', v));
        if (found) return found;
      }
      return undefined;
    },
    remember(phoneNumberId: string, sender: SenderIdentity, workflowId: string): void {
      if (sender.waId && !map.has(identityKey(phoneNumberId, 'wa_id', sender.waId))) map.set(identityKey(phoneNumberId, 'wa_id', sender.waId), workflowId);
      if (sender.userId && !map.has(identityKey(phoneNumberId, 'user_id', sender.userId))) map.set(identityKey(phoneNumberId, 'user_id', sender.userId), workflowId);
    },
  };
}
