import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, validateRules, type RulesDocument } from '../../domain/rules.js';

const clone = (): any => JSON.parse(JSON.stringify(DEFAULT_RULES));
function reasonsFor(mutate: (d: any) => void): string[] {
  const d = clone();
  mutate(d);
  const r = validateRules(d);
  if (r.ok) throw new Error('expected invalid');
  return r.reasons;
}
const expectReason = (mutate: (d: any) => void, path: string, problem: RegExp) => {
  const reasons = reasonsFor(mutate);
  expect(reasons.some((r) => r.startsWith(`${path}: `) && problem.test(r)), reasons.join('\n')).toBe(true);
};

describe('validateRules: valid documents', () => {
  it('the defaults are valid and come back unchanged', () => {
    const r = validateRules(clone());
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.rules).toEqual(DEFAULT_RULES);
  });
  it('the default rules: Riyadh, sun-thu 09-17, SLAs, two teams, ar+en texts', () => {
    expect(DEFAULT_RULES.businessHours.timezone).toBe('Asia/Riyadh');
    expect(DEFAULT_RULES.businessHours.week.fri).toBeUndefined();
    expect(DEFAULT_RULES.businessHours.week.sat).toBeUndefined();
    expect(DEFAULT_RULES.businessHours.week.sun).toEqual([['09:00', '17:00']]);
    expect(DEFAULT_RULES.sla.urgent).toEqual({ firstResponseSec: 900, nextResponseSec: 900 });
    expect(DEFAULT_RULES.sla.low.firstResponseSec).toBe(86400);
    expect(DEFAULT_RULES.teams.map((t) => t.name)).toEqual(['sales', 'support']);
    expect(DEFAULT_RULES.automation.texts.ack.ar).toContain('{eta}');
    expect(DEFAULT_RULES.automation.texts.afterHours.en).toContain('{eta}');
  });
  it('fills defaults for optional parts and drops unknown top-level keys (version)', () => {
    const d = clone();
    delete d.businessHours.holidays;
    delete d.burstQuietGapSec;
    delete d.automation;
    d.version = 7;
    const r = validateRules(d);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rules.businessHours.holidays).toEqual([]);
    expect(r.rules.burstQuietGapSec).toBe(2);
    expect(r.rules.automation).toEqual(DEFAULT_RULES.automation);
    expect('version' in r.rules).toBe(false);
    expect(r.rules.defaultTeam).toBeUndefined();
  });
  it("accepts '24:00', touching and unsorted split ranges (sorted back), holidays, defaultTeam, leads", () => {
    const d = clone();
    d.businessHours.week.sat = [['16:00', '24:00'], ['09:00', '16:00']];
    d.businessHours.holidays = ['2026-03-20', '2028-02-29'];
    d.defaultTeam = 'support';
    d.teams[1].lead = 'agent-lead';
    d.teams[0].languages = ['ar', 'en-GB'];
    d.burstQuietGapSec = 0;
    const r = validateRules(d);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.rules.businessHours.week.sat).toEqual([['09:00', '16:00'], ['16:00', '24:00']]);
    expect(r.rules.defaultTeam).toBe('support');
    expect(r.rules.teams[1]!.lead).toBe('agent-lead');
  });
  it('canonicalises the time zone name', () => {
    const d = clone();
    d.businessHours.timezone = 'asia/riyadh';
    const r = validateRules(d);
    expect(r.ok && r.rules.businessHours.timezone).toBe('Asia/Riyadh');
  });
  it('keeps custom automation texts and acknowledge false', () => {
    const d = clone();
    d.automation = { acknowledge: false, texts: { ack: { en: 'A {eta}', ar: 'ب {eta}', fr: 'C {eta}' }, afterHours: { en: 'x', ar: 'y' } } };
    const r = validateRules(d);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.rules.automation).toEqual({ ...d.automation, markReadOnOpen: false, answer: { enabled: true, minConfidence: 0.6 } });
  });
  it('answer: enabled at 0.6 by default; its fields checked by name', () => {
    const d = clone();
    d.automation = { answer: { enabled: false, minConfidence: 0.8 } };
    const r = validateRules(d);
    expect(r.ok && r.rules.automation.answer).toEqual({ enabled: false, minConfidence: 0.8 });
    for (const [answer, re] of [
      [{ minConfidence: 2 }, /automation\.answer\.minConfidence: must be a number from 0 to 1/],
      [{ enabled: 'yes' }, /automation\.answer\.enabled: must be true or false/],
      [{ model: 'gpt' }, /automation\.answer\.model: unknown field/],
      ['on', /automation\.answer: must be an object/],
    ] as const) {
      d.automation = { answer };
      const bad = validateRules(d);
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.reasons.join()).toMatch(re);
    }
  });
  it('markReadOnOpen: false by default, true when set, anything else refused by name', () => {
    const d = clone();
    d.automation = { acknowledge: true, markReadOnOpen: true };
    const r = validateRules(d);
    expect(r.ok && r.rules.automation.markReadOnOpen).toBe(true);
    const none = validateRules(clone());
    expect(none.ok && none.rules.automation.markReadOnOpen).toBe(false);
    d.automation = { markReadOnOpen: 'yes' };
    const bad = validateRules(d);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reasons.join()).toMatch(/automation\.markReadOnOpen: must be true or false/);
  });
});

describe('validateRules: each problem names its path', () => {
  it('not an object', () => {
    expect(validateRules(null)).toEqual({ ok: false, reasons: ['(root): must be an object'] });
    expect(validateRules([]).ok).toBe(false);
  });
  it('businessHours missing', () => expectReason((d) => delete d.businessHours, 'businessHours', /required/));
  it('invalid time zone', () => expectReason((d) => (d.businessHours.timezone = 'Mars/Olympus'), 'businessHours.timezone', /IANA/));
  it('empty time zone', () => expectReason((d) => (d.businessHours.timezone = ''), 'businessHours.timezone', /IANA/));
  it('week missing', () => expectReason((d) => delete d.businessHours.week, 'businessHours.week', /required/));
  it('unknown weekday', () => expectReason((d) => (d.businessHours.week.monday = [['09:00', '10:00']]), 'businessHours.week.monday', /unknown weekday/));
  it('day not a list', () => expectReason((d) => (d.businessHours.week.mon = '09:00-17:00'), 'businessHours.week.mon', /list/));
  it('range not a pair', () => expectReason((d) => (d.businessHours.week.mon = [['09:00']]), 'businessHours.week.mon[0]', /pair/));
  it('bad start time', () => expectReason((d) => (d.businessHours.week.mon = [['9:00', '17:00']]), 'businessHours.week.mon[0][0]', /not a time/));
  it('start 24:00 is not allowed', () => expectReason((d) => (d.businessHours.week.mon = [['24:00', '24:00']]), 'businessHours.week.mon[0][0]', /not a time/));
  it('bad end time', () => expectReason((d) => (d.businessHours.week.tue = [['09:00', '24:30']]), 'businessHours.week.tue[0][1]', /not a time/));
  it('start not before end', () => expectReason((d) => (d.businessHours.week.wed = [['13:00', '12:00']]), 'businessHours.week.wed[0]', /before end/));
  it('empty range', () => expectReason((d) => (d.businessHours.week.wed = [['12:00', '12:00']]), 'businessHours.week.wed[0]', /before end/));
  it('overlapping ranges', () =>
    expectReason((d) => (d.businessHours.week.thu = [['09:00', '13:00'], ['12:00', '18:00']]), 'businessHours.week.thu', /09:00-13:00 and 12:00-18:00 overlap/));
  it('holidays not a list', () => expectReason((d) => (d.businessHours.holidays = '2026-01-01'), 'businessHours.holidays', /list/));
  it('invalid holiday date', () => expectReason((d) => (d.businessHours.holidays = ['2026-01-01', '2026-02-30']), 'businessHours.holidays[1]', /not a valid date/));
  it('badly formatted holiday', () => expectReason((d) => (d.businessHours.holidays = ['1/1/2026']), 'businessHours.holidays[0]', /YYYY-MM-DD/));
  it('sla missing', () => expectReason((d) => delete d.sla, 'sla', /required/));
  it('an urgency missing', () => expectReason((d) => delete d.sla.high, 'sla.high', /missing/));
  it('unknown urgency', () => expectReason((d) => (d.sla.critical = { firstResponseSec: 1, nextResponseSec: 1 }), 'sla.critical', /unknown urgency/));
  it('non-positive seconds', () => expectReason((d) => (d.sla.low.firstResponseSec = 0), 'sla.low.firstResponseSec', /positive integer/));
  it('fractional seconds', () => expectReason((d) => (d.sla.normal.nextResponseSec = 1.5), 'sla.normal.nextResponseSec', /positive integer/));
  it('seconds as a string', () => expectReason((d) => (d.sla.urgent.firstResponseSec = '900'), 'sla.urgent.firstResponseSec', /positive integer/));
  it('more than 30 days', () => expectReason((d) => (d.sla.low.nextResponseSec = 31 * 86400), 'sla.low.nextResponseSec', /maximum/));
  it('teams missing or empty', () => {
    expectReason((d) => delete d.teams, 'teams', /non-empty/);
    expectReason((d) => (d.teams = []), 'teams', /non-empty/);
  });
  it('team not an object', () => expectReason((d) => (d.teams[1] = 'support'), 'teams[1]', /object/));
  it('empty team name', () => expectReason((d) => (d.teams[0].name = ' '), 'teams[0].name', /non-empty/));
  it('duplicate team name', () => expectReason((d) => (d.teams[1].name = 'sales'), 'teams[1].name', /duplicate team name "sales"/));
  it('intents not a list', () => expectReason((d) => (d.teams[0].intents = 'pricing'), 'teams[0].intents', /list/));
  it('unknown intent', () => expectReason((d) => (d.teams[0].intents = ['pricing', 'refund']), 'teams[0].intents[1]', /unknown intent "refund"/));
  it('languages empty', () => expectReason((d) => (d.teams[1].languages = []), 'teams[1].languages', /non-empty/));
  it('bad language tag', () => expectReason((d) => (d.teams[1].languages = ['ar', 'english!']), 'teams[1].languages[1]', /language tag/));
  it('bad lead', () => expectReason((d) => (d.teams[0].lead = 42), 'teams[0].lead', /agent id/));
  it('defaultTeam not a team', () => expectReason((d) => (d.defaultTeam = 'billing'), 'defaultTeam', /not one of the teams/));
  it('burstQuietGapSec out of range', () => {
    expectReason((d) => (d.burstQuietGapSec = -1), 'burstQuietGapSec', /0 to 300/);
    expectReason((d) => (d.burstQuietGapSec = 301), 'burstQuietGapSec', /0 to 300/);
    expectReason((d) => (d.burstQuietGapSec = '2'), 'burstQuietGapSec', /0 to 300/);
  });
  it('automation not an object', () => expectReason((d) => (d.automation = true), 'automation', /object/));
  it('acknowledge not a boolean', () => expectReason((d) => (d.automation.acknowledge = 'yes'), 'automation.acknowledge', /true or false/));
  it('texts not an object', () => expectReason((d) => (d.automation.texts = []), 'automation.texts', /object/));
  it('texts kind missing', () => expectReason((d) => delete d.automation.texts.afterHours, 'automation.texts.afterHours', /required/));
  it("texts missing 'ar'", () => expectReason((d) => delete d.automation.texts.ack.ar, 'automation.texts.ack.ar', /must include "ar"/));
  it("texts missing 'en'", () => expectReason((d) => delete d.automation.texts.afterHours.en, 'automation.texts.afterHours.en', /must include "en"/));
  it('empty text', () => expectReason((d) => (d.automation.texts.ack.en = ''), 'automation.texts.ack.en', /non-empty/));
  it('text key not a language', () => expectReason((d) => (d.automation.texts.ack['not a lang'] = 'x'), 'automation.texts.ack.not a lang', /language tag/));
  it('reports all problems at once', () => {
    const reasons = reasonsFor((d) => {
      d.businessHours.timezone = 'Nowhere/City';
      delete d.sla.low;
      d.teams[0].intents = ['nope'];
    });
    expect(reasons).toHaveLength(3);
  });
});

// Typecheck: the type is exported for the callers.
const _typed: RulesDocument = DEFAULT_RULES;
void _typed;
