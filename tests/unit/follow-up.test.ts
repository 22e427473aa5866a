// The follow-up policy and silence reading, table-driven (pure: no Temporal, no database).
import { describe, expect, it } from 'vitest';
import { DEFAULT_FOLLOW_UP } from '../../domain/rules.js';
import { inQuietHours, learnedDelaySec, outOfQuietHours, planFollowUp, POPULATION_MEDIAN_SEC, type FollowUpSituation } from '../../workflows/policy/follow-up.js';
import { readSilence, type HistoryItem } from '../../workflows/policy/silence.js';

const tz = 'Asia/Riyadh'; // UTC+3, no DST
const h = (direction: 'in' | 'out', at: string, text: string, intent?: string): HistoryItem => ({ direction, at, text, ...(intent ? { intent } : {}) });

describe('silence reading', () => {
  const cases: [string, HistoryItem[], 'hesitation' | 'completion' | 'unknown', { lastOutboundRead?: boolean }?][] = [
    ['thanks after our answer', [h('in', '2026-12-01T09:00:00Z', 'price?'), h('out', '2026-12-01T09:05:00Z', 'It is 45 SAR'), h('in', '2026-12-01T09:06:00Z', 'thanks!')], 'completion'],
    ['Arabic thanks', [h('in', '2026-12-01T09:00:00Z', 'كم السعر'), h('out', '2026-12-01T09:05:00Z', '٤٥ ريال'), h('in', '2026-12-01T09:06:00Z', 'شكراً جزيلاً')], 'completion'],
    ['Arabizi ok', [h('out', '2026-12-01T09:05:00Z', 'sure'), h('in', '2026-12-01T09:06:00Z', 'tamam shukran')], 'completion'],
    ['an emoji', [h('out', '2026-12-01T09:05:00Z', 'here you go'), h('in', '2026-12-01T09:06:00Z', '👍')], 'completion'],
    ['classified acknowledgment', [h('out', '2026-12-01T09:05:00Z', 'done'), h('in', '2026-12-01T09:06:00Z', 'alright then', 'acknowledgment')], 'completion'],
    ['order confirmed', [h('out', '2026-12-01T09:05:00Z', 'shall I book it?'), h('in', '2026-12-01T09:06:00Z', 'yes confirm', 'order')], 'completion'],
    ['thanks with a new question is not done', [h('out', '2026-12-01T09:05:00Z', 'It is 45 SAR'), h('in', '2026-12-01T09:06:00Z', 'thanks, and shipping?')], 'unknown'],
    ['ok with a request is not done', [h('out', '2026-12-01T09:05:00Z', 'It is 45 SAR'), h('in', '2026-12-01T09:06:00Z', 'ok, send me the details after 8 pm')], 'unknown'],
    ['thanks with a new question (no question mark) is not done', [h('out', '2026-12-01T09:05:00Z', 'It is 45 SAR'), h('in', '2026-12-01T09:06:00Z', 'thanks what about the red one')], 'unknown'],
    ['تمام with a request is not done', [h('out', '2026-12-01T09:05:00Z', 'السعر ٤٥ ريال'), h('in', '2026-12-01T09:06:00Z', 'تمام بس ابي اعرف التوصيل')], 'unknown'],
    ['Arabizi ok with a deferral is not done', [h('out', '2026-12-01T09:05:00Z', 'It is 45 SAR'), h('in', '2026-12-01T09:06:00Z', 'tamam kalemni bukra')], 'unknown'],
    ['thank you so much is done', [h('out', '2026-12-01T09:05:00Z', 'It is 45 SAR'), h('in', '2026-12-01T09:06:00Z', 'Thank you so much for your help!')], 'completion'],
    ['let me think', [h('out', '2026-12-01T09:05:00Z', 'It is 45 SAR'), h('in', '2026-12-01T09:06:00Z', 'let me think about it')], 'hesitation'],
    ['خليني أفكر', [h('out', '2026-12-01T09:05:00Z', 'السعر ٤٥ ريال'), h('in', '2026-12-01T09:06:00Z', 'خليني أفكر وأرد عليك')], 'hesitation'],
    ['we sent a price, silence', [h('in', '2026-12-01T09:00:00Z', 'how much?'), h('out', '2026-12-01T09:05:00Z', '20 units are 1,200 SAR')], 'hesitation'],
    ['we sent an Arabic quote', [h('in', '2026-12-01T09:00:00Z', 'بكم؟'), h('out', '2026-12-01T09:05:00Z', 'عرض السعر: ١٢٠٠ ريال')], 'hesitation'],
    ['we asked a question', [h('in', '2026-12-01T09:00:00Z', 'I want the blue one'), h('out', '2026-12-01T09:05:00Z', 'Which size do you need?')], 'hesitation'],
    ['read and not answered', [h('in', '2026-12-01T09:00:00Z', 'hello'), h('out', '2026-12-01T09:05:00Z', 'Hello, welcome')], 'hesitation', { lastOutboundRead: true }],
    ['a plain answer', [h('in', '2026-12-01T09:00:00Z', 'hello'), h('out', '2026-12-01T09:05:00Z', 'Hello, welcome')], 'unknown'],
    ['nothing of ours yet', [h('in', '2026-12-01T09:00:00Z', 'hello')], 'unknown'],
  ];
  it.each(cases)('%s', (_name, history, expected, opts) => {
    const r = readSilence(history, opts);
    expect(r.silence).toBe(expected);
    expect(r.reason.length).toBeGreaterThan(10);
  });
});

describe('learned timing', () => {
  it('no samples: the population; few samples shrink towards it; many follow the buyer', () => {
    const none = learnedDelaySec([]);
    const fewFast = learnedDelaySec([60, 90]);
    const manyFast = learnedDelaySec(Array.from({ length: 30 }, (_, i) => 60 + i * 5));
    const manySlow = learnedDelaySec(Array.from({ length: 30 }, () => 20 * 3600));
    expect(none.sec).toBeGreaterThan(POPULATION_MEDIAN_SEC);
    expect(fewFast.sec).toBeLessThan(none.sec);
    expect(manyFast.sec).toBeLessThan(fewFast.sec);
    expect(manyFast.sec).toBeLessThan(15 * 60);
    expect(manySlow.sec).toBeGreaterThan(20 * 3600);
    expect(manyFast.why).toMatch(/30 samples/);
  });

  it('an answer within the same second (0 s on whole-second stamps) is a fast sample, not no history', () => {
    const instant = learnedDelaySec([0]);
    expect(instant.why).toMatch(/1 sample,/);
    expect(instant.sec).toBeLessThan(learnedDelaySec([]).sec);
    expect(learnedDelaySec([-3, Number.NaN]).why).toMatch(/no reply history/);
  });
});

describe('quiet hours', () => {
  const q = { start: '22:00', end: '08:00' };
  it.each([
    ['2026-12-01T19:30:00Z', true, '2026-12-02T05:00:00.000Z'], // 22:30 local -> 08:00 local next day
    ['2026-12-01T23:00:00Z', true, '2026-12-02T05:00:00.000Z'], // 02:00 local
    ['2026-12-01T06:00:00Z', false, '2026-12-01T06:00:00.000Z'], // 09:00 local
    ['2026-12-01T04:59:00Z', true, '2026-12-01T05:00:00.000Z'], // 07:59 local
  ])('%s quiet=%s -> %s', (at, quiet, out) => {
    expect(inQuietHours(Date.parse(at), tz, q)).toBe(quiet);
    expect(new Date(outOfQuietHours(Date.parse(at), tz, q)).toISOString()).toBe(out);
  });
});

const base = (over: Partial<FollowUpSituation> = {}): FollowUpSituation => ({
  now: '2026-12-01T09:05:00Z',
  timezone: tz,
  lastInboundAt: '2026-12-01T09:00:00Z',
  lastOutboundAt: '2026-12-01T09:05:00Z',
  history: [h('in', '2026-12-01T09:00:00Z', 'how much for 20 units?'), h('out', '2026-12-01T09:05:00Z', '20 units are 1,200 SAR')],
  replyLatenciesSec: [],
  attemptsSoFar: 0,
  ...over,
});

describe('planFollowUp', () => {
  it('a fast buyer is nudged sooner than a slow one, each by their own timing, clamped by the rules', () => {
    const fast = planFollowUp(base({ replyLatenciesSec: Array(20).fill(120) }));
    const slow = planFollowUp(base({ replyLatenciesSec: Array(20).fill(6 * 3600) }));
    expect(fast).toMatchObject({ action: 'follow_up', channel: 'free_form', silence: 'hesitation' });
    expect(slow.action).toBe('follow_up');
    const fastDelay = Date.parse(fast.at!) - Date.parse('2026-12-01T09:05:00Z');
    // Clamped to the minimum delay (30 min): a fast buyer is late quickly, but never nudged before.
    expect(fastDelay).toBe(DEFAULT_FOLLOW_UP.minDelaySec * 1000);
    expect(Date.parse(slow.at!)).toBeGreaterThan(Date.parse(fast.at!));
    expect(fast.reason).toMatch(/usual reply time/);
  });

  it('attempts are spaced, and after maxAttempts it resolves', () => {
    const lat = Array(10).fill(3600);
    const a0 = planFollowUp(base({ replyLatenciesSec: lat }));
    const a1 = planFollowUp(base({ replyLatenciesSec: lat, attemptsSoFar: 1, now: a0.at!, lastOutboundAt: '2026-12-01T09:05:00Z' }));
    expect(Date.parse(a1.at!) - Date.parse('2026-12-01T09:05:00Z')).toBeGreaterThan(Date.parse(a0.at!) - Date.parse('2026-12-01T09:05:00Z'));
    const done = planFollowUp(base({ attemptsSoFar: 3 }));
    expect(done.action).toBe('resolve');
    expect(done.reason).toMatch(/3 follow-ups unanswered/);
  });

  it('moves a send out of quiet hours in the buyer time zone', () => {
    // Our answer at 21:00 local; a fast buyer is late at 21:30 -> the window still open at 08:00 next day.
    const p = planFollowUp(base({ now: '2026-12-01T18:00:00Z', lastInboundAt: '2026-12-01T17:55:00Z', lastOutboundAt: '2026-12-01T18:00:00Z', history: [h('in', '2026-12-01T17:55:00Z', 'price?'), h('out', '2026-12-01T18:00:00Z', 'It is 45 SAR')], replyLatenciesSec: Array(20).fill(3000) }));
    expect(p.action).toBe('follow_up');
    expect(inQuietHours(Date.parse(p.at!), tz, DEFAULT_FOLLOW_UP.quietHours)).toBe(false);
    expect(p.reason).toMatch(/quiet hours/);
  });

  it('completion resolves; the buyer writing last needs a person, not a follow-up', () => {
    const done = planFollowUp(base({ lastInboundAt: '2026-12-01T09:06:00Z', history: [...base().history, h('in', '2026-12-01T09:06:00Z', 'great, thanks!')] }));
    expect(done).toMatchObject({ action: 'resolve', silence: 'completion', at: '2026-12-01T11:06:00.000Z' });
    // Planned again later (a timer fired, a status came): the resolve time stays where it was.
    const later = planFollowUp(base({ now: '2026-12-01T10:30:00Z', lastInboundAt: '2026-12-01T09:06:00Z', history: [...base().history, h('in', '2026-12-01T09:06:00Z', 'great, thanks!')] }));
    expect(later.at).toBe(done.at);
    const waiting = planFollowUp(base({ lastInboundAt: '2026-12-01T09:06:00Z', history: [...base().history, h('in', '2026-12-01T09:06:00Z', 'and for 50 units?')] }));
    expect(waiting.action).toBe('none');
  });

  it('a business-initiated thread (the buyer never wrote): the template, or no send, never a crash', () => {
    const started = base({ lastInboundAt: null, history: [h('out', '2026-12-01T09:05:00Z', 'template order_update (en)')] });
    const none = planFollowUp(started);
    expect(none).toMatchObject({ action: 'none' });
    expect(none.reason).toMatch(/never opened: the buyer has not written.*no template configured/);
    const tpl = planFollowUp({ ...started, rules: { template: { name: 'check_in', language: 'en' } } });
    expect(tpl).toMatchObject({ action: 'follow_up', channel: 'template' });
    expect(tpl.reason).toMatch(/never opened/);
  });

  it('opt-out, off, paused: nothing', () => {
    expect(planFollowUp(base({ optedOut: true }))).toMatchObject({ action: 'none', reason: expect.stringMatching(/opted out/) });
    expect(planFollowUp(base({ rules: { enabled: false } }))).toMatchObject({ action: 'none', reason: expect.stringMatching(/off/) });
    expect(planFollowUp(base({ paused: true }))).toMatchObject({ action: 'none', reason: expect.stringMatching(/paused/) });
  });

  it('a person owns it: a reminder to them, unless the rules make it automatic', () => {
    expect(planFollowUp(base({ ownerIsHuman: true })).action).toBe('remind_agent');
    expect(planFollowUp(base({ ownerIsHuman: true, rules: { automaticWhenOwned: true } })).action).toBe('follow_up');
  });

  it('the 24-hour window: earlier when reasonable, else the template, else no send', () => {
    // A slow buyer (late after ~2 days) answered 1 h after their message: the ideal is past the window.
    const slow = { replyLatenciesSec: Array(20).fill(30 * 3600) };
    const earlier = planFollowUp(base(slow));
    expect(earlier.action).toBe('follow_up');
    expect(earlier.channel).toBe('free_form');
    expect(Date.parse(earlier.at!)).toBeLessThan(Date.parse('2026-12-02T09:00:00Z'));
    expect(earlier.reason).toMatch(/sent earlier, inside it/);
    // Our reply came 23 h 50 m after their message: no room inside the window.
    const late = { ...slow, lastInboundAt: '2026-11-30T09:15:00Z', history: [h('in', '2026-11-30T09:15:00Z', 'price?'), h('out', '2026-12-01T09:05:00Z', 'It is 45 SAR')] };
    const none = planFollowUp(base(late));
    expect(none).toMatchObject({ action: 'none', reason: expect.stringMatching(/no template configured/) });
    const template = planFollowUp(base({ ...late, rules: { template: { name: 'check_in', language: 'en' } } }));
    expect(template).toMatchObject({ action: 'follow_up', channel: 'template' });
  });

  it('a stated time wins over learned timing and businessDaysOnly, bounded by quiet hours', () => {
    const said = base({
      lastInboundAt: '2026-12-01T09:04:00Z',
      history: [h('in', '2026-12-01T09:00:00Z', 'how much?'), h('in', '2026-12-01T09:04:00Z', 'call me tomorrow morning'), h('out', '2026-12-01T09:05:00Z', 'Sure, 20 units are 1,200 SAR')],
      replyLatenciesSec: Array(20).fill(120),
      rules: { businessDaysOnly: true },
    });
    const p = planFollowUp(said);
    expect(p.action).toBe('follow_up');
    expect(p.reason).toMatch(/buyer said/);
    // Tomorrow morning, Riyadh: inside 09:00-12:00 local.
    const local = new Date(Date.parse(p.at!) + 3 * 3600_000).toISOString();
    expect(local.slice(0, 10)).toBe('2026-12-02');
    expect(Number(local.slice(11, 13))).toBeGreaterThanOrEqual(9);
    expect(Number(local.slice(11, 13))).toBeLessThan(12);
  });

  it('businessDaysOnly moves a learned time onto a business day', () => {
    // Friday 2026-12-04 in Riyadh is closed in the default week (Sun-Thu).
    const p = planFollowUp(base({ now: '2026-12-03T12:00:00Z', lastInboundAt: '2026-12-03T11:55:00Z', lastOutboundAt: '2026-12-03T12:00:00Z', history: [h('in', '2026-12-03T11:55:00Z', 'price?'), h('out', '2026-12-03T12:00:00Z', 'It is 45 SAR')], replyLatenciesSec: Array(20).fill(10 * 3600), rules: { businessDaysOnly: true, template: { name: 'check_in', language: 'en' } } }));
    const day = new Date(Date.parse(p.at!) + 3 * 3600_000).getUTCDay();
    expect([5, 6]).not.toContain(day);
  });
});
