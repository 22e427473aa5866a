// `npm run --silent plan-followup`: the follow-up policy as a command (CONTRACT.md). JSON lines in,
// one situation each: { now, timezone, lastInboundAt, lastOutboundAt, history, replyLatenciesSec,
// attemptsSoFar, rules?, paused?, optedOut?, ownerIsHuman? } -> one plan per line out:
// { action, at?, channel?, silence, reason }. The same pure functions the workflow calls.
import { isValidTimeZone, validateFollowUp } from '../domain/rules.js';
import { planFollowUp, type FollowUpSituation } from '../workflows/policy/follow-up.js';
import { jsonLinesMain } from './json-lines.js';

const isIso = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));

export function situationOf(v: Record<string, unknown>): FollowUpSituation | { error: string } {
  if (!isIso(v.now)) return { error: '"now" must be an ISO-8601 time' };
  if (!isValidTimeZone(v.timezone)) return { error: '"timezone" must be an IANA time zone like "Asia/Riyadh"' };
  for (const k of ['lastInboundAt', 'lastOutboundAt'] as const) {
    if (v[k] !== undefined && v[k] !== null && !isIso(v[k])) return { error: `"${k}" must be an ISO-8601 time or null` };
  }
  const history = v.history ?? [];
  if (!Array.isArray(history) || history.length > 500) return { error: '"history" must be a list (at most 500) of { direction: "in"|"out", at, text, intent? }' };
  for (const [i, h] of history.entries()) {
    if (!h || typeof h !== 'object' || (h.direction !== 'in' && h.direction !== 'out') || !isIso(h.at) || (h.text !== null && h.text !== undefined && typeof h.text !== 'string')) {
      return { error: `"history[${i}]" must be { direction: "in"|"out", at: ISO time, text: string|null, intent?: string }` };
    }
  }
  const lat = v.replyLatenciesSec ?? [];
  if (!Array.isArray(lat) || lat.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x < 0)) return { error: '"replyLatenciesSec" must be a list of seconds' };
  const attempts = v.attemptsSoFar ?? 0;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 0) return { error: '"attemptsSoFar" must be a whole number' };
  let rules;
  if (v.rules !== undefined && v.rules !== null) {
    const r = validateFollowUp(v.rules, undefined, 'rules');
    if (!r.ok) return { error: r.reasons.join('; ') };
    rules = r.rules;
  }
  return {
    now: v.now as string,
    timezone: v.timezone as string,
    lastInboundAt: (v.lastInboundAt as string | null | undefined) ?? null,
    lastOutboundAt: (v.lastOutboundAt as string | null | undefined) ?? null,
    history: history.map((h) => ({ direction: h.direction, at: h.at, text: h.text ?? null, ...(typeof h.intent === 'string' ? { intent: h.intent } : {}) })),
    replyLatenciesSec: lat as number[],
    attemptsSoFar: attempts,
    ...(rules ? { rules } : {}),
    paused: v.paused === true,
    optedOut: v.optedOut === true,
    ownerIsHuman: v.ownerIsHuman === true,
    ...(v.lastOutboundRead === true ? { lastOutboundRead: true } : {}),
  };
}

jsonLinesMain('plan-followup', (v) => {
  const s = situationOf(v);
  return 'error' in s ? s : planFollowUp(s);
});
