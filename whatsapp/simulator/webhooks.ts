// Cloud API webhook bodies the simulator posts to the engine (status updates, inbound text and
// media messages), in Meta's shape, and the signed POST with a few retries.
import { createHash } from 'node:crypto';
import { signBody } from '../signature.js';
import { looksLikeUserId } from '../graph-client.js';
import type { SentMessage, StoredMedia } from './state.js';

export interface BusinessNumber {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

const unix = (d: Date): string => String(Math.floor(d.getTime() / 1000));

function envelope(biz: BusinessNumber, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: biz.wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: biz.displayPhoneNumber, phone_number_id: biz.phoneNumberId },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

export interface StatusOptions {
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at?: Date;
  error?: { code: number; title: string; message?: string; details: string };
}

/** A `statuses` webhook for a message the simulator accepted. */
export function statusWebhookBody(biz: BusinessNumber, m: SentMessage, opts: StatusOptions) {
  const at = opts.at ?? new Date();
  const status: Record<string, unknown> = { id: m.id, status: opts.status, timestamp: unix(at) };
  if (m.waId !== undefined) status.recipient_id = m.waId;
  else if (m.userId !== undefined) status.recipient_user_id = m.userId;
  const template = m.type === 'template';
  if (opts.status === 'sent' || opts.status === 'delivered') {
    const conversation: Record<string, unknown> = {
      id: createHash('sha256').update(`${biz.phoneNumberId}:${m.to}`).digest('hex').slice(0, 32),
      origin: { type: template ? 'utility' : 'service' },
    };
    if (opts.status === 'sent') conversation.expiration_timestamp = unix(new Date(at.getTime() + 24 * 3600_000));
    status.conversation = conversation;
    status.pricing = {
      billable: template,
      pricing_model: 'PMP',
      category: template ? 'utility' : 'service',
      type: template ? 'regular' : 'free_customer_service',
    };
  }
  if (opts.status === 'failed' && opts.error) {
    status.errors = [
      {
        code: opts.error.code,
        title: opts.error.title,
        message: opts.error.message ?? opts.error.title,
        error_data: { details: opts.error.details },
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
      },
    ];
  }
  const cb = m.body.biz_opaque_callback_data;
  if (typeof cb === 'string') status.biz_opaque_callback_data = cb;
  return envelope(biz, { statuses: [status] });
}

export type InboundMediaType = 'image' | 'document' | 'audio' | 'video' | 'sticker';
export const INBOUND_MEDIA_TYPES: readonly InboundMediaType[] = ['image', 'document', 'audio', 'video', 'sticker'];

export interface InboundOptions {
  /** The customer: a wa_id (digits) or a business-scoped user id. */
  from: string;
  /** `text` (default) or a media type, which needs `mediaId`. */
  type?: 'text' | InboundMediaType;
  /** The message text; for image, video and document the (optional) caption. */
  text?: string;
  /** A media id the simulator holds (`POST /__sim/media`, `uploadMedia`). */
  mediaId?: string;
  /** Document file name (default: the uploaded file's name). */
  filename?: string;
  /** Audio: a voice note (Meta's `voice`). */
  voice?: boolean;
  /** Sticker: animated (Meta's `animated`). */
  animated?: boolean;
  name?: string;
  id?: string;
  /** The wamid the customer replies to. */
  replyTo?: string;
  at?: Date;
}

/** The older, text-only name of {@link InboundOptions}. */
export type InboundTextOptions = InboundOptions;

/** The Cloud API's inbound media object: `{ id, mime_type, sha256 (base64), caption?, ... }`. */
function mediaPart(type: InboundMediaType, media: StoredMedia, opts: InboundOptions): Record<string, unknown> {
  const part: Record<string, unknown> = {};
  if (opts.text !== undefined && opts.text !== '' && (type === 'image' || type === 'video' || type === 'document')) part.caption = opts.text;
  const filename = opts.filename ?? media.filename;
  if (type === 'document' && filename !== undefined) part.filename = filename;
  part.mime_type = media.mimeType;
  part.sha256 = Buffer.from(media.sha256, 'hex').toString('base64');
  part.id = media.id;
  if (type === 'audio') part.voice = opts.voice ?? false;
  if (type === 'sticker') part.animated = opts.animated ?? false;
  return part;
}

/** A `messages` webhook with one inbound text or media message from a customer. */
export function inboundWebhookBody(biz: BusinessNumber, opts: InboundOptions, id: string, media?: StoredMedia) {
  const byUserId = looksLikeUserId(opts.from);
  const from = byUserId ? opts.from : opts.from.replace(/\D/g, '');
  const contact: Record<string, unknown> = { profile: { name: opts.name ?? 'Simulated Customer' } };
  if (byUserId) contact.user_id = from;
  else contact.wa_id = from;
  const message: Record<string, unknown> = byUserId ? { from_user_id: from } : { from };
  message.id = id;
  message.timestamp = unix(opts.at ?? new Date());
  if (opts.replyTo) message.context = { from: biz.displayPhoneNumber, id: opts.replyTo };
  const type = opts.type ?? 'text';
  message.type = type;
  if (type === 'text') message.text = { body: opts.text ?? '' };
  else {
    if (!media) throw new Error(`an inbound ${type} message needs its media`);
    message[type] = mediaPart(type, media, opts);
  }
  return envelope(biz, { contacts: [contact], messages: [message] });
}

export interface Delivery {
  url: string;
  /** What was posted: `status:<wamid>:<status>` or `inbound:<wamid>`. */
  what: string;
  attempts: number;
  /** The engine's last HTTP status, or null when it could not be reached. */
  httpStatus: number | null;
  ok: boolean;
  at: string;
}

export interface PostOptions {
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
  /** Stops retrying (the simulator is closing or was reset). */
  signal?: AbortSignal;
  log?: (msg: string) => void;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** POSTs a JSON body signed with `X-Hub-Signature-256`; retries (with backoff) until the engine answers 200. */
export async function postSigned(url: string, body: unknown, appSecret: string, what: string, opts: PostOptions = {}): Promise<Delivery> {
  const raw = JSON.stringify(body);
  const signature = signBody(raw, appSecret);
  const attempts = opts.attempts ?? 5;
  const backoff = opts.backoffMs ?? 200;
  let httpStatus: number | null = null;
  let n = 0;
  while (n < attempts) {
    if (opts.signal?.aborted) break;
    n++;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature, 'user-agent': 'facebookexternalua' },
        body: raw,
        signal: opts.signal
          ? AbortSignal.any([AbortSignal.timeout(opts.timeoutMs ?? 10_000), opts.signal])
          : AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      httpStatus = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 200) return { url, what, attempts: n, httpStatus, ok: true, at: new Date().toISOString() };
      opts.log?.(`webhook ${what} -> ${url} answered ${res.status} (attempt ${n}/${attempts})`);
    } catch (err) {
      httpStatus = null;
      opts.log?.(`webhook ${what} -> ${url} failed: ${(err as Error).message} (attempt ${n}/${attempts})`);
    }
    if (n < attempts) await sleep(backoff * 2 ** (n - 1), opts.signal);
  }
  return { url, what, attempts: n, httpStatus, ok: false, at: new Date().toISOString() };
}
