// The rule-based decision: intent, urgency, needsReply and optOut from lexicon evidence.
// Pure and deterministic (bundled into workflow code).

import { detectLanguage } from './language.js';
import {
  ACK_BYE, ACK_OK, ACK_THANKS, COMPLAINT, COMPLAINT_ANGRY, COMPLAINT_CHARGE, COMPLAINT_DAMAGE, COMPLAINT_IGNORED,
  COMPLAINT_LATE, DEFER, GREETING, LINK_RE, ORDER_CHANGE, ORDER_STRONG, ORDER_WEAK, PRICING, QUESTION_TOPICS,
  QUESTION_WORDS, REPLY_REQUEST, RUSH, SAFETY_WEAK, SPAM_STRONG, SPAM_WEAK, SUPPORT_HELP, SUPPORT_HELP_REQ, SUPPORT_HOWTO, SUPPORT_MYORDER,
  SUPPORT_RETURN, SUPPORT_TECH, SUPPORT_WHERE, TIME_EXCLUSIONS, TIME_TODAY,
  URGENT_EXPLICIT, URGENT_LEGAL, URGENT_MONEY, URGENT_SAFETY, findSpans, firstMatch, matches, stripGroup, type TermGroup,
} from './lexicon.js';
import { countEmoji, hasEmoji, normalizeForMatch, tokens } from '../../../domain/normalize.js';
import { detectOptOut } from './optout.js';
import type { Intent, Urgency } from '../../../domain/vocabulary.js';
import type { Classification, ClassifyInput } from './types.js';

const QUESTION_MARK = /[?？؟¿]/;
const ENDS_WITH_QUESTION = /[?？؟]\s*[\p{Extended_Pictographic}\uFE0F\u200d\s]*$/u;
const ANGRY_EMOJI = /[\u{1F621}\u{1F620}\u{1F92C}\u{1F624}\u{1F4A2}\u{1F595}\u{1F47F}]/u; // 😡 😠 🤬 😤 💢 🖕 👿

// WhatsApp message types without text that still carry something a person must look at.
const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'voice', 'ptt', 'document', 'location', 'contacts', 'contact', 'gif']);
const ACK_TYPES = new Set(['reaction', 'sticker']);

function result(
  language: string,
  intent: Intent,
  needsReply: boolean,
  urgency: Urgency,
  optOut: boolean,
  signals: string[],
): Classification {
  return { language, intent, needsReply, urgency, optOut, signals: [...new Set(signals)] };
}

/** Number of distinct non-overlapping matches of a group (capped), Arabizi entries only when `arabizi`. */
function count(g: TermGroup, norm: string, arabizi: boolean, cap = 2): number {
  return findSpans(g, norm, arabizi, cap).length;
}

// Words that may surround an acknowledgment without changing it ("thanks a lot dear", "شكرا جزيلا يا اخي").
const ACK_FILLER = new Set(
  (
    'a the so much lot very for your you u all al now again man bro dear sir madam habibi ya and too also just really ' +
    'guys team again it that this is was will then very much soo و يا جدا كثير كتير حبيبي حبيبتي اخوي اخي الغالي الغاليه عليكم لك لكم ' +
    'على ع وايد مره والله الله خلاص طيب بس يا قلبي قلبي اختي اخوك hmm hm hmmm امم اممم ' +
    'el al 3al 3ala 3la w wa kteer ktir jazeelan habibi 7abibi akhi ya5i 3alekom 3lekom'
  ).split(' '),
);

/** True when the message is (almost) only acknowledgment words: nothing else is left to answer. */
function ackCovers(norm: string, arabizi: boolean, allowed: number): boolean {
  let rest = norm;
  for (const g of [ACK_THANKS, ACK_BYE, ACK_OK, GREETING]) rest = stripGroup(g, rest, arabizi);
  const left = tokens(rest).filter((t) => !ACK_FILLER.has(t));
  return left.length <= allowed;
}

/** ALL-CAPS shouting: enough Latin letters, almost all uppercase, more than one word. */
function isShouting(text: string): boolean {
  const letters = text.match(/[A-Za-z]/g) ?? [];
  if (letters.length < 8) return false;
  const upper = letters.filter((c) => c >= 'A' && c <= 'Z').length;
  const words = text.split(/\s+/).filter((w) => /[A-Za-z]{2,}/.test(w));
  return upper / letters.length >= 0.8 && words.length >= 2;
}

const MULTI_EXCLAIM = /!{3,}|[!?？؟]{4,}|(?:[!][?？؟]|[?？؟][!]){2,}|!.*!.*!/;
const IMPATIENT_QUESTION = /[?？؟]{2,}|(?:[?？؟][!]|[!][?？؟])/;

// WhatsApp caps a text at 4096 characters; longer input (a pasted document) is judged on its
// beginning and end, which keeps the work per message bounded.
const MAX_ANALYSED = 3000;
function clip(norm: string): string {
  if (norm.length <= MAX_ANALYSED) return norm;
  const head = norm.slice(0, 2400);
  const tail = norm.slice(-600);
  return `${head.slice(0, head.lastIndexOf(' ') > 0 ? head.lastIndexOf(' ') : head.length)} ${tail.slice(tail.indexOf(' ') + 1)}`;
}

export function classifyRuleBased(input: ClassifyInput): Classification {
  const type = (input.type ?? 'text').toLowerCase();
  const raw = typeof input.text === 'string' ? input.text : '';
  const text = raw.trim();

  // ---- no text -------------------------------------------------------------------------------
  if (text === '') {
    if (ACK_TYPES.has(type)) return result('und', 'acknowledgment', false, 'low', false, [`type:${type}`, 'empty']);
    if (type === 'order') return result('und', 'order', true, 'normal', false, ['type:order']);
    if (type === 'request_welcome') return result('und', 'greeting', true, 'normal', false, ['type:request_welcome']);
    if (MEDIA_TYPES.has(type)) return result('und', 'other', true, 'normal', false, [`type:${type}`, 'media_no_text']);
    return result('und', 'other', false, 'low', false, ['empty']);
  }

  const norm = clip(normalizeForMatch(text));
  const lang = detectLanguage(text, norm);
  const language = lang.language;
  const az = lang.arabizi;
  const signals: string[] = [...lang.signals];
  const hasQ = QUESTION_MARK.test(text);
  const endsQ = ENDS_WITH_QUESTION.test(text);
  if (hasQ) signals.push('question_mark');

  // ---- reactions and stickers are acknowledgments ------------------------------------------
  if (ACK_TYPES.has(type)) {
    return result(language, 'acknowledgment', false, 'low', false, [`type:${type}`, ...signals]);
  }

  // ---- no letters or digits: emoji, punctuation -------------------------------------------
  if (norm === '') {
    const emoji = hasEmoji(text);
    if (emoji) signals.push('emoji_only');
    if (hasQ) return result('und', 'question', true, 'normal', false, signals);
    if (emoji && ANGRY_EMOJI.test(text) && countEmoji(text) >= 1 && !/[\u{1F44D}\u{2764}\u{1F64F}\u{1F60A}\u{1F600}-\u{1F60F}]/u.test(text)) {
      return result('und', 'complaint', true, 'high', false, [...signals, 'angry']);
    }
    return result('und', 'acknowledgment', false, 'low', false, signals);
  }

  // ---- opt-out ------------------------------------------------------------------------------
  const opt = detectOptOut(norm, text.split(/[.!؟?\n]/)[0]);
  if (opt.optOut) return result(language, 'opt_out', false, 'low', true, [...signals, opt.signal ?? 'opt_out']);

  const has = (g: TermGroup) => {
    const ok = matches(g, norm, az);
    if (ok) signals.push(`kw:${g.id}`);
    return ok;
  };
  const n = (g: TermGroup, cap = 2) => {
    const c = count(g, norm, az, cap);
    if (c > 0) signals.push(`kw:${g.id}`);
    return c;
  };

  // ---- spam ---------------------------------------------------------------------------------
  const link = LINK_RE.test(text);
  if (link) signals.push('link');
  // Counted quietly: "free delivery?" has a spam word but is no spam.
  const spamStrong = count(SPAM_STRONG, norm, az, 3);
  const spamWeak = count(SPAM_WEAK, norm, az, 4);
  const spamScore = (link ? 2 : 0) + spamStrong * 3 + spamWeak;
  const moneyRisk = n(URGENT_MONEY, 2);
  const complaintAngry = n(COMPLAINT_ANGRY);

  // ---- evidence ------------------------------------------------------------------------------
  const harm = n(URGENT_SAFETY);
  const hazard = n(SAFETY_WEAK, 1);
  const safety = harm + hazard;
  const legal = n(URGENT_LEGAL);
  const damage = n(COMPLAINT_DAMAGE);
  const firmComplaint =
    complaintAngry * 3 + n(COMPLAINT) * 2 + n(COMPLAINT_CHARGE) * 3 + n(COMPLAINT_IGNORED) * 2 + n(COMPLAINT_LATE) * 2 +
    harm * 3 + legal * 2 + moneyRisk * 2;
  // Damage and hazard words also appear in questions ("is it original or a copy?", "is it safe for kids?").
  const softComplaint = damage * 2.5 + hazard * 2;
  const complaintScore = firmComplaint + softComplaint;
  const supportScore =
    n(SUPPORT_WHERE) * 3 + n(SUPPORT_TECH) * 2.5 + n(SUPPORT_HOWTO, 1) * 2.5 + n(SUPPORT_RETURN, 1) * 2.5 +
    n(SUPPORT_MYORDER, 1) * 2 + Math.max(n(SUPPORT_HELP_REQ, 1) * 2.5, n(SUPPORT_HELP, 1) * 1.5);
  const orderChange = n(ORDER_CHANGE);
  const orderScore = n(ORDER_STRONG) * 2.5 + orderChange * 3;
  const replyRequest = matches(REPLY_REQUEST, norm, az);
  const orderWeak = has(ORDER_WEAK) && !replyRequest ? 1 : 0;
  const pricingScore = n(PRICING) * 2.5;
  const greeting = has(GREETING);
  // A greeting's own words ("how are you?", "anyone there?") are not a question: judge the rest.
  const rest = greeting ? stripGroup(GREETING, norm, az) : norm;
  const restHasContent = rest !== '';
  const qWords = matches(QUESTION_WORDS, rest, az) ? 1 : 0;
  const qTopics = has(QUESTION_TOPICS) ? 1 : 0;
  if (qWords) signals.push(`kw:${QUESTION_WORDS.id}`);
  const asks = qWords > 0 || (hasQ && restHasContent);
  const questionScore = asks ? qWords + qTopics + (hasQ && restHasContent ? 1.5 : 0) : 0;
  const defer = has(DEFER);
  const thanks = has(ACK_THANKS);
  const bye = has(ACK_BYE);
  const ok = has(ACK_OK);

  if (spamScore >= 4 && complaintScore < 3) {
    if (spamStrong > 0) signals.push(`kw:${SPAM_STRONG.id}`);
    if (spamWeak > 0) signals.push(`kw:${SPAM_WEAK.id}`);
    signals.push(`spam_score:${spamScore}`);
    return result(language, 'spam', false, 'low', false, signals);
  }

  // ---- intent --------------------------------------------------------------------------------
  // Substantive intents, strongest first; ties go to the earlier one in this list.
  const substantive: Array<[Intent, number]> = [
    ['complaint', complaintScore],
    ['support', supportScore],
    ['pricing', pricingScore],
    ['order', orderScore],
  ];
  let best: Intent | null = null;
  let bestScore = 0;
  for (const [intent, score] of substantive) {
    if (score > bestScore) {
      best = intent;
      bestScore = score;
    }
  }

  if (best === 'support' && safety > 0 && !hasQ) {
    // A product that smokes, sparks, leaks gas or hurt someone is reported as a complaint (and urgent).
    best = 'complaint';
    bestScore = Math.max(bestScore, complaintScore);
  }
  let intent: Intent;
  let isDefer = false;
  // Only when the damage word is inside the question itself (one sentence ending with "?").
  const oneQuestion = endsQ && !/[.!?？؟\n]/.test(text.replace(/[?？؟!\s\p{Extended_Pictographic}]+$/u, ''));
  if (best === 'complaint' && firmComplaint === 0 && oneQuestion && qWords + qTopics > 0) {
    // "is it original or a copy?", "does it come in a sealed box or opened?": asking, not complaining.
    best = null;
    bestScore = 0;
  }
  if (defer && !hasQ && (best === null || (best === 'order' && orderChange === 0) || best === 'pricing' || bestScore < 2.5)) {
    intent = 'other';
    isDefer = true;
    signals.push('defer');
  } else if (best !== null && bestScore >= 2) {
    intent = best;
  } else if (best !== null && bestScore > questionScore) {
    intent = best;
  } else if (questionScore >= 2 || (questionScore >= 1 && (!greeting || restHasContent) && !thanks && !bye && !ok)) {
    intent = orderWeak && !hasQ && questionScore < 2 ? 'order' : 'question';
  } else if (hasQ && greeting && restHasContent && !thanks && !bye) {
    intent = 'question';
  } else if (best !== null) {
    intent = best;
  } else if (defer) {
    intent = 'other';
    isDefer = true;
    signals.push('defer');
  } else if (greeting && !((thanks || bye) && !hasQ)) {
    intent = 'greeting';
  } else if ((thanks || bye || ok) && ackCovers(norm, az, thanks || bye ? 3 : 1)) {
    intent = 'acknowledgment';
  } else if (hasQ) {
    intent = 'question';
  } else if (orderWeak) {
    intent = 'order';
  } else {
    intent = 'other';
  }
  if (greeting && intent !== 'greeting' && intent !== 'acknowledgment') signals.push('greeting+substantive');

  // ---- needsReply -----------------------------------------------------------------------------
  let needsReply: boolean;
  switch (intent) {
    case 'acknowledgment':
    case 'opt_out':
    case 'spam':
      needsReply = false;
      break;
    case 'other':
      // "let me think" needs nothing; an unclassified statement is answered only when it asks something,
      // says it is urgent, or reports harm.
      needsReply =
        !isDefer &&
        (endsQ || has(REPLY_REQUEST) || has(RUSH) || matches(URGENT_EXPLICIT, norm, az) || moneyRisk > 0 || safety > 0 || legal > 0);
      break;
    default:
      needsReply = true;
  }

  // ---- urgency --------------------------------------------------------------------------------
  let urgency: Urgency;
  if (!needsReply) {
    urgency = 'low';
  } else {
    const explicitUrgent = has(URGENT_EXPLICIT);
    const harmful = intent === 'complaint' || intent === 'support' || intent === 'other';
    const urgentNow = explicitUrgent || (harmful && (moneyRisk > 0 || safety > 0 || legal > 0));
    if (moneyRisk > 0) signals.push('money_at_risk');
    if (safety > 0 && harmful) signals.push('safety');
    if (legal > 0 && harmful) signals.push('legal');

    const timeText = norm.replace(TIME_EXCLUSIONS, ' ');
    const timeWord = intent === 'greeting' ? null : firstMatch(TIME_TODAY, timeText, az);
    if (timeWord) signals.push(`time_bound:${timeWord}`);

    const shouting = isShouting(text);
    if (shouting) signals.push('caps');
    const exclaim = MULTI_EXCLAIM.test(text) || (IMPATIENT_QUESTION.test(text) && (intent === 'support' || intent === 'complaint'));
    if (exclaim) signals.push('exclaim');
    const angry =
      complaintAngry > 0 ||
      (shouting && intent !== 'greeting') ||
      (exclaim && (intent === 'complaint' || intent === 'support' || intent === 'order')) ||
      (intent === 'complaint' && ANGRY_EMOJI.test(text));
    if (angry) signals.push('angry');

    if (urgentNow) urgency = 'urgent';
    else if (timeWord || angry) urgency = 'high';
    else urgency = 'normal';
  }

  return result(language, intent, needsReply, urgency, false, signals);
}

