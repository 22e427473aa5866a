// The simulator's memory: what was sent, reads, webhook deliveries, media, which failures are
// armed, ids. Plain and synchronous, and bounded: each list keeps its latest entries only, so a
// long `npm run dev` session does not grow without end.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { codeInfo, httpStatusForCode } from '../graph-errors.js';
import type { Delivery } from './webhooks.js';

export interface SimulatorLimits {
  /** Sent messages kept (the oldest are forgotten first). */
  sentMessages: number;
  /** Mark-as-read calls kept. */
  reads: number;
  /** Webhook deliveries kept. */
  deliveries: number;
  /** Total bytes of stored media; the oldest items are evicted to make room. */
  mediaBytes: number;
  /** Media items kept, whatever their size. */
  mediaItems: number;
  /** One media item at most (Meta's largest limit for non-documents is 16 MB). */
  mediaItemBytes: number;
}

export const DEFAULT_LIMITS: Readonly<SimulatorLimits> = Object.freeze({
  sentMessages: 10_000,
  reads: 10_000,
  deliveries: 10_000,
  mediaBytes: 128 * 1024 * 1024,
  mediaItems: 10_000,
  mediaItemBytes: 16 * 1024 * 1024,
});

/** Media the simulator holds, as Meta would after an upload or a customer's send. */
export interface StoredMedia {
  /** Numeric like Meta's media ids. */
  id: string;
  mimeType: string;
  /** Hex sha256 of the bytes (Meta's media endpoint); webhooks carry it base64. */
  sha256: string;
  size: number;
  filename?: string;
  bytes: Buffer;
  at: string;
}

export class MediaTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`media of ${size} bytes is over the limit of ${limit} bytes`);
    this.name = 'MediaTooLargeError';
  }
}

const MEDIA_TYPES = new Set(['image', 'document', 'audio', 'video', 'sticker']);

export interface SentMessage {
  /** 1, 2, 3... in arrival order; `GET /__sim/sent?since=<seq>` returns the later ones. */
  seq: number;
  id: string;
  phoneNumberId: string;
  /** Where it went: the digits of `to`, else the `recipient` user id. */
  to: string;
  waId?: string;
  userId?: string;
  type: string;
  /** The readable text: text body, interactive body, template name and parameters. */
  text: string | null;
  /** For a template send: the template as sent. */
  template?: { name: string; language: unknown; components?: unknown };
  /** For an image, document, audio, video or sticker sent by media id. */
  mediaId?: string;
  /** The request body as received. */
  body: Record<string, unknown>;
  at: string;
  /** Statuses posted to the engine so far (sent, delivered, read, failed). */
  statuses: string[];
  /** Set when the message was made to fail through a `failed` status webhook. */
  failedCode?: number;
}

export interface ReadReceipt {
  phoneNumberId: string;
  messageId: string;
  typingIndicator: boolean;
  at: string;
}

export interface FailOptions {
  /** How many sends fail (default 1). */
  times?: number;
  /** Only sends to this wa_id / phone (digits compared) or user id. */
  to?: string;
  /** HTTP status of the error answer (default: what Meta documents for the code). */
  httpStatus?: number;
  /**
   * `response` (default): the send itself answers with the Graph error.
   * `status`: the send succeeds (a wamid) and a `failed` status webhook carries the error, as
   * Meta does for 131047, 131026, 131049, 131050...
   * `hang`: the message is sent (it reaches the buyer) but no answer ever comes back: the
   * ambiguous failure a client timeout leaves (the request left; did it arrive?).
   */
  mode?: 'response' | 'status' | 'hang';
  /** Error message / details override. */
  message?: string;
  details?: string;
}

export interface FailureRule {
  code: number;
  remaining: number;
  to?: string;
  httpStatus: number;
  mode: 'response' | 'status' | 'hang';
  message: string;
  details: string;
}

const DETAILS: Record<number, string> = {
  100: 'Invalid parameter',
  130429: 'Cloud API message throughput has been reached.',
  131026: 'Message Undeliverable.',
  131047: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  131048: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
  131049: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  131050: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
  131056: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
  190: 'Invalid OAuth access token - Cannot parse access token',
};

export function errorTitle(code: number): string {
  return codeInfo(code)?.title ?? 'Error';
}

export function errorDetails(code: number): string {
  return DETAILS[code] ?? errorTitle(code);
}

export function fbtraceId(): string {
  return `A${randomBytes(11).toString('base64url')}`;
}

/** A Graph API error body, as Meta answers. */
export function graphErrorBody(code: number, opts: { message?: string; details?: string; subcode?: number } = {}): Record<string, unknown> {
  const error: Record<string, unknown> = {
    message: `(#${code}) ${opts.message ?? errorTitle(code)}`,
    type: 'OAuthException',
    code,
    error_data: { messaging_product: 'whatsapp', details: opts.details ?? errorDetails(code) },
    fbtrace_id: fbtraceId(),
  };
  if (opts.subcode !== undefined) error.error_subcode = opts.subcode;
  return { error };
}

const digits = (s: string): string => s.replace(/\D/g, '');

export class SimulatorState {
  #seq = 0;
  /** By wamid, in arrival order (a Map iterates in insertion order: the first key is the oldest). */
  #sent = new Map<string, SentMessage>();
  #reads: ReadReceipt[] = [];
  #deliveries: Delivery[] = [];
  #media = new Map<string, StoredMedia>();
  #mediaBytes = 0;
  #rules: FailureRule[] = [];
  readonly limits: Readonly<SimulatorLimits>;
  autoRead = true;

  constructor(limits: Partial<SimulatorLimits> = {}) {
    const merged = { ...DEFAULT_LIMITS, ...limits };
    for (const [k, v] of Object.entries(merged)) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`simulator limits: ${k} must be a positive integer`);
    }
    this.limits = Object.freeze(merged);
  }

  newMessageId(): string {
    // Real wamids are base64 of a protobuf; these only need to be unique and look the part.
    return `wamid.SIM${Date.now().toString(36).toUpperCase()}${randomBytes(9).toString('base64url')}`;
  }

  record(m: Omit<SentMessage, 'seq' | 'statuses'>): SentMessage {
    const sent: SentMessage = { ...m, seq: ++this.#seq, statuses: [] };
    this.#sent.set(sent.id, sent);
    while (this.#sent.size > this.limits.sentMessages) this.#sent.delete(this.#sent.keys().next().value!);
    return sent;
  }

  recordRead(r: ReadReceipt): void {
    pushBounded(this.#reads, r, this.limits.reads);
  }

  recordDelivery(d: Delivery): void {
    pushBounded(this.#deliveries, d, this.limits.deliveries);
  }

  sent(filter: { since?: number; to?: string } = {}): SentMessage[] {
    const out: SentMessage[] = [];
    for (const m of this.#sent.values()) {
      if ((filter.since === undefined || m.seq > filter.since) && (filter.to === undefined || matches(filter.to, m))) out.push(m);
    }
    return out;
  }

  find(id: string): SentMessage | undefined {
    return this.#sent.get(id);
  }

  reads(): ReadReceipt[] {
    return [...this.#reads];
  }

  deliveries(): Delivery[] {
    return [...this.#deliveries];
  }

  /** Largest media item accepted now (the per-item and the total limit). */
  get mediaItemLimit(): number {
    return Math.min(this.limits.mediaItemBytes, this.limits.mediaBytes);
  }

  /** Stores media, evicting the oldest items until the new one fits. */
  putMedia(bytes: Uint8Array, mimeType: string, filename?: string): StoredMedia {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length > this.mediaItemLimit) throw new MediaTooLargeError(buf.length, this.mediaItemLimit);
    let id: string;
    do id = `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`;
    while (this.#media.has(id));
    // Own copy: the caller's buffer may be a view into a larger pooled one.
    const item: StoredMedia = {
      id,
      mimeType,
      sha256: createHash('sha256').update(buf).digest('hex'),
      size: buf.length,
      bytes: Buffer.from(buf),
      at: new Date().toISOString(),
    };
    if (filename !== undefined) item.filename = filename;
    while (this.#media.size > 0 && (this.#mediaBytes + item.size > this.limits.mediaBytes || this.#media.size >= this.limits.mediaItems)) {
      const oldest = this.#media.values().next().value!;
      this.#media.delete(oldest.id);
      this.#mediaBytes -= oldest.size;
    }
    this.#media.set(id, item);
    this.#mediaBytes += item.size;
    return item;
  }

  media(id: string): StoredMedia | undefined {
    return this.#media.get(id);
  }

  deleteMedia(id: string): boolean {
    const m = this.#media.get(id);
    if (!m) return false;
    this.#media.delete(id);
    this.#mediaBytes -= m.size;
    return true;
  }

  mediaUsage(): { items: number; bytes: number } {
    return { items: this.#media.size, bytes: this.#mediaBytes };
  }

  failNext(code: number, opts: FailOptions = {}): FailureRule {
    if (!Number.isInteger(code) || code < 0) throw new Error('failNext: code must be a Graph error code');
    const times = opts.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error('failNext: times must be a positive integer');
    const rule: FailureRule = {
      code,
      remaining: times,
      httpStatus: opts.httpStatus ?? httpStatusForCode(code),
      mode: opts.mode ?? 'response',
      message: opts.message ?? errorTitle(code),
      details: opts.details ?? errorDetails(code),
    };
    if (opts.to !== undefined) rule.to = opts.to;
    this.#rules.push(rule);
    return rule;
  }

  /** The armed failure for a send to this recipient, consumed. */
  takeFailure(recipient: { waId?: string; userId?: string }): FailureRule | undefined {
    const i = this.#rules.findIndex((r) => r.to === undefined || matches(r.to, recipient));
    if (i < 0) return undefined;
    const rule = this.#rules[i]!;
    rule.remaining--;
    if (rule.remaining <= 0) this.#rules.splice(i, 1);
    return { ...rule };
  }

  pendingFailures(): FailureRule[] {
    return this.#rules.map((r) => ({ ...r }));
  }

  reset(): void {
    this.#sent.clear();
    this.#reads = [];
    this.#deliveries = [];
    this.#media.clear();
    this.#mediaBytes = 0;
    this.#rules = [];
    this.autoRead = true;
  }
}

function pushBounded<T>(list: T[], item: T, cap: number): void {
  list.push(item);
  if (list.length > cap) list.splice(0, list.length - cap);
}

/** What a send body names, for `GET /__sim/sent`: the template, or the media id. */
export function sentExtras(body: Record<string, unknown>): Pick<SentMessage, 'template' | 'mediaId'> {
  const type = typeof body.type === 'string' ? body.type : 'text';
  const part = body[type];
  if (typeof part !== 'object' || part === null) return {};
  const p = part as Record<string, unknown>;
  if (type === 'template' && typeof p.name === 'string') {
    return { template: { name: p.name, language: p.language, ...(p.components !== undefined ? { components: p.components } : {}) } };
  }
  if (MEDIA_TYPES.has(type) && typeof p.id === 'string') return { mediaId: p.id };
  return {};
}

/** A sent message as `GET /__sim/sent` lists it: `text` only when there is one. */
export function sentView(m: SentMessage): Omit<SentMessage, 'text'> & { text?: string } {
  const { text, ...rest } = m;
  return text === null ? rest : { ...rest, text };
}

function matches(to: string, r: { waId?: string; userId?: string }): boolean {
  if (r.userId !== undefined && to === r.userId) return true;
  const d = digits(to);
  return d.length > 0 && r.waId !== undefined && d === digits(r.waId);
}

/** A short readable text of a send payload (for logs, the chat CLI). */
export function readableText(body: Record<string, unknown>): string | null {
  const type = typeof body.type === 'string' ? body.type : 'text';
  const part = body[type] as Record<string, any> | undefined;
  if (!part || typeof part !== 'object') return null;
  switch (type) {
    case 'text':
      return typeof part.body === 'string' ? part.body : null;
    case 'template': {
      const params: string[] = [];
      for (const c of Array.isArray(part.components) ? part.components : []) {
        for (const p of Array.isArray(c?.parameters) ? c.parameters : []) {
          if (p?.type === 'text' && typeof p.text === 'string') params.push(p.text);
          else if (p?.type === 'currency') params.push(String(p.currency?.fallback_value ?? ''));
          else if (p?.type === 'date_time') params.push(String(p.date_time?.fallback_value ?? ''));
        }
      }
      return `[template ${part.name}/${part.language?.code}]${params.length ? ` ${params.join(' | ')}` : ''}`;
    }
    case 'interactive': {
      const body = typeof part.body?.text === 'string' ? part.body.text : '';
      if (part.type === 'button') {
        const titles = (Array.isArray(part.action?.buttons) ? part.action.buttons : []).map((b: any) => `[${b?.reply?.title}]`);
        return `${body} ${titles.join(' ')}`.trim();
      }
      if (part.type === 'list') {
        const rows: string[] = [];
        for (const s of Array.isArray(part.action?.sections) ? part.action.sections : [])
          for (const r of Array.isArray(s?.rows) ? s.rows : []) rows.push(`- ${r?.title}`);
        return `${body}\n[${part.action?.button}]\n${rows.join('\n')}`;
      }
      return body || null;
    }
    case 'image':
    case 'video':
    case 'document':
      return typeof part.caption === 'string' ? part.caption : typeof part.filename === 'string' ? `[${type} ${part.filename}]` : `[${type}]`;
    case 'reaction':
      return typeof part.emoji === 'string' ? part.emoji : null;
    default:
      return `[${type}]`;
  }
}
