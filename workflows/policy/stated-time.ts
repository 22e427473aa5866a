// The buyer's stated time for being contacted ("call me at 5", "بكرة الصبح", "ba3d sa3tein"), as a
// follow-up instant in the buyer's time zone. Pure and deterministic (bundled into workflow code):
// no clock, no I/O, no randomness; time-zone and Hijri arithmetic through Intl.DateTimeFormat with
// an explicit timeZone and calendar. chrono-node (English only) recognises calendar dates with month
// names; its components are re-projected here, because chrono applies one fixed UTC offset (the
// reference's) and would be an hour off across a DST change.
//
// Choices, stated once:
// - Precision first. A time counts only when the message talks about contact or availability
//   (call/text/talk/back/free/busy, كلمني/اتصل/بكلمك/برجع/حاكيني/خابرني/دقلي/فاضي, kalemni/etasel/7akini)
//   or is nothing but the time plus fillers ("tomorrow morning", "بكرة الصبح إن شاء الله", "ok at 9").
//   A time in the same comma-segment as a negation ("tomorrow is not good", "مش بكرة"), a busy word
//   without "until" ("مشغول بكرة"), or an order/delivery/price/past-contact word ("ordered on the
//   15th", "ago", "missed your call", "امس", "الطلب", "ريال", "اتصلت") does not count. A negation
//   right before a time negates only that time ("at 5 not 6", "لا مو بكرة، بعد بكرة"); "not now",
//   "مشغول الحين" are about now. Numeric dates ("15/3": d/m or m/d?) and vague words ("later",
//   "بعدين", "in a few hours") give null. Unsure -> null.
// - All local times are wall-clock times in `timeZone`, converted per day (DST-correct); relative
//   hours/minutes are plain elapsed time. Every result is strictly after now, else null.
// - Parts of day (default, window): morning 10:00 (09-12), noon 12:30 (12-14), afternoon 15:00
//   (13-17), asr/العصر 16:00 (15-18), evening/maghrib/المسا 19:00 (17-21), tonight/الليلة 20:00
//   (18-23), night/بالليل/العشا 20:30 (20-23). A bare part ("in the morning") is the next default
//   moment (today if still ahead, else tomorrow). A part tied to today ("this morning", "tonight",
//   "اليوم المسا") is today only: the default if ahead, else a quarter hour from now (rounded up to
//   :00/:15/:30/:45) while the window is open, else null ("this morning" at 14:00 -> null: the
//   words name a time already gone).
// - Bare clock "at N" (no am/pm, no part of day): today/no day -> 1-7 mean pm; 8-11 mean am if still
//   ahead today, else pm if ahead, else tomorrow am; 12 is noon; 13-23 are 24-hour. A time that has
//   passed today moves to tomorrow (with "today" stated: null). On a later day 1-7 pm, 8-11 am.
//   Clock window: one hour from the time.
// - "after N" = 15 minutes after the clock time (resolved as "at N"), window N..N+2h; "free from N"
//   likewise. "until N" counts only after a busy word ("busy until 5", "مشغول لين الساعة ٥") and
//   means after N. A range ("between 2 and 4", "بين الساعة ٢ و ٤") is its start, window the range,
//   ending the same day; when it is open now, a quarter hour from now.
// - Prayer times as the Gulf uses them: العصر 16:00, after المغرب = evening, العشا = night, before
//   الظهر = morning, after Friday prayer = Friday afternoon.
// - Day-level answers ("tomorrow", "Thursday", "the 15th") are at 10:00, window 09:00-18:00. Weekday:
//   the next such day, never today; "next Thursday" is the same (nearest one after today).
//   "next week": the first day of the next week: Sunday where the working week starts on Sunday (Saudi
//   Arabia and the Gulf except the UAE, Egypt, Jordan, Iraq...), Monday elsewhere (UAE since 2022,
//   Lebanon, Europe, the Americas); window that day to 4 days later 18:00.
// - "the 15th": the next 15th after today (on the 15th itself: next month's). Month names (English
//   via chrono, Arabic/Levantine month names here): the next such date after today.
// - "end of the month": the last day of this month at 10:00 (window: its last 3 days); said on the
//   last day itself, next month's last day (the words cannot mean "today").
// - "after Eid" (بعد العيد): whichever comes first after today of 4 Shawwal (Eid al-Fitr is 1-3
//   Shawwal) and 14 Dhu al-Hijjah (Eid al-Adha 10-13) in the islamic-umalqura calendar, scanning
//   at most 400 days; "after Ramadan" is 4 Shawwal too (1-3 Shawwal are the Eid holiday).
// - Several times in one message: the first sentence whose time resolves wins; within it the first
//   day words and the first time-of-day words combine ("tomorrow at 5", "الخميس العصر").
// - Relative hours/minutes: now + the duration exactly, window a quarter of it (15-60 min) after.
//   Day offsets ("tomorrow", "بعد يومين", "in a week", "next week") are kind 'relative' too; the
//   kind is that of the most specific words ("tomorrow at 5" is 'clock', "Thursday evening"
//   'part_of_day').
// - An unknown time zone or unparseable `nowIso` gives null (no stated time rather than a wrong one).
import * as chrono from 'chrono-node/en';
import { normalizeArabic } from '../../domain/normalize.js';

export type StatedTimeKind = 'clock' | 'part_of_day' | 'relative' | 'weekday' | 'date' | 'month_end' | 'holiday' | 'after_time';

export interface StatedTime {
  /** ISO-8601 UTC instant chosen. */
  at: string;
  /** The span the words mean (ISO UTC). */
  windowStart: string;
  windowEnd: string;
  /** The words matched, as written. */
  phrase: string;
  reason: string;
  language: 'en' | 'ar';
  kind: StatedTimeKind;
}

// ---------------------------------------------------------------------------------------------
// Time-zone arithmetic (Intl with an explicit zone; never the host zone).

interface YMD {
  y: number;
  m: number;
  d: number;
}

const MIN = 60_000;
const zoneFormatters = new Map<string, Intl.DateTimeFormat>();
function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = zoneFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    zoneFormatters.set(timeZone, f);
  }
  return f;
}

function localParts(ms: number, timeZone: string): YMD & { hh: number; mm: number; ss: number } {
  const o: Record<string, number> = {};
  for (const p of zoneFormatter(timeZone).formatToParts(ms)) if (p.type !== 'literal') o[p.type] = Number(p.value);
  return { y: o.year!, m: o.month!, d: o.day!, hh: o.hour! % 24, mm: o.minute!, ss: o.second! };
}

function offsetMs(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const l = localParts(whole, timeZone);
  return Date.UTC(l.y, l.m - 1, l.d, l.hh, l.mm, l.ss) - whole;
}

/**
 * Instant of a local date + minutes after local midnight. A time that occurs twice (fall back) is the
 * first occurrence; a time in a spring-forward gap maps past the gap (NY 02:30 -> 03:30 EDT).
 */
function zonedToUtc(day: YMD, minutes: number, timeZone: string): number {
  const wall = Date.UTC(day.y, day.m - 1, day.d, 0, minutes);
  const before = wall - offsetMs(wall - 86_400_000, timeZone); // with the offset of the day before
  const after = wall - offsetMs(wall + 86_400_000, timeZone); // and of the day after
  const isWall = (t: number) => {
    const l = localParts(t, timeZone);
    return Date.UTC(l.y, l.m - 1, l.d, l.hh, l.mm, l.ss) === wall;
  };
  const valid = [before, after].filter(isWall);
  return valid.length ? Math.min(...valid) : before;
}

function addDays(day: YMD, n: number): YMD {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}
const weekdayOf = (day: YMD) => new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay();
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const dayNumber = (day: YMD) => Date.UTC(day.y, day.m - 1, day.d) / 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');
const ymdText = (day: YMD) => `${day.y}-${pad(day.m)}-${pad(day.d)}`;

// Hijri (islamic-umalqura) month/day of a Gregorian date; null when the runtime lacks the calendar
// (Intl would silently fall back to Gregorian).
let hijriFormatter: Intl.DateTimeFormat | null | undefined;
function hijri(day: YMD): { month: number; day: number } | null {
  if (hijriFormatter === undefined) {
    const f = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura', { timeZone: 'UTC', day: 'numeric', month: 'numeric', year: 'numeric' });
    hijriFormatter = f.resolvedOptions().calendar === 'islamic-umalqura' ? f : null;
  }
  if (!hijriFormatter) return null;
  const o: Record<string, number> = {};
  for (const p of hijriFormatter.formatToParts(Date.UTC(day.y, day.m - 1, day.d, 12))) if (p.type === 'month' || p.type === 'day') o[p.type] = Number(p.value);
  return o.month && o.day ? { month: o.month, day: o.day } : null;
}

/** Zones whose working week starts on Sunday ("next week" = next Sunday). */
const SUNDAY_WEEK_ZONES = new Set([
  'Asia/Riyadh', 'Asia/Kuwait', 'Asia/Qatar', 'Asia/Bahrain', 'Asia/Muscat', 'Asia/Aden', 'Asia/Baghdad', 'Asia/Amman',
  'Asia/Damascus', 'Asia/Jerusalem', 'Asia/Tel_Aviv', 'Asia/Gaza', 'Asia/Hebron', 'Africa/Cairo', 'Africa/Khartoum',
  'Africa/Tripoli', 'Africa/Algiers',
]);

// ---------------------------------------------------------------------------------------------
// Normalised text with a map back to the original (so `phrase` is the words as written).

interface Norm {
  s: string;
  from: number[]; // original start index of each normalised code unit
  to: number[]; // original end index
}

function normalizeWithMap(text: string): Norm {
  let s = '';
  const from: number[] = [];
  const to: number[] = [];
  let i = 0;
  for (const ch of text) {
    let t = normalizeArabic(ch.normalize('NFKC')).toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (/^['\u2019\u2018`\u00b4\u200b-\u200f\u2060\ufe00-\ufe0f]+$/.test(t)) t = ''; // don't -> dont; invisible marks
    t = t.replace(/\s/g, ' ');
    for (let k = 0; k < t.length; k++) {
      s += t[k];
      from.push(i);
      to.push(i + ch.length);
    }
    i += ch.length;
  }
  return { s, from, to };
}

// ---------------------------------------------------------------------------------------------
// Lexicon. Everything below matches the normalised text: lowercase, Arabic letters folded (ة->ه,
// ى->ي, أ/إ/آ->ا, hamza dropped), Arabic-Indic digits as ASCII.

const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const AP = '(?:و|ف)?(?:ب|ل|ع)?'; // Arabic proclitics: و/ف + ب/ل/ع ("وبكره", "بالليل", "عالساعه")
const alt = (words: readonly string[]) => [...words].sort((a, b) => b.length - a.length).join('|');
const re = (src: string) => new RegExp(src, 'gu');

const EN_NUMBERS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};
const AR_NUMBERS: Record<string, number> = {
  واحده: 1, وحده: 1, واحد: 1, ثنتين: 2, اثنين: 2, اتنين: 2, ثنين: 2, تنتين: 2, ثلاث: 3, ثلاثه: 3, تلات: 3, تلاته: 3,
  اربع: 4, اربعه: 4, خمس: 5, خمسه: 5, ست: 6, سته: 6, سبع: 7, سبعه: 7, ثمان: 8, ثمانيه: 8, ثماني: 8, تمن: 8, تمانيه: 8,
  تمنيه: 8, تسع: 9, تسعه: 9, عشر: 10, عشره: 10, حداش: 11, احدعش: 11, حدعش: 11, احداشر: 11, حداشر: 11, اطناش: 12,
  اتناشر: 12, اثنعش: 12, ثنعش: 12, طنعش: 12,
  // formal ordinals: "الساعة الخامسة مساءً"
  الواحده: 1, الثانيه: 2, الثالثه: 3, الرابعه: 4, الخامسه: 5, السادسه: 6, السابعه: 7, الثامنه: 8, التاسعه: 9, العاشره: 10,
  'الحاديه عشر': 11, 'الحاديه عشره': 11, 'الثانيه عشر': 12, 'الثانيه عشره': 12,
};
const AZ_NUMBERS: Record<string, number> = {
  wa7da: 1, wa7ed: 1, etnein: 2, itnein: 2, tnein: 2, talata: 3, tlata: 3, arba3a: 4, arb3a: 4, '5amsa': 5, khamsa: 5,
  setta: 6, sitta: 6, sab3a: 7, tamanya: 8, tmanya: 8, tes3a: 9, tis3a: 9, '3ashra': 10, ashra: 10,
};
const ALL_NUMBERS: Record<string, number> = { ...EN_NUMBERS, ...AR_NUMBERS, ...AZ_NUMBERS };
function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (/^\d+$/.test(t)) return Number(t);
  return ALL_NUMBERS[t] ?? null;
}
const EN_NUM = `(?:\\d{1,2}|${alt(Object.keys(EN_NUMBERS))})`;
const AR_NUM = `(?:\\d{1,2}|${alt(Object.keys(AR_NUMBERS))})`;
const AZ_NUM = `(?:\\d{1,2}|${alt(Object.keys(AZ_NUMBERS))})`;

type Part = 'morning' | 'noon' | 'afternoon' | 'asr' | 'evening' | 'tonight' | 'night';
const PARTS: Record<Part, { at: number; from: number; to: number; label: string }> = {
  morning: { at: 600, from: 540, to: 720, label: 'morning' },
  noon: { at: 750, from: 720, to: 840, label: 'noon' },
  afternoon: { at: 900, from: 780, to: 1020, label: 'afternoon' },
  asr: { at: 960, from: 900, to: 1080, label: 'afternoon (asr)' },
  evening: { at: 1140, from: 1020, to: 1260, label: 'evening' },
  tonight: { at: 1200, from: 1080, to: 1380, label: 'tonight' },
  night: { at: 1230, from: 1200, to: 1380, label: 'night' },
};

// Part-of-day words, normalised, by part. Used alone and after a clock ("٨ بالليل", "5 el masa").
const AR_PART_WORDS: Record<string, Part> = {
  الصبح: 'morning', الصباح: 'morning', صباحا: 'morning', الضحي: 'morning', الضحا: 'morning',
  الظهر: 'noon', الضهر: 'noon', الظهريه: 'noon', الضهريه: 'noon', ظهرا: 'noon',
  العصر: 'asr', عصرا: 'asr', العصريه: 'asr', العصرونيه: 'asr',
  المغرب: 'evening', المسا: 'evening', مسا: 'evening', المساا: 'evening', مساا: 'evening', العشيه: 'evening', عشيه: 'evening',
  الليله: 'tonight', هالليله: 'tonight', هاليله: 'tonight',
  الليل: 'night', ليلا: 'night', باليل: 'night', العشا: 'night',
};
const AZ_PART_WORDS: Record<string, Part> = {
  'el sob7': 'morning', elsob7: 'morning', 'el sobh': 'morning', sob7: 'morning', sobh: 'morning', 'el saba7': 'morning', 'el sabah': 'morning', saba7an: 'morning', sabahan: 'morning',
  'el dohr': 'noon', 'el zohr': 'noon', 'el duhr': 'noon', 'el do7r': 'noon',
  'el 3asr': 'asr', el3asr: 'asr', '3asr': 'asr', '3asran': 'asr',
  'el maghrib': 'evening', 'el maghreb': 'evening', 'el masa': 'evening', elmasa: 'evening', masa: 'evening', masa2an: 'evening', 'bel masa': 'evening',
  'el leila': 'tonight', elleila: 'tonight', 'el lela': 'tonight', ellela: 'tonight', 'el leileh': 'tonight',
  'bel leil': 'night', belleil: 'night', 'bel lail': 'night', 'bil lail': 'night', 'bil leil': 'night', 'bl leil': 'night', 'bel lel': 'night', 'el leil': 'night',
};
const AR_PART = `(?:${AP})(?:${alt(Object.keys(AR_PART_WORDS))})`;
const AZ_PART = `(?:${alt(Object.keys(AZ_PART_WORDS))})`;
function partOf(word: string | undefined): Part | null {
  if (!word) return null;
  const w = word.trim().replace(/\s+/g, ' ');
  if (AR_PART_WORDS[w]) return AR_PART_WORDS[w];
  if (AZ_PART_WORDS[w]) return AZ_PART_WORDS[w];
  const stripped = w.replace(/^(?:و|ف)?(?:ب|ل|ع)?(?=ال|ليلا|مسا|صباحا|ظهرا|عصرا|عشيه|باليل)/u, '');
  if (AR_PART_WORDS[stripped]) return AR_PART_WORDS[stripped];
  if (/^(?:ب|و|وب)?ال?ليل$|^بالليل$/u.test(w)) return 'night';
  return null;
}

// Clock fractions: "ونص" (:30), "وربع" (:15), "الا ربع" (-:15), "وثلث" (:20), "w nos".
const AR_FRACTION = '(?:و\\s*نص|ونصف|و\\s*ربع|الا\\s*ربع|و\\s*ثلث|الا\\s*ثلث)';
const AZ_FRACTION = '(?:(?:w|o|we|wa)\\s?(?:nos|nus|nu9|ness|rob3|rub3|tilt)|illa\\s?rob3)';
function fraction(s: string | undefined): number {
  if (!s) return 0;
  const t = s.replace(/\s+/g, '');
  if (/^الا/u.test(t) || /^illa/.test(t)) return t.includes('ثلث') ? -20 : -15;
  if (/نص|nos|nus|nu9|ness/u.test(t)) return 30;
  if (/ربع|rob3|rub3/u.test(t)) return 15;
  if (/ثلث|tilt/u.test(t)) return 20;
  return 0;
}
// Words after a number that make it a quantity, a price or a duration, not a clock time.
const NOT_CLOCK_AFTER =
  '(?!\\s*(?:\\d|%|\\$|€|£|(?:k|sar|riyals?|rials?|aed|egp|usd|kwd|qar|bhd|omr|jod|lbp|dollars?|bucks|pounds?|euros?|each|per|pcs|pieces?|items?|units?|pairs?|boxes|sizes?|kg|kilos?|grams?|g|cm|mm|meters?|percent|off|more|of|times|x|people|kids|days?|hours?|hrs?|minutes?|mins?|weeks?|months?|years?|ريال|ريالات|ر\\s?س|جنيه|درهم|دينار|ليره|دولار|الف|مليون|قطعه|قطع|حبه|حبات|ساعه|ساعات|دقيقه|دقايق|يوم|ايام|اسبوع|شهر|سنه)(?![\\p{L}])))';

// ---------------------------------------------------------------------------------------------
// Elements: day words and time-of-day words found in the text.

type DayEl =
  | { d: 'offset'; n: number; label: string }
  | { d: 'weekday'; wd: number; nextWeek: boolean }
  | { d: 'nextWeek' }
  | { d: 'ordinal'; day: number; nextMonth: boolean }
  | { d: 'monthDate'; month: number; day: number; year: number | null }
  | { d: 'monthEnd'; next: boolean }
  | { d: 'holiday'; which: 'eid' | 'fitr' | 'adha' | 'ramadan' };
type Meridiem = 'am' | 'pm' | null;
type TimeEl =
  | { t: 'clock' | 'after' | 'until'; h: number; min: number; mer: Meridiem; part: Part | null; span?: number }
  | { t: 'part'; part: Part; today: boolean }
  | { t: 'rel'; minutes: number };
type Lang = 'en' | 'ar' | 'az';
interface El {
  start: number;
  end: number;
  lang: Lang;
  day?: DayEl;
  time?: TimeEl;
}
type Maker = (m: RegExpExecArray) => Omit<El, 'start' | 'end' | 'lang'> | null;
interface Rule {
  lang: Lang;
  re: RegExp;
  make: Maker;
}

const WEEKDAYS_EN: Record<string, number> = {
  sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6,
  tues: 2, weds: 3, thurs: 4, thur: 4, sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6,
};
const WEEKDAYS_AR: Record<string, number> = {
  احد: 0, حد: 0, اثنين: 1, اتنين: 1, تنين: 1, ثنين: 1, ثلاثا: 2, ثلثا: 2, تلات: 2, تلاتا: 2, ثلوث: 2,
  اربعا: 3, اربع: 3, خميس: 4, جمعه: 5, سبت: 6,
};
const WEEKDAYS_AZ: Record<string, number> = {
  a7ad: 0, ahad: 0, '7ad': 0, had: 0, etnein: 1, itnein: 1, ithnain: 1, ithnein: 1, etnen: 1, tanein: 1, tnein: 1, itnen: 1,
  talat: 2, talata: 2, tala2: 2, tlat: 2, thulatha: 2, tholatha: 2, arba3: 3, arb3a: 3, arba3a: 3, arbe3: 3, arbi3: 3,
  '5amees': 4, '5amis': 4, khamis: 4, khamees: 4, '5ames': 4, gom3a: 5, jum3a: 5, jom3a: 5, gum3a: 5, jumaa: 5, sabt: 6, sapt: 6,
};
const EN_WD_LONG = alt(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'tues', 'weds', 'thurs', 'thur']);
const EN_WD_SHORT = alt(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
const AR_NEXT = '(?:الجاي|الجايه|القادم|القادمه|الياي|اليايه|(?:اللي|الي)\\s+(?:جاي|جايه|ياي))';
const AZ_NEXT = '(?:el\\s?(?:gay|jay|jai|jaye|gaye|qadem|yay|gaay|jaay))';

const MONTHS_AR: Record<string, number> = {
  يناير: 1, فبراير: 2, مارس: 3, ابريل: 4, مايو: 5, يونيو: 6, يونيه: 6, يوليو: 7, يوليه: 7, اغسطس: 8, سبتمبر: 9, اكتوبر: 10,
  نوفمبر: 11, ديسمبر: 12, 'كانون الثاني': 1, شباط: 2, اذار: 3, نيسان: 4, ايار: 5, حزيران: 6, تموز: 7, اب: 8, ايلول: 9,
  'تشرين الاول': 10, 'تشرين الثاني': 11, 'كانون الاول': 12,
};
const EN_MONTH_NAME = /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b/;

const offset = (n: number, label: string): Omit<El, 'start' | 'end' | 'lang'> => ({ day: { d: 'offset', n, label } });
const part = (p: Part, today = false): Omit<El, 'start' | 'end' | 'lang'> => ({ time: { t: 'part', part: p, today } });
const clock = (t: 'clock' | 'after' | 'until', h: number | null, min: number, mer: Meridiem, p: Part | null) =>
  h === null || h > 23 || min < 0 || min > 59 ? null : { time: { t, h, min, mer, part: p } as TimeEl };
/** "between 2 and 4", "from 10 to 12", "بين الساعة ٢ و ٤": the start, with the range as its window. */
function range(h1: number | null, m1: number, mer1: Meridiem, h2: number | null, m2: number, mer2: Meridiem, p: Part | null) {
  if (h1 === null || h2 === null || h1 > 23 || h2 > 24) return null;
  // "2 to 4pm" -> both pm; "11 to 1pm" -> 11 am
  const mer = mer1 ?? (mer2 ? (h1 <= h2 % 12 ? mer2 : mer2 === 'pm' ? 'am' : null) : null);
  const a = h1 * 60 + m1;
  const b = h2 * 60 + m2;
  const span = h1 >= 13 || h2 >= 13 ? b - a : (b - a + 720) % 720;
  if (!(span > 0 && span <= 12 * 60)) return null;
  if (m1 < 0 || m1 > 59) return null;
  const time: TimeEl = { t: 'clock', h: h1, min: m1, mer, part: p, span };
  return { time };
}
function meridiem(s: string | undefined): Meridiem {
  if (!s) return null;
  return s.startsWith('a') ? 'am' : 'pm';
}
/** h:mm with a fraction ("5 ونص", "5 الا ربع"). */
function hm(h: number | null, minText: string | undefined, frac: string | undefined): [number | null, number] {
  if (h === null) return [null, 0];
  let min = minText ? Number(minText) : 0;
  const f = fraction(frac);
  if (f < 0) return [h - 1 < 1 ? h + 11 : h - 1, 60 + f];
  min += f;
  return [h, min];
}

const EN_MINUTE_WORDS: Record<string, number> = { 'oh five': 5, ten: 10, fifteen: 15, twenty: 20, 'twenty five': 25, thirty: 30, 'forty five': 45 };
// Groups: hour, minutes (digits), minutes (words), am/pm.
const EN_CLOCK_CORE = `(${EN_NUM})(?:[:.](\\d{2})|\\s+(${alt(Object.keys(EN_MINUTE_WORDS)).replace(/ /g, '[\\s-]')}))?\\s*(am|pm|a\\.m\\.?|p\\.m\\.?)?(?:\\s*o\\s?clock)?(?:\\s*ish)?`;
const enClock = (t: 'clock' | 'after' | 'until', m: RegExpExecArray) =>
  clock(t, num(m[1]), m[2] ? Number(m[2]) : m[3] ? (EN_MINUTE_WORDS[m[3].replace(/[\s-]+/g, ' ')] ?? 0) : 0, meridiem(m[4]), null);
const EN_DUR_UNIT = '(hours?|hrs?|hr|h|minutes?|mins?|min|m)';
function enDuration(q: string, unit: string): number | null {
  const t = q.trim().replace(/\s+/g, ' ');
  let n: number | null;
  if (/^(?:a|an|one)$/.test(t)) n = 1;
  else if (/^(?:a )?couple(?: of)?$/.test(t)) n = 2;
  else if (/^half an?$/.test(t)) n = 0.5;
  else if (/^\d{1,3}(?:\.\d)?$/.test(t)) n = Number(t);
  else n = EN_NUMBERS[t] ?? null;
  if (n === null || n <= 0) return null;
  const minutes = unit.startsWith('h') ? n * 60 : n;
  return minutes >= 1 && minutes <= 72 * 60 ? Math.round(minutes) : null;
}

const RULES: Rule[] = [
  // ---- English: days
  { lang: 'en', re: re(`${B}(?:tomorrow|tmrw|tmr|tmrow|tomoro|tomorow|tommorow|tommorrow|2moro|2morrow|2mrw)${E}`), make: () => offset(1, 'tomorrow') },
  { lang: 'en', re: re(`${B}(?:the\\s+)?(?:day\\s+)?after\\s+(?:tomorrow|tmrw|tmr|tomorow|tommorow)${E}`), make: () => offset(2, 'the day after tomorrow') },
  { lang: 'en', re: re(`${B}(?:today|2day|tdy)${E}`), make: () => offset(0, 'today') },
  {
    lang: 'en',
    re: re(`${B}(?:in|after)\\s+(a\\s+couple\\s+of|a\\s+couple|couple\\s+of|a|an|one|two|three|four|five|six|seven|ten|\\d{1,2})\\s+(days?|weeks?)${E}`),
    make: (m) => {
      const q = m[1]!.replace(/\s+/g, ' ');
      const n = /couple/.test(q) ? 2 : q === 'a' || q === 'an' ? 1 : num(q);
      if (!n) return null;
      const days = m[2]!.startsWith('w') ? n * 7 : n;
      return days > 0 && days <= 60 ? offset(days, `in ${days} days`) : null;
    },
  },
  { lang: 'en', re: re(`${B}(?:early\\s+|sometime\\s+|some\\s*time\\s+)?next\\s+week${E}`), make: () => ({ day: { d: 'nextWeek' } }) },
  {
    lang: 'en',
    re: re(`${B}(a|one|two|three|four|five|\\d{1,2})\\s+(days?|weeks?)\\s+from\\s+(?:now|today)${E}`),
    make: (m) => {
      const n = m[1] === 'a' ? 1 : num(m[1]);
      const days = n ? (m[2]!.startsWith('w') ? n * 7 : n) : 0;
      return days > 0 && days <= 60 ? offset(days, `in ${days} days`) : null;
    },
  },
  {
    lang: 'en',
    re: re(`${B}(?:(?:on|next|this|coming|this\\s+coming)\\s+)?(${EN_WD_LONG})s?${E}`),
    make: (m) => ({ day: { d: 'weekday', wd: WEEKDAYS_EN[m[1]!]!, nextWeek: false } }),
  },
  { lang: 'en', re: re(`${B}(?:on|next|this)\\s+(${EN_WD_SHORT})${E}`), make: (m) => ({ day: { d: 'weekday', wd: WEEKDAYS_EN[m[1]!]!, nextWeek: false } }) },
  {
    lang: 'en',
    re: re(`${B}(?:(?:on\\s+)?(${EN_WD_LONG})\\s+(?:of\\s+)?next\\s+week|next\\s+week\\s+(?:on\\s+)?(${EN_WD_LONG}))${E}`),
    make: (m) => ({ day: { d: 'weekday', wd: WEEKDAYS_EN[(m[1] ?? m[2])!]!, nextWeek: true } }),
  },
  {
    lang: 'en',
    re: re(
      `${B}(?:(?:on|by|back|from|until|till)\\s+)?(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)(?:\\s+of\\s+(this|the|next)\\s+month)?` +
        `(?=\\s*$|\\s*[,.!?;]|\\s+(?:at|in|or|and|around|after|then|ok|okay|pls|please|insha\\p{L}*|inshallah|morning|afternoon|evening|night|is|works|would|will|maybe|if|when|for|i|we|ill|thanks|thank)${E})`,
    ),
    make: (m) => {
      const day = Number(m[1]);
      return day >= 1 && day <= 31 ? { day: { d: 'ordinal', day, nextMonth: m[2] === 'next' } } : null;
    },
  },
  {
    lang: 'en',
    re: re(`${B}on\\s+the\\s+(\\d{1,2})(?=\\s*$|\\s*[,.!?;]|\\s+(?:at|in|or|and|then|ok|please|morning|afternoon|evening)${E})`),
    make: (m) => {
      const day = Number(m[1]);
      return day >= 1 && day <= 31 ? { day: { d: 'ordinal', day, nextMonth: false } } : null;
    },
  },
  {
    lang: 'en',
    re: re(`${B}(?:(?:by|at|around|towards?|before)\\s+)?(?:the\\s+)?(?:end\\s+of\\s+(?:the\\s+|this\\s+)?(next\\s+)?month|month[\\s-]?end)${E}`),
    make: (m) => ({ day: { d: 'monthEnd', next: !!m[1] } }),
  },
  {
    lang: 'en',
    re: re(`${B}after\\s+(?:the\\s+|el\\s+|al\\s+)?(?:eid|eed|3eid)(?:\\s+(?:al[\\s-]?)?(fitr|adha))?(?:\\s+holidays?)?${E}`),
    make: (m) => ({ day: { d: 'holiday', which: m[1] === 'fitr' ? 'fitr' : m[1] === 'adha' ? 'adha' : 'eid' } }),
  },
  { lang: 'en', re: re(`${B}after\\s+(?:the\\s+)?(?:ramadan|ramadhan|ramzan)${E}`), make: () => ({ day: { d: 'holiday', which: 'ramadan' } }) },

  // ---- English: times of day
  { lang: 'en', re: re(`${B}this\\s+(morning|afternoon|evening)${E}`), make: (m) => part(m[1] as Part, true) },
  { lang: 'en', re: re(`${B}(?:later\\s+)?(?:tonight|tonite|2nite|2night)${E}`), make: () => part('tonight', true) },
  {
    lang: 'en',
    re: re(`${B}(?<!good\\s)(?:(?:in|during)\\s+the\\s+|early\\s+|late\\s+|first\\s+thing\\s+in\\s+the\\s+)?(morning|afternoon|evening)s?${E}`),
    make: (m) => part(m[1] as Part),
  },
  { lang: 'en', re: re(`${B}(?:at\\s+)?night${E}`), make: () => part('night') },
  { lang: 'en', re: re(`${B}(?:(?:at|around)\\s+)?(?:noon|midday|lunch\\s*time)${E}|${B}(?:at|around|over|during)\\s+lunch${E}`), make: () => part('noon') },
  { lang: 'en', re: re(`${B}after\\s+lunch${E}`), make: () => part('afternoon') },
  { lang: 'en', re: re(`${B}before\\s+(?:noon|lunch)${E}`), make: () => part('morning') },
  {
    lang: 'en',
    re: re(`${B}(?:between|from)\\s+${EN_CLOCK_CORE}\\s*(?:and|to|till|until|til|-|–)\\s*${EN_CLOCK_CORE}${E}${NOT_CLOCK_AFTER}`),
    make: (m) => {
      const minutes = (d: string | undefined, w: string | undefined) => (d ? Number(d) : w ? (EN_MINUTE_WORDS[w.replace(/[\s-]+/g, ' ')] ?? 0) : 0);
      return range(num(m[1]), minutes(m[2], m[3]), meridiem(m[4]), num(m[5]), minutes(m[6], m[7]), meridiem(m[8]), null);
    },
  },
  {
    lang: 'en',
    re: re(`${B}(\\d{1,2})(?::(\\d{2}))?\\s*(?:-|–|to)\\s*(\\d{1,2})(?::(\\d{2}))?\\s*(am|pm|a\\.m\\.?|p\\.m\\.?)(?![\\p{L}\\p{N}])`),
    make: (m) => range(num(m[1]), m[2] ? Number(m[2]) : 0, null, num(m[3]), m[4] ? Number(m[4]) : 0, meridiem(m[5]), null),
  },
  {
    lang: 'en',
    re: re(`${B}from\\s+${EN_CLOCK_CORE}${E}${NOT_CLOCK_AFTER}`),
    make: (m) => enClock('after', m),
  },
  { lang: 'en', re: re(`${B}after\\s+work${E}`), make: () => part('evening') },
  {
    lang: 'en',
    re: re(`${B}(?:at|@|around|arround|round)\\s*${EN_CLOCK_CORE}${E}${NOT_CLOCK_AFTER}`),
    make: (m) => enClock('clock', m),
  },
  {
    lang: 'en',
    re: re(`${B}(\\d{1,2})(?:[:.](\\d{2}))?\\s*(am|pm|a\\.m\\.?|p\\.m\\.?)(?![\\p{L}\\p{N}])`),
    make: (m) => clock('clock', num(m[1]), m[2] ? Number(m[2]) : 0, meridiem(m[3]), null),
  },
  { lang: 'en', re: re(`${B}(\\d{1,2}):(\\d{2})${E}`), make: (m) => clock('clock', num(m[1]), Number(m[2]), null, null) },
  { lang: 'en', re: re(`${B}(${EN_NUM})\\s*o\\s?clock${E}`), make: (m) => clock('clock', num(m[1]), 0, null, null) },
  {
    lang: 'en',
    re: re(`${B}(?:at\\s+|around\\s+)?(half|quarter)\\s+(past|to)\\s+(${EN_NUM})${E}`),
    make: (m) => {
      const h = num(m[3]);
      if (h === null) return null;
      const f = m[1] === 'half' ? 30 : 15;
      return m[2] === 'past' ? clock('clock', h, f, null, null) : clock('clock', h - 1 < 1 ? h + 11 : h - 1, 60 - f, null, null);
    },
  },
  {
    lang: 'en',
    re: re(`${B}(?:any\\s*time\\s+)?after\\s+${EN_CLOCK_CORE}${E}${NOT_CLOCK_AFTER}`),
    make: (m) => enClock('after', m),
  },
  {
    lang: 'en',
    re: re(`${B}(?:until|till|til|untill|up\\s+to)\\s+(?:around\\s+)?${EN_CLOCK_CORE}${E}${NOT_CLOCK_AFTER}`),
    make: (m) => enClock('until', m),
  },
  {
    lang: 'en',
    re: re(`${B}(?:in|after|give\\s+me)\\s+(?:about\\s+|around\\s+|like\\s+|another\\s+|roughly\\s+)?(\\d{1,3}(?:\\.\\d)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a\\s+couple\\s+of|a\\s+couple|couple\\s+of|half\\s+an?)\\s*${EN_DUR_UNIT}${E}`),
    make: (m) => {
      const minutes = enDuration(m[1]!, m[2]!);
      return minutes ? { time: { t: 'rel', minutes } } : null;
    },
  },
  { lang: 'en', re: re(`${B}in\\s+an\\s+hour\\s+and\\s+a\\s+half${E}`), make: () => ({ time: { t: 'rel', minutes: 90 } }) },
  // "call me back in 30": a bare number of minutes, only the usual ones and only at the end of a clause
  { lang: 'en', re: re(`${B}in\\s+(5|10|15|20|30|45)(?=\\s*$|\\s*[,.!?;])`), make: (m) => ({ time: { t: 'rel', minutes: Number(m[1]) } }) },
  {
    lang: 'en',
    re: re(`${B}(\\d{1,3}|an?|one|two|three|four|five|ten)\\s*${EN_DUR_UNIT}\\s+from\\s+now${E}`),
    make: (m) => {
      const minutes = enDuration(m[1]!, m[2]!);
      return minutes ? { time: { t: 'rel', minutes } } : null;
    },
  },

  // ---- Arabic (Gulf, Egyptian, Levantine): days
  { lang: 'ar', re: re(`${B}${AP}(?:بكره|بكرا|بكري|باجر|باچر|غدا|غدوه)${E}`), make: () => offset(1, 'tomorrow') },
  { lang: 'ar', re: re(`${B}${AP}(?:بعد|عقب)\\s*(?:بكره|بكرا|بكري|باجر|الغد|غد|بكر)${E}`), make: () => offset(2, 'the day after tomorrow') },
  { lang: 'ar', re: re(`${B}${AP}(?:اليوم|النهارده|النهاردا|هاليوم)${E}`), make: () => offset(0, 'today') },
  {
    lang: 'ar',
    re: re(`${B}${AP}(?:بعد|عقب|كمان)\\s+(?:(${AR_NUM})\\s+)?(يوم|يومين|ايام|اسبوع|اسبوعين|اسابيع)${E}(?!\\s+(?:ال|نهار))`),
    make: (m) => {
      const unit = m[2]!;
      const n = m[1] ? num(m[1]) : unit === 'يومين' || unit === 'اسبوعين' ? 2 : 1;
      if (!n || ((unit === 'ايام' || unit === 'اسابيع') && !m[1])) return null;
      const days = unit.startsWith('اسب') ? n * 7 : n;
      return days > 0 && days <= 60 ? offset(days, `in ${days} days`) : null;
    },
  },
  { lang: 'ar', re: re(`${B}${AP}(?:ال)?اسبوع\\s+${AR_NEXT}${E}`), make: () => ({ day: { d: 'nextWeek' } }) },
  {
    lang: 'ar',
    re: re(`${B}${AP}(?:(?:يوم|نهار)\\s+)?ال(${alt(Object.keys(WEEKDAYS_AR))})(?:\\s+${AR_NEXT})?${E}`),
    make: (m) => ({ day: { d: 'weekday', wd: WEEKDAYS_AR[m[1]!]!, nextWeek: false } }),
  },
  {
    lang: 'ar',
    re: re(`${B}${AP}(?:(?:يوم|نهار)\\s+)?ال(${alt(Object.keys(WEEKDAYS_AR))})\\s+(?:من\\s+|في\\s+)?(?:ال)?اسبوع\\s+${AR_NEXT}${E}`),
    make: (m) => ({ day: { d: 'weekday', wd: WEEKDAYS_AR[m[1]!]!, nextWeek: true } }),
  },
  {
    lang: 'ar',
    re: re(`${B}${AP}(?:يوم|نهار|بتاريخ|تاريخ)\\s+(\\d{1,2})(?:\\s+(?:من\\s+|في\\s+|ب)?(?:ال)?شهر(?:\\s+(هذا|هاد|ده|${AR_NEXT}))?)?${E}${NOT_CLOCK_AFTER}`),
    make: (m) => {
      const day = Number(m[1]);
      return day >= 1 && day <= 31 ? { day: { d: 'ordinal', day, nextMonth: !!m[2] && !/^(?:هذا|هاد|ده)$/u.test(m[2]) } } : null;
    },
  },
  {
    lang: 'ar',
    re: re(`${B}(\\d{1,2})\\s+(?:من\\s+|في\\s+|ب)?(?:ال)?شهر(?:\\s+(هذا|هاد|ده|${AR_NEXT}))?${E}(?!\\s*\\d)`),
    make: (m) => {
      const day = Number(m[1]);
      return day >= 1 && day <= 31 ? { day: { d: 'ordinal', day, nextMonth: !!m[2] && !/^(?:هذا|هاد|ده)$/u.test(m[2]) } } : null;
    },
  },
  {
    lang: 'ar',
    re: re(`${B}(?:(?:يوم|نهار|بتاريخ|في)\\s+)?(\\d{1,2})\\s+(?:من\\s+)?(?:شهر|الشهر)\\s+(\\d{1,2})${E}`),
    make: (m) => {
      const day = Number(m[1]);
      const month = Number(m[2]);
      return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? { day: { d: 'monthDate', month, day, year: null } } : null;
    },
  },
  {
    lang: 'ar',
    re: re(`${B}(?:(?:يوم|نهار|بتاريخ|في)\\s+)?(\\d{1,2})\\s+(?:من\\s+)?(?:شهر\\s+)?(${alt(Object.keys(MONTHS_AR))})${E}`),
    make: (m) => {
      const day = Number(m[1]);
      const month = MONTHS_AR[m[2]!.replace(/\s+/g, ' ')];
      return month && day >= 1 && day <= 31 ? { day: { d: 'monthDate', month, day, year: null } } : null;
    },
  },
  {
    lang: 'ar',
    re: re(`${B}${AP}(?:اخر|نهايه|اواخر)\\s+(?:ال)?شهر(?:\\s+(هذا|هاد|ده|${AR_NEXT}))?${E}`),
    make: (m) => ({ day: { d: 'monthEnd', next: !!m[1] && !/^(?:هذا|هاد|ده)$/u.test(m[1]) } }),
  },
  {
    lang: 'ar',
    re: re(`${B}${AP}(?:بعد|عقب)\\s+(?:ال)?عيد(?:\\s+(ال)?(فطر|اضحي|اضحا|كبير|صغير))?${E}`),
    make: (m) => ({ day: { d: 'holiday', which: !m[2] ? 'eid' : /فطر|صغير/u.test(m[2]) ? 'fitr' : 'adha' } }),
  },
  { lang: 'ar', re: re(`${B}${AP}(?:بعد|عقب)\\s+(?:شهر\\s+)?رمضان${E}`), make: () => ({ day: { d: 'holiday', which: 'ramadan' } }) },

  // ---- Arabic: times of day
  { lang: 'ar', re: re(`${B}${AP}(?:الليله|هالليله|هاليله)${E}`), make: () => part('tonight', true) },
  { lang: 'ar', re: re(`${B}${AP}(?:الصبح|الصباح|صباحا|الضحي|الضحا)${E}`), make: () => part('morning') },
  { lang: 'ar', re: re(`${B}${AP}(?:الظهر|الضهر|الظهريه|الضهريه|ظهرا|وقت\\s+الغدا)${E}`), make: () => part('noon') },
  { lang: 'ar', re: re(`${B}${AP}(?:بعد|عقب)\\s+(?:صلاه\\s+)?(?:الظهر|الضهر)${E}`), make: () => part('afternoon') },
  { lang: 'ar', re: re(`${B}${AP}(?:بعد|عقب)\\s+الغدا${E}`), make: () => part('afternoon') },
  { lang: 'ar', re: re(`${B}${AP}قبل\\s+(?:صلاه\\s+)?(?:الظهر|الضهر)${E}`), make: () => part('morning') },
  // Friday prayer is around noon: "after Friday prayer" is Friday afternoon.
  { lang: 'ar', re: re(`${B}${AP}(?:بعد|عقب)\\s+(?:صلاه\\s+)?الجمعه${E}`), make: () => ({ day: { d: 'weekday', wd: 5, nextWeek: false }, ...part('afternoon') }) },
  {
    lang: 'ar',
    re: re(
      `${B}${AP}(?:بين|من)\\s+((?:ال)?ساعه\\s+)?(${AR_NUM})(?::(\\d{2}))?(?:\\s*(${AR_FRACTION}))?\\s*(?:و|الى|الي|لل?ساعه|لل|ل|لحد|لين|لغايه|حتي|-)\\s*(?:(?:ال)?ساعه\\s+)?` +
        `(${AR_NUM})(?::(\\d{2}))?(?:\\s*(${AR_FRACTION}))?(?:\\s+(${AR_PART}))?${E}${NOT_CLOCK_AFTER}`,
    ),
    make: (m) => {
      const p = partOf(m[8]);
      if (!m[1] && !p) return null; // "من ٢ ل ٤" alone could be anything; with الساعة or a part of day it is a time
      const [h1, m1] = hm(num(m[2]), m[3], m[4]);
      const [h2, m2] = hm(num(m[5]), m[6], m[7]);
      return range(h1, m1, null, h2, m2, null, p);
    },
  },
  { lang: 'ar', re: re(`${B}${AP}(?:(?:بعد|عقب)\\s+(?:صلاه\\s+)?)?(?:العصر|العصريه|عصرا|العصرونيه)${E}`), make: () => part('asr') },
  { lang: 'ar', re: re(`${B}${AP}(?:(?:بعد|عقب)\\s+(?:صلاه\\s+)?)?المغرب${E}`), make: () => part('evening') },
  { lang: 'ar', re: re(`${B}${AP}(?:المسا|مسا|المساا|مساا|العشيه|عشيه)${E}(?!\\s*(?:الخير|النور|الورد|الفل))`), make: () => part('evening') },
  { lang: 'ar', re: re(`${B}${AP}(?:بعد|عقب)\\s+(?:الدوام|الشغل)${E}`), make: () => part('evening') },
  { lang: 'ar', re: re(`${B}${AP}(?:(?:بعد|عقب)\\s+(?:صلاه\\s+)?)?العشا${E}`), make: () => part('night') },
  { lang: 'ar', re: re(`${B}${AP}(?:الليل|ليلا|باليل)${E}`), make: () => part('night') },
  {
    lang: 'ar',
    re: re(`${B}${AP}(?:ال)?ساعه\\s+(${AR_NUM})(?::(\\d{2}))?(?:\\s*(${AR_FRACTION}))?(?:\\s+(${AR_PART}))?${E}${NOT_CLOCK_AFTER}`),
    make: (m) => {
      const [h, min] = hm(num(m[1]), m[2], m[3]);
      return clock('clock', h, min, null, partOf(m[4]));
    },
  },
  {
    lang: 'ar',
    re: re(`${B}(${AR_NUM})(?::(\\d{2}))?(?:\\s*(${AR_FRACTION}))?\\s+(${AR_PART})${E}`),
    make: (m) => {
      const [h, min] = hm(num(m[1]), m[2], m[3]);
      const p = partOf(m[4]);
      return p ? clock('clock', h, min, null, p) : null;
    },
  },
  {
    lang: 'ar',
    re: re(`${B}${AP}(?:بعد|عقب)\\s+(?:(?:ال)?ساعه\\s+(${AR_NUM})(?::(\\d{2}))?(?:\\s*(${AR_FRACTION}))?(?:\\s+(${AR_PART}))?|(${AR_NUM})(?::(\\d{2}))?(?:\\s*(${AR_FRACTION}))?\\s+(${AR_PART}))${E}${NOT_CLOCK_AFTER}`),
    make: (m) => {
      const [h, min] = m[1] ? hm(num(m[1]), m[2], m[3]) : hm(num(m[5]), m[6], m[7]);
      const p = partOf(m[4] ?? m[8]);
      return clock('after', h, min, null, p);
    },
  },
  {
    lang: 'ar',
    re: re(`${B}(?:لين|الين|لحد|لغايه|حتي|للساعه)\\s+(?:(?:ال)?ساعه\\s+)?(${AR_NUM})(?::(\\d{2}))?(?:\\s*(${AR_FRACTION}))?(?:\\s+(${AR_PART}))?${E}${NOT_CLOCK_AFTER}`),
    make: (m) => {
      const [h, min] = hm(num(m[1]), m[2], m[3]);
      return clock('until', h, min, null, partOf(m[4]));
    },
  },
  {
    lang: 'ar',
    re: re(
      `${B}${AP}(?:بعد|عقب|كمان)\\s+(?:حوالي\\s+|تقريبا\\s+|شي\\s+)?` +
        `(?:(ساعتين|ساعتان|ساعه)(?:\\s*(و\\s*نص|ونصف|و\\s*ربع))?|(نص|نصف|ربع|ثلث)\\s+ساعه|(${AR_NUM})\\s+(ساعات|ساعه|دقايق|دقيقه)(?:\\s*(و\\s*نص))?|(دقيقتين|دقيقه))${E}`,
    ),
    make: (m) => {
      let minutes: number | null;
      if (m[1]) minutes = (m[1] === 'ساعه' ? 60 : 120) + fraction(m[2]);
      else if (m[3]) minutes = m[3] === 'ربع' ? 15 : m[3] === 'ثلث' ? 20 : 30;
      else if (m[4]) {
        const n = num(m[4]);
        minutes = n === null ? null : m[5]!.startsWith('ساع') ? n * 60 + fraction(m[6]) : n;
      } else minutes = m[7] === 'دقيقتين' ? 2 : 1;
      return minutes && minutes <= 72 * 60 ? { time: { t: 'rel', minutes } } : null;
    },
  },

  // ---- Arabizi (Arabic in Latin letters, digits for letters: 3=ع, 7=ح, 5=خ, 2=ء)
  { lang: 'az', re: re(`${B}(?:bokra|bukra|bokrah|bukrah|bkra|bokraa|boukra|bo2ra|bacher|baacher|bachir)${E}`), make: () => offset(1, 'tomorrow') },
  {
    lang: 'az',
    re: re(`${B}(?:ba3d|ba3ed|b3d|baad|3gub|3ugub)\\s*(?:bokra|bukra|bokrah|bukrah|bkra|boukra|bo2ra|bacher|baacher)${E}`),
    make: () => offset(2, 'the day after tomorrow'),
  },
  { lang: 'az', re: re(`${B}(?:el\\s?yom|el\\s?youm|lyoum|el\\s?naharda|ennaharda|naharda)${E}`), make: () => offset(0, 'today') },
  {
    lang: 'az',
    re: re(`${B}(?:ba3d|b3d|ba3ed|kaman)\\s+(?:(\\d{1,2})\\s+)?(yom|youm|yomen|yomein|yomain|yumain|youmein|ayam|ayyam|osboo3|esboo3|usbu3|osbo3|esbo3)${E}`),
    make: (m) => {
      const unit = m[2]!;
      const n = m[1] ? Number(m[1]) : /en|ein|ain/.test(unit) ? 2 : 1;
      if (/^ay/.test(unit) && !m[1]) return null;
      const days = /bo|bu|boo/.test(unit) ? n * 7 : n;
      return days > 0 && days <= 60 ? offset(days, `in ${days} days`) : null;
    },
  },
  {
    lang: 'az',
    re: re(`${B}(?:el\\s?)?(?:osboo3|esboo3|usbu3|osbo3|esbo3|esbu3|isbu3|osbou3|esbou3)\\s+${AZ_NEXT}${E}`),
    make: () => ({ day: { d: 'nextWeek' } }),
  },
  {
    lang: 'az',
    re: re(`${B}(?:(?:yom|youm|yawm|nhar|nahar)\\s+)?(?:el|al|il)[\\s-]?(${alt(Object.keys(WEEKDAYS_AZ))})(?:\\s+${AZ_NEXT})?${E}`),
    make: (m) => ({ day: { d: 'weekday', wd: WEEKDAYS_AZ[m[1]!]!, nextWeek: false } }),
  },
  {
    lang: 'az',
    re: re(`${B}(?:yom|youm)\\s+(\\d{1,2})${E}${NOT_CLOCK_AFTER}`),
    make: (m) => {
      const day = Number(m[1]);
      return day >= 1 && day <= 31 ? { day: { d: 'ordinal', day, nextMonth: false } } : null;
    },
  },
  {
    lang: 'az',
    re: re(`${B}(?:a5er|akher|akhir|a5ir|aa5er|nehayet|nihayet|nehayit)\\s+(?:el\\s?|al\\s?)?(?:shahr|sha7r|shahar|shar)${E}`),
    make: () => ({ day: { d: 'monthEnd', next: false } }),
  },
  { lang: 'az', re: re(`${B}(?:ba3d|b3d)\\s+(?:el\\s?|al\\s?)?(?:3eid|3id|eid|3eed|eed)${E}`), make: () => ({ day: { d: 'holiday', which: 'eid' } }) },
  { lang: 'az', re: re(`${B}(?:ba3d|b3d)\\s+(?:ramadan|ramadhan|ramdan)${E}`), make: () => ({ day: { d: 'holiday', which: 'ramadan' } }) },
  {
    lang: 'az',
    re: re(`${B}(?:el\\s?leila|el\\s?lela|elleila|ellela|el\\s?laila|el\\s?leileh|hal\\s?leileh|il\\s?leila)${E}`),
    make: () => part('tonight', true),
  },
  {
    lang: 'az',
    re: re(`${B}(?:(?:el|al|il|bel|bil|fel|fil|3al)\\s?)?(?:sob7|sobh|sub7|subh)${E}|${B}(?:el|al|il|bel|bil|fel)\\s?(?:saba7|sabah|sba7)${E}|${B}(?:saba7an|sabahan)${E}`),
    make: () => part('morning'),
  },
  { lang: 'az', re: re(`${B}(?:el|al)\\s?(?:dohr|zohr|duhr|dhohr|do7r|zuhr)${E}`), make: () => part('noon') },
  { lang: 'az', re: re(`${B}(?:ba3d|b3d)\\s+(?:el|al)\\s?(?:dohr|zohr|duhr|dhohr|do7r|zuhr)${E}`), make: () => part('afternoon') },
  { lang: 'az', re: re(`${B}(?:(?:ba3d|b3d)\\s+)?(?:(?:el|al|bel)\\s?3asr|3asran|el\\s?3asriya)${E}`), make: () => part('asr') },
  {
    lang: 'az',
    re: re(`${B}(?:(?:ba3d|b3d)\\s+)?(?:el|al)\\s?magh?r[ie]b${E}|${B}(?:el|al|bel|bil|fel)?\\s?(?:masa|masaa|masa2|msa)${E}(?!\\s*(?:el\\s?|al\\s?)?(?:kheir|khair|5eir|5er|noor|nour))`),
    make: () => part('evening'),
  },
  {
    lang: 'az',
    re: re(`${B}(?:(?:bel|bil|bl|fel|fil|el|al)\\s?(?:leil|lail|lel|leel)|belleil|billail|blleil|bellel)${E}`),
    make: () => part('night'),
  },
  {
    lang: 'az',
    re: re(`${B}(?:(?:el|al|3al|3a)\\s?)?(?:sa3a|sa3ah)\\s+(${AZ_NUM})(?:[:.](\\d{2}))?(?:\\s+(${AZ_FRACTION}))?(?:\\s+(${AZ_PART}))?${E}${NOT_CLOCK_AFTER}`),
    make: (m) => {
      const [h, min] = hm(num(m[1]), m[2], m[3]);
      return clock('clock', h, min, null, partOf(m[4]));
    },
  },
  {
    lang: 'az',
    re: re(`${B}(?:3al|3a|3ala)\\s?(\\d{1,2})(?:[:.](\\d{2}))?(?:\\s+(${AZ_FRACTION}))?(?:\\s+(${AZ_PART}))?${E}${NOT_CLOCK_AFTER}`),
    make: (m) => {
      const [h, min] = hm(num(m[1]), m[2], m[3]);
      return clock('clock', h, min, null, partOf(m[4]));
    },
  },
  {
    lang: 'az',
    re: re(`${B}(\\d{1,2})(?:[:.](\\d{2}))?\\s+(${AZ_PART})${E}`),
    make: (m) => {
      const p = partOf(m[3]);
      return p ? clock('clock', num(m[1]), m[2] ? Number(m[2]) : 0, null, p) : null;
    },
  },
  {
    lang: 'az',
    re: re(`${B}(?:ba3d|b3d|ba3ed)\\s+(?:(?:el\\s?|al\\s?)?(?:sa3a|sa3ah)\\s+)?(${AZ_NUM})(?:[:.](\\d{2}))?(?:\\s+(${AZ_FRACTION}))?(?:\\s+(${AZ_PART}))?${E}${NOT_CLOCK_AFTER}`),
    make: (m) => {
      const [h, min] = hm(num(m[1]), m[2], m[3]);
      return clock('after', h, min, null, partOf(m[4]));
    },
  },
  {
    lang: 'az',
    re: re(
      `${B}(?:ba3d|b3d|ba3ed|baad|kaman|3ugub|3gub)\\s+(?:(\\d{1,3})\\s*)?` +
        `(sa3a|sa3ah|sa3tein|sa3ten|sa3tain|sa3teen|sa3at|sa3aat|(?:nos|nus|nu9|ness)\\s?sa3a|(?:rob3|rub3)\\s?sa3a|da2i2a|da2ee2a|da2aye2|da2ayi2|d2aye2|dakayek|da2ayeq|minutes?|mins?|min)` +
        `(?:\\s*(${AZ_FRACTION}))?${E}`,
    ),
    make: (m) => {
      const n = m[1] ? Number(m[1]) : null;
      const u = m[2]!;
      let minutes: number | null;
      if (/^(?:nos|nus|nu9|ness)/.test(u)) minutes = 30;
      else if (/^(?:rob3|rub3)/.test(u)) minutes = 15;
      else if (/^sa3t/.test(u)) minutes = 120 + fraction(m[3]);
      else if (/^sa3/.test(u)) minutes = u.startsWith('sa3a') && !/sa3a+t/.test(u) ? (n ?? 1) * 60 + fraction(m[3]) : n === null ? null : n * 60 + fraction(m[3]);
      else minutes = n ?? (u.startsWith('da2i2') ? 1 : null);
      return minutes && minutes <= 72 * 60 ? { time: { t: 'rel', minutes } } : null;
    },
  },
];

/** English calendar dates with a month name ("March 15th", "the 3rd of May"), via chrono. */
function chronoDates(n: string, nowMs: number, offsetMinutes: number): El[] {
  if (!EN_MONTH_NAME.test(n)) return [];
  const out: El[] = [];
  for (const r of chrono.strict.parse(n, { instant: new Date(nowMs), timezone: offsetMinutes })) {
    if (!EN_MONTH_NAME.test(r.text) || !r.start.isCertain('month') || !r.start.isCertain('day')) continue;
    const month = r.start.get('month');
    const day = r.start.get('day');
    if (month === null || day === null) continue;
    // chrono's span may include a time ("Mar 3 at 4pm"): keep only the date words, the time is ours.
    const cut = r.text.search(/\s+(?:at|@|around|after|in the|by)\s|\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)\b/);
    const text = cut > 0 ? r.text.slice(0, cut) : r.text;
    out.push({
      start: r.index,
      end: r.index + text.length,
      lang: 'en',
      day: { d: 'monthDate', month, day, year: r.start.isCertain('year') ? r.start.get('year') : null },
    });
  }
  return out;
}

function findElements(n: string, nowMs: number, offsetMinutes: number): El[] {
  const found: El[] = [];
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(n); m; m = rule.re.exec(n)) {
      if (m[0].length === 0) {
        rule.re.lastIndex++;
        continue;
      }
      const made = rule.make(m);
      if (made) {
        const lead = m[0].length - m[0].trimStart().length;
        found.push({ start: m.index + lead, end: m.index + m[0].trimEnd().length, lang: rule.lang, ...made });
      }
    }
  }
  found.push(...chronoDates(n, nowMs, offsetMinutes));
  // Within one category (day words / time words) the longest match wins; the categories may overlap.
  const keep: El[] = [];
  for (const cat of ['day', 'time'] as const) {
    const list = found.filter((e) => (cat === 'day' ? e.day : e.time)).sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const taken: El[] = [];
    for (const e of list) if (!taken.some((t) => e.start < t.end && t.start < e.end)) taken.push(e);
    keep.push(...taken);
  }
  return keep.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------------------------
// Context: contact/availability cues, negation, busy words, order/delivery/price/past words.

const W = (words: string) => re(`${B}(?:${words})${E}`);
const ARW = (words: string) => re(`(?<![\\p{L}\\p{N}])(?:${words})(?![\\p{L}\\p{N}])`);
const AR_PRE = '[وفبحهنيتال]{0,3}';

const CONTACT: RegExp[] = [
  W(
    'call|calls|calling|cal|ring|phone|text|txt|message|msg|whatsapp|contact|talk|speak|chat|discuss|ping|remind|follow\\s*up|followup|back|' +
      'get\\s+in\\s+touch|touch\\s+base|let\\s+(?:you|u)\\s+know|lmk|tell\\s+(?:you|u)|confirm|decide|reply|respond|available|free|reachable|' +
      'meet|catch\\s+up|try\\s+me|hit\\s+me\\s+up|hmu|reach\\s+(?:me|you|u|out)|see\\s+(?:you|u)|cya|get\\s+to\\s+you|' +
      'busy|meeting|driving|at\\s+work|in\\s+class', // availability talk too ("busy until 3")
  ),
  ARW(
    `${AR_PRE}كلم(?:ني|نا|ك|كم|يني|ينا|ي|و|وا|وني)?|مكالمه|${AR_PRE}تصل(?:ي|و|وا|ون|ين|ك|كم|لك|لي|نا)?|اتصال|` +
      `${AR_PRE}(?:حاكي|حكي)(?:ني|نا|ك|كم|لك|لي|كي)?|${AR_PRE}خابر(?:ني|نا|ك|كم|ي|و)?|${AR_PRE}تواصل(?:ي|و|وا|ون|ين|ك|كم|نا)?|` +
      `${AR_PRE}راسل(?:ني|نا|ك|كم|ي|و)?|${AR_PRE}رجع(?:لك|لكم|لكي|ك|لي|ي|و|وا)?|راجع(?:ني|نا|ك|كم)|` +
      `(?:دق|دقي|رن|رني)\\s?(?:علي|عليا|لي)|دقلي|رنلي|دقيلي|رنيلي|[بحهنا]?(?:دق|رن)(?:لك|لكم)|` +
      `${AR_PRE}(?:رد|ردي)\\s?(?:علي|عليا|عليك|عليكم)|${AR_PRE}رد(?:لي|لك|لكم)|` +
      `${AR_PRE}(?:عطيك|عطيكم)\\s+خبر|${AR_PRE}(?:بلغ|خبر)(?:ك|كم|ني|نا)|${AR_PRE}(?:قول|قل)(?:ك|كم|لك|لكم|لي)|قولي|` +
      `${AR_PRE}ذكر(?:ني|يني|نا)|${AR_PRE}تابع(?:ني|نا|ي)?|فاضي|فاضيه|فاضين|فاضيين|متفرغ|متفرغه|نتكلم|نتفاهم|نتناقش|نحكي|` +
      `مشغول|مشغوله|مشغولين`,
  ),
  W(
    '[hbantyo]{0,2}(?:kal+[ie]?m|klm|kalem|kalim)(?:ni|na|ak|ek|ik|kom|ny)?|n[ie]?tkal+[ae]?m|' +
      '(?:etasel|ettasel|itasel|etasal|atasel|atsel|batsel|hatsel|ettasal|etassel|etsel|et9el|ta9al|et9al)(?:i|y|o|ili|ni|lak|lek)?|' +
      '[bnat]{0,2}7a?k[ie]{1,2}(?:ni|na|k|lak|lek|ki|y)?|[bhna]{0,2}r[ae]?[jg]{1,2}a?3(?:lak|lek|lik|lkom|ni|ak|ek)?|raje3ni|' +
      'fadi|fady|fadia|fadya|fadyeh|mashghool|mashghul|mashgool|mshghol|mshghool|mashghoola|mashghoula|' +
      '(?:ba|ha|a)?2[ou]l+(?:ak|ek|lak|lek)|2olli|(?:a|ba)?(?:kh|5)ab+[ae]?r(?:ni|ak|ek|kom)',
  ),
];

const BUSY: RegExp[] = [
  W('busy|meeting|meetings|driving|at\\s+work|working|in\\s+class|occupied|tied\\s+up'),
  ARW('مشغول|مشغوله|مشغولين|بالدوام|في\\s+الدوام|بالشغل|في\\s+الشغل|في\\s+اجتماع|باجتماع|عندي\\s+اجتماع|سايق|اسوق'),
  W('mashghool|mashghul|mashgool|mshghol|mshghool|mashghoola|mashghoula'),
];

const NEGATION: RegExp[] = [
  W('not|no|never|dont|do\\s+not|doesnt|didnt|cant|cannot|can\\s+not|wont|will\\s+not|isnt|arent|wasnt|shouldnt|couldnt|wouldnt|unable|nope|nah|except'),
  ARW('(?:و|ف)?(?:ما|مو|مش|مب|مهب|ماني|مانيش|مشني|مافي|مافيش|مابي|مابدي|مابغي|ماراح|مارح|مهوب|ماهو|ماقدر|مااقدر|مابقدر|منيش|مقدرش|ماقدرش|ابدا|بلاش)|ف?لا'),
  W('mish|msh|mesh|mush|mosh|mo|mu|mafi|mafish|mabi|mabde|mabadi|mab2dar|ma2dar|ma2dersh|mab2darsh|la2|la2a|ma'),
];
// Phrases that contain a negation word without negating a time.
const NOT_NEGATION: RegExp[] = [
  W('no\\s+(?:problem|prob|probs|worries|worry|rush|hurry|issue|issues)|not\\s+a\\s+problem|no\\s+doubt'),
  ARW('لا\\s+(?:مشكله|باس)|ما\\s*(?:في|فيه|فيش)\\s+مشكله|مافي\\s+مشكله|ما\\s*شا\\s*الله|ماشاالله|ما\\s*عليه|ماعليه|ما\\s*عليش|(?:ما|وش|شو|ايش)\\s+رايك'),
  W('mashallah|ma\\s?sha2?\\s?allah|ma3lesh|ma3lish'),
];
// "not now", "مش دلوقتي", "busy now": the negation is about now, not about the time that follows.
const NOW_WORDS = '(?:now|rn|right\\s+now|at\\s+the\\s+moment|atm|الحين|الحينه|الان|هلق|هلا|دلوقتي|دحين|هسه|هسع|hala2|halla2|delwa2ti|dilwa2ti|el7in|al7in)';
const NOW_NEG = '(?:not|no|cant|cannot|dont|wont|busy|im\\s+busy|مو|مش|مب|ما|ماقدر|مااقدر|مشغول|مشغوله|mish|msh|mesh|mashghool)';
const ABOUT_NOW = [
  re(`${B}${NOW_NEG}(?:\\s+[\\p{L}\\p{N}]+){0,3}?\\s+${NOW_WORDS}${E}`),
  re(`${B}${NOW_WORDS}\\s+(?:(?:im|i\\s+am|انا|ana)\\s+)?${NOW_NEG}${E}`), // "هلأ مشغول", "right now I'm busy"
];
const EVENT: RegExp[] = [
  W(
    'ago|order|ordered|orders|arrive|arrived|arrives|arriving|arrival|deliver|delivered|delivers|delivering|delivery|ship|shipped|ships|shipping|shipment|' +
      'dispatch|dispatched|bought|buy|purchase|purchased|paid|pay|payment|received|receive|came|yesterday|last|since|expire|expired|expires|open|opens|' +
      'opening|close|closes|closed|closing|sale|offer|discount|price|prices|cost|costs|sar|riyal|riyals|aed|egp|usd|dollar|dollars|pound|pounds|size|' +
      'born|birthday|wedding|flight|appointment|each|pieces|pcs|' +
      // past contact, third parties, refunds
      'called|texted|messaged|spoke|talked|missed|tried|earlier|already|courier|driver|rider|money|refund|exchange',
  ),
  ARW(
    '[وفبل]?(?:قبل|امس|امبارح|مبارح|البارحه|بارحه|طلبت|طلبته|طلبتها|طلبي|طلبيتي|طلبيه|الطلب|الطلبيه|الطلبات|الاوردر|اوردر|وصل|وصلت|وصلني|وصلتني|وصلنا|' +
      'يوصل|توصل|بيوصل|بتوصل|هيوصل|حيوصل|يوصلني|توصلني|التوصيل|توصيل|الشحن|الشحنه|شحن|شحنت|يشحن|تشحن|استلمت|استلم|استلام|الاستلام|دفعت|الدفع|ادفع|بدفع|' +
      'اشتريت|شريت|اشتري|الفاتوره|السعر|سعر|سعره|بكم|ريال|ريالات|جنيه|درهم|دينار|ليره|دولار|المقاس|مقاس|مقاسي|الماضي|الماضيه|فات|العرض|الخصم|تخفيض|' +
      'التخفيضات|تفتحون|تفتحوا|تفتحو|تفتح|مفتوح|فاتحين|تسكرون|تقفلون|يفتح|يسكر|تسكرو|تقفل|ميلادي|عرس|زواج|موعد|الموعد|رحلتي|رحله|الطياره|طيارتي|' +
      'اتصلت|اتصلتو|اتصلتوا|كلمتك|كلمتني|كلمتكم|كلمته|حكيتك|حاكيتك|رنيت|دقيت|خابرتك|المندوب|مندوب|السواق|السايق|الكابتن|المبلغ|فلوسي|استرجاع|الاسترجاع|استبدال|ترجيع)|' +
      'من\\s+(?:ال)?(?:صبح|صباح|ظهر|عصر|امس|مبارح|زمان|يومين|اسبوع)',
  ),
  W(
    'wesel|wesl|wasal|weslet|wselt|wesilni|weselni|talabt|talab|el\\s?talab|ams|embare7|mbare7|imbare7|mbere7|el\\s?bare7a|elbare7a|fat|dafa3t|' +
      'se3r|el\\s?se3r|bkam|bikam|ryal|geneh|gneh|dirham|ma2as|ma2asi|tawsil|tawseel|shahn|el\\s?sha7n|' +
      'etasalt|kalemtak|kallamtak|kalamtak|7akeitak|2oltelak|mandoob|el\\s?mandoob',
  ),
];

// Phrases with an event word that still name a contact time ("قبل الظهر" = before noon = morning).
const NOT_EVENT: RegExp[] = [ARW('قبل\\s+(?:صلاه\\s+)?(?:ال)?(?:ظهر|ضهر)'), W('before\\s+(?:noon|lunch)')];

const FILLERS = new Set(
  (
    'ok okay k kk yes yeah yep ya yup sure fine good great perfect alright cool pls plz please thanks thank you u thx ty maybe perhaps probably then so ' +
    'and or hi hello hey dear sir madam maam bro inshallah insha allah inshaallah isa lets let us do how about what is its works for me better best ' +
    'would be the a at on in by around sometime any time anytime hopefully i think guess ill we can could should say sounds np will im also sounds ' +
    'تمام اوك اوكي اوكيه طيب طب زين ماشي خلاص يلا يالله يله ان انشاء شا الله انشالله انشاءالله باذن اذن ابشر ابشري اكيد ممكن لو سمحت سمحتي فضلك من ' +
    'يعطيك العافيه شكرا مشكور مشكوره حبيبي حبيبتي اخوي اخي اختي يا استاذ مدام احسن افضل حلو نعم اي ايوه ايوا اه ايه هلا السلام عليكم مرحبا اهلا ' +
    'الحمدلله او يمكن بس عادي خير براحتك اذا في على علي عن اكون بكون هكون حكون راح رح ح يناسبني يناسبك مناسب كويس رايك شو ايش وش طيب برضو ' +
    'tamam tmam insha2allah inshalla yalla yallah khalas 5alas mashi tayeb tayb zein zain shukran shokran merci habibi akhi bas law sama7t a7san ' +
    'momken mumkin ah aywa eh lazem ' +
    'approximately roughly about ish it leave تقريبا حوالي ع وقت مناسبه يناسب تناسبني تناسبك خلها خليها خلينا خليه خلي khaliha 5aliha khalliha khalina 5alina'
  ).split(' '),
);

// ---------------------------------------------------------------------------------------------
// Resolution.

interface Span {
  at: number;
  from: number;
  to: number;
}

function resolveDay(day: DayEl, today: YMD, timeZone: string): { date: YMD; span?: [YMD, number, YMD, number]; desc: string } | null {
  const wd = weekdayOf(today);
  switch (day.d) {
    case 'offset':
      return { date: addDays(today, day.n), desc: day.label };
    case 'weekday': {
      const name = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][day.wd]!;
      if (!day.nextWeek) return { date: addDays(today, (day.wd - wd + 7) % 7 || 7), desc: name };
      const ws = SUNDAY_WEEK_ZONES.has(timeZone) ? 0 : 1;
      const start = addDays(today, (ws - wd + 7) % 7 || 7);
      return { date: addDays(start, (day.wd - ws + 7) % 7), desc: `${name} next week` };
    }
    case 'nextWeek': {
      const ws = SUNDAY_WEEK_ZONES.has(timeZone) ? 0 : 1;
      const start = addDays(today, (ws - wd + 7) % 7 || 7);
      return { date: start, span: [start, 540, addDays(start, 4), 1080], desc: 'next week' };
    }
    case 'ordinal': {
      // The next such day after today; "of next month" pins the month.
      for (let i = day.nextMonth ? 1 : 0; i <= (day.nextMonth ? 1 : 12); i++) {
        const y = today.y + Math.floor((today.m - 1 + i) / 12);
        const m = ((today.m - 1 + i) % 12) + 1;
        if ((i > 0 || day.day > today.d) && day.day <= daysInMonth(y, m)) {
          return { date: { y, m, d: day.day }, desc: `the ${day.day}${ordinalSuffix(day.day)}` };
        }
      }
      return null;
    }
    case 'monthDate': {
      const years = day.year !== null ? [day.year] : [0, 1, 2, 3, 4].map((k) => today.y + k); // Feb 29 may be years away
      for (const y of years) {
        if (day.day > daysInMonth(y, day.month)) continue;
        const date = { y, m: day.month, d: day.day };
        if (dayNumber(date) > dayNumber(today)) return { date, desc: ymdText(date) };
      }
      return null;
    }
    case 'monthEnd': {
      let [y, m] = [today.y, today.m];
      if (day.next || today.d === daysInMonth(y, m)) [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
      const last = { y, m, d: daysInMonth(y, m) };
      return { date: last, span: [addDays(last, -2), 540, last, 1080], desc: 'the end of the month' };
    }
    case 'holiday': {
      const targets = day.which === 'fitr' || day.which === 'ramadan' ? [[10, 4]] : day.which === 'adha' ? [[12, 14]] : [[10, 4], [12, 14]];
      for (let i = 1; i <= 400; i++) {
        const date = addDays(today, i);
        const h = hijri(date);
        if (!h) return null;
        if (targets.some(([mo, d]) => h.month === mo && h.day === d)) {
          const which = h.month === 10 ? (day.which === 'ramadan' ? 'Ramadan and Eid al-Fitr' : 'Eid al-Fitr') : 'Eid al-Adha';
          return { date, desc: `after ${which}` };
        }
      }
      return null;
    }
  }
}

function ordinalSuffix(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
}

/** 24-hour options for a clock time, most likely first. null: the words contradict themselves. */
function hourOptions(h: number, mer: Meridiem, p: Part | null, laterDay: boolean): number[] | null {
  if (h === 0 || h === 24) return null;
  if (h >= 13) return mer === 'am' ? null : [h];
  if (mer === 'am') return [h === 12 ? 0 : h];
  if (mer === 'pm') return [h === 12 ? 12 : h + 12];
  if (p) {
    if (p === 'morning') return h === 12 ? null : [h];
    if (p === 'noon') return h === 11 || h === 12 ? [h] : h <= 4 ? [h + 12] : null;
    if (p === 'night' || p === 'tonight') return h === 12 || h <= 4 ? null : [h + 12];
    return h === 12 ? null : [h + 12];
  }
  if (h === 12) return [12];
  if (h <= 7) return [h + 12];
  return laterDay ? [h] : [h, h + 12];
}

const quarterAfter = (ms: number) => Math.ceil((ms + 15 * MIN) / (15 * MIN)) * 15 * MIN;

interface Resolved {
  span: Span;
  kind: StatedTimeKind;
  desc: string;
}

function resolve(day: DayEl | undefined, time: TimeEl | undefined, nowMs: number, timeZone: string): Resolved | null {
  const today = (() => {
    const l = localParts(nowMs, timeZone);
    return { y: l.y, m: l.m, d: l.d };
  })();
  const at = (date: YMD, minutes: number) => zonedToUtc(date, minutes, timeZone);

  if (time?.t === 'rel') {
    const a = nowMs + time.minutes * MIN;
    const slack = Math.min(60, Math.max(15, Math.round(time.minutes / 4)));
    const h = Math.floor(time.minutes / 60);
    const mm = time.minutes % 60;
    const desc = `in ${h ? `${h}h` : ''}${mm ? `${pad(mm)}m` : ''}`.replace('in 0', 'in ');
    return { span: { at: a, from: a, to: a + slack * MIN }, kind: 'relative', desc };
  }

  const resolvedDay = day ? resolveDay(day, today, timeZone) : null;
  if (day && !resolvedDay) return null;
  const date = resolvedDay?.date;
  const todayOnly = (date && dayNumber(date) === dayNumber(today)) || (time?.t === 'part' && time.today);
  if (date && dayNumber(date) < dayNumber(today)) return null;
  const laterDay = !!date && dayNumber(date) > dayNumber(today);

  if (!time) {
    if (!date || !laterDay) return null; // "today" alone says nothing about when
    const [fromDate, fromMin, toDate, toMin] = resolvedDay.span ?? [date, 540, date, 1080];
    const kind: StatedTimeKind =
      day!.d === 'weekday' ? 'weekday' : day!.d === 'ordinal' || day!.d === 'monthDate' ? 'date' : day!.d === 'monthEnd' ? 'month_end' : day!.d === 'holiday' ? 'holiday' : 'relative';
    return { span: { at: at(date, 600), from: Math.max(at(fromDate, fromMin), nowMs), to: at(toDate, toMin) }, kind, desc: resolvedDay.desc };
  }

  const dayDesc = resolvedDay ? `${resolvedDay.desc} ` : '';
  if (time.t === 'part') {
    const p = PARTS[time.part];
    const days = date ? [date] : todayOnly ? [today] : [today, addDays(today, 1)];
    for (const d of days) {
      const span = { at: at(d, p.at), from: at(d, p.from), to: at(d, p.to) };
      if (span.at > nowMs) return { span, kind: 'part_of_day', desc: `${dayDesc}${p.label}` };
      if (todayOnly && span.to > nowMs) {
        const soon = quarterAfter(nowMs);
        if (soon < span.to) return { span: { at: soon, from: nowMs, to: span.to }, kind: 'part_of_day', desc: `${dayDesc}${p.label}` };
      }
    }
    return null;
  }

  // clock / after / until
  const span = time.t === 'clock' ? time.span : undefined;
  // A range must end the same day ("9 to 5" is 09:00-17:00, not 21:00-05:00).
  const hours = hourOptions(time.h, time.mer, time.part, laterDay)?.filter((h) => !span || h * 60 + time.min + span <= 1440);
  if (!hours?.length) return null;
  const candidates: [YMD, number][] = [];
  if (date) for (const h of hours) candidates.push([date, h * 60 + time.min]);
  else {
    for (const h of hours) candidates.push([today, h * 60 + time.min]);
    if (!todayOnly) candidates.push([addDays(today, 1), hours[0]! * 60 + time.min]);
  }
  for (const [d, minutes] of candidates) {
    const base = at(d, minutes);
    const label = `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
    if (span) {
      const end = base + span * MIN;
      const endLabel = `${pad(Math.floor(((minutes + span) % 1440) / 60))}:${pad((minutes + span) % 60)}`;
      const desc = `${dayDesc}${label}-${endLabel}`;
      if (base > nowMs) return { span: { at: base, from: base, to: end }, kind: 'clock', desc };
      const soon = quarterAfter(nowMs); // the range is open now: a quarter hour from now
      if (soon < end) return { span: { at: soon, from: nowMs, to: end }, kind: 'clock', desc };
      continue;
    }
    if (base <= nowMs) continue;
    if (time.t === 'clock') return { span: { at: base, from: base, to: base + 60 * MIN }, kind: 'clock', desc: `${dayDesc}at ${label}` };
    return { span: { at: base + 15 * MIN, from: base, to: base + 120 * MIN }, kind: 'after_time', desc: `${dayDesc}after ${label}` };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Sentences and segments.

interface Range {
  start: number;
  end: number;
}

function splitRanges(n: string, boundary: RegExp): Range[] {
  const out: Range[] = [];
  let start = 0;
  boundary.lastIndex = 0;
  for (let m = boundary.exec(n); m; m = boundary.exec(n)) {
    out.push({ start, end: m.index });
    start = m.index + m[0].length;
    if (m[0].length === 0) boundary.lastIndex++;
  }
  out.push({ start, end: n.length });
  return out;
}
// Sentence ends: ! ? ؟ ; newline, or a full stop that is not inside "5.30" or "p.m.".
const DOT = '(?<![\\s\\d][ap])(?<!\\.m)\\.(?!\\d)';
const SENTENCE_END = new RegExp(`[!?؟;\\n]+|${DOT}`, 'gu');
const SEGMENT_END = new RegExp(`[!?؟;\\n,،]+|${DOT}|(?<![\\p{L}])(?:but|though|however|بس|لكن|ولكن|bas|lakin)(?![\\p{L}])`, 'gu');

function matchesAny(text: string, res: RegExp[]): boolean {
  return res.some((r) => {
    r.lastIndex = 0;
    return r.test(text);
  });
}
function blank(text: string, res: RegExp[]): string {
  let t = text;
  for (const r of res) t = t.replace(r, (m) => ' '.repeat(m.length));
  return t;
}

const JOINER = /^[\s,]*(?:(?:on|at|the|in|around|يوم|نهار|الساعه|el|al)\s+)*$/u;

/** The buyer's stated time for being contacted, or null. */
export function parseStatedTime(text: string, nowIso: string, timeZone: string): StatedTime | null {
  const nowMs = Date.parse(nowIso);
  if (!Number.isFinite(nowMs) || typeof text !== 'string' || text.trim() === '') return null;
  let offsetMinutes: number;
  try {
    offsetMinutes = Math.round(offsetMs(nowMs, timeZone) / MIN);
  } catch {
    return null; // unknown time zone
  }
  const norm = normalizeWithMap(text.slice(0, 2000));
  const n = norm.s;
  const elements = findElements(n, nowMs, offsetMinutes);
  if (elements.length === 0) return null;

  // Blocked elements: a negation, busy word (not for "until") or order/past word in their segment.
  const segments = splitRanges(n, SEGMENT_END);
  const blocked = new Set<El>();
  for (const seg of segments) {
    const raw = n.slice(seg.start, seg.end);
    const clean = blank(blank(raw, NOT_NEGATION), ABOUT_NOW);
    const inSeg = elements.filter((e) => e.start >= seg.start && e.start < seg.end);
    // A negation right before a time negates that time only ("at 5 not 6", "tomorrow, not Thursday");
    // anywhere else it negates the segment ("tomorrow is not good", "مش بكرة").
    let negated = false;
    const negs: [number, number][] = [];
    for (const r of NEGATION) {
      r.lastIndex = 0;
      for (let m = r.exec(clean); m; m = r.exec(clean)) negs.push([seg.start + m.index, seg.start + m.index + m[0].length]);
    }
    negs.sort((a, b) => a[0] - b[0]);
    negs.forEach(([, negEnd], k) => {
      const next = negs[k + 1];
      if (next && /^\s*$/u.test(n.slice(negEnd, next[0]))) return; // "لا مو بكرة": the last negation word decides
      if (/^\s*\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?(?![\p{L}\p{N}])/u.test(n.slice(negEnd, seg.end))) return; // "at 5 not 6"
      // The negated time: the words right after the negation, with a time of day / day chained to them.
      let end = negEnd;
      const cats = new Set<string>();
      for (const e of inSeg) {
        if (e.start < end || !JOINER.test(n.slice(end, e.start))) continue;
        const cat = e.day ? 'day' : 'time';
        if (cats.has(cat)) break;
        blocked.add(e);
        cats.add(cat);
        end = Math.max(end, e.end);
      }
      if (cats.size === 0) negated = true;
    });
    const event = matchesAny(blank(raw, NOT_EVENT), EVENT);
    const busy = matchesAny(clean, BUSY);
    for (const e of inSeg) if (negated || event || (busy && e.time?.t !== 'until')) blocked.add(e);
  }
  // "until N" means "after N" only when the buyer says they are busy until then.
  for (const e of elements) if (e.time?.t === 'until' && !matchesAny(n, BUSY)) blocked.add(e);

  // The message must be about contact/availability, or be nothing but the time (plus fillers).
  let rest = n;
  for (const e of elements) rest = rest.slice(0, e.start) + ' '.repeat(e.end - e.start) + rest.slice(e.end);
  rest = blank(blank(rest, NOT_NEGATION), NEGATION);
  const restWords = rest.split(/[^\p{L}\p{N}]+/u).filter((w) => w && !FILLERS.has(w) && !FILLERS.has(w.replace(/^و/u, '')));
  if (restWords.length > 0 && !matchesAny(n, CONTACT)) return null;

  const hasArabicScript = /[\u0600-\u06ff]/u.test(text);
  for (const sent of splitRanges(n, SENTENCE_END)) {
    const inSent = elements.filter((e) => !blocked.has(e) && e.start >= sent.start && e.start < sent.end);
    const dayEl = inSent.find((e) => e.day);
    const timeEls = inSent.filter((e) => e.time);
    let timeEl = timeEls.find((e) => e.time!.t !== 'part') ?? timeEls[0];
    let time = timeEl?.time;
    // A part of day next to a clock time gives its am/pm ("at 8 tonight", "tomorrow at 5 in the evening").
    const partEl = timeEls.find((e) => e.time!.t === 'part');
    let used = [dayEl, timeEl];
    if (time && time.t !== 'part' && time.t !== 'rel' && partEl && partEl.time!.t === 'part' && !time.part && !time.mer) {
      time = { ...time, part: partEl.time!.part };
      used.push(partEl);
    }
    let day = dayEl?.day;
    if (!day && time && time.t !== 'part' && time.t !== 'rel' && partEl?.time?.t === 'part' && partEl.time.today) day = { d: 'offset', n: 0, label: 'today' };
    if (time?.t === 'rel') used = [timeEl];
    const r = resolve(time?.t === 'rel' ? undefined : day, time, nowMs, timeZone);
    if (!r || r.span.at <= nowMs) continue;
    const parts = used.filter((e): e is El => !!e);
    const start = Math.min(...parts.map((e) => e.start));
    const end = Math.max(...parts.map((e) => e.end));
    let phraseEnd = norm.to[end - 1]!;
    while (phraseEnd < text.length && /[\u064b-\u065f\u0670\u0640\u0621]/u.test(text[phraseEnd]!)) phraseEnd++; // "مساءً": keep the dropped marks
    const phrase = text.slice(norm.from[start]!, phraseEnd);
    const language: 'en' | 'ar' = hasArabicScript || parts.some((e) => e.lang !== 'en') ? 'ar' : 'en';
    const local = localParts(r.span.at, timeZone);
    return {
      at: new Date(r.span.at).toISOString(),
      windowStart: new Date(r.span.from).toISOString(),
      windowEnd: new Date(r.span.to).toISOString(),
      phrase,
      reason: `buyer said "${phrase}" -> ${r.desc.trim()}: ${ymdText(local)} ${pad(local.hh)}:${pad(local.mm)} ${timeZone}`,
      language,
      kind: r.kind,
    };
  }
  return null;
}
