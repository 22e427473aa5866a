// The turn runner: everything that changes the conversation and awaits runs here, as a turn under
// the workflow's one mutex (async-mutex, as in samples-typescript's safe-message-handlers). After
// every await a turn re-reads the state: the generation tells whether a human acted meanwhile, and
// a human action cancels the pending automated step (its CancellationScope) before it queues for
// the lock. Humans beat automation; automation never sends where a person owns or paused it.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { Mutex } from 'async-mutex';
import type { Activities } from '../../activities/index.js';
import type { InboundMessageEvent } from '../../whatsapp/events.js';
import { answerRules, DEFAULT_FOLLOW_UP_TEXTS, DEFAULT_RULES, validateFollowUp, type FollowUpRules } from '../../domain/rules.js';
import { decideEscalation } from '../policy/escalation.js';
import { planFollowUp } from '../policy/follow-up.js';
import { decideRouting, primaryTag, slaDueAt } from '../policy/routing.js';
import { automatedAnswersFor } from '../policy/answer.js';
import {
  searchAttributes as SA,
  type ActorArgs,
  type BurstItem,
  type CloseOutcome,
  type ScheduleReplyArgs,
  type TemplateArgs,
  type ConversationSnapshot,
  type FollowUpRulesArgs,
  type ReassignArgs,
  type SendReplyArgs,
} from './contract.js';
import { ConversationState, StateError, statusAfterSnooze, type HumanAction, type ReadModelFields } from './state.js';
import { describeConversation } from './summary.js';

/** Database work: one combined local activity per workflow task, retried as long as it takes. */
const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Sends (through the outbox): retried with backoff on rate limits and outages, a few times (someone waits). */
const remote = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

/** A buyer's media: a few quick retries (the turn waits for them; the download URL lives minutes). */
const media = proxyActivities<Activities>({
  startToCloseTimeout: '90 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

/** Read receipts: best effort, quick (a reply never waits long for one). */
const receipts = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});

/** Events handed to one CRM write: keeps every activity's input far below Temporal's payload limit. */
export const RECORD_BATCH_EVENTS = 200;
export const RECORD_BATCH_BYTES = 256 * 1024;

/** A value bounded before it reaches a search attribute (Temporal refuses long keywords: a failed task). */
const keyword = (v: string) => (v.length > 256 ? v.slice(0, 256) : v);

/** What the timeline's `action` entries show of the state before and after. */
type ActionArgs = ActorArgs & { agentId?: string } & ReassignArgs & { until?: string | null; outcome?: CloseOutcome };

const actionView = (s: ConversationSnapshot) => ({ status: s.status, assignee: s.assignee, team: s.team, paused: s.paused, takenOverBy: s.takenOverBy });

const nowIso = () => new Date(Date.now()).toISOString();

/** Only ApplicationFailure may leave a handler: a state error becomes one the API maps to 409/422. */
export function asFailure(err: unknown): never {
  if (err instanceof StateError) throw ApplicationFailure.create({ message: err.message, type: err.type, nonRetryable: true });
  if (err instanceof ApplicationFailure) throw err;
  const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
  throw ApplicationFailure.create({ message: cause?.message ?? (err as Error).message, type: cause?.type ?? 'SendFailed', details: cause?.details ?? [], nonRetryable: true });
}

export interface TurnRunnerOptions {
  workflowId: string;
  runId: string;
  phoneNumberId: string;
  /** The time-skipping test server has no custom search attributes. */
  searchAttributes: boolean;
}

export class TurnRunner {
  private readonly mutex = new Mutex();
  /** The automated step in flight (an acknowledgement): a human action cancels it. */
  private automation: CancellationScope | null = null;
  private readModelWritten: string | undefined;
  private visible = new Map<string, string>();
  /** A turn or an action changed something the main loop must look at (timers to re-arm). */
  dirty = false;

  constructor(
    private readonly state: ConversationState,
    private readonly opts: TurnRunnerOptions,
    carried: boolean,
  ) {
    // What the run already shows: signalWithStart's attributes, or the previous run's (continue-as-new).
    for (const p of workflowInfo().typedSearchAttributes?.getAll() ?? []) this.visible.set(p.key.name, JSON.stringify(p.value));
    if (carried) this.readModelWritten = JSON.stringify(state.readModel());
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.runExclusive(fn);
  }

  get busy(): boolean {
    return this.mutex.isLocked();
  }

  /** A human acts: every automated step started before is stale, the one in flight is cancelled. */
  preempt(): void {
    this.state.preempt();
    this.automation?.cancel();
  }

  /** The read-model fields when they differ from what was last written (else nothing to write). */
  private readModelChange(expected = this.state.readModel()): { fields?: typeof expected; mark: () => void } {
    const key = JSON.stringify(expected);
    if (key === this.readModelWritten) return { mark: () => {} };
    return { fields: expected, mark: () => (this.readModelWritten = key) };
  }

  // --- turns of the main loop (called under the lock) ---

  /** One bounded batch of queued events: recorded, deduped by the CRM's answer, added to the burst. */
  async recordInbound(): Promise<void> {
    const batch = this.state.peekPending(RECORD_BATCH_EVENTS, RECORD_BATCH_BYTES);
    const msgs = batch.filter((e): e is InboundMessageEvent => e.kind === 'message');
    if (msgs.length === 0) {
      this.state.recorded(batch, { conversationId: null, contactId: null, newIds: [], classifications: {}, context: null, rules: null }, Date.now());
      return;
    }
    const r = await local.ingest({
      workflowId: this.opts.workflowId,
      runId: this.opts.runId,
      phoneNumberId: this.opts.phoneNumberId,
      messages: msgs,
      rulesVersion: this.state.rules?.version ?? null,
      freshRun: !this.state.snapshot().conversationId,
    });
    const before = actionView(this.state.snapshot());
    const { fresh, snoozeEnded } = this.state.recorded(batch, r, Date.now());
    // A buyer's message cancels pending follow-ups (the plan is made again from here).
    this.planFollowUps();
    this.dirty = true;
    if (snoozeEnded && r.conversationId) {
      const readModel = this.readModelChange();
      await local.recordAndWrite({
        conversationId: r.conversationId,
        record: {
          key: `action:${this.opts.workflowId}:snooze_ended:${snoozeEnded.since}:${snoozeEnded.by}`,
          conversationId: r.conversationId,
          kind: 'action',
          at: nowIso(),
          payload: {
            action: 'snooze_ended',
            by: 'buyer',
            reason: `the buyer wrote (${snoozeEnded.by})${snoozeEnded.until ? `, before ${snoozeEnded.until}` : ''}`,
            before: { ...before, status: snoozeEnded.statusBefore },
            after: actionView(this.state.snapshot()),
          },
        },
        readModel: readModel.fields,
      });
      readModel.mark();
    }
    await this.keepMedia(fresh);
  }

  /**
   * The knowledge base's answers for this burst (automatedAnswersFor decides which), each sent
   * through the outbox as automation; a human action from here on cancels the rest. Answers the
   * messages they settle; a send that fails settles nothing (a person answers).
   */
  private async answerFromKnowledge(
    burst: readonly BurstItem[],
    generation: number,
    answerRules: { enabled: boolean; minConfidence: number },
  ): Promise<{ covered: Set<string>; sent: Array<{ waMessageId: string; entryId: string; confidence: number; language: string }>; reasons: string[] }> {
    const s = this.state.snapshot();
    const turn = automatedAnswersFor({
      burst,
      rules: answerRules,
      maySend: this.state.automationMaySend(generation),
      whyNot: this.state.automationBlocker() ?? 'a person acted meanwhile',
      answeredBefore: !!s.automatedAnswer,
    });
    const covered = new Set<string>();
    const sent: Array<{ waMessageId: string; entryId: string; confidence: number; language: string }> = [];
    const reasons = [...turn.reasons];
    for (const a of turn.send) {
      if (!this.state.automationMaySend(generation)) break;
      const scope = new CancellationScope();
      this.automation = scope;
      try {
        await scope.run(() =>
          remote.send({
            key: `answer:${this.opts.workflowId}:${a.waMessageId}`,
            kind: 'answer',
            conversationId: s.conversationId!,
            workflowId: this.opts.workflowId,
            phoneNumberId: this.opts.phoneNumberId,
            to: { waId: s.waId, userId: s.userId },
            text: a.text,
            sentBy: 'automation',
          }),
        );
      } catch (err) {
        if (isCancellation(err)) break;
        const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
        reasons.push(`${a.waMessageId}: the automated answer was not sent (${cause?.message ?? (err as Error).message}) -> a person answers`);
        continue;
      } finally {
        if (this.automation === scope) this.automation = null;
      }
      this.state.automatedAnswered(nowIso(), [a.entryId], a.text);
      sent.push({ waMessageId: a.waMessageId, entryId: a.entryId, confidence: a.confidence, language: a.language });
      // The message it answers, and any other of the burst asking the same entry.
      for (const b of burst) if (turn.covered.includes(b.waMessageId) && b.answer?.entryId === a.entryId) covered.add(b.waMessageId);
    }
    return { covered, sent, reasons };
  }

  /** Media downloads in flight: the run waits for them before it continues as new or completes. */
  readonly mediaFetches = new Set<Promise<void>>();

  /**
   * A buyer's media is fetched and kept at once (its URL lives minutes), beside the turns: a slow or
   * failing download never holds back the next messages. One that never works is recorded on the message.
   */
  private async keepMedia(fresh: readonly InboundMessageEvent[]): Promise<void> {
    for (const ev of fresh) {
      if (!ev.mediaId) continue;
      const fetch = (async () => {
        try {
          await media.fetchInboundMedia({ waMessageId: ev.waMessageId, mediaId: ev.mediaId!, mimeType: ev.mimeType ?? null, filename: ev.filename ?? null });
        } catch (err) {
          const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
          await local.recordMediaFailure({ waMessageId: ev.waMessageId, error: `media not downloaded after retries: ${cause?.message ?? (err as Error).message}` }).catch(() => undefined);
        }
      })();
      this.mediaFetches.add(fetch);
      void fetch.finally(() => this.mediaFetches.delete(fetch));
    }
  }

  /** Placements signalled from outside (db/routing made them; the state only learns them). */
  applyPlacements(): void {
    if (this.state.applyPlacements() > 0) this.dirty = true;
  }

  /**
   * Step 4, once per quiet burst: what the knowledge base answers goes out first (a real answer);
   * then who answers the rest, how urgent, by when; automation acknowledges what a person will answer.
   */
  async decide(): Promise<void> {
    const generation = this.state.generation;
    const burst = this.state.takeBurst();
    const s = this.state.snapshot();
    const rules = this.state.rules;
    if (!s.conversationId || burst.length === 0 || !rules) return;
    const current = this.state.routingCurrent();
    const answers = await this.answerFromKnowledge(burst, generation, answerRules(rules.rules.automation));
    const now = nowIso();
    const ctx = s.context;
    const d = decideRouting({
      burst: burst.map((b) => ({ classification: b.classification, at: b.at, answeredByKnowledge: answers.covered.has(b.waMessageId) })),
      now,
      rules: rules.rules,
      context: {
        ownerAgentId: ctx?.contact.ownerAgentId ?? null,
        dealOwnerAgentId: ctx?.deal?.ownerAgentId ?? null,
        dealStage: ctx?.deal?.stage ?? null,
        dealValue: ctx?.deal?.value ?? null,
        language: ctx?.contact.language ?? null,
        replyLatencyMedianSec: ctx?.replyLatency.medianSec ?? null,
        replyLatencySamples: ctx?.replyLatency.samples ?? 0,
        earlierConversations: ctx?.history.earlierConversations ?? 0,
      },
      // As the burst found it (this turn's own answers are not "the buyer wrote again"); a sent answer is the first response.
      current: { ...current, firstResponseDone: current.firstResponseDone || answers.sent.length > 0 },
    });
    d.reasons.unshift(...answers.reasons);
    const owned = !!s.takenOverBy;
    const readModel = this.readModelChange({
      ...this.state.readModel(),
      urgency: d.urgency,
      ...(d.needsReply ? { awaitingReplySince: s.awaitingReplySince ?? burst[0]!.at } : {}),
    });
    const { placed } = await local.commitDecision({
      conversationId: s.conversationId,
      workflowId: this.opts.workflowId,
      runId: this.opts.runId,
      assign:
        d.needsReply && d.team && !owned
          ? { team: d.team, language: d.language, urgency: d.urgency, preferredAgentId: d.preferredAgentId, waitingSince: s.awaitingReplySince ?? burst[0]!.at }
          : null,
      optOut: d.optOut && s.contactId ? { contactId: s.contactId } : null,
      record: {
        key: `decision:${this.opts.workflowId}:${burst[0]!.waMessageId}`,
        conversationId: s.conversationId,
        kind: 'decision',
        at: now,
        payload: {
          rulesVersion: rules.version,
          messages: burst.map((b) => b.waMessageId),
          intent: d.intent,
          language: d.language,
          urgency: d.urgency,
          needsReply: d.needsReply,
          optOut: d.optOut,
          team: d.team,
          assignee: s.assignee,
          queued: false,
          acknowledge: d.acknowledge,
          slaKind: d.slaKind,
          dueAt: d.dueAt,
          reasons: d.reasons,
          ...(answers.sent.length > 0 ? { automatedAnswers: answers.sent } : {}),
        },
      },
      readModel: readModel.fields,
    });
    readModel.mark();
    // A human acted while this turn decided: their action wins (no deadline armed, nothing sent).
    const stale = this.state.generation !== generation;
    this.state.applyDecision(d, placed, now, burst[0]!.at, { armSla: !stale });
    this.dirty = true;
    if (!d.acknowledge || !d.ackText || !this.state.automationMaySend(generation)) return;
    // Re-checked right before sending; a human action from here on cancels the send.
    const scope = new CancellationScope();
    this.automation = scope;
    try {
      await scope.run(() =>
        remote.send({
          key: `ack:${this.opts.workflowId}:${burst[0]!.waMessageId}`,
          kind: 'ack',
          conversationId: s.conversationId!,
          workflowId: this.opts.workflowId,
          phoneNumberId: this.opts.phoneNumberId,
          to: { waId: s.waId, userId: s.userId },
          text: d.ackText!,
          sentBy: 'automation',
        }),
      );
      this.state.automatedReply(nowIso());
    } catch (err) {
      if (isCancellation(err)) return;
      // An acknowledgement that cannot go out changes nothing else; it is recorded.
      await local.recordEvent({
        key: `ack_failed:${this.opts.workflowId}:${burst[0]!.waMessageId}`,
        conversationId: s.conversationId,
        kind: 'send_failed',
        payload: { send: 'acknowledge', error: (err as Error).message, reasons: [`the acknowledgement was not sent: ${(err as Error).message}`] },
      });
    } finally {
      this.automation = null;
    }
  }

  /** No human answer by the deadline: the breach recorded, urgency raised, the conversation handed on. */
  async escalate(): Promise<void> {
    const s = this.state.snapshot();
    if (!s.sla || !s.conversationId) return;
    const generation = this.state.generation;
    const now = nowIso();
    const { candidates, rules } = await local.escalationContext({ team: s.team });
    const e = decideEscalation({
      urgency: s.urgency,
      assignee: s.assignee,
      team: s.team,
      rules,
      candidates,
      language: s.language ?? null,
      alreadyTried: this.state.triedAgents(),
    });
    const nextDue = new Date(slaDueAt(Date.now(), rules.sla[e.newUrgency].nextResponseSec, e.newUrgency, rules.businessHours)).toISOString();
    const readModel = this.readModelChange({ ...this.state.readModel(), urgency: e.newUrgency });
    const reassign = !!(e.target.agentId && s.team && !s.takenOverBy);
    const { placed } = await local.commitEscalation({
      conversationId: s.conversationId,
      workflowId: this.opts.workflowId,
      runId: this.opts.runId,
      breach: {
        key: `sla_breach:${this.opts.workflowId}:${s.sla.dueAt}`,
        conversationId: s.conversationId,
        kind: 'sla_breach',
        at: now,
        payload: { slaKind: s.sla.kind, dueAt: s.sla.dueAt, assignee: s.assignee, urgency: s.urgency, reasons: [`no human reply by ${s.sla.dueAt}`] },
      },
      assign: reassign
        ? { team: s.team!, language: s.language ?? null, urgency: e.newUrgency, preferredAgentId: e.target.agentId!, excludeAgentIds: s.assignee ? [s.assignee] : [] }
        : null,
      escalation: {
        key: `escalation:${this.opts.workflowId}:${s.sla.dueAt}`,
        conversationId: s.conversationId,
        kind: 'escalation',
        at: now,
        payload: {
          from: s.assignee,
          target: s.takenOverBy ? 'owner' : e.target.kind,
          urgency: e.newUrgency,
          nextDueAt: nextDue,
          reasons: [...e.reasons, ...(s.takenOverBy ? [`owned by ${s.takenOverBy}: stays with them`] : [])],
        },
      },
      readModel: readModel.fields,
    });
    readModel.mark();
    // A person answered while this was written: the breach stands recorded, nothing more.
    if (this.state.generation !== generation && !this.state.snapshot().sla) return;
    this.state.escalated(e.newUrgency, placed, s.assignee, nextDue);
    this.dirty = true;
  }

  // --- human actions (Updates): preempt, then a turn of their own ---

  /**
   * An agent's action. The handler preempts automation at once (before waiting for the lock), then
   * re-validates against the state it finds, asks db/routing for the assignment part, records the
   * timeline entry with the token's actor, and applies the answer.
   */
  action(kind: Exclude<HumanAction, 'reply'>, args: ActionArgs, updateId: string): Promise<ConversationSnapshot> {
    if (kind === 'pause' || kind === 'snooze' || kind === 'take_over' || kind === 'close' || kind === 'reassign' || kind === 'release') this.preempt();
    return this.exclusive(() => this.applyAction(kind, args, updateId));
  }

  /** An action's turn, under the lock (an agent's, or automation resolving a finished exchange). */
  private async applyAction(kind: Exclude<HumanAction, 'reply'>, args: ActionArgs, updateId: string): Promise<ConversationSnapshot> {
    {
      try {
        this.revalidate(kind, args);
      } catch (err) {
        asFailure(err);
      }
      const s = this.state.snapshot();
      const woken = s.snooze ? statusAfterSnooze(s.snooze) : s.status;
      const until = typeof args.until === 'string' ? new Date(Date.parse(args.until)).toISOString() : null;
      const now = Date.now();
      const expected: ReadModelFields = {
        ...this.state.readModel(),
        ...(kind === 'pause' ? { paused: true, pausedUntil: until } : {}),
        ...(kind === 'resume' ? { paused: false, pausedUntil: null, status: woken, snooze: null } : {}),
        ...(kind === 'close' ? { status: 'resolved', nextFollowUpAt: null, takenOverBy: null, snooze: null, awaitingReplySince: null } : {}),
        ...(kind === 'snooze' ? { status: 'snoozed', nextFollowUpAt: null, snooze: this.state.snoozeRecord(until, now) } : {}),
        // A take-over reopens a resolved conversation (state.takeOver does the same).
        ...(kind === 'take_over' ? { takenOverBy: args.agentId ?? null, ...(s.status === 'resolved' ? { status: 'open' } : {}) } : {}),
        ...(kind === 'release' || kind === 'reassign' ? { takenOverBy: null } : {}),
      };
      const before = actionView(s);
      const afterView = {
        ...before,
        ...(kind === 'pause' ? { paused: true, pausedUntil: args.until ?? null } : kind === 'resume' ? { paused: false, status: woken } : {}),
        ...(kind === 'close' ? { outcome: args.outcome ?? 'resolved' } : {}),
        ...(kind === 'snooze' ? { status: 'snoozed' as const, snoozedUntil: args.until ?? null } : {}),
        ...(kind === 'close' ? { status: 'resolved' as const, takenOverBy: null } : {}),
        ...(kind === 'take_over' ? { takenOverBy: args.agentId! } : {}),
        ...(kind === 'release' || kind === 'reassign' ? { takenOverBy: null } : {}),
      };
      const readModel = this.readModelChange(expected);
      const r = await local.applyAction({
        conversationId: s.conversationId!,
        workflowId: this.opts.workflowId,
        runId: this.opts.runId,
        action: kind,
        ...(args.agentId !== undefined ? { agentId: args.agentId } : {}),
        ...(args.assignee !== undefined ? { assignee: args.assignee } : {}),
        ...(args.team !== undefined ? { team: args.team } : {}),
        ...(kind === 'close' ? { outcome: args.outcome ?? 'resolved' } : {}),
        placement: { language: s.language ?? null, urgency: s.urgency, waitingSince: s.awaitingReplySince ?? null },
        record: {
          key: `action:${this.opts.workflowId}:${updateId}`,
          conversationId: s.conversationId!,
          kind: 'action',
          at: nowIso(),
          payload: { action: kind, by: args.by ?? 'unknown', ...(args.reason ? { reason: args.reason } : {}), before, after: afterView },
        },
        readModel: readModel.fields,
      });
      if (!r.ok) throw ApplicationFailure.create({ message: r.reason, type: 'wrong_state', nonRetryable: true });
      readModel.mark();
      switch (kind) {
        case 'pause':
          this.state.pause(args.until ?? null);
          break;
        case 'resume':
          this.state.resume(Date.now());
          break;
        case 'snooze':
          this.state.snoozeUntil(until, now);
          break;
        case 'take_over':
          this.state.takeOver(args.agentId!, r.team);
          break;
        case 'release':
          // Released, and back to the team when the buyer still waits (db/routing's answer).
          this.state.release();
          if (r.assignee) this.state.reassign({ assignee: r.assignee, team: r.team });
          break;
        case 'reassign':
          this.state.reassign({ assignee: r.assignee, team: r.team });
          break;
        case 'close':
          this.state.close(Date.now(), args.outcome ?? 'resolved');
          break;
      }
      this.planFollowUps();
      this.dirty = true;
      this.sync();
      return this.state.snapshot();
    }
  }

  private revalidate(kind: Exclude<HumanAction, 'reply'>, args: ActionArgs): void {
    if (kind === 'pause') this.state.validatePause(args);
    else if (kind === 'resume') this.state.validateResume(args);
    else if (kind === 'take_over') this.state.validateTakeOver(args);
    else if (kind === 'release') this.state.validateRelease(args);
    else if (kind === 'reassign') this.state.validateReassign(args);
    else if (kind === 'snooze') this.state.validateSnooze(args, Date.now());
    else this.state.validateClose(args);
  }

  /** An agent's reply: through the outbox under the update's key, then the response clock stops. */
  reply(args: SendReplyArgs, updateId: string): Promise<{ waMessageId: string }> {
    this.preempt();
    return this.exclusive(async () => {
      try {
        this.state.validateReply(args);
      } catch (err) {
        asFailure(err);
      }
      const s = this.state.snapshot();
      let sent: { waMessageId: string };
      try {
        sent = await remote.send({
          key: `reply:${this.opts.workflowId}:${updateId}`,
          kind: 'reply',
          conversationId: s.conversationId!,
          workflowId: this.opts.workflowId,
          phoneNumberId: this.opts.phoneNumberId,
          to: { waId: s.waId, userId: s.userId },
          text: args.text ?? '',
          ...(args.media ? { media: { sha256: args.media.sha256, mimeType: args.media.mimeType, filename: args.media.filename } } : {}),
          sentBy: args.by ?? 'agent',
        });
      } catch (err) {
        asFailure(err);
      }
      this.state.humanReplied(nowIso(), args.text || (args.media ? `[${args.media.mimeType}]` : ''));
      await this.markInboundRead();
      // Follow-ups are planned from this reply on (and the plan is written where ingress reads it).
      this.planFollowUps();
      await this.writeReadModelIfChanged();
      this.dirty = true;
      this.sync();
      return sent!;
    });
  }

  /** An approved template an agent sends (a business-initiated conversation starts so): through the outbox. */
  sendTemplate(args: TemplateArgs, updateId: string): Promise<{ waMessageId: string }> {
    this.preempt();
    return this.exclusive(async () => {
      try {
        this.state.validateSendTemplate(args);
      } catch (err) {
        asFailure(err);
      }
      const s = this.state.snapshot();
      const text = `template ${args.template.name} (${args.template.language})`;
      let sent: { waMessageId: string };
      try {
        sent = await remote.send({
          key: `template:${this.opts.workflowId}:${updateId}`,
          kind: 'template',
          conversationId: s.conversationId!,
          workflowId: this.opts.workflowId,
          phoneNumberId: this.opts.phoneNumberId,
          to: { waId: s.waId, userId: s.userId },
          text,
          template: args.template,
          sentBy: args.by ?? 'agent',
        });
      } catch (err) {
        asFailure(err);
      }
      this.state.humanReplied(nowIso(), text);
      this.planFollowUps();
      await this.writeReadModelIfChanged();
      this.dirty = true;
      this.sync();
      return sent!;
    });
  }

  /** An agent answered: the buyer's messages show as read on WhatsApp (blue ticks); a failure is no reason to fail the reply. */
  private async markInboundRead(): Promise<void> {
    const id = this.state.unreadInbound();
    if (!id) return;
    try {
      await receipts.markRead({ phoneNumberId: this.opts.phoneNumberId, waMessageId: id });
      this.state.markedRead(id);
    } catch {
      // Recorded by the activity's failure in Temporal; the next reply tries again.
    }
  }

  // --- scheduled replies (step 7) ---

  /** Kept in Postgres and armed here; validated again under the lock (the state may have moved). */
  scheduleReply(args: ScheduleReplyArgs, updateId: string): Promise<{ id: string; at: string }> {
    return this.exclusive(async () => {
      const at = new Date(Date.parse(args.at)).toISOString();
      if (this.state.hasScheduled(args.id)) return { id: args.id, at };
      try {
        this.state.validateScheduleReply(args, Date.now());
      } catch (err) {
        asFailure(err);
      }
      const s = this.state.snapshot();
      const reply = { id: args.id, text: args.text, at, by: args.by ?? 'agent', agentId: args.agentId ?? null };
      await local.recordScheduledReply({
        conversationId: s.conversationId!,
        reply,
        record: {
          key: `scheduled:${args.id}:scheduled`,
          conversationId: s.conversationId!,
          kind: 'scheduled_reply',
          at: nowIso(),
          payload: { id: args.id, status: 'scheduled', for: at, text: args.text, by: reply.by, updateId },
        },
      });
      this.state.addScheduled(reply);
      this.dirty = true;
      return { id: args.id, at };
    });
  }

  cancelScheduledReply(args: ActorArgs & { id: string }): Promise<ConversationSnapshot> {
    return this.exclusive(async () => {
      try {
        this.state.validateCancelScheduled(args);
      } catch (err) {
        asFailure(err);
      }
      const s = this.state.snapshot();
      await local.settleScheduledReply({
        id: args.id,
        status: 'cancelled',
        reason: args.reason ?? null,
        record: { key: `scheduled:${args.id}:cancelled`, conversationId: s.conversationId!, kind: 'scheduled_reply', at: nowIso(), payload: { id: args.id, status: 'cancelled', by: args.by ?? 'unknown', ...(args.reason ? { reason: args.reason } : {}) } },
      });
      this.state.removeScheduled(args.id);
      this.dirty = true;
      return this.state.snapshot();
    });
  }

  /** Due scheduled replies: sent through the outbox when they still make sense, else dropped with the reason. */
  async sendDueScheduled(): Promise<void> {
    for (const r of this.state.dueScheduled(Date.now())) {
      this.state.removeScheduled(r.id);
      const s = this.state.snapshot();
      const now = nowIso();
      const settle = (status: 'sent' | 'dropped' | 'failed', reason: string | null, waMessageId?: string) =>
        local.settleScheduledReply({
          id: r.id,
          status,
          reason,
          waMessageId: waMessageId ?? null,
          record: { key: `scheduled:${r.id}:${status}`, conversationId: s.conversationId!, kind: 'scheduled_reply', at: now, payload: { id: r.id, status, for: r.at, by: r.by, ...(reason ? { reason } : {}), ...(waMessageId ? { waMessageId } : {}) } },
        });
      const obstacle = this.state.scheduledReplyObstacle(r, Date.now());
      if (obstacle) {
        await settle(obstacle.status, obstacle.reason);
        continue;
      }
      try {
        const sent = await remote.send({
          key: `scheduled:${r.id}`,
          kind: 'reply',
          conversationId: s.conversationId!,
          workflowId: this.opts.workflowId,
          phoneNumberId: this.opts.phoneNumberId,
          to: { waId: s.waId, userId: s.userId },
          text: r.text,
          sentBy: r.by,
        });
        this.state.humanReplied(nowIso(), r.text);
        await this.markInboundRead();
        this.planFollowUps();
        await settle('sent', null, sent.waMessageId);
      } catch (err) {
        const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
        await settle('failed', `not sent: ${cause?.message ?? (err as Error).message}`);
      }
      await this.writeReadModelIfChanged();
      this.dirty = true;
    }
  }

  // --- step 5: follow-ups ---

  /** The plan for the next follow-up, from the state as it is now (pure: the policy decides). */
  planFollowUps(): void {
    this.state.setFollowUpPlan(planFollowUp(this.state.followUpSituation(nowIso())));
  }

  /** The read model when it changed and no other write of this turn carried it. */
  async writeReadModelIfChanged(): Promise<void> {
    const s = this.state.snapshot();
    const change = this.readModelChange();
    if (!change.fields || !s.conversationId) return;
    await local.recordAndWrite({ conversationId: s.conversationId, readModel: change.fields });
    change.mark();
  }

  /**
   * A follow-up is due: planned again now (the state may have changed since), then sent through the
   * outbox (free-form inside the 24-hour window, the rules' template after it; a 131047 answer
   * switches to the template), or a reminder to the person who owns the conversation, or resolved.
   */
  async followUp(): Promise<void> {
    const generation = this.state.generation;
    const now = nowIso();
    const plan = planFollowUp(this.state.followUpSituation(now));
    const s = this.state.snapshot();
    if (!s.conversationId || plan.action === 'none' || !plan.at || Date.parse(plan.at) > Date.now() + 1000) {
      this.state.setFollowUpPlan(plan);
      return;
    }
    const situation = this.state.followUpSituation(now);
    const attempt = situation.attemptsSoFar + 1;
    const anchor = situation.lastOutboundAt ?? 'none';
    const rules = (s.followUpRules ?? this.state.rules?.rules.followUp ?? DEFAULT_RULES.followUp) as FollowUpRules;
    if (plan.action === 'resolve') {
      await this.resolveByAutomation(plan.reason);
      return;
    }
    if (plan.action === 'remind_agent') {
      await local.recordAndWrite({
        conversationId: s.conversationId,
        record: {
          key: `reminder:${this.opts.workflowId}:${anchor}:${attempt}`,
          conversationId: s.conversationId,
          kind: 'reminder',
          at: now,
          payload: { attempt, to: s.takenOverBy ?? s.assignee, at: plan.at, reason: plan.reason, reasons: [plan.reason] },
        },
      });
      this.state.followedUp(now, null, false);
      this.planFollowUps();
      await this.writeReadModelIfChanged();
      return;
    }
    // A follow-up: automation may send (nobody owns it unless the rules allow, not paused, consent).
    if (!this.state.automationMaySend(generation, { evenIfOwned: rules.automaticWhenOwned })) {
      // Not now (a status the policy does not plan for): no timer left armed in the past.
      this.state.setFollowUpPlan({ action: 'none', silence: plan.silence, reason: `automation may not send now (${s.status})` });
      return;
    }
    const lang = primaryTag(s.language && s.language !== 'und' ? s.language : (s.context?.contact.language ?? 'en'));
    const texts = this.state.rules?.rules.automation.texts.followUp ?? DEFAULT_FOLLOW_UP_TEXTS;
    const text = texts[lang] ?? texts.en ?? DEFAULT_FOLLOW_UP_TEXTS.en!;
    const send = (channel: 'free_form' | 'template') =>
      remote.send({
        key: `follow_up:${this.opts.workflowId}:${anchor}:${attempt}${channel === 'template' ? ':template' : ''}`,
        kind: 'follow_up',
        conversationId: s.conversationId!,
        workflowId: this.opts.workflowId,
        phoneNumberId: this.opts.phoneNumberId,
        to: { waId: s.waId, userId: s.userId },
        text: channel === 'template' ? `template ${rules.template!.name} (${rules.template!.language})` : text,
        ...(channel === 'template' ? { template: { name: rules.template!.name, language: rules.template!.language } } : {}),
        sentBy: 'automation',
      });
    let channel = plan.channel ?? 'free_form';
    const reasons = [plan.reason];
    const scope = new CancellationScope();
    this.automation = scope;
    let sent = false;
    try {
      try {
        await scope.run(() => send(channel));
        sent = true;
      } catch (err) {
        if (isCancellation(err)) return;
        const type = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.type : undefined;
        // Meta says the window is closed: the template path, not a retry.
        if (type === 'OutsideCustomerServiceWindow' && channel === 'free_form' && rules.template) {
          channel = 'template';
          reasons.push('WhatsApp answered 131047 (outside the 24-hour window): sent the template instead');
          await scope.run(() => send('template'));
          sent = true;
        } else {
          reasons.push(
            type === 'OutsideCustomerServiceWindow'
              ? 'WhatsApp answered 131047 (outside the 24-hour window) and no template is configured: not sent'
              : `not sent: ${(err as Error).message}`,
          );
        }
      }
    } catch (err) {
      if (isCancellation(err)) return;
      reasons.push(`not sent: ${(err as Error).message}`);
    } finally {
      this.automation = null;
    }
    this.state.followedUp(now, sent ? text : null, sent);
    this.planFollowUps();
    const readModel = this.readModelChange();
    await local.recordAndWrite({
      conversationId: s.conversationId,
      record: {
        key: `follow_up:${this.opts.workflowId}:${anchor}:${attempt}`,
        conversationId: s.conversationId,
        kind: 'follow_up',
        at: now,
        payload: { attempt, at: now, channel, sent, reason: reasons.join('; '), reasons },
      },
      readModel: readModel.fields,
    });
    readModel.mark();
    this.dirty = true;
  }

  /** The buyer closed the exchange (or stayed silent through every follow-up): resolved, like a close. */
  private async resolveByAutomation(reason: string): Promise<void> {
    const s = this.state.snapshot();
    if (s.status === 'resolved') {
      this.state.setFollowUpPlan({ action: 'none', silence: 'completion', reason: 'already resolved' });
      return;
    }
    await this.applyAction('close', { by: 'automation', reason }, `resolve:${s.lastInboundAt ?? 'none'}:${s.nextFollowUp?.attempt ?? 0}`);
  }

  /** A timed pause reached its time: automation resumes, and follow-ups are planned from the state as it is now. */
  async resumeAfterPause(): Promise<void> {
    const s = this.state.snapshot();
    if (!s.conversationId) return;
    const before = actionView(s);
    const until = this.state.endPause();
    this.planFollowUps();
    const readModel = this.readModelChange();
    await local.recordAndWrite({
      conversationId: s.conversationId,
      record: {
        key: `action:${this.opts.workflowId}:pause_ended:${until}`,
        conversationId: s.conversationId,
        kind: 'action',
        at: nowIso(),
        payload: { action: 'resume', by: 'automation', reason: `paused until ${until}`, before, after: actionView(this.state.snapshot()) },
      },
      readModel: readModel.fields,
    });
    readModel.mark();
    this.dirty = true;
  }

  /** A snooze reached its time: back to what it was, the response clock running again, follow-ups planned afresh. */
  async wakeFromSnooze(): Promise<void> {
    const s = this.state.snapshot();
    const before = actionView(s);
    const ended = this.state.endSnooze(Date.now());
    if (!ended || !s.conversationId) return;
    this.planFollowUps();
    const after = this.state.snapshot();
    const readModel = this.readModelChange();
    await local.recordAndWrite({
      conversationId: s.conversationId,
      record: {
        key: `action:${this.opts.workflowId}:snooze_ended:${ended.since}:${ended.until}`,
        conversationId: s.conversationId,
        kind: 'action',
        at: nowIso(),
        payload: { action: 'snooze_ended', by: 'automation', reason: `snoozed until ${ended.until}`, before, after: actionView(after) },
      },
      readModel: readModel.fields,
    });
    readModel.mark();
    this.dirty = true;
  }

  /** This conversation's own follow-up rules (validated against the global ones), or back to them. */
  setFollowUpRules(args: FollowUpRulesArgs, updateId: string): Promise<ConversationSnapshot> {
    return this.exclusive(async () => {
      const global = this.state.rules?.rules.followUp ?? DEFAULT_RULES.followUp;
      let rules: FollowUpRules | null = null;
      if (args.rules !== null) {
        const v = validateFollowUp(args.rules, global);
        if (!v.ok) throw ApplicationFailure.create({ message: v.reasons.join('; '), type: 'invalid', details: v.reasons, nonRetryable: true });
        rules = v.rules;
      }
      const s = this.state.snapshot();
      this.state.setFollowUpRules(rules);
      this.planFollowUps();
      const readModel = this.readModelChange();
      await local.recordAndWrite({
        conversationId: s.conversationId!,
        record: {
          key: `action:${this.opts.workflowId}:${updateId}`,
          conversationId: s.conversationId!,
          kind: 'action',
          at: nowIso(),
          payload: { action: 'follow_up_rules', by: args.by ?? 'unknown', ...(args.reason ? { reason: args.reason } : {}), before: { followUpRules: s.followUpRules ?? null }, after: { followUpRules: rules } },
        },
        readModel: readModel.fields,
      });
      readModel.mark();
      this.dirty = true;
      this.sync();
      return this.state.snapshot();
    });
  }

  // --- visibility ---

  /** Search attributes (one upsert of what changed, at most one per turn) and the readable summary. */
  sync(): void {
    const s = this.state.snapshot();
    if (this.opts.searchAttributes) {
      const wanted: SearchAttributeUpdatePair[] = [
        ...(s.contactId ? [{ key: SA.ContactId, value: keyword(s.contactId) }] : []),
        ...(s.waId ? [{ key: SA.WaId, value: keyword(s.waId) }] : []),
        { key: SA.ConversationStatus, value: s.status },
        { key: SA.Urgency, value: s.urgency },
        { key: SA.Paused, value: s.paused },
        { key: SA.Assignee, value: keyword(s.assignee ?? 'unassigned') },
        ...(s.lastInboundAt ? [{ key: SA.LastInboundAt, value: new Date(s.lastInboundAt) }] : []),
        ...(s.nextFollowUp ? [{ key: SA.NextFollowUpAt, value: new Date(s.nextFollowUp.at) }] : []),
      ] as SearchAttributeUpdatePair[];
      const changed = wanted.filter((p) => this.visible.get(p.key.name) !== JSON.stringify(p.value));
      if (changed.length > 0) {
        upsertSearchAttributes(changed);
        for (const p of changed) this.visible.set(p.key.name, JSON.stringify(p.value));
      }
    }
    setCurrentDetails(describeConversation(s));
  }
}
