// The events Threadline takes from a Cloud API webhook body: small, plain, serialisable.
// They travel in the `inbound` signal, so they carry only what decisions and records need
// (the raw JSON of the one message or status, not the whole body).
// This file is bundled into workflow code: keep it free of Node imports.

export interface SenderIdentity {
  /** Phone-based WhatsApp id (`from` / `contacts[].wa_id`). */
  waId?: string;
  /** Meta's business-scoped user id (`from_user_id` / `contacts[].user_id`), for senders with no phone. */
  userId?: string;
  parentUserId?: string;
  username?: string;
  profileName?: string;
}

/** One entry of a Cloud API `errors` array. */
export interface WaError {
  code?: number;
  title?: string;
  message?: string;
  /** `error_data.details` */
  details?: string;
  href?: string;
}

/** `context` of an inbound message: what it replies to, whether it was forwarded. */
export interface MessageContext {
  /** `context.id`: the wamid the customer replied to (or of the product message asked about). */
  replyToId?: string;
  /** `context.from`: who sent the message replied to (usually the business number). */
  replyToFrom?: string;
  /** `context.from_user_id`, when the replied-to sender is known only by a user id. */
  replyToFromUserId?: string;
  forwarded?: boolean;
  frequentlyForwarded?: boolean;
  /** `context.referred_product`: the catalog product the customer asked about. */
  referredProduct?: { catalogId?: string; productRetailerId?: string };
}

/** `referral`: the click-to-WhatsApp ad or post the customer came from. */
export interface AdReferral {
  sourceUrl?: string;
  sourceId?: string;
  /** `ad` or `post`. */
  sourceType?: string;
  headline?: string;
  body?: string;
  mediaType?: string;
  imageUrl?: string;
  videoUrl?: string;
  thumbnailUrl?: string;
  /** Click-to-WhatsApp click id, for conversion attribution. */
  ctwaClid?: string;
  welcomeMessageText?: string;
}

/** One contact card of a `contacts` message. */
export interface SharedContact {
  name: string | null;
  phones: string[];
  waIds: string[];
}

export interface OrderItem {
  productRetailerId?: string;
  quantity?: number;
  itemPrice?: number;
  currency?: string;
}

export interface InboundMessageEvent {
  kind: 'message';
  waMessageId: string;
  phoneNumberId: string;
  displayPhoneNumber?: string;
  sender: SenderIdentity;
  /** The Cloud API type (`text`, `image`, ...), or `unsupported` when unknown or malformed. */
  type: string;
  /** The readable text of the message (body, caption, button title...), if any. */
  text: string | null;
  /** When WhatsApp says it was sent (ISO-8601 UTC). */
  at: string;
  raw: unknown;

  /** True when the message had no usable `id` and `waMessageId` is a hash of its JSON. */
  syntheticId?: boolean;
  /** For `unsupported`: the type the message declared, if any and different. */
  declaredType?: string;
  /** For `unsupported`: why (unknown type, malformed content, WhatsApp's own error). */
  unsupportedReason?: string;
  context?: MessageContext;
  referral?: AdReferral;
  /** `errors` on the message (WhatsApp's `unsupported` messages carry them). */
  errors?: WaError[];

  /** Media (image, audio, video, document, sticker). */
  mediaId?: string;
  mimeType?: string;
  sha256?: string;
  filename?: string;
  /** Some webhooks carry a direct media `url`. */
  mediaUrl?: string;
  /** Audio recorded as a voice note. */
  voice?: boolean;
  /** Animated sticker. */
  animated?: boolean;

  location?: { latitude: number; longitude: number; name?: string; address?: string; url?: string };
  sharedContacts?: SharedContact[];
  /** `interactive`: `type` is button_reply, list_reply, nfm_reply or what WhatsApp sent. */
  interactive?: { type: string; id?: string; title?: string; description?: string; responseJson?: string; flowName?: string };
  /** `button` (template quick-reply button). */
  button?: { payload?: string; text?: string };
  /** `reaction`: no `emoji` means the reaction was removed. */
  reaction?: { messageId: string; emoji?: string };
  order?: { catalogId?: string; text?: string; items: OrderItem[] };

  /** `system`: e.g. `user_changed_number`, `user_changed_user_id`. */
  systemType?: string;
  /** `system.wa_id` / `system.new_wa_id`: the customer's new number. */
  newWaId?: string;
  /** `system.user_id` / `system.new_user_id`: the customer's new business-scoped user id. */
  newUserId?: string;
}

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusEvent {
  kind: 'status';
  waMessageId: string;
  phoneNumberId: string;
  status: DeliveryStatus | string;
  recipientId?: string;
  at: string;
  errorCode?: number;
  errorTitle?: string;
  raw: unknown;

  displayPhoneNumber?: string;
  /** Who the message went to: `recipient_id`, `recipient_user_id`, `recipient_parent_user_id`, and `contacts[]`. */
  recipient?: SenderIdentity;
  errors?: WaError[];
  conversation?: { id?: string; originType?: string; expiresAt?: string };
  pricing?: { billable?: boolean; pricingModel?: string; category?: string; type?: string };
  bizOpaqueCallbackData?: string;
}

export type InboundEvent = InboundMessageEvent | StatusEvent;

/** The conversation key: `wa:<phone_number_id>:<sender>`; sender is the wa_id, else the user_id. */
export function conversationWorkflowId(phoneNumberId: string, sender: SenderIdentity): string {
  const who = sender.waId ?? sender.userId;
  if (!who) throw new Error('a sender needs a wa_id or a user_id');
  return `wa:${phoneNumberId}:${who}`;
}

/**
 * Drops exact repeats, first one wins: a message whose id was already seen, a status whose
 * id and status were already seen. A message and a status with the same id are both kept.
 */
export function uniqueEvents<T extends InboundEvent>(events: readonly T[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const ev of events) {
    const key = ev.kind === 'message' ? `m\u0000${ev.waMessageId}` : `s\u0000${ev.waMessageId}\u0000${ev.status}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ev);
  }
  return out;
}
