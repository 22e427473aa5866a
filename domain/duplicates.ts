// Duplicate contacts: how alike two names are, and what each kind of match scores.
//
// Pure and deterministic (no I/O, no `node:` imports). A duplicate is only ever a candidate for a
// person to review: nothing here merges anything.
//
// Names are compared on normalised tokens:
//  - case folded, diacritics dropped (José -> jose), Arabic letter variants unified as everywhere
//    (`foldArabicLetters`: أ/إ/آ -> ا, ة -> ه, ى -> ي, ...), tashkeel and tatweel dropped,
//    Arabic-Indic digits made ASCII;
//  - hyphens and apostrophes join (Al-Rashid -> alrashid, O'Brien -> obrien), other punctuation splits.
// The similarity is the best of:
//  - token alignment: each token paired with its most similar token on the other side (Jaro-Winkler),
//    a pair counting only when its Jaro is at least TOKEN_MATCH (typos, not different names:
//    John/Jane, Jones/Johnson do not pair), weighted by token length over both sides (so an extra
//    token lowers the score);
//  - containment: every token of a name of two or more tokens found in a longer one
//    ("Mohammed Ali" in "Mohammed Ali Hassan"), discounted;
//  - trigram Dice over the names written without spaces, for a name split or joined differently
//    ("Abdul Rahman" / "Abdulrahman").

import { foldArabicLetters, normalizeDigits } from './normalize.js';

export type DuplicateReason = 'same_phone' | 'same_email' | 'similar_name';

/** Scores of the exact kinds of match (a typed phone, an e-mail). */
export const DUPLICATE_SCORES = { same_phone: 0.95, same_email: 0.9 } as const;

/** Two names at least this similar (0..1) in the same company are a candidate. */
export const SIMILAR_NAME_THRESHOLD = 0.85;

/**
 * Two tokens at least this similar (plain Jaro, without Winkler's prefix bonus, which would pair
 * Jones/Johnson or Abdullah/Abdulaziz) may be one word with a typo; a paired token then scores
 * its Jaro-Winkler similarity.
 */
export const TOKEN_MATCH = 0.82;

/** The candidate score for a name similarity: below the exact matches, identical names at 0.85. */
export function similarNameScore(similarity: number): number {
  return Math.round(Math.min(1, Math.max(0, similarity)) * 0.85 * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Normalisation

/** The comparable tokens of a name (possibly empty). */
export function nameTokens(name: string | null | undefined): string[] {
  if (!name) return [];
  let s = foldArabicLetters(normalizeDigits(name.normalize('NFKC')));
  // Decompose, then drop every combining mark (Latin accents, Arabic tashkeel) and the tatweel.
  s = s.normalize('NFD').replace(/\p{M}/gu, '').replace(/\u0640/g, '');
  s = s.toLowerCase();
  s = s.replace(/ß/g, 'ss').replace(/æ/g, 'ae').replace(/œ/g, 'oe').replace(/ø/g, 'o').replace(/đ/g, 'd').replace(/ł/g, 'l');
  // Joiners inside a name vanish; any other non-letter, non-digit separates.
  s = s.replace(/[-\u2010-\u2015'’`ʼ]/g, '');
  s = s.replace(/\p{Cf}/gu, '');
  return s.split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0);
}

/** The normalised form of a name: its tokens joined by single spaces. */
export function normalizeName(name: string | null | undefined): string {
  return nameTokens(name).join(' ');
}

const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]{2,}$/;

/** An e-mail address trimmed and lower-cased, or null when it does not look like one. */
export function normalizeEmail(email: string | null | undefined): string | null {
  if (email === null || email === undefined) return null;
  const e = email.normalize('NFKC').trim().toLowerCase();
  if (e.length === 0 || e.length > 320 || !EMAIL.test(e)) return null;
  const domain = e.slice(e.lastIndexOf('@') + 1);
  if (domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) return null;
  return e;
}

// ---------------------------------------------------------------------------------------------
// String similarity

/** Jaro similarity of two strings (0..1), over code points. */
export function jaro(a: string, b: string): number {
  const s1 = Array.from(a);
  const s2 = Array.from(b);
  if (s1.length === 0 && s2.length === 0) return 1;
  if (s1.length === 0 || s2.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(s1.length, s2.length) / 2) - 1);
  const m1 = new Array<boolean>(s1.length).fill(false);
  const m2 = new Array<boolean>(s2.length).fill(false);
  let matches = 0;
  for (let i = 0; i < s1.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(s2.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (m2[j] || s1[i] !== s2[j]) continue;
      m1[i] = true;
      m2[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let transpositions = 0;
  for (let i = 0; i < s1.length; i++) {
    if (!m1[i]) continue;
    while (!m2[k]) k++;
    if (s1[i] !== s2[k]) transpositions++;
    k++;
  }
  const t = transpositions / 2;
  return (matches / s1.length + matches / s2.length + (matches - t) / matches) / 3;
}

/** Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4). */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  const s1 = Array.from(a);
  const s2 = Array.from(b);
  let prefix = 0;
  while (prefix < 4 && prefix < s1.length && prefix < s2.length && s1[prefix] === s2[prefix]) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

function trigrams(s: string): Map<string, number> {
  const chars = Array.from(s);
  const out = new Map<string, number>();
  if (chars.length < 3) {
    if (chars.length > 0) out.set(chars.join(''), 1);
    return out;
  }
  for (let i = 0; i + 3 <= chars.length; i++) {
    const g = chars.slice(i, i + 3).join('');
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Dice coefficient of the character trigrams of two strings (0..1). */
export function trigramDice(a: string, b: string): number {
  if (a === b) return a.length > 0 ? 1 : 0;
  const ta = trigrams(a);
  const tb = trigrams(b);
  let na = 0;
  let nb = 0;
  let common = 0;
  for (const n of ta.values()) na += n;
  for (const n of tb.values()) nb += n;
  for (const [g, n] of ta) common += Math.min(n, tb.get(g) ?? 0);
  return na + nb === 0 ? 0 : (2 * common) / (na + nb);
}

// ---------------------------------------------------------------------------------------------
// Names

/** Greedy best pairing of tokens; returns, per token of `from`, its score against its partner (0 if none). */
function align(from: string[], to: string[]): number[] {
  const pairs: { i: number; j: number; s: number }[] = [];
  for (let i = 0; i < from.length; i++) {
    for (let j = 0; j < to.length; j++) {
      if (from[i] === to[j]) {
        pairs.push({ i, j, s: 1 });
      } else if (jaro(from[i]!, to[j]!) >= TOKEN_MATCH) {
        pairs.push({ i, j, s: jaroWinkler(from[i]!, to[j]!) });
      }
    }
  }
  pairs.sort((x, y) => y.s - x.s || x.i - y.i || x.j - y.j);
  const usedI = new Set<number>();
  const usedJ = new Set<number>();
  const scores = new Array<number>(from.length).fill(0);
  for (const p of pairs) {
    if (usedI.has(p.i) || usedJ.has(p.j)) continue;
    usedI.add(p.i);
    usedJ.add(p.j);
    scores[p.i] = p.s;
  }
  return scores;
}

function weighted(tokens: string[], scores: number[]): { score: number; weight: number } {
  let score = 0;
  let weight = 0;
  tokens.forEach((t, i) => {
    const w = Array.from(t).length;
    score += w * scores[i]!;
    weight += w;
  });
  return { score, weight };
}

/** How alike two names are, 0..1, after normalisation (1: the same tokens, in any order). */
export function nameSimilarity(a: string | null | undefined, b: string | null | undefined): number {
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  if (ta.length === 0 || tb.length === 0) return 0;
  if ([...ta].sort().join(' ') === [...tb].sort().join(' ')) return 1;

  const sa = align(ta, tb);
  const sb = align(tb, ta);
  const wa = weighted(ta, sa);
  const wb = weighted(tb, sb);
  const alignment = (wa.score + wb.score) / (wa.weight + wb.weight);

  // Containment: the shorter name (two tokens or more) entirely inside the longer one.
  const [shortT, shortS] = ta.length <= tb.length ? [ta, sa] : [tb, sb];
  let containment = 0;
  if (shortT.length >= 2 && ta.length !== tb.length && shortS.every((s) => s > 0)) {
    const w = weighted(shortT, shortS);
    containment = 0.9 * (w.score / w.weight);
  }

  const joined = trigramDice(ta.join(''), tb.join(''));
  return Math.min(1, Math.max(alignment, containment, joined));
}

/** True when two names are similar enough to flag two contacts of one company. */
export function similarNames(a: string | null | undefined, b: string | null | undefined): boolean {
  return nameSimilarity(a, b) >= SIMILAR_NAME_THRESHOLD;
}

/** A pair of contact ids in the stored order (a < b), so a pair is kept once per reason. */
export function orderedPair(x: string, y: string): [string, string] {
  return x < y ? [x, y] : [y, x];
}
