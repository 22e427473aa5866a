// The global rules document (business hours, SLAs, teams, automation texts): types, defaults and
// validation. Pure and deterministic (bundled into workflow code).
//
// Defaults filled by `validateRules` for optional parts:
//   - `businessHours.holidays`: []            - a weekday missing from `week`: closed that day
//   - `burstQuietGapSec`: 2 (CONTRACT default) - `defaultTeam`: left unset, meaning the first team
//   - `automation`: DEFAULT_RULES.automation;  `automation.acknowledge`: true; `automation.markReadOnOpen`: false;
//     `automation.texts`: the default texts (when given, both `ack` and `afterHours` need 'en' and 'ar')
// Unknown top-level keys (e.g. `version` echoed back from GET /rules) are dropped, not rejected.
// Ranges of a day are returned sorted by start.
import { INTENTS, REQUIRED_TEXT_LANGUAGES, URGENCIES, isLanguageTag, type Urgency } from './vocabulary.js';

export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface BusinessHours {
  /** IANA time zone, e.g. 'Asia/Riyadh'. */
  timezone: string;
  /** Open ranges per local weekday, 'HH:MM' (end '24:00' allowed). A missing day is closed. */
  week: Partial<Record<Weekday, [string, string][]>>;
  /** 'YYYY-MM-DD' in `timezone`: the whole local day is closed. */
  holidays?: string[];
}

export interface TeamRule {
  name: string;
  intents: string[];
  languages: string[];
  /** Agent id of the team's lead (escalation target). */
  lead?: string;
}

export interface RulesDocument {
  businessHours: BusinessHours;
  sla: Record<Urgency, { firstResponseSec: number; nextResponseSec: number }>;
  teams: TeamRule[];
  /** Team for intents no team lists; defaults to the first team. */
  defaultTeam?: string;
  /** Quiet gap after an inbound message before deciding on the burst (default 2). */
  burstQuietGapSec: number;
  automation: {
    acknowledge: boolean;
    /** Mark the buyer's messages read on WhatsApp when an agent opens the conversation (default false: only when one replies). */
    markReadOnOpen: boolean;
    /** Answers from the knowledge base (default on, at the matcher's calibrated 0.6). Stored documents from before it: the defaults. */
    answer?: { enabled: boolean; minConfidence: number };
    /** Keys: language tags, at least 'en' and 'ar'. Placeholder {eta}. `followUp`: the free-form nudge. */
    texts: { ack: Record<string, string>; afterHours: Record<string, string>; followUp?: Record<string, string> };
  };
  /** Adaptive follow-ups (step 5): when the buyer goes silent after our reply. */
  followUp: FollowUpRules;
  /** Deal stages moved by what buyers say (step 6). Stored documents from before it: the defaults. */
  deals?: DealStageRules;
}

export interface DealStageRules {
  /** The open stages in order: a signal only ever moves a deal forward along it. */
  pipeline: string[];
  /** Intent -> the stage it proposes: "next" (the one after the deal's) or a stage of the pipeline. */
  signals: Partial<Record<string, string>>;
  /** true: a person confirms each proposal; false: it applies at once (and stays reversible). */
  confirm: boolean;
}

export const MAX_PIPELINE_STAGES = 20;

export interface FollowUpRules {
  enabled: boolean;
  maxAttempts: number;
  /** Bounds of a learned delay (a time the buyer stated is not bound by them). */
  minDelaySec: number;
  maxDelaySec: number;
  /** Local 'HH:MM' in the buyer's time zone; nothing automated is sent inside (it wraps midnight). */
  quietHours: { start: string; end: string };
  /** Learned timings land on business days (days the business hours open, not holidays). */
  businessDaysOnly: boolean;
  /** An approved template for after the 24-hour window; null: no send outside it. */
  template: { name: string; language: string } | null;
  /** A conversation a person owns gets a reminder to them instead of a send, unless this is on. */
  automaticWhenOwned: boolean;
}

/**
 * Frozen all the way down: these defaults are shared by every workflow in a worker thread (the
 * worker preloads the policy modules once), so a change by one would leak into the others.
 */
function deepFrozen<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFrozen(v);
  }
  return value;
}

/** CONTRACT.md defaults. */
export const DEFAULT_FOLLOW_UP: FollowUpRules = deepFrozen({
  enabled: true,
  maxAttempts: 3,
  minDelaySec: 1800,
  maxDelaySec: 259200,
  quietHours: { start: '22:00', end: '08:00' },
  businessDaysOnly: false,
  template: null,
  automaticWhenOwned: false,
});

export const DEFAULT_DEAL_STAGES: DealStageRules = deepFrozen({
  pipeline: ['new', 'qualified', 'proposal', 'negotiation', 'closing'],
  signals: { order: 'next' },
  confirm: true,
});

/** The deal stage rules in force (a document stored before they existed: the defaults). */
export function dealStageRules(doc: Pick<RulesDocument, 'deals'> | undefined): DealStageRules {
  return doc?.deals ?? DEFAULT_DEAL_STAGES;
}

export const DEFAULT_FOLLOW_UP_TEXTS: Record<string, string> = deepFrozen({
  en: 'Hi! Just checking in: is there anything else you would like to know?',
  ar: 'مرحباً! نطمئن عليك: هل هناك أي شيء آخر تود معرفته؟',
});

const H = 3600;

export const DEFAULT_RULES: RulesDocument = deepFrozen({
  businessHours: {
    timezone: 'Asia/Riyadh',
    week: {
      sun: [['09:00', '17:00']],
      mon: [['09:00', '17:00']],
      tue: [['09:00', '17:00']],
      wed: [['09:00', '17:00']],
      thu: [['09:00', '17:00']],
    },
    holidays: [],
  },
  sla: {
    urgent: { firstResponseSec: 15 * 60, nextResponseSec: 15 * 60 },
    high: { firstResponseSec: 1 * H, nextResponseSec: 1 * H },
    normal: { firstResponseSec: 4 * H, nextResponseSec: 4 * H },
    low: { firstResponseSec: 24 * H, nextResponseSec: 24 * H },
  },
  teams: [
    { name: 'sales', intents: ['greeting', 'question', 'pricing', 'order'], languages: ['ar', 'en'] },
    { name: 'support', intents: ['support', 'complaint'], languages: ['ar', 'en'] },
  ],
  burstQuietGapSec: 2,
  followUp: DEFAULT_FOLLOW_UP,
  deals: DEFAULT_DEAL_STAGES,
  automation: {
    acknowledge: true,
    markReadOnOpen: false,
    answer: { enabled: true, minConfidence: 0.6 },
    texts: {
      ack: {
        en: 'Thanks for your message! A member of our team will reply {eta}.',
        ar: 'شكراً لرسالتك! سيرد عليك أحد أعضاء فريقنا {eta}.',
      },
      afterHours: {
        en: "Thanks for your message. We're closed now; we'll reply when we open {eta}.",
        ar: 'شكراً لرسالتك. نحن خارج ساعات العمل الآن؛ سنرد عليك عند بدء الدوام {eta}.',
      },
    },
  },
});

/** Longest SLA accepted: 30 days. */
export const MAX_SLA_SEC = 30 * 24 * H;
export const MAX_BURST_QUIET_GAP_SEC = 300;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes since local midnight of 'HH:MM' ('24:00' -> 1440). Assumes a validated value. */
export function timeToMinutes(t: string): number {
  return Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
}

export function isValidTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function isValidDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Bounds of the document's strings and lists (CONTRACT.md: every string has a maxLength). */
export const MAX_TEAM_NAME = 200;
export const MAX_AUTOMATION_TEXT = 4096;
const MAX_TEAMS = 100;

export function validateRules(doc: unknown): { ok: true; rules: RulesDocument } | { ok: false; reasons: string[] } {
  const reasons: string[] = [];
  const bad = (path: string, problem: string) => reasons.push(`${path}: ${problem}`);
  if (!isObj(doc)) return { ok: false, reasons: ['(root): must be an object'] };

  // businessHours
  let businessHours: BusinessHours = { timezone: 'UTC', week: {}, holidays: [] };
  const bh = doc.businessHours;
  if (!isObj(bh)) bad('businessHours', 'required object');
  else {
    let timezone = 'UTC';
    if (!isValidTimeZone(bh.timezone)) bad('businessHours.timezone', `not a valid IANA time zone: ${JSON.stringify(bh.timezone)}`);
    else timezone = new Intl.DateTimeFormat('en-US', { timeZone: bh.timezone }).resolvedOptions().timeZone;

    const week: Partial<Record<Weekday, [string, string][]>> = {};
    if (!isObj(bh.week)) bad('businessHours.week', 'required object of weekday -> [["HH:MM","HH:MM"], ...]');
    else {
      for (const key of Object.keys(bh.week)) {
        const path = `businessHours.week.${key}`;
        if (!(WEEKDAYS as readonly string[]).includes(key)) {
          bad(path, `unknown weekday (use ${WEEKDAYS.join(', ')})`);
          continue;
        }
        const ranges = bh.week[key];
        if (!Array.isArray(ranges)) {
          bad(path, 'must be a list of ["HH:MM","HH:MM"] ranges');
          continue;
        }
        const good: [string, string][] = [];
        ranges.forEach((r: unknown, i: number) => {
          const p = `${path}[${i}]`;
          if (!Array.isArray(r) || r.length !== 2) return bad(p, 'must be a pair ["HH:MM","HH:MM"]');
          const [s, e] = r as unknown[];
          const startOk = typeof s === 'string' && TIME.test(s);
          const endOk = typeof e === 'string' && (TIME.test(e) || e === '24:00');
          if (!startOk) bad(`${p}[0]`, `start ${JSON.stringify(s)} is not a time HH:MM (00:00-23:59)`);
          if (!endOk) bad(`${p}[1]`, `end ${JSON.stringify(e)} is not a time HH:MM (00:00-24:00)`);
          if (!startOk || !endOk) return;
          if (timeToMinutes(s as string) >= timeToMinutes(e as string)) return bad(p, `start ${s} must be before end ${e}`);
          good.push([s as string, e as string]);
        });
        good.sort((a, b) => timeToMinutes(a[0]) - timeToMinutes(b[0]));
        for (let i = 1; i < good.length; i++) {
          const prev = good[i - 1]!, cur = good[i]!;
          if (timeToMinutes(cur[0]) < timeToMinutes(prev[1])) bad(path, `ranges ${prev[0]}-${prev[1]} and ${cur[0]}-${cur[1]} overlap`);
        }
        week[key as Weekday] = good;
      }
    }

    const holidays: string[] = [];
    if (bh.holidays !== undefined) {
      if (!Array.isArray(bh.holidays)) bad('businessHours.holidays', 'must be a list of YYYY-MM-DD dates');
      else
        bh.holidays.forEach((h: unknown, i: number) => {
          if (!isValidDate(h)) bad(`businessHours.holidays[${i}]`, `${JSON.stringify(h)} is not a valid date YYYY-MM-DD`);
          else holidays.push(h);
        });
    }
    businessHours = { timezone, week, holidays };
  }

  // sla
  const sla = {} as RulesDocument['sla'];
  if (!isObj(doc.sla)) bad('sla', 'required object with low, normal, high, urgent');
  else {
    for (const u of URGENCIES) {
      const v = doc.sla[u];
      if (!isObj(v)) {
        bad(`sla.${u}`, 'missing: needs { firstResponseSec, nextResponseSec }');
        continue;
      }
      for (const f of ['firstResponseSec', 'nextResponseSec'] as const) {
        if (!isPosInt(v[f])) bad(`sla.${u}.${f}`, `must be a positive integer of seconds, got ${JSON.stringify(v[f])}`);
        else if (v[f] > MAX_SLA_SEC) bad(`sla.${u}.${f}`, `${v[f]} s is more than the maximum ${MAX_SLA_SEC} s (30 days)`);
      }
      sla[u] = { firstResponseSec: v.firstResponseSec as number, nextResponseSec: v.nextResponseSec as number };
    }
    for (const k of Object.keys(doc.sla)) if (!(URGENCIES as readonly string[]).includes(k)) bad(`sla.${k}`, 'unknown urgency (use low, normal, high, urgent)');
  }

  // teams
  const teams: TeamRule[] = [];
  if (!Array.isArray(doc.teams) || doc.teams.length === 0) bad('teams', 'required non-empty list of teams');
  else if (doc.teams.length > MAX_TEAMS) bad('teams', `at most ${MAX_TEAMS} teams`);
  else {
    const seen = new Set<string>();
    doc.teams.forEach((t: unknown, i: number) => {
      const p = `teams[${i}]`;
      if (!isObj(t)) return bad(p, 'must be an object { name, intents, languages, lead? }');
      const name = typeof t.name === 'string' ? t.name.trim() : '';
      if (!name) bad(`${p}.name`, 'required non-empty string');
      else if (name.length > MAX_TEAM_NAME) bad(`${p}.name`, `longer than ${MAX_TEAM_NAME} characters`);
      else if (seen.has(name)) bad(`${p}.name`, `duplicate team name "${name}"`);
      seen.add(name);
      const intents: string[] = [];
      if (!Array.isArray(t.intents)) bad(`${p}.intents`, 'must be a list of intents');
      else
        t.intents.forEach((x: unknown, j: number) => {
          if (typeof x !== 'string' || !(INTENTS as readonly string[]).includes(x)) bad(`${p}.intents[${j}]`, `unknown intent ${JSON.stringify(x)} (use ${INTENTS.join(', ')})`);
          else intents.push(x);
        });
      const languages: string[] = [];
      if (!Array.isArray(t.languages) || t.languages.length === 0) bad(`${p}.languages`, 'required non-empty list of language tags');
      else
        t.languages.forEach((x: unknown, j: number) => {
          if (!isLanguageTag(x)) bad(`${p}.languages[${j}]`, `${JSON.stringify(x)} is not a language tag like "ar" or "en-GB"`);
          else languages.push(x);
        });
      const team: TeamRule = { name, intents, languages };
      if (t.lead !== undefined && t.lead !== null) {
        if (typeof t.lead !== 'string' || t.lead.trim() === '' || t.lead.length > 64) bad(`${p}.lead`, 'must be an agent id');
        else team.lead = t.lead;
      }
      teams.push(team);
    });
  }

  let defaultTeam: string | undefined;
  if (doc.defaultTeam !== undefined && doc.defaultTeam !== null) {
    if (typeof doc.defaultTeam !== 'string' || !teams.some((t) => t.name === doc.defaultTeam)) bad('defaultTeam', `${JSON.stringify(doc.defaultTeam)} is not one of the teams`);
    else defaultTeam = doc.defaultTeam;
  }

  let burstQuietGapSec = 2;
  if (doc.burstQuietGapSec !== undefined) {
    const g = doc.burstQuietGapSec;
    if (typeof g !== 'number' || !Number.isFinite(g) || g < 0 || g > MAX_BURST_QUIET_GAP_SEC) bad('burstQuietGapSec', `must be a number of seconds from 0 to ${MAX_BURST_QUIET_GAP_SEC}, got ${JSON.stringify(g)}`);
    else burstQuietGapSec = g;
  }

  let automation: RulesDocument['automation'] = copyAutomation(DEFAULT_RULES.automation);
  if (doc.automation !== undefined) {
    const a = doc.automation;
    if (!isObj(a)) bad('automation', 'must be an object { acknowledge, texts }');
    else {
      if (a.acknowledge !== undefined && typeof a.acknowledge !== 'boolean') bad('automation.acknowledge', 'must be true or false');
      else if (typeof a.acknowledge === 'boolean') automation.acknowledge = a.acknowledge;
      if (a.markReadOnOpen !== undefined && typeof a.markReadOnOpen !== 'boolean') bad('automation.markReadOnOpen', 'must be true or false');
      else if (typeof a.markReadOnOpen === 'boolean') automation.markReadOnOpen = a.markReadOnOpen;
      if (a.answer !== undefined) {
        const ans = a.answer;
        if (!isObj(ans)) bad('automation.answer', 'must be an object { enabled, minConfidence }');
        else {
          const next = { ...answerRules(automation) };
          if (ans.enabled !== undefined && typeof ans.enabled !== 'boolean') bad('automation.answer.enabled', 'must be true or false');
          else if (typeof ans.enabled === 'boolean') next.enabled = ans.enabled;
          if (ans.minConfidence !== undefined && (typeof ans.minConfidence !== 'number' || !Number.isFinite(ans.minConfidence) || ans.minConfidence < 0 || ans.minConfidence > 1)) {
            bad('automation.answer.minConfidence', `must be a number from 0 to 1, got ${JSON.stringify(ans.minConfidence)}`);
          } else if (typeof ans.minConfidence === 'number') next.minConfidence = ans.minConfidence;
          for (const k of Object.keys(ans)) if (k !== 'enabled' && k !== 'minConfidence') bad(`automation.answer.${k}`, 'unknown field (answer has enabled, minConfidence)');
          automation.answer = next;
        }
      }
      if (a.texts !== undefined) {
        if (!isObj(a.texts)) bad('automation.texts', 'must be an object { ack, afterHours }');
        else
          for (const kind of ['ack', 'afterHours'] as const) {
            const p = `automation.texts.${kind}`;
            const texts = a.texts[kind];
            if (!isObj(texts)) {
              bad(p, 'required object of language -> text');
              continue;
            }
            const out: Record<string, string> = {};
            for (const [lang, text] of Object.entries(texts)) {
              if (!isLanguageTag(lang)) bad(`${p}.${lang}`, 'key is not a language tag');
              else if (typeof text !== 'string' || text.trim() === '') bad(`${p}.${lang}`, 'must be a non-empty text');
              else if (text.length > MAX_AUTOMATION_TEXT) bad(`${p}.${lang}`, `longer than ${MAX_AUTOMATION_TEXT} characters (WhatsApp's limit for a text is 4096)`);
              else out[lang] = text;
            }
            for (const need of REQUIRED_TEXT_LANGUAGES) if (!(need in texts)) bad(`${p}.${need}`, `missing: texts must include "${need}"`);
            automation.texts[kind] = out;
          }
      }
    }
  }

  let followUp: FollowUpRules = DEFAULT_FOLLOW_UP;
  if (doc.followUp !== undefined) {
    const f = validateFollowUp(doc.followUp);
    if (f.ok) followUp = f.rules;
    else reasons.push(...f.reasons);
  }
  if (isObj(doc.automation) && isObj(doc.automation.texts) && doc.automation.texts.followUp !== undefined) {
    const texts = doc.automation.texts.followUp;
    if (!isObj(texts)) bad('automation.texts.followUp', 'must be an object of language -> text');
    else {
      const out: Record<string, string> = {};
      for (const [lang, text] of Object.entries(texts)) {
        if (!isLanguageTag(lang)) bad(`automation.texts.followUp.${lang}`, 'key is not a language tag');
        else if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_AUTOMATION_TEXT) bad(`automation.texts.followUp.${lang}`, `must be a non-empty text of at most ${MAX_AUTOMATION_TEXT} characters`);
        else out[lang] = text;
      }
      automation.texts.followUp = out;
    }
  }

  let deals: DealStageRules = { pipeline: [...DEFAULT_DEAL_STAGES.pipeline], signals: { ...DEFAULT_DEAL_STAGES.signals }, confirm: DEFAULT_DEAL_STAGES.confirm };
  if (doc.deals !== undefined) {
    const d = validateDealStages(doc.deals);
    if (d.ok) deals = d.rules;
    else reasons.push(...d.reasons);
  }

  if (reasons.length) return { ok: false, reasons };
  const rules: RulesDocument = { businessHours, sla, teams, burstQuietGapSec, automation, followUp, deals };
  if (defaultTeam !== undefined) rules.defaultTeam = defaultTeam;
  return { ok: true, rules };
}

/** The answer rules in force (a document stored before they existed: the defaults). */
export function answerRules(a: Pick<RulesDocument['automation'], 'answer'> | undefined): { enabled: boolean; minConfidence: number } {
  return a?.answer ?? { enabled: true, minConfidence: 0.6 };
}

function copyAutomation(a: RulesDocument['automation']): RulesDocument['automation'] {
  return {
    acknowledge: a.acknowledge,
    markReadOnOpen: a.markReadOnOpen,
    answer: { ...answerRules(a) },
    texts: { ack: { ...a.texts.ack }, afterHours: { ...a.texts.afterHours }, ...(a.texts.followUp ? { followUp: { ...a.texts.followUp } } : {}) },
  };
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const MAX_FOLLOW_UP_ATTEMPTS = 10;
export const MAX_FOLLOW_UP_DELAY_SEC = 30 * 24 * H;

/**
 * The `followUp` part (global, or one conversation's own through PUT .../follow-up-rules): missing
 * fields take the defaults (`base`, the global part for a conversation's own); reasons name the field.
 */
export function validateFollowUp(doc: unknown, base: FollowUpRules = DEFAULT_FOLLOW_UP, prefix = 'followUp'): { ok: true; rules: FollowUpRules } | { ok: false; reasons: string[] } {
  const reasons: string[] = [];
  const bad = (path: string, problem: string) => reasons.push(`${prefix}.${path}: ${problem}`);
  if (!isObj(doc)) return { ok: false, reasons: [`${prefix}: must be an object { enabled, maxAttempts, minDelaySec, maxDelaySec, quietHours, businessDaysOnly, template, automaticWhenOwned }`] };
  const out: FollowUpRules = { ...base, quietHours: { ...base.quietHours }, template: base.template ? { ...base.template } : null };
  const bool = (k: 'enabled' | 'businessDaysOnly' | 'automaticWhenOwned') => {
    if (doc[k] === undefined) return;
    if (typeof doc[k] !== 'boolean') bad(k, 'must be true or false');
    else out[k] = doc[k] as boolean;
  };
  bool('enabled');
  bool('businessDaysOnly');
  bool('automaticWhenOwned');
  if (doc.maxAttempts !== undefined) {
    const v = doc.maxAttempts;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_FOLLOW_UP_ATTEMPTS) bad('maxAttempts', `must be an integer from 0 to ${MAX_FOLLOW_UP_ATTEMPTS}, got ${JSON.stringify(v)}`);
    else out.maxAttempts = v;
  }
  for (const k of ['minDelaySec', 'maxDelaySec'] as const) {
    if (doc[k] === undefined) continue;
    const v = doc[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 60 || v > MAX_FOLLOW_UP_DELAY_SEC) bad(k, `must be an integer of seconds from 60 to ${MAX_FOLLOW_UP_DELAY_SEC}, got ${JSON.stringify(v)}`);
    else out[k] = v;
  }
  if (out.minDelaySec > out.maxDelaySec) bad('minDelaySec', `must not exceed maxDelaySec (${out.minDelaySec} > ${out.maxDelaySec})`);
  if (doc.quietHours !== undefined) {
    const q = doc.quietHours;
    if (q === null) out.quietHours = { start: '00:00', end: '00:00' };
    else if (!isObj(q)) bad('quietHours', 'must be { start: "HH:MM", end: "HH:MM" } or null');
    else {
      for (const k of ['start', 'end'] as const) {
        if (q[k] === undefined) continue;
        if (typeof q[k] !== 'string' || !HHMM.test(q[k] as string)) bad(`quietHours.${k}`, `must be a time HH:MM, got ${JSON.stringify(q[k])}`);
        else out.quietHours[k] = q[k] as string;
      }
    }
  }
  if (doc.template !== undefined) {
    const t = doc.template;
    if (t === null) out.template = null;
    else if (!isObj(t) || typeof t.name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(t.name) || typeof t.language !== 'string' || !/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$/.test(t.language)) {
      bad('template', 'must be { name: an approved template name (lower case, digits, _), language: its language code like "en_US" or "ar" } or null');
    } else out.template = { name: t.name, language: t.language };
  }
  return reasons.length ? { ok: false, reasons } : { ok: true, rules: out };
}

/** The `deals` part: missing fields take the defaults; a signal must name "next" or a stage of the pipeline. */
export function validateDealStages(doc: unknown): { ok: true; rules: DealStageRules } | { ok: false; reasons: string[] } {
  const reasons: string[] = [];
  const bad = (path: string, problem: string) => reasons.push(`deals.${path}: ${problem}`);
  if (!isObj(doc)) return { ok: false, reasons: ['deals: must be an object { pipeline, signals, confirm }'] };
  const out: DealStageRules = { pipeline: [...DEFAULT_DEAL_STAGES.pipeline], signals: { ...DEFAULT_DEAL_STAGES.signals }, confirm: DEFAULT_DEAL_STAGES.confirm };
  for (const k of Object.keys(doc)) if (!['pipeline', 'signals', 'confirm'].includes(k)) bad(k, 'unknown field (deals has pipeline, signals, confirm)');
  if (doc.pipeline !== undefined) {
    const p = doc.pipeline;
    if (!Array.isArray(p) || p.length < 2 || p.length > MAX_PIPELINE_STAGES) bad('pipeline', `must be a list of 2 to ${MAX_PIPELINE_STAGES} stage names in order`);
    else if (p.some((x) => typeof x !== 'string' || x.trim() === '' || x.length > 100)) bad('pipeline', 'each stage must be a non-empty text of at most 100 characters');
    else if (new Set(p).size !== p.length) bad('pipeline', 'stages must be distinct');
    else out.pipeline = [...(p as string[])];
  }
  if (doc.signals !== undefined) {
    const sig = doc.signals;
    if (!isObj(sig)) bad('signals', 'must be an object of intent -> "next" or a stage of the pipeline');
    else {
      out.signals = {};
      for (const [intent, to] of Object.entries(sig)) {
        if (!(INTENTS as readonly string[]).includes(intent)) bad(`signals.${intent}`, `not an intent (one of ${INTENTS.join(', ')})`);
        else if (typeof to !== 'string' || (to !== 'next' && !out.pipeline.includes(to))) bad(`signals.${intent}`, `must be "next" or a stage of the pipeline (${out.pipeline.join(', ')}), got ${JSON.stringify(to)}`);
        else out.signals[intent] = to;
      }
    }
  }
  if (doc.confirm !== undefined) {
    if (typeof doc.confirm !== 'boolean') bad('confirm', 'must be true (a person confirms) or false (applies at once)');
    else out.confirm = doc.confirm;
  }
  return reasons.length ? { ok: false, reasons } : { ok: true, rules: out };
}
