// Adaptive follow-ups (step 5): when to nudge a buyer who went silent after our reply, and how.
// Pure and deterministic (bundled into workflow code; the same functions behind
// `npm run --silent plan-followup`). Every answer carries its reason.
//
// Decisions, stated once:
// - Who spoke last: a buyer's message waits for a person, not a follow-up (none), unless it closed
//   the exchange (completion -> resolve after RESOLVE_AFTER_SEC of quiet).
// - Timing is the buyer's own: their reply latencies (seconds from our message to their answer) as
//   a log-normal, shrunk towards the population's (median 4 h) with PRIOR_WEIGHT pseudo-samples, so a
//   buyer with few samples is treated like most buyers. The first nudge comes when this buyer is
//   late by their own measure (their 90th percentile), not before: a fast buyer is nudged in minutes,
//   a slow one after a day. Attempt n waits SPACING^n times as long. Clamped to [min, max] delay.
// - A time the buyer stated ("call me at 5", "بكرة الصبح") wins over all of that and over
//   businessDaysOnly; only quiet hours, the 24-hour window and consent bound it.
// - Quiet hours (buyer's time zone) move a send to their end. businessDaysOnly moves a learned time
//   to the next business day (the business's week and holidays) at the same local time, or the
//   opening if that is later.
// - The 24-hour window: free-form only before lastInbound + 24 h. A learned time after it moves
//   earlier, to the latest non-quiet moment at least WINDOW_MARGIN_SEC before the window closes,
//   when that is still after the minimum delay; else the rule's template; no template -> none.
//   A stated time is the buyer's wish: it is not moved earlier (template or none).
// - A person owns the conversation -> a reminder to them instead (unless automaticWhenOwned).
// - Paused -> none (recomputed on resume); opted out -> none, whatever else.
import { DEFAULT_FOLLOW_UP, DEFAULT_RULES, validateFollowUp, type BusinessHours, type FollowUpRules } from '../../domain/rules.js';
import { isOpen, localParts, nextOpening, zonedToUtc } from './business-hours.js';
import { readSilence, type HistoryItem, type Silence } from './silence.js';
import { parseStatedTime } from './stated-time.js';

export type FollowUpAction = 'none' | 'follow_up' | 'remind_agent' | 'resolve';
export type FollowUpChannel = 'free_form' | 'template';

export interface FollowUpSituation {
  now: string;
  /** The buyer's IANA time zone. */
  timezone: string;
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
  history: HistoryItem[];
  replyLatenciesSec: number[];
  attemptsSoFar: number;
  /** The `followUp` part; missing fields take the defaults. */
  rules?: Partial<FollowUpRules> | FollowUpRules;
  paused?: boolean;
  optedOut?: boolean;
  ownerIsHuman?: boolean;
  /** WhatsApp reported our last message read. */
  lastOutboundRead?: boolean;
  /** The business's week and holidays, for businessDaysOnly (default: the default rules'). */
  businessHours?: BusinessHours;
}

export interface FollowUpPlan {
  action: FollowUpAction;
  at?: string;
  channel?: FollowUpChannel;
  silence: Silence;
  reason: string;
}

export const POPULATION_MEDIAN_SEC = 4 * 3600;
const POPULATION_LOG_SD = 1.2;
const PRIOR_WEIGHT = 3;
/** z of the 90th percentile. */
const LATE_Z = 1.2816;
const SPACING = 2;
export const RESOLVE_AFTER_SEC = 2 * 3600;
const WINDOW_SEC = 24 * 3600;
const WINDOW_MARGIN_SEC = 30 * 60;

const iso = (ms: number) => new Date(ms).toISOString();
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The rules with defaults filled; a malformed part is the defaults (the CLI's input may be partial). */
export function followUpRules(r: FollowUpSituation['rules']): FollowUpRules {
  if (!r) return DEFAULT_FOLLOW_UP;
  const v = validateFollowUp(r);
  return v.ok ? v.rules : DEFAULT_FOLLOW_UP;
}

/** The delay after our message at which this buyer is late by their own measure. */
export function learnedDelaySec(samples: readonly number[]): { sec: number; why: string } {
  // WhatsApp stamps whole seconds: an answer in the same second reads as 0 s, the fastest there is,
  // not a missing sample; it counts as 1 s (log 0 has no place in the estimate).
  const logs = samples.filter((x) => Number.isFinite(x) && x >= 0).map((x) => Math.log(Math.max(x, 1)));
  const n = logs.length;
  const mu0 = Math.log(POPULATION_MEDIAN_SEC);
  const mean = n ? logs.reduce((a, b) => a + b, 0) / n : mu0;
  const variance = n > 1 ? logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : POPULATION_LOG_SD ** 2;
  const mu = (n * mean + PRIOR_WEIGHT * mu0) / (n + PRIOR_WEIGHT);
  const sd = Math.sqrt((n * variance + PRIOR_WEIGHT * POPULATION_LOG_SD ** 2) / (n + PRIOR_WEIGHT));
  const sec = Math.round(Math.exp(mu + LATE_Z * sd));
  const median = Math.round(Math.exp(mu));
  return {
    sec,
    why: n
      ? `buyer's usual reply time ${fmt(median)} (${n} sample${n > 1 ? 's' : ''}, shrunk towards the population's ${fmt(POPULATION_MEDIAN_SEC)}); late after ${fmt(sec)}`
      : `no reply history: the population's usual reply time ${fmt(POPULATION_MEDIAN_SEC)}; late after ${fmt(sec)}`,
  };
}

export function fmt(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))}m`;
  if (s < 86400) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    return m ? `${h}h${String(m).padStart(2, '0')}m` : `${h}h`;
  }
  const d = Math.floor(s / 86400);
  const h = Math.round((s % 86400) / 3600);
  return h ? `${d}d${h}h` : `${d}d`;
}

/** Whether a local instant falls in quiet hours (they may wrap midnight; start == end: none). */
export function inQuietHours(ms: number, timeZone: string, q: FollowUpRules['quietHours']): boolean {
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  if (start === end) return false;
  const l = localParts(ms, timeZone);
  const m = l.hh * 60 + l.mm;
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/** The end of the quiet hours an instant falls in (the instant itself when it is not quiet). */
export function outOfQuietHours(ms: number, timeZone: string, q: FollowUpRules['quietHours']): number {
  if (!inQuietHours(ms, timeZone, q)) return ms;
  const l = localParts(ms, timeZone);
  const m = l.hh * 60 + l.mm;
  const end = minutesOf(q.end);
  // The end is later today, or (after midnight is not reached yet) tomorrow.
  let t = zonedToUtc(l.y, l.m, l.d, end, timeZone);
  if (m >= end) {
    const next = localParts(zonedToUtc(l.y, l.m, l.d, 1440, timeZone) + 3600_000, timeZone);
    t = zonedToUtc(next.y, next.m, next.d, end, timeZone);
  }
  return t;
}

/** The latest moment at or before `ms` that is not quiet (null if none within two days). */
function latestNotQuiet(ms: number, timeZone: string, q: FollowUpRules['quietHours']): number | null {
  for (let t = ms, i = 0; i < 48 * 4; i++, t -= 15 * 60_000) if (!inQuietHours(t, timeZone, q)) return t;
  return null;
}

/** Onto a business day: the same local time on the next day the business opens (not a holiday). */
export function ontoBusinessDay(ms: number, hours: BusinessHours): number {
  for (let i = 0; i < 30; i++) {
    const t = ms + i * 86400_000;
    const l = localParts(t, hours.timezone);
    const day = (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[new Date(Date.UTC(l.y, l.m - 1, l.d)).getUTCDay()]!;
    const date = `${l.y}-${String(l.m).padStart(2, '0')}-${String(l.d).padStart(2, '0')}`;
    if ((hours.week[day]?.length ?? 0) > 0 && !(hours.holidays ?? []).includes(date)) {
      if (i === 0) return ms;
      // A later day: its local time, or its opening when that comes later.
      const opening = nextOpening(new Date(zonedToUtc(l.y, l.m, l.d, 0, hours.timezone)), hours).getTime();
      return isOpen(new Date(t), hours) ? t : Math.max(t, opening);
    }
  }
  return ms;
}

export function planFollowUp(input: FollowUpSituation): FollowUpPlan {
  const rules = followUpRules(input.rules);
  const nowMs = Date.parse(input.now);
  const { silence, reason: silenceReason } = readSilence(input.history, { lastOutboundRead: input.lastOutboundRead });
  const tz = input.timezone;

  if (input.optedOut) return { action: 'none', silence, reason: 'the buyer opted out: no automated message of any kind' };
  if (!rules.enabled) return { action: 'none', silence, reason: 'follow-ups are off in the rules' };

  const lastIn = input.lastInboundAt ? Date.parse(input.lastInboundAt) : NaN;
  const lastOut = input.lastOutboundAt ? Date.parse(input.lastOutboundAt) : NaN;
  const buyerLast = Number.isFinite(lastIn) && (!Number.isFinite(lastOut) || lastIn > lastOut);
  if (input.paused) return { action: 'none', silence, reason: 'automation is paused: nothing until it resumes (then the plan is made again)' };
  if (silence === 'completion') {
    // Quiet counted from the last message either way (not from now: a plan made again stays put).
    const lastAny = Math.max(Number.isFinite(lastIn) ? lastIn : -Infinity, Number.isFinite(lastOut) ? lastOut : -Infinity);
    const resolveAt = Number.isFinite(lastAny) ? Math.max(lastAny + RESOLVE_AFTER_SEC * 1000, nowMs) : nowMs + RESOLVE_AFTER_SEC * 1000;
    return { action: 'resolve', at: iso(resolveAt), silence, reason: `${silenceReason} -> no follow-up; resolves after ${fmt(RESOLVE_AFTER_SEC)} of quiet` };
  }
  if (buyerLast || !Number.isFinite(lastOut)) return { action: 'none', silence, reason: `${silenceReason}: no follow-up` };
  if (input.attemptsSoFar >= rules.maxAttempts) {
    return {
      action: 'resolve',
      at: iso(nowMs),
      silence,
      reason: `${input.attemptsSoFar} follow-up${input.attemptsSoFar === 1 ? '' : 's'} unanswered (the rules allow ${rules.maxAttempts}) -> no more; resolves`,
    };
  }

  // When: the buyer's words first, else their own timing.
  const reasons: string[] = [];
  let atMs: number;
  let stated = false;
  const latestIn = [...input.history].filter((h) => h.direction === 'in' && h.text).sort((a, b) => (a.at < b.at ? 1 : -1));
  const said = latestIn.slice(0, 3).map((h) => parseStatedTime(h.text!, h.at, tz)).find((s) => s && Date.parse(s.at) > nowMs);
  if (said) {
    atMs = Date.parse(said.at);
    stated = true;
    reasons.push(`${said.reason} (the buyer's own time wins over learned timing and the delays)`);
  } else {
    const learned = learnedDelaySec(input.replyLatenciesSec);
    const spaced = learned.sec * SPACING ** input.attemptsSoFar;
    const delay = Math.min(rules.maxDelaySec, Math.max(rules.minDelaySec, spaced));
    atMs = Math.max(lastOut + delay * 1000, nowMs);
    reasons.push(`follow-up ${input.attemptsSoFar + 1} of ${rules.maxAttempts}: ${learned.why}${input.attemptsSoFar ? `, x${SPACING ** input.attemptsSoFar} for attempt ${input.attemptsSoFar + 1}` : ''}${delay !== spaced ? ` (clamped to ${fmt(delay)})` : ''}`);
    if (rules.businessDaysOnly) {
      const moved = ontoBusinessDay(atMs, input.businessHours ?? DEFAULT_RULES.businessHours);
      if (moved !== atMs) reasons.push(`moved onto a business day (${iso(moved)})`);
      atMs = moved;
    }
  }
  const unquiet = outOfQuietHours(atMs, tz, rules.quietHours);
  if (unquiet !== atMs) reasons.push(`out of quiet hours ${rules.quietHours.start}-${rules.quietHours.end} in ${tz}`);
  atMs = unquiet;

  // The 24-hour window.
  let channel: FollowUpChannel = 'free_form';
  const windowEnd = Number.isFinite(lastIn) ? lastIn + WINDOW_SEC * 1000 : -Infinity;
  const windowText = Number.isFinite(windowEnd) ? `closed ${iso(windowEnd)}` : 'never opened: the buyer has not written';
  if (atMs >= windowEnd) {
    // No window at all (the buyer never wrote: a business-initiated thread): nothing earlier to try.
    let earlier = stated || !Number.isFinite(windowEnd) ? null : latestNotQuiet(windowEnd - WINDOW_MARGIN_SEC * 1000, tz, rules.quietHours);
    // Earlier, but still on a business day when the rules ask for one.
    if (earlier !== null && rules.businessDaysOnly && ontoBusinessDay(earlier, input.businessHours ?? DEFAULT_RULES.businessHours) !== earlier) earlier = null;
    if (earlier !== null && earlier >= lastOut + rules.minDelaySec * 1000 && earlier >= nowMs) {
      reasons.push(`the 24-hour window closes at ${iso(windowEnd)}: sent earlier, inside it`);
      atMs = earlier;
    } else if (rules.template) {
      channel = 'template';
      reasons.push(`after the 24-hour window (${windowText}): template ${rules.template.name} (${rules.template.language})`);
    } else {
      return { action: 'none', silence, reason: `${[...reasons, `after the 24-hour window (${windowText}) and no template configured: no send`].join('; ')}` };
    }
  }

  if (input.ownerIsHuman && !rules.automaticWhenOwned) {
    return { action: 'remind_agent', at: iso(atMs), channel, silence, reason: [silenceReason, ...reasons, 'a person owns the conversation: a reminder to them instead of a send'].join('; ') };
  }
  return { action: 'follow_up', at: iso(atMs), channel, silence, reason: [silenceReason, ...reasons].join('; ') };
}
