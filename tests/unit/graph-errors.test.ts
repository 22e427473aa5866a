// Graph API error answers -> retryable or typed non-retryable errors (Meta's error-code reference),
// and the Temporal failures the send activity makes of them.
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import {
  classifyGraphError,
  GraphError,
  graphFailureDetails,
  httpStatusForCode,
  invalidInput,
  networkError,
  NON_RETRYABLE_TYPES,
  parseRetryAfter,
  retryDelayFromHeaders,
  toGraphError,
} from '../../whatsapp/graph-errors.js';
import { messagePayloadProblems } from '../../whatsapp/graph-client.js';
import { graphFailure } from '../../activities/outbox-send.js';

const graphError = (code: number, extra: Record<string, unknown> = {}) => ({
  error: {
    message: `(#${code}) something`,
    type: 'OAuthException',
    code,
    error_data: { messaging_product: 'whatsapp', details: `details of ${code}` },
    fbtrace_id: 'AbCdEf123',
    ...extra,
  },
});

// [code, http status Meta answers with, retryable, type]
const TABLE: [number, number, boolean, string][] = [
  [130429, 400, true, 'WhatsAppRetryable'],
  [131056, 400, true, 'WhatsAppRetryable'],
  [131048, 400, true, 'WhatsAppRetryable'],
  [4, 400, true, 'WhatsAppRetryable'],
  [80007, 400, true, 'WhatsAppRetryable'],
  [131000, 500, true, 'WhatsAppRetryable'],
  [1, 400, true, 'WhatsAppRetryable'],
  [2, 503, true, 'WhatsAppRetryable'],
  [131016, 500, true, 'WhatsAppRetryable'],
  [133004, 503, true, 'WhatsAppRetryable'],
  [131047, 400, false, 'OutsideCustomerServiceWindow'],
  [131026, 400, false, 'Undeliverable'],
  [100, 400, false, 'InvalidParameter'],
  [131008, 400, false, 'InvalidParameter'],
  [131009, 400, false, 'InvalidParameter'],
  [33, 400, false, 'InvalidParameter'],
  [131051, 400, false, 'UnsupportedMessageType'],
  [131050, 400, false, 'RecipientOptedOut'],
  [131049, 400, false, 'EcosystemLimit'],
  [131030, 400, false, 'RecipientNotAllowed'],
  [131062, 400, false, 'UnsupportedRecipient'],
  [132000, 400, false, 'TemplateError'],
  [132001, 400, false, 'TemplateError'],
  [132012, 400, false, 'TemplateError'],
  [132015, 400, false, 'TemplateError'],
  [132016, 400, false, 'TemplateError'],
  [132010, 400, false, 'TemplateError'], // inside the 132000-132016 range, not listed one by one
  [190, 401, false, 'AuthError'],
  [0, 401, false, 'AuthError'],
  [10, 403, false, 'AuthError'],
  [200, 403, false, 'AuthError'],
  [299, 403, false, 'AuthError'],
  [131005, 403, false, 'AuthError'],
  [368, 403, false, 'PolicyBlocked'],
  [131031, 403, false, 'AccountError'],
  [131052, 400, false, 'MediaError'],
  [132069, 400, false, 'FlowError'],
];

describe('classifyGraphError: the code decides', () => {
  it.each(TABLE)('code %i (HTTP %i) -> retryable %s, type %s', (code, http, retryable, type) => {
    const c = classifyGraphError(http, graphError(code));
    expect(c).toMatchObject({ retryable, code, type, httpStatus: http, details: `details of ${code}`, fbtraceId: 'AbCdEf123' });
    expect(c.message).toContain(String(code));
    expect(c.message).toContain(`details of ${code}`);
    expect(httpStatusForCode(code)).toBe(http);
  });

  it('keeps the subcode and takes the code from a string', () => {
    const c = classifyGraphError(401, { error: { message: 'expired', type: 'OAuthException', code: '190', error_subcode: 463 } });
    expect(c).toMatchObject({ code: 190, subcode: 463, type: 'AuthError', retryable: false });
  });

  it('a known code wins over the HTTP status', () => {
    expect(classifyGraphError(500, graphError(131047))).toMatchObject({ retryable: false, type: 'OutsideCustomerServiceWindow' });
    expect(classifyGraphError(400, graphError(131000))).toMatchObject({ retryable: true, reason: 'service' });
    expect(classifyGraphError(400, graphError(130429))).toMatchObject({ retryable: true, reason: 'rate_limit' });
  });
});

describe('classifyGraphError: unknown codes and bodies fall back on the HTTP status', () => {
  it.each([
    [500, true, 'WhatsAppRetryable'],
    [502, true, 'WhatsAppRetryable'],
    [503, true, 'WhatsAppRetryable'],
    [429, true, 'WhatsAppRetryable'],
    [408, true, 'WhatsAppRetryable'],
    [401, false, 'AuthError'],
    [403, false, 'AuthError'],
    [400, false, 'WhatsAppNonRetryable'],
    [404, false, 'WhatsAppNonRetryable'],
  ] as const)('HTTP %i, unknown code -> retryable %s, %s', (http, retryable, type) => {
    expect(classifyGraphError(http, graphError(987654))).toMatchObject({ retryable, type, code: 987654 });
    expect(classifyGraphError(http, '<html>Bad gateway</html>')).toMatchObject({ retryable, type, code: null });
    expect(classifyGraphError(http, undefined)).toMatchObject({ retryable, type, code: null });
  });

  it('parses a JSON body given as text', () => {
    expect(classifyGraphError(400, JSON.stringify(graphError(131047)))).toMatchObject({ code: 131047, type: 'OutsideCustomerServiceWindow' });
  });

  it('says what the text body said', () => {
    expect(classifyGraphError(502, 'upstream connect error').message).toBe('WhatsApp HTTP 502: upstream connect error');
  });
});

describe('toGraphError: plain typed errors (no Temporal in whatsapp/)', () => {
  it('non-retryable with a specific type and the code in the details', () => {
    const e = toGraphError(400, graphError(131047));
    expect(e).toBeInstanceOf(GraphError);
    expect(e).not.toBeInstanceOf(ApplicationFailure);
    expect(e).toMatchObject({ name: 'GraphError', type: 'OutsideCustomerServiceWindow', code: 131047, retryable: false });
    expect(e.details).toMatchObject({ code: 131047, title: 'Re-engagement message', httpStatus: 400 });
    expect(graphFailureDetails(e)?.code).toBe(131047);
    expect(e.retryAfterMs).toBeUndefined();
  });

  it('retryable WhatsAppRetryable, with the delay from Retry-After', () => {
    const e = toGraphError(400, graphError(130429), { headers: new Headers({ 'retry-after': '7' }) });
    expect(e).toMatchObject({ type: 'WhatsAppRetryable', retryable: true, retryAfterMs: 7000 });
    expect(e.details).toMatchObject({ code: 130429, reason: 'rate_limit', retryAfterMs: 7000 });
  });

  it('never keeps a retry delay on a non-retryable error', () => {
    const e = toGraphError(400, graphError(131047), { retryAfter: '30' });
    expect(e.retryAfterMs).toBeUndefined();
    expect(e.details.retryAfterMs).toBeUndefined();
  });

  it('reads the business use case header for app rate limits', () => {
    const usage = JSON.stringify({ '102290129340398': [{ type: 'whatsapp', call_count: 100, estimated_time_to_regain_access: 2 }] });
    const e = toGraphError(400, graphError(80007), { headers: { 'X-Business-Use-Case-Usage': usage } });
    expect(e.retryAfterMs).toBe(120_000);
  });

  it('network errors and timeouts are retryable', () => {
    const cause = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    const net = networkError(cause, 'network', 'http://x');
    expect(net).toMatchObject({ retryable: true, type: 'WhatsAppRetryable', code: null });
    expect(net.message).toContain('ECONNREFUSED');
    expect(net.cause).toBe(cause);
    expect(net.details).toMatchObject({ code: null, reason: 'network' });
    const to = networkError(new DOMException('timed out', 'TimeoutError'), 'timeout');
    expect(to.details).toMatchObject({ reason: 'timeout' });
  });
});

describe('graphFailure (activities/outbox-send.ts): the ApplicationFailure the workflow and the API see', () => {
  // The types and retryability as they were when whatsapp/ built the ApplicationFailures itself.
  it.each(TABLE)('code %i -> nonRetryable %s, type %s', (code, http, retryable, type) => {
    const e = toGraphError(http, graphError(code));
    const f = graphFailure(e);
    expect(f).toBeInstanceOf(ApplicationFailure);
    expect(f).toMatchObject({ type, nonRetryable: !retryable, message: e.message });
    expect(f.details).toEqual([e.details]);
    expect(graphFailureDetails(f)).toEqual(e.details);
    expect(NON_RETRYABLE_TYPES.includes(type)).toBe(!retryable);
  });

  it('Retry-After becomes nextRetryDelay, for retryables only', () => {
    expect(graphFailure(toGraphError(400, graphError(130429), { retryAfter: '7' })).nextRetryDelay).toBe(7000);
    expect(graphFailure(toGraphError(400, graphError(131047), { retryAfter: '7' })).nextRetryDelay).toBeUndefined();
    expect(graphFailure(toGraphError(400, graphError(130429))).nextRetryDelay).toBeUndefined();
  });

  it('keeps the network cause and the client-side problems', () => {
    const cause = new TypeError('fetch failed');
    const net = graphFailure(networkError(cause, 'network'));
    expect(net).toMatchObject({ type: 'WhatsAppRetryable', nonRetryable: false });
    expect(net.cause).toBe(cause);
    const bad = graphFailure(invalidInput(['text.body is required']));
    expect(bad).toMatchObject({ type: 'InvalidParameter', nonRetryable: true });
    expect(bad.details?.[0]).toMatchObject({ code: null, problems: ['text.body is required'] });
  });

  it('finds the details through the activity failure that wraps it', () => {
    const f = graphFailure(toGraphError(400, graphError(131026)));
    expect(graphFailureDetails({ message: 'activity failed', cause: f })?.code).toBe(131026);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it.each([
    ['5', 5000],
    ['0', 0],
    ['1.5', 1500],
    ['Sun, 01 Mar 2026 12:00:30 GMT', 30_000],
    ['Sun, 01 Mar 2026 11:00:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
  ] as const)('%s -> %s', (v, ms) => {
    expect(parseRetryAfter(v, now)).toBe(ms);
  });
  it('absent headers give no delay', () => {
    expect(retryDelayFromHeaders(new Headers(), now)).toBeUndefined();
    expect(retryDelayFromHeaders(undefined, now)).toBeUndefined();
  });
});

describe('messagePayloadProblems (the rules the client and the simulator share)', () => {
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '16505551234' };
  it('accepts what Meta documents', () => {
    expect(messagePayloadProblems({ ...base, type: 'text', text: { body: 'hi', preview_url: false } })).toEqual([]);
    expect(messagePayloadProblems({ messaging_product: 'whatsapp', recipient: 'US.13491208655302741918', type: 'text', text: { body: 'hi' } })).toEqual([]);
    expect(
      messagePayloadProblems({
        ...base,
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'ar' },
          components: [
            { type: 'body', parameters: [{ type: 'text', text: 'Noura' }] },
            { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'YES' }] },
          ],
        },
      }),
    ).toEqual([]);
  });
  it('names what is wrong', () => {
    expect(messagePayloadProblems({ ...base, type: 'text', text: { body: 'x'.repeat(4097) } })).toEqual([
      'text.body is 4097 characters, at most 4096 allowed',
    ]);
    expect(messagePayloadProblems({ messaging_product: 'whatsapp', type: 'text', text: { body: 'hi' } })).toEqual(['to (or recipient) is required']);
    expect(messagePayloadProblems({ ...base, type: 'video_call' })[0]).toMatch(/^type must be one of/);
    expect(messagePayloadProblems({ ...base, type: 'template', template: { name: 'Bad Name', language: { code: 'english' } } })).toHaveLength(2);
  });
  it('counts characters, not UTF-16 units', () => {
    expect(messagePayloadProblems({ ...base, type: 'text', text: { body: '😀'.repeat(4096) } })).toEqual([]);
  });
});
