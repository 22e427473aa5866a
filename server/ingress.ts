// Step 1, capture: hand every event of a webhook body to its conversation workflow, durably,
// before the webhook answers 200. Messages: signalWithStart (the first one starts the conversation).
// Statuses: signal the conversation of the message they report on; never start one for an unknown id.
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { eq, inArray } from 'drizzle-orm';
import pLimit from 'p-limit';
import type { Db } from '../db/client.js';
import { conversations, interactionEvents, messages } from '../db/schema.js';
import { conversationWorkflowId, type InboundEvent, type InboundMessageEvent, type StatusEvent } from '../whatsapp/events.js';
import { inboundSignal, searchAttributes as SA, WORKFLOW_TYPE } from '../workflows/conversation/messages.js';

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

/** Parts of a body that could not be read at all (no id, not an object): kept, never dropped. */
export async function keepInvalidItems(db: Db, items: { reason: string; raw: unknown }[]): Promise<void> {
  if (items.length === 0) return;
  await db
    .insert(interactionEvents)
    .values(
      items.map((i) => ({
        idempotencyKey: `invalid:${createHash('sha256').update(JSON.stringify([i.reason, i.raw ?? null])).digest('hex')}`,
        kind: 'invalid_event',
        payload: { reason: i.reason, raw: (i.raw ?? null) as object },
      })),
    )
    .onConflictDoNothing();
}

export async function dispatchEvents(deps: IngressDeps, events: InboundEvent[]): Promise<DispatchResult> {
  const deadline = Date.now() + Math.min(deps.deadlineMs ?? 3000, 3000);
  const limit = pLimit(deps.concurrency ?? 16);
  const result: DispatchResult = { conversations: 0, messages: 0, statuses: 0, orphans: 0 };

  // Messages, grouped per conversation in body order; one signal per conversation.
  const byConversation = new Map<string, { phoneNumberId: string; events: InboundEvent[]; waId?: string }>();
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
    const id = conversationWorkflowId(ev.phoneNumberId, ev.sender);
    const group = byConversation.get(id) ?? { phoneNumberId: ev.phoneNumberId, events: [], waId: ev.sender.waId };
    group.events.push(ev);
    byConversation.set(id, group);
    result.messages++;
  }

  // Statuses find their conversation through the stored message.
  if (statuses.length > 0) {
    const ids = [...new Set(statuses.map((s) => s.waMessageId))];
    const rows = await deps.db
      .select({ waMessageId: messages.waMessageId, workflowId: conversations.workflowId, phoneNumberId: conversations.phoneNumberId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(inArray(messages.waMessageId, ids));
    const known = new Map(rows.map((r) => [r.waMessageId, r]));
    const orphanRows: (typeof interactionEvents.$inferInsert)[] = [];
    for (const s of statuses) {
      const row = known.get(s.waMessageId);
      if (!row) {
        orphanRows.push({
          idempotencyKey: `status:${s.waMessageId}:${s.status}`,
          kind: 'orphan_status',
          payload: { waMessageId: s.waMessageId, status: s.status, raw: s.raw as object },
          at: new Date(s.at),
        });
        result.orphans++;
        continue;
      }
      const group = byConversation.get(row.workflowId) ?? { phoneNumberId: row.phoneNumberId, events: [] };
      group.events.push(s);
      byConversation.set(row.workflowId, group);
      result.statuses++;
    }
    if (orphanRows.length > 0) await deps.db.insert(interactionEvents).values(orphanRows).onConflictDoNothing();
  }

  if (orphanMessages.length > 0) {
    await deps.db
      .insert(interactionEvents)
      .values(
        orphanMessages.map((m) => ({
          idempotencyKey: `orphan_message:${m.waMessageId}`,
          kind: 'orphan_message',
          payload: { waMessageId: m.waMessageId, type: m.type, raw: m.raw as object },
          at: new Date(m.at),
        })),
      )
      .onConflictDoNothing();
    result.orphans += orphanMessages.length;
  }

  const { client } = deps;
  try {
    await Promise.all(
      [...byConversation].map(([workflowId, group]) =>
        limit(() =>
          client.connection.withDeadline(deadline, async () => {
            const hasMessage = group.events.some((e) => e.kind === 'message');
            if (!hasMessage) {
              try {
                await client.workflow.getHandle(workflowId).signal(inboundSignal, group.events);
                return;
              } catch (err) {
                // The run completed (resolved and quiet): its statuses still belong to it.
                if (!(err instanceof WorkflowNotFoundError)) throw err;
              }
            }
            await client.workflow.signalWithStart(WORKFLOW_TYPE, {
              workflowId,
              taskQueue: deps.taskQueue,
              args: [{ phoneNumberId: group.phoneNumberId }],
              signal: inboundSignal,
              signalArgs: [group.events],
              typedSearchAttributes: [
                { key: SA.ConversationStatus, value: 'open' },
                { key: SA.Urgency, value: 'normal' },
                { key: SA.Paused, value: false },
                ...(group.waId ? [{ key: SA.WaId, value: group.waId }] : []),
              ],
            });
          }),
        ),
      ),
    );
  } catch (err) {
    throw new TemporalUnavailableError(err);
  }
  result.conversations = byConversation.size;
  return result;
}
