// The conversation workflow's activities, one combined call per workflow task: what a turn needs
// from the world is fetched, written and answered in one local activity, so a plain inbound text
// costs one marker, not five (DESIGN.md, "Cost per message").
import { messagesStored } from './metrics.js';
import type { Client } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import {
  adoptAssignment,
  assignConversation,
  assignDirectly,
  closeConversationAssignment,
  releaseConversation,
  type AssignResult,
  type Placement,
} from '../db/routing/assignment.js';
import { recordCloseOutcome } from '../db/crm/deals.js';
import { pendingScheduledReplies, type PendingScheduledReply } from '../db/crm/scheduled-replies.js';
import { currentRules } from '../db/routing/rules.js';
import { conversations, deals } from '../db/schema.js';
import { pendingStageChange, recordStageProposal, type ProposalInput } from '../db/crm/deal-stages.js';
import { proposeDealStage } from '../workflows/policy/deal-stage.js';
import type { InboundMessageEvent } from '../whatsapp/events.js';
import type { Classification, MessageClassifier } from '../workflows/policy/classify/index.js';
import { ruleBasedClassifier } from '../workflows/policy/classify/index.js';
import { answerRules, dealStageRules, type RulesDocument } from '../domain/rules.js';
import { currentKnowledge, currentKnowledgeVersion } from '../db/knowledge.js';
import type { AnswerMatch } from '../workflows/policy/answer.js';
import { matcherAnswerer, type Answerer, type AnswererFactory } from './answerer.js';
import { createContextActivities, type ConversationContext } from './context.js';
import { createCrmRecordActivities, type ConversationFields, type RecordEventInput, type StoredConversation } from './crm-records.js';
import { notifyPlacements } from './placements.js';
import { createTeamActivities, type TeamAgent } from './team.js';

export interface ConversationActivityDeps {
  db: Db;
  /** Signals placements made while filling freed slots; none (some tests): the database holds them. */
  temporal?: Client;
  classifier?: MessageClassifier;
  /** What answers from the knowledge base (default: the built-in matcher). */
  answerer?: AnswererFactory;
}

export interface IngestInput {
  workflowId: string;
  runId: string;
  phoneNumberId: string;
  messages: InboundMessageEvent[];
  /** The rules version the workflow holds: the document comes back only when it changed. */
  rulesVersion: number | null;
  /** The run does not know its conversation yet: its pending scheduled replies come back to be armed. */
  freshRun?: boolean;
}

export interface IngestResult {
  conversationId: string | null;
  contactId: string | null;
  /** Messages stored for the first time: the CRM write decides what is new, so a redelivery after a
   * run completed (and forgot its dedupe set) changes nothing. */
  newIds: string[];
  deadLettered: string[];
  classifications: Record<string, Classification>;
  context: ConversationContext | null;
  rules: { version: number; rules: RulesDocument } | null;
  /** The stored conversation (status, urgency, paused, assignee, team) after this write. */
  conversation: StoredConversation | null;
  /** For a fresh run: the conversation's pending scheduled replies. */
  scheduled?: PendingScheduledReply[];
  /** The knowledge base's best answer per new message that needs a reply (the workflow guards it further). */
  answers?: Record<string, AnswerMatch>;
}

export interface DecisionInput {
  conversationId: string;
  workflowId: string;
  runId: string;
  /** Null: no placement needed (no reply needed, or a person owns it). */
  assign: {
    team: string;
    language: string | null;
    urgency: string;
    preferredAgentId: string | null;
    waitingSince: string;
  } | null;
  optOut: { contactId: string } | null;
  record: RecordEventInput;
  readModel?: ConversationFields;
}

export interface EscalationInput {
  conversationId: string;
  workflowId: string;
  runId: string;
  breach: RecordEventInput;
  assign: { team: string; language: string | null; urgency: string; preferredAgentId: string; excludeAgentIds: string[] } | null;
  /** Written after the placement is known (its reasons join it). */
  escalation: Omit<RecordEventInput, 'payload'> & { payload: Record<string, unknown> };
  readModel?: ConversationFields;
}

export type ActionKind = 'pause' | 'resume' | 'take_over' | 'release' | 'reassign' | 'close' | 'snooze' | 'snooze_ended' | 'follow_up_rules';

export interface ActionInput {
  conversationId: string;
  workflowId: string;
  runId: string;
  action: ActionKind;
  agentId?: string;
  assignee?: string | null;
  team?: string | null;
  /** The timeline entry; `after.assignee`/`after.team` are filled from the assignment's answer. */
  record: RecordEventInput & { payload: { before: Record<string, unknown>; after: Record<string, unknown> } & Record<string, unknown> };
  readModel?: ConversationFields;
  /** A close's outcome: written to the conversation; won/lost also settle its linked open deal. */
  outcome?: 'resolved' | 'won' | 'lost' | 'spam';
  /** For a reassign to a team: how to place it there. */
  placement?: { language: string | null; urgency: string; waitingSince: string | null };
}

export type ActionResult =
  | { ok: true; assignee: string | null; team: string | null; queued: boolean; reasons: string[] }
  | { ok: false; reason: string };

export function createConversationActivities(deps: ConversationActivityDeps) {
  const { db } = deps;
  const crm = createCrmRecordActivities(db);
  const context = createContextActivities(db);
  const team = createTeamActivities(db);
  const classifier = deps.classifier ?? ruleBasedClassifier;
  const makeAnswerer = deps.answerer ?? matcherAnswerer;
  let prepared: { version: number; answerer: Answerer } | null = null;
  /** The answerer of the current knowledge base (rebuilt when its version moves); none when it is empty. */
  const answererFor = async (): Promise<Answerer | null> => {
    const version = await currentKnowledgeVersion(db);
    if (version === 0) return null;
    if (prepared?.version !== version) {
      const kb = await currentKnowledge(db);
      prepared = { version: kb.version, answerer: makeAnswerer(kb.entries) };
    }
    return prepared.answerer;
  };
  const notify = (placed: Placement[] | undefined, reason: string) => notifyPlacements(deps.temporal, placed ?? [], reason);
  const writeReadModel = async (conversationId: string, fields?: ConversationFields) => {
    if (fields && Object.keys(fields).length > 0) await crm.recordConversationState({ conversationId, fields });
  };

  /** Step 6: what this decision's intent proposes for the conversation's open deal (the rules say propose or apply). */
  const dealStageFor = async (input: DecisionInput): Promise<{ reason: string | null; proposal?: ProposalInput }> => {
    const intent = input.record.payload.intent;
    if (typeof intent !== 'string') return { reason: null };
    const [row] = await db
      .select({ contactId: conversations.contactId, dealId: deals.id, title: deals.title, stage: deals.stage, status: deals.status })
      .from(conversations)
      .innerJoin(deals, eq(deals.id, conversations.dealId))
      .where(eq(conversations.id, input.conversationId));
    if (!row) return { reason: null };
    const rules = dealStageRules((await currentRules(db)).rules);
    // The policy says the same; asked here only to skip the pending-proposal read for intents no signal names.
    if (!rules.signals[intent]) return { reason: null };
    const pending = await pendingStageChange(db, row.dealId);
    const p = proposeDealStage({ intent, deal: row, rules, pending: pending ? { to: pending.toStage } : null });
    if (p.kind === 'none') return { reason: p.reason };
    return {
      reason: p.reason,
      proposal: {
        key: input.record.key,
        dealId: row.dealId,
        conversationId: input.conversationId,
        contactId: row.contactId,
        from: p.from,
        to: p.to,
        apply: p.apply,
        reason: p.reason,
        signal: { intent, messages: input.record.payload.messages ?? [] },
        at: input.record.at ?? new Date().toISOString(),
      },
    };
  };

  return {
    /** Record a batch of inbound messages, and everything the turn needs after it: context, classes, rules. */
    async ingest(input: IngestInput): Promise<IngestResult> {
      const r = await crm.recordInbound({ workflowId: input.workflowId, runId: input.runId, phoneNumberId: input.phoneNumberId, messages: input.messages });
      if (r.newIds.length > 0) messagesStored.inc(r.newIds.length);
      const out: IngestResult = {
        conversationId: r.conversationId,
        contactId: r.contactId,
        newIds: r.newIds,
        deadLettered: r.deadLettered,
        classifications: {},
        context: null,
        rules: null,
        conversation: r.conversation ?? null,
      };
      if (!r.conversationId || !r.contactId) return out;
      if (input.freshRun) out.scheduled = await pendingScheduledReplies(db, r.conversationId);
      // This run holds what the conversation holds (a run started again, a continue-as-new).
      await adoptAssignment(db, { conversationId: r.conversationId, runId: input.runId });
      const fresh = input.messages.filter((m) => r.newIds.includes(m.waMessageId));
      if (fresh.length === 0) return out;
      out.context = await context.loadContext({ conversationId: r.conversationId, contactId: r.contactId });
      const classes = await Promise.all(fresh.map((m) => classifier.classify({ text: m.text, type: m.type })));
      fresh.forEach((m, i) => (out.classifications[m.waMessageId] = classes[i]!));
      const rules = await currentRules(db);
      if (rules.version !== input.rulesVersion) out.rules = rules;
      // Only what could get an automated answer is matched (the workflow decides whether it goes out).
      const askable = fresh.filter((m, i) => classes[i]!.needsReply && !classes[i]!.optOut && m.text);
      if (askable.length > 0 && answerRules(rules.rules.automation).enabled) {
        const answerer = await answererFor();
        if (answerer) {
          out.answers = {};
          for (const m of askable) {
            const i = fresh.indexOf(m);
            out.answers[m.waMessageId] = await answerer.answer({ text: m.text, classification: classes[i]! });
          }
        }
      }
      return out;
    },

    /** A turn's decision: placement (db/routing owns assignment), the opt-out, the record, the read model. */
    async commitDecision(input: DecisionInput): Promise<{ placed: AssignResult | null }> {
      let placed: AssignResult | null = null;
      if (input.assign) {
        placed = await assignConversation(db, { conversationId: input.conversationId, workflowId: input.workflowId, runId: input.runId, ...input.assign });
        await notify(placed.freed, 'capacity freed');
      }
      if (input.optOut) await crm.recordOptOut({ contactId: input.optOut.contactId, optedOut: true });
      const stage = await dealStageFor(input);
      const reasons = [...((input.record.payload.reasons as string[]) ?? []), ...(placed?.reasons ?? []), ...(stage.reason ? [stage.reason] : [])];
      await crm.recordEvent({
        ...input.record,
        payload: {
          ...input.record.payload,
          ...(placed ? { team: placed.team, assignee: placed.assignee, queued: placed.queued } : {}),
          reasons,
        },
      });
      if (stage.proposal) await recordStageProposal(db, stage.proposal);
      await writeReadModel(input.conversationId, input.readModel);
      return { placed };
    },

    /** What an escalation decides on: the team's agents with their loads, and the current rules. */
    async escalationContext(input: { team: string | null }): Promise<{ candidates: TeamAgent[]; rules: RulesDocument; version: number }> {
      const [candidates, rules] = await Promise.all([input.team ? team.teamAgents({ team: input.team }) : Promise.resolve([]), currentRules(db)]);
      return { candidates, rules: rules.rules, version: rules.version };
    },

    /** A breach: recorded, handed to someone else when the policy found one, recorded again with the outcome. */
    async commitEscalation(input: EscalationInput): Promise<{ placed: AssignResult | null }> {
      await crm.recordEvent(input.breach);
      let placed: AssignResult | null = null;
      if (input.assign) {
        placed = await assignConversation(db, { conversationId: input.conversationId, workflowId: input.workflowId, runId: input.runId, ...input.assign });
        await notify(placed.freed, 'capacity freed');
      }
      await crm.recordEvent({
        ...input.escalation,
        payload: {
          ...input.escalation.payload,
          to: placed?.assignee ?? null,
          reasons: [...((input.escalation.payload.reasons as string[]) ?? []), ...(placed?.reasons ?? [])],
        },
      });
      await writeReadModel(input.conversationId, input.readModel);
      return { placed };
    },

    /** A timeline entry and the read model in one call (a follow-up, a reminder, a changed plan). */
    async recordAndWrite(input: { conversationId: string; record?: RecordEventInput; readModel?: ConversationFields }): Promise<void> {
      if (input.record) await crm.recordEvent(input.record);
      await writeReadModel(input.conversationId, input.readModel);
    },

    /** An agent's action: its assignment operation (capacity kept), its timeline entry, the read model. */
    async applyAction(input: ActionInput): Promise<ActionResult> {
      const { conversationId, workflowId, runId } = input;
      let result: ActionResult;
      let freed: Placement[] = [];
      const [row] = await db.select({ assignee: conversations.assignee, team: conversations.team }).from(conversations).where(eq(conversations.id, conversationId));
      const current = { assignee: row?.assignee ?? null, team: row?.team ?? null };
      /** A buyer who waits for an answer is never left unassigned and unqueued: back to the team. */
      const requeueIfWaiting = async (releasedFrom: string | null, freedSoFar: Placement[]): Promise<ActionResult> => {
        const p = input.placement;
        if (!p?.waitingSince || !current.team) return { ok: true, assignee: null, team: current.team, queued: false, reasons: [] };
        const placed = await assignConversation(db, {
          conversationId,
          workflowId,
          runId,
          team: current.team,
          language: p.language,
          urgency: p.urgency,
          waitingSince: p.waitingSince,
          excludeAgentIds: releasedFrom ? [releasedFrom] : [],
        });
        freedSoFar.push(...(placed.freed ?? []));
        return { ok: true, assignee: placed.assignee, team: placed.team, queued: placed.queued, reasons: placed.reasons };
      };
      switch (input.action) {
        case 'take_over': {
          const r = await assignDirectly(db, { conversationId, workflowId, agentId: input.agentId!, runId });
          result = r.ok ? { ok: true, assignee: r.assignee, team: r.team, queued: false, reasons: [] } : r;
          if (r.ok) freed = r.freed;
          break;
        }
        case 'reassign': {
          if (input.assignee) {
            const r = await assignDirectly(db, { conversationId, workflowId, agentId: input.assignee, team: input.team ?? undefined, runId });
            result = r.ok ? { ok: true, assignee: r.assignee, team: r.team, queued: false, reasons: [] } : r;
            if (r.ok) freed = r.freed;
          } else if (input.team) {
            // To a team: off the current agent, then placed in that team like any decision.
            const released = await releaseConversation(db, { conversationId });
            freed = released.freed;
            const p = input.placement;
            const placed = await assignConversation(db, {
              conversationId,
              workflowId,
              runId,
              team: input.team,
              language: p?.language ?? null,
              urgency: p?.urgency ?? 'normal',
              waitingSince: p?.waitingSince ?? null,
              excludeAgentIds: current.assignee ? [current.assignee] : [],
            });
            freed.push(...(placed.freed ?? []));
            result = { ok: true, assignee: placed.assignee, team: placed.team, queued: placed.queued, reasons: placed.reasons };
          } else {
            const released = await releaseConversation(db, { conversationId });
            freed = released.freed;
            result = await requeueIfWaiting(released.released, freed);
          }
          break;
        }
        case 'release': {
          const released = await releaseConversation(db, { conversationId });
          freed = released.freed;
          result = await requeueIfWaiting(released.released, freed);
          break;
        }
        case 'close': {
          const closed = await closeConversationAssignment(db, { conversationId });
          freed = closed.freed;
          result = { ok: true, assignee: null, team: current.team, queued: false, reasons: [] };
          const outcome = input.outcome ?? 'resolved';
          const deal = await recordCloseOutcome(db, { conversationId, outcome });
          if (deal) {
            await crm.recordEvent({
              key: `${input.record.key}:deal`,
              conversationId,
              kind: 'deal_status',
              at: input.record.at,
              payload: { dealId: deal.dealId, by: input.record.payload.by, before: deal.before, after: deal.after, reasons: [`conversation closed as ${outcome}`] },
            });
          }
          break;
        }
        default:
          result = { ok: true, assignee: current.assignee, team: current.team, queued: false, reasons: [] };
      }
      if (!result.ok) return result;
      await notify(freed, 'capacity freed');
      await crm.recordEvent({
        ...input.record,
        payload: { ...input.record.payload, after: { ...input.record.payload.after, assignee: result.assignee, team: result.team } },
      });
      // A person placed on a resolved conversation reopened it (db/routing did): a status written
      // from before the action must not make it resolved again (it would fall out of their load).
      const reopened = (input.action === 'take_over' || input.action === 'reassign') && result.assignee && input.readModel?.status === 'resolved';
      await writeReadModel(conversationId, reopened ? { ...input.readModel, status: 'open' } : input.readModel);
      return result;
    },
  };
}

export type ConversationActivities = ReturnType<typeof createConversationActivities>;
