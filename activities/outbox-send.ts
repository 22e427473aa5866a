// Every send goes through the outbox (db/outbox.ts): the intent first, under the workflow's
// deterministic key, then the Graph call, then the wamid and the outbound message in one write.
// A retry never sends twice: a send already made answers its wamid (from the outbox, or from the
// heartbeat when the record step failed), and an ambiguous failure (a timeout after the request
// left) is marked `unknown` and shown to the agent instead of being retried blindly.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { contacts, conversations } from '../db/schema.js';
import { claimSend, markFailed, markSent, markUnknown, releaseClaim } from '../db/outbox.js';
import type { GraphClient } from '../whatsapp/graph-client.js';
import { mediaKind, type MediaStore } from '../db/media.js';
import { GraphError } from '../whatsapp/graph-errors.js';

/**
 * A Graph failure as the workflow and the API see it: the same `type` (OutsideCustomerServiceWindow,
 * InvalidParameter, WhatsAppRetryable...), retryable or not, Meta's `Retry-After` as the next delay.
 */
export function graphFailure(err: GraphError): ApplicationFailure {
  return ApplicationFailure.create({
    message: err.message,
    type: err.type,
    nonRetryable: !err.retryable,
    details: [err.details],
    ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
    ...(err.cause instanceof Error ? { cause: err.cause } : {}),
  });
}

export interface SendInput {
  /** Deterministic: workflow id + turn (a reply's update id, an acknowledgement's first message...). */
  key: string;
  kind: 'reply' | 'ack' | 'follow_up' | 'template' | string;
  conversationId: string;
  workflowId: string;
  phoneNumberId: string;
  to: { waId?: string | null; userId?: string | null };
  /** The text (for a template: what the timeline shows). */
  text: string;
  /** Kept media to send (an agent's upload): uploaded to WhatsApp at send time, `text` its caption. */
  media?: { sha256: string; mimeType: string; filename: string | null };
  /** An approved template instead of free-form text (outside the 24-hour window). */
  template?: { name: string; language: string; components?: unknown[] };
  /** Agent id, `admin:<token id>`, or 'automation'. */
  sentBy: string;
}

export const SEND_UNKNOWN = 'SendOutcomeUnknown';

async function optedOut(db: Db, conversationId: string): Promise<boolean> {
  const [row] = await db
    .select({ optedOut: contacts.optedOut, marketingOptIn: contacts.marketingOptIn })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(conversations.id, conversationId));
  return !!row && (row.optedOut || !row.marketingOptIn);
}

/** Whether a failed Graph call may have reached Meta: a timeout, or the connection lost after the request left. */
export function mayHaveLeft(err: unknown): boolean {
  if (!(err instanceof GraphError)) return false;
  if (err.details.reason === 'timeout') return true;
  if (err.details.reason !== 'network') return false;
  // Refused or unresolvable: nothing left this machine.
  const cause = err.cause as (Error & { cause?: unknown; code?: string }) | undefined;
  const text = `${err.message} ${cause?.message ?? ''} ${String((cause?.cause as { code?: string })?.code ?? cause?.code ?? '')}`;
  return !/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH/.test(text);
}

export function createOutboxSendActivities(db: Db, graph: GraphClient | undefined, store?: MediaStore) {
  return {
    /** Marks the buyer's message (and those before it) read on WhatsApp. */
    async markRead(input: { phoneNumberId: string; waMessageId: string }): Promise<void> {
      if (!graph) throw ApplicationFailure.nonRetryable('no WhatsApp Graph API is configured for this worker (WHATSAPP_ACCESS_TOKEN)', 'NotConfigured');
      try {
        await graph.markAsRead(input.phoneNumberId, input.waMessageId);
      } catch (err) {
        if (err instanceof GraphError && !err.retryable) throw ApplicationFailure.nonRetryable(err.message, 'ReadReceiptRefused');
        throw err;
      }
    },
    async send(input: SendInput): Promise<{ waMessageId: string }> {
      const ctx = Context.current();
      // The Graph call succeeded in an earlier attempt and only the record failed: record, do not send.
      const before = ctx.info.heartbeatDetails as { waMessageId?: string; raw?: unknown; at?: string } | undefined;
      if (before?.waMessageId) {
        await markSent(db, input.key, { waMessageId: before.waMessageId, at: before.at ?? new Date().toISOString(), raw: before.raw });
        return { waMessageId: before.waMessageId };
      }
      // Consent, checked at the moment of sending: an opted-out buyer gets nothing automated.
      if (input.sentBy === 'automation' && (await optedOut(db, input.conversationId))) {
        throw ApplicationFailure.create({ message: 'the buyer opted out: no automated message', type: 'RecipientOptedOut', nonRetryable: true });
      }
      const claim = await claimSend(db, {
        key: input.key,
        conversationId: input.conversationId,
        workflowId: input.workflowId,
        kind: input.kind,
        request: input.template
          ? { type: 'template', text: input.text, template: input.template }
          : input.media
            ? { type: mediaKind(input.media.mimeType), text: input.text, media: input.media }
            : { type: 'text', text: input.text },
        sentBy: input.sentBy,
      });
      if (!claim.go) {
        if (claim.status === 'sent') return { waMessageId: claim.waMessageId };
        if (claim.status === 'failed') {
          throw ApplicationFailure.create({ message: claim.error ?? 'the send failed', type: 'SendFailed', nonRetryable: true, details: [{ code: claim.errorCode }] });
        }
        throw ApplicationFailure.create({ message: claim.error ?? 'the outcome of this send is not known', type: SEND_UNKNOWN, nonRetryable: true });
      }
      if (!graph) {
        await markFailed(db, input.key, { code: null, error: 'no WhatsApp Graph API is configured for this worker (WHATSAPP_ACCESS_TOKEN)' });
        throw ApplicationFailure.nonRetryable('no WhatsApp Graph API is configured for this worker (WHATSAPP_ACCESS_TOKEN)', 'NotConfigured');
      }
      const to = { ...(input.to.waId ? { waId: input.to.waId } : {}), ...(input.to.userId ? { userId: input.to.userId } : {}) };
      let sent: { waMessageId: string; raw: unknown };
      try {
        if (input.media) {
          const bytes = store ? await store.get(input.media.sha256) : null;
          if (!bytes) throw ApplicationFailure.nonRetryable('the media to send is not in this worker\'s media store', 'MediaMissing');
          const up = await graph.uploadMedia(input.phoneNumberId, bytes, input.media.mimeType, { filename: input.media.filename, signal: ctx.cancellationSignal });
          const kind = mediaKind(input.media.mimeType);
          sent = await graph.sendMedia(input.phoneNumberId, to, kind, { id: up.id, ...(input.text ? { caption: input.text } : {}), ...(input.media.filename ? { filename: input.media.filename } : {}) }, { signal: ctx.cancellationSignal });
        } else {
          sent = input.template
            ? await graph.sendTemplate(input.phoneNumberId, to, input.template as Parameters<GraphClient['sendTemplate']>[2], { signal: ctx.cancellationSignal })
            : await graph.sendText(input.phoneNumberId, to, input.text, { signal: ctx.cancellationSignal });
        }
      } catch (err) {
        if (mayHaveLeft(err)) {
          const why = `the WhatsApp request left and no answer came (${(err as Error).message}); it may or may not have reached the buyer`;
          await markUnknown(db, input.key, why);
          throw ApplicationFailure.create({ message: why, type: SEND_UNKNOWN, nonRetryable: true });
        }
        if (!(err instanceof GraphError)) {
          // Stopped from here (a person acted and the send was cancelled) while the request may have
          // been on its way: honest about it, never retried blindly.
          await markUnknown(db, input.key, `the send was stopped while it may have been on its way (${(err as Error).message})`);
          throw err;
        }
        if (err.retryable) {
          // Refused before Meta took it (a rate limit, an outage): the intent goes back to pending.
          await releaseClaim(db, input.key, err.message);
        } else {
          await markFailed(db, input.key, { code: err.code, error: err.message });
        }
        throw graphFailure(err);
      }
      const at = new Date().toISOString();
      // Kept with the attempt: if the record below fails, the retry records this wamid instead of sending again.
      ctx.heartbeat({ waMessageId: sent.waMessageId, raw: sent.raw, at });
      await markSent(db, input.key, { waMessageId: sent.waMessageId, at, raw: sent.raw });
      return { waMessageId: sent.waMessageId };
    },
  };
}
