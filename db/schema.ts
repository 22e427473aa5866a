// The CRM's core tables. One module; migrations are generated from it by drizzle-kit (db/migrations).
import { relations, sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const agents = pgTable('agents', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  team: text('team').notNull(),
  languages: text('languages').array().notNull().default(sql`'{}'::text[]`),
  capacity: integer('capacity').notNull().default(10),
  active: boolean('active').notNull().default(true),
  /** For round robin among equally loaded agents. */
  lastAssignedAt: ts('last_assigned_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const companies = pgTable('companies', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  domain: text('domain'),
  ownerAgentId: uuid('owner_agent_id').references(() => agents.id),
  /** Last contact either way, the buyer's last message and ours: kept by a trigger on messages (0017). */
  lastContactAt: ts('last_contact_at'),
  lastInboundAt: ts('last_inbound_at'),
  lastOutboundAt: ts('last_outbound_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name'),
    /** The name WhatsApp shows for the sender (profile.name); kept apart from a name a person typed. */
    profileName: text('profile_name'),
    phoneE164: text('phone_e164'),
    email: text('email'),
    country: text('country'),
    timezone: text('timezone'),
    language: text('language'),
    companyId: uuid('company_id').references(() => companies.id),
    ownerAgentId: uuid('owner_agent_id').references(() => agents.id),
    optedOut: boolean('opted_out').notNull().default(false),
    /** WhatsApp's marketing preference (`user_preferences` webhooks: stop / resume). */
    marketingOptIn: boolean('marketing_opt_in').notNull().default(true),
    /** Set when this contact was merged into another; the row stays so old ids still answer. */
    mergedInto: uuid('merged_into'),
    /** Last contact either way, the buyer's last message and ours: kept by a trigger on messages (0017). */
    lastContactAt: ts('last_contact_at'),
    lastInboundAt: ts('last_inbound_at'),
    lastOutboundAt: ts('last_outbound_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('contacts_phone_idx').on(t.phoneE164), index('contacts_email_idx').on(t.email)],
);

/**
 * Ways to reach or recognise a contact. WhatsApp identities (wa_id, user_id) are unique across
 * contacts; typed phones and emails are not (two contacts may share one: a duplicate to review).
 */
export const contactIdentities = pgTable(
  'contact_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id),
    channel: text('channel').notNull(), // 'whatsapp' | 'phone' | 'email'
    kind: text('kind').notNull(), // 'wa_id' | 'user_id' | 'phone' | 'email'
    value: text('value').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('contact_identities_external_uq')
      .on(t.channel, t.kind, t.value)
      .where(sql`${t.kind} in ('wa_id', 'user_id')`),
    index('contact_identities_value_idx').on(t.kind, t.value),
    index('contact_identities_contact_idx').on(t.contactId),
  ],
);

export const deals = pgTable(
  'deals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    contactId: uuid('contact_id').references(() => contacts.id),
    companyId: uuid('company_id').references(() => companies.id),
    stage: text('stage').notNull().default('new'),
    status: text('status').notNull().default('open'), // open | won | lost
    value: numeric('value', { precision: 14, scale: 2 }),
    currency: text('currency'),
    ownerAgentId: uuid('owner_agent_id').references(() => agents.id),
    /** Last contact either way, the buyer's last message and ours: kept by a trigger on messages (0017). */
    lastContactAt: ts('last_contact_at'),
    lastInboundAt: ts('last_inbound_at'),
    lastOutboundAt: ts('last_outbound_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('deals_contact_idx').on(t.contactId), index('deals_company_idx').on(t.companyId)],
);

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** `wa:<phone_number_id>:<sender>`: one buyer thread with one business number. */
    workflowId: text('workflow_id').notNull(),
    phoneNumberId: text('phone_number_id').notNull(),
    /** The wa_id, or Meta's business-scoped user_id when no phone came. */
    sender: text('sender').notNull(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id),
    dealId: uuid('deal_id').references(() => deals.id),
    status: text('status').notNull().default('open'),
    /** Written by db/routing only (assignment has one owner); the read-model write never touches it. */
    assignee: text('assignee'),
    team: text('team'),
    /** The workflow run that holds the assignment: the reconciler gives back only a dead run's slot. */
    assignedRunId: text('assigned_run_id'),
    urgency: text('urgency').notNull().default('normal'),
    paused: boolean('paused').notNull().default(false),
    /** A timed pause resumes by itself then; null: until someone resumes it. */
    pausedUntil: ts('paused_until'),
    /** The agent who took it over: only they (or an admin) send in it; kept so a new run knows. */
    takenOverBy: text('taken_over_by'),
    /** The snooze in force (until, since, the status it hides, the SLA time it had left). */
    snooze: jsonb('snooze').$type<{ until: string | null; since: string; statusBefore: 'open' | 'waiting' | 'snoozed' | 'resolved'; slaLeftMs: number | null }>(),
    /** How it was closed: resolved | won | lost | spam; null while open. */
    outcome: text('outcome'),
    lastInboundAt: ts('last_inbound_at'),
    lastOutboundAt: ts('last_outbound_at'),
    /** Since when the buyer waits for a person's reply; null: nobody owes them one. */
    awaitingReplySince: ts('awaiting_reply_since'),
    /** When the next follow-up (or reminder) is due; null: none planned. A read then wakes the run. */
    nextFollowUpAt: ts('next_follow_up_at'),
    /** Delivery outcome of our latest outbound message: sent | delivered | read | failed. */
    lastOutboundStatus: text('last_outbound_status'),
    lastOutboundErrorCode: integer('last_outbound_error_code'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('conversations_workflow_uq').on(t.workflowId),
    index('conversations_contact_idx').on(t.contactId),
    index('conversations_last_inbound_idx').on(t.lastInboundAt),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    waMessageId: text('wa_message_id').notNull(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id),
    direction: text('direction').notNull(), // 'in' | 'out'
    type: text('type').notNull(),
    text: text('text'),
    raw: jsonb('raw').notNull(),
    /** When WhatsApp says it was sent (the webhook's timestamp). */
    sentAt: ts('sent_at').notNull(),
    /** When Threadline stored it. */
    receivedAt: ts('received_at').notNull().defaultNow(),
    /**
     * The workflow run whose CRM write stored it: a retried write of that run still counts it as new
     * (a local activity may run again after its workflow task failed); any other run sees a duplicate.
     */
    recordedByRun: text('recorded_by_run'),
    /** Delivery status: received (inbound) | accepted | sent | delivered | read | failed. */
    status: text('status').notNull(),
    statusAt: ts('status_at'),
    errorCode: integer('error_code'),
    errorTitle: text('error_title'),
    /** The media kept for this message (a buyer's image, document...), once downloaded. */
    mediaRef: uuid('media_ref'),
    /** Why the media could not be kept (after the retries): never lost silently. */
    mediaError: text('media_error'),
  },
  (t) => [
    uniqueIndex('messages_wa_message_uq').on(t.waMessageId),
    index('messages_conversation_idx').on(t.conversationId, t.sentAt),
    index('messages_contact_idx').on(t.contactId, t.sentAt),
  ],
);

/** Media kept by Threadline (a buyer's image, document, audio...): the bytes in the media store, described here. */
export const media = pgTable(
  'media',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Hex sha256 of the bytes (also their name in the store). */
    sha256: text('sha256').notNull(),
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    filename: text('filename'),
    /** WhatsApp's media id, for media that came from a buyer. */
    waMediaId: text('wa_media_id'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('media_wa_media_uq').on(t.waMediaId)],
);

/**
 * Replies an agent scheduled (`schedule-reply { text, at }`): kept here, armed as a timer by the
 * conversation's run (re-armed when a run starts again), settled once: sent, cancelled, dropped
 * (the conversation was resolved when it fell due) or failed (with the reason).
 */
export const scheduledReplies = pgTable(
  'scheduled_replies',
  {
    id: uuid('id').primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id),
    text: text('text').notNull(),
    at: ts('at').notNull(),
    status: text('status').notNull().default('pending'), // pending | sent | cancelled | dropped | failed
    createdBy: text('created_by').notNull(),
    /** The agent who scheduled it (an agent token), for the ownership check when it falls due. */
    agentId: text('agent_id'),
    reason: text('reason'),
    waMessageId: text('wa_message_id'),
    settledAt: ts('settled_at'),
    createdAt: createdAt(),
  },
  (t) => [index('scheduled_replies_pending_idx').on(t.conversationId, t.status)],
);

/**
 * Everything else that happens in a conversation (statuses, decisions, follow-ups, agent actions,
 * SLA breaches) and orphan events. `idempotencyKey` makes every write safe to retry.
 */
export const interactionEvents = pgTable(
  'interaction_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    idempotencyKey: text('idempotency_key').notNull(),
    conversationId: uuid('conversation_id').references(() => conversations.id),
    contactId: uuid('contact_id').references(() => contacts.id),
    kind: text('kind').notNull(),
    payload: jsonb('payload').notNull().default(sql`'{}'::jsonb`),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('interaction_events_key_uq').on(t.idempotencyKey),
    index('interaction_events_conversation_idx').on(t.conversationId, t.at),
    // Statuses that came before their message, found when the message is recorded.
    index('interaction_events_orphan_status_idx')
      .on(sql`(${t.payload}->>'waMessageId')`)
      .where(sql`${t.kind} = 'orphan_status'`),
    // Follow-ups over a date range (analytics).
    index('interaction_events_follow_up_idx').on(t.at).where(sql`${t.kind} = 'follow_up'`),
  ],
);

/**
 * Every send (agent replies, acknowledgements, follow-ups): the intent is written first under a
 * deterministic key (workflow id + turn), then sent, then marked with its wamid. A send whose
 * outcome is not known (a timeout after the request left) is `unknown`, never retried blindly.
 */
export const outbox = pgTable(
  'outbox',
  {
    key: text('key').primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id),
    workflowId: text('workflow_id').notNull(),
    kind: text('kind').notNull(), // reply | ack | follow_up | ...
    /** pending | sending | sent | failed | unknown */
    status: text('status').notNull().default('pending'),
    request: jsonb('request').notNull(),
    sentBy: text('sent_by'),
    waMessageId: text('wa_message_id'),
    errorCode: integer('error_code'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('outbox_conversation_idx').on(t.conversationId, t.createdAt), index('outbox_status_idx').on(t.status)],
);

/** A merge of one contact into another: the audit row, and what makes a second merge a no-op. */
export const contactMerges = pgTable(
  'contact_merges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    survivorId: uuid('survivor_id')
      .notNull()
      .references(() => contacts.id),
    mergedId: uuid('merged_id')
      .notNull()
      .references(() => contacts.id),
    /** Rows moved per table, and the merged contact's fields as they were. */
    moved: jsonb('moved').notNull().default(sql`'{}'::jsonb`),
    mergedBy: text('merged_by'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('contact_merges_merged_uq').on(t.mergedId)],
);

/** Two contacts that may be one person: exact matches are linked automatically, fuzzy ones wait here. */
export const duplicateCandidates = pgTable(
  'duplicate_candidates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Ordered pair (a < b) so a pair is stored once per reason. */
    contactA: uuid('contact_a')
      .notNull()
      .references(() => contacts.id),
    contactB: uuid('contact_b')
      .notNull()
      .references(() => contacts.id),
    score: real('score').notNull(),
    reason: text('reason').notNull(),
    status: text('status').notNull().default('open'), // open | merged | dismissed
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('duplicate_candidates_pair_uq').on(t.contactA, t.contactB, t.reason),
    index('duplicate_candidates_status_idx').on(t.status, t.score),
  ],
);

/** A CSV import of contacts: progress and per-row errors. */
export const contactImports = pgTable(
  'contact_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    status: text('status').notNull().default('running'), // running | done | failed
    total: integer('total').notNull().default(0),
    processed: integer('processed').notNull().default(0),
    created: integer('created').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    errors: jsonb('errors').notNull().default(sql`'[]'::jsonb`),
    defaultCountry: text('default_country'),
    /** The API token that started it: one running import per token. */
    tokenId: text('token_id'),
    /** Written while the import runs; a running import whose heartbeat stopped lost its process. */
    heartbeatAt: ts('heartbeat_at'),
    /** The file row the import reached (for a restart's report). */
    reachedRow: integer('reached_row'),
    createdAt: createdAt(),
    finishedAt: ts('finished_at'),
  },
  (t) => [uniqueIndex('contact_imports_running_per_token_uq').on(t.tokenId).where(sql`${t.status} = 'running'`)],
);

/** API tokens made through the API or `npm run token`: only a hash is kept; API_TOKENS live in the environment. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** sha256 (hex) of the token; the token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    role: text('role').notNull(), // admin | agent
    agentId: uuid('agent_id').references(() => agents.id),
    label: text('label'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_uq').on(t.tokenHash)],
);

/**
 * What could not be stored however often it was retried (a value Postgres refuses): kept here with
 * its reason instead of blocking the conversation, and listed by the API for a person to look at.
 */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Unique per item: a retry of the same failure adds nothing. */
    key: text('key').notNull(),
    kind: text('kind').notNull(), // inbound_message | status | event | invalid_event | ...
    workflowId: text('workflow_id'),
    reason: text('reason').notNull(),
    payload: jsonb('payload').notNull().default(sql`'{}'::jsonb`),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('dead_letters_key_uq').on(t.key), index('dead_letters_at_idx').on(t.at)],
);

/**
 * Raw JSON of inbound messages, written by the webhook before it signals: signals carry only what
 * decisions need (never near Temporal's payload limit), and the CRM write takes the raw JSON from here.
 */
export const inboundRaw = pgTable('inbound_raw', {
  /** The message's wamid, or `status:<wamid>:<status>` for a status. */
  key: text('key').primaryKey(),
  raw: jsonb('raw').notNull(),
  receivedAt: ts('received_at').notNull().defaultNow(),
});

/**
 * Events accepted by the webhook and not yet handed to their conversation workflow: written before
 * the 200 (durable acceptance), deleted once Temporal took them. A busy Temporal delays the hand-over,
 * not the acknowledgement; whatever a process could not hand over, the sweeper does (server/handover.ts).
 */
export const inboundHandover = pgTable(
  'inbound_handover',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workflowId: text('workflow_id').notNull(),
    phoneNumberId: text('phone_number_id').notNull(),
    /** signalWithStart (messages) or a plain signal (a status for a running conversation). */
    start: boolean('start').notNull(),
    waId: text('wa_id'),
    summary: text('summary'),
    /** The events without their raw JSON (that is in inbound_raw). */
    events: jsonb('events').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Being handed over by a process until then; the sweeper takes rows whose claim has lapsed. */
    claimedUntil: ts('claimed_until').notNull().default(sql`now() + interval '30 seconds'`),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('inbound_handover_claimed_idx').on(t.claimedUntil)],
);

/** Where other systems hear about what happens: an admin subscribes a URL to event types. */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: uuid('id').primaryKey().defaultRandom(),
  url: text('url').notNull(),
  /** Event types, from domain/webhook-events.ts. */
  events: jsonb('events').$type<string[]>().notNull(),
  /** Signs each delivery (HMAC-SHA256); shown once, when the subscription is made. */
  secret: text('secret').notNull(),
  active: boolean('active').notNull().default(true),
  createdBy: text('created_by'),
  createdAt: createdAt(),
});

/**
 * What happened, once, as other systems see it: written by triggers in the same transaction as the
 * change itself (an assignment, a close, an SLA breach, a sent follow-up, a merge), so none is lost
 * and none is made twice. The relay (server/webhook-relay.ts) fans each out to the subscriptions.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type').notNull(),
    data: jsonb('data').notNull(),
    at: ts('at').notNull().defaultNow(),
    /** When the relay started a delivery for every subscription it had; null: not yet. */
    dispatchedAt: ts('dispatched_at'),
  },
  (t) => [index('webhook_events_pending_idx').on(t.at).where(sql`${t.dispatchedAt} is null`)],
);

/** Every attempt to deliver an event to a subscription, with the answer: the delivery log. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id),
    eventId: uuid('event_id')
      .notNull()
      .references(() => webhookEvents.id),
    attempt: integer('attempt').notNull(),
    at: ts('at').notNull().defaultNow(),
    ok: boolean('ok').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [
    index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.at),
    uniqueIndex('webhook_deliveries_attempt_uq').on(t.subscriptionId, t.eventId, t.attempt),
  ],
);

/**
 * One buyer turn that asked something of us, and how it was answered: the analytics rollup
 * (GET /analytics). Kept by triggers (migration 0015) in the transaction of the facts themselves:
 * a turn starts with the routing decision on the buyer's burst, ends at the first human reply
 * (or an automated answer that settled it, or a close); an acknowledgement never ends it.
 */
export const responseTurns = pgTable(
  'response_turns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id),
    /** The decision that started it (interaction_events.id). */
    decisionId: uuid('decision_id').notNull(),
    /** first_response | next_response (the SLA clock the turn ran on). */
    kind: text('kind').notNull(),
    /** The team and the agent holding the conversation while the turn was open (the replier once answered). */
    team: text('team'),
    agentId: text('agent_id'),
    /** When the buyer's first message of the turn was sent (WhatsApp's time). */
    startedAt: ts('started_at').notNull(),
    needsReply: boolean('needs_reply').notNull(),
    /** The SLA deadline the workflow armed; null: none (no reply needed). */
    dueAt: ts('due_at'),
    respondedAt: ts('responded_at'),
    /** human | automation; null while unanswered. */
    respondedBy: text('responded_by'),
    /** Who sent the answer: an agent id, admin:<token id>, or automation. */
    responder: text('responder'),
    /** SLA breaches while it was open (an escalation arms the next deadline). */
    breaches: integer('breaches').notNull().default(0),
    /** Closed (or nothing owed) without an answer. */
    endedAt: ts('ended_at'),
  },
  (t) => [
    index('response_turns_started_idx').on(t.startedAt),
    uniqueIndex('response_turns_decision_uq').on(t.decisionId),
    index('response_turns_conversation_idx').on(t.conversationId, t.startedAt),
    // The conversation's open turn (at most one), found by every trigger.
    index('response_turns_open_idx').on(t.conversationId).where(sql`${t.respondedAt} is null and ${t.endedAt} is null`),
  ],
);

/**
 * Deal stage changes a signal proposed (an order intent on an open deal) or a rule applied: each
 * with its reason, confirmed or rejected by a person, and reversible once applied.
 */
export const dealStageChanges = pgTable(
  'deal_stage_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The decision that proposed it: a retried activity proposes nothing more. */
    idempotencyKey: text('idempotency_key').notNull(),
    dealId: uuid('deal_id')
      .notNull()
      .references(() => deals.id),
    conversationId: uuid('conversation_id').references(() => conversations.id),
    fromStage: text('from_stage').notNull(),
    toStage: text('to_stage').notNull(),
    /** proposed | applied | rejected | reverted */
    status: text('status').notNull(),
    reason: text('reason').notNull(),
    /** What proposed it: { intent, messages } of the decision. */
    signal: jsonb('signal').notNull().default(sql`'{}'::jsonb`),
    proposedBy: text('proposed_by').notNull(),
    proposedAt: ts('proposed_at').notNull().defaultNow(),
    decidedBy: text('decided_by'),
    decidedAt: ts('decided_at'),
    revertedBy: text('reverted_by'),
    revertedAt: ts('reverted_at'),
  },
  (t) => [
    uniqueIndex('deal_stage_changes_key_uq').on(t.idempotencyKey),
    index('deal_stage_changes_deal_idx').on(t.dealId, t.proposedAt),
    // At most one proposal waits per deal; the list of what waits for a person.
    uniqueIndex('deal_stage_changes_pending_uq').on(t.dealId).where(sql`${t.status} = 'proposed'`),
  ],
);

/** The global rules document (business hours, SLAs, teams, burst gap, automation texts), versioned. */
/** The knowledge base automated answers come from: the newest version is current (none: empty). */
export const knowledge = pgTable('knowledge', {
  version: integer('version').primaryKey(),
  entries: jsonb('entries').notNull(),
  createdBy: text('created_by'),
  createdAt: createdAt(),
});

export const rules = pgTable('rules', {
  version: integer('version').primaryKey(),
  document: jsonb('document').notNull(),
  createdBy: text('created_by'),
  createdAt: createdAt(),
});

/**
 * Conversations that need a person and could not be placed: they wait in their team's queue,
 * most urgent and oldest first, until capacity frees.
 */
export const teamQueue = pgTable(
  'team_queue',
  {
    conversationId: uuid('conversation_id')
      .primaryKey()
      .references(() => conversations.id),
    workflowId: text('workflow_id').notNull(),
    team: text('team').notNull(),
    language: text('language'),
    /** 0 urgent, 1 high, 2 normal, 3 low: ascending is most urgent first. */
    urgencyRank: integer('urgency_rank').notNull(),
    enqueuedAt: ts('enqueued_at').notNull().defaultNow(),
  },
  (t) => [index('team_queue_order_idx').on(t.team, t.urgencyRank, t.enqueuedAt)],
);

export const agentsRelations = relations(agents, ({ many }) => ({
  contacts: many(contacts),
  deals: many(deals),
  tokens: many(apiTokens),
}));

export const apiTokensRelations = relations(apiTokens, ({ one }) => ({
  agent: one(agents, { fields: [apiTokens.agentId], references: [agents.id] }),
}));

export const companiesRelations = relations(companies, ({ one, many }) => ({
  owner: one(agents, { fields: [companies.ownerAgentId], references: [agents.id] }),
  contacts: many(contacts),
  deals: many(deals),
}));

export const contactsRelations = relations(contacts, ({ one, many }) => ({
  company: one(companies, { fields: [contacts.companyId], references: [companies.id] }),
  owner: one(agents, { fields: [contacts.ownerAgentId], references: [agents.id] }),
  identities: many(contactIdentities),
  conversations: many(conversations),
  messages: many(messages),
  deals: many(deals),
}));

export const contactIdentitiesRelations = relations(contactIdentities, ({ one }) => ({
  contact: one(contacts, { fields: [contactIdentities.contactId], references: [contacts.id] }),
}));

export const dealsRelations = relations(deals, ({ one, many }) => ({
  contact: one(contacts, { fields: [deals.contactId], references: [contacts.id] }),
  company: one(companies, { fields: [deals.companyId], references: [companies.id] }),
  owner: one(agents, { fields: [deals.ownerAgentId], references: [agents.id] }),
  stageChanges: many(dealStageChanges),
}));

export const dealStageChangesRelations = relations(dealStageChanges, ({ one }) => ({
  deal: one(deals, { fields: [dealStageChanges.dealId], references: [deals.id] }),
  conversation: one(conversations, { fields: [dealStageChanges.conversationId], references: [conversations.id] }),
}));

export const conversationsRelations = relations(conversations, ({ one, many }) => ({
  contact: one(contacts, { fields: [conversations.contactId], references: [contacts.id] }),
  deal: one(deals, { fields: [conversations.dealId], references: [deals.id] }),
  messages: many(messages),
  events: many(interactionEvents),
  turns: many(responseTurns),
}));

export const messagesRelations = relations(messages, ({ one }) => ({
  conversation: one(conversations, { fields: [messages.conversationId], references: [conversations.id] }),
  contact: one(contacts, { fields: [messages.contactId], references: [contacts.id] }),
}));

export const interactionEventsRelations = relations(interactionEvents, ({ one }) => ({
  conversation: one(conversations, {
    fields: [interactionEvents.conversationId],
    references: [conversations.id],
  }),
  contact: one(contacts, { fields: [interactionEvents.contactId], references: [contacts.id] }),
}));

export const webhookDeliveriesRelations = relations(webhookDeliveries, ({ one }) => ({
  subscription: one(webhookSubscriptions, { fields: [webhookDeliveries.subscriptionId], references: [webhookSubscriptions.id] }),
  event: one(webhookEvents, { fields: [webhookDeliveries.eventId], references: [webhookEvents.id] }),
}));

export const responseTurnsRelations = relations(responseTurns, ({ one }) => ({
  conversation: one(conversations, { fields: [responseTurns.conversationId], references: [conversations.id] }),
}));
