// The `conversation` workflow: one per buyer thread with one business number.
// Thin wiring: state and transitions live in ConversationState, decisions in ../policy.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../../activities/index.js';
import type { InboundMessageEvent, StatusEvent } from '../../whatsapp/events.js';
import {
  closeUpdate,
  inboundSignal,
  pauseUpdate,
  reassignUpdate,
  releaseUpdate,
  resumeUpdate,
  searchAttributes as SA,
  sendReplyUpdate,
  setFollowUpRulesUpdate,
  snapshotQuery,
  takeOverUpdate,
  type ActorArgs,
  type ReassignArgs,
  type ConversationInput,
  type ConversationSnapshot,
} from './messages.js';
import { ConversationState, StateError } from './state.js';
import { describeConversation } from './summary.js';

const crm = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * The same CRM writes as local activities: short database work run in the worker without a round
 * trip through the server per call (a several-fold cut in latency per message). Histories from
 * before this change used the remote form above: `crmFor()` picks by patch.
 */
const localCrm = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
const crmFor = () => (patched('local-crm-v1') ? localCrm : crm);

/** Sends: retried with backoff on rate limits and outages, a few times only (the agent is waiting). */
const whatsapp = proxyActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

/** A resolved conversation with nothing new for this long completes; the next message starts a fresh run. */
const RESOLVED_QUIET_MS = 60 * 60 * 1000;

/** Test hook: continue-as-new after this many history events even if the server does not suggest it. */
export interface ConversationTestOptions {
  continueAsNewAfterEvents?: number;
}

function guard(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof StateError) {
      throw ApplicationFailure.create({ message: err.message, type: err.type, nonRetryable: true });
    }
    throw err;
  }
}

export async function conversation(input: ConversationInput & { test?: ConversationTestOptions }): Promise<ConversationSnapshot> {
  const info = workflowInfo();
  const state = new ConversationState(info.workflowId, input.phoneNumberId, input.carried);
  let dirty = true; // read model and search attributes need a refresh
  let lastWrittenState: string | undefined;

  setHandler(inboundSignal, (events) => {
    state.receive(events);
  });
  setHandler(snapshotQuery, () => state.snapshot());

  const onAction = <A extends [ActorArgs] | [ActorArgs & { agentId: string }] | [ReassignArgs]>(
    def: UpdateDefinition<ConversationSnapshot, A, string>,
    validate: (...a: A) => void,
    apply: (...a: A) => void,
  ) =>
    setHandler(
      def,
      (...a: A) => {
        apply(...a);
        dirty = true;
        return state.snapshot();
      },
      { validator: (...a: A) => guard(() => validate(...a)) },
    );
  onAction(pauseUpdate, () => state.validatePause(), () => state.pause());
  onAction(resumeUpdate, () => state.validateResume(), () => state.resume());
  onAction(takeOverUpdate, (a) => state.validateTakeOver(a?.agentId), (a) => state.takeOver(a.agentId));
  onAction(releaseUpdate, () => state.validateRelease(), () => state.release());
  onAction(reassignUpdate, (a) => state.validateReassign(a ?? {}), (a) => state.reassign(a));
  onAction(closeUpdate, () => state.validateClose(), () => state.close());
  setHandler(
    setFollowUpRulesUpdate,
    () => {
      throw ApplicationFailure.create({ message: 'follow-up rules are not available yet', type: 'not_implemented', nonRetryable: true });
    },
  );
  // Handlers that call activities run one at a time, in arrival order.
  let lock: Promise<unknown> = Promise.resolve();
  const serialised = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn, fn);
    lock = run.catch(() => undefined);
    return run;
  };
  setHandler(
    sendReplyUpdate,
    (args) =>
      serialised(async () => {
        const s = state.snapshot();
        try {
          const sent = await whatsapp.sendText({
            conversationId: s.conversationId!,
            phoneNumberId: input.phoneNumberId,
            to: { waId: s.waId, userId: s.userId },
            text: args.text,
            sentBy: args.by ?? 'agent',
          });
          state.repliedAt(new Date(Date.now()).toISOString());
          dirty = true;
          return sent;
        } catch (err) {
          // Only ApplicationFailure may leave a handler: pass the Graph failure's type and code on.
          const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
          throw ApplicationFailure.create({
            message: cause?.message ?? (err as Error).message,
            type: cause?.type ?? 'SendFailed',
            details: cause?.details ?? [],
            nonRetryable: true,
          });
        }
      }),
    {
      validator: (args) =>
        guard(() => {
          state.validateReply(args?.text);
        }),
    },
  );

  for (;;) {
    const ready = () => state.hasPending() || dirty;
    // Only a resolved conversation has a quiet timeout (condition() without one resolves to void).
    const timedOut = state.status === 'resolved' ? !(await condition(ready, RESOLVED_QUIET_MS)) : (await condition(ready), false);
    if (timedOut && state.status === 'resolved' && !state.hasPending()) {
      await condition(allHandlersFinished);
      return state.snapshot();
    }

    if (state.hasPending()) {
      const batch = state.peekPending();
      const msgs = batch.filter((e): e is InboundMessageEvent => e.kind === 'message');
      const statuses = batch.filter((e): e is StatusEvent => e.kind === 'status');
      let ids: { conversationId?: string; contactId?: string } = {};
      if (msgs.length > 0) {
        const r = await crmFor().recordInbound({ workflowId: info.workflowId, phoneNumberId: input.phoneNumberId, messages: msgs });
        ids = { conversationId: r.conversationId, contactId: r.contactId };
        // Step 3: context for this turn's decisions (added after v1 histories: patched).
        if (patched('context-v1')) {
          state.setContext(await crmFor().loadContext({ conversationId: r.conversationId, contactId: r.contactId }));
        }
      }
      if (statuses.length > 0) {
        await crmFor().recordStatuses({ conversationId: state.snapshot().conversationId, statuses });
      }
      state.recorded(batch.length, ids);
      dirty = true;
    }

    if (dirty) {
      dirty = false;
      const s = state.snapshot();
      const fields = { status: s.status, assignee: s.assignee, team: s.team, urgency: s.urgency, paused: s.paused };
      const key = JSON.stringify(fields);
      // The read model is written when it changed (older histories wrote it every time: patched).
      if (s.conversationId && (key !== lastWrittenState || !patched('skip-unchanged-state-v1'))) {
        await crmFor().recordConversationState({ conversationId: s.conversationId, fields });
        lastWrittenState = key;
      }
      upsertSearchAttributes([
        ...(s.contactId ? [{ key: SA.ContactId, value: s.contactId }] : []),
        ...(s.waId ? [{ key: SA.WaId, value: s.waId }] : []),
        { key: SA.ConversationStatus, value: s.status },
        { key: SA.Urgency, value: s.urgency },
        { key: SA.Paused, value: s.paused },
        { key: SA.Assignee, value: s.assignee ?? 'unassigned' },
        ...(s.lastInboundAt ? [{ key: SA.LastInboundAt, value: new Date(s.lastInboundAt) }] : []),
      ]);
      setCurrentDetails(describeConversation(s));
    }

    const historyLimit = input.test?.continueAsNewAfterEvents;
    if (workflowInfo().continueAsNewSuggested || (historyLimit && workflowInfo().historyLength >= historyLimit)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof conversation>({ phoneNumberId: input.phoneNumberId, carried: state.carry(), test: input.test });
    }
  }
}
