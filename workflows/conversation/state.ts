// Conversation state and its transitions: a plain class, deterministic, unit-tested without Temporal.
// Signal handlers only enqueue into it; update validators only read it; turns (turns.ts) change it,
// one at a time, and after every await re-read it (the generation says whether a human acted).
import type { InboundEvent, InboundMessageEvent } from '../../whatsapp/events.js';
import type { ConversationContext } from '../../activities/context.js';
import type { Classification } from '../policy/classify/types.js';
import type { RoutingDecision } from '../policy/routing.js';
import { mergeSla } from '../policy/routing.js';
import { DEFAULT_RULES, type FollowUpRules, type RulesDocument } from '../../domain/rules.js';
import type { FollowUpPlan, FollowUpSituation } from '../policy/follow-up.js';
import type { HistoryItem } from '../policy/silence.js';
import type { ConversationStatus, Urgency } from '../../domain/vocabulary.js';
import type { AnswerMatch } from '../policy/answer.js';
import type { ActorArgs, AssignedArgs, BurstItem, CarriedState, ConversationSnapshot, ReassignArgs, ScheduledReply } from './contract.js';

export type { BurstItem } from './contract.js';

/** How many message ids to remember for dedupe (carried across continue-as-new). */
export const SEEN_IDS_LIMIT = 2000;

/**
 * Longest id or name an update may carry: what passes reaches search attributes and the history,
 * so a longer one is refused by the validator (the API checks first; this holds whoever calls).
 */
export const MAX_ACTION_ID = 128;
const MAX_ACTION_TEXT = 500;

const URGENCY_ORDER: Urgency[] = ['low', 'normal', 'high', 'urgent'];

export class StateError extends Error {
  constructor(
    message: string,
    readonly type: 'wrong_state' | 'invalid' | 'forbidden' | 'not_found' | 'OutsideCustomerServiceWindow' = 'wrong_state',
  ) {
    super(message);
  }
}

function checkText(field: string, v: unknown, max: number, required = false): void {
  if (v === undefined || v === null) {
    if (required) throw new StateError(`${field} is required`, 'invalid');
    return;
  }
  if (typeof v !== 'string' || (required && v.length === 0)) throw new StateError(`${field} must be a string`, 'invalid');
  if (v.length > max) throw new StateError(`${field} is longer than ${max} characters`, 'invalid');
}

/** What one CRM write answered for a batch (see activities/conversation.ts `ingest`). */
export interface RecordedBatch {
  conversationId: string | null;
  contactId: string | null;
  newIds: string[];
  classifications: Record<string, Classification>;
  context: ConversationContext | null;
  rules: { version: number; rules: RulesDocument } | null;
  /** The stored conversation: a fresh run (its conversation known to the CRM already) starts from it. */
  conversation?: {
    status: string;
    urgency: string;
    paused: boolean;
    assignee: string | null;
    team: string | null;
    takenOverBy?: string | null;
    pausedUntil?: string | null;
    snooze?: ConversationSnapshot['snooze'];
  } | null;
  /** A fresh run: the conversation's pending scheduled replies (armed again). */
  scheduled?: ScheduledReply[];
  /** The knowledge base's best match per new message that needs a reply. */
  answers?: Record<string, AnswerMatch>;
}

/** A snooze the buyer's message ended (`by`: that message), for the timeline. */
export interface SnoozeEndedByBuyer {
  since: string;
  until: string | null;
  by: string;
  statusBefore: ConversationStatus;
}

/** Which agent action a human took (a pending automated step started before it is stale). */
export type HumanAction = 'reply' | 'pause' | 'resume' | 'take_over' | 'release' | 'reassign' | 'close' | 'snooze';

/** The longest snooze or timed pause: a year. */
const MAX_WAIT_MS = 366 * 86400_000;

/** An optional ISO-8601 time in the future, at most a year ahead. */
function checkFutureTime(field: string, v: unknown, nowMs: number): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'string' || v.length > 40 || Number.isNaN(Date.parse(v))) throw new StateError(`${field}: an ISO-8601 time`, 'invalid');
  const ms = Date.parse(v);
  if (ms <= nowMs) throw new StateError(`${field}: must be in the future`, 'invalid');
  if (ms > nowMs + MAX_WAIT_MS) throw new StateError(`${field}: at most a year ahead`, 'invalid');
}

export class ConversationState {
  private snap: ConversationSnapshot;
  private readonly seen: Set<string>;
  private queue: InboundEvent[];
  private burst: BurstItem[];
  private burstLastAtMs: number | null;
  private burstGapMs: number;
  private tried: string[];
  private urgencyFloor: Urgency | null;
  private placements: AssignedArgs[];
  private rulesDoc: { version: number; rules: RulesDocument } | null;
  private resolvedAtMs: number | null;
  private recent: HistoryItem[];
  private followUpAttempts: number;
  private lastOutboundRead: boolean;

  constructor(workflowId: string, phoneNumberId: string, carried?: CarriedState) {
    this.snap = carried?.snapshot ?? {
      workflowId,
      conversationId: null,
      contactId: null,
      waId: null,
      userId: null,
      phoneNumberId,
      status: 'open',
      assignee: null,
      team: null,
      urgency: 'normal',
      paused: false,
      takenOverBy: null,
      lastInboundAt: null,
      lastOutboundAt: null,
      messagesSeen: 0,
      pending: 0,
      generation: 0,
    };
    this.snap.generation ??= 0;
    this.seen = new Set(carried?.seenIds ?? []);
    this.queue = [...(carried?.pendingEvents ?? [])];
    this.snap.pending = this.queue.length;
    this.burst = [...(carried?.burst ?? [])];
    this.burstLastAtMs = carried?.burstLastAtMs ?? null;
    this.burstGapMs = carried?.burstGapMs ?? 2000;
    this.tried = [...(carried?.tried ?? [])];
    this.urgencyFloor = carried?.urgencyFloor ?? null;
    this.placements = [...(carried?.placements ?? [])];
    this.rulesDoc = carried?.rules ?? null;
    this.resolvedAtMs = carried?.resolvedAtMs ?? null;
    this.recent = [...(carried?.recent ?? [])];
    this.followUpAttempts = carried?.followUpAttempts ?? 0;
    this.lastOutboundRead = carried?.lastOutboundRead ?? false;
  }

  // --- signals: they only enqueue ---

  /**
   * Events from the `inbound` signal. A message id seen before is dropped here already (at-least-once
   * delivery; a body may hold one message twice); whether a message is new is decided for good by the
   * CRM write (`recorded`). Returns how many were taken.
   */
  receive(events: readonly InboundEvent[]): number {
    let taken = 0;
    for (const ev of events) {
      if (ev.kind === 'message') {
        if (this.seen.has(ev.waMessageId)) continue;
        this.remember(ev.waMessageId);
      }
      this.queue.push(ev);
      taken++;
    }
    this.snap.pending = this.queue.length;
    return taken;
  }

  /** An `assigned` signal: applied by the next turn. */
  queuePlacement(p: AssignedArgs): void {
    if (this.placements.length < 100) this.placements.push(p);
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > SEEN_IDS_LIMIT) {
      // Sets iterate in insertion order: drop the oldest.
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  // --- reads ---

  snapshot(): ConversationSnapshot {
    return { ...this.snap };
  }

  get status(): ConversationStatus {
    return this.snap.status;
  }

  get generation(): number {
    return this.snap.generation ?? 0;
  }

  get rules(): { version: number; rules: RulesDocument } | null {
    return this.rulesDoc;
  }

  hasPending(): boolean {
    return this.queue.length > 0;
  }

  hasPlacements(): boolean {
    return this.placements.length > 0;
  }

  /** The bounded next batch for one CRM write (at least one event); it stays queued until `recorded`. */
  peekPending(maxEvents = Infinity, maxBytes = Infinity): InboundEvent[] {
    const out: InboundEvent[] = [];
    let bytes = 0;
    for (const ev of this.queue) {
      if (out.length >= maxEvents) break;
      const size = maxBytes === Infinity ? 0 : JSON.stringify(ev).length;
      if (out.length > 0 && bytes + size > maxBytes) break;
      out.push(ev);
      bytes += size;
    }
    return out;
  }

  /**
   * Whether automation may send now: no human acted since `sinceGeneration`, nobody owns it (unless
   * the follow-up rules allow it when owned), not paused, the buyer did not opt out, it is open.
   */
  /** Why automation may not send now (for a decision's reasons), or null when it may. */
  automationBlocker(): string | null {
    const s = this.snap;
    if (s.takenOverBy) return `taken over by ${s.takenOverBy}`;
    if (s.paused) return 'paused';
    if (s.optedOut || s.context?.optedOut) return 'the buyer opted out';
    if (s.status !== 'open' && s.status !== 'waiting') return `status ${s.status}`;
    return null;
  }

  automationMaySend(sinceGeneration: number, opts: { evenIfOwned?: boolean } = {}): boolean {
    const s = this.snap;
    return (
      this.generation === sinceGeneration &&
      !s.paused &&
      (!s.takenOverBy || !!opts.evenIfOwned) &&
      !s.optedOut &&
      !s.context?.optedOut &&
      (s.status === 'open' || s.status === 'waiting')
    );
  }

  carry(): CarriedState {
    return {
      snapshot: this.snapshot(),
      seenIds: [...this.seen],
      pendingEvents: [...this.queue],
      burst: [...this.burst],
      burstLastAtMs: this.burstLastAtMs,
      burstGapMs: this.burstGapMs,
      tried: [...this.tried],
      urgencyFloor: this.urgencyFloor,
      placements: [...this.placements],
      rules: this.rulesDoc,
      resolvedAtMs: this.resolvedAtMs,
      recent: [...this.recent],
      followUpAttempts: this.followUpAttempts,
      lastOutboundRead: this.lastOutboundRead,
    };
  }

  // --- the inbound turn ---

  /** The CRM write of `batch` (the first `batch.length` queued events) answered: apply what is new. */
  recorded(batch: readonly InboundEvent[], r: RecordedBatch, nowMs: number): { fresh: InboundMessageEvent[]; snoozeEnded: SnoozeEndedByBuyer | null } {
    let snoozeEnded: SnoozeEndedByBuyer | null = null;
    this.queue = this.queue.slice(batch.length);
    this.snap.pending = this.queue.length;
    // The first write of a run that follows a completed one: the CRM knows the conversation (a
    // redelivery after completion must not reopen it, and whoever holds it still does).
    if (!this.snap.conversationId && r.conversation) {
      const c = r.conversation;
      this.snap.status = c.status as ConversationStatus;
      this.snap.urgency = c.urgency as Urgency;
      this.snap.paused = c.paused;
      this.snap.assignee = c.assignee;
      this.snap.team = c.team;
      // Older rows (and the run's first write) know none of these: nothing held.
      this.snap.takenOverBy = c.takenOverBy ?? null;
      this.snap.pausedUntil = c.paused ? (c.pausedUntil ?? null) : null;
      this.snap.snooze = c.status === 'snoozed' ? (c.snooze ?? null) : null;
      if (c.status === 'resolved') this.resolvedAtMs = nowMs;
    }
    if (r.conversationId) this.snap.conversationId = r.conversationId;
    if (r.contactId) this.snap.contactId = r.contactId;
    for (const sr of r.scheduled ?? []) this.addScheduled(sr);
    if (r.context) {
      this.snap.context = r.context;
      if (r.context.optedOut) this.snap.optedOut = true;
    }
    if (r.rules) {
      this.rulesDoc = r.rules;
      this.burstGapMs = Math.max(0, r.rules.rules.burstQuietGapSec) * 1000;
    }
    const isNew = new Set(r.newIds);
    const fresh: InboundMessageEvent[] = [];
    for (const ev of batch) {
      // Statuses were recorded by ingress; the ones that reach a run are for decisions to read
      // (a read of ours while a follow-up waits: read and not answered is hesitation).
      if (ev.kind === 'status') {
        if (ev.status === 'read') this.lastOutboundRead = true;
        continue;
      }
      if (!isNew.has(ev.waMessageId)) continue;
      fresh.push(ev);
      this.snap.messagesSeen++;
      if (!this.snap.lastInboundAt || ev.at >= this.snap.lastInboundAt) {
        this.snap.lastInboundAt = ev.at;
        this.snap.lastInboundWaMessageId = ev.waMessageId;
      }
      if (!this.snap.waId && ev.sender.waId) this.snap.waId = ev.sender.waId;
      if (!this.snap.userId && ev.sender.userId) this.snap.userId = ev.sender.userId;
      // A buyer writing again reopens a resolved or snoozed conversation.
      if (this.snap.snooze) {
        const before = this.snap.status;
        const ended = this.endSnooze(nowMs);
        if (ended) snoozeEnded = { ...ended, by: ev.waMessageId, statusBefore: before };
      }
      if (this.snap.status !== 'open') {
        this.snap.status = 'open';
        this.snap.outcome = null;
        this.resolvedAtMs = null;
      }
      const classification = r.classifications[ev.waMessageId];
      // The buyer answered: pending follow-ups are cancelled (the next plan starts from here).
      this.rememberMessage({ direction: 'in', at: ev.at, text: ev.text, ...(classification ? { intent: classification.intent } : {}) });
      this.followUpAttempts = 0;
      this.lastOutboundRead = false;
      if (classification && r.conversationId) {
        const answer = r.answers?.[ev.waMessageId];
        this.burst.push({ waMessageId: ev.waMessageId, at: ev.at, classification, ...(answer ? { answer } : {}) });
        this.burstLastAtMs = nowMs;
      }
    }
    this.snap.burstSize = this.burst.length;
    return { fresh, snoozeEnded };
  }

  /** Workflow time (ms) when the burst has been quiet long enough to decide on it; null: no burst. */
  burstDueAtMs(): number | null {
    return this.burst.length > 0 && this.burstLastAtMs !== null ? this.burstLastAtMs + this.burstGapMs : null;
  }

  burstReady(nowMs: number): boolean {
    const due = this.burstDueAtMs();
    return due !== null && nowMs >= due;
  }

  hasBurst(): boolean {
    return this.burst.length > 0;
  }

  takeBurst(): BurstItem[] {
    const b = this.burst;
    this.burst = [];
    this.burstLastAtMs = null;
    this.snap.burstSize = 0;
    return b;
  }

  /** What the routing policy needs of the current state. */
  routingCurrent() {
    const s = this.snap;
    return {
      assignee: s.assignee,
      team: s.team,
      takenOverBy: s.takenOverBy,
      paused: s.paused,
      awaitingReplySince: s.awaitingReplySince ?? null,
      firstResponseDone: s.firstResponseDone ?? false,
      humanRepliedAt: s.humanRepliedAt ?? null,
      urgencyFloor: this.urgencyFloor,
      automatedAnswerAt: s.automatedAnswer?.at ?? null,
    };
  }

  /**
   * Applies a decision. `placed` is db/routing's answer (the only owner of assignment); `armSla` is
   * false when a human acted while the turn was deciding (their action wins).
   */
  applyDecision(
    d: RoutingDecision,
    placed: { assignee: string | null; team: string } | null,
    nowIso: string,
    firstAt: string,
    opts: { armSla: boolean },
  ): void {
    const s = this.snap;
    s.intent = d.intent;
    s.language = d.language;
    s.urgency = d.urgency;
    if (d.optOut) s.optedOut = true;
    if (placed) {
      s.team = placed.team;
      s.assignee = placed.assignee;
    } else if (d.team && !s.team) {
      s.team = d.team;
    }
    if (d.needsReply && opts.armSla) {
      s.awaitingReplySince ??= firstAt;
      s.sla = mergeSla(s.sla ?? null, d.slaKind && d.dueAt ? { kind: d.slaKind, dueAt: d.dueAt } : null);
    }
    s.lastDecision = { at: nowIso, intent: d.intent, language: d.language, urgency: d.urgency, team: s.team, assignee: s.assignee, reasons: d.reasons };
  }

  slaBreached(nowMs: number): boolean {
    // Snoozed: the clock is stopped (the time left is kept and runs again on waking).
    return !!this.snap.sla && !this.snap.snooze && nowMs >= Date.parse(this.snap.sla.dueAt);
  }

  escalated(newUrgency: Urgency, placed: { assignee: string | null; team: string } | null, previous: string | null, nextDueAt: string): void {
    if (previous) this.tried.push(previous);
    if (this.tried.length > 50) this.tried = this.tried.slice(-50);
    this.snap.urgency = newUrgency;
    this.urgencyFloor = newUrgency;
    if (placed) {
      this.snap.team = placed.team;
      this.snap.assignee = placed.assignee;
    }
    const breaches = (this.snap.sla?.breaches ?? 0) + 1;
    this.snap.sla = { kind: 'next_response', dueAt: nextDueAt, breaches };
  }

  triedAgents(): string[] {
    return [...this.tried];
  }

  /** Placements from outside: ignored once a person owns the conversation or it is resolved. */
  applyPlacements(): number {
    let applied = 0;
    for (const p of this.placements) {
      if (this.snap.status === 'resolved' || this.snap.takenOverBy) continue;
      this.snap.assignee = p.assignee;
      this.snap.team = p.team;
      applied++;
    }
    this.placements = [];
    return applied;
  }

  // --- humans ---

  /** A human acted: every automated step started before now is stale. */
  preempt(): number {
    this.snap.generation = this.generation + 1;
    return this.generation;
  }

  /** A person answered: the response clock stops (an automatic acknowledgement never gets here). */
  humanReplied(at: string, text?: string): void {
    const s = this.snap;
    // An agent's reply starts a new exchange: follow-ups are planned again from it.
    this.rememberMessage({ direction: 'out', at, text: text ?? null });
    this.followUpAttempts = 0;
    this.lastOutboundRead = false;
    s.lastOutboundAt = at;
    s.humanRepliedAt = at;
    s.automatedAnswer = null;
    if (s.awaitingReplySince) s.firstResponseDone = true;
    s.awaitingReplySince = null;
    s.sla = null;
    this.tried = [];
    this.urgencyFloor = null;
  }

  automatedReply(at: string): void {
    this.snap.lastOutboundAt = at;
  }

  /**
   * Automation answered from the knowledge base: a real answer (the first response is given, the
   * follow-up policy plans from it), and the buyer's next words go to a person.
   */
  automatedAnswered(at: string, entryIds: string[], text: string): void {
    const s = this.snap;
    this.rememberMessage({ direction: 'out', at, text });
    this.followUpAttempts = 0;
    this.lastOutboundRead = false;
    s.lastOutboundAt = at;
    s.firstResponseDone = true;
    s.automatedAnswer = { at, entryIds };
  }

  // --- step 5: follow-ups ---

  /** The latest messages both ways, bounded (what silence reading looks at). */
  private rememberMessage(item: HistoryItem): void {
    this.recent.push({ ...item, text: item.text ? item.text.slice(0, 500) : item.text });
    this.recent.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    if (this.recent.length > 10) this.recent = this.recent.slice(-10);
  }

  /** What the follow-up policy decides on, now. */
  followUpSituation(nowIso: string): FollowUpSituation {
    const s = this.snap;
    const rules = this.rulesDoc?.rules ?? DEFAULT_RULES;
    const lastOut = [...this.recent].reverse().find((h) => h.direction === 'out');
    return {
      now: nowIso,
      timezone: s.context?.contact.timezone ?? rules.businessHours.timezone,
      lastInboundAt: s.lastInboundAt,
      lastOutboundAt: lastOut?.at ?? null,
      history: [...this.recent],
      replyLatenciesSec: s.context?.replyLatency.recentSec ?? [],
      attemptsSoFar: this.followUpAttempts,
      rules: s.followUpRules ?? rules.followUp,
      paused: s.paused || s.status === 'snoozed' || s.status === 'resolved',
      optedOut: !!(s.optedOut || s.context?.optedOut),
      ownerIsHuman: !!s.takenOverBy,
      lastOutboundRead: this.lastOutboundRead,
      businessHours: rules.businessHours,
    };
  }

  setFollowUpPlan(plan: FollowUpPlan): void {
    this.snap.followUpDecision = { action: plan.action, silence: plan.silence, reason: plan.reason, ...(plan.at ? { at: plan.at } : {}) };
    this.snap.nextFollowUp =
      plan.action !== 'none' && plan.at
        ? { at: plan.at, attempt: this.followUpAttempts + 1, channel: plan.channel ?? 'free_form', reason: plan.reason, action: plan.action }
        : null;
  }

  /** A follow-up (or a reminder to the owner) went out: the next one is spaced further. */
  followedUp(at: string, text: string | null, sent: boolean): void {
    this.followUpAttempts++;
    if (sent) this.rememberMessage({ direction: 'out', at, text });
    this.snap.nextFollowUp = null;
  }

  followUpDue(nowMs: number): boolean {
    const n = this.snap.nextFollowUp;
    return !!n && Date.parse(n.at) <= nowMs;
  }

  setFollowUpRules(rules: FollowUpRules | null): void {
    this.snap.followUpRules = rules;
  }

  setRules(rules: { version: number; rules: RulesDocument }): void {
    this.rulesDoc = rules;
    this.burstGapMs = Math.max(0, rules.rules.burstQuietGapSec) * 1000;
  }

  /** Who acts and why: bounded, whatever the caller. */
  validateActor(a?: ActorArgs): void {
    checkText('by', a?.by, MAX_ACTION_ID + 10);
    checkText('reason', a?.reason, MAX_ACTION_TEXT);
  }

  private requireRecorded(): void {
    if (!this.snap.conversationId) throw new StateError('the conversation has no recorded message yet');
  }

  validatePause(a?: ActorArgs): void {
    this.validateActor(a);
    this.requireRecorded();
    if (this.snap.paused) throw new StateError('automation is already paused');
    checkFutureTime('until', (a as { until?: unknown } | undefined)?.until, Date.now());
  }

  validateResume(a?: ActorArgs): void {
    this.validateActor(a);
    this.requireRecorded();
    if (!this.snap.paused && !this.snap.snooze) throw new StateError('automation is not paused or snoozed');
  }

  validateTakeOver(a?: ActorArgs & { agentId?: string }): void {
    this.validateActor(a);
    checkText('agentId', a?.agentId, MAX_ACTION_ID, true);
    this.requireRecorded();
    if (this.snap.takenOverBy === a!.agentId) throw new StateError(`already taken over by ${a!.agentId}`);
  }

  validateRelease(a?: ActorArgs): void {
    this.validateActor(a);
    this.requireRecorded();
    if (!this.snap.takenOverBy && !this.snap.assignee) throw new StateError('nobody holds this conversation');
  }

  validateReassign(args: ReassignArgs): void {
    this.validateActor(args);
    if (args.assignee === undefined && args.team === undefined) {
      throw new StateError('give an assignee or a team', 'invalid');
    }
    checkText('assignee', args.assignee, MAX_ACTION_ID);
    checkText('team', args.team, 200);
    this.requireRecorded();
  }

  validateSnooze(a?: ActorArgs & { until?: unknown }, nowMs: number = Date.now()): void {
    this.validateActor(a);
    this.requireRecorded();
    if (this.snap.status === 'resolved') throw new StateError('conversation is resolved: nothing to snooze');
    checkFutureTime('until', a?.until, nowMs);
  }

  /** The snooze `snoozeUntil` would set (a second snooze keeps the first one's start and clock). */
  snoozeRecord(until: string | null, nowMs: number): NonNullable<ConversationSnapshot['snooze']> {
    const s = this.snap;
    const prev = s.snooze;
    return {
      until: until ? new Date(Date.parse(until)).toISOString() : null,
      since: prev?.since ?? new Date(nowMs).toISOString(),
      statusBefore: prev?.statusBefore ?? s.status,
      slaLeftMs: prev ? prev.slaLeftMs : s.sla ? Math.max(0, Date.parse(s.sla.dueAt) - nowMs) : null,
    };
  }

  /** Automation silent, the response clock stopped; wakes at `until` or when the buyer writes. */
  snoozeUntil(until: string | null, nowMs: number): void {
    this.snap.snooze = this.snoozeRecord(until, nowMs);
    this.snap.status = 'snoozed';
  }

  snoozeDue(nowMs: number): boolean {
    const z = this.snap.snooze;
    return !!z?.until && Date.parse(z.until) <= nowMs;
  }

  /** Back to what it would be without the snooze; the response clock runs again with the time it had left. */
  endSnooze(nowMs: number): { since: string; until: string | null } | null {
    const s = this.snap;
    const z = s.snooze;
    if (!z) return null;
    s.snooze = null;
    if (s.status === 'snoozed') s.status = statusAfterSnooze(z);
    if (s.sla && z.slaLeftMs !== null) s.sla = { ...s.sla, dueAt: new Date(nowMs + z.slaLeftMs).toISOString() };
    return { since: z.since, until: z.until };
  }

  validateScheduleReply(a: { id?: unknown; text?: unknown; at?: unknown; by?: unknown; agentId?: unknown } | undefined, nowMs: number): void {
    this.validateActor(a as ActorArgs);
    checkText('id', a?.id, 64, true);
    checkText('agentId', a?.agentId ?? undefined, MAX_ACTION_ID);
    const text = a?.text;
    if (typeof text !== 'string' || text.trim().length === 0) throw new StateError('text is required', 'invalid');
    if ([...text].length > 4096) throw new StateError('text is longer than 4096 characters', 'invalid');
    if (a?.at === undefined || a.at === null) throw new StateError('at is required', 'invalid');
    checkFutureTime('at', a.at, nowMs);
    if (!this.snap.conversationId || (!this.snap.waId && !this.snap.userId)) throw new StateError('the conversation has no recorded buyer to reply to yet');
    if (this.snap.status === 'resolved') throw new StateError('conversation is resolved: reopen it before scheduling a reply');
    const owner = this.snap.takenOverBy;
    if (owner && typeof a?.agentId === 'string' && a.agentId !== owner) {
      throw new StateError(`${owner} owns this conversation: only they or an admin may schedule a reply (owner: ${owner})`, 'forbidden');
    }
    const windowEnd = this.windowEndMs();
    if (Date.parse(a.at as string) >= windowEnd) {
      throw new StateError(
        `at: the 24-hour window ${this.snap.lastInboundAt ? `closes at ${new Date(windowEnd).toISOString()}` : 'is not open (the buyer has not written)'}; a free-form reply cannot go out then`,
        'OutsideCustomerServiceWindow',
      );
    }
    const pending = this.snap.scheduled ?? [];
    if (!pending.some((x) => x.id === a.id) && pending.length >= 20) throw new StateError('at most 20 scheduled replies per conversation', 'invalid');
  }

  validateSendTemplate(a: { template?: unknown; by?: unknown; agentId?: unknown } | undefined): void {
    this.validateActor(a as ActorArgs);
    checkText('agentId', a?.agentId ?? undefined, MAX_ACTION_ID);
    const t = a?.template as { name?: unknown; language?: unknown; components?: unknown } | undefined;
    if (!t || typeof t !== 'object') throw new StateError('template: { name, language, components? }', 'invalid');
    checkText('template.name', t.name, 512, true);
    checkText('template.language', t.language, 16, true);
    if (t.components !== undefined && (!Array.isArray(t.components) || t.components.length > 20)) throw new StateError('template.components: a list (at most 20)', 'invalid');
    if (!this.snap.conversationId || (!this.snap.waId && !this.snap.userId)) throw new StateError('the conversation has no buyer to send to');
    const owner = this.snap.takenOverBy;
    if (owner && typeof a?.agentId === 'string' && a.agentId !== owner) {
      throw new StateError(`${owner} owns this conversation: only they or an admin may send in it (owner: ${owner})`, 'forbidden');
    }
  }

  validateCancelScheduled(a: { id?: unknown; by?: unknown } | undefined): void {
    this.validateActor(a as ActorArgs);
    checkText('id', a?.id, 64, true);
    if (!(this.snap.scheduled ?? []).some((x) => x.id === a!.id)) throw new StateError(`no pending scheduled reply ${String(a!.id)}`, 'not_found');
  }

  /** When WhatsApp's 24-hour window for free-form messages closes (-Infinity: the buyer never wrote). */
  windowEndMs(): number {
    return this.snap.lastInboundAt ? Date.parse(this.snap.lastInboundAt) + 24 * 3600_000 : -Infinity;
  }

  /** Whether a due scheduled reply still makes sense now: null to send, else how it settles and why. */
  scheduledReplyObstacle(r: ScheduledReply, nowMs: number): { status: 'dropped' | 'failed'; reason: string } | null {
    const s = this.snap;
    if (s.status === 'resolved') return { status: 'dropped', reason: 'the conversation was resolved when it fell due' };
    if (s.takenOverBy && r.agentId && r.agentId !== s.takenOverBy) return { status: 'dropped', reason: `${s.takenOverBy} owns the conversation now` };
    if (nowMs >= this.windowEndMs()) return { status: 'failed', reason: 'the 24-hour window had closed when it fell due' };
    return null;
  }

  hasScheduled(id: string): boolean {
    return (this.snap.scheduled ?? []).some((x) => x.id === id);
  }

  addScheduled(r: ScheduledReply): void {
    const list = (this.snap.scheduled ?? []).filter((x) => x.id !== r.id);
    list.push({ ...r, at: new Date(Date.parse(r.at)).toISOString() });
    list.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
    this.snap.scheduled = list;
  }

  removeScheduled(id: string): ScheduledReply | null {
    const found = (this.snap.scheduled ?? []).find((x) => x.id === id) ?? null;
    this.snap.scheduled = (this.snap.scheduled ?? []).filter((x) => x.id !== id);
    return found;
  }

  nextScheduledAtMs(): number | null {
    const first = this.snap.scheduled?.[0];
    return first ? Date.parse(first.at) : null;
  }

  dueScheduled(nowMs: number): ScheduledReply[] {
    return (this.snap.scheduled ?? []).filter((x) => Date.parse(x.at) <= nowMs);
  }

  validateClose(a?: ActorArgs): void {
    this.validateActor(a);
    this.requireRecorded();
    if (this.snap.status === 'resolved') throw new StateError('conversation is already resolved');
    const outcome = (a as { outcome?: unknown } | undefined)?.outcome;
    if (outcome !== undefined && outcome !== null && !(['resolved', 'won', 'lost', 'spam'] as unknown[]).includes(outcome)) {
      throw new StateError('outcome: one of resolved, won, lost, spam', 'invalid');
    }
  }

  validateReply(args: { text?: unknown; by?: unknown; agentId?: unknown; media?: unknown } | undefined): void {
    checkText('by', args?.by, MAX_ACTION_ID + 10);
    checkText('agentId', args?.agentId ?? undefined, MAX_ACTION_ID);
    const m = args?.media as { ref?: unknown; sha256?: unknown; mimeType?: unknown } | null | undefined;
    if (m !== undefined && m !== null) {
      if (typeof m !== 'object' || typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256) || typeof m.mimeType !== 'string' || m.mimeType.length > 255) {
        throw new StateError('media: { ref, sha256, mimeType, filename }', 'invalid');
      }
      if (args?.text === undefined || args.text === null || args.text === '') return this.validateReplyTarget(args);
      if (typeof args.text === 'string' && [...args.text].length > 1024) throw new StateError('text (the caption of media) is longer than 1024 characters', 'invalid');
    }
    const text = args?.text;
    if (typeof text !== 'string' || text.trim().length === 0) throw new StateError('text is required', 'invalid');
    if ([...text].length > 4096) throw new StateError('text is longer than 4096 characters', 'invalid');
    this.validateReplyTarget(args);
  }

  private validateReplyTarget(args: { agentId?: unknown } | undefined): void {
    if (!this.snap.conversationId || (!this.snap.waId && !this.snap.userId)) {
      throw new StateError('the conversation has no recorded buyer to reply to yet');
    }
    const owner = this.snap.takenOverBy;
    if (owner && typeof args?.agentId === 'string' && args.agentId !== owner) {
      throw new StateError(`${owner} owns this conversation: only they or an admin may reply (owner: ${owner})`, 'forbidden');
    }
  }

  pause(until: string | null = null): void {
    this.snap.paused = true;
    this.snap.pausedUntil = until ? new Date(Date.parse(until)).toISOString() : null;
  }

  /** A timed pause reached its time (a snooze is left as it is). */
  endPause(): string | null {
    const u = this.snap.pausedUntil ?? null;
    this.snap.paused = false;
    this.snap.pausedUntil = null;
    return u;
  }

  /** The buyer's latest message when it is not marked read yet (an agent answering marks it). */
  unreadInbound(): string | null {
    const id = this.snap.lastInboundWaMessageId ?? null;
    return id && id !== this.snap.markedReadWaMessageId ? id : null;
  }

  markedRead(id: string): void {
    this.snap.markedReadWaMessageId = id;
  }

  pauseDue(nowMs: number): boolean {
    const u = this.snap.pausedUntil;
    return this.snap.paused && !!u && Date.parse(u) <= nowMs;
  }
  /** Ends a pause and a snooze. */
  resume(nowMs: number = Date.now()): void {
    this.snap.paused = false;
    this.snap.pausedUntil = null;
    this.endSnooze(nowMs);
  }

  /** The person now owns it (db/routing answered with the assignment); a resolved one reopens. */
  takeOver(agentId: string, team: string | null): void {
    this.snap.takenOverBy = agentId;
    this.snap.assignee = agentId;
    if (team) this.snap.team = team;
    this.reopenForAPerson();
  }

  private reopenForAPerson(): void {
    if (this.snap.status === 'resolved') {
      this.snap.status = 'open';
      this.snap.outcome = null;
      this.resolvedAtMs = null;
    }
  }

  release(): void {
    this.snap.takenOverBy = null;
    this.snap.assignee = null;
  }

  reassign(placed: { assignee: string | null; team: string | null }): void {
    this.snap.assignee = placed.assignee;
    if (placed.team !== null) this.snap.team = placed.team;
    this.snap.takenOverBy = null;
    if (placed.assignee) this.reopenForAPerson();
  }

  close(nowMs: number, outcome: 'resolved' | 'won' | 'lost' | 'spam' = 'resolved'): void {
    const s = this.snap;
    s.outcome = outcome;
    s.snooze = null;
    s.automatedAnswer = null;
    s.status = 'resolved';
    s.takenOverBy = null;
    s.assignee = null;
    s.sla = null;
    s.awaitingReplySince = null;
    this.burst = [];
    this.burstLastAtMs = null;
    s.burstSize = 0;
    this.tried = [];
    this.urgencyFloor = null;
    this.resolvedAtMs = nowMs;
  }

  /** Workflow time (ms) since which a resolved conversation has been quiet; null unless resolved. */
  quietSinceMs(): number | null {
    // A scheduled reply still to fall due keeps the run (it is dropped and recorded then).
    if ((this.snap.scheduled ?? []).length > 0) return null;
    return this.snap.status === 'resolved' ? this.resolvedAtMs : null;
  }

  /** A resolved conversation that came back (continue-as-new) keeps its quiet clock. */
  markResolvedAt(nowMs: number): void {
    if (this.snap.status === 'resolved' && this.resolvedAtMs === null) this.resolvedAtMs = nowMs;
  }

  /** The fields the read model keeps (never assignee or team: db/routing writes those). */
  readModel(): ReadModelFields {
    const s = this.snap;
    return {
      status: s.status,
      urgency: s.urgency,
      paused: s.paused,
      nextFollowUpAt: s.nextFollowUp?.at ?? null,
      pausedUntil: s.pausedUntil ?? null,
      takenOverBy: s.takenOverBy,
      snooze: s.snooze ?? null,
      awaitingReplySince: s.awaitingReplySince ?? null,
    };
  }
}

/** What Postgres keeps of the run's state, so lists filter on it and a new run starts from it. */
export interface ReadModelFields {
  status: string;
  urgency: string;
  paused: boolean;
  nextFollowUpAt: string | null;
  pausedUntil: string | null;
  takenOverBy: string | null;
  snooze: NonNullable<ConversationSnapshot['snooze']> | null;
  awaitingReplySince: string | null;
}

/** The status a snooze gives back when it ends: what it would be without it. */
export function statusAfterSnooze(z: NonNullable<ConversationSnapshot['snooze']>): ConversationStatus {
  return z.statusBefore === 'snoozed' || z.statusBefore === 'resolved' ? 'open' : z.statusBefore;
}

/** The higher of two urgencies. */
export function higherUrgency(a: Urgency, b: Urgency | null): Urgency {
  if (!b) return a;
  return URGENCY_ORDER.indexOf(b) > URGENCY_ORDER.indexOf(a) ? b : a;
}
