import { describe, expect, it } from 'vitest';
import { addBusinessSeconds, describeEta, isOpen, nextOpening, zonedToUtc } from '../../workflows/policy/business-hours.js';
import { DEFAULT_RULES, type BusinessHours } from '../../domain/rules.js';

const D = (iso: string) => new Date(iso);
const H = 3600;
const riyadh = DEFAULT_RULES.businessHours; // sun-thu 09:00-17:00, UTC+3, no DST
// 2026-04-01 is a Wednesday, 2026-04-02 a Thursday, 2026-04-05 a Sunday.

const split: BusinessHours = {
  timezone: 'Asia/Riyadh',
  week: Object.fromEntries(['sat', 'sun', 'mon', 'tue', 'wed', 'thu'].map((d) => [d, [['09:00', '13:00'], ['16:00', '21:00']]])),
};

describe('zonedToUtc', () => {
  it('converts local wall time to the instant, across DST', () => {
    expect(new Date(zonedToUtc(2026, 4, 1, 9 * 60, 'Asia/Riyadh')).toISOString()).toBe('2026-04-01T06:00:00.000Z');
    expect(new Date(zonedToUtc(2026, 3, 27, 9 * 60, 'Europe/Berlin')).toISOString()).toBe('2026-03-27T08:00:00.000Z');
    expect(new Date(zonedToUtc(2026, 3, 30, 9 * 60, 'Europe/Berlin')).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(new Date(zonedToUtc(2026, 4, 1, 24 * 60, 'Asia/Riyadh')).toISOString()).toBe('2026-04-01T21:00:00.000Z');
  });
  it('a time in the spring-forward gap maps to just after it', () => {
    // Berlin 2026-03-29 02:30 does not exist (02:00 -> 03:00); 03:30 CEST = 01:30Z.
    expect(new Date(zonedToUtc(2026, 3, 29, 150, 'Europe/Berlin')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('isOpen', () => {
  it('default hours: open inside, closed at the end, before opening and on the weekend', () => {
    expect(isOpen(D('2026-04-01T06:00:00Z'), riyadh)).toBe(true); // Wed 09:00
    expect(isOpen(D('2026-04-01T05:59:59Z'), riyadh)).toBe(false); // Wed 08:59:59
    expect(isOpen(D('2026-04-01T13:59:59Z'), riyadh)).toBe(true); // Wed 16:59:59
    expect(isOpen(D('2026-04-01T14:00:00Z'), riyadh)).toBe(false); // Wed 17:00
    expect(isOpen(D('2026-04-03T08:00:00Z'), riyadh)).toBe(false); // Fri 11:00
    expect(isOpen(D('2026-04-04T08:00:00Z'), riyadh)).toBe(false); // Sat 11:00
  });
  it('split shifts', () => {
    expect(isOpen(D('2026-04-01T09:59:00Z'), split)).toBe(true); // 12:59
    expect(isOpen(D('2026-04-01T10:00:00Z'), split)).toBe(false); // 13:00
    expect(isOpen(D('2026-04-01T12:00:00Z'), split)).toBe(false); // 15:00
    expect(isOpen(D('2026-04-01T13:00:00Z'), split)).toBe(true); // 16:00
    expect(isOpen(D('2026-04-01T18:00:00Z'), split)).toBe(false); // 21:00
  });
  it('holidays close the whole local day', () => {
    const h = { ...riyadh, holidays: ['2026-04-01'] };
    expect(isOpen(D('2026-04-01T08:00:00Z'), h)).toBe(false);
    expect(isOpen(D('2026-04-02T08:00:00Z'), h)).toBe(true);
  });
  it("end '24:00' is open up to midnight and runs into the next day's 00:00", () => {
    const late: BusinessHours = { timezone: 'Asia/Riyadh', week: { wed: [['20:00', '24:00']], thu: [['00:00', '02:00']] } };
    expect(isOpen(D('2026-04-01T20:59:59Z'), late)).toBe(true); // Wed 23:59:59
    expect(isOpen(D('2026-04-01T21:00:00Z'), late)).toBe(true); // Thu 00:00
    expect(isOpen(D('2026-04-01T23:00:00Z'), late)).toBe(false); // Thu 02:00
  });
  it('a week with no open time counts as always open', () => {
    expect(isOpen(D('2026-04-03T08:00:00Z'), { timezone: 'Asia/Riyadh', week: {} })).toBe(true);
  });
});

describe('nextOpening', () => {
  it('is the moment itself when open', () => {
    expect(nextOpening(D('2026-04-01T08:00:00Z'), riyadh).toISOString()).toBe('2026-04-01T08:00:00.000Z');
  });
  it('later the same day, the next day, after the weekend', () => {
    expect(nextOpening(D('2026-04-01T03:00:00Z'), riyadh).toISOString()).toBe('2026-04-01T06:00:00.000Z'); // Wed 06:00 -> 09:00
    expect(nextOpening(D('2026-04-01T15:00:00Z'), riyadh).toISOString()).toBe('2026-04-02T06:00:00.000Z'); // Wed 18:00 -> Thu 09:00
    expect(nextOpening(D('2026-04-02T20:00:00Z'), riyadh).toISOString()).toBe('2026-04-05T06:00:00.000Z'); // Thu 23:00 -> Sun 09:00
  });
  it('between split shifts', () => {
    expect(nextOpening(D('2026-04-01T11:00:00Z'), split).toISOString()).toBe('2026-04-01T13:00:00.000Z'); // 14:00 -> 16:00
  });
  it('skips holidays', () => {
    const h = { ...riyadh, holidays: ['2026-04-05', '2026-04-06'] };
    expect(nextOpening(D('2026-04-02T20:00:00Z'), h).toISOString()).toBe('2026-04-07T06:00:00.000Z'); // Tue 09:00
  });
  it('DST: Berlin opens at 09:00 local after the spring change', () => {
    const berlin: BusinessHours = { timezone: 'Europe/Berlin', week: { mon: [['09:00', '17:00']] } };
    expect(nextOpening(D('2026-03-29T12:00:00Z'), berlin).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(nextOpening(D('2026-03-20T12:00:00Z'), berlin).toISOString()).toBe('2026-03-23T08:00:00.000Z');
  });
  it('no open time: the moment itself', () => {
    expect(nextOpening(D('2026-04-03T08:00:00Z'), { timezone: 'UTC', week: { mon: [] } }).toISOString()).toBe('2026-04-03T08:00:00.000Z');
  });
});

describe('addBusinessSeconds', () => {
  it('inside one open stretch', () => {
    expect(addBusinessSeconds(D('2026-04-01T06:00:00Z'), 4 * H, riyadh).toISOString()).toBe('2026-04-01T10:00:00.000Z');
  });
  it('a deadline landing on the closing time stays there', () => {
    expect(addBusinessSeconds(D('2026-04-02T13:00:00Z'), 1 * H, riyadh).toISOString()).toBe('2026-04-02T14:00:00.000Z'); // Thu 16:00 + 1h = 17:00
  });
  it('spans the weekend: Thu 16:30 + 1h -> Sun 09:30', () => {
    expect(addBusinessSeconds(D('2026-04-02T13:30:00Z'), 1 * H, riyadh).toISOString()).toBe('2026-04-05T06:30:00.000Z');
  });
  it('starts counting at the next opening when closed', () => {
    expect(addBusinessSeconds(D('2026-04-02T20:00:00Z'), 4 * H, riyadh).toISOString()).toBe('2026-04-05T10:00:00.000Z'); // Thu 23:00 -> Sun 13:00
  });
  it('24 business hours = 3 working days', () => {
    expect(addBusinessSeconds(D('2026-04-01T06:00:00Z'), 24 * H, riyadh).toISOString()).toBe('2026-04-05T14:00:00.000Z'); // Wed, Thu, Sun 17:00
  });
  it('split shifts: 12:00 + 2h -> 17:00', () => {
    expect(addBusinessSeconds(D('2026-04-01T09:00:00Z'), 2 * H, split).toISOString()).toBe('2026-04-01T14:00:00.000Z');
  });
  it('split shifts across the closed Friday: Thu 20:30 + 1h -> Sat 09:30', () => {
    expect(addBusinessSeconds(D('2026-04-02T17:30:00Z'), 1 * H, split).toISOString()).toBe('2026-04-04T06:30:00.000Z');
  });
  it('skips a holiday', () => {
    const h = { ...riyadh, holidays: ['2026-04-05'] };
    expect(addBusinessSeconds(D('2026-04-02T13:30:00Z'), 1 * H, h).toISOString()).toBe('2026-04-06T06:30:00.000Z');
  });
  it("'24:00' runs continuously into the next day", () => {
    const late: BusinessHours = { timezone: 'Asia/Riyadh', week: { wed: [['20:00', '24:00']], thu: [['00:00', '02:00']] } };
    expect(addBusinessSeconds(D('2026-04-01T20:00:00Z'), 2 * H, late).toISOString()).toBe('2026-04-01T22:00:00.000Z'); // Wed 23:00 -> Thu 01:00
  });
  it('DST spring (Berlin): Fri 16:00 CET + 2h -> Mon 10:00 CEST', () => {
    const berlin: BusinessHours = { timezone: 'Europe/Berlin', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]])) };
    expect(addBusinessSeconds(D('2026-03-27T15:00:00Z'), 2 * H, berlin).toISOString()).toBe('2026-03-30T08:00:00.000Z');
  });
  it('DST autumn (New York): Fri 16:00 EDT + 2h -> Mon 10:00 EST', () => {
    const ny: BusinessHours = { timezone: 'America/New_York', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]])) };
    expect(addBusinessSeconds(D('2026-10-30T20:00:00Z'), 2 * H, ny).toISOString()).toBe('2026-11-02T15:00:00.000Z');
  });
  it('DST day open around the clock counts real elapsed time (Berlin spring day has 23 h)', () => {
    const allSunday: BusinessHours = { timezone: 'Europe/Berlin', week: { sun: [['00:00', '24:00']] } };
    // 2026-03-29 00:00 CET = 03-28T23:00Z; 24:00 CEST = 03-29T22:00Z: 23 hours open.
    expect(addBusinessSeconds(D('2026-03-28T23:00:00Z'), 23 * H, allSunday).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(addBusinessSeconds(D('2026-03-28T23:00:00Z'), 24 * H, allSunday).toISOString()).toBe('2026-04-04T23:00:00.000Z'); // + 1h of next Sunday: 01:00 CEST
  });
  it('zero or negative seconds: the start itself', () => {
    expect(addBusinessSeconds(D('2026-04-03T08:00:00Z'), 0, riyadh).toISOString()).toBe('2026-04-03T08:00:00.000Z');
    expect(addBusinessSeconds(D('2026-04-03T08:00:00Z'), -5, riyadh).toISOString()).toBe('2026-04-03T08:00:00.000Z');
  });
  it('no open time in the week: calendar time', () => {
    expect(addBusinessSeconds(D('2026-04-03T08:00:00Z'), 2 * H, { timezone: 'Asia/Riyadh', week: {} }).toISOString()).toBe('2026-04-03T10:00:00.000Z');
  });
});

describe('describeEta', () => {
  const from = D('2026-04-01T06:00:00Z'); // Wed 09:00 Riyadh
  it('minutes and hours', () => {
    expect(describeEta(from, D('2026-04-01T06:15:00Z'), riyadh, 'en')).toBe('within 15 minutes');
    expect(describeEta(from, D('2026-04-01T06:00:20Z'), riyadh, 'en')).toBe('within 1 minute');
    expect(describeEta(from, D('2026-04-01T07:00:00Z'), riyadh, 'en')).toBe('within 60 minutes');
    expect(describeEta(from, D('2026-04-01T07:30:00Z'), riyadh, 'en')).toBe('within 2 hours');
    expect(describeEta(from, D('2026-04-01T10:00:00Z'), riyadh, 'en')).toBe('within 4 hours');
    expect(describeEta(from, D('2026-04-01T07:00:01Z'), riyadh, 'en')).toBe('within 2 hours');
  });
  it('moments: tomorrow, a weekday, a date', () => {
    expect(describeEta(from, D('2026-04-02T06:30:00Z'), riyadh, 'en')).toBe('tomorrow at 09:30');
    expect(describeEta(from, D('2026-04-05T06:00:00Z'), riyadh, 'en')).toBe('on Sunday at 09:00');
    expect(describeEta(from, D('2026-04-20T06:00:00Z'), riyadh, 'en')).toBe('on 2026-04-20 at 09:00');
  });
  it("mode 'at' always names the moment", () => {
    expect(describeEta(D('2026-04-01T03:00:00Z'), D('2026-04-01T06:00:00Z'), riyadh, 'en', 'at')).toBe('today at 09:00');
  });
  it('a short wait across midnight is in hours', () => {
    expect(describeEta(D('2026-04-01T20:00:00Z'), D('2026-04-01T22:00:00Z'), riyadh, 'en')).toBe('within 2 hours');
  });
  it('Arabic', () => {
    expect(describeEta(from, D('2026-04-01T06:01:00Z'), riyadh, 'ar')).toBe('خلال دقيقة');
    expect(describeEta(from, D('2026-04-01T06:15:00Z'), riyadh, 'ar')).toBe('خلال 15 دقيقة');
    expect(describeEta(from, D('2026-04-01T08:00:00Z'), riyadh, 'ar')).toBe('خلال ساعتين');
    expect(describeEta(from, D('2026-04-01T10:00:00Z'), riyadh, 'ar')).toBe('خلال 4 ساعات');
    expect(describeEta(from, D('2026-04-02T06:30:00Z'), riyadh, 'ar-SA')).toBe('غداً الساعة 09:30');
    expect(describeEta(from, D('2026-04-05T06:00:00Z'), riyadh, 'ar')).toBe('يوم الأحد الساعة 09:00');
    expect(describeEta(D('2026-04-01T03:00:00Z'), D('2026-04-01T06:00:00Z'), riyadh, 'ar', 'at')).toBe('اليوم الساعة 09:00');
  });
  it('other languages fall back to English', () => {
    expect(describeEta(from, D('2026-04-05T06:00:00Z'), riyadh, 'fr')).toBe('on Sunday at 09:00');
  });
});
