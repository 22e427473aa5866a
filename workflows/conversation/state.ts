// Conversation state and its transitions: a plain class, deterministic, unit-tested without Temporal.
import type { InboundEvent } from '../../whatsapp/events.js';
import type { ConversationContext } from '../../activities/context.js';
import type {
  CarriedState,
  ConversationSnapshot,
  ConversationStatus,
  ReassignArgs,
  Urgency,
} from './messages.js';

/** How many message ids to remember for dedupe (carried across continue-as-new). */
export const SEEN_IDS_LIMIT = 2000;

export class StateError extends Error {
  constructor(
    message: string,
    readonly type: 'wrong_state' | 'invalid' = 'wrong_state',
  ) {
    super(message);
  }
}

export class ConversationState {
  private snap: ConversationSnapshot;
  private readonly seen: Set<string>;
  private queue: InboundEvent[];

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

  /** Hand the queued events to the CRM write; they stay counted as pending until `recorded`. */
  peekPending(): InboundEvent[] {
    return [...this.queue];
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
    return { snapshot: this.snapshot(), seenIds: [...this.seen], pendingEvents: [...this.queue] };
  }

  // --- agent actions (validated first, then applied) ---

  validatePause(): void {
    if (this.snap.paused) throw new StateError('automation is already paused');
  }
  pause(): void {
    this.snap.paused = true;
  }

  validateResume(): void {
    if (!this.snap.paused) throw new StateError('automation is not paused');
  }
  resume(): void {
    this.snap.paused = false;
  }

  validateTakeOver(agentId: string): void {
    if (!agentId) throw new StateError('agentId is required', 'invalid');
    if (this.snap.takenOverBy === agentId) throw new StateError(`already taken over by ${agentId}`);
  }
  takeOver(agentId: string): void {
    this.snap.takenOverBy = agentId;
    this.snap.assignee = agentId;
  }

  validateRelease(): void {
    if (!this.snap.takenOverBy && !this.snap.assignee) throw new StateError('nobody holds this conversation');
  }
  release(): void {
    this.snap.takenOverBy = null;
    this.snap.assignee = null;
  }

  validateReassign(args: ReassignArgs): void {
    if (args.assignee === undefined && args.team === undefined) {
      throw new StateError('give an assignee or a team', 'invalid');
    }
  }
  reassign(args: ReassignArgs): void {
    if (args.assignee !== undefined) this.snap.assignee = args.assignee;
    if (args.team !== undefined) this.snap.team = args.team;
    this.snap.takenOverBy = null;
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

  validateClose(): void {
    if (this.snap.status === 'resolved') throw new StateError('conversation is already resolved');
  }
  close(): void {
    this.snap.status = 'resolved';
    this.snap.takenOverBy = null;
  }
}
