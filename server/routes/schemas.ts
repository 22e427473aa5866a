// Shared JSON schemas of the agent API (TypeBox: one definition for validation, types and OpenAPI).
import { Type } from '@fastify/type-provider-typebox';
import { CONVERSATION_STATUSES, URGENCIES } from '../../domain/vocabulary.js';

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const ConversationStatus = Type.Union(CONVERSATION_STATUSES.map((s) => Type.Literal(s)));
export const Urgency = Type.Union(URGENCIES.map((u) => Type.Literal(u)));

export const ConversationItem = Type.Object({
  id: Type.String(),
  workflowId: Type.String(),
  contactId: Type.String(),
  waId: Nullable(Type.String()),
  sender: Type.String(),
  phoneNumberId: Type.String(),
  status: Type.String(),
  assignee: Nullable(Type.String()),
  team: Nullable(Type.String()),
  urgency: Type.String(),
  paused: Type.Boolean(),
  outcome: Nullable(Type.String({ description: 'how it was closed: resolved | won | lost | spam; null while open' })),
  lastInboundAt: Nullable(Type.String()),
  lastOutboundAt: Nullable(Type.String()),
  takenOverBy: Nullable(Type.String({ description: 'the agent who took it over: only they (or an admin) may send in it' })),
  pausedUntil: Nullable(Type.String({ description: 'a timed pause resumes by itself then' })),
  snoozedUntil: Nullable(Type.String({ description: 'while snoozed: when it wakes (null: when the buyer writes)' })),
  waitingSince: Nullable(Type.String({ description: "since when the buyer waits for a person's reply; null: nobody owes one" })),
  nextFollowUpAt: Nullable(Type.String()),
  createdAt: Type.String(),
});

export const TimelineEntry = Type.Object(
  { kind: Type.String(), at: Type.String() },
  { additionalProperties: true },
);

export const NextFollowUp = Nullable(
  Type.Object({
    at: Type.String(),
    attempt: Type.Optional(Type.Integer()),
    channel: Type.Optional(Type.String({ description: 'free_form | template' })),
    reason: Type.Optional(Type.String()),
    action: Type.Optional(Type.String({ description: 'follow_up | remind_agent | resolve' })),
  }),
);

export const ConversationDetail = Type.Intersect([
  ConversationItem,
  Type.Object({
    live: Type.Boolean({ description: 'true when the running workflow answered; false: stored state only' }),
    nextFollowUp: NextFollowUp,
    scheduled: Type.Array(
      Type.Object({ id: Type.String(), text: Type.String(), at: Type.String(), by: Type.String() }),
      { description: 'scheduled replies not yet due, soonest first (DELETE .../scheduled/:scheduledId cancels one)' },
    ),
    followUpDecision: Type.Optional(
      Nullable(
        Type.Object(
          { action: Type.String({ description: 'none | follow_up | remind_agent | resolve' }), silence: Type.String({ description: 'hesitation | completion | unknown' }), reason: Type.String(), at: Type.Optional(Type.String()) },
          { description: "the follow-up policy's last answer, also when it planned nothing (then: why not); live runs only" },
        ),
      ),
    ),
    followUpRules: Type.Optional(Nullable(Type.Object({}, { additionalProperties: true, description: "this conversation's own followUp rules; null: the global ones" }))),
    timeline: Type.Array(TimelineEntry),
  }),
]);

export const Message = Type.Object({
  waMessageId: Type.String(),
  conversationId: Type.String(),
  contactId: Type.String(),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  type: Type.String(),
  text: Nullable(Type.String()),
  status: Type.String(),
  at: Type.String(),
  errorCode: Type.Optional(Nullable(Type.Integer())),
  errorTitle: Type.Optional(Nullable(Type.String())),
  mediaRef: Type.Optional(Nullable(Type.String({ description: 'the kept media: GET /api/v1/media/{mediaRef}' }))),
  mediaError: Type.Optional(Nullable(Type.String({ description: 'why the media could not be kept, after the retries' }))),
});

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
});

export const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
};

/** An id in a body (ours are UUIDs; CONTRACT.md: every string has a maxLength). */
export const BodyId = (description = 'an id') => Type.String({ minLength: 1, maxLength: 64, description });
/** A team name, as the rules define it. */
export const TeamName = Type.String({ minLength: 1, maxLength: 200, description: 'a team name from the current rules' });
/** Why a person did what they did, for the timeline. */
export const Reason = Type.String({ maxLength: 500, description: 'why, for the timeline' });
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 512 }) });
