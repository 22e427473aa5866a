// Step 1, capture: hand every event of a webhook body to its conversation workflow, durably,
// before the webhook answers 200. Messages: signalWithStart (the first one starts the conversation).
// Statuses: signal the conversation of the message they report on; never start one for an unknown id.
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import type { Db } from '../db/client.js';
import { recordStatuses, statusKey } from '../db/crm/statuses.js';
import { dbErrorMessage, isPermanentDbError, keepDeadLetter, sqlState } from '../db/dead-letters.js';
import { contactIdentities, conversations, interactionEvents, messages } from '../db/schema.js';
import {
  conversationWorkflowId,
  type InboundEvent,
  type InboundMessageEvent,
  type SenderIdentity,
  type StatusEvent,
} from '../whatsapp/events.js';
import { inboundSignal, searchAttributes as SA, WORKFLOW_TYPE } from '../workflows/conversation/contract.js';
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
  concurrency?: number;
}

export interface DispatchResult {
  conversations: number;
  messages: number;
  statuses: number;
  orphans: number;
}

/** Serialised size of one signal's events: far below Temporal's 2 MB payload limit (it warns at 256 KB). */
export const SIGNAL_BYTES = 200 * 1024;
const SIGNAL_EVENTS = 500;

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
    return await recordStatuses(db, statuses);
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

/**
 * Raw JSON of every event, stored before the signal so that signals carry only what decisions need.
 * One statement per body; events already recorded (a redelivery) store nothing.
 */
async function storeRaw(db: Db, events: InboundEvent[]): Promise<void> {
  const rows = new Map<string, unknown>();
  for (const ev of events) if (ev.kind === 'message' && ev.raw !== undefined && ev.raw !== null) rows.set(ev.waMessageId, ev.raw);
  if (rows.size === 0) return;
  const json = JSON.stringify([...rows].map(([key, raw]) => ({ key, raw })));
  await db.execute(sql`
    insert into inbound_raw (key, raw)
    select x.key, x.raw from jsonb_to_recordset(${json}::jsonb) as x(key text, raw jsonb)
    where not exists (select 1 from messages m where m.wa_message_id = x.key)
    on conflict (key) do nothing`);
}

/** The events without their raw JSON, in signals of bounded size, in order. */
export function signalChunks(events: InboundEvent[]): InboundEvent[][] {
  const chunks: InboundEvent[][] = [];
  let current: InboundEvent[] = [];
  let bytes = 0;
  for (const ev of events) {
    const { raw: _raw, ...slim } = ev;
    const size = JSON.stringify(slim).length;
    if (current.length > 0 && (bytes + size > SIGNAL_BYTES || current.length >= SIGNAL_EVENTS)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(slim as InboundEvent);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export async function dispatchEvents(deps: IngressDeps, events: InboundEvent[]): Promise<DispatchResult> {
  const deadline = Date.now() + Math.min(deps.deadlineMs ?? 3000, 3000);
  const limit = pLimit(deps.concurrency ?? 16);
  const result: DispatchResult = { conversations: 0, messages: 0, statuses: 0, orphans: 0 };

  const known = await knownConversations(deps.db, events);
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

  await storeRaw(deps.db, [...byConversation.values()].flatMap((g) => g.events));
  const signals = [
    ...[...byConversation].map(([workflowId, group]) => ({ workflowId, group, start: true })),
    ...[...wake].map(([workflowId, events]) => ({ workflowId, group: { phoneNumberId: events[0]!.phoneNumberId, events: events as InboundEvent[] }, start: false })),
  ];

  const { client } = deps;
  // The SDK retries an unavailable server inside the deadline; this bounds the whole hand-over
  // whatever it does, so the webhook can answer 503 in time.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('deadline exceeded handing events to Temporal')), Math.max(0, deadline - Date.now()));
  });
  try {
    await Promise.race([timeout, Promise.all(
      signals.map(({ workflowId, group, start }) =>
        limit(() =>
          client.connection.withDeadline(deadline, async () => {
            // One conversation's signals in body order; each far below the payload limit.
            const chunks = signalChunks(group.events);
            if (!start) {
              try {
                for (const chunk of chunks) await client.workflow.getHandle(workflowId).signal(inboundSignal, chunk);
              } catch (err) {
                // Not running: the status is recorded; nothing waits for it.
                if (!(err instanceof WorkflowNotFoundError)) throw err;
              }
              return;
            }
            for (const chunk of chunks) {
              await client.workflow.signalWithStart(WORKFLOW_TYPE, {
                workflowId,
                taskQueue: deps.taskQueue,
                args: [{ phoneNumberId: group.phoneNumberId }],
                signal: inboundSignal,
                signalArgs: [chunk],
                // Temporal UI's workflow list then reads like an inbox (set once, when the run starts).
                ...('summary' in group && typeof group.summary === 'string' ? { staticSummary: group.summary } : {}),
                typedSearchAttributes: [
                  { key: SA.ConversationStatus, value: 'open' },
                  { key: SA.Urgency, value: 'normal' },
                  { key: SA.Paused, value: false },
                  ...(start && 'waId' in group && typeof group.waId === 'string' ? [{ key: SA.WaId, value: group.waId }] : []),
                ],
              });
            }
          }),
        ),
      ),
    )]);
  } catch (err) {
    throw new TemporalUnavailableError(err);
  } finally {
    clearTimeout(timer);
  }
  result.conversations = byConversation.size + [...wake.keys()].filter((w) => !byConversation.has(w)).length;
  return result;
}

/**
 * Every WhatsApp identity a contact is known by (wa_id, user_id, an old number) leads to that
 * contact's existing conversation with the same business number, so one buyer keeps one workflow.
 */
async function knownConversations(db: Db, events: InboundEvent[]) {
  const key = (phoneNumberId: string, kind: string, value: string) => `${phoneNumberId}|${kind}|${value}`;
  const map = new Map<string, string>();
  const wanted = new Map<string, { kind: string; value: string }>();
  const phoneNumberIds = new Set<string>();
  for (const ev of events) {
    if (ev.kind !== 'message') continue;
    phoneNumberIds.add(ev.phoneNumberId);
    // Other forms of the number (Brazil's ninth digit, Mexico's 521/52...) lead to the same buyer.
    if (ev.sender.waId) for (const v of phoneVariants(ev.sender.waId)) wanted.set(`wa_id|${v}`, { kind: 'wa_id', value: v });
    if (ev.sender.userId) wanted.set(`user_id|${ev.sender.userId}`, { kind: 'user_id', value: ev.sender.userId });
  }
  if (wanted.size > 0) {
    const ids = [...wanted.values()];
    const rows = await db
      .select({ kind: contactIdentities.kind, value: contactIdentities.value, workflowId: conversations.workflowId, phoneNumberId: conversations.phoneNumberId })
      .from(contactIdentities)
      .innerJoin(conversations, eq(conversations.contactId, contactIdentities.contactId))
      .where(
        and(
          eq(contactIdentities.channel, 'whatsapp'),
          inArray(contactIdentities.value, ids.map((i) => i.value)),
          inArray(conversations.phoneNumberId, [...phoneNumberIds]),
        ),
      )
      .orderBy(asc(conversations.createdAt));
    // Oldest conversation wins: the one the contact's history started in.
    for (const r of rows) {
      const k = key(r.phoneNumberId, r.kind, r.value);
      if (!map.has(k)) map.set(k, r.workflowId);
    }
  }
  return {
    lookup(phoneNumberId: string, sender: SenderIdentity): string | undefined {
      const exact =
        (sender.waId ? map.get(key(phoneNumberId, 'wa_id', sender.waId)) : undefined) ??
        (sender.userId ? map.get(key(phoneNumberId, 'user_id', sender.userId)) : undefined);
      if (exact || !sender.waId) return exact;
      for (const v of phoneVariants(sender.waId)) {
        const found = map.get(key(phoneNumberId, 'wa_id', v));
        if (found) return found;
      }
      return undefined;
    },
    remember(phoneNumberId: string, sender: SenderIdentity, workflowId: string): void {
      if (sender.waId && !map.has(key(phoneNumberId, 'wa_id', sender.waId))) map.set(key(phoneNumberId, 'wa_id', sender.waId), workflowId);
      if (sender.userId && !map.has(key(phoneNumberId, 'user_id', sender.userId))) map.set(key(phoneNumberId, 'user_id', sender.userId), workflowId);
    },
  };
}
