// Cloud API webhook body -> InboundEvents. Total below the envelope: every message of every change
// of every entry becomes an event (what cannot be understood becomes an `unsupported` message with
// its raw JSON), every status with an id and a status becomes a status event, and anything else
// that cannot be read lands in `invalid` with the reason. Only a body that is not a Cloud API
// envelope at all throws (WebhookBodyError).
import { createHash } from 'node:crypto';
import type {
  AdReferral,
  InboundEvent,
  InboundMessageEvent,
  MessageContext,
  SenderIdentity,
  StatusEvent,
  WaError,
} from './events.js';
import {
  changeSchema,
  contactSchema,
  contextSchema,
  entrySchema,
  envelopeSchema,
  firstIssue,
  isTypedMessageType,
  messageBaseSchema,
  messagePartSchemas,
  messagesValueSchema,
  partlessMessageTypes,
  referralSchema,
  statusSchema,
  buttonReplySchema,
  listReplySchema,
  nfmReplySchema,
  type CloudApiContact,
  type CloudApiError,
  type CloudApiMessagePart,
  type TypedMessageType,
} from './webhook-schema.js';

export { uniqueEvents } from './events.js';

export class WebhookBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookBodyError';
  }
}

/** Something in the body that is neither an event nor an acknowledged field, with why. */
export interface InvalidItem {
  reason: string;
  raw: unknown;
}

/** A buyer's WhatsApp preference (`user_preferences`: marketing messages stop / resume). */
export interface PreferenceEvent {
  phoneNumberId: string;
  waId: string;
  category: string;
  value: string;
  at: string;
}

export interface ParsedWebhook {
  events: InboundEvent[];
  /** `user_preferences` changes: consent, applied to the contact by ingress. */
  preferences: PreferenceEvent[];
  /** Changes of fields other than `messages` (account updates, template status...): acknowledged, logged. */
  otherFields: string[];
  /** Statuses without an id or a status, and entries/changes that cannot be read: never silently lost. */
  invalid: InvalidItem[];
}

export interface ParseOptions {
  /** The time for events whose timestamp is missing or unusable (default: now). */
  now?: () => Date;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A non-empty string, else undefined. */
const nz = (v: string | undefined): string | undefined => (v !== undefined && v.length > 0 ? v : undefined);

/**
 * Bounds on what reaches a workflow id, a search attribute, an index or a signal. Meta's own values
 * are far shorter; a longer one is not an id (it would fail a workflow task or a unique index).
 */
export const LIMITS = {
  /** wa_id / user_id / parent_user_id: a longer one counts as absent (the message becomes an orphan, kept). */
  senderId: 128,
  /** phone_number_id: part of the workflow id. */
  phoneNumberId: 64,
  /** A message or status id; a longer message id is replaced by a synthetic one (the raw JSON keeps it). */
  messageId: 512,
  statusName: 64,
  /** Names shown to agents. */
  name: 256,
  /** The text a decision reads (the raw JSON keeps all of it). */
  text: 65_536,
  /** Serialised size of one event in a signal; above it the event keeps only what decisions need. */
  eventBytes: 64 * 1024,
} as const;

const boundedId = (v: string | undefined, max: number): string | undefined => {
  const s = nz(v);
  return s !== undefined && s.length <= max ? s : undefined;
};
const cut = (v: string | undefined, max: number): string | undefined => (v !== undefined && v.length > max ? v.slice(0, max) : v);

/** Drops undefined values; undefined when nothing is left. */
function compact<T extends object>(o: T): T | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    out[k] = v;
    any = true;
  }
  return any ? (out as T) : undefined;
}

/** Throws WebhookBodyError when the body is not a Cloud API webhook at all. */
export function parseWebhook(body: unknown, opts: ParseOptions = {}): ParsedWebhook {
  const env = envelopeSchema.safeParse(body);
  if (!env.success) {
    throw new WebhookBodyError(`not a WhatsApp Cloud API webhook body: ${firstIssue(env.error)}`);
  }
  const now = opts.now ?? (() => new Date());
  const out: ParsedWebhook = { events: [], preferences: [], otherFields: [], invalid: [] };

  env.data.entry.forEach((rawEntry, i) => {
    const where = `entry[${i}]`;
    const entry = entrySchema.safeParse(rawEntry);
    if (!entry.success) {
      out.invalid.push({ reason: `${where}: ${isObj(rawEntry) ? firstIssue(entry.error) : 'not an object'}`, raw: rawEntry });
      return;
    }
    (entry.data.changes ?? []).forEach((rawChange, j) => {
      const at = `${where}.changes[${j}]`;
      const change = changeSchema.safeParse(rawChange);
      if (!change.success) {
        out.invalid.push({ reason: `${at}: ${isObj(rawChange) ? firstIssue(change.error) : 'not an object'}`, raw: rawChange });
        return;
      }
      if (change.data.field === 'user_preferences') {
        readPreferences(change.data.value, at, now, out);
        return;
      }
      if (change.data.field !== 'messages') {
        out.otherFields.push(change.data.field);
        return;
      }
      readMessagesChange(change.data.value, at, now, out);
    });
  });
  return out;
}

function readMessagesChange(rawValue: unknown, where: string, now: () => Date, out: ParsedWebhook, retry = true): void {
  const value = messagesValueSchema.safeParse(rawValue);
  if (!value.success) {
    if (!isObj(rawValue) || !retry) {
      out.invalid.push({ reason: `${where}.value: ${isObj(rawValue) ? firstIssue(value.error) : 'not an object'}`, raw: rawValue });
      return;
    }
    // `messages` or `statuses` is there but not an array: report it, read what can be read.
    for (const key of ['messages', 'statuses'] as const) {
      if (rawValue[key] !== undefined && !Array.isArray(rawValue[key])) {
        out.invalid.push({ reason: `${where}.value.${key}: not an array`, raw: rawValue[key] });
      }
    }
    const rest: Json = { ...rawValue };
    if (!Array.isArray(rest.messages)) delete rest.messages;
    if (!Array.isArray(rest.statuses)) delete rest.statuses;
    readMessagesChange(rest, where, now, out, false);
    return;
  }
  const v = value.data;
  const phoneNumberId = boundedId(v.metadata?.phone_number_id, LIMITS.phoneNumberId) ?? 'unknown';
  const displayPhoneNumber = boundedId(v.metadata?.display_phone_number, LIMITS.phoneNumberId);
  const contacts = v.contacts ?? [];
  const metaOf = { phoneNumberId, displayPhoneNumber, contacts, now };

  const raw = rawValue as Json; // the original arrays: events keep the original objects as `raw`
  const messages = Array.isArray(raw.messages) ? raw.messages : [];
  const statuses = Array.isArray(raw.statuses) ? raw.statuses : [];
  for (const m of messages) out.events.push(messageEvent(m, metaOf));
  statuses.forEach((s, k) => {
    const ev = statusEvent(s, metaOf);
    if (typeof ev === 'string') out.invalid.push({ reason: `${where}.value.statuses[${k}]: ${ev}`, raw: s });
    else out.events.push(ev);
  });
}

/** `user_preferences` items; an unreadable one is kept as invalid (never silently lost). */
function readPreferences(rawValue: unknown, where: string, now: () => Date, out: ParsedWebhook): void {
  if (!isObj(rawValue) || !Array.isArray(rawValue.user_preferences)) {
    out.invalid.push({ reason: `${where}.value: user_preferences must be a list`, raw: rawValue });
    return;
  }
  const meta = isObj(rawValue.metadata) ? rawValue.metadata : {};
  const phoneNumberId = boundedId(typeof meta.phone_number_id === 'string' ? meta.phone_number_id : undefined, LIMITS.phoneNumberId) ?? 'unknown';
  rawValue.user_preferences.forEach((p: unknown, k: number) => {
    const waId = isObj(p) ? boundedId(typeof p.wa_id === 'string' ? p.wa_id : undefined, LIMITS.senderId) : undefined;
    const category = isObj(p) && typeof p.category === 'string' ? p.category.slice(0, 64) : undefined;
    const value = isObj(p) && typeof p.value === 'string' ? p.value.slice(0, 32) : undefined;
    if (!waId || !category || !value) {
      out.invalid.push({ reason: `${where}.value.user_preferences[${k}]: needs wa_id, category and value`, raw: p });
      return;
    }
    const ts = isObj(p) ? Number(p.timestamp) : NaN;
    out.preferences.push({ phoneNumberId, waId, category, value, at: isoOf(Number.isFinite(ts) ? ts : undefined, now) });
  });
}

interface ChangeMeta {
  phoneNumberId: string;
  displayPhoneNumber: string | undefined;
  contacts: CloudApiContact[];
  now: () => Date;
}

// ---- identities -----------------------------------------------------------------------------

interface Ids {
  waId?: string | undefined;
  userId?: string | undefined;
  parentUserId?: string | undefined;
}

/** The identity of a message's sender (or a status's recipient), completed from `contacts[]`. */
function identityOf(ids: Ids, contacts: CloudApiContact[]): SenderIdentity {
  let contact = contacts.find(
    (c) => (ids.waId !== undefined && c.wa_id === ids.waId) || (ids.userId !== undefined && c.user_id === ids.userId),
  );
  if (!contact && contacts.length === 1) {
    // One contact per change is the rule: take it unless it names someone else.
    const c = contacts[0]!;
    const conflict =
      (ids.userId !== undefined && nz(c.user_id) !== undefined && c.user_id !== ids.userId) ||
      (ids.waId !== undefined && nz(c.wa_id) !== undefined && c.wa_id !== ids.waId);
    if (!conflict) contact = c;
  }
  const sender: SenderIdentity = {};
  const waId = boundedId(ids.waId ?? nz(contact?.wa_id), LIMITS.senderId);
  const userId = boundedId(ids.userId ?? nz(contact?.user_id), LIMITS.senderId);
  const parentUserId = boundedId(ids.parentUserId ?? nz(contact?.parent_user_id), LIMITS.senderId);
  const username = cut(nz(contact?.profile?.username) ?? nz(contact?.username), LIMITS.name);
  const profileName = cut(nz(contact?.profile?.name), LIMITS.name);
  if (waId) sender.waId = waId;
  if (userId) sender.userId = userId;
  if (parentUserId) sender.parentUserId = parentUserId;
  if (username) sender.username = username;
  if (profileName) sender.profileName = profileName;
  return sender;
}

// ---- messages -------------------------------------------------------------------------------

/** A deterministic id for a message without one: the same JSON (redelivered) gets the same id. */
export function syntheticMessageId(m: unknown): string {
  return `synthetic:${createHash('sha256').update(stableStringify(m)).digest('hex').slice(0, 32)}`;
}

/** JSON with sorted keys, tolerant of anything (cycles, bigint, undefined). */
function stableStringify(v: unknown, seen: Set<unknown> = new Set()): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(v.toString());
    case 'object': {
      if (seen.has(v)) return '"[circular]"';
      seen.add(v);
      let s: string;
      if (Array.isArray(v)) s = `[${v.map((x) => stableStringify(x, seen)).join(',')}]`;
      else {
        const o = v as Json;
        s = `{${Object.keys(o)
          .sort()
          .filter((k) => o[k] !== undefined)
          .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k], seen)}`)
          .join(',')}}`;
      }
      seen.delete(v);
      return s;
    }
    default:
      return 'null';
  }
}

/** Unix seconds -> ISO-8601; the fallback when missing or out of range. */
function isoOf(ts: number | undefined, now: () => Date): string {
  if (ts !== undefined && Number.isFinite(ts) && ts > 0 && ts * 1000 <= 8.64e15) return new Date(ts * 1000).toISOString();
  return now().toISOString();
}

function waErrors(errors: CloudApiError[] | undefined): WaError[] | undefined {
  if (!errors || errors.length === 0) return undefined;
  const out = errors
    .map((e) =>
      compact<WaError>({
        code: e.code,
        title: nz(e.title),
        message: nz(e.message),
        details: nz(e.error_data?.details),
        href: nz(e.href),
      }),
    )
    .filter((e): e is WaError => e !== undefined);
  return out.length > 0 ? out : undefined;
}

function contextOf(c: ReturnType<typeof contextSchema.parse> | undefined): MessageContext | undefined {
  if (!c) return undefined;
  return compact<MessageContext>({
    replyToId: nz(c.id),
    replyToFrom: nz(c.from),
    replyToFromUserId: nz(c.from_user_id),
    forwarded: c.forwarded,
    frequentlyForwarded: c.frequently_forwarded,
    referredProduct: c.referred_product
      ? compact({ catalogId: nz(c.referred_product.catalog_id), productRetailerId: nz(c.referred_product.product_retailer_id) })
      : undefined,
  });
}

function referralOf(r: ReturnType<typeof referralSchema.parse> | undefined): AdReferral | undefined {
  if (!r) return undefined;
  return compact<AdReferral>({
    sourceUrl: nz(r.source_url),
    sourceId: nz(r.source_id),
    sourceType: nz(r.source_type),
    headline: nz(r.headline),
    body: nz(r.body),
    mediaType: nz(r.media_type),
    imageUrl: nz(r.image_url),
    videoUrl: nz(r.video_url),
    thumbnailUrl: nz(r.thumbnail_url),
    ctwaClid: nz(r.ctwa_clid),
    welcomeMessageText: nz(r.welcome_message?.text),
  });
}

type PartFields = Partial<
  Pick<
    InboundMessageEvent,
    | 'mediaId' | 'mimeType' | 'sha256' | 'filename' | 'mediaUrl' | 'voice' | 'animated' | 'location' | 'sharedContacts'
    | 'interactive' | 'button' | 'reaction' | 'order' | 'systemType' | 'newWaId' | 'newUserId'
  >
>;

interface Described {
  text: string | null;
  fields: PartFields;
}

function mediaFields(p: { id: string; mime_type?: string | undefined; sha256?: string | undefined; url?: string | undefined }): PartFields {
  return compact<PartFields>({ mediaId: p.id, mimeType: nz(p.mime_type), sha256: nz(p.sha256), mediaUrl: nz(p.url) }) ?? {};
}

/** Text and extra fields of a valid typed part. */
function describe<T extends TypedMessageType>(type: T, part: CloudApiMessagePart<T>): Described {
  switch (type) {
    case 'text': {
      const p = part as CloudApiMessagePart<'text'>;
      return { text: nz(p.body) ?? null, fields: {} };
    }
    case 'image':
    case 'video': {
      const p = part as CloudApiMessagePart<'image'>;
      return { text: nz(p.caption) ?? null, fields: mediaFields(p) };
    }
    case 'audio': {
      const p = part as CloudApiMessagePart<'audio'>;
      return { text: null, fields: { ...mediaFields(p), ...compact({ voice: p.voice }) } };
    }
    case 'sticker': {
      const p = part as CloudApiMessagePart<'sticker'>;
      return { text: null, fields: { ...mediaFields(p), ...compact({ animated: p.animated }) } };
    }
    case 'document': {
      const p = part as CloudApiMessagePart<'document'>;
      return {
        text: nz(p.caption) ?? nz(p.filename) ?? null,
        fields: { ...mediaFields(p), ...compact({ filename: nz(p.filename) }) },
      };
    }
    case 'location': {
      const p = part as CloudApiMessagePart<'location'>;
      const location = { latitude: p.latitude, longitude: p.longitude, ...compact({ name: nz(p.name), address: nz(p.address), url: nz(p.url) }) };
      return { text: [nz(p.name), nz(p.address)].filter(Boolean).join(', ') || null, fields: { location } };
    }
    case 'contacts': {
      const p = part as CloudApiMessagePart<'contacts'>;
      const sharedContacts = p.map((c) => {
        const n = c.name;
        const name =
          nz(n?.formatted_name) ?? ([nz(n?.first_name), nz(n?.middle_name), nz(n?.last_name)].filter(Boolean).join(' ') || null);
        const phones = (c.phones ?? []).map((ph) => nz(ph.phone)).filter((x): x is string => x !== undefined);
        const waIds = (c.phones ?? []).map((ph) => nz(ph.wa_id)).filter((x): x is string => x !== undefined);
        return { name, phones, waIds };
      });
      const names = sharedContacts.map((c) => c.name).filter((x): x is string => x !== null);
      return { text: names.join(', ') || null, fields: { sharedContacts } };
    }
    case 'interactive': {
      const p = part as CloudApiMessagePart<'interactive'>;
      const sub = (p as Record<string, unknown>)[p.type];
      if (p.type === 'button_reply') {
        const r = buttonReplySchema.parse(sub);
        return { text: nz(r.title) ?? null, fields: { interactive: { type: p.type, id: r.id, title: r.title } } };
      }
      if (p.type === 'list_reply') {
        const r = listReplySchema.parse(sub);
        const interactive = { type: p.type, id: r.id, title: r.title, ...compact({ description: nz(r.description) }) };
        return { text: nz(r.title) ?? null, fields: { interactive } };
      }
      if (p.type === 'nfm_reply') {
        const r = nfmReplySchema.parse(sub);
        const interactive = { type: p.type, responseJson: r.response_json, ...compact({ title: nz(r.body), flowName: nz(r.name) }) };
        return { text: nz(r.body) ?? nz(r.response_json) ?? null, fields: { interactive } };
      }
      const title = isObj(sub) && typeof sub.title === 'string' ? nz(sub.title) : undefined;
      const id = isObj(sub) && typeof sub.id === 'string' ? nz(sub.id) : undefined;
      return { text: title ?? null, fields: { interactive: { type: p.type, ...compact({ id, title }) } } };
    }
    case 'button': {
      const p = part as CloudApiMessagePart<'button'>;
      return { text: nz(p.text) ?? nz(p.payload) ?? null, fields: { button: compact({ payload: p.payload, text: p.text }) ?? {} } };
    }
    case 'reaction': {
      const p = part as CloudApiMessagePart<'reaction'>;
      const emoji = nz(p.emoji);
      return { text: emoji ?? null, fields: { reaction: { messageId: p.message_id, ...compact({ emoji }) } } };
    }
    case 'order': {
      const p = part as CloudApiMessagePart<'order'>;
      const items = p.product_items.map(
        (it) =>
          compact({
            productRetailerId: nz(it.product_retailer_id),
            quantity: it.quantity,
            itemPrice: it.item_price,
            currency: nz(it.currency),
          }) ?? {},
      );
      return { text: nz(p.text) ?? null, fields: { order: { items, ...compact({ catalogId: nz(p.catalog_id), text: nz(p.text) }) } } };
    }
    case 'system': {
      const p = part as CloudApiMessagePart<'system'>;
      const fields = compact<PartFields>({
        systemType: nz(p.type),
        newWaId: boundedId(nz(p.wa_id) ?? nz(p.new_wa_id), LIMITS.senderId),
        newUserId: boundedId(nz(p.user_id) ?? nz(p.new_user_id), LIMITS.senderId),
      });
      return { text: nz(p.body) ?? null, fields: fields ?? {} };
    }
    default:
      return { text: null, fields: {} };
  }
}

type Typing = { type: string; described?: Described; declaredType?: string; unsupportedReason?: string };

/** Decide the type of a message: its declared type when its typed part is valid, else `unsupported`. */
function typeOf(m: unknown, declared: string | undefined, errors: WaError[] | undefined): Typing {
  if (!isObj(m)) return { type: 'unsupported', unsupportedReason: 'the message is not an object' };
  if (declared === undefined || declared.length === 0) return { type: 'unsupported', unsupportedReason: 'the message has no type' };
  if (partlessMessageTypes.has(declared)) {
    if (declared === 'unsupported' || declared === 'unknown') {
      const e = errors?.[0];
      const why = e ? [e.code, e.details ?? e.message ?? e.title].filter((x) => x !== undefined).join(' ') : undefined;
      const t: Typing = { type: 'unsupported', unsupportedReason: `unsupported by WhatsApp${why ? `: ${why}` : ''}` };
      if (declared === 'unknown') t.declaredType = 'unknown';
      return t;
    }
    return { type: declared };
  }
  if (!isTypedMessageType(declared)) {
    return { type: 'unsupported', declaredType: declared, unsupportedReason: `unknown message type '${declared}'` };
  }
  if (m[declared] === undefined) {
    return { type: 'unsupported', declaredType: declared, unsupportedReason: `${declared}: missing` };
  }
  const r = messagePartSchemas[declared].safeParse(m[declared]);
  if (!r.success) {
    return { type: 'unsupported', declaredType: declared, unsupportedReason: firstIssue(r.error, declared) };
  }
  return { type: declared, described: describe(declared, r.data as CloudApiMessagePart<typeof declared>) };
}

function messageEvent(m: unknown, meta: ChangeMeta): InboundMessageEvent {
  const base = messageBaseSchema.safeParse(m);
  const b = base.success ? base.data : undefined;
  const id = boundedId(b?.id, LIMITS.messageId);
  const errors = waErrors(b?.errors);
  const typing = typeOf(m, b?.type, errors);
  const sender = b
    ? identityOf({ waId: nz(b.from), userId: nz(b.from_user_id), parentUserId: nz(b.from_parent_user_id) }, meta.contacts)
    : {};
  const ev: InboundMessageEvent = {
    kind: 'message',
    waMessageId: id ?? syntheticMessageId(m),
    phoneNumberId: meta.phoneNumberId,
    sender,
    type: typing.type,
    text: cut(typing.described?.text ?? undefined, LIMITS.text) ?? null,
    at: isoOf(b?.timestamp, meta.now),
    raw: m,
  };
  if (meta.displayPhoneNumber) ev.displayPhoneNumber = meta.displayPhoneNumber;
  if (!id) ev.syntheticId = true;
  if (typing.declaredType !== undefined) ev.declaredType = typing.declaredType;
  if (typing.unsupportedReason !== undefined) ev.unsupportedReason = typing.unsupportedReason;
  const context = contextOf(b?.context);
  if (context) ev.context = context;
  const referral = referralOf(b?.referral);
  if (referral) ev.referral = referral;
  if (errors) ev.errors = errors;
  if (typing.described) Object.assign(ev, typing.described.fields);
  return slimmed(ev);
}

/**
 * An event too big for a signal (a huge interactive reply, an order of thousands of items) keeps
 * only what decisions read; everything is still in its raw JSON, stored by ingress.
 */
function slimmed(ev: InboundMessageEvent): InboundMessageEvent {
  const { raw: _raw, ...rest } = ev;
  if (JSON.stringify(rest).length <= LIMITS.eventBytes) return ev;
  const slim: InboundMessageEvent = {
    kind: 'message',
    waMessageId: ev.waMessageId,
    phoneNumberId: ev.phoneNumberId,
    sender: ev.sender,
    type: ev.type,
    text: ev.text !== null ? ev.text.slice(0, 4096) : null,
    at: ev.at,
    raw: ev.raw,
  };
  for (const k of ['displayPhoneNumber', 'syntheticId', 'declaredType', 'mediaId', 'mimeType', 'sha256', 'systemType', 'newWaId', 'newUserId'] as const) {
    if (ev[k] !== undefined) (slim as unknown as Record<string, unknown>)[k] = ev[k];
  }
  return slim;
}

/** The readable part of a message, for the timeline and the classifier (null when none or malformed). */
export function textOf(type: string, m: Json): string | null {
  if (!isTypedMessageType(type)) return null;
  const r = messagePartSchemas[type].safeParse(m[type]);
  return r.success ? describe(type, r.data as CloudApiMessagePart<typeof type>).text : null;
}

// ---- statuses -------------------------------------------------------------------------------

/** A status event, or the reason it is invalid. */
function statusEvent(s: unknown, meta: ChangeMeta): StatusEvent | string {
  if (!isObj(s)) return 'not an object';
  if (typeof s.id === 'string' && s.id.length > LIMITS.messageId) return `a status id longer than ${LIMITS.messageId} characters`;
  if (typeof s.status === 'string' && s.status.length > LIMITS.statusName) return `a status name longer than ${LIMITS.statusName} characters`;
  const r = statusSchema.safeParse(s);
  if (!r.success) {
    if (nz(typeof s.id === 'string' ? s.id : undefined) === undefined) return 'a status needs an id';
    if (nz(typeof s.status === 'string' ? s.status : undefined) === undefined) return 'a status needs a status';
    return firstIssue(r.error);
  }
  const d = r.data;
  const errors = waErrors(d.errors);
  const ev: StatusEvent = {
    kind: 'status',
    waMessageId: d.id,
    phoneNumberId: meta.phoneNumberId,
    status: d.status,
    at: isoOf(d.timestamp, meta.now),
    raw: s,
  };
  if (meta.displayPhoneNumber) ev.displayPhoneNumber = meta.displayPhoneNumber;
  const recipientIds = { waId: nz(d.recipient_id), userId: nz(d.recipient_user_id), parentUserId: nz(d.recipient_parent_user_id) };
  const recipientId = recipientIds.waId ?? recipientIds.userId;
  if (recipientId) ev.recipientId = recipientId;
  const recipient = identityOf(recipientIds, meta.contacts);
  if (Object.keys(recipient).length > 0) ev.recipient = recipient;
  if (errors) {
    ev.errors = errors;
    const first = errors[0]!;
    if (first.code !== undefined) ev.errorCode = first.code;
    const title = first.title ?? first.message;
    if (title) ev.errorTitle = title;
  }
  const conversation = d.conversation
    ? compact({
        id: nz(d.conversation.id),
        originType: nz(d.conversation.origin?.type),
        expiresAt:
          d.conversation.expiration_timestamp !== undefined
            ? isoOrUndefined(d.conversation.expiration_timestamp)
            : undefined,
      })
    : undefined;
  if (conversation) ev.conversation = conversation;
  const pricing = d.pricing
    ? compact({
        billable: d.pricing.billable,
        pricingModel: nz(d.pricing.pricing_model),
        category: nz(d.pricing.category),
        type: nz(d.pricing.type),
      })
    : undefined;
  if (pricing) ev.pricing = pricing;
  const cb = nz(d.biz_opaque_callback_data);
  if (cb) ev.bizOpaqueCallbackData = cb;
  return ev;
}

function isoOrUndefined(ts: number): string | undefined {
  return Number.isFinite(ts) && ts > 0 && ts * 1000 <= 8.64e15 ? new Date(ts * 1000).toISOString() : undefined;
}
