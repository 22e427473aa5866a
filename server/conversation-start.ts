// An action for a conversation whose run has ended (a resolved conversation goes quiet and its run
// completes): the run is started again from what Postgres holds, by update-with-start, so the
// action's validator judges it against the stored state (closing a resolved conversation is still
// 409). A running conversation is reached directly; the start input is only built when needed.
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { ConversationRow } from '../db/read/conversations.js';
import { pendingScheduledReplies } from '../db/crm/scheduled-replies.js';
import { currentRules } from '../db/routing/rules.js';
import { contacts, messages } from '../db/schema.js';
import type { ConversationStatus, Urgency } from '../domain/vocabulary.js';
import { searchAttributes as SA, WORKFLOW_TYPE, type CarriedState, type ConversationInput } from '../workflows/conversation/contract.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The start input of a run begun again from the stored conversation (its latest messages too, for the follow-up policy). */
export async function storedStartInput(db: Db, row: ConversationRow): Promise<ConversationInput> {
  const [rules, scheduled, latest] = await Promise.all([
    currentRules(db),
    pendingScheduledReplies(db, row.id),
    db
      .select({ direction: messages.direction, text: messages.text, sentAt: messages.sentAt })
      .from(messages)
      .where(eq(messages.conversationId, row.id))
      .orderBy(desc(messages.sentAt))
      .limit(10),
  ]);
  const numeric = /^\d+$/.test(row.sender);
  const carried: CarriedState = {
    snapshot: {
      workflowId: row.workflowId,
      conversationId: row.id,
      contactId: row.contactId,
      waId: numeric ? row.sender : null,
      userId: numeric ? null : row.sender,
      phoneNumberId: row.phoneNumberId,
      status: row.status as ConversationStatus,
      assignee: row.assignee,
      team: row.team,
      urgency: row.urgency as Urgency,
      paused: row.paused,
      takenOverBy: row.takenOverBy,
      pausedUntil: row.paused ? iso(row.pausedUntil) : null,
      snooze: row.status === 'snoozed' ? ((row.snooze as CarriedState['snapshot']['snooze']) ?? null) : null,
      awaitingReplySince: iso(row.awaitingReplySince),
      lastInboundAt: iso(row.lastInboundAt),
      lastOutboundAt: iso(row.lastOutboundAt),
      messagesSeen: 0,
      pending: 0,
      outcome: (row.outcome as CarriedState['snapshot']['outcome']) ?? null,
      scheduled,
    },
    seenIds: [],
    pendingEvents: [],
    rules,
    recent: latest.reverse().map((m) => ({ direction: m.direction as 'in' | 'out', at: m.sentAt.toISOString(), text: m.text })),
  };
  return { phoneNumberId: row.phoneNumberId, carried };
}

/** A run's static summary in Temporal UI: the buyer's name and number, like an inbox line. */
export function conversationSummary(name: string | null, sender: string): string {
  const who = /^\d+$/.test(sender) ? `+${sender}` : sender;
  const clean = name?.replace(/\s+/g, ' ').trim().slice(0, 80);
  return clean ? `${clean} · ${who}` : `WhatsApp ${who}`;
}

/** Runs the update on the conversation's run, starting it again from the stored state if it has ended. */
export async function actOnConversation<Ret, Args extends [unknown, ...unknown[]]>(
  deps: { db: Db; temporal: Client; taskQueue: string },
  row: ConversationRow,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
): Promise<Ret> {
  try {
    return await deps.temporal.workflow.getHandle(row.workflowId).executeUpdate(update, { args });
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  const [input, [contact]] = await Promise.all([
    storedStartInput(deps.db, row),
    deps.db.select({ name: contacts.name }).from(contacts).where(eq(contacts.id, row.contactId)).limit(1),
  ]);
  const start = new WithStartWorkflowOperation(WORKFLOW_TYPE, {
    workflowId: row.workflowId,
    taskQueue: deps.taskQueue,
    args: [input],
    staticSummary: conversationSummary(contact?.name ?? null, row.sender),
    // Started meanwhile (the buyer wrote): the update goes to that run, the stored input is unused.
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: SA.ConversationStatus, value: row.status },
      { key: SA.Urgency, value: row.urgency },
      { key: SA.Paused, value: row.paused },
      ...(/^\d+$/.test(row.sender) ? [{ key: SA.WaId, value: row.sender }] : []),
    ],
  });
  return deps.temporal.workflow.executeUpdateWithStart(update, { args, startWorkflowOperation: start });
}
