// Reading a buyer's silence (step 5). Pure and deterministic (bundled into workflow code).
//
//   completion  the buyer closed the exchange after an answer: thanks, ok, an emoji, goodbye, an
//               order confirmed ("done", "confirmed", "تم") -> no follow-up; the conversation
//               resolves after a quiet period.
//   hesitation  something is open: we sent a price or a quote, asked a question the buyer has not
//               answered, the buyer said "let me think" / "I'll check", or read our message and
//               said nothing -> a follow-up is worth it.
//   unknown     nothing either way (a plain answer of ours, no sign of being done).
// The latest messages decide: what the buyer wrote after our last message, else our last message.
import { foldArabicLetters, normalizeDigits } from '../../domain/normalize.js';

export type Silence = 'hesitation' | 'completion' | 'unknown';

export interface HistoryItem {
  direction: 'in' | 'out';
  at: string;
  text: string | null;
  /** The classifier's intent, when known (acknowledgment, pricing, order...). */
  intent?: string;
}

export interface SilenceReading {
  silence: Silence;
  reason: string;
}

const norm = (t: string) => foldArabicLetters(normalizeDigits(t.normalize('NFKC').toLowerCase())).replace(/\s+/g, ' ').trim();

// What a buyer says when they are done (after an answer).
const DONE = [
  /\b(thanks?|thank you|thx|ty|cheers|great|perfect|awesome|ok(ay)?|k|cool|got it|noted|all good|no (more )?questions?|that'?s all|bye|goodbye|see you|have a (nice|good) (day|one))\b/,
  /\b(done|deal|confirmed?|i('| a)?m good|sounds good|will do|received( it)?)\b/,
  /(شكرا|مشكور|يعطيك العافيه|تسلم|الله يسلمك|تمام|اوكي|اوك|خلاص|تم|وصل|وصلت|ماشي|طيب|حلو|ممتاز|مع السلامه|في امان الله|باي|جزاك الله خير)/,
  /\b(shukran|mashkoor|tamam|tmam|khalas|5alas|ok ya|mashy|mashi|tayeb|ma3 el salama|yslmo|ysalmo)\b/,
];
// What a buyer says when they have not decided.
const THINKING = [
  /\b(let me (think|check|see|ask)|i'?ll (think|check|let you know|get back|ask)|thinking about it|not sure( yet)?|maybe|later|need to (think|check|ask|discuss)|will (confirm|decide))\b/,
  /(خليني افكر|خلني افكر|بفكر|افكر|ابشوف|بشوف|اشوف|براجع|اراجع|بقولك|برد عليك|ارد عليك|مو متاكد|مش متاكد|يمكن|بعدين|اسال|بسال|استشير)/,
  /\b(5aleeni afaker|khalini afakar|bafakar|bshoof|bashoof|ba3dein|ba3den|mesh mt2aked|mo mt2akd|yemken)\b/,
];
// Ours: a price or quote, or a question left open.
const PRICE = /(\d[\d,.]*\s*(sar|aed|usd|egp|kwd|qar|bhd|omr|jod|lbp|\$|€|£|ريال|درهم|جنيه|دينار|ليره|دولار|ر\.?س)|\b(price|quote|quotation|offer|discount|total|cost)\b|(السعر|سعر|عرض سعر|عرض|خصم|الاجمالي|المجموع|التكلفه))/;
const EMOJI_ONLY = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f\s]+$/u;

// "ok, send me the catalogue", "thanks, what about the red one", "tamam bas kam el shipping": an
// acknowledgment that carries a request or a new question is not the end of the exchange.
const REQUEST = [
  /\b(send|share|want|need|how|what|which|when|where|why|can|could|would|please|pls|plz|give|show|tell|call|text|message|remind|price|cost|order|buy|book|reserve|deliver(y)?|ship(ping)?|available|another|more|also|but|if|after|before|tomorrow|tonight|later|next|until|till|back)\b/,
  /(ابي|ابغى|ابغي|ابا|عايز|عاوز|بدي|بدى|ارسل|ابعت|ابعث|كم|بكم|ليش|ليه|وين|فين|متى|امتى|كيف|ازاي|ممكن|لو سمحت|بس |لكن|بكره|بكرا|بعدين|بعد|كلمني|اتصل|رن|التوصيل|الشحن|السعر)/,
  /\b(abi|abgha|3ayez|3ayz|baddi|bade|ersel|ab3at|kam|bkam|leish|wein|fein|mata|emta|keef|ezay|momken|mumkin|law sama7t|bas|bukra|bokra|ba3d|kalemni)\b/,
];
const isDone = (t: string) => EMOJI_ONLY.test(t) || (DONE.some((r) => r.test(t)) && !REQUEST.some((r) => r.test(t)));
const isThinking = (t: string) => THINKING.some((r) => r.test(t));
const asksQuestion = (t: string) => /[?؟]\s*$|[?؟]/.test(t);

/**
 * What the buyer's silence means now. `lastOutboundRead`: WhatsApp reported our last message read
 * (a read and no answer is hesitation, not completion).
 */
export function readSilence(history: readonly HistoryItem[], opts: { lastOutboundRead?: boolean } = {}): SilenceReading {
  const items = [...history].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const lastOutIdx = items.map((h) => h.direction).lastIndexOf('out');
  if (lastOutIdx < 0) return { silence: 'unknown', reason: 'we have not answered yet' };
  const after = items.slice(lastOutIdx + 1).filter((h) => h.direction === 'in');
  const lastIn = after.at(-1);
  if (lastIn) {
    const t = norm(lastIn.text ?? '');
    if (isThinking(t)) return { silence: 'hesitation', reason: `the buyer said "${clip(lastIn.text)}" after our answer: not decided yet` };
    if (lastIn.intent === 'acknowledgment' || (t && isDone(t) && !asksQuestion(t))) {
      return { silence: 'completion', reason: `the buyer closed the exchange ("${clip(lastIn.text)}") after our answer` };
    }
    if (lastIn.intent === 'order' && /\b(confirm|done|ok|yes)\b|تم|اكيد|نعم|ايوه|ايوا|اوكي/.test(t)) {
      return { silence: 'completion', reason: `the buyer confirmed the order ("${clip(lastIn.text)}")` };
    }
    return { silence: 'unknown', reason: `the buyer wrote last ("${clip(lastIn.text)}"): a person answers that` };
  }
  // We wrote last.
  const ours = items[lastOutIdx]!;
  const t = norm(ours.text ?? '');
  const earlierIn = items.slice(0, lastOutIdx).filter((h) => h.direction === 'in').at(-1);
  if (earlierIn && isThinking(norm(earlierIn.text ?? ''))) {
    return { silence: 'hesitation', reason: `the buyer said "${clip(earlierIn.text)}" and has been silent since our reply` };
  }
  if (PRICE.test(t)) return { silence: 'hesitation', reason: 'we sent a price or a quote and the buyer has not answered' };
  if (asksQuestion(t)) return { silence: 'hesitation', reason: 'we asked a question the buyer has not answered' };
  if (opts.lastOutboundRead) return { silence: 'hesitation', reason: 'the buyer read our message and did not answer' };
  return { silence: 'unknown', reason: 'our last message was an answer; nothing says the buyer is done or hesitating' };
}

function clip(t: string | null): string {
  const s = (t ?? '').replace(/\s+/g, ' ').trim();
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}
