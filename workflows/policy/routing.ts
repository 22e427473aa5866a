// Routing and SLA decision, once per burst (a burst is one turn). Pure and deterministic (bundled
// into workflow code); every rule that applied is stated in `reasons`.
//
// Decisions beyond the brief, stated here once:
// - Language: the newest message of the burst with letters (not 'und'), else the contact's
//   language, else 'und'. Tags are compared on their primary subtag ('ar-SA' ~ 'ar').
// - needsReply: any message needs one; except a burst ending with an acknowledgment after we had
//   answered (nobody waiting, first response done), where only substantive messages (not greeting,
//   acknowledgment, other, spam) count. A burst that needs a reply is at least 'normal' urgency.
// - Team: intent + language, else the first team with the intent; an intent no team lists keeps
//   the conversation's current team (if it still exists), else defaultTeam, else the first team.
// - Urgency raises (deal late stage, deal value >= 20,000, fast buyer) raise one step in total,
//   never above 'high', only when a reply is needed; each condition is stated.
// - SLA clock: starts when the buyer began waiting (`current.awaitingReplySince`), else at the first
//   message of this burst that needs a reply, never after `now` (honest clocks: a second burst does
//   not push the deadline out). Urgent counts calendar time (24/7); other urgencies business hours.
// - Acknowledgement (automation only acknowledges; it never changes slaKind/dueAt): only when
//   automation.acknowledge, a reply is needed, no opt-out, not paused, not taken over, and nobody
//   was already waiting (one acknowledgement per wait). Closed now -> 'after_hours' (eta: next
//   opening); open -> 'ack' only before the first response (eta: the deadline), so a live chat with
//   an agent is not interrupted by the bot; and not to a buyer who answers in minutes (median under
//   FAST_BUYER_MEDIAN_SEC over FAST_BUYER_MIN_SAMPLES answers or more): they get a person sooner
//   (urgency raised), not a promise of later.
// - No reply needed: slaKind/dueAt null for this burst; a deadline still running from an earlier
//   burst is the workflow's to keep.
import { URGENCIES, type Intent, type Urgency } from '../../domain/vocabulary.js';
import type { Classification } from './classify/types.js';
import { addBusinessSeconds, describeEta, isOpen, nextOpening } from './business-hours.js';
import type { RulesDocument, TeamRule } from '../../domain/rules.js';

export interface RoutingInput {
  /** The inbound messages of this turn, oldest first. */
  burst: { classification: Classification; at: string; answeredByKnowledge?: boolean }[];
  /** ISO, from workflow time. */
  now: string;
  rules: RulesDocument;
  context: {
    ownerAgentId: string | null;
    dealOwnerAgentId: string | null;
    dealStage: string | null;
    dealValue: number | null;
    language: string | null;
    replyLatencyMedianSec: number | null;
    /** How many of the buyer's answers the median is over (0: unknown). */
    replyLatencySamples?: number;
    earlierConversations: number;
  };
  current: {
    assignee: string | null;
    team: string | null;
    takenOverBy: string | null;
    paused: boolean;
    awaitingReplySince: string | null;
    firstResponseDone: boolean;
    /** When a person last answered: messages sent before it were answered (no automation for them). */
    humanRepliedAt?: string | null;
    /** The urgency an escalation raised during this wait: a decision never lowers it. */
    urgencyFloor?: Urgency | null;
    /** When automation last answered from the knowledge base (this exchange): more words from the buyer go to a person. */
    automatedAnswerAt?: string | null;
  };
}

export interface RoutingDecision {
  needsReply: boolean;
  intent: string;
  language: string;
  urgency: Urgency;
  optOut: boolean;
  /** Chosen by intent and language. */
  team: string | null;
  /** Sticky: taker, else current assignee, else contact owner, else deal owner. */
  preferredAgentId: string | null;
  acknowledge: null | 'ack' | 'after_hours';
  ackText: string | null;
  slaKind: 'first_response' | 'next_response' | null;
  /** Response deadline (ISO); null when no reply is needed. */
  dueAt: string | null;
  reasons: string[];
}

/** Most substantive first. */
export const INTENT_PRIORITY: readonly Intent[] = [
  'opt_out', 'complaint', 'order', 'support', 'pricing', 'question', 'greeting', 'other', 'acknowledgment', 'spam',
];
export const LATE_DEAL_STAGES: readonly string[] = ['negotiation', 'proposal', 'quote', 'closing'];
export const BIG_DEAL_VALUE = 20_000;
export const FAST_BUYER_MEDIAN_SEC = 300;
/** Answers it takes to know a buyer "always answers in minutes" (before that an acknowledgement goes out). */
export const FAST_BUYER_MIN_SAMPLES = 2;

const NON_SUBSTANTIVE: readonly string[] = ['greeting', 'acknowledgment', 'other', 'spam'];

export const primaryTag = (tag: string) => tag.toLowerCase().split('-')[0]!;
export const speaks = (languages: readonly string[], tag: string) => languages.some((l) => primaryTag(l) === primaryTag(tag));
const rank = (u: Urgency) => URGENCIES.indexOf(u);
const thousands = (n: number) => (Number.isInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(n));
const iso = (ms: number) => new Date(ms).toISOString();

/** A buyer whose usual answer comes within minutes, over enough answers to say so. */
export const fastBuyer = (c: RoutingInput['context']): boolean =>
  c.replyLatencyMedianSec !== null && c.replyLatencyMedianSec < FAST_BUYER_MEDIAN_SEC && (c.replyLatencySamples ?? 0) >= FAST_BUYER_MIN_SAMPLES;

/** A response deadline: urgent counts calendar time (24/7), other urgencies business hours. */
export function slaDueAt(startMs: number, seconds: number, urgency: Urgency, hours: RulesDocument['businessHours']): number {
  return urgency === 'urgent' ? startMs + seconds * 1000 : addBusinessSeconds(new Date(startMs), seconds, hours).getTime();
}

export function chooseTeam(
  intent: string,
  language: string,
  rules: RulesDocument,
  currentTeam: string | null,
): { team: string | null; reason: string } {
  const teams = rules.teams;
  const withIntent = teams.filter((t) => t.intents.includes(intent));
  const both = language !== 'und' ? withIntent.find((t) => speaks(t.languages, language)) : undefined;
  if (both) return { team: both.name, reason: `intent ${intent}, language ${language} -> team ${both.name}` };
  if (withIntent[0]) return { team: withIntent[0].name, reason: `intent ${intent} -> team ${withIntent[0].name} (no team with intent ${intent} speaks ${language})` };
  if (currentTeam && teams.some((t) => t.name === currentTeam)) return { team: currentTeam, reason: `no team handles intent ${intent} -> stays with team ${currentTeam}` };
  const fallback: TeamRule | undefined = teams.find((t) => t.name === rules.defaultTeam) ?? teams[0];
  return fallback
    ? { team: fallback.name, reason: `no team handles intent ${intent} -> default team ${fallback.name}` }
    : { team: null, reason: 'no teams in the rules -> no team' };
}

function pickText(texts: Record<string, string>, language: string): { lang: string; text: string } {
  if (texts[language] !== undefined) return { lang: language, text: texts[language]! };
  const p = primaryTag(language);
  const key = Object.keys(texts).find((k) => primaryTag(k) === p);
  if (key) return { lang: key, text: texts[key]! };
  return { lang: 'en', text: texts.en ?? '' };
}

/**
 * The deadline to keep when a decision proposes one: one clock per wait, so a later burst never
 * pushes a deadline out; and after a breach the deadline the escalation set (the raised urgency's
 * next-response time from the breach) stands: a later message never brings it earlier, into the past.
 */
export function mergeSla(
  current: { kind: 'first_response' | 'next_response'; dueAt: string; breaches: number } | null,
  proposed: { kind: 'first_response' | 'next_response'; dueAt: string } | null,
): { kind: 'first_response' | 'next_response'; dueAt: string; breaches: number } | null {
  if (!proposed) return current;
  if (!current) return { ...proposed, breaches: 0 };
  if (current.breaches > 0) return current;
  return Date.parse(proposed.dueAt) < Date.parse(current.dueAt) ? { ...proposed, breaches: current.breaches } : current;
}

export function decideRouting(input: RoutingInput): RoutingDecision {
  const { rules, context, current } = input;
  const reasons: string[] = [];
  const nowMs = Date.parse(input.now);
  const hours = rules.businessHours;
  // Messages a person already answered (they replied after them, during the quiet gap) need
  // nothing more from automation: not a reply, not an acknowledgement, not a deadline.
  const repliedAt = current.humanRepliedAt ? Date.parse(current.humanRepliedAt) : NaN;
  const unanswered = Number.isFinite(repliedAt) ? input.burst.filter((b) => Date.parse(b.at) > repliedAt) : input.burst;
  const answered = input.burst.length - unanswered.length;
  if (answered > 0) reasons.push(`${answered} message(s) answered by a person at ${current.humanRepliedAt} -> nothing more for them`);
  // Questions the knowledge base answered in this turn need no person (the rest of the burst still may).
  const burst = unanswered.filter((b) => !b.answeredByKnowledge);
  const automated = unanswered.length - burst.length;
  if (automated > 0) reasons.push(`${automated} message(s) answered from the knowledge base -> no person needed for them`);
  const classes = burst.map((b) => b.classification);

  // Intent: the most substantive of the burst (of all of it: a reply settled the wait, not the topic).
  let intent: Intent = 'other';
  const allClasses = input.burst.map((b) => b.classification);
  if (allClasses.length) {
    intent = INTENT_PRIORITY.find((i) => allClasses.some((c) => c.intent === i)) ?? 'other';
    if (allClasses.length > 1) reasons.push(`burst of ${allClasses.length} messages -> intent ${intent} (most substantive)`);
  } else reasons.push('empty burst -> intent other');

  // Language.
  const lettered = [...allClasses].reverse().find((c) => c.language && c.language !== 'und');
  let language = 'und';
  if (lettered) language = lettered.language;
  else if (context.language) {
    language = context.language;
    reasons.push(`no letters in the burst -> contact language ${language}`);
  }

  const optOut = intent === 'opt_out' || allClasses.some((c) => c.optOut);

  // Needs a reply.
  let needsReply = classes.some((c) => c.needsReply);
  const last = classes[classes.length - 1];
  if (needsReply && last?.intent === 'acknowledgment' && current.awaitingReplySince === null && current.firstResponseDone) {
    needsReply = classes.some((c) => c.needsReply && !NON_SUBSTANTIVE.includes(c.intent));
    if (!needsReply) reasons.push('burst closes with an acknowledgment after our reply -> no reply needed');
  }

  // After an automated answer, whatever the buyer writes that is more than thanks goes to a person
  // ("that's not what I asked", a new question): automation had its turn.
  const substantive = classes.filter((c) => c.intent !== 'acknowledgment' && c.intent !== 'spam' && c.intent !== 'opt_out' && !c.optOut);
  if (!needsReply && current.automatedAnswerAt && substantive.length > 0) {
    needsReply = true;
    reasons.push(`the buyer wrote again after the automated answer at ${current.automatedAnswerAt} -> a person answers`);
  } else if (needsReply && current.automatedAnswerAt && automated === 0) {
    reasons.push(`the buyer wrote again after the automated answer at ${current.automatedAnswerAt} -> a person answers`);
  }

  // Urgency.
  // (Of the unanswered messages; of the whole burst when a person answered all of it.)
  let urgency: Urgency = (classes.length ? classes : allClasses).reduce<Urgency>((u, c) => (rank(c.urgency) > rank(u) ? c.urgency : u), 'low');
  if (optOut) {
    needsReply = false;
    urgency = 'low';
    reasons.push('opt-out -> no reply, no acknowledgement, urgency low');
  } else if (needsReply) {
    if (rank(urgency) < rank('normal')) {
      urgency = 'normal';
      reasons.push('needs a reply -> urgency at least normal');
    }
    const why: string[] = [];
    if (context.dealStage && LATE_DEAL_STAGES.includes(context.dealStage.trim().toLowerCase())) why.push(`deal stage ${context.dealStage} is late`);
    if (context.dealValue !== null && context.dealValue >= BIG_DEAL_VALUE) why.push(`deal value ${thousands(context.dealValue)} >= ${thousands(BIG_DEAL_VALUE)}`);
    if (context.replyLatencyMedianSec !== null && context.replyLatencyMedianSec < FAST_BUYER_MEDIAN_SEC)
      why.push(`buyer replies fast (median ${context.replyLatencyMedianSec} s < ${FAST_BUYER_MEDIAN_SEC} s)`);
    if (why.length) {
      if (rank(urgency) < rank('high')) {
        urgency = URGENCIES[rank(urgency) + 1]!;
        for (const w of why) reasons.push(`${w} -> urgency ${urgency}`);
      } else for (const w of why) reasons.push(`${w} (urgency already ${urgency}, not raised)`);
    }
  } else if (classes.length) reasons.push(`no message needs a reply (intent ${intent})`);
  // An escalation raised the urgency during this wait: a decision keeps it.
  if (needsReply && current.urgencyFloor && rank(current.urgencyFloor) > rank(urgency)) {
    reasons.push(`escalated to ${current.urgencyFloor} during this wait -> urgency stays ${current.urgencyFloor}`);
    urgency = current.urgencyFloor;
  }

  // Team and preferred agent.
  const { team, reason: teamReason } = chooseTeam(intent, language, rules, current.team);
  reasons.push(teamReason);
  let preferredAgentId: string | null = null;
  if (current.takenOverBy) {
    preferredAgentId = current.takenOverBy;
    reasons.push(`taken over by ${current.takenOverBy} -> stays with them`);
  } else if (current.assignee) {
    preferredAgentId = current.assignee;
    reasons.push(`assigned to ${current.assignee} -> stays with them`);
  } else if (context.ownerAgentId) {
    preferredAgentId = context.ownerAgentId;
    reasons.push(`contact owner ${context.ownerAgentId} preferred`);
  } else if (context.dealOwnerAgentId) {
    preferredAgentId = context.dealOwnerAgentId;
    reasons.push(`deal owner ${context.dealOwnerAgentId} preferred`);
  }

  // SLA.
  let slaKind: RoutingDecision['slaKind'] = null;
  let dueAt: string | null = null;
  if (needsReply) {
    slaKind = current.firstResponseDone ? 'next_response' : 'first_response';
    const sec = slaKind === 'first_response' ? rules.sla[urgency].firstResponseSec : rules.sla[urgency].nextResponseSec;
    const firstNeeding = burst.find((b) => b.classification.needsReply);
    const waitingMs = current.awaitingReplySince ? Date.parse(current.awaitingReplySince) : NaN;
    const firstMs = firstNeeding ? Date.parse(firstNeeding.at) : NaN;
    const startMs = Math.min(Number.isFinite(waitingMs) ? waitingMs : Number.isFinite(firstMs) ? firstMs : nowMs, nowMs);
    const due = slaDueAt(startMs, sec, urgency, hours);
    dueAt = iso(due);
    reasons.push(
      `${slaKind} SLA ${urgency} ${sec} s ${urgency === 'urgent' ? 'calendar time (urgent counts 24/7)' : 'business hours'} from ${iso(startMs)} -> due ${dueAt}`,
    );
  }

  // Acknowledgement.
  let acknowledge: RoutingDecision['acknowledge'] = null;
  let ackText: string | null = null;
  if (needsReply) {
    const open = isOpen(new Date(nowMs), hours);
    if (!rules.automation.acknowledge) reasons.push('automatic acknowledgement off');
    else if (current.paused) reasons.push('paused -> no acknowledgement');
    else if (current.takenOverBy) reasons.push('taken over by a human -> no acknowledgement');
    else if (current.awaitingReplySince !== null) reasons.push(`buyer already waiting since ${current.awaitingReplySince} -> no second acknowledgement`);
    else if (!open) {
      acknowledge = 'after_hours';
      const opening = nextOpening(new Date(nowMs), hours);
      const { lang, text } = pickText(rules.automation.texts.afterHours, language);
      ackText = text.split('{eta}').join(describeEta(new Date(nowMs), opening, hours, lang, 'at'));
      reasons.push(`closed now -> after-hours notice (opens ${iso(opening.getTime())})`);
    } else if (current.firstResponseDone) reasons.push('open and already answered before -> no acknowledgement');
    else if (dueAt && fastBuyer(context)) {
      // Someone who answers in minutes is chatting: "we'll reply by 3 pm" tells them to go away,
      // and their turn goes first anyway (urgency raised above). Outside hours the notice still
      // goes out: when we open is news to them.
      reasons.push(
        `buyer answers in minutes (median ${context.replyLatencyMedianSec} s over ${context.replyLatencySamples} answers) -> no acknowledgement (it would only promise a slower reply)`,
      );
    } else if (dueAt) {
      acknowledge = 'ack';
      const { lang, text } = pickText(rules.automation.texts.ack, language);
      ackText = text.split('{eta}').join(describeEta(new Date(nowMs), new Date(dueAt), hours, lang));
      reasons.push('open, first message -> acknowledgement with expected response time');
    }
  }

  return { needsReply, intent, language, urgency, optOut, team, preferredAgentId, acknowledge, ackText, slaKind, dueAt, reasons };
}
