// Word lists and phrase patterns for the rule-based classifier. Pure and deterministic.
//
// Every entry is compiled into a regular expression matched against `normalizeForMatch(text)`
// (lowercase, Arabic folded, accents and punctuation removed). Entry syntax:
//   - words separated by spaces must appear in that order, separated by single spaces;
//   - every letter of an entry may be repeated in the text ("please" matches "pleeease",
//     "هلا" matches "هلااا"), but never dropped ("good" does not match "god");
//   - `word*` : the word is a stem, any letters/digits may follow ("refund*" -> refunded, refunds);
//   - Arabic words accept the usual clitics without being listed: a leading و/ف, ب/ك/ل and the
//     article ال, and a trailing pronoun or plural suffix (ي ك ه ها نا كم هم ات ين ون وا ني ...).
//     `=word` turns that off for one word (particles such as "=كم", "=لا");
//   - `re:<source>` : a raw regular expression over the normalised text, written in normalised
//     spelling (ة as ه, ى as ي, no hamza on alef); its letters get the same repeat tolerance;
//   - `az:<entry>` : Arabizi (Arabic in Latin letters); only used when the text was detected as Arabizi.
// Entries are normalised with the same function as the text, so they may be written naturally
// ("don't", "أريد", "السعر").

import { normalizeArabic, normalizeForMatch } from '../../../domain/normalize.js';

const WORD = '[\\p{L}\\p{M}\\p{N}]';
const ARABIC_LETTER = /[\u0600-\u06ff]/;
const AR_SUFFIX =
  '(?:ي|ك|ه|ها|نا|كم|هم|كو|ات|ين|ون|وا|و|ني|تي|تك|ته|تها|تنا|تكم|اتي|اتك|اته|اتكم|اتنا|يه|يها|يك|ين|يات)?';
const AR_PREFIX = '(?:[وف])?(?:[بك])?(?:ال|لل|ل)?'; // inline, for the later words of a phrase

/**
 * Makes every letter of a regular expression source repeatable ("ab" -> "a+b+"), leaving escapes
 * (\\d, \\p{L}), character classes, quantifier braces and group syntax alone.
 */
export function plusify(src: string): string {
  const cs = Array.from(src);
  let out = '';
  let inClass = false;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    if (c === '\\') {
      const nx = cs[i + 1] ?? '';
      if ((nx === 'p' || nx === 'P' || nx === 'u') && cs[i + 2] === '{') {
        const j = cs.indexOf('}', i);
        out += cs.slice(i, j + 1).join('');
        i = j;
      } else {
        out += c + nx;
        i++;
      }
      continue;
    }
    if (inClass) {
      out += c;
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      continue;
    }
    if (c === '{') {
      const j = cs.indexOf('}', i);
      out += cs.slice(i, j + 1).join('');
      i = j;
      continue;
    }
    if (/\p{L}/u.test(c)) {
      const nx = cs[i + 1];
      out += nx === '?' || nx === '*' || nx === '+' || nx === '{' ? `(?:${c}+)` : `${c}+`;
      continue;
    }
    out += c;
  }
  return out;
}

/** Regular-expression source for a normalised literal phrase, letters repeatable. */
export function phraseSource(phrase: string): string {
  return plusify(escapeRe(normalizeForMatch(phrase)));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface CompiledToken {
  src: string;
  /** First letter of the token's body (after any optional proclitic), for bucketing. */
  first: string;
  /** True when the token accepts Arabic proclitics (و ف ب ك ل ال) in front of it. */
  prefixable: boolean;
}

function compileToken(raw: string): CompiledToken | null {
  let tok = raw;
  let affixes = true;
  if (tok.startsWith('=')) {
    affixes = false;
    tok = tok.slice(1);
  }
  let wildcard = false;
  if (tok.endsWith('*')) {
    wildcard = true;
    tok = tok.slice(0, -1);
  }
  const norm = normalizeForMatch(tok).replace(/ /g, '');
  if (norm === '') return null;
  const body = plusify(escapeRe(norm));
  const first = Array.from(norm)[0]!;
  if (ARABIC_LETTER.test(norm)) {
    const suffix = wildcard ? `${WORD}*` : affixes ? AR_SUFFIX : '';
    return { src: body + suffix, first, prefixable: affixes };
  }
  return { src: body + (wildcard ? `${WORD}*` : ''), first, prefixable: false };
}

/** Index of the parenthesis closing the group that opens at `open`. */
function closingParen(src: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Top-level alternatives of a group body. */
function splitAlternatives(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let cur = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      cur += c + (body[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * The letters a match of a regular-expression source can start with, or null when that cannot be
 * told simply (escapes, complex classes). Lookarounds and anchors are skipped; optional groups add
 * their continuation's letters.
 */
export function firstLetters(src: string): Set<string> | null {
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '^') {
      i++;
      continue;
    }
    if (c === '(') {
      const close = closingParen(src, i);
      if (close < 0) return null;
      const head = src.slice(i, i + 4);
      if (head.startsWith('(?<!') || head.startsWith('(?<=') || head.startsWith('(?!') || head.startsWith('(?=')) {
        i = close + 1;
        continue;
      }
      const body = src.slice(head.startsWith('(?:') ? i + 3 : i + 1, close);
      const out = new Set<string>();
      for (const alt of splitAlternatives(body)) {
        if (alt === '') return null;
        const f = firstLetters(alt);
        if (!f) return null;
        for (const x of f) out.add(x);
      }
      const q = src[close + 1];
      if (q === '?' || q === '*') {
        const rest = firstLetters(src.slice(close + 2));
        if (!rest) return null;
        for (const x of rest) out.add(x);
      }
      return out;
    }
    if (c === '[') {
      const end = src.indexOf(']', i);
      const inner = src.slice(i + 1, end);
      if (end < 0 || !/^\p{L}+$/u.test(inner)) return null;
      const out = new Set(Array.from(inner));
      const q = src[end + 1];
      if (q === '?' || q === '*') {
        const rest = firstLetters(src.slice(end + 2));
        if (!rest) return null;
        for (const x of rest) out.add(x);
      }
      return out;
    }
    if (/\p{L}/u.test(c)) {
      // A letter followed by "?" or "*" is optional: the continuation can start too.
      const after = src.slice(i + 1);
      const m = /^\+?([?*])?/.exec(after)!;
      if (m[1]) {
        const rest = firstLetters(after.slice(m[0].length));
        if (!rest) return null;
        rest.add(c);
        return rest;
      }
      return new Set([c]);
    }
    return null;
  }
  return null;
}

interface CompiledEntry {
  /** Source without the first word's proclitics (those are tried by the matcher, see findSpans). */
  src: string;
  /** Letters the body can start with, or null when unknown (some raw regular expressions). */
  first: string[] | null;
  prefixable: boolean;
}

function compileEntry(entry: string): CompiledEntry | null {
  if (entry.startsWith('re:')) {
    const src = plusify(normalizeArabic(entry.slice(3)));
    const first = firstLetters(src);
    return { src, first: first ? [...first] : null, prefixable: false };
  }
  const toks = entry
    .trim()
    .split(/\s+/)
    .map(compileToken)
    .filter((t): t is CompiledToken => t !== null);
  if (toks.length === 0) return null;
  // Later words of a phrase carry their proclitics inline; the first word's are handled by the matcher.
  const src = toks.map((t, i) => (i > 0 && t.prefixable ? AR_PREFIX + t.src : t.src)).join(' ');
  return { src, first: [toks[0]!.first], prefixable: toks[0]!.prefixable };
}

/** Matchers for the alternatives of one group that share a first letter. */
interface Bucket {
  /** Tried at the very start of a word: every alternative with this first letter. */
  atStart: RegExp[];
  /** Tried after an Arabic proclitic: only the alternatives that accept one. */
  afterPrefix: RegExp[];
}

interface Matcher {
  buckets: Map<string, Bucket>;
  /** Raw regular expressions (first letter unknown), tried at every word start. */
  any: RegExp[];
}

export interface TermGroup {
  id: string;
  re: Matcher;
  /** Arabizi-only entries. */
  az: Matcher;
}

// V8 runs very large regular expressions far slower (they are not compiled to native code), so
// alternatives are split into chunks of at most this many; a position's match is the longest.
const CHUNK = 32;

function chunks(srcs: string[]): RegExp[] {
  // Longest first so that alternation inside one chunk prefers the fuller phrase.
  const sorted = [...new Set(srcs)].sort((a, b) => b.length - a.length);
  const out: RegExp[] = [];
  for (let i = 0; i < sorted.length; i += CHUNK) {
    out.push(new RegExp(`(?:${sorted.slice(i, i + CHUNK).join('|')})(?!${WORD})`, 'uy'));
  }
  return out;
}

function matcher(entries: string[]): Matcher {
  const byFirst = new Map<string, { all: string[]; pre: string[] }>();
  const any: string[] = [];
  for (const e of entries) {
    const c = compileEntry(e);
    if (!c) continue;
    if (c.first === null) {
      any.push(c.src);
      continue;
    }
    for (const f of c.first) {
      const b = byFirst.get(f) ?? { all: [], pre: [] };
      b.all.push(c.src);
      if (c.prefixable) b.pre.push(c.src);
      byFirst.set(f, b);
    }
  }
  const buckets = new Map<string, Bucket>();
  for (const [k, b] of byFirst) buckets.set(k, { atStart: chunks(b.all), afterPrefix: chunks(b.pre) });
  return { buckets, any: chunks(any) };
}

export function group(id: string, entries: string[]): TermGroup {
  const az = entries.filter((e) => e.startsWith('az:')).map((e) => e.slice(3));
  const plain = entries.filter((e) => !e.startsWith('az:'));
  return { id, re: matcher(plain), az: matcher(az) };
}

// Arabic proclitics: conjunction (و ف), preposition (ب ك), article or lam (ال لل ل), in that order.
const CONJ = ['', 'و', 'ف'];
const PREP = ['', 'ب', 'ك'];
const ART = ['', 'ال', 'لل', 'ل'];
const PROCLITICS = [...new Set(CONJ.flatMap((a) => PREP.flatMap((b) => ART.map((c) => a + b + c))))].filter(Boolean);
const PROCLITIC_FIRST = new Set(PROCLITICS.map((p) => p[0]!));

/** Lengths of the proclitic strings the word at `st` starts with (leaving at least two letters). */
function procliticLengths(norm: string, st: number): number[] {
  const out: number[] = [];
  if (!PROCLITIC_FIRST.has(norm[st]!)) return out;
  for (const p of PROCLITICS) {
    if (norm.startsWith(p, st) && st + p.length + 1 < norm.length && norm[st + p.length] !== ' ') {
      if (!out.includes(p.length)) out.push(p.length);
    }
  }
  return out;
}

function longestAt(res: RegExp[] | undefined, norm: string, at: number): number {
  let best = 0;
  if (!res) return 0;
  for (const re of res) {
    re.lastIndex = at;
    const m = re.exec(norm);
    if (m && m[0].length > best) best = m[0].length;
  }
  return best;
}

function matchAt(m: Matcher, norm: string, st: number, proclitics: number[]): number {
  const c0 = norm[st]!;
  let best = Math.max(longestAt(m.buckets.get(c0)?.atStart, norm, st), longestAt(m.any, norm, st));
  if (proclitics.length > 0) {
    for (const p of proclitics) {
      const len = longestAt(m.buckets.get(norm[st + p]!)?.afterPrefix, norm, st + p);
      if (len > 0 && p + len > best) best = p + len;
    }
  }
  return best;
}

/** Offsets where a word starts in a normalised string (single spaces between words). */
export function wordStarts(norm: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < norm.length; i++) if (norm[i] !== ' ' && (i === 0 || norm[i - 1] === ' ')) out.push(i);
  return out;
}

// The same text is matched against every group: remember its word starts and proclitic splits.
// (A cache of a pure function of its key: results never depend on it.)
let cachedText: string | null = null;
let cachedWords: Array<[number, number[]]> = [];

function words_(norm: string): Array<[number, number[]]> {
  if (norm !== cachedText) {
    cachedText = norm;
    cachedWords = wordStarts(norm).map((st) => [st, procliticLengths(norm, st)]);
  }
  return cachedWords;
}

/** Non-overlapping matches of a group as [start, end) spans, in text order, at most `cap`. */
export function findSpans(g: TermGroup, norm: string, arabizi: boolean, cap = Infinity): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let end = -1;
  for (const [st, proclitics] of words_(norm)) {
    if (st < end) continue;
    let best = matchAt(g.re, norm, st, proclitics);
    if (arabizi) best = Math.max(best, matchAt(g.az, norm, st, proclitics));
    if (best > 0) {
      end = st + best;
      spans.push([st, end]);
      if (spans.length >= cap) break;
    }
  }
  return spans;
}

/** True when the group matches the normalised text (Arabizi entries only when `arabizi`). */
export function matches(g: TermGroup, norm: string, arabizi: boolean): boolean {
  return findSpans(g, norm, arabizi, 1).length > 0;
}

/** The first matched text of a group, or null. */
export function firstMatch(g: TermGroup, norm: string, arabizi: boolean): string | null {
  const sp = findSpans(g, norm, arabizi, 1)[0];
  return sp ? norm.slice(sp[0], sp[1]) : null;
}

/** The normalised text with every match of a group removed (single spaces, trimmed). */
export function stripGroup(g: TermGroup, norm: string, arabizi: boolean): string {
  const spans = findSpans(g, norm, arabizi);
  if (spans.length === 0) return norm;
  let out = '';
  let at = 0;
  for (const [a, b] of spans) {
    out += norm.slice(at, a) + ' ';
    at = b;
  }
  out += norm.slice(at);
  return out.replace(/\s+/g, ' ').trim();
}

/** Split a whitespace-separated list of single words. */
const words = (s: string): string[] => s.trim().split(/\s+/);

// =============================================================================================
// Greeting

export const GREETING = group('greeting', [
  ...words('hi hii hiya hello helo hallo hey heya howdy greetings yo'), 'hey there',
  'good morning', 'good afternoon', 'good evening', 'good day', 'morning all', 'hello there', 'hi there',
  'how are you', 'how r u', 'how are u', 'how r you', 'how is it going', 'hows it going', 'how do you do',
  'hope you are well', 'hope youre well', 'hope you are doing well', 'hope all is well', 'dear sir', 'dear team',
  'anyone there', 'anybody there', 'is anyone there', 'are you there', 'u there', 'you there',
  // Arabic
  'السلام عليكم', 'سلام عليكم', '=السلام', '=سلام', 'السلام عليكم ورحمه الله', 'وعليكم السلام', 'عليكم السلام',
  'مرحبا', 'مرحبه', 'مرحبتين', 'مراحب', 'مرحب', 'هلا', 'هلا والله', 'هلا وغلا', 'هلو', 'هاي', 'هالو', 'اهلا', 'اهلين',
  'عسلامه', 'az:3aslama', 'اهلا وسهلا', 'يا هلا', 'حياك', 'حياكم', 'هلا بيك', 'صباح الخير', 'صباح النور', 'صباح الورد', 'صباحو', 'صباح الفل',
  'مساء الخير', 'مسا الخير', 'مساء النور', 'مسا النور', 'مساء الورد', 'كيفك', 'كيفكم', 'كيف الحال', 'كيف حالك', 'كيف حالكم',
  'شلونك', 'شلونكم', 'شخبارك', 'شخباركم', 'ازيك', 'ازيكم', 'عامل ايه', 'عاملين ايه', 'ايش اخبارك', 'شو اخبارك', 'كيفك اليوم',
  'يسعد صباحك', 'يسعد مساك', 'يسعد صباحكم', 'يسعد مساكم', 'جمعه مباركه', 'رمضان كريم', 'عيد مبارك', 'عيدكم مبارك',
  'تحيه طيبه', 'اسعد الله صباحكم', 'اسعد الله مساكم', 'في حد', 'فيه احد', 'حد هنا', 'احد موجود',
  // Arabizi
  'az:salam', 'az:salaam', 'az:slm', 'az:salam alaikum', 'az:assalamu alaikum', 'az:asalamu alaikum', 'az:assalam alaikum',
  'az:asalam alaikum', 'az:salam alikum', 'az:salamu alaikum', 'az:salam aleikum', 'az:marhaba', 'az:mar7aba', 'az:marhabtain',
  'az:ahlan', 'az:ahlain', 'az:ahleen', 'az:ahla', 'az:hala', 'az:hla', 'az:hala wallah', 'az:sabah el kheir', 'az:sabah al khair',
  'az:sabah el 5eer', 'az:saba7 el 5er', 'az:sabah alkhair', 'az:masa el kheir', 'az:masa al khair', 'az:masa el 5eer',
  'az:kifak', 'az:kifik', 'az:keefak', 'az:keefik', 'az:kaifak', 'az:izayak', 'az:ezayak', 'az:ezayek', 'az:izayek',
  'az:shlonak', 'az:shlonk', 'az:shlonkom', 'az:3amel eh', 'az:3amel eih', 'az:kef al7al', 'az:kif el 7al', 'az:keef al hal',
  // Other languages
  'hola', 'buenos dias', 'buenas tardes', 'buenas noches', 'buenas', 'bonjour', 'bonsoir', 'salut', 'ola', 'oi', 'bom dia',
  'boa tarde', 'boa noite', 'guten tag', 'guten morgen', 'guten abend', 'merhaba', 'selam', 'gunaydin', 'halo',
  'selamat pagi', 'selamat siang', 'selamat sore', 'selamat malam', 'ciao', 'buongiorno', 'buonasera', 'namaste', 'privet',
  'привет', 'здравствуйте', 'добрый день', 'नमस्ते', 'नमस्कार', 'shalom', 'שלום', 'こんにちは', '你好', '안녕하세요', 'درود',
]);

// =============================================================================================
// Acknowledgment (thanks, ok, goodbye)

export const ACK_THANKS = group('thanks', [
  ...words('thanks thank thx thnx thnks tnx tks ty tysm tyvm thanku thankyou cheers appreciated grateful'),
  'thank you', 'thank u', 'many thanks', 'appreciate it', 'much appreciated', 'i appreciate',
  'يعطيك الصحه', 'الله يعطيك الصحه', 'az:chokran', 'az:choukran', 'az:ya3tik sa7a', 'az:baraka allah fik',
  'شكرا', 'شكرن', 'شكر', 'مشكور', 'مشكوره', 'مشكورين', 'متشكر', 'متشكره', 'متشكرين', 'ممنون', 'ممنونه', 'الف شكر',
  'شكرا جزيلا', 'يعطيك العافيه', 'يعطيكم العافيه', 'الله يعطيك العافيه', 'يعطيك الف عافيه', 'تسلم', 'تسلمي', 'تسلمين', 'تسلمو',
  'تسلموا', 'يسلمو', 'يسلموا', 'يسلمك', 'تسلم ايدك', 'تسلم يدك', 'جزاك الله خير', 'جزاكم الله خير', 'جزاك الله خيرا',
  'جزاكم الله خيرا', 'الله يجزاك خير', 'بارك الله فيك', 'بارك الله فيكم', 'كثر الله خيرك', 'كتر خيرك', 'ما قصرت', 'ما قصرتوا',
  'ما قصرتو', 'الله يسعدك', 'الله يوفقك', 'الله يحفظك', 'ربي يحفظك', 'الله يعافيك', 'تشكر', 'مرسي', 'ميرسي', 'ثانكس',
  'az:shukran', 'az:shokran', 'az:shukrn', 'az:shokrn', 'az:shukrun', 'az:mashkoor', 'az:mashkor', 'az:mashkur', 'az:mashkoora',
  'az:mashkorin', 'az:mamnoon', 'az:mamnun', 'az:motashakker', 'az:mtshkr', 'az:tislam', 'az:teslam', 'az:tslm', 'az:yeslamo',
  'az:yslmo', 'az:yislamo', 'az:ya3tik el 3afye', 'az:ya3tik al3afia', 'az:ya3teek el3afia', 'az:ya3tik al 3afia',
  'az:yatik alafia', 'az:ya3t* el 3af*', 'az:ya3t* al 3af*', 'az:ya3t* al3af*', 'az:ya3t* 3af*', 'az:ya3t* el3af*', 'az:jazak allah', 'az:jazakallah', 'az:jazak allah khair', 'az:ma 2asart', 'az:ma qasart', 'az:merci',
  ...words('gracias merci obrigado obrigada danke grazie tesekkurler tesekkur sagol makasih spasibo shukriya dhanyavad'),
  'muchas gracias', 'merci beaucoup', 'terima kasih', 'vielen dank', 'danke schon', 'спасибо', 'धन्यवाद', 'शुक्रिया', 'شكريه',
  'תודה', 'ありがとう', '谢谢', '감사합니다', 'ممنونم', 'مرسی',
]);

export const ACK_OK = group('ok', [
  ...words('ok okay okey okie oki okk kk k alright sure fine noted cool great perfect awesome excellent nice good lovely'),
  ...words('amazing wonderful brilliant super yes yeah yea yep yup ya no nope nah done received understood agreed correct exactly right'),
  'got it', 'all right', 'sounds good', 'will do', 'no problem', 'np', 'no worries', 'that is all', 'thats all', 'thats it', 'that is it',
  'all good', 'ok then', 'okay then', 'very good', 'very nice', 'of course', 'ok sure', 'fair enough', 'i see', 'makes sense',
  'got the package', 'got my order', 'received it', 'it arrived', 'arrived thanks', 'love it', 'i love it',
  'تمام', 'اوكي', 'اوك', 'اوكيه', 'اوكى', 'طيب', 'ماشي', 'حاضر', 'ابشر', 'ان شاء الله', 'انشاء الله', 'انشالله', 'ايوه', 'ايوا',
  '=اي', '=اه', 'نعم', '=لا', 'تم', 'ممتاز', 'رائع', 'حلو', 'زين', 'جميل', 'كويس', 'خلاص', 'مافي مشكله', 'ما في مشكله', 'مفيش مشكله',
  'ولا يهمك', 'عادي', 'فهمت', 'واضح', 'اكيد', 'تمام التمام', 'وصل', 'وصلت', 'وصلني', 'استلمت', 'تم الاستلام', 'استلمته',
  'الحمد لله', 'الحمدلله', 'يب', 'يس', 'اوكيز', 'مزبوط', 'صح', 'صحيح', 'مظبوط', 'بالضبط', 'ok', 'طيب شكرا', 'على راسي',
  'az:tamam', 'az:tmam', 'az:khalas', 'az:5alas', 'az:5las', 'az:tayeb', 'az:tayb', 'az:taieb', 'az:mashi', 'az:mashy',
  'az:7ader', 'az:hader', 'az:abshir', 'az:abshr', 'az:inshallah', 'az:insha2allah', 'az:inshaallah', 'az:enshallah',
  'az:zain', 'az:zein', 'az:kwayes', 'az:kwayis', 'az:mnih', 'az:mni7', 'az:aywa', 'az:aiwa', 'az:ewa', 'az:na3am', 'az:la2',
  'az:wasal', 'az:wesel', 'az:alhamdulillah', 'az:el7amdella', 'az:7elw', 'az:helw',
  ...words('vale claro perfecto listo beleza certo entendi daccord parfait tamam tamamdir genau passt baik oke siap'),
]);

export const ACK_BYE = group('bye', [
  ...words('bye byee goodbye cya ttyl gn'),
  'bye bye', 'see you', 'see ya', 'see you soon', 'take care', 'have a nice day', 'have a good day', 'have a great day',
  'good night', 'goodnight', 'talk later', 'talk soon', 'later bye', 'enjoy your weekend', 'have a good one',
  're:have a (?:nice|good|great|lovely|wonderful|blessed|happy|safe) (?:day|evening|night|weekend|week|one|time|trip|flight|holiday)',
  'جمعه مباركه', 'يومك سعيد', 'نهارك سعيد', 'ويكند سعيد',
  'مع السلامه', 'باي', 'في امان الله', 'الله معك', 'تصبح على خير', 'تصبحون على خير', 'تصبحي على خير', 'نلتقي', 'سلامات',
  'يومك سعيد', 'ليلتك سعيده', 'الى اللقاء', 'اشوفك', 'يلا باي', 'يلا سلام',
  'az:bye', 'az:ma3 salama', 'az:ma3 el salama', 'az:ma3a alsalama', 'az:ma3 elsalama', 'az:yalla bye', 'az:yalla salam',
  'az:fe aman allah', 'az:fi aman allah', 'az:tsba7 3ala 5er', 'az:tesba7 3ala kheir',
  ...words('adios chao tchau tschuss ciao'), 'au revoir', 'hasta luego', 'bis bald', 'hoscakal', 'sampai jumpa',
]);

// =============================================================================================
// "Let me think" (other, no reply needed)

export const DEFER = group('defer', [
  'let me think', 'ill think', 'i will think', 'i think about it', 'will think about it', 'thinking about it', 'need to think',
  'ill get back to you', 'i will get back to you', 'get back to you', 'ill let you know', 'i will let you know', 'will let you know',
  'let you know', 'ill confirm later', 'i will confirm later', 'maybe later', 'later maybe', 'not now', 'not right now', 'ill check',
  'i will check', 'let me check', 'let me see', 'ill see', 'i will see', 'ill ask my', 'i will ask my', 'need to ask my', 'have to ask my',
  'let me ask', 'not sure yet', 'ill decide', 'will decide', 'ill come back', 'i will come back', 'ill contact you', 'ill call you',
  'ill message you', 'ill text you', 'ill reach out', 'ill be in touch', 'ill order later', 'ill buy later', 'maybe next time',
  'next time', 'ill think it over', 'give me time', 'give me some time', 'give me a moment', 'one moment', 'one sec', 'just a moment',
  'ill revert', 'ill tell you', 'i will tell you', 'tell you later', 'ill inform you', 'will message later',
  'message later', 'ill message later', 'maybe tomorrow', 'maybe next week', 're:will (?:message|text|call|write) (?:you )?later',
  'بكره ان شاء الله', 'ان شاء الله بكره', 'بكرا ان شاء الله', 'ان شاء الله بكرا', 'اقولك', 'اقلك', 'بقلك', 'اخبرك', 'اعلمك', 'بعلمك', 'بكره اقولك', 'بكرا بقلك', 'ارد لك', 'برد لك بعدين', 'الاسبوع الجاي',
  'خليني افكر', 'خلني افكر', 'خليني اشوف', 'خلني اشوف', 'بفكر', 'افكر', 'بفكر فيها', 'افكر فيها', 'بشوف', 'اشوف واقولك',
  'اشوف وارد عليك', 'اشوف وارجع لك', 'برجع لك', 'ارجع لك', 'راجع لك', 'برد عليك', 'برد عليكم', 'ارد عليكم', 'نرد عليكم', 'ارد عليك', 'برد لك', 'برجعلكم', 'برجع لكم', 'بكلمك بعدين',
  'بكلمكم بعدين', 'اكلمك بعدين', 'بعدين', 'لاحقا', 'مو الحين', 'مب الحين', 'مش دلوقتي', 'مش هلق', 'مش هلا', 'اشاور', 'بشاور',
  'هشاور', 'اسال زوجي', 'اسال زوجتي', 'هفكر', 'هشوف', 'هرد عليك', 'هرجعلك', 'هرجع لك', 'رح فكر', 'رح شوف', 'رح رد', 'بخبرك',
  'بقولك', 'بعطيك خبر', 'اعطيك خبر', 'ابلغك', 'ببلغك', 'دقيقه وحده', 'لحظه', 'لحظات', 'ثواني', 'ان شاء الله بعدين',
  'مب متاكد', 'مو متاكد', 'مش متاكد', 'لسا بفكر', 'لسه بفكر',
  'az:khalini afakir', 'az:5alini afaker', 'az:khalini afaker', 'az:5aleeni afakir', 'az:bafakker', 'az:bafaker', 'az:bafakar',
  'az:bashoof', 'az:ashoof', 'az:bashuf', 'az:barja3lak', 'az:barja3 lak', 'az:arja3lak', 'az:ba3den', 'az:ba3dain', 'az:b3dain',
  'az:inshallah bokra', 'az:bokra inshallah', 'az:inshallah bukra', 'az:bukra inshallah', 'az:mesh delwa2ty', 'az:mish halla2', 'az:mo el7een', 'az:la7za', 'az:da2i2a',
  'lo pienso', 'lo voy a pensar', 'te aviso', 'je vais reflechir', 'vou pensar', 'ich uberlege',
]);

// =============================================================================================
// Pricing

export const PRICING = group('price', [
  ...words('price* pricing pricelist cost costs costing quote* quotation* discount* coupon* voucher* promo promocode'),
  ...words('cheap cheaper cheapest expensive pricey affordable budget rates fee fees tariff'), 'wholesale price*', 'wholesale rate*',
  'how much', 'how mch', 'hw much', 'how much is', 'how much for', 'how much does', 'how much do', 'how much would',
  'what does it cost', 'whats the cost', 'the cost', 'delivery charge*', 'shipping charge*', 'shipping fee', 'delivery fee',
  'free shipping', 'free delivery', 'shipping free', 'delivery free', 'مجاني', 'مجانا', 'ببلاش', 'توصيل مجاني', 'شحن مجاني', 'az:majani', 'az:bbalash',
  'any offer*', 'any deal*', 'any sale', 're:(?:the|this|that|your|an|ur) (?:offer|deal|promo|promotion|sale|discount)s?(?![\\p{L}\\p{N}])', 'on sale', 'special offer', 'best offer', 'last price', 'final price', 'best price',
  'good price', 'price list', 'your prices', 'promo code', 'discount code', 'payment plan', 'in installments', 'installment*',
  'total amount', 'the total', 'how much total', 'how much in total', 'how much altogether', 'can you do it for', 're:lower (?:the )?price',
  're:(?:\\d+ ?(?:sar|sr|aed|egp|usd|kwd|qar|omr|bhd|jod|dhs|dirham|riyal|riyals|dollars|le|pounds|dinar)|(?:sar|aed|usd|egp) ?\\d+)',
  // Arabic
  'سعر', 'اسعار', 'سعره', 'سعرها', 're:(?<!(?:مرحبا|اهلا|هلا|مرحب|سهلا|حيا الله|اهلين|نرحب|ارحب|يرحب|اتصل|تواصل|اتواصل|نتواصل|اثق|نثق|فخورين|نفخر) )(?:و|ف)?بكم(?![\\p{L}\\p{N}])', 'بكام', 'بقديش', 'قديش', 'قديه', 'قداش', 'بقداش', 'شكد', 'شقد', 'بشكد', '=بيش', 'كم سعر',
  'ثمن', 'تكلفه', 'يكلف', 'تكلف', 'كلفه', 'خصم', 'خصومات', 'تخفيض', 'تخفيضات', 'تنزيلات', 'عروض', 'عرض', 'اوفر', 'كوبون',
  'كود خصم', 'كود الخصم', 'برومو', 'بروموكود', 'ارخص', 'رخيص', 're:(?<!يا )(?:غالي|غاليه|غالين)', 'رسوم', 'رسوم التوصيل', 'رسوم الشحن',
  'اجمالي', 'المبلغ', 'كم المبلغ', 'كم الاجمالي', 'كم المجموع', 'كم الحساب', 'كم الكلفه', 'كم التكلفه', 'كم حقه', 'كم حقها',
  'كم حق', 'بكم الحبه', 'كم الحبه', 'كم القطعه', 'كم الكيلو', 'كم الواحد', 'كم الواحده', 'كم التوصيل', 'كم الشحن', 'كم يكلف',
  'كم تكلف', 'كم ثمن', 'كم ريال', 'كم درهم', 'كم جنيه', 'كم دينار', 'كم دولار', 'كام جنيه', 'كام سعر', 'كام تمن', 'تمن', 'بتمن',
  'بشحال', 'شحال', 'بكداش', 'az:bchhal', 'az:b4hal', 'az:bshal', 'az:ch7al', 'az:bch7al', 'az:9adash', 'az:b9adash', 'az:gadash',
  'قسط', 'اقساط', 'تقسيط', 'بالتقسيط', 'سعر الجمله', 'اسعار الجمله', 'اخر سعر', 'احسن سعر', 'افضل سعر', 'ميزانيه',
  're:(?:ب)?(?:كم|كام|قديش|شكد|بقديش)(?: (?:سعر|حق|ثمن|تمن))? (?!(?:الساعه|الوقت|العمر|المقاس|الوزن|الطول|العرض|العدد|الكميه|المده|السنه|الشهر|الاسبوع|اليوم|الدقيقه|المره|الباقي|المتبقي|الحجم|النمره|الرقم)(?![\\p{L}\\p{N}]))ال\\p{L}+',
  're:(?<![\\p{L}\\p{N}])(?<!(?:مرحبا|اهلا|هلا|مرحب|سهلا|حيا الله|اهلين|نرحب|ارحب|يرحب|اتصل|تواصل|اتواصل|نتواصل) )(?:و|ف)?(?:ب)?(?:كم|كام)(?: (?:هذا|هذي|هاذا|هاذي|ذا|ذي|هاد|هادا|هادي|دا|ده|دي|هذه|هذول|هذا الشي|هاي|سعره|سعرها|حقه|حقها|بس))*$',
  're:^(?:و|ف)?(?:ب)?(?:كم|كام)(?= (?:هذا|هذي|هاذا|هاذي|ذا|ذي|هاد|هادا|هادي|دا|ده|دي|هذه|حقه|حقها))',
  're:(?<![\\p{L}\\p{N}])(?:ريال|درهم|جنيه|دينار|دولار|ليره|رس)(?![\\p{L}\\p{N}])',
  // Arabizi
  'az:si3r', 'az:se3r', 'az:sa3r', 'az:si3ro', 'az:se3ro', 'az:si3rha', 'az:as3ar', 'az:es3ar', 'az:bkam', 'az:b kam', 'az:bikam',
  'az:bekam', 'az:bkm', 'az:bikm', 'az:kam', 'az:kam el', 'az:adesh', 'az:2desh', 'az:addesh', 'az:2adesh', 'az:adeh', 'az:2adeh',
  'az:shkad', 'az:shgad', 'az:bish', 'az:taklifa', 'az:khasm', 'az:5asm', 'az:3ard', 'az:3orood', 'az:3roud', 'az:tamanha', 'az:tamano',
  'az:ghali', 'az:8ali', 'az:ar5as', 'az:arkhas',
  // Other languages
  'precio*', 'cuanto cuesta', 'cuanto vale', 'cuanto es', 'cuanto sale', 'preco*', 'quanto custa', 'quanto e', 'quanto fica', 'prix',
  'combien', 'preis*', 'kostet', 'wie viel', 'wieviel', 'fiyat*', 'ne kadar', 'kac para', 'harga*', 'berapa', 'prezzo', 'quanto costa',
  'skolko', 'kitna', 'kitne', 'сколько', 'сколько стоит', 'цена', 'цену', 'стоимость', 'стоит', 'कीमत', 'कितना', 'कितने', 'दाम',
  'قيمت', 'چند', 'چنده', 'چقدر', 'قيمتش', 'کتنے',
]);

// =============================================================================================
// Order: place, confirm, change, cancel

export const ORDER_STRONG = group('order', [
  'i want to order', 'i wanna order', 'id like to order', 'i would like to order', 'want to order', 'like to order', 'wish to order',
  'i want to buy', 'i wanna buy', 'id like to buy', 'i would like to buy', 'want to buy', 'like to buy', 'i want to purchase',
  'like to purchase', 'want to purchase', 'i will buy', 'ill buy', 'ill take', 'i will take', 'i take',
  'place an order', 'place order', 'place my order', 'make an order', 'put an order', 'new order', 'order now', 'can i order',
  'could i order', 'how do i order', 'how can i order', 'how to order', 'i want to place', 'book it', 'book one', 'book me',
  'reserve', 'reserve one', 'pre order', 'preorder', 'checkout', 'add to cart', 'add to my order', 'add one more', 'add another',
  'confirm my order', 'confirm the order', 'confirm order', 'i confirm', 'confirming my order', 'order confirmed', 'go ahead with',
  'proceed with', 'send me one', 'send me two', 're:send (?:me |us )?(?:\\d+|one|two|three|four|five|a few|some|another|more)(?: more)?(?: of)?(?: (?:the|these|those|them|same|it))?', 'same as last time', 'same order as', 'the usual', 'my usual', 'repeat my order', 'reorder', 'نفس المره', 'زي المره', 'مثل المره', 'مثل اخر مره', 'زي اخر مره', 'deliver it to', 'ship it to',
  'my address is', 'deliver to my', 'cash on delivery please', 'ill pay cash', 'i will pay', 'ill pay', 'ready to pay',
  'order placed', 'placed the order', 'please confirm', 'pls confirm', 'confirm please', 'put me down for', 'count me in', 'sign me up', 'go ahead', 'ship it', 'send it', 'deliver it', 'ill order', 'i will order',
  'i want this one', 'i want that one', 'i want the', 'i want one', 'i want two', 're:i (?:want|need|ned) \\d+',
  'i need one', 'i need two', 'i ned one', 'ill have', 'i will have', 'id like the', 'id like one', 'i would like the', 'i want it',
  'i want them', 'i want both', 'i want this', 'i want that', 'ill take it', 'ill take them',
    're:(?:dont|do not) (?:stop|cancel) (?:the|my|this) order',
  're:^(?:yes |ok |okay |yeah |yep )?(?:i )?(?:confirm|confirmed)(?: (?:it|please|pls|order|the order|my order|thanks))*$',
  're:^(?:نعم |ايوه |ايوا |اي |تمام |اوكي )?(?:اكد|اكده|اكدها|اكدوا|تاكيد|اعتمد|اعتمده|اكيد اكد)(?: (?:الطلب|لو سمحت|من فضلك))*$',
  // Arabic
  'ارغب في شراء', 'ارغب بشراء', 'ارغب في طلب', 'ارغب بطلب', 'اود شراء', 'اود طلب', 'اود ان اطلب', 'اود ان اشتري', 'بغيت نشري',
  'بغيت نطلب', 'نحب نطلب', 'نحب نشري', 'az:bghit nchri', 'az:bghit nchri', 'az:bghit ntlob', 'az:n7eb nechri',
  're:(?:can|could|may) (?:i|we) (?:get|have|grab|take|buy|order|reserve|book)(?! (?:a |an |my |the |some |any |more )?(?:refund|discount|receipt|invoice|help|answer|reply|update|tracking|quote|price|response|call|idea|info|information|confirmation|photo|picture|video|catalog|catalogue|menu|details|list|link|number|code|sample|back|through|in touch|my money))',
  'ابي اطلب', 'ابغى اطلب', 'ابغا اطلب', 'ابغي اطلب', 'ابا اطلب', 'اريد اطلب', 'اريد ان اطلب', 'عايز اطلب', 'عاوز اطلب', 'عايزه اطلب',
  'بدي اطلب', 'بدنا نطلب', 'حاب اطلب', 'حابه اطلب', 'ودي اطلب', 'نبي نطلب', 'نبغى نطلب', 'كيف اطلب', 'ازاي اطلب', 'اطلب', 'نطلب',
  'طلب جديد', 'اعمل طلب', 'اسوي طلب', 'ابي اشتري', 'ابغى اشتري', 'ابغا اشتري', 'اريد اشتري', 'اريد شراء', 'عايز اشتري',
  'عاوز اشتري', 'بدي اشتري', 'حاب اشتري', 'ودي اشتري', '=اشتري', '=بشتري', '=حشتري', '=هشتري', 'شراء', 'ابي احجز', 'ابغى احجز', 'بدي احجز',
  'عايز احجز', 'احجز', 'احجزلي', 'احجز لي', 'حجز', 'ابيه', 'ابغاه', 'ابيها', 'ابغاها', 'عايزه', 'عاوزه', 'بدي ياه', 'بدي اياه',
  'ابي واحد', 'ابغى واحد', 'ابي ثنين', 'ابي اثنين', 'ابي حبه', 'ابي حبتين', 'اريد واحد', 'عايز واحد', 'بدي واحد', 'ابي قطعه',
  're:(?:ابي|ابغي|ابغا|ابا|اريد|عايز|عاوز|عايزه|بدي|حاب|ودي|نبي) \\d+',
  'سجل عندك', 'سجلوا عندكم', 'طلبين', 're:(?:\\d+|ثلاث|تلات|اربع|خمس) طلبات', 'سجل لي', 'سجلي', 'سجلوا لي', 'سجلولي', 'احجزوا لي', 'احجزولي', 'خذ الطلب', 'سجل الطلب', 'ارسلوه لي', 'ابعتوه لي', 'توكلوا', 'توكل على الله', 'اعتمد', 'اكد الطلب', 'اكد طلبي', 'اكدوا الطلب', 'اكد لي الطلب', 'تاكيد الطلب', 'تاكيد طلبي',
  'اكدت', 'ثبت الطلب', 'ثبتلي', 'اضيف', 'ضيف', 'ضيفلي', 'زود', 'زيد', 'زيدلي', 'نفس الطلب', 'عنواني', 'هذا عنواني',
  'ارسله على', 'ارسلوه', 'ابعتوه', 'ابعتهولي', 'جهزوا', 'جهز', 'جهزلي', 'اشحنوه', 'اشحنه', 'بدفع',
  'ابي هذا', 'ابي هذي', 'ابغى هذا', 'ابغى هذي', 'عايز ده', 'عايز دي', 'بدي هاد', 'بدي هيدا', 'بدي هاي', 'ابي ذا', 'اخذ',
  'باخذ', 'راح اخذ', 'بخذ', 'هاخد', 'هاخذ', 'اخد',
  // Arabizi
  'az:abi atlob', 'az:abgha atlob', 'az:ab8a atlob', 'az:abga atlob', 'az:3ayez atlob', 'az:3awz atlob', 'az:baddi otlob',
  'az:badi otlob', 'az:bdi otlob', 'az:atlob', 'az:atlub', 'az:a6lob', 'az:a6lb', 'az:otlob', 'az:talab jdid', 'az:talab gdid',
  'az:abi ashtri', 'az:ab8a ashtri', 'az:abgha ashtri', 'az:3ayez ashtri', 'az:baddi ashtri', 'az:ashtri', 'az:ashtari',
  'az:ba5od*', 'az:ba5d*', 'az:hakhod*', 'az:ha5od*', 'az:3nwani', 'az:3enwani', 'az:3onwani', 'az:abih', 'az:abiha', 'az:ab8ah', 'az:ab8aha', 'az:3ayzo', 'az:3ayzha', 'az:ba5od', 'az:ba5ed', 'az:hakhod', 'az:ha5od',
  'az:a7joz', 'az:ahjoz', 'az:akked', 'az:akkid', 'az:confirm',
  // Other languages
  'quiero comprar', 'quiero pedir', 'hacer un pedido', 'quisiera pedir', 'quiero ordenar', 'je veux commander', 'je voudrais commander',
  'commander', 'quero comprar', 'quero pedir', 'fazer um pedido', 'ich mochte bestellen', 'bestellen', 'siparis vermek',
  'siparis vermek istiyorum', 'almak istiyorum', 'mau pesan', 'mau beli', 'saya mau', 'ingin membeli',
]);

/** Weak order cues: a bare "I want ...", a correction of a choice. Only decide when nothing stronger matched. */
export const ORDER_WEAK = group('want', [
  're:i (?:want|ned|need|wana|would like|d like)(?! to know)(?! help)(?! a refund)(?! my money)',
  'id like', 'looking for', 'send me', 'need it', 'need them', 'want it', 'want them', 'i meant', 'i mean the', 'the other one', 'not that one', 'instead of', 'i prefer',
  'بغيت', 'نحب', 'ارغب', 'اود', 'az:bghit', 'ابي', 'ابغى', 'ابغا', 'ابغي', 'اريد', 'عايز', 'عاوز', 'عايزه', 'بدي', 'حاب', 'حابه', 'ودي', 'نبي', 'نبغى', 'محتاج', 'محتاجه',
  'قصدي', 'لا قصدي', 'اقصد', 'بدل',
  're:(?:one|two|three|four|five|six|ten|a dozen|\\d+) (?:of (?:them|these|those|the)|pieces|pcs|boxes|units|tickets|bottles|packs|kg|kilos|sets|pairs|items|cartons)',
  're:(?:وحده|واحد|ثنين|اثنين|اتنين|ثلاث|تلات|اربع|خمس|\\d+) (?:حبه|حبات|قطعه|قطع|علبه|علب|كرتون|كراتين|كيلو|باكيت|تذكره|تذاكر|بوكس)', 'ارسل لي', 'ارسلي', 'ابعتلي', 'ابعت لي', 'ابعثلي', 'ارسلوا', 'ابعتوا',
  'az:abi', 'az:abgha', 'az:abga', 'az:ab8a', 'az:abghi', 'az:3ayez', 'az:3ayz', 'az:3aiz', 'az:3awz', 'az:3awez', 'az:3ayza',
  'az:baddi', 'az:badi', 'az:bdi', 'az:bidi', 'az:biddi', 'az:ayez', 'az:ab8a wa7ed', 'az:abi wa7ed', 'az:2asdi', 'az:asdi',
  'quiero', 'je veux', 'quero', 'ich mochte', 'istiyorum', 'saya mau',
]);

export const ORDER_CHANGE = group('order_change', [
  'cancel my order', 'cancel the order', 'cancel order', 'cancel this order', 'cancel that order', 'cancel my purchase',
  'cancel it', 'cancel the', 'cancel my', 'how do i cancel', 'how can i cancel', 'how to cancel', 'want to cancel', 'i want to cancel',
  'like to cancel', 'need to cancel', 'cancellation', 'change my order', 'change the order', 'change order', 'modify my order',
  'modify the order', 'update my order', 'edit my order', 'amend my order', 'change the size', 'change the colour', 'change the color',
  'change the address', 'change my address', 'change delivery address', 'change the delivery', 'change the quantity',
  'different size', 'different color', 'different colour', 'stop the order', 'stop my order', 'hold the order', 'hold my order',
  're:add (?:[\\p{L}\\p{N}]+ ){0,4}(?:to|in|into|on) (?:(?:my|the|this|that) )?(?:order|cart|basket|bag)', 'changed my mind', 'please cancel', 'pls cancel',
  're:(?:the |my )?address (?:is |was )?(?:wrong|incorrect|not correct)',
  're:(?:لا|ما) (?:تلغي|تلغون|تلغوا|تلغو|تكنسل|تكنسلوا|توقف|توقفوا|توقفون|تلغيه|تلغوه)',
  're:(?:وقف|وقفوا|اوقف|اوقفوا|اجل|اجلوا|اخر|اخروا|علق|علقوا|ت(?:وقف|اجل|اخر|علق)(?:ون|وا|ين)|ن(?:وقف|اجل|اخر))(?: لي| لنا)? (?:ال)?(?:توصيل|شحن|طلب|شحنه|ارسال|اوردر)',
  'العنوان غلط', 'غيرت رايي', 'غيرت رأيي', 'ما ابيه خلاص',
  'delay the delivery', 'postpone', 'reschedule', 'swap', 'switch it to', 'switch to', 're:(?:send|deliver|ship|bring) (?:it |them |the order |my order )?to (?:my|the|this|another|a different|a new) (?:office|work|home|house|address|location|branch|friend|brother|sister|mother|father)',
  'different address', 'new address', 'another address', 'other address', 'عنوان ثاني', 'عنوان جديد', 'عنوان تاني', 'عنوان اخر', 'change it to', 'change to', 're:(?:can|could|may) (?:i|we|you) (?:switch|change|swap|upgrade|downgrade) (?:it|to|the|my)',
  're:(?:stop|hold|pause|delay|postpone|cancel|freeze|suspend) (?:the |my |this |that |our )?(?:delivery|shipment|shipping|order|parcel|package|subscription|plan|membership|box)',
  're:(?:dont|do not|pls dont|please dont) (?:send|ship|deliver|dispatch|process) (?:the|my|this|it)',
  're:(?:لا|ما|بلاش) (?:ترسل|ترسلوا|ترسلون|تشحن|تشحنوا|توصل|توصلوا|تبعت|تبعتوا|تجهز|تجهزوا)(?: \\p{L}+)? (?:ال)?(?:طلب|اوردر|شحنه|طرد|منتج)',
  're:(?:change|modify|update|edit|switch|correct) (?:the |my |delivery |shipping |order |of |to )*(?:address|size|colou?r|quantity|order|delivery date|delivery time|item|model|pickup)',
  're:(?:[وف])?(?:ا|ن|ب|بن|ت|ي|تقدر ت|ممكن ت|ممكن ا|ابي ا|ابغي ا|بدي |عايز ا)?(?:غير|بدل|عدل)(?:ي|وا|و|ون|ين|لي|يلي|ولي|ونه|وه)? (?:لي |لنا )?(?:ال)?(?:عنوان|مقاس|لون|طلب|موعد|كميه|اوردر|منتج|توصيل|حجم|موديل)',
  // Arabic
  'الغي الطلب', 'الغاء الطلب', 'الغوا الطلب', 'الغي طلبي', 'الغاء طلبي', 'ابي الغي الطلب', 'ابغى الغي الطلب', 'بدي الغي الطلب',
  'عايز الغي الطلب', 'ابي الغيه', 'الغيه', 'الغوه', 'كنسل', 'كنسلوا', 'كانسل', 'كنسل الطلب', 'الغي الاوردر', 'الغاء الاوردر',
  'غير الطلب', 'غيروا الطلب', 'تغيير الطلب', 'تعديل الطلب', 'عدل الطلب', 'عدلوا الطلب', 'ابي اغير', 'ابغى اغير', 'بدي غير',
  'عايز اغير', 'ابي اعدل', 'ابغى اعدل', 'ابي ابدل', 'ابغى ابدل', 'غير المقاس', 'غير اللون', 'غير العنوان', 'تغيير العنوان',
  'تغيير المقاس', 'تغيير اللون', 'اجل الطلب', 'اجلوا', 'تاجيل', 'وقف الطلب', 'اوقف الطلب', 'لا توقف الطلب', 'لا تلغي',
  'لا ترسل الطلب', 'لا تشحن', 'مقاس ثاني', 'لون ثاني', 'لون تاني', 'مقاس تاني', 'بدل ما',
  'az:alghi el talab', 'az:elghi el talab', 'az:ilghaa', 'az:cancel el order', 'az:cancel el talab', 'az:kansel', 'az:ghayer',
  'az:3ayer', 'az:8ayer', 'az:3adel', 'az:ta3deel',
  'cancelar pedido', 'cancelar mi pedido', 'annuler ma commande', 'annuler la commande', 'cancelar o pedido', 'stornieren', 'iptal',
]);

// =============================================================================================
// Support: an order's whereabouts, technical problems, help with a product

export const SUPPORT_WHERE = group('where_is_order', [
  're:(?:delivery|shipment|order|parcel|package|tracking|courier|driver) (?:has |have |is |was |got |seems )?(?:stopped|stop|stuck|paused|on hold|not moving|not updating|lost)',
  're:why (?:did|is|has|hasnt|isnt) (?:the |my )?(?:delivery|shipment|order|parcel|package|tracking)',
  're:where (?:is|are|s)? ?(?:my|the|our) (?:[\\p{L}\\p{N}]+ ){0,2}(?:order|package|parcel|delivery|shipment|stuff|items?|purchase|refund|box|courier|driver)',
  're:what (?:happened|happens) (?:to|with) (?:my|the) (?:order|package|parcel|delivery|shipment|refund)',
  're:(?:any )?(?:news|update|updates|info|information) (?:on|about|regarding|for) (?:my|the) (?:order|package|parcel|delivery|shipment|refund)',
  're:(?:وين|فين|وينه|فينه|وينها) (?:\\p{L}+ ){0,2}(?:طلبي|الطلب|اوردري|الاوردر|شحنتي|الشحنه|الطرد|طردي|اغراضي|الاغراض|البضاعه|المنتج|المندوب|السواق|الكابتن|فلوسي|المبلغ)',
  're:(?:التوصيل|الشحن|الطلب|الشحنه|الطرد|التتبع|المندوب) (?:توقف|وقف|واقف|متوقف|معلق|علق|ضايع|ضاع)',
  're:(?:ضروري|لازم|مهم) (?:ي|ت)(?:وصل|جي)',
  'لم يتم التوصيل', 'لم يتم توصيل', 'لم يتم الشحن', 'لم يتم شحن', 'لم يتم استلام', 'لم استلم', 'لم يصلني', 'لم تصلني',
  'should have arrived', 'supposed to arrive', 'supposed to be delivered', 'supposed to come', 'was due', 'المفروض يوصل', 'المفروض وصل',
  'كان المفروض', 'المفروض يجي', 'customs', 'stuck in customs', 'الجمارك', 'عالق', 'عالقه', 'محجوز', 'محجوزه',
  're:(?:الطلب|الاوردر|طلبي|اوردري|الشحنه)(?: \\p{L}+)? (?:اتلغي|انلغي|تلغي|اتكنسل|انكنسل|اتوقف|اترجع|رجع)',
  'what happened to my order', 'any news', 'status update', 'never came', 'never showed up', 'didnt show up', 'no show',
  're:(?:says|shows|showing|marked|marked as|status says|it says) (?:it was |as |its |it |that it was )?delivered but', 'dont have it',
  'never got it', 'didnt get it', 'didnt get my', 'havent got my', 'havent gotten',
  're:(?:مكتوب|يقول|يقولون|طالع|ظاهر)(?: \\p{L}+){0,2} (?:وصل|تم التوصيل|تم التسليم|اتسلم|استلمت)', 'تم التوصيل وانا',
  're:(?:الطرد|الطلب|طلبي|الشحنه|الاوردر|اوردري|شحنتي|طردي|اغراضي|الغرض|المندوب)(?: \\p{L}+)? (?:وين|فين|وينه|فينه|وين صار|وين وصل)',
  'وين صار', 'وين وصل', 'فين وصل', 'stopped getting updates', 'no updates', 'no tracking',
  're:(?:did|was|has|is|have) (?:my|the|our) (?:order|package|parcel|shipment) (?:get |been |got |already )?(?:cancel+ed|canceled|shipped|sent|dispatched|delivered|processed|confirmed|received|lost)',
  're:(?:still|yet) (?:no|not|hasnt|havent|didnt|nothing) ?(?:[\\p{L}]+ ){0,2}(?:package|parcel|order|delivery|shipment|item|items|sign of|news|update|tracking)',
  're:when (?:will|is|does|would|can|should) (?:my|the|our|it|this|they|i) (?:[\\p{L}\\p{N}]+ ){0,2}(?:arrive|come|be delivered|be here|ship|be shipped|get here|reach|get it|receive it|get my)',
  're:(?:الاوردر|الطلب|طلبي|الشحنه|الطرد|اوردري|الغرض|اغراضي)(?: \\p{L}+)? (?:هيوصل|حيوصل|بيوصل|يوصل|راح يوصل|رح يوصل|يجي|هيجي|بيجي|توصل|هتوصل|بتوصل|بيجي)',
  're:(?:ليش|ليه|لماذا) (?:وقفتوا|وقفتو|الغيتوا|الغيتو|لغيتوا|كنسلتوا|اوقفتوا|رجعتوا|علقتوا|اخرتوا)',
  'where is my order', 'wheres my order', 'where is my package', 'wheres my package', 'where is my parcel', 'wheres my parcel',
  'where is my delivery', 'where is my shipment', 'where is my stuff', 'where is my item', 'where is the order', 'where is the package',
  'where is my', 'wheres my', 'track my order', 'track my package', 'track the order', 'track*',
  'tracking', 'order status', 'status of my order', 'status of the order', 'delivery status', 'shipping status', 'update on my order',
  'any update', 'any updates', 'hasnt arrived', 'has not arrived', 'havent arrived', 'not arrived', 'didnt arrive', 'did not arrive',
  'never arrived', 'still not arrived', 'hasnt come', 'didnt come', 'havent received', 'have not received', 'didnt receive',
  'did not receive', 'not received', 'never received', 'still not received', 'not delivered', 'wasnt delivered', 'was not delivered',
  'still waiting for my', 'still waiting for the', 'waiting for my order', 'waiting for my package', 'when will my order',
  'when will it arrive', 'when will it be delivered', 'when will i receive', 'when will i get my', 'when will it come',
  'when does my order', 'when is my order', 'when will my package', 'when will the order', 'when will you deliver my', 'is my order',
  'has my order', 'has it shipped', 'has it been shipped', 'been shipped', 'was it shipped', 'out for delivery', 'the courier',
  'the delivery stopped', 'delivery stopped', 're:order (?:number|no|num|#) ?\\d*',
  'my order number', 'stuck',
  // Arabic
  'وين طلبي', 'وين الطلب', 'وينه الطلب', 'وين الاوردر', 'وين اوردري', 'وين الشحنه', 'وين شحنتي', 'وين الطرد', 'وين الغرض', 'فين الطلب',
  'فين طلبي', 'فين الاوردر', 'فين الاوردر بتاعي', 'فين الشحنه', 'فين الطرد', 'وينه', 'وينها', 'فينه', 'فينها', 'طلبي وين',
  'الطلب وين', 'ايمتى يوصل', 'متى يوصل', 'متى بيوصل', 'متى راح يوصل', 'متى رح يوصل', 'متى يجي', 'متى بيجي', 'امتى يوصل',
  'امتى هيوصل', 'امتى يجي', 'امتى هيجي', 'ايمتى بيوصل', 'متى توصل', 'امتى توصل', 'متى يوصلني', 'متى توصلوني', 'متى توصلون طلبي',
  'تتبع', 'التتبع', 'رقم التتبع', 'رقم الشحنه', 'رقم الطلب', 'حاله الطلب', 'حاله طلبي', 'وضع الطلب', 'شركه الشحن', 'انشحن', 'اتشحن', 'تم الشحن',
  're:(?:ما|مش|مو|مب|لم|لسه|لسا|لسى|للحين|لحد الحين|لحد الان|بعده|ليش ما|ليه ما|لحد دلوقتي|لغايه الان|ولا) ?(?:\\p{L}+ )?(?:وصل|وصلت|وصلني|وصلتني|يوصل|توصل|يصل|تصل|يصلني|تصلني|يصلنا|يصلني|جا|جاني|جات|جاتني|اجا|اجى|واصل|واصله|استلم|استلمت|استلمته|يجي|وصلنا|يوصلني|اتشحن|انشحن|شحن|وصلش|وصلتش|جاش|جانيش)(?![\\p{L}\\p{N}])',
  're:(?:ماوصل|ماوصلني|ماجاني|ماجا|ماستلمت|ماوصلت|موواصل|مشواصل|موصلش|موصلتش)',
  // Arabizi
  'az:wen talabi', 'az:wen el talab', 'az:wein el talab', 'az:wen el order', 'az:wein el order', 'az:wen al order', 'az:fein el order',
  'az:fen el order', 'az:feen el order', 'az:feen el talab', 'az:fein el talab', 'az:wen talaby', 'az:wein talabi',
  'az:re:(?:wen|wein|ween|fein|fen|feen|fain|wain|wayn)(?: (?:el|al|l))? ?(?:order|orders|talab|talabi|talaby|delivery|shipment|sh7na|shohna|package|parcel|mandoob|mandoub|driver|tard|ghrad|aghradi)',
  'az:ma wasal', 'az:mawasal', 'az:mawsal', 'az:ma wesel', 'az:lissa ma wasal', 'az:lessa ma wasal', 'az:lsa ma wasal',
  'az:mesh wasel', 'az:msh wasel', 'az:mish wasel', 'az:mo wasel', 'az:mawasalsh', 'az:mawselsh', 'az:emta yewsal', 'az:emta yusal',
  'az:mata yoosal', 'az:mata yusal', 'az:imta yiwsal', 'az:emta hayewsal', 'az:emta yeegi', 'az:emta ygi', 'az:li7ad el7in',
  // Other languages
  'donde esta mi pedido', 'mi pedido no ha llegado', 'no ha llegado', 'no me ha llegado', 'ou est ma commande', 'pas recu',
  'pas encore recu', 'cade meu pedido', 'onde esta meu pedido', 'nao chegou', 'wo ist meine bestellung', 'nicht angekommen',
  'siparisim nerede', 'siparisim gelmedi', 'pesanan saya', 'belum sampai', 'belum datang',
]);

export const SUPPORT_TECH = group('tech_problem', [
  're:(?:wont|doesnt|does not|will not|isnt|is not|cant|cannot|didnt|did not|wouldnt|not) (?:pair|pairing|connect|connecting|charge|charging|work|working|turn on|start|open|load|loading|sync|print|printing|spin|heat|heating|cool|cooling|boot|respond|download|install|update|scan|read|recognize|detect|power on|switch on|close|lock|unlock|flush|drain|fit in|stay on)',
  're:(?:app|website|site|page|screen|phone|device|machine|it|printer|tv|laptop|system) (?:keeps |always |just |sometimes )?(?:stops|crashes|freezes|closes|hangs|restarts|shuts down|shuts of|goes black|logs me out|lags)',
  're:keeps? (?:crashing|freezing|restarting|disconnecting|beeping|turning of|shutting down|dropping|failing|logging me out)',
  're:م(?:ب|بي|بت|ي|ت)?(?:شحن|شتغل|فتح|شغل|طبع|برد|سخن|قبل|عمل|ركب|نور|حمل|رن|دخل|وصل|رد|سمع|قرا|قفل|لف)ش(?![\\p{L}\\p{N}])',
  're:(?:ما|مش|مو|مب|لا) ?(?:ي|ت|بي|بت|عم ي)(?:شتغل|شحن|فتح|شغل|طبع|برد|سخن|دور|قبل|تصل|عمل|ضوي|قرا|حمل|نزل|سكر|قفل|ركب|طفي|ستجيب|ستقبل|تعرف|قرا)',
  're:(?:توقف|وقف|واقف|يوقف|طفي|طفى|انطفي|انطفى|يطفي|يطفى|خرب|عطل|علق|يعلق|هنق|يهنق) (?:ال)?(?:جهاز|مكيف|تلفون|جوال|موبايل|شاشه|غساله|ثلاجه|طابعه|لابتوب|تطبيق|برنامج|موقع|سياره|ماكينه|مكينه|مروحه|سخان|فرن|بطاريه|ساعه|سماعه|راوتر|نت|انترنت|تلفزيون|شاحن)',
  're:(?:it|machine|device|phone|app|printer|fridge|tv|laptop|unit|motor|fan|screen|charger|router|watch|camera|speaker|blender|heater|washer|dryer) (?:has |just |suddenly |completely )?(?:stopped|died|broke down|shut down|froze)',
  're:(?:i |we )?(?:cant|cannot|can not|unable to|not able to|couldnt|could not|cant seem to) (?:log ?in|log ?into|login|sign ?in|sign ?into|signin|access|open|enter|reset|pay|checkout|check out|complete|find|use|connect|download|install|update|activate|register|verify|track|see my|upload|apply|redeem|turn)',
  're:(?:ما|مش|مو|مب) ?(?:اقدر|قادر|قادره|قدرت|عارف|عارفه|يمدي|اعرف) (?:ا|ن)?(?:دخل|فتح|سجل|دفع|ادفع|شغل|فعل|حمل|نزل|تتبع|ستخدم|اكمل|كمل|طلب|وصل|ربط|حدث)',
  'not working', 'doesnt work', 'does not work', 'didnt work', 'did not work', 'wont work', 'will not work', 'stopped working',
  'stoped working', 'isnt working', 'is not working', 'arent working', 'wont turn on', 'doesnt turn on',
  'does not turn on', 'wont start', 'doesnt start', 'wont charge', 'not charging', 'doesnt charge', 'wont connect', 'cant connect',
  'cannot connect', 'not connecting', 'error', 'error message', 'bug', 'crash*', 'freez*', 'frozen', 'glitch*', 'cant log in',
  'cant login', 'cannot log in', 'cannot login', 'cant sign in', 'cannot sign in', 'cant access', 'cannot access', 'locked out',
  'forgot my password', 'reset my password', 'reset password', 'password', 'otp', 'verification code', 'code not received',
  'cant pay', 'cannot pay', 'payment failed', 'payment didnt go through', 'payment not going through', 'card declined',
  'card was declined', 'transaction failed', 'website is down', 'site is down', 'link doesnt work',
  'no sound', 'no signal', 're:battery (?:drains|dies|is dead|died|not holding|swollen|wont hold)', 'screen is black', 'black screen', 'keeps restarting', 'overheat*', 'leak*', 'noise',
  'malfunction*', 'faulty', 'defect*',
  // Arabic
  'ما يشتغل', 'مايشتغل', 'ما يشتغلش', 'ما بيشتغل', 'مش شغال', 'مو شغال', 'مب شغال', 'مش بيشتغل', 'ما اشتغل', 'ما عاد يشتغل',
  'مو راضي يشتغل', 'مش راضي يشتغل', 'واقف', 'واقفه', 'توقف', 'يوقف', 'يطفي', 'ينطفي', 'انطفى', 'معلق', 'يعلق', 'علق', 'عطل', 'عطلان', 'عطلانه', 'معطل',
  'تعطل', 'خلل', 'خطا', 'ايرور', 'ما يفتح', 'مايفتح', 'ما يشحن', 'مايشحن', 'ما يقبل', 'ما يرضى', 'ما يتصل', 'ما يشغل',
  'ما يعمل', 'لا يعمل', 'لا يشتغل', 'ما اقدر ادخل', 'ما اقدر افتح', 'مش قادر ادخل', 'مش عارف ادخل', 'ما قدرت ادخل', 'مو قادر',
  'مش قادر', 'ما اقدر', 'ما قدرت', 'كلمه السر', 'كلمه المرور', 'الباسورد', 'باسورد', 'الرمز', 'رمز التحقق', 'كود التحقق',
  'الكود ما وصل', 'الدفع ما مشي', 'الدفع ما تم', 'فشل الدفع', 'ما قدرت ادفع', 'ما اقدر ادفع', 'البطاقه مرفوضه', 'التطبيق',
  'يسخن', 'سخونه', 'تسرب', 'يخرب', 'ما يستجيب', 'لا يستجيب', 'يهنق', 'هنق', 'يفصل', 'تسريب', 'يسرب', 'بطيء',
  // Arabizi
  'az:mesh shagh*', 'az:msh shagh*', 'az:mish shagh*', 'az:mo shagh*', 'az:mb shagh*', 'az:mesh sha3*', 'az:msh sha3*',
  'az:mish sha3*', 'az:mesh sha8*', 'az:msh sha8*', 'az:ma yeshtaghel', 'az:mesh bysh*', 'az:msh bysh*', 'az:mesh beyesh*',
  'az:ma yshtghl', 'az:mayshtghl', 'az:3otl', 'az:3atlan', 'az:m3attal', 'az:wa2ef', 'az:wa2fa', 'az:error',
  'no funciona', 'ne fonctionne pas', 'ne marche pas', 'nao funciona', 'funktioniert nicht', 'calismiyor', 'tidak berfungsi',
  'tidak bisa',
]);

export const SUPPORT_HOWTO = group('how_to', [
  're:(?:how (?:do|can|should|would) (?:i|we|you)|how to|hw to|how does one|show me how to|explain how to) (?:use|set ?up|install|reset|connect|fix|turn (?:it )?on|turn (?:it )?of|switch (?:it )?on|activate|assemble|pair|charge|clean|update|register|log ?in|sign ?in|change the (?:battery|filter|password|settings|bag|blade)|operate|program|configure|sync|unlock|adjust|replace|wash|download|return|exchange|claim|track|clear|restart|mount|stop|disable|turn of|renew|cancel (?:the |my )?(?:subscription|renewal|auto))',
  're:(?:كيف|ازاي|شلون|كيفاش|طريقه) (?:ب|ا|ن|بن|راح ا|اقدر ا)?(?:ركب|شغل|ستخدم|ستعمل|فعل|صلح|ربط|وصل|شحن|نظف|نضف|حدث|سجل|دخل|فتح|قفل|ضبط|عيد ضبط|فرمت|غير الفلتر|غير البطاريه|غير الباسورد|غير كلمه|رجع|رجع المنتج|ستبدل|بدل|تتبع|حمل|نزل|طفي|سوي ريست|عمل ريست)',
  're:(?:طريقه|كيفيه) (?:ال)?(?:تركيب|تشغيل|استخدام|استعمال|تفعيل|تنظيف|الاسترجاع|الاستبدال|الضمان)',
  'az:kif ashaghel', 'az:kaif ashaghel', 'az:ezay ashaghal', 'az:ezay asta5dem',
]);

/** About a specific existing order ("a question about my order", "regarding order 4521"). */
export const SUPPORT_MYORDER = group('my_order', [
  're:(?:regarding|about|concerning|with|on|for|re) (?:my|the|our) (?:last |recent |previous |current )?(?:order|package|parcel|delivery|shipment|purchase|invoice|refund)',
  're:(?:عن|بخصوص|بشان|حول|على|في) (?:طلبي|الطلب|اوردري|الاوردر|شحنتي|الشحنه|فاتورتي|الفاتوره|طلبيتي|الطلبيه)',
  're:(?:order|طلب|الطلب|اوردر|رقم الطلب) (?:number |no |num |رقم )?\\d{3,}',
  'my order', 'my package', 'my parcel', 'my delivery', 'my shipment', 'my purchase', 'our order', 'طلبي', 'اوردري', 'شحنتي', 'طردي',
  'طلبيتي', 'az:el order', 'az:el talab', 'az:talabi', 'az:3an el order', 'az:3an talabi', 'az:bkhsoos el order', 'the courier', 'the driver', 'delivery guy', 'delivery man',
  'المندوب', 'مندوب', 'السواق', 'الكابتن', 'الدليفري', 'az:el mandoob', 'az:el mandoub', 'az:el sawa2',
]);

/** Returning or exchanging a product. */
export const SUPPORT_RETURN = group('return', [
  're:(?:return|exchange|send back|replace|swap) (?:the|this|my|it|them|an|a|these|those|both)(?![\\p{L}\\p{N}])',
  'i want to return', 'want to exchange', 'return request', 'exchange request', 'return it', 'how to return', 'can i return',
  're:(?:[وف])?(?:ا|ب|ن|بن)?(?:رجع|ارجع|ترجع|استرجع|بدل|ابدل|استبدل|ارجاع|استرجاع|ترجيع|تبديل|استبدال)(?:ه|ها|هم|وا)? (?:ال)?(?:منتج|طلب|قطعه|جهاز|اغراض|حاجه|شنطه|فستان|جزمه|بضاعه|حبه|شي|طلبيه|مقاس|لون)',
  'az:arja3 el', 'az:raga3 el', 'az:aragga3',
]);

/** Explicit requests for help. */
export const SUPPORT_HELP_REQ = group('help_request', [
  'need help', 'need your help', 'help me', 'help us', 'can you help', 'could you help', 'can u help', 'please help', 'pls help', 'help please',
  'can someone help', 'i need assistance', 'need support', 'i need support', 'assist me',
  'ساعدني', 'ساعدوني', 'تساعدني', 'تساعدوني', 'ممكن مساعده', 'ابي مساعده', 'ابغى مساعده', 'محتاج مساعده', 'محتاجه مساعده', 'بدي مساعده',
  'عايز مساعده', 'ممكن تساعدني', 'ممكن تساعدوني', 'az:sa3edni', 'az:sa3dni', 'az:saedni', 'az:sa3dooni', 'az:bdi mosa3ade',
]);

export const SUPPORT_HELP = group('help', [
  ...words('assist* assistance support trouble*'),
  're:(?<!(?:for|4) (?:your|ur|the|all the|all your|al the|al your|al) )help(?:ing)?', 're:(?<!no )(?<!not a )(?<!no big )(?:problem|problems|issue|issues)', 'how do i use', 'how to use', 'how do i set up',
  'how to set up', 'how do i install', 'how to install', 'install*', 'set up', 'setup', 'configure', 'how do i connect',
  'how to connect', 'how do i reset', 'how to reset', 'manual', 'instructions', 'user guide', 'warranty claim', 'repair*', 'fix*',
  'replace*', 'replacement', 'return*', 'exchange*', 'send it back', 'invoice', 'receipt', 'tax invoice', 'call me',
  'call me back', 'contact me', 'talk to someone', 'talk to a human', 'speak to someone', 'speak to a human', 'real person',
  'customer service', 'customer support', 'agent', 'representative', 'technician',
  // Arabic
  'مساعده', 'الدعم', 'الدعم الفني', 'خدمه العملاء', 're:(?<!(?:ما ?في|مافي|مو|مش|لا|مب|مفيش|بدون|ولا) )(?:مشكله|مشاكل)', 'عندي مشكله', 'مشكله في',
  'auto renewal', 'auto renew', 'autorenew', 'subscription', 'الاشتراك التلقائي', 'التجديد التلقائي', 'كيف استخدم', 'كيف اشغل', 'كيف اركب', 'كيف افعل', 'كيف افعل',
  'كيف اغير', 'ازاي استخدم', 'ازاي اشغل', 'كيف بستعمل', 'كيف استعمل', 'تركيب', 'تشغيل', 'تفعيل', 'صيانه', 'تصليح', 'اصلاح',
  'تصلح', 'تصلحوا', 'استبدال', 'ابدله', 'ابي ابدله', 'تبديل', 'ترجيع', 'ارجاع', 'استرجاع', 'ارجعه', 'ابي ارجعه', 'ابي ارجع',
  'رجعه', 'الفاتوره', 'فاتوره', 'الايصال', 'ايصال', 'كلموني', 'كلمني', 'اتصلوا علي', 'اتصلوا بي', 'اتصل علي', 'اتصل بي',
  'موظف', 'خدمه عملاء', 'فني', 'الضمان', 'ضمان',
  // Arabizi
  'az:mushkila', 'az:mushkla', 'az:moshkla', 'az:moshkela', 'az:mshkla', 'az:moshkila', 'az:sa3edni', 'az:sa3dni', 'az:saedni',
  'az:musa3ada', 'az:mosa3da', 'az:mosa3ada', 'az:fatoora', 'az:fatura', 'az:fatora', 'az:tarkeeb', 'az:tashgheel', 'az:estbdal',
  'az:esterja3', 'az:erja3', 'az:kalemni', 'az:kallemni', 'az:etasel',
  'ayuda', 'necesito ayuda', 'aide', 'besoin daide', 'ajuda', 'preciso de ajuda', 'hilfe', 'yardim', 'bantuan', 'tolong',
]);

// =============================================================================================
// Complaint

/** Strongly negative words: insults and anger (complaint, and urgency high). */
export const COMPLAINT_ANGRY = group('angry', [
  ...words('terrible horrible awful worst pathetic disgusting ridiculous unacceptable useless rubbish garbage trash crap shit'),
  ...words('shitty bullshit wtf wth stupid idiot* incompetent scam scammer* scamm* cheat* cheater* liar* lying thieves thief'),
  ...words('theft stealing robbery furious outrageous disgrace* shameful unprofessional hopeless joke clowns morons fraudster* crooks'),
  'rip off', 'ripoff', 'ripped off', 'waste of money', 'waste of time', 'never again', 'never buy', 'never order', 'never ordering',
  'fed up', 'sick of', 'sick and tired', 'so angry', 'very angry', 'really angry', 'im angry', 'i am angry', 'very upset',
  'really upset', 'so upset', 'worst service', 'horrible service',
  're:(?:so|very|really|extremely|super|totally|absolutely|soo) (?:frustrated|annoyed|angry|pissed|mad|furious|fed up)', 'pissed',
  'shame on you', 'how dare', 'what the hell', 'are you kidding', 'you people', 'are you serious', 'screw you', 'damn', 'fuck*',
  'this is a joke', 'never recommend', 'do not recommend', 'dont recommend', 'report you', 'one star', '1 star',
  // Arabic
  'سرقه', 'سرقوا', 'سرقتوا', 'سراقه', 'نصاب', 'نصابين', 'نصابه', 'نصب', 'حرامي', 'حراميه', 'حراميين', 'سراقين', 'كذاب', 'كذابين', 'كذب', 'غشاش', 'غشاشين', 'غش',
  'زفت', 'زباله', 'خايس', 'خايسه', 'مقرف', 'مقرفه', 'قرف', 'تافه', 'تافهين', 'فاشل', 'فاشلين', 'فشله', 'مهزله', 'اسوا',
  'اسوء', 'سيء جدا', 'سيئ جدا', 'سيئه جدا', 'سيء للغايه', 'حسبي الله', 'حسبنا الله', 'الله ياخذكم', 'الله لا يوفقكم',
  'الله لا يسامحكم', 'حرام عليكم', 'عيب عليكم', 'عيب', 'استهتار', 'مستهترين', 'حقير', 'حقيرين', 'اغبياء', 'غبي', 'اغبي', 'حمير',
  'تعبتوني', 'طفشتوني', 'طفشتونا', 'زهقتوني', 'زهقت', 'طفشت', 'قرفتوني', 'جننتوني', 'مستفز', 'مهزله', 'كلاب', 'لصوص',
  'اخر مره اتعامل', 'اخر مره اطلب', 'اخر مره اشتري', 'اخر مره اتعامل معكم', 'ما انصح', 'لا انصح', 'لا انصح بالتعامل', 'ندمت', 'ندمانه', 'ندمان', 'بلوك', 'نجمه وحده',
  'مو معقول', 'مش معقول', 'ايش هالخدمه', 'ايه القرف', 'خدمه زفت', 'اسوا خدمه', 'خدمه تعبانه',
  // Arabizi
  'az:nasabin', 'az:nassabeen', 'az:nasabeen', 'az:nassab', 'az:nasab', 'az:7aramiya', 'az:7aramia', 'az:harameya',
  'az:7arami', 'az:kazzab', 'az:kazabin', 'az:kadabin', 'az:zeft', 'az:zbala', 'az:zebala', 'az:5ayes', 'az:khayes',
  'az:mo3eb', 'az:7asbi allah', 'az:hasbi allah', 'az:7asbia allah', 'az:3eib', 'az:3eb 3alekom', 'az:7aram 3alekom',
  'az:a5er mara', 'az:akher marra', 'az:aswa2', 'az:aswa', 'az:fashleen', 'az:fashlin',
  'estafa', 'estafadores', 'ladrones', 'arnaque', 'escroc*', 'golpe', 'golpistas', 'betrug', 'dolandirici*', 'penipu*',
]);

/** Dissatisfaction: mild or explicit. */
export const COMPLAINT = group('complaint', [
  ...words('unhappy disappointed disappointing dissatisfied unsatisfied upset annoyed angry frustrat* complain* complaint*'),
  ...words('rude impolite disrespectful poor unfair unreliable misleading mislead* lied yelled shouted'),
  'so bad', 'very bad', 'really bad', 'bad service', 'not happy', 'not satisfied', 'not pleased', 'not good', 'not ok', 'not okay', 'not acceptable', 'very disappointed',
  'bad quality', 'poor quality', 'low quality', 'bad experience', 'bad', 'not as described', 'not what i ordered',
  'not what i expected', 'not the same as', 'doesnt look like', 'different from the picture', 'different from the photo',
  'i want a refund', 'i want my refund', 'i need a refund', 'refund me', 'give me a refund', 'want my money back',
  'my money back', 'money back', 'give me my money', 'refund my money', 'return my money', 'still no refund',
  'havent got my refund', 'refund*', 'why is it so', 'why did you', 'why would you', 'this is not', 'you sent me',
  'you promised', 'false advertising', 're:(?:but|and) (?:it|you|the store|the shop|your store|your shop) (?:was|were) closed',
  // Arabic
  'غير راض', 'مو راض', 'لست راض', 'لست راضي', 'لست راضيا', 'لست راضيه', 'غير مرضي', 'لست سعيد', 'غير سعيد', 'مش مبسوط', 'مو مبسوط',
  'زعلان', 'زعلانه', 'زعلانين', 'مو راضي', 'مش راضي', 'مب راضي', 'غير راضي', 'مو راضيه', 'مش راضيه', 'غير راضيه', 'ما رضيت',
  'مو عاجبني', 'مش عاجبني', 'ما عجبني', 'ما عجبتني', 'مو حلو', 'مش حلو', 'مو زين', 'مب زين', 'مستاء', 'مستاءه', 'متضايق',
  'متضايقه', 'مقهور', 'مقهوره', 'منقهر', 'خاب ظني', 'خيبه امل', 'محبط', 'سيء', 'سيئ', 'سيئه', 'وحش', 'وحشه', 'تعبان', 'تعبانه',
  'مش كويس', 'مو كويس', 'رديء', 'ردي', 'شكوى', 'شكوي', 'اشتكي', 'بشتكي', 'اشتكى', 'تظلم', 'ابي فلوسي', 'ابغى فلوسي',
  'عايز فلوسي', 'بدي مصرياتي', 'رجعوا فلوسي', 'رجعولي فلوسي', 'ارجعوا فلوسي', 'ابي ارجاع المبلغ', 'استرداد', 'استرداد المبلغ',
  'ارجاع المبلغ', 'رجوع المبلغ', 'ابي استرجع فلوسي', 'فلوسي', 'مو نفس', 'مش نفس', 'مب نفس', 'غير الصوره', 'مو مثل الصوره',
  'مش زي الصوره', 'مو زي الصوره', 'غير اللي طلبته', 'مو اللي طلبته', 'مش اللي طلبته', 'مب اللي طلبته', 'غير المطلوب',
  'مو مطابق', 'غير مطابق', 'مش مطابق', 'وقح', 'وقحه', 'وقحين', 'قليل ادب', 'قليل الادب', 'ما عنده ادب', 'بدون ادب',
  'قله ادب', 'اسلوب سيء', 'اسلوبه سيء', 'تعامل سيء', 'سوء معامله', 'سوء تعامل', 'سوء المعامله', 'غير محترم', 'مو محترم', 'ما يحترم', 'صرخ علي',
  'زعق', 'استهزا', 'مستاءه', 'ليش كذا', 'ليه كده', 'ليش هيك', 'ليش ترسلون', 'وعدتوني', 'وعدتني', 'ضحك علي', 'ضحكتوا علينا',
  'az:za3lan', 'az:zaelan', 'az:z3lan', 'az:za3lana', 'az:mesh rady', 'az:msh rady', 'az:mo rady', 'az:mish radi', 'az:mb rady',
  'az:mo radi', 'az:mesh 3ajebni', 'az:mo 3ajebni', 'az:ma 3ajabni', 'az:sayye2', 'az:sayi2', 'az:say2', 'az:wa7esh', 'az:we7esh',
  'az:ta3ban', 'az:shakwa', 'az:ghalees', 'az:ghalis', 'az:galeel adab', 'az:2aleel adab', 'az:ma 3ndo adab', 'az:wi2e7', 'az:waqe7', 'az:fulusi', 'az:floosi', 'az:feloosi', 'az:masariyati',
  'reclamacion', 'queja', 'reembolso', 'plainte', 'remboursement', 'reclamacao', 'reembolso', 'beschwerde', 'erstattung',
  'sikayet', 'iade', 'keluhan',
]);

/** Damage, wrong or missing items. */
export const COMPLAINT_DAMAGE = group('damaged', [
  ...words('damaged broken broke cracked smashed shattered torn ripped dented scratched stained dirty defective expired rotten spoiled'),
  ...words('stale mouldy moldy fake counterfeit missing incomplete leaking spilled melted'),
  'wrong item', 'wrong address', 'wrong size', 'wrong colour', 'wrong color', 'wrong product', 'wrong order', 'wrong one', 'wrong model',
  'missing item*', 'missing part*', 'missing piece*', 'not the right', 'arrived broken', 'arrived damaged', 'came broken',
  'came damaged', 'fell apart', 'poor packaging', 'box was open', 'opened box', 'item missing', 'parts missing',
  'wrong house', 'wrong person', 'wrong location', 'delivered to the wrong', 'delivered to someone else', 'wrong flat', 'wrong building',
  're:(?:someone|somebody) elses (?:order|package|parcel|item|stuff)', 'not my order', 'not mine', 'not what i paid for', 'has a hole', 'holes',
  'hole in', 'stain', 'stains', 'scratch', 'scratches', 'dent', 'dents', 'chipped', 'crack', 'cracks', 'tear in', 'ruined', 'ruin*',
  're:(?:order|item|size|colou?r|product|package|delivery|bill|invoice|amount|parcel|it) (?:is|was|are|were|came) (?:wrong|incorrect|not right|missing|damaged|broken)', 'bad smell', 'smells bad', 'smells awful', 'insect', 'bug in', 'hair in', 'mould', 'mold', 'faded', 'shrunk',
  're:(?:box|package|parcel|seal|packaging|wrapping|bag|carton) (?:was |is |came |arrived )?(?:open|opened|torn|ripped|wet|broken|crushed|damaged|tampered)',
  're:(?:الكرتون|الكرتونه|العلبه|الباكو|الكيس|التغليف|الغلاف|الختم|الطرد|الصندوق|الباكج)(?: \\p{L}+)? (?:مفتوح|مفتوحه|مقطوع|مقطوعه|مشقوق|مشقوقه|مبلول|مبلوله|ممزق|ممزقه|مكسور|مكسوره|تالف|تالفه|مفكوك|مخروم|مفتوحين)',
  'فيه شق', 'مخروم', 'خرق', 'بقعه', 'بقع', 'حشره', 'حشرات', 'شعره فيه', 'ريحه كريهه', 'ريحته خايسه', 'ريحته مو حلوه', 'مو طلبي', 'مش طلبي',
  'طلب غيري', 'طلب شخص ثاني', 'جاني غلط', 'جاني غير', 'وصلني غلط', 'وصلني غير', 'az:ghalees', 'az:ghalis',
  'عنوان غلط', 'شخص ثاني', 'حد تاني', 'احد ثاني',
  // Arabic
  'خربان', 'خربانه', 'خربت', 'خرب', 'مكسور', 'مكسوره', 'انكسر', 'انكسرت', 'مكسر', 'كسر', 'تالف', 'تالفه', 'تلفان', 'متلف',
  'مضروب', 'مضروبه', 'مغشوش', 'مغشوشه', 'تقليد', 'مقلد', 'منتهي', 'منتهيه', 'منتهي الصلاحيه', 'خربانين', 'مشقوق', 'مشقوقه',
  'مخدوش', 'خدوش', 'ناقص', 'ناقصه', 'نواقص', 'غلط', 'خطا في الطلب', 'طلب غلط', 'مقاس غلط', 'لون غلط',
  'مستعمل', 'وسخ', 'متسخ', 'فاسد', 'فاسده', 'خايس', 'معفن', 'بايظ', 'بايظه', 'باظ', 'ضربان',
  'az:5arban', 'az:kharban', 'az:5arbana', 'az:maksoor', 'az:mksoor', 'az:maksour', 'az:mkasar', 'az:talef', 'az:tal2an',
  'az:mdroob', 'az:madroob', 'az:ghalat', 'az:3alat', 'az:8alat', 'az:ghalt', 'az:na2es', 'az:nages', 'az:bayez',
  'az:bayza', 'az:mosta3mal',
  'roto', 'danado', 'quebrado', 'endommage', 'kaputt', 'beschadigt', 'kirik', 'bozuk', 'rusak',
]);

/** Wrong charge. Also money at risk (urgent) for the strongest ones, see URGENT_MONEY. */
export const COMPLAINT_CHARGE = group('wrong_charge', [
  'charged twice', 'double charged', 'charged me twice', 'charged two times', 'charged me two times', 'charged double',
  'overcharged', 'over charged', 'wrong charge', 'wrong amount', 'extra charge', 'charged me extra', 'charged more',
  'charged me more', 'charged again', 'charged me again', 'wrong price', 'wrong bill', 'wrong invoice', 'hidden fee*',
  're:(?:charged|billed|deducted|debited|paid)(?: [\\p{L}\\p{N}]+){0,3} (?:twice|two times|2 times|three times|3 times|double|again|extra|more than)',
  're:(?:انخصم|خصم|خصمتوا|خصمتو|انسحب|سحب|سحبتوا|اتخصم|اتسحب|دفعت|حاسبني|حسبتوا|تم خصم|تم سحب)(?: \\p{L}+){0,3} (?:مرتين|مرتان|ثلاث مرات|مره ثانيه|مره تانيه|دبل|زياده|اكثر)',
  'hidden charge*', 'paid twice', 'paid more', 'charged but', 'charged me for', 'charged without', 'deducted twice',
  'money was deducted', 'money deducted', 'deducted from my', 're:paid (?:already|and|but)',
  'انخصم مرتين', 'خصم مرتين', 'خصمتوا مرتين', 'انسحب مرتين', 'سحب مرتين', 'انسحب المبلغ مرتين', 'دفعت مرتين', 'تم الخصم مرتين',
  'انخصم', 'انخصم مني', 'خصمتوا', 'سحبتوا', 'انسحب', 'مبلغ زايد', 'زياده في المبلغ', 'المبلغ غلط', 'الفاتوره غلط',
  'السعر غلط', 'حاسبيني زياده', 'حسبتوا زياده', 'حسبتولي', 'دفعت زياده', 'دفعت ولا', 'دفعت وما', 'دفعت ومو', 'دفعت ومش',
  'اتخصم', 'اتسحب', 'ادفعت مرتين', 'خصمتو',
  'az:n5asam', 'az:enkhasam', 'az:et5asam', 'az:marten', 'az:marrtain', 'az:martein', 'az:dafa3t',
]);

/** Being ignored, waiting too long, lateness. */
export const COMPLAINT_IGNORED = group('ignored', [
  're:(?:no one|noone|nobody|no body|none of you|no1) (?:is |has |have |ever |even |will )?(?:answer|answers|answered|answering|reply|replies|replied|replying|respond|responds|responded|responding|got back|gets back|picks up|picking up|called back|helps|helped|cares)',
  're:why (?:is |are |do |dont |does |doesnt |did |didnt )?(?:no one|nobody|you|no body|nobody is|none of you)(?: \\p{L}+)? (?:answer|answering|reply|replying|respond|responding|get back|getting back|pick up|picking up)',
  're:(?:محد|ما احد|ماحد|ولا احد|ولا حد|محدش|ما حد|مافي احد|مافي حد|ما في حد|ما فيه احد|ولا واحد)(?: \\p{L}+)? ?(?:ي|بي|بي|ع)?(?:رد|جاوب|تواصل|كلمني|اتصل|يرد|بيرد|يجاوب|رد علي|يرد علي)',
  'no one answers', 'nobody answers', 'no one is answering', 'nobody is answering', 'no one replies', 'nobody replies',
  'no one replied', 'nobody replied', 'no one responded', 'nobody responded', 'no one is responding', 'no response', 'no reply',
  'no answer', 'still no answer', 'still no reply', 'still no response', 'ignoring me', 'ignored', 'ignore me', 'ignoring my',
  'why dont you answer', 'why dont you reply', 'why dont you respond', 'why arent you answering', 'why no one', 'why nobody',
  'been waiting for', 'waiting for hours', 'waiting for days', 'waiting for weeks', 'waited for', 'still waiting', 'messaged you',
  'texted you', 'asked you', 're:(?:\\d+|two|three|four|five|many|several|third|second|fourth|fifth) (?:times|messages|time)',
  'محد يرد', 'ما احد يرد', 'ماحد يرد', 'ما حد يرد', 'ولا احد يرد', 'ولا حد يرد', 'ولا حد بيرد', 'محدش بيرد', 'محدش يرد',
  'ما في حد يرد', 'مافي احد يرد', 'ما تردون', 'ما تردوا', 'ليش ما تردون', 'ليش ما تردو', 'ليه مش بتردوا', 'ليه محدش',
  'ما رديتوا', 'ما ردوا', 'مش بتردوا', 'ما في رد', 'مافي رد', 'ما فيه رد', 'بدون رد', 'ولا رد', 'تجاهل', 'متجاهلين', 'مطنشين',
  'مطنشني', 'طنشتوني', 'مطنشيني', 'طنش', 'كم مره', 'كذا مره', 'اكثر من مره',
  'من امس', 'من يومين', 'من اسبوع', 'من اسبوعين', 'من شهر', 'من ساعه', 'من ساعات', 'صار لي', 'صارلي', 'بقالي', 'لي اسبوع',
  'لي يومين', 'ليا اسبوع',
  'az:ma7ad yrd', 'az:ma7ad yrud', 'az:mahad yrd', 'az:ma 7ad byrod', 'az:ma7adesh byrod', 'az:mafi rad', 'az:mafe rad',
  'az:leh mesh btrodo', 'az:ma7adesh byrod', 'az:ma7ad byrod', 'az:lesh ma trdon', 'az:ma traddon', 'az:mestanni', 'az:mstny', 'az:ba2ali', 'az:sarli', 'az:sar li',
  ]);

/** The buyer asks for an answer (needs a reply even when nothing else is recognised). */
export const REPLY_REQUEST = group('reply_request', [
  'please reply', 'pls reply', 'plz reply', 'reply please', 'reply asap', 'reply me', 'answer me', 'answer please', 'please answer',
  'please respond', 'respond please', 'waiting for your reply', 'waiting for your response', 'waiting for reply', 'awaiting your reply',
  'get back to me', 'call me', 'call me back', 'contact me', 'text me back', 'reply to me',
  '=ردوا', '=ردو', '=رد =علي', '=ردوا =علي', '=ردو =علي', '=ردي =علي', 'جاوبوني', 'جاوبني', 'انتظر ردكم', 'بانتظار ردكم', 'في انتظار ردكم',
  'انتظر الرد', 'ابي رد', 'ابغى رد', 'عايز رد', 'بدي رد', 'كلموني', 'كلمني', 'اتصلوا علي', 'اتصل علي', 'تواصلوا معي', 'تواصل معي',
  'az:rdo', 'az:rudo', 'az:rodo', 'az:kalemni', 'az:kallemni', 'az:etasel',
]);

export const COMPLAINT_LATE = group('late', [
  ...words('late delayed delay delays overdue'),
  're:(?:its|it has|its already|it has already|already) been (?:\\d+|two|three|four|five|six|seven|ten|several|many|a few|over a|more than a) (?:days|weeks|months|week|month)',
  'so late', 'too late', 'very late', 'taking forever', 'took forever', 'taking too long', 'takes too long', 'took too long',
  'too long', 'so long', 'still not here',
  'متاخر', 'متاخره', 'متاخرين', 'تاخير', 'تاخر', 'تاخرت', 'تاخرتوا', 'تاخرتو', 'اتاخر', 'اتاخرت', 'اتاخرتوا', 'التاخير',
  'ليش متاخر', 'ليش التاخير', 'ليه التاخير', 'مطول', 'طول', 'طولتوا', 'طولتو', 'طولت', 'كل هذا', 'كل ده', 'كل هاد',
  'مماطله', 'تماطلون', 'تماطلوا',
  'az:mt2a5*', 'az:mit2a5*', 'az:met2a5*', 'az:mt2akh*', 'az:mit2akh*', 'az:met2akh*', 'az:mt2kh*', 'az:t2a5*', 'az:et2a5*', 'az:it2a5*',
  'az:mit2a5er', 'az:mt2a5r', 'az:met2akher', 'az:mit2akher', 'az:mt2khr', 'az:ta25eer', 'az:ta2kheer', 'az:t2khir', 'az:t2a5ar',
  'az:et2a5ar', 'az:tawwaltu', 'az:twlto', 'az:mafrood', 'az:el mafrood',
  'retraso', 'retrasado', 'en retard', 'atrasado', 'atraso', 'verspatet', 'verspatung', 'gecikti', 'terlambat',
]);

// =============================================================================================
// Question (about products, delivery, payment, the business)

export const QUESTION_WORDS = group('question_word', [
  ...words('what whats which where wheres when why how who whom whose anyone anybody'),
  're:^(?:(?:hi|hello|hey|please|pls|plz|sir|dear|ok|okay|so|and|also|but|sorry|excuse me) )*(?:is|are|do|does|did|can|could|would|will|wil|should|may|might|have|has|any|shal|am|was|were|r|u|wat|wht|wen|hw)(?![\\p{L}\\p{N}])',
  'i have a question', 'quick question', 'a question', 'question', 'inquiry', 'enquiry', 'query', 'i want to know', 'i wanna know', 'id like to know', 'would like to know', 'i wonder', 'wondering', 'tell me', 'let me know',
  'can you tell', 'could you tell', 'do you know', 'is it possible', 'is there', 'are there', 'do you have', 'do u have',
  'do you sell', 'do you deliver', 'do you ship', 'do you accept', 'do you take', 'do you do', 'can i', 'can you', 'could you',
  // Arabic
  '=هل', '=كم', '=كام', '=قديش', '=واش', 'az:wach', 'az:wash', 'متى', 'امتى', 'ايمتى', 'امتا', 'وين', 'فين', 'ليش', 'ليه', 'لماذا', 'لمذا', 'ليشش', 'كيف', 'كيفاش', 'شلون', 'ازاي',
  'ازاى', 'ايش', 'ايه', 'شو', 'شنو', 'شنهو', 'وش', 'ماذا', 'ما هو', 'ما هي', 'ايهم', 'اي واحد', 'منو', 'مين', 'من وين',
  'عندكم', 'عندك', 'عندكو', 'في عندكم', 'فيه عندكم', 'متوفر', 'متوفره', 'متوفرين', 'موجود', 'موجوده', 'يتوفر', 'تتوفر', 'ممكن',
  'ينفع', 'يصير', 'اقدر', 'نقدر', 'تقدر', 'تقدرون', 'بتقدر', 'ابي اعرف', 'ابغى اعرف', 'ابغا اعرف', 'عايز اعرف', 'عاوز اعرف',
  'بدي اعرف', 'حاب اعرف', 'ودي اعرف', 'اريد ان اعرف', 'اريد اعرف', 'استفسار', 'استفسر', 'سوال', 'عندي سوال', 'اسال', 'ابي اسال',
  'معلومات', 'تفاصيل', 'قولي', 'قلي', 'خبرني', 'علمني',
  // Arabizi
  'az:emta', 'az:imta', 'az:eimta', 'az:mata', 'az:wen', 'az:wein', 'az:fein', 'az:feen', 'az:leh', 'az:lesh', 'az:leish',
  'az:laish', 'az:lysh', 'az:kaif', 'az:keef', 'az:kif', 'az:ezay', 'az:ezzay', 'az:izzay', 'az:shlon', 'az:esh', 'az:eish',
  'az:aish', 'az:sho', 'az:shu', 'az:shou', 'az:wesh', 'az:wsh', 'az:eh', 'az:eih', 'az:shnu', 'az:shno', 'az:momken',
  'az:mumkin', 'az:mumken', 'az:momkin', 'az:mumkn', 'az:3ndkom', 'az:3andkom', 'az:3ndkm', 'az:andkom', 'az:3indkum', 'az:3ndk',
  'az:3andak', 'az:fi', 'az:fee', 'az:feeh', 'az:fih', 'az:mawjood', 'az:mawjud', 'az:mawgood', 'az:mutawafer', 'az:metwafer',
  'az:hal', 'az:agdar', 'az:a2dar', 'az:ne2dar',
  // Other languages
  'que', 'cuando', 'donde', 'como', 'cual', 'tienen', 'quand', 'comment', 'pourquoi', 'avez vous', 'est ce que',
  'quando', 'onde', 'voces tem', 'wann', 'warum', 'haben sie', 'gibt es', 'ne zaman', 'nerede', 'neden', 'nasil',
  'var mi', 'kapan', 'dimana', 'kenapa', 'bagaimana', 'apakah',
]);

export const QUESTION_TOPICS = group('question_topic', [
  ...words('available availability stock instock delivery deliver shipping ship sizes size colours colors colour color material'),
  ...words('warranty guarantee catalog catalogue menu brochure photos pictures pics specs specifications details info information'),
  ...words('location address branch branches store shop showroom hours open opening closing close cod visa mastercard applepay'),
  ...words('tabby tamara paypal cash card transfer bank installment* options models model version original authentic genuine'),
  'in stock', 'out of stock', 'cash on delivery', 'apple pay', 'payment method*', 'pay by', 'pay with', 'how long', 'how many days',
  'working hours', 'opening hours', 'business hours', 'are you open', 'still available', 'return policy', 'refund policy',
  'exchange policy', 'do you have', 'more about', 'interested in',
  'دفع عند الاستلام', 'الدفع عند الاستلام', 'التوصيل', 'توصيل', 'توصلون', 'توصلوا', 'بتوصلوا', 'توصلو', 'يوصل', 'الشحن', 'شحن', 'تشحنون', 'تشحنوا', 'الدفع', 'طرق الدفع',
  'طريقه الدفع', 'كاش', 'تحويل', 'تحويل بنكي', 'فيزا', 'مدى', 'ابل باي', 'تابي', 'تمارا', 'مقاس', 'مقاسات', 'المقاس', 'لون',
  'الوان', 'اللون', 'الخامه', 'القماش', 'الضمان', 'الفرع', 'فروع', 'فرع', 'موقعكم', 'لوكيشن', 'اللوكيشن', 'العنوان', 'عنوانكم',
  'الدوام', 'دوام', 'مواعيد', 'مواعيد العمل', 'تفتحون', 'تفتحوا', 'مفتوح', 'فاتحين', 'كم يوم', 'كم ساعه', 'مده التوصيل',
  'مده الشحن', 'كتالوج', 'الكتالوج', 'صور', 'صوره', 'المنيو', 'منيو', 'اصلي', 'اصليه', 'اوريجينال', 'كوبي', 'ماركه', 'موديل',
  'الموديلات', 'متوفر', 'متوفره', 'الكميه', 'كميه', 'الاسترجاع', 'سياسه الاسترجاع', 'سياسه الاستبدال', 'استلام من الفرع',
  'az:tawseel', 'az:tawsil', 'az:tawsel', 'az:twasloon', 'az:twaslon', 'az:btwaslo', 'az:twasl', 'az:sha7n', 'az:shahn', 'az:shi7n',
  'az:daf3', 'az:dafe3', 'az:ma2as', 'az:maqas', 'az:lon', 'az:alwan', 'az:far3', 'az:dawam', 'az:sowar', 'az:soor', 'az:asli',
  'envio', 'entrega', 'talla', 'disponible', 'livraison', 'taille', 'disponivel', 'tamanho', 'lieferung', 'grosse', 'kargo',
  'beden', 'pengiriman', 'ukuran', 'tersedia',
]);

// =============================================================================================
// Spam

export const SPAM_STRONG = group('spam_strong', [
  're:(?:win|won|winning) (?:a |an |the )?(?:brand new |free |new )?(?:car|iphone|phone|prize|gift|cash|trip|vacation|holiday|laptop|ipad|tv|samsung|voucher|\\$|\\d)',
  're:\\d+ ?x (?:returns?|profits?|your money)', 'make money online', 'earn money online', 'returns guaranteed', 'profit guaranteed',
  'profits guaranteed', 'make money fast', 're:claim (?:your|the|a|now|it)', 'amazon gift card', 'free gift card', 'اشترك في قناتنا', 'قناتنا', 'توصيات يوميه', 'توصيات مضمونه', 'instagram followers', 'tiktok followers', 'buy likes', 'pay the customs fee', 'redelivery fee',
  're:(?:parcel|package|shipment) (?:is )?(?:on hold|held|pending)(?: \\p{L}+){0,6} (?:pay|fee|click|link|visit)',
  're:(?:للفوز|الفوز|تفوز|ستفوز|فوزك|كسبت|تربح|ستربح|لربح)(?![\\p{L}\\p{N}])', 'تم اختيار رقمك', 'تم اختيارك', 'رقمك فاز', 'حسابك فاز', 're:earn (?:\\$ ?)?\\d+ ?\\$? (?:daily|per day|a day|weekly|per week|an hour|per hour|monthly)',
  'you won', 'you have won', 'youve won', 'you are the winner', 'youre the winner', 'you are a winner', 'lucky winner',
  'claim your prize', 'claim your reward', 'claim your gift', 'claim now', 'you have been selected', 'youve been selected',
  'congratulations you', 'lottery', 'jackpot', 'free iphone', 'free gift card', 'gift card winner', 'guaranteed profit*',
  'guaranteed return*', 'guaranteed income', 'double your money', 'double your investment', 'investment opportunity',
  'invest now', 'invest with us', 'crypto investment', 'bitcoin investment', 'trading signals', 'forex signals', 'binary option*',
  'passive income', 'earn money from home', 'make money from home', 'part time job', 'parttime job',
  'earn per day', 'earn daily', 'daily profit', 're:earn (?:up to )?\\$? ?\\d+', 're:\\$\\d+ (?:per|a) (?:day|hour|week)',
  'per day from home', 'loan approved', 'pre approved', 'instant loan', 'cheap loan*', 'buy followers', 'get followers',
  'increase your followers', 'seo services', 'grow your business', 'dear business owner', 'we are a digital marketing',
  'digital marketing agency', 'boost your sales', 'increase your sales', 'click the link to claim', 'verify your account',
  'your account will be suspended', 'your account has been suspended', 'account suspended', 'unusual activity', 'casino',
  'online betting', 'sports betting', 'viagra', 'adult content', 'hot singles', 'join our telegram', 'join my telegram',
  'telegram channel', 'whatsapp group link', 'earn commission', 'mlm', 'recruiting agents',
  'اشتغل من البيت', 'اعمل من البيت', 'عرض محدود', 're:\\d+ (?:دولار|ريال|درهم|جنيه|دينار|\\$) (?:يوميا|يومي|في اليوم|باليوم|شهريا|بالشهر|اسبوعيا)',
  'ربحت', 'ربحتي', 'فزت', 'فزتي', 'لقد فزت', 'مبروك لقد فزت', 'مبروك ربحت', 'مبروك فزت', 'فائز', 'الفائز', 'جائزه', 'جوائز',
  'يانصيب', 'لوتري', 'استثمار مضمون', 'ارباح مضمونه', 'ربح مضمون', 'ارباح يوميه', 'ربح يومي', 'دخل يومي',
  'دخل شهري', 'دخل اضافي', 'اربح', 'اربحي', 'اربح من البيت', 'العمل من المنزل', 'وظيفه من المنزل', 'عمل من البيت',
  'ضاعف', 'ضاعف اموالك', 'ضاعف راس مالك', 'بيتكوين', 'بتكوين', 'عملات رقميه', 'العملات الرقميه', 'كريبتو', 'فوركس',
  'توصيات تداول', 'قرض فوري', 'تمويل فوري', 'بدون كفيل', 'زياده متابعين',
  'انضم لقروب', 'قروب تلجرام', 'قناه تلجرام', 'حسابك سيتم ايقافه', 'تحديث بياناتك',
  'اضغط على الرابط', 'اضغط الرابط', 'اضغط هنا', 'الرابط التالي', 'كازينو', 'رهان', 'مراهنات',
  'az:rba7t', 'az:rbe7t', 'az:fozt', 'az:fezt', 'az:ja2iza', 'az:jaiza',
  'has ganado', 'ganaste', 'vous avez gagne', 'voce ganhou', 'sie haben gewonnen', 'kazandiniz', 'anda menang',
]);

export const SPAM_WEAK = group('spam_weak', [
  ...words('visit dear customer fee release guaranteed win click dm congratulations congrats crypto bitcoin btc usdt ethereum forex trading invest investment investors profit profits'),
  ...words('earn income winner prize reward rewards free freebie giveaway promo offer exclusive limited selected lucky bonus'),
  ...words('loan loans credit betting bet dating singles followers likes subscribers seo marketing agency telegram'),
  'click here', 'click below', 'click the link', 'tap the link', 'visit our', 'visit my', 'follow us', 'follow me', 'subscribe to',
  'limited time', 'act now', 'dont miss', 'last chance', 'risk free', 'best deals', 'work from home',
  'gift card', 'مضمونه', 'مضمون', 'احصل على', 'dear customer', 'dear user', 'only $', 'on the link', 'على الرابط', 'عبر الرابط', 'تواصل معنا', 'dm me', 'inbox me', 'whatsapp me', 'contact us now', 'for more info', 'we offer', 'we provide', 'our services',
  'مبروك', 'مبارك', 'استثمار', 'استثمر', 'ارباح', 'ربح', 'مجاني', 'مجانا', 'هديه', 'هدايا', 'عرض حصري', 'فرصه', 'فرصه ذهبيه',
  'لا تفوت', 'لفتره محدوده', 'سارع', 'سارعوا', 'رابط', 'الرابط', 'قروب', 'جروب', 'قناه', 'خدماتنا', 'نقدم', 'تسويق', 'اعلان',
  'توصيات', 'تداول', 'قروض', 'متابعين', 'لايكات', 'تليجرام', 'تلجرام', 'انضموا', 'انضم الى',
]);

/** A URL or a bare domain. Matched on the raw (lowercased) text. */
export const LINK_RE =
  /(?:https?:\/\/|www\.|\b(?:bit\.ly|t\.me|wa\.me|tinyurl\.com|goo\.gl|cutt\.ly|rb\.gy|is\.gd)\b|\b[a-z0-9-]{2,}\.(?:com|net|org|io|xyz|top|click|link|info|biz|ru|cn|tk|ml|ga|cf|gq|site|online|shop|store|app|me|ly|live|vip|win|bet|club|icu|buzz)\b)/i;

// =============================================================================================
// Urgency

export const URGENT_EXPLICIT = group('urgent', [
  ...words('urgent urgently emergency emergencies critical sos'),
  'life or death', 'as soon as possible please its urgent', 'very important', 'extremely important', 'need help now',
  'help asap', 'immediately please',
  'عاجل', 'عاجلا', 'عاجله', 'طارئ', 'طارئه', 'طوارئ', 'ضروري جدا', 'ضروري ضروري', 'مستعجل جدا', 'مستعجله جدا', 'الحقوني',
  'الحقني', 'الحقوا', 'الحق علي', 'امر طارئ', 'حاله طارئه', 'مهم جدا', 'في اسرع وقت ممكن', 'باسرع وقت ممكن',
  'az:3ajel', 'az:3ajil', 'az:3aagel', 'az:daroori jedan', 'az:dharoori jdn', 'az:ta5ee', 'az:el7a2ouni', 'az:el7a2ni',
  'urgente', 'emergencia', 'dringend', 'notfall', 'acil', 'darurat', 'mendesak',
]);

export const URGENT_MONEY = group('money_at_risk', [
  're:(?:charged|billed|deducted|debited|taken|paid|charging|withdrawn)(?: [\\p{L}\\p{N}]+){0,3} (?:twice|two times|2 times|three times|3 times|double|again|multiple times)',
  're:(?:انخصم|خصم|خصمتوا|خصمتو|خصمت|خصموا|خصمو|انسحب|سحب|سحبتوا|سحبت|سحبوا|سحبو|اخذوا|اخذتوا|حسبوا|اتخصم|اتسحب|دفعت|حاسبني|حسبتوا|انقطع|استقطع|تم خصم|تم سحب)(?: \\p{L}+){0,3} (?:مرتين|مرتان|ثلاث مرات|تلات مرات|مره ثانيه|مره تانيه|دبل)',
  'charged twice', 'double charged', 'charged me twice', 'charged two times', 'charged me two times', 'charged double',
  'paid twice', 'deducted twice', 'charged again', 'charged me again', 'charged three times', 'fraud*', 'unauthorized', 'unauthorised',
  'didnt authorize', 'did not authorize', 'stolen', 'stole', 'steal*', 'hacked', 'someone used my card', 'identity theft',
  'phishing', 'chargeback', 'charge back', 'dispute the charge', 'dispute with my bank', 'call my bank', 'block my card',
  're:(?:charged|deducted|debited|billed) (?:[\\p{L}\\p{N}]+ ){0,3}but', 're:paid (?:[\\p{L}\\p{N}]+ ){0,3}but (?:\\p{L}+ ){0,3}(?:no|not|didnt|never|cancel+ed|canceled|failed|unpaid|pending)',
  'unknown charge', 'charge i dont recognize', 'charge i dont recognise', 'didnt make this', 'without my permission', 'without my consent',
  'money was taken', 'money taken from my account', 'emptied my account', 'lost my money', 'took my money', 'scammed me',
  'i was scammed', 'i got scammed', 'been scammed',
  'انخصم مرتين', 'خصم مرتين', 'خصمتوا مرتين', 'انسحب مرتين', 'سحب مرتين', 'دفعت مرتين', 'تم الخصم مرتين', 'اتخصم مرتين',
  'اتسحب مرتين', 'احتيال', 'احتيالي', 'عمليه احتيال', 'مسروق', 'مسروقه', 'انسرق', 'انسرقت', 'اختراق',
  'مخترق', 'انخترق', 'تهكير', 'اتهكر', 'اخترقوا', 'نصبوا علي', 'نصبتوا علي', 'اتنصب علي', 'انضحك علي', 'استخدم بطاقتي',
  'مبلغ ما اعرفه', 'عمليه ما اعرفها', 'بدون علمي', 'بدون اذني', 'بدون موافقتي', 'ما سويتها', 'عمليه غريبه', 'مبلغ غريب',
  'اوقف البطاقه', 'ابلغ البنك', 'بكلم البنك', 'اعتراض على العمليه', 'راحت فلوسي', 'ضاعت فلوسي', 'فلوسي راحت',
  'az:n5asam marten', 'az:enkhasam marrtain', 'az:et5asam marten', 'az:sar2a', 'az:serqa', 'az:ma5tara2', 'az:e7tiyal',
  'fraude', 'robado', 'cobro doble', 'vole', 'roubado', 'betrug', 'dolandirildim', 'penipuan',
]);

export const URGENT_SAFETY = group('safety', [
  ...words('fire exploded explode explosion explosive burning burned burnt sparks sparking sparked electrocuted'),
  ...words('injured injury injuries hurt bleeding blood poison* poisoned choking choked ambulance hospital hospitalized unconscious'),
  'got sick', 'became sick', 'fell sick', 'fell ill', 'got ill', 'vomit*', 'threw up', 'throwing up', 'diarrhea', 'rash', 'the er',
  'threatened', 'threaten*', 'assaulted', 'harassed', 'harrassed', 'attacked', 'hit me', 'groped',
  'هددني', 'هددنا', 'تهديد', 'تحرش', 'ضربني', 'اعتدى', 'اعتداء',
  'emergency room', 'er visit', 'to the er', 'caught fire', 'on fire', 'electric shock', 'got shocked', 'shocked me', 'allergic reaction', 'food poisoning', 'cut my', 'burned my',
  'burnt my', 'swallowed', 'cant breathe',
  'حريق', 'حريقه', 'احترق', 'احترقت', 'انحرق', 'انحرقت', 'انحرقنا', 'تحرق', 'ولعت', 'ولع', 'اشتعل', 'اشتعلت', 'انفجر', 'انفجرت', 'انفجار', 'كاد يحرق', 'حرق', 'حرقني',
  'كهربني', 'كهربتني', 'صعق', 'اصابه', 'اصبت', 'انجرح', 'انجرحت', 'جرح', 'جرحني', 'نزيف', 'ينزف', 'دم',
  'تسمم', 'تسممت', 'مسموم', 'استفرغ', 'استفرغت', 'ترجع', 'اسهال', 'طفح', 'مرض', 'مرضت', 'تعب من الاكل', 'تعبت من الاكل', 'حساسيه', 'اسعاف', 'الاسعاف', 'مستشفى', 'المستشفى', 'طوارئ', 'اختناق', 'بلع',
  'az:7ari2', 'az:hareeq', 'az:e7tara2', 'az:enfajar', 'az:tasamom', 'az:mustashfa', 'az:mostashfa', 'az:es3af',
  'incendio', 'fuego', 'herido', 'hospital', 'feu', 'blesse', 'incendio', 'ferido', 'feuer', 'verletzt', 'yangin', 'yarali', 'kebakaran',
]);

/** Hazards without harm yet: complaint evidence (weaker) and urgency when reported. */
export const SAFETY_WEAK = group('hazard', [
  ...words('smoke smoking sparks sparking sparked dangerous danger unsafe hazard hazardous toxic overheating overheated melting'),
  're:(?:gas|غاز)(?: \\p{L}+){0,4} (?:leak\\p{L}*|يسرب|تسرب|تسريب|يهرب|بيسرب)', 'gas leak', 'leaking gas', 'smells like gas', 'smell of gas', 'smell of burning', 'burning smell', 'short circuit',
  'دخان', 'طلع دخان', 'يطلع دخان', 'شرار', 'شراره', 'يطلع شرار', 'خطر', 'خطر على', 'خطير على', 'تسريب غاز', 'ريحه غاز', 'ريحه حريق',
  'ريحه احتراق', 'ماس كهربائي', 'التماس', 'يسخن بقوه',
  'az:dokhan', 'az:d5an', 'az:sharar', 'az:5atar', 'az:khatar',
]);

export const URGENT_LEGAL = group('legal', [
  ...words('lawyer lawyers attorney attorneys lawsuit sue suing sued court police'),
  'legal action', 'take legal', 'legal steps', 'file a complaint with', 'report you to', 'consumer protection', 'consumer rights',
  'better business bureau', 'bbb', 'small claims', 'my bank will', 'take this further',
  'محامي', 'المحامي', 'محاميي', 'قضيه', 'رفع قضيه', 'ارفع قضيه', 'برفع قضيه', 'المحكمه', 'محكمه', 'الشرطه', 'شرطه', 'بلاغ',
  'ابلغ عنكم', 'بلغ عنكم', 'ببلغ عليكم', 'بشتكي عليكم', 'اشتكي عليكم', 'حمايه المستهلك', 'وزاره التجاره', 'شكوى رسميه',
  'النيابه', 'الاجراءات القانونيه', 'اجراء قانوني',
  'az:mo7ami', 'az:mohami', 'az:ma7kama', 'az:mahkama', 'az:shorta', 'az:sho6a', 'az:balagh',
  'abogado', 'denuncia', 'avocat', 'advogado', 'anwalt', 'klage', 'avukat', 'dava', 'pengacara',
]);

export const TIME_TODAY = group('time_bound', [
  ...words('today tonight asap now immediately quickly hurry urgently rn'),
  'right now', 'right away', 'this morning', 'this afternoon', 'this evening', 'by tonight', 'by today', 'end of day', 'eod',
  'within the hour', 'in an hour', 'in 1 hour', 'in 2 hours', 'in few hours', 'in a few hours', 'by noon',
  'as soon as possible', 'as fast as possible', 'hurry up', 'cant wait', 'need it today', 'need it now', 'need it by',
  're:(?:before|by|until|til|till) (?:\\d{1,2}(?: ?(?:am|pm))?|noon|midnight|tonight|evening|the evening)(?![\\p{L}\\p{N}])',
  're:(?:at|by|before) \\d{1,2} ?(?:am|pm)',
  // Arabic
  'دابا', 'az:daba', 'الحين', 'هالحين', 'الحينه', 'دحين', 'ذحين', 'الان', 'الآن', 'حالا', 'حالاً', 'فورا', 'فوري', 'اليوم', 'الليله', 'الليلة',
  'هالليله', 'بسرعه', 'باسرع وقت', 'في اسرع وقت', 'اسرع وقت', 'ضروري', 'مستعجل', 'مستعجله', 'مستعجلين', 'دلوقتي', 'دلوقت',
  'النهارده', 'النهاردا', 'هلق', 'هسه', 'هسا', 're:هلا (?:بدي|بدنا|لازم|ضروري|بسرعه)', 'اليوم ضروري', 'قبل الساعه', 'قبل المغرب', 'قبل العصر',
  'قبل الظهر', 'قبل العشاء', 'قبل الليل', 'اليوم قبل', 'هذا اليوم', 'خلال ساعه', 'بعد ساعه', 'بعد ساعتين', 'ع السريع',
  'على السريع',
  'az:el7een', 'az:el7in', 'az:alhin', 'az:al7in', 'az:al7een', 'az:hal7in', 'az:hal7een', 'az:delwa2ty', 'az:dlw2ty', 'az:delwa2ti',
  'az:dlwa2ty', 'az:elyom', 'az:alyoum', 'az:elyoum', 'az:alyom', 'az:elnaharda', 'az:naharda', 'az:bsor3a', 'az:besor3a',
  'az:bsr3a', 'az:b sor3a', 'az:7alan', 'az:halan', 'az:fawran', 'az:daroori', 'az:darori', 'az:dharoori', 'az:mesta3gel',
  'az:mista3jil', 'az:mst3jl', 'az:halla2', 'az:hal2', 'az:hassa', 'az:hessa',
  'hoy', 'ahora', 'urgente', 'aujourdhui', 'maintenant', 'hoje', 'agora', 'heute', 'sofort', 'jetzt', 'bugun', 'hemen', 'simdi',
  'hari ini', 'sekarang',
]);

/** Pressing for speed: a message saying only this still needs a reply. */
export const RUSH = group('rush', [
  ...words('hurry asap urgently quickly immediately quick'), 'right now', 'right away', 'as soon as possible', 'hurry up',
  'بسرعه', 'ضروري', 'مستعجل', 'مستعجله', 'حالا', 'فورا', 'باسرع وقت', 'ع السريع', 'على السريع', 'بسرعه لو سمحت',
  'az:bsor3a', 'az:besor3a', 'az:bsr3a', 'az:b sor3a', 'az:daroori', 'az:darori', 'az:mesta3gel', 'az:mista3jil', 'az:fawran',
]);

/** Phrases where "now"/"today"-like words do not make a message time-bound. Removed before TIME_TODAY. */
const TIME_EXCLUSION_PHRASES = [
  'for now', 'till now', 'until now', 'up to now', 'up till now', 'as of now', 'by now', 'just now', 'now that', 'from now on',
  'know now', 'even now', 'right now i dont', 'not now', 'not today', 'today is', 'its now', 'is now', 'are now', 'was now',
  'اليوم الاثنين', 'اليوم الثلاثاء', 'اليوم الاربعاء', 'اليوم الخميس', 'اليوم الجمعه', 'اليوم السبت', 'اليوم الاحد',
  'حتى الان', 'لحد الان', 'لحد الحين', 'لين الحين', 'للحين', 'الى الان', 'لغايه الان', 'لغايه دلوقتي', 'لحد دلوقتي',
  'لحد النهارده', 'من الحين', 'من الان', 'من اليوم', 'اليوم الثاني', 'اليوم التالي', 'مو الحين', 'مش دلوقتي', 'مب الحين',
  'مش الحين', 'مش هلق', 'لسه لحد', 'لحد اليوم', 'لين اليوم', 'الى اليوم', 'حتى اليوم',
];
export const TIME_EXCLUSIONS = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:[وف])?(?:${[...TIME_EXCLUSION_PHRASES.map(phraseSource), plusify('its (?:\\p{L}+ )?now'), plusify('now (?:its|it is)')].join('|')})(?![\\p{L}\\p{N}])`,
  'gu',
);
