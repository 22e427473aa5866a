// The outbound webhooks' pure rules: event types, the signature header, the retry schedule.
import { describe, expect, it } from 'vitest';
import { isWebhookEventType, nextAttemptDelaySec, parseSignatureHeader, retryDelaySec, WEBHOOK_EVENT_TYPES } from '../../domain/webhook-events.js';

describe('webhook event types', () => {
  it('knows the contract types and nothing else', () => {
    expect(WEBHOOK_EVENT_TYPES).toContain('conversation.sla_breached');
    expect(isWebhookEventType('follow_up.sent')).toBe(true);
    for (const x of ['follow_up', 'Conversation.closed', '', null, 42]) expect(isWebhookEventType(x)).toBe(false);
  });
});

describe('signature header', () => {
  const v1 = 'a'.repeat(64);
  it('reads t and v1 in any order, with spaces', () => {
    expect(parseSignatureHeader(`t=1796234500,v1=${v1}`)).toEqual({ t: 1796234500, v1 });
    expect(parseSignatureHeader(` v1=${v1} , t=17`)).toEqual({ t: 17, v1 });
  });
  it.each(['', 't=1', `v1=${v1}`, `t=abc,v1=${v1}`, 't=1,v1=xyz', `t=1.5,v1=${v1}`])('%j is not a signature', (h) => {
    expect(parseSignatureHeader(h)).toBeNull();
  });
});

describe('retry schedule', () => {
  const retry = { initialSec: 10, maxSec: 600, forSec: 24 * 3600 };
  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => retryDelaySec(a, 10, 600))).toEqual([10, 20, 40, 80, 160, 320, 600, 600]);
  });
  it('gives up when the next attempt would fall outside the window', () => {
    expect(nextAttemptDelaySec(1, 0, retry)).toBe(10);
    expect(nextAttemptDelaySec(50, 24 * 3600 - 600, retry)).toBe(600);
    expect(nextAttemptDelaySec(50, 24 * 3600 - 599, retry)).toBeNull();
  });
  it('a receiver down for an hour is tried again within 10 minutes of coming back', () => {
    // Attempts at the cumulative delays: the gap after any point never exceeds maxSec.
    let t = 0;
    let attempt = 1;
    const times = [0];
    while (t < 3600) {
      t += nextAttemptDelaySec(attempt++, t, retry)!;
      times.push(t);
    }
    const gaps = times.slice(1).map((x, i) => x - times[i]!);
    expect(Math.max(...gaps)).toBe(600);
  });
});
