// Conversation state and its transitions: a plain class, deterministic, unit-tested without Temporal.
import type { InboundEvent } from '../../whatsapp/events.js';
import type { ConversationContext } from '../../activities/context.js';
import type { Classification } from '../policy/classify/types.js';
import type { RoutingDecision } from '../policy/routing.js';
import type { ConversationStatus, Urgency } from '../../domain/vocabulary.js';
import type { ActorArgs, CarriedState, ConversationSnapshot, ReassignArgs } from './messages.js';

/** How many message ids to remember for dedupe (carried across continue-as-new). */
export const SEEN_IDS_LIMIT = 2000;

/**
 * Longest id or name an update may carry: what passes reaches search attributes and the history,
 * so a longer one is refused by the validator (the API checks first; this holds whoever calls).
 */
export const MAX_ACTION_ID = 128;
const MAX_ACTION_TEXT = 500;

function checkText(field: string, v: unknown, max: number, required = false): void {
  if (v === undefined || v === null) {
    if (required) throw new StateError(`${field} is required`, 'invalid');
    return;
  }
  if (typeof v !== 'string' || (required && v.length === 0)) throw new StateError(`${field} must be a string`, 'invalid');
  if (v.length > max) throw new StateError(`${field} is longer than ${max} characters`, 'invalid');
}

export class StateError extends Error {
  constructor(
    message: string,
    readonly type: 'wrong_state' | 'invalid' = 'wrong_state',
  ) {
    super(message);
  }
}

/** An agent action waiting to be written to the timeline. */
export interface ActionNote {
  key: string;
  at: string;
  payload: Record<string, unknown>;
}

/** A message of the current turn with its classification, waiting for the quiet gap. */
export interface BurstItem {
  waMessageId: string;
  at: string;
  classification: Classification;
}

export class ConversationState {
  private snap: ConversationSnapshot;
  private readonly seen: Set<string>;
  private queue: InboundEvent[];
  private burst: BurstItem[] = [];
  /** Workflow time (ms) when the current burst is quiet long enough to decide on. */
  private burstDueAt: number | null = null;
  private burstGapMs = 2000;
  /** Agents this wait was already escalated away from. */
  private tried: string[] = [];
  private actionNotes: ActionNote[];

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
    };
    this.seen = new Set(carried?.seenIds ?? []);
    this.queue = [...(carried?.pendingEvents ?? [])];
    this.snap.pending = this.queue.length;
    this.actionNotes = [...(carried?.actionNotes ?? [])];
  }

  noteAction(note: ActionNote): void {
    this.actionNotes.push(note);
  }

  /** The notes to write now (they are gone from the state once taken). */
  takeActionNotes(): ActionNote[] {
    const notes = this.actionNotes;
    this.actionNotes = [];
    return notes;
  }

  /**
   * Take events from the `inbound` signal. A message id seen before is dropped (at-least-once
   * delivery; a body may hold one message twice). Statuses always pass: their order is sorted out
   * in the CRM write, where the stored status only moves forward. Returns how many were taken.
   */
  receive(events: readonly InboundEvent[]): number {
    let taken = 0;
    for (const ev of events) {
      if (ev.kind === 'message') {
        if (this.seen.has(ev.waMessageId)) continue;
        this.remember(ev.waMessageId);
        this.snap.messagesSeen++;
        if (!this.snap.lastInboundAt || ev.at > this.snap.lastInboundAt) this.snap.lastInboundAt = ev.at;
        if (!this.snap.waId && ev.sender.waId) this.snap.waId = ev.sender.waId;
        if (!this.snap.userId && ev.sender.userId) this.snap.userId = ev.sender.userId;
        // A buyer writing again reopens a resolved or snoozed conversation.
        if (this.snap.status !== 'open') this.snap.status = 'open';
      }
      this.queue.push(ev);
      taken++;
    }
    this.snap.pending = this.queue.length;
    return taken;
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > SEEN_IDS_LIMIT) {
      // Sets iterate in insertion order: drop the oldest.
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  hasPending(): boolean {
    return this.queue.length > 0;
  }

  /**
   * The oldest queued events for one CRM write, at most `maxEvents` and about `maxBytes` serialised
   * (at least one); they stay counted as pending until `recorded`.
   */
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

  recorded(count: number, ids: { conversationId?: string; contactId?: string }): void {
    this.queue = this.queue.slice(count);
    this.snap.pending = this.queue.length;
    if (ids.conversationId) this.snap.conversationId = ids.conversationId;
    if (ids.contactId) this.snap.contactId = ids.contactId;
  }

  snapshot(): ConversationSnapshot {
    return { ...this.snap };
  }

  get status(): ConversationStatus {
    return this.snap.status;
  }

  carry(): CarriedState {
    return { snapshot: this.snapshot(), seenIds: [...this.seen], pendingEvents: [...this.queue], actionNotes: [...this.actionNotes] };
  }

  // --- agent actions (validated first, then applied) ---

  /** Who acts and why: bounded, whatever the caller. */
  validateActor(a?: ActorArgs): void {
    checkText('by', a?.by, MAX_ACTION_ID + 10);
    checkText('reason', a?.reason, MAX_ACTION_TEXT);
  }

  validatePause(a?: ActorArgs): void {
    this.validateActor(a);
    if (this.snap.paused) throw new StateError('automation is already paused');
  }
  pause(): void {
    this.snap.paused = true;
  }

  validateResume(a?: ActorArgs): void {
    this.validateActor(a);
    if (!this.snap.paused) throw new StateError('automation is not paused');
  }
  resume(): void {
    this.snap.paused = false;
  }

  validateTakeOver(a?: ActorArgs & { agentId?: string }): void {
    this.validateActor(a);
    checkText('agentId', a?.agentId, MAX_ACTION_ID, true);
    if (this.snap.takenOverBy === a!.agentId) throw new StateError(`already taken over by ${a!.agentId}`);
  }
  takeOver(agentId: string): void {
    this.snap.takenOverBy = agentId;
    this.snap.assignee = agentId;
  }

  validateRelease(a?: ActorArgs): void {
    this.validateActor(a);
    if (!this.snap.takenOverBy && !this.snap.assignee) throw new StateError('nobody holds this conversation');
  }
  release(): void {
    this.snap.takenOverBy = null;
    this.snap.assignee = null;
  }

  validateReassign(args: ReassignArgs): void {
    this.validateActor(args);
    if (args.assignee === undefined && args.team === undefined) {
      throw new StateError('give an assignee or a team', 'invalid');
    }
    checkText('assignee', args.assignee, MAX_ACTION_ID);
    checkText('team', args.team, 200);
  }
  reassign(args: ReassignArgs): void {
    if (args.assignee !== undefined) this.snap.assignee = args.assignee;
    if (args.team !== undefined) this.snap.team = args.team;
    this.snap.takenOverBy = null;
  }

  // --- step 4: turns, decisions, SLAs ---

  addToBurst(items: BurstItem[], nowMs: number): void {
    if (items.length === 0) return;
    this.burst.push(...items);
    this.burstDueAt = nowMs + this.burstGapMs;
    this.snap.burstSize = this.burst.length;
  }

  setBurstGap(seconds: number): void {
    this.burstGapMs = Math.max(0, seconds) * 1000;
  }

  burstReady(nowMs: number): boolean {
    return this.burst.length > 0 && this.burstDueAt !== null && nowMs >= this.burstDueAt;
  }

  hasBurst(): boolean {
    return this.burst.length > 0;
  }

  takeBurst(): BurstItem[] {
    const b = this.burst;
    this.burst = [];
    this.burstDueAt = null;
    this.snap.burstSize = 0;
    return b;
  }

  slaBreached(nowMs: number): boolean {
    return !!this.snap.sla && nowMs >= Date.parse(this.snap.sla.dueAt);
  }

  /** When the loop must wake by itself: the end of the quiet gap, or an SLA deadline. */
  nextWakeAt(): number | null {
    const times = [this.burstDueAt, this.snap.sla ? Date.parse(this.snap.sla.dueAt) : null].filter((t): t is number => t !== null);
    return times.length ? Math.min(...times) : null;
  }

  applyDecision(d: RoutingDecision, placed: { assignee: string | null; team: string } | null, nowIso: string, firstAt: string): void {
    this.snap.intent = d.intent;
    this.snap.language = d.language;
    this.snap.urgency = d.urgency;
    if (d.optOut) this.snap.optedOut = true;
    if (placed) {
      this.snap.team = placed.team;
      if (!this.snap.takenOverBy) this.snap.assignee = placed.assignee;
    } else if (d.team && !this.snap.team) {
      this.snap.team = d.team;
    }
    if (d.needsReply) {
      this.snap.awaitingReplySince ??= firstAt;
      // One clock per wait: a later burst never pushes an earlier deadline out.
      if (d.slaKind && d.dueAt && (!this.snap.sla || Date.parse(d.dueAt) < Date.parse(this.snap.sla.dueAt))) {
        this.snap.sla = { kind: d.slaKind, dueAt: d.dueAt, breaches: this.snap.sla?.breaches ?? 0 };
      }
    }
    this.snap.lastDecision = {
      at: nowIso,
      intent: d.intent,
      language: d.language,
      urgency: d.urgency,
      team: this.snap.team,
      assignee: this.snap.assignee,
      reasons: d.reasons,
    };
  }

  /** A person answered: the response clock stops (an automatic acknowledgement never gets here). */
  humanReplied(at: string): void {
    this.snap.lastOutboundAt = at;
    if (this.snap.awaitingReplySince) this.snap.firstResponseDone = true;
    this.snap.awaitingReplySince = null;
    this.snap.sla = null;
    this.tried = [];
  }

  escalated(newUrgency: Urgency, placed: { assignee: string | null; team: string } | null, previous: string | null, nextDueAt: string): void {
    if (previous) this.tried.push(previous);
    this.snap.urgency = newUrgency;
    if (placed) {
      this.snap.team = placed.team;
      this.snap.assignee = placed.assignee;
      this.snap.takenOverBy = null;
    }
    const breaches = (this.snap.sla?.breaches ?? 0) + 1;
    this.snap.sla = { kind: 'next_response', dueAt: nextDueAt, breaches };
  }

  triedAgents(): string[] {
    return [...this.tried];
  }

  assigned(assignee: string, team: string): void {
    // A late signal must not undo a close or an agent's take-over.
    if (this.snap.status === 'resolved' || this.snap.takenOverBy) return;
    this.snap.assignee = assignee;
    this.snap.team = team;
  }

  /** The latest context summary (bounded in size by the context activity). */
  setContext(context: ConversationContext): void {
    this.snap.context = context;
    if (!this.snap.contactId) this.snap.contactId = context.contact.id;
  }

  setUrgency(urgency: Urgency): void {
    this.snap.urgency = urgency;
  }

  validateReply(text: unknown): void {
    if (typeof text !== 'string' || text.trim().length === 0) throw new StateError('text is required', 'invalid');
    if ([...text].length > 4096) throw new StateError('text is longer than 4096 characters', 'invalid');
    if (!this.snap.conversationId || (!this.snap.waId && !this.snap.userId)) {
      throw new StateError('the conversation has no recorded buyer to reply to yet');
    }
  }
  repliedAt(at: string): void {
    this.snap.lastOutboundAt = at;
  }

  validateClose(a?: ActorArgs): void {
    this.validateActor(a);
    if (this.snap.status === 'resolved') throw new StateError('conversation is already resolved');
  }
  close(): void {
    this.snap.status = 'resolved';
    this.snap.takenOverBy = null;
    this.snap.sla = null;
    this.snap.awaitingReplySince = null;
    this.burst = [];
    this.burstDueAt = null;
  }
}
