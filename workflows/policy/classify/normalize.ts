// Text normalisation for the rule-based classifier.
//
// Pure and deterministic (bundled into workflow code): no `node:` imports, no I/O, no clocks.
//
// Two outputs matter:
//  - `normalizeArabic` folds the spelling variants Arabic writers use interchangeably
//    (diacritics, tatweel, alef/hamza forms, ya/alef maqsura, ta marbuta, Persian look-alikes).
//  - `normalizeForMatch` produces the string every lexicon pattern is matched against: Arabic
//    folded, digits in ASCII, Latin lowercased without accents, apostrophes dropped ("don't" ->
//    "dont"), other punctuation and emoji turned into spaces. Repeated letters are left in the
//    text: lexicon patterns let every letter repeat instead ("please" matches "pleeease", "هلا"
//    matches "هلااا", while "poor" never matches "por" and "good" never matches "god").
//  - `squeezeRepeats` collapses runs of one letter, for comparing single words in sets
//    (language stopwords, whole-message keywords).

import { normalizeDigits } from '../../../domain/phone.js';

// Arabic diacritics (harakat, tanwin, shadda, sukun, dagger alef, Quranic marks) and tatweel.
const ARABIC_MARKS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]/g;
const ALEF_FORMS = /[\u0622\u0623\u0625\u0671\u0672\u0673]/g; // آ أ إ ٱ ٲ ٳ -> ا
const ARABIC_FOLD: Record<string, string> = {
  '\u0649': '\u064a', // ى -> ي
  '\u06cc': '\u064a', // Persian ی -> ي
  '\u06d2': '\u064a', // Urdu ے -> ي
  '\u0629': '\u0647', // ة -> ه
  '\u06c3': '\u0647', // ۃ -> ه
  '\u06c1': '\u0647', // ہ -> ه
  '\u06be': '\u0647', // ھ -> ه
  '\u0624': '\u0648', // ؤ -> و
  '\u0626': '\u064a', // ئ -> ي
  '\u06a9': '\u0643', // Persian ک -> ك
  '\u06aa': '\u0643', // ڪ -> ك
};
const ARABIC_FOLD_RE = /[\u0649\u06cc\u06d2\u0629\u06c3\u06c1\u06be\u0624\u0626\u06a9\u06aa]/g;

/** Folds Arabic spelling variants: diacritics and tatweel removed, alef forms unified, ى->ي, ة->ه, ؤ->و, ئ->ي, Eastern digits -> ASCII. */
export function normalizeArabic(s: string): string {
  return normalizeDigits(s)
    .replace(ARABIC_MARKS, '')
    .replace(ALEF_FORMS, '\u0627')
    .replace(ARABIC_FOLD_RE, (ch) => ARABIC_FOLD[ch] ?? ch)
    .replace(/\u0621(?=$|[^\u0621-\u064a])/g, ''); // word-final hamza is usually dropped in chat ("مساء" / "مسا")
}

/** Squeezes every run of one repeated letter (not digits) to a single letter. */
export function squeezeRepeats(s: string): string {
  return s.replace(/(\p{L})\1+/gu, '$1');
}

/**
 * Full normalisation used for keyword matching: NFKC, Arabic folding, ASCII digits, lowercase,
 * Latin accents removed, apostrophes dropped, punctuation/symbols/emoji -> single spaces.
 * The result contains only letters, combining marks, digits and single spaces.
 */
export function normalizeForMatch(s: string): string {
  let t = normalizeArabic(s.normalize('NFKC'));
  t = t.toLowerCase();
  // Strip Latin combining accents (é -> e, ç -> c, İ -> i) but keep other scripts intact.
  t = t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
  t = t.replace(/\u0131/g, 'i').replace(/\u00df/g, 'ss'); // Turkish dotless i, German sharp s
  t = t.replace(/['\u2019\u2018`\u00b4]/g, ''); // don't -> dont, i'm -> im
  t = t.replace(/[\ufe00-\ufe0f\u200b-\u200d\u2060\u20e3]|\p{Me}/gu, ''); // variation selectors, zero-width (non-)joiners, keycaps
  t = t.replace(/[^\p{L}\p{M}\p{N}]+/gu, ' '); // keep combining marks of Indic/SE Asian scripts
  return t.trim();
}

/** Tokens of a normalised string. */
export function tokens(norm: string): string[] {
  return norm === '' ? [] : norm.split(' ');
}

// Emoji and symbol detection ------------------------------------------------------------------

const EMOJI_RE = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const EMOJI_ALL_RE = /\p{Extended_Pictographic}|\p{Regional_Indicator}/gu;

export function hasEmoji(s: string): boolean {
  return EMOJI_RE.test(s);
}

export function countEmoji(s: string): number {
  return (s.match(EMOJI_ALL_RE) ?? []).length;
}

/** True when the text has no letters and no digits (only emoji, punctuation, symbols, spaces). */
export function hasNoLettersOrDigits(s: string): boolean {
  return !/[\p{L}\p{N}]/u.test(s);
}

/** True when the text has no letters at all (digits, emoji, punctuation only). */
export function hasNoLetters(s: string): boolean {
  return !/\p{L}/u.test(s);
}
