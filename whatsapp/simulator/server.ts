// A local stand-in for Meta's Graph API (Cloud API `/messages` and media), for dev and tests: a
// real HTTP server that checks send bodies like Meta (400, code 100), answers with wamids, serves
// and accepts media, and posts signed status webhooks (sent -> delivered -> read, or failed) back to
// the engine, retrying when the engine does not answer 200. Three control endpoints under /__sim
// (CONTRACT.md) let tests, demos and the chat CLI play the buyer, behind a bearer control token;
// everything else (failures, auto-read, reset...) is in-process only.
import http from 'node:http';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { looksLikeUserId, messagePayloadProblems, phoneDigits, readPayloadProblems } from '../graph-client.js';
import { MultipartError, headerParams, multipartBoundary, parseMultipart } from './multipart.js';
import { DEFAULT_TEMPLATES, templatesPage, type SimTemplate } from './templates.js';
import {
  MediaTooLargeError,
  SimulatorState,
  graphErrorBody,
  readableText,
  sentExtras,
  sentView,
  type FailOptions,
  type ReadReceipt,
  type SentMessage,
  type SimulatorLimits,
  type StoredMedia,
} from './state.js';
import {
  INBOUND_MEDIA_TYPES,
  inboundWebhookBody,
  postSigned,
  statusWebhookBody,
  type BusinessNumber,
  type Delivery,
  type InboundMediaType,
  type InboundOptions,
} from './webhooks.js';

export { DEFAULT_LIMITS, MediaTooLargeError } from './state.js';
export type { SentMessage, FailOptions, ReadReceipt, SimulatorLimits, StoredMedia } from './state.js';
export type { Delivery, InboundOptions, InboundTextOptions, InboundMediaType } from './webhooks.js';

export interface StatusDelays {
  sent: number;
  delivered: number;
  read: number;
}

export interface SimulatorOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Signs every webhook (`X-Hub-Signature-256`). */
  appSecret: string;
  /** Where status and inbound webhooks go; null posts nothing (statuses are still recorded). */
  webhookUrl: string | null;
  /** When set, Graph calls (`/messages`, media) need `Authorization: Bearer <accessToken>` (else 401, code 190). */
  accessToken?: string;
  /**
   * Bearer token of the HTTP control endpoints (`POST /__sim/inbound`, `POST /__sim/media`,
   * `GET /__sim/sent`). Unset: they answer 404, only the in-process methods drive the simulator.
   */
  controlToken?: string;
  /** Caps of what the simulator remembers (default {@link DEFAULT_LIMITS}). */
  limits?: Partial<SimulatorLimits>;
  /** Delay of each status after the send, in ms. */
  statusDelaysMs?: Partial<StatusDelays>;
  /** Attempts per webhook until the engine answers 200 (default 5, backoff 200 ms doubling). */
  webhookAttempts?: number;
  webhookBackoffMs?: number;
  /** Used for inbound messages without a phoneNumberId. */
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  wabaId?: string;
  /** The account's message templates (default {@link DEFAULT_TEMPLATES}). */
  templates?: readonly SimTemplate[];
  log?: (msg: string) => void;
}

export interface Simulator {
  url: string;
  port: number;
  close(): Promise<void>;
  sent(filter?: { since?: number; to?: string }): SentMessage[];
  /** Mark-as-read calls received. */
  reads(): ReadReceipt[];
  /** Webhook deliveries to the engine, in completion order. */
  deliveries(): Delivery[];
  /** Makes the next send(s) fail with this Graph error code. */
  failNext(code: number, opts?: FailOptions): void;
  /** Forgets sends, reads, deliveries, media and armed failures; cancels pending webhooks; auto-read back on. */
  reset(): void;
  /** Whether the customer "reads" every delivered message (a `read` status), default true. */
  setAutoRead(enabled: boolean): void;
  /** Posts a `read` status for a sent message now (when auto-read is off). */
  markRead(waMessageId: string): Promise<Delivery | null>;
  /** Posts a signed inbound message webhook (text, or media the simulator holds) from a customer to the engine. */
  inbound(opts: InboundOptions & { phoneNumberId?: string }): Promise<{ id: string; delivery: Delivery | null }>;
  /** Stores media as a customer's upload would be (what `POST /__sim/media` does). */
  uploadMedia(bytes: Uint8Array, mimeType: string, opts?: { filename?: string }): StoredMedia;
  /** Media the simulator holds (uploaded by a test, the control endpoint or the engine). */
  media(id: string): StoredMedia | undefined;
  /** How much media is held now. */
  mediaUsage(): { items: number; bytes: number };
  setWebhookUrl(url: string | null): void;
  /** Resolves when every scheduled status webhook has been posted (or given up). */
  idle(): Promise<void>;
}

/** Largest JSON body of a control endpoint. */
export const CONTROL_JSON_MAX_BYTES = 64 * 1024;
/** Largest `/messages` body (a text is 4096 characters; templates and lists stay far below). */
const GRAPH_JSON_MAX_BYTES = 5 * 1024 * 1024;
/** Room for the multipart framing and fields around an uploaded file. */
const MULTIPART_OVERHEAD = 64 * 1024;
/** After a body goes over its limit, this much more is read and dropped (so the client gets the 413), then the connection is cut. */
const DRAIN_MAX = 32 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}: ${messageOf(body)}`);
  }
}

function messageOf(body: unknown): string {
  const e = isObj(body) && isObj(body.error) ? body.error : undefined;
  const d = e && isObj(e.error_data) ? e.error_data.details : undefined;
  return String(d ?? e?.message ?? '');
}

const invalid = (details: string) => new HttpError(400, graphErrorBody(100, { message: 'Invalid parameter', details }));

/** An error of a control endpoint, in the API's shape `{ error: { code, message } }`. */
const controlError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  new HttpError(status, { error: { code, message } }, headers);

const graphAuthError = () =>
  new HttpError(
    401,
    graphErrorBody(190, { message: 'Invalid OAuth access token - Cannot parse access token', details: 'Invalid OAuth access token' }),
    { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' },
  );

/** Meta's answer for an id it does not know (or that the token may not see). */
const unknownObject = (method: string, id: string) =>
  new HttpError(400, {
    error: {
      message:
        `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing ` +
        'permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
      fbtrace_id: `A${randomBytes(11).toString('base64url')}`,
    },
  });

/**
 * Reads a body up to `limit` bytes. Over it, the rest is read and dropped (up to DRAIN_MAX more)
 * before `tooLarge` is thrown, so the client finishes sending and can read the 413.
 */
function readBody(req: http.IncomingMessage, limit: number, tooLarge: () => HttpError): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit + DRAIN_MAX) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (over) {
        if (size > limit + DRAIN_MAX) req.destroy();
        return;
      }
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('close', () => reject(over ? tooLarge() : new Error('request closed before its body was read')));
    req.on('error', reject);
  });
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether `Authorization: Bearer <token>` carries this token; digests compared in constant time. */
function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!), expected);
}

const MIME = /^[A-Za-z0-9][\w!#$&^.+-]*\/[A-Za-z0-9][\w!#$&^.+-]*(\s*;.*)?$/;

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const raw = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(raw), ...headers });
  res.end(raw);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The control endpoints, each with its one method (CONTRACT.md). */
const CONTROL_ROUTES: Record<string, string> = {
  '/__sim/inbound': 'POST',
  '/__sim/media': 'POST',
  '/__sim/sent': 'GET',
};

const MEDIA_MIME_PREFIX: Record<InboundMediaType, string | null> = {
  image: 'image/',
  video: 'video/',
  audio: 'audio/',
  sticker: 'image/webp',
  document: null,
};

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  if (typeof opts.appSecret !== 'string' || !opts.appSecret) throw new Error('startSimulator: appSecret is required');
  const host = opts.host ?? '127.0.0.1';
  const delays: StatusDelays = { sent: 50, delivered: 150, read: 400, ...opts.statusDelaysMs };
  const log = opts.log ?? (() => {});
  const defaults = {
    phoneNumberId: opts.phoneNumberId ?? '106540352242922',
    displayPhoneNumber: opts.displayPhoneNumber ?? '15550783881',
    wabaId: opts.wabaId ?? '102290129340398',
  };
  const state = new SimulatorState(opts.limits);
  const templates: readonly SimTemplate[] = opts.templates ?? DEFAULT_TEMPLATES;
  const accessDigest = opts.accessToken ? digest(opts.accessToken) : null;
  const controlDigest = opts.controlToken ? digest(opts.controlToken) : null;
  // Signs media download URLs, like Meta's `hash` parameter: only URLs this simulator issued work.
  const urlKey = randomBytes(32);
  let webhookUrl = opts.webhookUrl;
  let generation = new AbortController();
  const pending = new Set<Promise<void>>();
  let closed = false;

  const biz = (phoneNumberId: string): BusinessNumber => ({
    wabaId: defaults.wabaId,
    phoneNumberId,
    displayPhoneNumber: defaults.displayPhoneNumber,
  });

  const track = (p: Promise<void>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  const postStatus = async (m: SentMessage, status: 'sent' | 'delivered' | 'read' | 'failed', signal: AbortSignal, error?: { code: number; title: string; message?: string; details: string }) => {
    if (signal.aborted) return null;
    m.statuses.push(status);
    const body = statusWebhookBody(biz(m.phoneNumberId), m, { status, ...(error ? { error } : {}) });
    if (!webhookUrl) return null;
    const d = await postSigned(webhookUrl, body, opts.appSecret, `status:${m.id}:${status}`, {
      ...(opts.webhookAttempts !== undefined ? { attempts: opts.webhookAttempts } : {}),
      ...(opts.webhookBackoffMs !== undefined ? { backoffMs: opts.webhookBackoffMs } : {}),
      signal,
      log,
    });
    if (signal.aborted) return d;
    state.recordDelivery(d);
    if (!d.ok) log(`gave up on status ${status} of ${m.id} after ${d.attempts} attempts`);
    return d;
  };

  const sleepUntil = (t: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const ms = t - Date.now();
      if (ms <= 0 || signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });

  const scheduleStatuses = (m: SentMessage, failure?: { code: number; title: string; message: string; details: string }) => {
    const signal = generation.signal;
    const start = Date.now();
    track(
      (async () => {
        if (failure) {
          await sleepUntil(start + delays.sent, signal);
          await postStatus(m, 'failed', signal, failure);
          return;
        }
        const steps: ('sent' | 'delivered' | 'read')[] = ['sent', 'delivered', 'read'];
        for (const step of steps) {
          await sleepUntil(start + delays[step], signal);
          if (signal.aborted) return;
          if (step === 'read' && (!state.autoRead || m.statuses.includes('read'))) return;
          await postStatus(m, step, signal);
        }
      })().catch((err) => log(`status webhooks of ${m.id}: ${(err as Error).message}`)),
    );
  };

  const requireAccessToken = (req: http.IncomingMessage) => {
    if (accessDigest && !bearerMatches(req.headers.authorization, accessDigest)) throw graphAuthError();
  };

  const handleMessages = async (req: http.IncomingMessage, res: http.ServerResponse, phoneNumberId: string) => {
    requireAccessToken(req);
    const raw = await readBody(req, GRAPH_JSON_MAX_BYTES, () => new HttpError(413, graphErrorBody(100, { message: 'Request too large', details: 'body over 5 MiB' })));
    let body: unknown = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw invalid('Request body is not valid JSON');
      }
    }
    if (isObj(body) && body.status !== undefined && body.type === undefined) {
      const problems = readPayloadProblems(body);
      if (problems.length) throw invalid(problems.join('; '));
      state.recordRead({
        phoneNumberId,
        messageId: body.message_id as string,
        typingIndicator: isObj(body.typing_indicator),
        at: new Date().toISOString(),
      });
      log(`read receipt for ${String(body.message_id)}`);
      return send(res, 200, { success: true });
    }
    const problems = messagePayloadProblems(body);
    if (problems.length) throw invalid(problems.join('; '));
    const msg = body as Record<string, unknown>;
    const waId = typeof msg.to === 'string' ? phoneDigits(msg.to) : undefined;
    const userId = waId === undefined && typeof msg.recipient === 'string' ? msg.recipient : undefined;
    const recipient = { ...(waId !== undefined ? { waId } : {}), ...(userId !== undefined ? { userId } : {}) };

    const rule = state.takeFailure(recipient);
    if (rule && rule.mode === 'response') {
      log(`forced error ${rule.code} (HTTP ${rule.httpStatus}) for a send to ${waId ?? userId}`);
      throw new HttpError(rule.httpStatus, graphErrorBody(rule.code, { message: rule.message, details: rule.details }));
    }

    const type = typeof msg.type === 'string' ? msg.type : 'text';
    const sent = state.record({
      id: state.newMessageId(),
      phoneNumberId,
      to: (waId ?? userId)!,
      ...recipient,
      type,
      text: readableText(msg),
      ...sentExtras(msg),
      body: msg,
      at: new Date().toISOString(),
      ...(rule && rule.mode !== 'hang' ? { failedCode: rule.code } : {}),
    });
    log(`${type} ${sent.id} -> ${sent.to}: ${(sent.text ?? '').slice(0, 80)}`);
    if (rule?.mode === 'hang') {
      // Sent, and no answer: the client times out not knowing. The socket is dropped later.
      scheduleStatuses(sent);
      log(`hanging the answer to send ${sent.id}`);
      setTimeout(() => res.destroy(), 60_000).unref();
      return;
    }
    scheduleStatuses(sent, rule ? { code: rule.code, title: rule.message, message: rule.message, details: rule.details } : undefined);
    const contact = waId !== undefined ? { input: msg.to, wa_id: waId } : { input: msg.recipient, user_id: userId };
    const message: Record<string, unknown> = { id: sent.id };
    if (type === 'template') message.message_status = 'accepted';
    return send(res, 200, { messaging_product: 'whatsapp', contacts: [contact], messages: [message] });
  };

  const mediaTooLarge = (limit: number) =>
    new HttpError(413, graphErrorBody(131053, { message: 'Media upload error', details: `The file is over ${limit} bytes` }));

  /** Cloud API upload: multipart/form-data with `messaging_product`, `type` and `file` -> `{ id }`. */
  const handleUpload = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    requireAccessToken(req);
    const boundary = multipartBoundary(req.headers['content-type']);
    if (!boundary) throw invalid('Upload media as multipart/form-data (messaging_product, type, file)');
    const limit = state.mediaItemLimit;
    const raw = await readBody(req, limit + MULTIPART_OVERHEAD, () => mediaTooLarge(limit));
    let parts;
    try {
      parts = parseMultipart(raw, boundary);
    } catch (err) {
      if (err instanceof MultipartError) throw invalid(err.message);
      throw err;
    }
    const field = (name: string) => parts.find((p) => p.name === name && p.filename === undefined)?.data.toString('utf8').trim();
    const required = (name: string) => new HttpError(400, graphErrorBody(100, { message: `The parameter ${name} is required.`, details: `${name} is required` }));
    const product = field('messaging_product');
    if (product === undefined) throw required('messaging_product');
    if (product !== 'whatsapp') throw invalid("messaging_product must be 'whatsapp'");
    const file = parts.find((p) => p.name === 'file');
    if (!file) throw required('file');
    if (file.data.length === 0) throw invalid('file is empty');
    const mimeType = field('type') || file.contentType;
    if (!mimeType) throw required('type');
    if (!MIME.test(mimeType)) throw invalid(`type '${mimeType.slice(0, 100)}' is not a MIME type`);
    if (file.data.length > limit) throw mediaTooLarge(limit);
    const item = state.putMedia(file.data, mimeType, file.filename);
    log(`media ${item.id} uploaded (${item.mimeType}, ${item.size} bytes)`);
    return send(res, 200, { id: item.id });
  };

  const signUrl = (id: string, ext: string) => createHmac('sha256', urlKey).update(`${id}:${ext}`).digest('base64url');

  /** Where this client reached us (its Host header, when sane), for the media URL. */
  const baseFor = (req: http.IncomingMessage) => {
    const h = req.headers.host;
    return h && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(h) ? `http://${h}` : url;
  };

  /** `GET /{version}/{media-id}`: Meta's media metadata, with a download URL on this simulator. */
  const handleMediaInfo = (req: http.IncomingMessage, res: http.ServerResponse, id: string) => {
    requireAccessToken(req);
    const item = state.media(id);
    if (!item) throw unknownObject('GET', id);
    const ext = String(Math.floor(Date.now() / 1000));
    const u = new URL('/whatsapp_business/attachments/', baseFor(req));
    u.searchParams.set('mid', item.id);
    u.searchParams.set('ext', ext);
    u.searchParams.set('hash', signUrl(item.id, ext));
    return send(res, 200, { messaging_product: 'whatsapp', url: u.toString(), mime_type: item.mimeType, sha256: item.sha256, file_size: item.size, id: item.id });
  };

  /** The media URL: the bytes, with the access token like Meta's lookaside host. */
  const handleDownload = (req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams) => {
    requireAccessToken(req);
    const id = query.get('mid') ?? '';
    const ext = query.get('ext') ?? '';
    const hash = Buffer.from(query.get('hash') ?? '');
    const want = Buffer.from(signUrl(id, ext));
    const item = state.media(id);
    if (!item || hash.length !== want.length || !timingSafeEqual(hash, want)) {
      throw new HttpError(404, graphErrorBody(100, { message: 'Media not found', details: 'The media URL is not valid or the media was deleted' }));
    }
    res.writeHead(200, { 'content-type': item.mimeType, 'content-length': item.size, 'cache-control': 'private, no-store' });
    res.end(item.bytes);
  };

  const markRead = async (id: string): Promise<Delivery | null> => {
    const m = state.find(id);
    if (!m) throw controlError(404, 'not_found', `no sent message ${id}`);
    if (m.statuses.includes('read')) return null;
    return postStatus(m, 'read', generation.signal);
  };

  const unprocessable = (message: string) => controlError(422, 'validation_failed', message);

  const inbound = async (o: InboundOptions & { phoneNumberId?: string }) => {
    if (!isObj(o) || typeof o.from !== 'string' || !o.from.trim()) throw unprocessable('from is required');
    const from = o.from.trim();
    if (!looksLikeUserId(from) && phoneDigits(from) === undefined) {
      throw unprocessable('from must be a phone number (wa_id) or a business-scoped user id');
    }
    const type = o.type ?? 'text';
    let media: StoredMedia | undefined;
    if (type === 'text') {
      if (typeof o.text !== 'string' || !o.text) throw unprocessable('text is required for a text message');
      if (o.mediaId !== undefined) throw unprocessable("mediaId needs a media type (image, document, audio, video, sticker)");
    } else if ((INBOUND_MEDIA_TYPES as readonly string[]).includes(type)) {
      if (typeof o.mediaId !== 'string' || !o.mediaId) throw unprocessable(`mediaId is required for an inbound ${type} (POST /__sim/media first)`);
      media = state.media(o.mediaId);
      if (!media) throw unprocessable(`mediaId ${o.mediaId} is not media this simulator holds (POST /__sim/media first)`);
      const want = MEDIA_MIME_PREFIX[type];
      const mime = media.mimeType.toLowerCase();
      if (want && !(want.endsWith('/') ? mime.startsWith(want) : mime.split(';')[0]!.trim() === want)) {
        throw unprocessable(`media ${media.id} is ${media.mimeType}; a ${type} needs ${want.endsWith('/') ? `${want}*` : want}`);
      }
      if (o.text && (type === 'audio' || type === 'sticker')) throw unprocessable(`an inbound ${type} has no caption (text)`);
    } else {
      throw unprocessable(`type must be text, ${INBOUND_MEDIA_TYPES.join(', ')}`);
    }
    const id = o.id ?? `wamid.SIMIN${Date.now().toString(36).toUpperCase()}${randomBytes(6).toString('hex').toUpperCase()}`;
    const body = inboundWebhookBody(biz(o.phoneNumberId ?? defaults.phoneNumberId), { ...o, from }, id, media);
    if (!webhookUrl) return { id, delivery: null };
    const delivery = await postSigned(webhookUrl, body, opts.appSecret, `inbound:${id}`, {
      ...(opts.webhookAttempts !== undefined ? { attempts: opts.webhookAttempts } : {}),
      ...(opts.webhookBackoffMs !== undefined ? { backoffMs: opts.webhookBackoffMs } : {}),
      signal: generation.signal,
      log,
    });
    state.recordDelivery(delivery);
    return { id, delivery };
  };

  const uploadMedia = (bytes: Uint8Array, mimeType: string, o: { filename?: string } = {}) => {
    if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) throw controlError(400, 'empty_body', 'the media bytes are empty');
    if (typeof mimeType !== 'string' || !MIME.test(mimeType)) throw controlError(415, 'unsupported_media_type', 'the media needs a content type like image/jpeg');
    try {
      return state.putMedia(bytes, mimeType, o.filename);
    } catch (err) {
      if (err instanceof MediaTooLargeError) throw controlError(413, 'body_too_large', err.message);
      throw err;
    }
  };

  const reset = () => {
    generation.abort();
    generation = new AbortController();
    state.reset();
  };

  /** Control bodies are JSON: anything else is 415, over 64 KiB 413, not JSON 400. */
  const readControlJson = async (req: http.IncomingMessage): Promise<unknown> => {
    const ct = headerParams(req.headers['content-type'] ?? '').value.toLowerCase();
    if (ct !== 'application/json') throw controlError(415, 'unsupported_media_type', 'send the body as application/json');
    const raw = await readBody(req, CONTROL_JSON_MAX_BYTES, () => controlError(413, 'body_too_large', `the body is over ${CONTROL_JSON_MAX_BYTES} bytes`));
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw controlError(400, 'invalid_json', `body is not valid JSON: ${(err as Error).message}`);
    }
  };

  const handleControl = async (req: http.IncomingMessage, res: http.ServerResponse, path: string, query: URLSearchParams) => {
    if (!controlDigest) throw controlError(404, 'not_found', 'the simulator control endpoints are disabled (no control token)');
    const method = CONTROL_ROUTES[path];
    if (method === undefined) throw controlError(404, 'not_found', `no route ${req.method} ${path}`);
    if (!bearerMatches(req.headers.authorization, controlDigest)) {
      const given = /^Bearer\s/i.test(req.headers.authorization ?? '');
      throw controlError(401, 'unauthorized', given ? 'invalid simulator control token' : 'missing bearer token (WHATSAPP_SIMULATOR_TOKEN)', {
        'www-authenticate': 'Bearer',
      });
    }
    if (req.method !== method) throw controlError(405, 'method_not_allowed', `${path} accepts ${method} only`, { allow: method });

    switch (path) {
      case '/__sim/sent': {
        const since = query.get('since');
        const to = query.get('to');
        if (since !== null && !/^\d{1,15}$/.test(since)) throw unprocessable('since must be a non-negative integer (a seq)');
        const filter = { ...(since !== null ? { since: Number(since) } : {}), ...(to ? { to } : {}) };
        return send(res, 200, { data: state.sent(filter).map(sentView) });
      }
      case '/__sim/media': {
        const ct = req.headers['content-type'];
        if (!ct || !MIME.test(ct)) throw controlError(415, 'unsupported_media_type', 'send the media bytes with their content-type (e.g. image/jpeg)');
        const limit = state.mediaItemLimit;
        const raw = await readBody(req, limit, () => controlError(413, 'body_too_large', `media is limited to ${limit} bytes`));
        if (raw.length === 0) throw controlError(400, 'empty_body', 'the body (the media bytes) is empty');
        const filename = query.get('filename') ?? undefined;
        const item = uploadMedia(raw, ct, filename !== undefined ? { filename } : {});
        log(`media ${item.id} stored (${item.mimeType}, ${item.size} bytes)`);
        return send(res, 201, { id: item.id, mimeType: item.mimeType, sha256: item.sha256, size: item.size });
      }
      case '/__sim/inbound': {
        const b = await readControlJson(req);
        if (!isObj(b)) throw unprocessable('the body must be a JSON object');
        const str = (k: string) => {
          const v = b[k];
          if (v !== undefined && typeof v !== 'string') throw unprocessable(`${k} must be a string`);
          return v as string | undefined;
        };
        const bool = (k: string) => {
          const v = b[k];
          if (v !== undefined && typeof v !== 'boolean') throw unprocessable(`${k} must be a boolean`);
          return v as boolean | undefined;
        };
        const o: InboundOptions & { phoneNumberId?: string } = { from: str('from') ?? '' };
        const fields = {
          type: str('type') as InboundOptions['type'],
          text: str('text'),
          mediaId: str('mediaId'),
          filename: str('filename'),
          name: str('name'),
          id: str('id'),
          replyTo: str('replyTo'),
          phoneNumberId: str('phoneNumberId'),
          voice: bool('voice'),
          animated: bool('animated'),
        };
        for (const [k, v] of Object.entries(fields)) if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
        if (o.phoneNumberId !== undefined && !/^\d{1,32}$/.test(o.phoneNumberId)) throw unprocessable('phoneNumberId must be digits');
        const r = await inbound(o);
        if (r.delivery && !r.delivery.ok) {
          const why = r.delivery.httpStatus === null ? 'could not be reached' : `answered ${r.delivery.httpStatus}`;
          throw controlError(502, 'webhook_not_accepted', `the app ${why} to the webhook of ${r.id} (${r.delivery.attempts} attempts)`);
        }
        return send(res, 200, { data: { id: r.id, ok: true, engineStatus: r.delivery?.httpStatus ?? null, attempts: r.delivery?.attempts ?? 0 } });
      }
    }
  };

  // Filled in once listening; baseFor() falls back to it.
  let url = '';

  const server = http.createServer((req, res) => {
    void (async () => {
      // Routed on the path as parsed (dot segments resolved); the auth checks see the same path.
      const parsed = new URL(`http://sim${req.url?.startsWith('/') ? req.url : `/${req.url ?? ''}`}`);
      const path = parsed.pathname;
      if (path === '/__sim' || path.startsWith('/__sim/')) return handleControl(req, res, path, parsed.searchParams);
      if (req.method === 'GET' && (path === '/whatsapp_business/attachments/' || path === '/whatsapp_business/attachments')) {
        return handleDownload(req, res, parsed.searchParams);
      }
      const m = /^\/(v\d+\.\d+)\/([^/]+)\/(messages|media)\/?$/.exec(path);
      if (m && req.method === 'POST') {
        if (!/^\d+$/.test(m[2]!)) {
          throw new HttpError(
            400,
            graphErrorBody(100, { message: 'Unsupported post request', details: `Object with ID '${m[2]}' does not exist` }),
          );
        }
        return m[3] === 'messages' ? handleMessages(req, res, m[2]!) : handleUpload(req, res);
      }
      const tpl = /^\/(v\d+\.\d+)\/([^/]+)\/message_templates\/?$/.exec(path);
      if (tpl && req.method === 'GET') {
        requireAccessToken(req);
        if (tpl[2] !== defaults.wabaId) throw unknownObject('GET', tpl[2]!);
        const page = templatesPage(templates, parsed.searchParams, new URL(req.url ?? '/', baseFor(req)).toString());
        if ('error' in page) throw new HttpError(400, graphErrorBody(100, { message: 'Invalid parameter', details: page.error }));
        return send(res, 200, page);
      }
      const obj = /^\/(v\d+\.\d+)\/([^/]+)\/?$/.exec(path);
      if (obj && req.method === 'GET') return handleMediaInfo(req, res, obj[2]!);
      if (obj && req.method === 'DELETE') {
        requireAccessToken(req);
        if (!state.deleteMedia(obj[2]!)) throw unknownObject('DELETE', obj[2]!);
        return send(res, 200, { success: true });
      }
      throw new HttpError(400, graphErrorBody(100, { message: 'Unsupported request', details: `${req.method} ${path} is not simulated` }));
    })().catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof HttpError) return send(res, err.status, err.body, err.headers);
      log(`simulator error: ${(err as Error)?.stack ?? String(err)}`);
      send(res, 500, graphErrorBody(131000, { message: 'Something went wrong', details: String((err as Error)?.message ?? err) }));
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`WhatsApp simulator: port ${opts.port} on ${host} is already in use (set WHATSAPP_SIMULATOR_PORT to another port)`)
          : err,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port, host);
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log(`WhatsApp Graph API simulator on ${url}, webhooks to ${webhookUrl ?? '(none)'}`);

  return {
    url,
    port,
    async close() {
      if (closed) return;
      closed = true;
      generation.abort();
      await Promise.allSettled([...pending]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    sent: (filter) => state.sent(filter),
    reads: () => state.reads(),
    deliveries: () => state.deliveries(),
    failNext: (code, o) => void state.failNext(code, o),
    reset,
    setAutoRead(enabled) {
      state.autoRead = enabled;
    },
    markRead,
    inbound,
    uploadMedia,
    media: (id) => state.media(id),
    mediaUsage: () => state.mediaUsage(),
    setWebhookUrl(u) {
      webhookUrl = u;
    },
    async idle() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}
