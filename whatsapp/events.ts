// The events Threadline takes from a Cloud API webhook body: small, plain, serialisable.
// They travel in the `inbound` signal, so they carry only what decisions and records need
// (the raw JSON of the one message or status, not the whole body).

export interface SenderIdentity {
  /** Phone-based WhatsApp id (`from` / `contacts[].wa_id`). */
  waId?: string;
  /** Meta's business-scoped user id (`from_user_id` / `contacts[].user_id`), for senders with no phone. */
  userId?: string;
  parentUserId?: string;
  username?: string;
  profileName?: string;
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
}

export type InboundEvent = InboundMessageEvent | StatusEvent;

/** The conversation key: `wa:<phone_number_id>:<sender>`; sender is the wa_id, else the user_id. */
export function conversationWorkflowId(phoneNumberId: string, sender: SenderIdentity): string {
  const who = sender.waId ?? sender.userId;
  if (!who) throw new Error('a sender needs a wa_id or a user_id');
  return `wa:${phoneNumberId}:${who}`;
}
