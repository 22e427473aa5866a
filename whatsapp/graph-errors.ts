// Graph API errors -> typed errors. A send either may be retried with backoff (rate limits, Meta's
// transient errors, 5xx, network trouble, timeouts) or fails for good with a `type` the workflow can
// act on (outside the 24 h window -> send a template instead; opted out -> stop; bad template -> alert).
// Codes and HTTP statuses from Meta's Cloud API error-code reference.
// Pure: no Node imports, no Temporal. The send activity turns a GraphError into the ApplicationFailure
// Temporal retries or hands to the workflow (activities/whatsapp-send.ts).

/** Failure `type`s. Retryable ones are all `WhatsAppRetryable`; `reason` in the details says why. */
export const GraphFailureType = {
  Retryable: 'WhatsAppRetryable',
  NonRetryable: 'WhatsAppNonRetryable',
  OutsideCustomerServiceWindow: 'OutsideCustomerServiceWindow',
  Undeliverable: 'Undeliverable',
  InvalidParameter: 'InvalidParameter',
  UnsupportedMessageType: 'UnsupportedMessageType',
  UnsupportedRecipient: 'UnsupportedRecipient',
  RecipientOptedOut: 'RecipientOptedOut',
  RecipientNotAllowed: 'RecipientNotAllowed',
  EcosystemLimit: 'EcosystemLimit',
  TemplateError: 'TemplateError',
  FlowError: 'FlowError',
  MediaError: 'MediaError',
  AuthError: 'AuthError',
  PolicyBlocked: 'PolicyBlocked',
  AccountError: 'AccountError',
} as const;
export type GraphFailureTypeName = (typeof GraphFailureType)[keyof typeof GraphFailureType];

/** Every non-retryable type, e.g. for an activity's `nonRetryableErrorTypes`. */
export const NON_RETRYABLE_TYPES: readonly string[] = Object.values(GraphFailureType).filter((t) => t !== GraphFailureType.Retryable);

export type RetryReason = 'rate_limit' | 'service' | 'http_status' | 'network' | 'timeout';

export interface GraphErrorClass {
  retryable: boolean;
  /** Graph `error.code`, null when the body carried none (HTTP-level, network, client-side). */
  code: number | null;
  type: string;
  message: string;
  subcode?: number;
  /** Meta's title for the code (or the error's `type`, e.g. OAuthException). */
  title?: string;
  /** `error.error_data.details` */
  details?: string;
  fbtraceId?: string;
  httpStatus: number | null;
  /** For retryables: what kind of trouble. */
  reason?: RetryReason;
}

/** What a failure carries: `GraphError.details`, and `details[0]` of the ApplicationFailure made from it. */
export interface GraphFailureDetails {
  code: number | null;
  subcode?: number;
  title?: string;
  details?: string;
  fbtraceId?: string;
  httpStatus: number | null;
  reason?: RetryReason;
  retryAfterMs?: number;
  /** Client-side validation problems (type InvalidParameter, code null). */
  problems?: string[];
}

interface CodeInfo {
  type: string;
  retryable: boolean;
  title: string;
  /** The HTTP status Meta documents for the code. */
  httpStatus: number;
  reason?: RetryReason;
}

const T = GraphFailureType;
const retry = (title: string, httpStatus: number, reason: RetryReason): CodeInfo => ({
  type: T.Retryable,
  retryable: true,
  title,
  httpStatus,
  reason,
});
const fail = (type: string, title: string, httpStatus = 400): CodeInfo => ({ type, retryable: false, title, httpStatus });

/** Meta's documented codes. Ranges (200-299, 132000-132016) are handled in `codeInfo`. */
const CODES: ReadonlyMap<number, CodeInfo> = new Map<number, CodeInfo>([
  // Authorization / permissions
  [0, fail(T.AuthError, 'AuthException', 401)],
  [3, fail(T.AuthError, 'API method: capability or permissions issue', 500)],
  [10, fail(T.AuthError, 'Permission denied', 403)],
  [190, fail(T.AuthError, 'Access token has expired', 401)],
  [131005, fail(T.AuthError, 'Access denied', 403)],
  // Throttling
  [4, retry('API too many calls', 400, 'rate_limit')],
  [80007, retry('Rate limit issues', 400, 'rate_limit')],
  [130429, retry('Rate limit hit', 400, 'rate_limit')],
  [131048, retry('Spam rate limit hit', 400, 'rate_limit')],
  [131056, retry('(Business Account, Consumer Account) pair rate limit hit', 400, 'rate_limit')],
  [133016, retry('Account register deregister rate limit exceeded', 400, 'rate_limit')],
  // Transient / service
  [1, retry('API unknown', 400, 'service')],
  [2, retry('API service', 503, 'service')],
  [131000, retry('Something went wrong', 500, 'service')],
  [131016, retry('Service unavailable', 500, 'service')],
  [131057, retry('Account in maintenance mode', 500, 'service')],
  [133004, retry('Server temporarily unavailable', 503, 'service')],
  // Integrity / policy
  [368, fail(T.PolicyBlocked, 'Temporarily blocked for policies violations', 403)],
  [130497, fail(T.PolicyBlocked, 'Business account is restricted from messaging users in this country', 403)],
  [131031, fail(T.AccountError, 'Account has been locked', 403)],
  // Parameters
  [33, fail(T.InvalidParameter, 'Parameter value is not valid')],
  [100, fail(T.InvalidParameter, 'Invalid parameter')],
  [131008, fail(T.InvalidParameter, 'Required parameter is missing')],
  [131009, fail(T.InvalidParameter, 'Parameter value is not valid')],
  [131021, fail(T.InvalidParameter, 'Recipient cannot be sender')],
  [131051, fail(T.UnsupportedMessageType, 'Unsupported message type')],
  [131062, fail(T.UnsupportedRecipient, 'Business-scoped user ID recipients are not supported for this message')],
  // Delivery
  [130472, fail(T.Undeliverable, "User's number is part of an experiment")],
  [131026, fail(T.Undeliverable, 'Message undeliverable')],
  [131030, fail(T.RecipientNotAllowed, 'Recipient phone number not in allowed list')],
  [131047, fail(T.OutsideCustomerServiceWindow, 'Re-engagement message')],
  [131049, fail(T.EcosystemLimit, 'Meta chose not to deliver this message to maintain healthy ecosystem engagement')],
  [131050, fail(T.RecipientOptedOut, 'User has stopped receiving marketing messages from this business')],
  // Media
  [131052, fail(T.MediaError, 'Media download error')],
  [131053, fail(T.MediaError, 'Media upload error')],
  // Templates and flows
  [132000, fail(T.TemplateError, 'Template param count mismatch')],
  [132001, fail(T.TemplateError, 'Template does not exist')],
  [132005, fail(T.TemplateError, 'Template hydrated text too long')],
  [132007, fail(T.TemplateError, 'Template format character policy violated')],
  [132012, fail(T.TemplateError, 'Template parameter format mismatch')],
  [132015, fail(T.TemplateError, 'Template is paused')],
  [132016, fail(T.TemplateError, 'Template is disabled')],
  [132068, fail(T.FlowError, 'Flow is in blocked state')],
  [132069, fail(T.FlowError, 'Flow is in throttled state')],
  // Business account / phone number setup
  [131037, fail(T.AccountError, 'WhatsApp provided number needs display name approval before message can be sent')],
  [131042, fail(T.AccountError, 'Business eligibility payment issue')],
  [131045, fail(T.AccountError, 'Incorrect certificate', 500)],
  [133000, fail(T.AccountError, 'Incomplete deregistration', 500)],
  [133005, fail(T.AccountError, 'Two step verification PIN mismatch')],
  [133006, fail(T.AccountError, 'Phone number re-verification needed')],
  [133010, fail(T.AccountError, 'Phone number not registered')],
  [135000, fail(T.NonRetryable, 'Generic user error')],
]);

/** What Threadline knows about a Graph error code (type, retryable, Meta's title and HTTP status). */
export function codeInfo(code: number): CodeInfo | undefined {
  const known = CODES.get(code);
  if (known) return known;
  if (code >= 200 && code <= 299) return fail(T.AuthError, 'API permission', 403);
  if (code >= 132000 && code <= 132016) return fail(T.TemplateError, 'Template error');
  return undefined;
}

/** The HTTP status Meta answers with for a code (400 when not documented otherwise). */
export function httpStatusForCode(code: number): number {
  return codeInfo(code)?.httpStatus ?? 400;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/**
 * Classifies a Graph API error answer. `body` is the parsed JSON (or the raw text, or nothing).
 * A known code decides; otherwise the HTTP status does (5xx, 429 and 408 are retryable; 401/403 are
 * auth errors; any other 4xx is a plain non-retryable error).
 */
export function classifyGraphError(httpStatus: number | null, body: unknown): GraphErrorClass {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = body;
    }
  }
  const err = isObj(parsed) && isObj(parsed.error) ? parsed.error : undefined;
  const code = err ? (int(err.code) ?? null) : null;
  const subcode = err ? int(err.error_subcode) : undefined;
  const errorData = err && isObj(err.error_data) ? err.error_data : undefined;
  const details = str(errorData?.details) ?? (err ? str(err.error_user_msg) : undefined);
  const fbtraceId = err ? str(err.fbtrace_id) : undefined;
  const graphMessage = err ? str(err.message) : undefined;

  const info = code !== null ? codeInfo(code) : undefined;
  let type: string;
  let retryable: boolean;
  let reason: RetryReason | undefined;
  let title: string | undefined;
  if (info) {
    ({ type, retryable, reason, title } = info);
  } else {
    title = err ? (str(err.error_user_title) ?? str(err.type)) : undefined;
    const s = httpStatus ?? 0;
    if (s >= 500 || s === 429 || s === 408) {
      type = T.Retryable;
      retryable = true;
      reason = s === 429 ? 'rate_limit' : 'http_status';
    } else if (s === 401 || s === 403) {
      type = T.AuthError;
      retryable = false;
    } else {
      type = T.NonRetryable;
      retryable = false;
    }
  }

  const head = code !== null ? `WhatsApp error ${code}` : `WhatsApp HTTP ${httpStatus ?? 'error'}`;
  const what = graphMessage ?? title ?? (typeof parsed === 'string' && parsed.trim() ? parsed.trim().slice(0, 200) : 'no error body');
  const message = `${head}: ${what}${details && details !== what ? ` (${details})` : ''}`;

  const out: GraphErrorClass = { retryable, code, type, message, httpStatus };
  if (subcode !== undefined) out.subcode = subcode;
  if (title !== undefined) out.title = title;
  if (details !== undefined) out.details = details;
  if (fbtraceId !== undefined) out.fbtraceId = fbtraceId;
  if (reason !== undefined) out.reason = reason;
  return out;
}

/**
 * Delay asked for by the response headers, in ms: `Retry-After` (seconds or an HTTP date), else
 * the largest `estimated_time_to_regain_access` (minutes) of `X-Business-Use-Case-Usage`.
 */
export function retryDelayFromHeaders(
  headers: { get(name: string): string | null } | Record<string, string | undefined> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const get = (name: string): string | undefined => {
    if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
    const rec = headers as Record<string, string | undefined>;
    const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
    return key !== undefined ? rec[key] : undefined;
  };
  const ra = parseRetryAfter(get('retry-after'), now);
  if (ra !== undefined) return ra;
  const usage = get('x-business-use-case-usage');
  if (usage) {
    try {
      const parsed: unknown = JSON.parse(usage);
      let minutes = 0;
      if (isObj(parsed)) {
        for (const list of Object.values(parsed)) {
          if (!Array.isArray(list)) continue;
          for (const u of list) {
            const m = isObj(u) ? Number(u.estimated_time_to_regain_access) : NaN;
            if (Number.isFinite(m) && m > minutes) minutes = m;
          }
        }
      }
      if (minutes > 0) return Math.min(minutes * 60_000, MAX_RETRY_DELAY_MS);
    } catch {
      // not JSON: ignore
    }
  }
  return undefined;
}

const MAX_RETRY_DELAY_MS = 24 * 60 * 60_000;

/** `Retry-After`: delta seconds or an HTTP date -> ms from now (undefined when absent or unreadable). */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.min(Math.round(Number(v) * 1000), MAX_RETRY_DELAY_MS);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_DELAY_MS);
}

/** A failed Graph API call: a plain error with the failure `type` and whether a retry may help. */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  readonly type: string;
  readonly retryable: boolean;
  /** Graph `error.code`, null when the answer carried none (HTTP-level, network, client-side). */
  readonly code: number | null;
  readonly details: GraphFailureDetails;
  /** How long Meta asked to wait before the next try (retryables only). */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, f: { type: string; retryable: boolean; details: GraphFailureDetails; cause?: Error }) {
    super(message, f.cause ? { cause: f.cause } : undefined);
    this.type = f.type;
    this.retryable = f.retryable;
    this.code = f.details.code;
    this.details = f.details;
    this.retryAfterMs = f.retryable ? f.details.retryAfterMs : undefined;
  }
}

/** The error for a classified answer; `retryAfterMs` is kept for retryables only. */
export function errorFromClass(c: GraphErrorClass, opts: { retryAfterMs?: number; cause?: Error } = {}): GraphError {
  const details: GraphFailureDetails = { code: c.code, httpStatus: c.httpStatus };
  if (c.subcode !== undefined) details.subcode = c.subcode;
  if (c.title !== undefined) details.title = c.title;
  if (c.details !== undefined) details.details = c.details;
  if (c.fbtraceId !== undefined) details.fbtraceId = c.fbtraceId;
  if (c.reason !== undefined) details.reason = c.reason;
  const retryAfterMs = c.retryable ? opts.retryAfterMs : undefined;
  if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  return new GraphError(c.message, { type: c.type, retryable: c.retryable, details, ...(opts.cause ? { cause: opts.cause } : {}) });
}

/**
 * The error for a Graph error answer: retryable (type `WhatsAppRetryable`, with `retryAfterMs` from
 * `Retry-After` when given) or non-retryable with a specific type.
 */
export function toGraphError(
  httpStatus: number | null,
  body: unknown,
  opts: { headers?: Parameters<typeof retryDelayFromHeaders>[0]; retryAfter?: string | null; now?: number } = {},
): GraphError {
  const c = classifyGraphError(httpStatus, body);
  const now = opts.now ?? Date.now();
  const retryAfterMs = opts.retryAfter !== undefined ? parseRetryAfter(opts.retryAfter, now) : retryDelayFromHeaders(opts.headers, now);
  return errorFromClass(c, retryAfterMs !== undefined ? { retryAfterMs } : {});
}

/** A network error or timeout on the way to the Graph API: always retryable. */
export function networkError(err: unknown, what: 'network' | 'timeout', url?: string): GraphError {
  const cause = err instanceof Error ? err : undefined;
  const inner = cause && cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  const text = what === 'timeout' ? 'timed out' : `failed (${cause?.message ?? String(err)}${inner})`;
  return errorFromClass(
    {
      retryable: true,
      code: null,
      type: T.Retryable,
      message: `WhatsApp request ${url ? `to ${url} ` : ''}${text}`,
      httpStatus: null,
      reason: what,
    },
    cause ? { cause } : {},
  );
}

/** Client-side validation failure, raised before any HTTP call. */
export function invalidInput(problems: string[]): GraphError {
  const details: GraphFailureDetails = { code: null, httpStatus: null, title: 'Invalid input', problems };
  return new GraphError(`WhatsApp message rejected before sending: ${problems.join('; ')}`, { type: T.InvalidParameter, retryable: false, details });
}

/**
 * The details of a Graph failure: a GraphError's, or `details[0]` of the ApplicationFailure the send
 * activity made from one (also after it crossed Temporal as an activity failure's cause).
 */
export function graphFailureDetails(err: unknown): GraphFailureDetails | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    if (e instanceof GraphError) return e.details;
    const list = (e as { details?: unknown }).details;
    const d = Array.isArray(list) ? list[0] : undefined;
    if (isObj(d) && 'code' in d && 'httpStatus' in d) return d as unknown as GraphFailureDetails;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
