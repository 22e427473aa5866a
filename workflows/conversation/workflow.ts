// The `conversation` workflow: one per buyer thread with one business number. Thin wiring: the
// handlers enqueue (signals), read (validators) or hand their action to the turn runner (updates);
// the loop waits for work or a timer and runs each wake-up as a turn. State and transitions live
// in ConversationState, turns in TurnRunner, decisions in ../policy.
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  currentUpdateInfo,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import {
  assignedSignal,
  closeUpdate,
  inboundSignal,
  pauseUpdate,
  reassignUpdate,
  releaseUpdate,
  resumeUpdate,
  sendReplyUpdate,
  setFollowUpRulesUpdate,
  scheduleReplyUpdate,
  sendTemplateUpdate,
  cancelScheduledReplyUpdate,
  snapshotQuery,
  snoozeUpdate,
  takeOverUpdate,
  type ConversationInput,
  type ConversationSnapshot,
} from './contract.js';
import { ConversationState, StateError } from './state.js';
import { asFailure, TurnRunner } from './turns.js';

/** A resolved conversation with nothing new for this long completes; the next message starts a fresh run. */
const RESOLVED_QUIET_MS = 60 * 60 * 1000;

/** Test hooks. */
export interface ConversationTestOptions {
  /** Continue-as-new after this many history events even if the server does not suggest it. */
  continueAsNewAfterEvents?: number;
  /** The time-skipping test server has no custom search attributes. */
  searchAttributes?: boolean;
  /** How long a resolved conversation stays quiet before its run completes (default an hour). */
  resolvedQuietMs?: number;
}

/**
 * Durable timers that live across loop iterations: a timer is only cancelled when its time moves
 * earlier or it is no longer wanted, so a message in a running wait costs no cancel-and-restart.
 */
class Timers {
  private readonly running = new Map<string, { at: number; scope: CancellationScope }>();
  readonly fired = new Set<string>();

  /** Exactly at `at` (null: none). */
  set(name: string, at: number | null): void {
    const cur = this.running.get(name);
    if (cur && cur.at === at) return;
    this.arm(name, at, cur);
  }

  /** At `at` or earlier: a later time keeps the earlier timer (it fires, and the loop arms the rest). */
  noLaterThan(name: string, at: number | null): void {
    const cur = this.running.get(name);
    if (cur && at !== null && cur.at <= at) return;
    this.arm(name, at, cur);
  }

  private arm(name: string, at: number | null, cur: { at: number; scope: CancellationScope } | undefined): void {
    if (cur) {
      cur.scope.cancel();
      this.running.delete(name);
    }
    if (at === null) return;
    const scope = new CancellationScope();
    this.running.set(name, { at, scope });
    scope
      .run(() => sleep(Math.max(1, at - Date.now())))
      .then(
        () => {
          if (this.running.get(name)?.scope !== scope) return;
          this.running.delete(name);
          this.fired.add(name);
        },
        () => undefined, // cancelled: a newer timer replaced it
      );
  }
}

export async function conversation(input: ConversationInput & { test?: ConversationTestOptions }): Promise<ConversationSnapshot> {
  const info = workflowInfo();
  const state = new ConversationState(info.workflowId, input.phoneNumberId, input.carried);
  const runner = new TurnRunner(
    state,
    { workflowId: info.workflowId, runId: info.runId, phoneNumberId: input.phoneNumberId, searchAttributes: input.test?.searchAttributes !== false },
    input.carried !== undefined,
  );
  const timers = new Timers();
  const quietMs = input.test?.resolvedQuietMs ?? RESOLVED_QUIET_MS;
  state.markResolvedAt(Date.now());

  // Signals only enqueue; validators only read; updates are turns of their own.
  setHandler(inboundSignal, (events) => {
    state.receive(events);
  });
  setHandler(assignedSignal, (placement) => {
    state.queuePlacement(placement);
  });
  setHandler(snapshotQuery, () => ({ ...state.snapshot(), busy: runner.busy }));

  const updateId = () => currentUpdateInfo()?.id ?? `${Date.now()}`;
  const validating = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      asFailure(err);
    }
  };
  setHandler(pauseUpdate, (a) => runner.action('pause', a ?? {}, updateId()), { validator: (a) => validating(() => state.validatePause(a)) });
  setHandler(resumeUpdate, (a) => runner.action('resume', a ?? {}, updateId()), { validator: (a) => validating(() => state.validateResume(a)) });
  setHandler(takeOverUpdate, (a) => runner.action('take_over', a, updateId()), { validator: (a) => validating(() => state.validateTakeOver(a)) });
  setHandler(releaseUpdate, (a) => runner.action('release', a ?? {}, updateId()), { validator: (a) => validating(() => state.validateRelease(a)) });
  setHandler(reassignUpdate, (a) => runner.action('reassign', a ?? {}, updateId()), { validator: (a) => validating(() => state.validateReassign(a ?? {})) });
  setHandler(snoozeUpdate, (a) => runner.action('snooze', a ?? {}, updateId()), { validator: (a) => validating(() => state.validateSnooze(a, Date.now())) });
  setHandler(sendTemplateUpdate, (a) => runner.sendTemplate(a, updateId()), { validator: (a) => validating(() => state.validateSendTemplate(a)) });
  setHandler(scheduleReplyUpdate, (a) => runner.scheduleReply(a, updateId()), {
    validator: (a) => validating(() => (state.hasScheduled(a?.id) ? undefined : state.validateScheduleReply(a, Date.now()))),
  });
  setHandler(cancelScheduledReplyUpdate, (a) => runner.cancelScheduledReply(a), { validator: (a) => validating(() => state.validateCancelScheduled(a)) });
  setHandler(closeUpdate, (a) => runner.action('close', a ?? {}, updateId()), { validator: (a) => validating(() => state.validateClose(a)) });
  setHandler(sendReplyUpdate, (a) => runner.reply(a, updateId()), { validator: (a) => validating(() => state.validateReply(a)) });
  setHandler(setFollowUpRulesUpdate, (a) => runner.setFollowUpRules(a, updateId()), {
    validator: (a) =>
      validating(() => {
        state.validateActor(a);
        if (!a || (a.rules !== null && (typeof a.rules !== 'object' || Array.isArray(a.rules)))) throw new StateError('rules: the followUp part as an object, or null for the global rules', 'invalid');
        if (!state.snapshot().conversationId) throw new StateError('the conversation has no recorded message yet');
      }),
  });

  const tooLong = () => {
    const limit = input.test?.continueAsNewAfterEvents;
    return workflowInfo().continueAsNewSuggested || (limit !== undefined && workflowInfo().historyLength >= limit);
  };

  for (;;) {
    // One timer each for the end of the burst, the response deadline and a resolved run's quiet end.
    timers.noLaterThan('burst', state.burstDueAtMs());
    const sla = state.snapshot().sla;
    // Snoozed: the response clock is stopped, so no deadline timer.
    timers.set('sla', sla && !state.snapshot().snooze ? Date.parse(sla.dueAt) : null);
    const quietSince = state.quietSinceMs();
    timers.set('quiet', quietSince !== null ? quietSince + quietMs : null);
    const followUp = state.snapshot().nextFollowUp;
    timers.set('followup', followUp ? Date.parse(followUp.at) : null);
    const snoozedUntil = state.snapshot().snooze?.until;
    timers.set('snooze', snoozedUntil ? Date.parse(snoozedUntil) : null);
    const pausedUntil = state.snapshot().paused ? state.snapshot().pausedUntil : null;
    timers.set('pause', pausedUntil ? Date.parse(pausedUntil) : null);
    timers.set('scheduled', state.nextScheduledAtMs());

    await condition(() => state.hasPending() || state.hasPlacements() || timers.fired.size > 0 || runner.dirty || tooLong());
    timers.fired.clear();
    runner.dirty = false;

    await runner.exclusive(async () => {
      while (state.hasPending()) await runner.recordInbound();
      runner.applyPlacements();
      if (state.burstReady(Date.now())) await runner.decide();
      if (state.snoozeDue(Date.now())) await runner.wakeFromSnooze();
      if (state.pauseDue(Date.now())) await runner.resumeAfterPause();
      if (state.dueScheduled(Date.now()).length > 0) await runner.sendDueScheduled();
      if (state.slaBreached(Date.now())) await runner.escalate();
      if (state.followUpDue(Date.now())) await runner.followUp();
      runner.sync();
    });

    // Quiet and resolved: the run ends, but only if nothing arrived while its handlers finished.
    const since = state.quietSinceMs();
    if (since !== null && Date.now() >= since + quietMs && !state.hasPending()) {
      await condition(() => allHandlersFinished() && runner.mediaFetches.size === 0);
      if (!state.hasPending() && !state.hasPlacements() && state.quietSinceMs() !== null) return state.snapshot();
      continue;
    }
    if (tooLong()) {
      // Not under the lock: handlers queued behind it must be able to finish (and media downloads).
      await condition(() => allHandlersFinished() && runner.mediaFetches.size === 0);
      await continueAsNew<typeof conversation>({ phoneNumberId: input.phoneNumberId, carried: state.carry(), ...(input.test ? { test: input.test } : {}) });
    }
  }
}
