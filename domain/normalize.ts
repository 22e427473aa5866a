// Text normalisation, one copy for every layer: the classifier's keyword matching, duplicate
// names, phone digits.
//
// Pure and deterministic (bundled into workflow code): no `node:` imports, no I/O, no clocks.
//
//  - `normalizeDigits`: Arabic-Indic and Eastern Arabic-Indic digits -> ASCII.
//  - `foldArabicLetters`: the letter variants Arabic writers use interchangeably (alef/hamza forms,
//    ya/alef maqsura, ta marbuta, Persian and Urdu look-alikes) unified. Names use it as it is.
//  - `normalizeArabic` (chat text): digits, letters folded, diacritics and tatweel removed, and a
//    word-final hamza dropped as chat writing does ("مساء" / "مسا"; names keep it: علاء is not علا).
//  - `normalizeForMatch` produces the string every lexicon pattern is matched against: Arabic
//    folded, digits in ASCII, Latin lowercased without accents, apostrophes dropped ("don't" ->
//    "dont"), other punctuation and emoji turned into spaces. Repeated letters are left in the
//    text: lexicon patterns let every letter repeat instead ("please" matches "pleeease", "هلا"
//    matches "هلااا", while "poor" never matches "por" and "good" never matches "god").
//  - `squeezeRepeats` collapses runs of one letter, for comparing single words in sets
//    (language stopwords, whole-message keywords).

const ARABIC_INDIC_ZERO = 0x0660; // ٠ … ٩  (U+0660–U+0669)
const EASTERN_ARABIC_INDIC_ZERO = 0x06f0; // ۰ … ۹  (U+06F0–U+06F9, Persian/Urdu)

/** Replaces Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits with ASCII 0-9; everything else is left alone. */
export function normalizeDigits(s: string): string {
  return s.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (ch) => {
    const code = ch.charCodeAt(0);
    const base = code >= EASTERN_ARABIC_INDIC_ZERO ? EASTERN_ARABIC_INDIC_ZERO : ARABIC_INDIC_ZERO;
    return String.fromCharCode(0x30 + code - base);
  });
}

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

/** Unifies Arabic letter variants: alef forms -> ا, ى/ی/ے -> ي, ة/ۃ/ہ/ھ -> ه, ؤ -> و, ئ -> ي, ک/ڪ -> ك. */
export function foldArabicLetters(s: string): string {
  return s.replace(ALEF_FORMS, '\u0627').replace(ARABIC_FOLD_RE, (ch) => ARABIC_FOLD[ch] ?? ch);
}

/** Folds Arabic chat text: Eastern digits -> ASCII, diacritics and tatweel removed, letters folded, word-final hamza dropped. */
export function normalizeArabic(s: string): string {
  return foldArabicLetters(normalizeDigits(s).replace(ARABIC_MARKS, ''))
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
