// Cloud API webhook body -> InboundEvents. Total: every message of every change of every entry
// becomes an event; what cannot be understood becomes an `unsupported` message with its raw JSON.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { InboundEvent, InboundMessageEvent, SenderIdentity, StatusEvent } from './events.js';

const envelopeSchema = z.object({
  object: z.string(),
  entry: z.array(
    z.object({
      id: z.string().optional(),
      changes: z.array(z.object({ field: z.string(), value: z.unknown() }).passthrough()).optional(),
    }).passthrough(),
  ),
});

export class WebhookBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookBodyError';
  }
}

export interface ParsedWebhook {
  events: InboundEvent[];
  /** Changes of fields other than `messages` (account updates, template status...): acknowledged, logged. */
  otherFields: string[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined);

/** Throws WebhookBodyError when the body is not a Cloud API webhook at all. */
export function parseWebhook(body: unknown): ParsedWebhook {
  const env = envelopeSchema.safeParse(body);
  if (!env.success) {
    const first = env.error.issues[0]!;
    throw new WebhookBodyError(
      `not a WhatsApp Cloud API webhook body: ${first.path.join('.') || '(root)'}: ${first.message}`,
    );
  }
  const events: InboundEvent[] = [];
  const otherFields: string[] = [];
  for (const entry of env.data.entry) {
    for (const change of entry.changes ?? []) {
      if (change.field !== 'messages' || !isObj(change.value)) {
        otherFields.push(change.field);
        continue;
      }
      events.push(...eventsOfChange(change.value));
    }
  }
  return { events, otherFields };
}

function eventsOfChange(value: Json): InboundEvent[] {
  const metadata = isObj(value.metadata) ? value.metadata : {};
  const phoneNumberId = str(metadata.phone_number_id) ?? 'unknown';
  const displayPhoneNumber = str(metadata.display_phone_number);
  const contacts = Array.isArray(value.contacts) ? value.contacts.filter(isObj) : [];
  const out: InboundEvent[] = [];

  for (const m of Array.isArray(value.messages) ? value.messages : []) {
    out.push(messageEvent(m, contacts, phoneNumberId, displayPhoneNumber));
  }
  for (const s of Array.isArray(value.statuses) ? value.statuses : []) {
    const ev = statusEvent(s, phoneNumberId);
    if (ev) out.push(ev);
  }
  return out;
}

function senderOf(m: Json, contacts: Json[]): SenderIdentity {
  const from = str(m.from);
  const fromUserId = str(m.from_user_id);
  const contact =
    contacts.find((c) => (from && str(c.wa_id) === from) || (fromUserId && str(c.user_id) === fromUserId)) ??
    (contacts.length === 1 ? contacts[0] : undefined);
  const profile = contact && isObj(contact.profile) ? contact.profile : {};
  const sender: SenderIdentity = {};
  const waId = from ?? (contact ? str(contact.wa_id) : undefined);
  const userId = fromUserId ?? (contact ? str(contact.user_id) : undefined);
  if (waId) sender.waId = waId;
  if (userId) sender.userId = userId;
  const parent = str(m.from_parent_user_id) ?? (contact ? str(contact.parent_user_id) : undefined);
  if (parent) sender.parentUserId = parent;
  const username = str(profile.username) ?? (contact ? str(contact.username) : undefined);
  if (username) sender.username = username;
  const profileName = str(profile.name);
  if (profileName) sender.profileName = profileName;
  return sender;
}

const KNOWN_TYPES = new Set([
  'text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive',
  'button', 'reaction', 'order', 'system', 'unsupported', 'unknown', 'request_welcome', 'ephemeral',
]);

function messageEvent(m: unknown, contacts: Json[], phoneNumberId: string, displayPhoneNumber?: string): InboundMessageEvent {
  const raw = m;
  const msg = isObj(m) ? m : {};
  const id = str(msg.id) ?? `unsupported:${createHash('sha256').update(JSON.stringify(m ?? null)).digest('hex').slice(0, 32)}`;
  const declared = str(msg.type);
  const type = declared && KNOWN_TYPES.has(declared) && isObj(msg[declared] ?? {}) ? (declared === 'unknown' ? 'unsupported' : declared) : 'unsupported';
  const ts = Number(str(msg.timestamp));
  const at = Number.isFinite(ts) && ts > 0 ? new Date(ts * 1000).toISOString() : new Date().toISOString();
  const ev: InboundMessageEvent = {
    kind: 'message',
    waMessageId: id,
    phoneNumberId,
    sender: senderOf(msg, contacts),
    type,
    text: textOf(type, msg),
    at,
    raw,
  };
  if (displayPhoneNumber) ev.displayPhoneNumber = displayPhoneNumber;
  return ev;
}

/** The readable part of a message, for the timeline and the classifier. */
export function textOf(type: string, m: Json): string | null {
  const part = isObj(m[type]) ? (m[type] as Json) : {};
  switch (type) {
    case 'text':
      return str(part.body) ?? null;
    case 'image':
    case 'video':
    case 'document':
      return str(part.caption) ?? (type === 'document' ? str(part.filename) ?? null : null);
    case 'button':
      return str(part.text) ?? str(part.payload) ?? null;
    case 'interactive': {
      for (const k of ['button_reply', 'list_reply']) {
        const r = part[k];
        if (isObj(r)) return str(r.title) ?? null;
      }
      const nfm = part.nfm_reply;
      if (isObj(nfm)) return str(nfm.body) ?? str(nfm.response_json) ?? null;
      return null;
    }
    case 'reaction':
      return str(part.emoji) ?? null;
    case 'location':
      return [str(part.name), str(part.address)].filter(Boolean).join(', ') || null;
    case 'order':
      return str(part.text) ?? null;
    case 'system':
      return str(part.body) ?? null;
    default:
      return null;
  }
}

function statusEvent(s: unknown, phoneNumberId: string): StatusEvent | null {
  if (!isObj(s)) return null;
  const id = str(s.id);
  const status = str(s.status);
  if (!id || !status) return null;
  const ts = Number(str(s.timestamp));
  const errors = Array.isArray(s.errors) ? s.errors.filter(isObj) : [];
  const ev: StatusEvent = {
    kind: 'status',
    waMessageId: id,
    phoneNumberId,
    status,
    at: Number.isFinite(ts) && ts > 0 ? new Date(ts * 1000).toISOString() : new Date().toISOString(),
    raw: s,
  };
  const recipient = str(s.recipient_id) ?? str(s.recipient_user_id);
  if (recipient) ev.recipientId = recipient;
  const code = errors[0] ? Number(errors[0].code) : NaN;
  if (Number.isFinite(code)) ev.errorCode = code;
  const title = errors[0] ? str(errors[0].title) ?? str(errors[0].message) : undefined;
  if (title) ev.errorTitle = title;
  return ev;
}
