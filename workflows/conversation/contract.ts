// The conversation workflow's public surface: every signal, update and query with its types, and
// the search attributes. The only module of workflows/conversation/ the server imports.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ConversationContext } from '../../activities/context.js';
import type { InboundEvent } from '../../whatsapp/events.js';
import type { ConversationStatus, Urgency } from '../../domain/vocabulary.js';

export const WORKFLOW_TYPE = 'conversation';

export interface ConversationSnapshot {
  workflowId: string;
  conversationId: string | null;
  contactId: string | null;
  waId: string | null;
  userId: string | null;
  phoneNumberId: string;
  status: ConversationStatus;
  assignee: string | null;
  team: string | null;
  urgency: Urgency;
  paused: boolean;
  takenOverBy: string | null;
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
  messagesSeen: number;
  /** Events received but not yet written to the CRM. */
  pending: number;
  /** What came before (step 3): contact, company, deal, history, reply-latency profile. */
  context?: ConversationContext | null;
  /** Step 4: the buyer's messages of the current turn, waiting for the quiet gap. */
  burstSize?: number;
  /** A turn is running (the query answers between its steps). */
  busy?: boolean;
  /** Step 5: the next follow-up (or reminder to the owner), with its reason; null: none planned. */
  nextFollowUp?: { at: string; attempt: number; channel: 'free_form' | 'template'; reason: string; action: 'follow_up' | 'remind_agent' | 'resolve' } | null;
  /** The buyer's latest message, and the latest one we marked read on WhatsApp (when an agent answered). */
  lastInboundWaMessageId?: string | null;
  markedReadWaMessageId?: string | null;
  /** Replies an agent scheduled, not yet due (soonest first). */
  scheduled?: ScheduledReply[];
  /** Paused until then (resumes by itself); null: until someone resumes it. */
  pausedUntil?: string | null;
  /** How the conversation was closed (resolved, won, lost, spam); null while open. */
  outcome?: CloseOutcome | null;
  /** Snoozed by a person: until when (null: until the buyer writes), since when, the status to go back to, the SLA time left. */
  snooze?: { until: string | null; since: string; statusBefore: ConversationStatus; slaLeftMs: number | null } | null;
  /** Step 5: the policy's last answer, also when it planned nothing ("none": why not). */
  followUpDecision?: { action: 'none' | 'follow_up' | 'remind_agent' | 'resolve'; silence: string; reason: string; at?: string } | null;
  /** This conversation's own follow-up rules (PUT .../follow-up-rules); null: the global ones. */
  followUpRules?: import('../../domain/rules.js').FollowUpRules | null;
  language?: string | null;
  intent?: string | null;
  optedOut?: boolean;
  /** Since when the buyer waits for a human answer (an acknowledgement does not count). */
  awaitingReplySince?: string | null;
  /** The latest automated answer of this exchange (until a person replies or it is closed): the buyer's next words go to a person. */
  automatedAnswer?: { at: string; entryIds: string[] } | null;
  firstResponseDone?: boolean;
  sla?: { kind: 'first_response' | 'next_response'; dueAt: string; breaches: number } | null;
  /** Bumped by every human action (reply, pause, take-over, close...): automation started before it is stale. */
  generation?: number;
  /** When a person last answered: burst messages before it need no automated answer. */
  humanRepliedAt?: string | null;
  lastDecision?: { at: string; intent: string; language: string; urgency: Urgency; team: string | null; assignee: string | null; reasons: string[] } | null;
}

/** Webhook -> workflow: messages and delivery statuses, in the order they were in the body. */
export const inboundSignal = defineSignal<[InboundEvent[]]>('inbound');
export const snapshotQuery = defineQuery<ConversationSnapshot>('snapshot');
/** Assignment from outside the run (capacity freed in the team queue, the agents API). */
export interface AssignedArgs {
  assignee: string;
  team: string;
  reason?: string;
}
export const assignedSignal = defineSignal<[AssignedArgs]>('assigned');

export interface ActorArgs {
  /** Who asks: an agent id or an API token's name. */
  by?: string;
  reason?: string;
}
export interface ReassignArgs extends ActorArgs {
  assignee?: string | null;
  team?: string | null;
}
export interface FollowUpRulesArgs extends ActorArgs {
  /** The rules' `followUp` part for this conversation alone; null goes back to the global rules. */
  rules: Record<string, unknown> | null;
}
export interface SendReplyArgs extends ActorArgs {
  /** The text, or the caption of `media`; required without media. */
  text: string;
  /** Kept media to send (POST /api/v1/media first). */
  media?: { ref: string; sha256: string; mimeType: string; filename: string | null } | null;
  /** The replying agent (an agent token's); absent for an admin. While a person owns the conversation, only they may reply. */
  agentId?: string | null;
}
export interface ScheduledReply {
  id: string;
  text: string;
  at: string;
  by: string;
  agentId: string | null;
}
export interface ScheduleReplyArgs extends ActorArgs {
  /** Made by the API (a uuid): a retried request schedules nothing more. */
  id: string;
  text: string;
  at: string;
  agentId?: string | null;
}
export const scheduleReplyUpdate = defineUpdate<{ id: string; at: string }, [ScheduleReplyArgs]>('scheduleReply');
export const cancelScheduledReplyUpdate = defineUpdate<ConversationSnapshot, [ActorArgs & { id: string }]>('cancelScheduledReply');
export interface TemplateArgs extends ActorArgs {
  template: { name: string; language: string; components?: unknown[] };
  /** The agent sending it (an agent token's); absent for an admin. */
  agentId?: string | null;
}
/** A business-initiated message (or any approved template an agent sends): through the outbox. */
export const sendTemplateUpdate = defineUpdate<{ waMessageId: string }, [TemplateArgs]>('sendTemplate');
export interface PauseArgs extends ActorArgs {
  /** ISO-8601: automation resumes by itself then; missing: until someone resumes it. */
  until?: string | null;
}
export type CloseOutcome = 'resolved' | 'won' | 'lost' | 'spam';
export const CLOSE_OUTCOMES: readonly CloseOutcome[] = ['resolved', 'won', 'lost', 'spam'];
export interface CloseArgs extends ActorArgs {
  outcome?: CloseOutcome;
}

export const pauseUpdate = defineUpdate<ConversationSnapshot, [PauseArgs]>('pause');
export const resumeUpdate = defineUpdate<ConversationSnapshot, [ActorArgs]>('resume');
export const takeOverUpdate = defineUpdate<ConversationSnapshot, [ActorArgs & { agentId: string }]>('takeOver');
export const releaseUpdate = defineUpdate<ConversationSnapshot, [ActorArgs]>('release');
export const reassignUpdate = defineUpdate<ConversationSnapshot, [ReassignArgs]>('reassign');
export const setFollowUpRulesUpdate = defineUpdate<ConversationSnapshot, [FollowUpRulesArgs]>('setFollowUpRules');
export const sendReplyUpdate = defineUpdate<{ waMessageId: string }, [SendReplyArgs]>('sendReply');
export interface SnoozeArgs extends ActorArgs {
  /** ISO-8601; missing: until the buyer writes. */
  until?: string | null;
}
export const snoozeUpdate = defineUpdate<ConversationSnapshot, [SnoozeArgs]>('snooze');
export const closeUpdate = defineUpdate<ConversationSnapshot, [CloseArgs]>('close');

export const searchAttributes = {
  ContactId: defineSearchAttributeKey('ContactId', SearchAttributeType.KEYWORD),
  WaId: defineSearchAttributeKey('WaId', SearchAttributeType.KEYWORD),
  ConversationStatus: defineSearchAttributeKey('ConversationStatus', SearchAttributeType.KEYWORD),
  Assignee: defineSearchAttributeKey('Assignee', SearchAttributeType.KEYWORD),
  Urgency: defineSearchAttributeKey('Urgency', SearchAttributeType.KEYWORD),
  Paused: defineSearchAttributeKey('Paused', SearchAttributeType.BOOL),
  NextFollowUpAt: defineSearchAttributeKey('NextFollowUpAt', SearchAttributeType.DATETIME),
  LastInboundAt: defineSearchAttributeKey('LastInboundAt', SearchAttributeType.DATETIME),
} as const;

/** Name -> type, for registering them on a server (dev server flags, operator service). */
export const searchAttributeTypes: Record<string, 'Keyword' | 'Bool' | 'Datetime'> = {
  ContactId: 'Keyword',
  WaId: 'Keyword',
  ConversationStatus: 'Keyword',
  Assignee: 'Keyword',
  Urgency: 'Keyword',
  Paused: 'Bool',
  NextFollowUpAt: 'Datetime',
  LastInboundAt: 'Datetime',
};

export interface ConversationInput {
  phoneNumberId: string;
  /** Carried across continue-as-new. */
  carried?: CarriedState;
}

/** A message of the current turn with its classification, waiting for the quiet gap. */
export interface BurstItem {
  waMessageId: string;
  at: string;
  classification: import('../policy/classify/types.js').Classification;
  /** The knowledge base's best match (the ingest activity's answerer), when the message needs a reply. */
  answer?: import('../policy/answer.js').AnswerMatch;
}

/** Everything a later turn needs, carried across continue-as-new. */
export interface CarriedState {
  snapshot: ConversationSnapshot;
  seenIds: string[];
  pendingEvents: InboundEvent[];
  burst?: BurstItem[];
  /** Workflow time (ms) of the burst's last message. */
  burstLastAtMs?: number | null;
  burstGapMs?: number;
  /** Agents this wait was already escalated away from. */
  tried?: string[];
  /** The urgency an escalation raised during this wait: a later decision never lowers it. */
  urgencyFloor?: Urgency | null;
  /** Placements signalled from outside, not yet applied. */
  placements?: AssignedArgs[];
  rules?: { version: number; rules: import('../../domain/rules.js').RulesDocument } | null;
  /** Since when (workflow ms) a resolved conversation has been quiet. */
  resolvedAtMs?: number | null;
  /** Step 5: the latest messages both ways (what the silence reading reads), attempts in this exchange. */
  recent?: import('../policy/silence.js').HistoryItem[];
  followUpAttempts?: number;
  lastOutboundRead?: boolean;
}
