// The `conversation` workflow: one per buyer thread with one business number.
// Thin wiring: state and transitions live in ConversationState, decisions in ../policy.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  getExternalWorkflowHandle,
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
  assignedSignal,
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
import { decideEscalation } from '../policy/escalation.js';
import { decideRouting, slaDueAt } from '../policy/routing.js';
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

/** Events handed to one CRM write: keeps every activity's input far below Temporal's payload limit. */
const RECORD_BATCH_EVENTS = 200;
const RECORD_BATCH_BYTES = 256 * 1024;

/** What the timeline's `action` entries show of the state before and after. */
const actionView = (s: ConversationSnapshot) => ({
  status: s.status,
  assignee: s.assignee,
  team: s.team,
  paused: s.paused,
  takenOverBy: s.takenOverBy,
});

/** A value bounded before it reaches a search attribute (Temporal refuses long keywords: a failed task). */
const keyword = (v: string) => (v.length > 256 ? v.slice(0, 256) : v);

/** A resolved conversation with nothing new for this long completes; the next message starts a fresh run. */
const RESOLVED_QUIET_MS = 60 * 60 * 1000;

/** Test hook: continue-as-new after this many history events even if the server does not suggest it. */
export interface ConversationTestOptions {
  continueAsNewAfterEvents?: number;
  /** The time-skipping test server has no custom search attributes. */
  searchAttributes?: boolean;
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
  /** This conversation holds an agent's capacity (to give back on close or release). */
  let assignmentHeld = false;

  setHandler(inboundSignal, (events) => {
    state.receive(events);
  });
  setHandler(snapshotQuery, () => state.snapshot());

  /**
   * Applies an agent action and notes it for the timeline (who, from the token; before; after). The
   * handler itself never awaits: the main loop writes the note, so only one coroutine calls activities.
   */
  const onAction = <A extends [ActorArgs] | [ActorArgs & { agentId: string }] | [ReassignArgs]>(
    action: string,
    def: UpdateDefinition<ConversationSnapshot, A, string>,
    validate: (...a: A) => void,
    apply: (...a: A) => void,
  ) =>
    setHandler(
      def,
      (...a: A) => {
        const before = actionView(state.snapshot());
        apply(...a);
        dirty = true;
        const after = state.snapshot();
        state.noteAction({
          key: `action:${info.workflowId}:${currentUpdateInfo()?.id ?? action}`,
          at: new Date(Date.now()).toISOString(),
          payload: { action, by: a[0]?.by ?? 'unknown', ...(a[0]?.reason ? { reason: a[0].reason } : {}), before, after: actionView(after) },
        });
        return after;
      },
      { validator: (...a: A) => guard(() => validate(...a)) },
    );
  onAction('pause', pauseUpdate, (a) => state.validatePause(a), () => state.pause());
  onAction('resume', resumeUpdate, (a) => state.validateResume(a), () => state.resume());
  onAction('take_over', takeOverUpdate, (a) => state.validateTakeOver(a), (a) => state.takeOver(a.agentId));
  onAction('release', releaseUpdate, (a) => state.validateRelease(a), () => state.release());
  onAction('reassign', reassignUpdate, (a) => state.validateReassign(a ?? {}), (a) => state.reassign(a));
  onAction('close', closeUpdate, (a) => state.validateClose(a), () => state.close());
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
          const at = new Date(Date.now()).toISOString();
          if (args.by === 'automation') state.repliedAt(at);
          else state.humanReplied(at);
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

  /** Step 4, once per quiet burst: who answers, how urgent, by when; automation only acknowledges. */
  async function decideTurn(): Promise<void> {
    const burst = state.takeBurst();
    const s = state.snapshot();
    if (!s.conversationId || burst.length === 0) return;
    const nowIso = new Date(Date.now()).toISOString();
    const { rules, version } = await crmFor().loadRules();
    state.setBurstGap(rules.burstQuietGapSec);
    const ctx = s.context;
    const d = decideRouting({
      burst: burst.map((b) => ({ classification: b.classification, at: b.at })),
      now: nowIso,
      rules,
      context: {
        ownerAgentId: ctx?.contact.ownerAgentId ?? null,
        dealOwnerAgentId: ctx?.deal?.ownerAgentId ?? null,
        dealStage: ctx?.deal?.stage ?? null,
        dealValue: ctx?.deal?.value ?? null,
        language: ctx?.contact.language ?? null,
        replyLatencyMedianSec: ctx?.replyLatency.medianSec ?? null,
        earlierConversations: ctx?.history.earlierConversations ?? 0,
      },
      current: {
        assignee: s.assignee,
        team: s.team,
        takenOverBy: s.takenOverBy,
        paused: s.paused,
        awaitingReplySince: s.awaitingReplySince ?? null,
        firstResponseDone: s.firstResponseDone ?? false,
      },
    });
    if (d.optOut && s.contactId) await crmFor().recordOptOut({ contactId: s.contactId, optedOut: true });
    let placed: { assignee: string | null; team: string; queued: boolean; reasons: string[] } | null = null;
    if (d.needsReply && d.team && !s.takenOverBy) {
      placed = await crmFor().assignConversation({
        conversationId: s.conversationId,
        workflowId: info.workflowId,
        team: d.team,
        language: d.language,
        urgency: d.urgency,
        preferredAgentId: d.preferredAgentId,
        waitingSince: s.awaitingReplySince ?? burst[0]!.at,
      });
    }
    state.applyDecision(d, placed, nowIso, burst[0]!.at);
    await crmFor().recordEvent({
      key: `decision:${info.workflowId}:${burst[0]!.waMessageId}`,
      conversationId: s.conversationId,
      kind: 'decision',
      at: nowIso,
      payload: {
        rulesVersion: version,
        messages: burst.map((b) => b.waMessageId),
        intent: d.intent,
        language: d.language,
        urgency: d.urgency,
        needsReply: d.needsReply,
        optOut: d.optOut,
        team: placed?.team ?? d.team,
        assignee: placed?.assignee ?? s.assignee,
        queued: placed?.queued ?? false,
        acknowledge: d.acknowledge,
        slaKind: d.slaKind,
        dueAt: d.dueAt,
        reasons: [...d.reasons, ...(placed?.reasons ?? [])],
      },
    });
    const optedOut = d.optOut || s.optedOut || ctx?.optedOut;
    if (d.acknowledge && d.ackText && !s.paused && !optedOut) {
      try {
        await whatsapp.sendText({
          conversationId: s.conversationId,
          phoneNumberId: input.phoneNumberId,
          to: { waId: s.waId, userId: s.userId },
          text: d.ackText,
          sentBy: 'automation',
        });
      } catch (err) {
        // An acknowledgement that cannot go out changes nothing else; it is recorded.
        await crmFor().recordEvent({
          key: `ack_failed:${info.workflowId}:${burst[0]!.waMessageId}`,
          conversationId: s.conversationId,
          kind: 'action',
          payload: { action: 'acknowledge', ok: false, error: (err as Error).message },
        });
      }
    }
  }

  /** No human answer by the deadline: record the breach, raise urgency, hand it to someone else. */
  async function escalateBreach(): Promise<void> {
    const s = state.snapshot();
    if (!s.sla || !s.conversationId) return;
    const nowIso = new Date(Date.now()).toISOString();
    const { rules } = await crmFor().loadRules();
    await crmFor().recordEvent({
      key: `sla_breach:${info.workflowId}:${s.sla.dueAt}`,
      conversationId: s.conversationId,
      kind: 'sla_breach',
      at: nowIso,
      payload: { slaKind: s.sla.kind, dueAt: s.sla.dueAt, assignee: s.assignee, urgency: s.urgency, reasons: [`no human reply by ${s.sla.dueAt}`] },
    });
    const candidates = s.team ? await crmFor().teamAgents({ team: s.team }) : [];
    const e = decideEscalation({
      urgency: s.urgency,
      assignee: s.assignee,
      team: s.team,
      rules,
      candidates,
      language: s.language ?? null,
      alreadyTried: state.triedAgents(),
    });
    let placed: { assignee: string | null; team: string; queued: boolean; reasons: string[] } | null = null;
    if (e.target.agentId && s.team) {
      placed = await crmFor().assignConversation({
        conversationId: s.conversationId,
        workflowId: info.workflowId,
        team: s.team,
        language: s.language ?? null,
        urgency: e.newUrgency,
        preferredAgentId: e.target.agentId,
        excludeAgentIds: s.assignee ? [s.assignee] : [],
      });
    }
    const nextSec = rules.sla[e.newUrgency].nextResponseSec;
    const nextDue = new Date(slaDueAt(Date.now(), nextSec, e.newUrgency, rules.businessHours));
    state.escalated(e.newUrgency, placed, s.assignee, nextDue.toISOString());
    await crmFor().recordEvent({
      key: `escalation:${info.workflowId}:${s.sla.dueAt}`,
      conversationId: s.conversationId,
      kind: 'escalation',
      at: nowIso,
      payload: {
        from: s.assignee,
        to: placed?.assignee ?? null,
        target: e.target.kind,
        urgency: e.newUrgency,
        nextDueAt: nextDue.toISOString(),
        reasons: [...e.reasons, ...(placed?.reasons ?? [])],
      },
    });
  }

  setHandler(assignedSignal, ({ assignee, team }) => {
    state.assigned(assignee, team);
    dirty = true;
  });

  for (;;) {
    const ready = () => state.hasPending() || dirty;
    const wakeAt = state.nextWakeAt();
    // Only a resolved conversation has a quiet timeout (condition() without one resolves to void);
    // an open one wakes by itself for the end of a burst or an SLA deadline.
    let timedOut = false;
    if (state.status === 'resolved') timedOut = !(await condition(ready, RESOLVED_QUIET_MS));
    else if (wakeAt !== null) await condition(ready, Math.max(1, wakeAt - Date.now()));
    else await condition(ready);
    if (timedOut && state.status === 'resolved' && !state.hasPending()) {
      await condition(allHandlersFinished);
      return state.snapshot();
    }

    if (state.hasPending()) {
      // A bounded batch per activity: a huge body arrives in many signals, recorded a part at a time.
      const batch = state.peekPending(RECORD_BATCH_EVENTS, RECORD_BATCH_BYTES);
      const msgs = batch.filter((e): e is InboundMessageEvent => e.kind === 'message');
      const statuses = batch.filter((e): e is StatusEvent => e.kind === 'status');
      let ids: { conversationId?: string; contactId?: string } = {};
      if (msgs.length > 0) {
        const r = await crmFor().recordInbound({ workflowId: info.workflowId, phoneNumberId: input.phoneNumberId, messages: msgs });
        ids = { conversationId: r.conversationId ?? undefined, contactId: r.contactId ?? undefined };
        // Step 3: context for this turn's decisions (added after v1 histories: patched).
        if (patched('context-v1') && r.conversationId && r.contactId) {
          state.setContext(await crmFor().loadContext({ conversationId: r.conversationId, contactId: r.contactId }));
        }
        // Step 4 starts here: classify each message now, decide once the burst is quiet.
        if (patched('routing-v1')) {
          const classified = await crmFor().classifyMessages({ messages: msgs.map((m) => ({ text: m.text, type: m.type })) });
          state.addToBurst(
            msgs.map((m, i) => ({ waMessageId: m.waMessageId, at: m.at, classification: classified[i]! })),
            Date.now(),
          );
        }
      }
      if (statuses.length > 0) {
        await crmFor().recordStatuses({ conversationId: state.snapshot().conversationId, statuses });
      }
      state.recorded(batch.length, ids);
      dirty = true;
    }

    // Agents' actions, for the timeline (once the conversation is stored).
    const conversationId = state.snapshot().conversationId;
    if (conversationId) {
      for (const note of state.takeActionNotes()) {
        await crmFor().recordEvent({ key: note.key, conversationId, kind: 'action', at: note.at, payload: note.payload });
      }
    }

    // Capacity this conversation held goes back to the team queue (close, release).
    if (assignmentHeld && (state.status === 'resolved' || !state.snapshot().assignee) && state.snapshot().conversationId && patched('routing-v1')) {
      const conversationId = state.snapshot().conversationId!;
      const r =
        state.status === 'resolved'
          ? await crmFor().closeConversationAssignment({ conversationId })
          : await crmFor().releaseConversation({ conversationId });
      assignmentHeld = false;
      for (const p of r.freed) {
        await getExternalWorkflowHandle(p.workflowId)
          .signal(assignedSignal, { assignee: p.assignee!, team: p.team, reason: 'capacity freed' })
          .catch(() => undefined);
      }
    }
    if (state.snapshot().assignee && state.status !== 'resolved') assignmentHeld = true;

    if (state.burstReady(Date.now())) {
      await decideTurn();
      dirty = true;
    }
    if (state.slaBreached(Date.now())) {
      await escalateBreach();
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
      if (input.test?.searchAttributes !== false) upsertSearchAttributes([
        ...(s.contactId ? [{ key: SA.ContactId, value: keyword(s.contactId) }] : []),
        ...(s.waId ? [{ key: SA.WaId, value: keyword(s.waId) }] : []),
        { key: SA.ConversationStatus, value: s.status },
        { key: SA.Urgency, value: s.urgency },
        { key: SA.Paused, value: s.paused },
        { key: SA.Assignee, value: keyword(s.assignee ?? 'unassigned') },
        ...(s.lastInboundAt ? [{ key: SA.LastInboundAt, value: new Date(s.lastInboundAt) }] : []),
      ]);
      setCurrentDetails(describeConversation(s));
    }

    const historyLimit = input.test?.continueAsNewAfterEvents;
    const long = workflowInfo().continueAsNewSuggested || (historyLimit && workflowInfo().historyLength >= historyLimit);
    if (long && !state.hasBurst()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof conversation>({ phoneNumberId: input.phoneNumberId, carried: state.carry(), test: input.test });
    }
  }
}
