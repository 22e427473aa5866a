// Business-hours arithmetic in the rules' time zone. Pure and deterministic (bundled into workflow
// code): time-zone conversion uses Intl.DateTimeFormat with an explicit timeZone, never the host zone.
//
// Open time is the union of the weekday ranges of each local calendar day, minus holidays (the whole
// local day is closed). Ranges are half-open [start, end); end '24:00' is the next local midnight, so
// 'sun 00:00-24:00' + 'mon 00:00-24:00' is one continuous stretch. Local times are converted to
// instants per day, so DST changes are honoured (a 09:00 opening is 09:00 local on either side of
// the change; a local time inside a spring-forward gap maps to the instant just after the gap).
//
// Guard: a week with no open time at all counts as always open (calendar time), as does anything
// past MAX_SCAN_DAYS of scanning (e.g. a holiday list covering years): deadlines never run forever.
import { WEEKDAYS, timeToMinutes, type BusinessHours } from '../../domain/rules.js';

/** Scanning limit in local days (about 10 years). */
export const MAX_SCAN_DAYS = 3660;

interface LocalParts {
  y: number;
  m: number;
  d: number;
  hh: number;
  mm: number;
  ss: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local wall-clock parts of an instant in a time zone. */
export function localParts(ms: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { y: out.year!, m: out.month!, d: out.day!, hh: out.hour! % 24, mm: out.minute!, ss: out.second! };
}

/** Offset of the zone from UTC at an instant, in ms (Riyadh: +3h). */
function offsetMs(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const l = localParts(whole, timeZone);
  return Date.UTC(l.y, l.m - 1, l.d, l.hh, l.mm, l.ss) - whole;
}

/** The instant of a local date + minutes since local midnight (1440 = next midnight). */
export function zonedToUtc(y: number, m: number, d: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  const o1 = offsetMs(wall, timeZone);
  const t = wall - o1;
  const o2 = offsetMs(t, timeZone);
  return o1 === o2 ? t : wall - o2;
}

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const nextDay = (y: number, m: number, d: number): [number, number, number] => {
  const n = new Date(Date.UTC(y, m - 1, d + 1));
  return [n.getUTCFullYear(), n.getUTCMonth() + 1, n.getUTCDate()];
};

function hasOpenTime(hours: BusinessHours): boolean {
  return WEEKDAYS.some((w) => (hours.week[w] ?? []).some(([s, e]) => timeToMinutes(s) < timeToMinutes(e)));
}

/** Open intervals [start, end) (ms) of one local day. */
function dayIntervals(y: number, m: number, d: number, hours: BusinessHours): [number, number][] {
  if (hours.holidays?.includes(ymd(y, m, d))) return [];
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]!;
  const out: [number, number][] = [];
  for (const [s, e] of hours.week[weekday] ?? []) {
    const start = zonedToUtc(y, m, d, timeToMinutes(s), hours.timezone);
    const end = zonedToUtc(y, m, d, timeToMinutes(e), hours.timezone);
    if (start < end) out.push([start, end]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Open intervals from `atMs` on, clipped to start no earlier than `atMs`, in time order. */
function* openIntervalsFrom(atMs: number, hours: BusinessHours): Generator<[number, number]> {
  let { y, m, d } = localParts(atMs, hours.timezone);
  for (let i = 0; i < MAX_SCAN_DAYS; i++) {
    for (const [s, e] of dayIntervals(y, m, d, hours)) if (e > atMs) yield [Math.max(s, atMs), e];
    [y, m, d] = nextDay(y, m, d);
  }
}

export function isOpen(at: Date, hours: BusinessHours): boolean {
  if (!hasOpenTime(hours)) return true;
  const ms = at.getTime();
  const { y, m, d } = localParts(ms, hours.timezone);
  return dayIntervals(y, m, d, hours).some(([s, e]) => s <= ms && ms < e);
}

/** The next moment business is open: `at` itself when open now. */
export function nextOpening(at: Date, hours: BusinessHours): Date {
  if (!hasOpenTime(hours)) return new Date(at.getTime());
  for (const [s] of openIntervalsFrom(at.getTime(), hours)) return new Date(s);
  return new Date(at.getTime()); // nothing open within MAX_SCAN_DAYS: calendar time
}

/** `from` plus `seconds` of open time. A deadline landing exactly on a closing time stays there. */
export function addBusinessSeconds(from: Date, seconds: number, hours: BusinessHours): Date {
  const start = from.getTime();
  if (!(seconds > 0)) return new Date(start);
  let remaining = seconds * 1000;
  if (!hasOpenTime(hours)) return new Date(start + remaining);
  let last = start;
  for (const [s, e] of openIntervalsFrom(start, hours)) {
    if (remaining <= e - s) return new Date(s + remaining);
    remaining -= e - s;
    last = e;
  }
  return new Date(last + remaining); // past MAX_SCAN_DAYS: calendar time
}

const EN_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const AR_DAYS = ['الأحد', 'الإثنين', 'الثلاثاء', 'الأربعاء', 'الخميس', 'الجمعة', 'السبت'];

function arCount(n: number, one: string, two: string, few: string, many: string): string {
  if (n === 1) return one;
  if (n === 2) return two;
  if (n >= 3 && n <= 10) return `${n} ${few}`;
  return `${n} ${many}`;
}

/**
 * Text for the {eta} placeholder, in the rules' time zone. Arabic for 'ar*', English otherwise.
 * mode 'auto': up to 60 minutes away -> "within 45 minutes"; the same local day or up to 3 hours
 * away -> "within 2 hours" (rounded up); else a moment. mode 'at': always a moment: "today at 09:00",
 * "tomorrow at 09:00", "on Sunday at 09:00" (within a week), "on 2026-04-20 at 09:00".
 */
export function describeEta(from: Date, due: Date, hours: BusinessHours, language: 'en' | 'ar' | string, mode: 'auto' | 'at' = 'auto'): string {
  const ar = language.toLowerCase() === 'ar' || language.toLowerCase().startsWith('ar-');
  const diffMin = Math.max(1, Math.ceil((due.getTime() - from.getTime()) / 60000));
  const f = localParts(from.getTime(), hours.timezone);
  const t = localParts(due.getTime(), hours.timezone);
  const sameDay = f.y === t.y && f.m === t.m && f.d === t.d;
  if (mode === 'auto' && diffMin <= 60) {
    return ar ? `خلال ${arCount(diffMin, 'دقيقة', 'دقيقتين', 'دقائق', 'دقيقة')}` : `within ${diffMin} minute${diffMin === 1 ? '' : 's'}`;
  }
  if (mode === 'auto' && (sameDay || diffMin <= 180)) {
    const h = Math.ceil(diffMin / 60);
    return ar ? `خلال ${arCount(h, 'ساعة', 'ساعتين', 'ساعات', 'ساعة')}` : `within ${h} hour${h === 1 ? '' : 's'}`;
  }
  const time = `${pad(t.hh)}:${pad(t.mm)}`;
  const dayNo = (p: LocalParts) => Date.UTC(p.y, p.m - 1, p.d) / 86_400_000;
  const days = dayNo(t) - dayNo(f);
  const weekday = new Date(Date.UTC(t.y, t.m - 1, t.d)).getUTCDay();
  if (ar) {
    if (days <= 0) return `اليوم الساعة ${time}`;
    if (days === 1) return `غداً الساعة ${time}`;
    if (days < 7) return `يوم ${AR_DAYS[weekday]} الساعة ${time}`;
    return `في ${ymd(t.y, t.m, t.d)} الساعة ${time}`;
  }
  if (days <= 0) return `today at ${time}`;
  if (days === 1) return `tomorrow at ${time}`;
  if (days < 7) return `on ${EN_DAYS[weekday]} at ${time}`;
  return `on ${ymd(t.y, t.m, t.d)} at ${time}`;
}
