// The outbound event types other systems may subscribe to (CONTRACT.md, "Feedback, analytics, events").
// Each is written by a database trigger in the transaction of the change (db/migrations/0014).
export const WEBHOOK_EVENT_TYPES = [
  'conversation.assigned',
  'conversation.sla_breached',
  'conversation.closed',
  'follow_up.sent',
  'deal.stage_proposed',
  'contact.merged',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(x: unknown): x is WebhookEventType {
  return typeof x === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(x);
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`: the header each delivery carries. */
export interface SignatureParts {
  t: number;
  v1: string;
}

export function parseSignatureHeader(header: string): SignatureParts | null {
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) return null;
  return { t, v1: parts.v1! };
}

/** Delay before attempt `attempt + 1` (1-based attempts): doubling from `initialSec`, at most `maxSec`. */
export function retryDelaySec(attempt: number, initialSec: number, maxSec: number): number {
  return Math.min(maxSec, initialSec * 2 ** Math.max(0, attempt - 1));
}

/**
 * After failed attempt `attempt`, `elapsedSec` after the first: how long to wait before the next,
 * or null to give up (the next attempt would fall outside the `forSec` window).
 */
export function nextAttemptDelaySec(attempt: number, elapsedSec: number, retry: { initialSec: number; maxSec: number; forSec: number }): number | null {
  const delay = retryDelaySec(attempt, retry.initialSec, retry.maxSec);
  return elapsedSec + delay > retry.forSec ? null : delay;
}
