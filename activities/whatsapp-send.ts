// Sends through the Graph API and records what was accepted. Graph errors arrive as plain
// GraphErrors (whatsapp/graph-errors.ts) and leave as ApplicationFailures of the same `type`:
// retryable ones are retried by Temporal with backoff (Meta's Retry-After as the next delay),
// non-retryable ones (131047 outside the window, 131026 undeliverable, ...) reach the workflow with
// their code in `details[0]` so it can take another path.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { GraphClient } from '../whatsapp/graph-client.js';
import { GraphError } from '../whatsapp/graph-errors.js';
import type { createCrmRecordActivities } from './crm-records.js';

/** The Temporal failure for a Graph error: same type and message, the details as `details[0]`. */
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

export interface SendTextInput {
  conversationId: string;
  phoneNumberId: string;
  to: { waId?: string | null; userId?: string | null };
  text: string;
  replyTo?: string;
  /** Agent id, or 'automation'. */
  sentBy: string;
}

export function createWhatsAppSendActivities(graph: GraphClient | undefined, crm: ReturnType<typeof createCrmRecordActivities>) {
  return {
    async sendText(input: SendTextInput): Promise<{ waMessageId: string }> {
      if (!graph) {
        throw ApplicationFailure.nonRetryable('no WhatsApp Graph API is configured for this worker (WHATSAPP_ACCESS_TOKEN)', 'NotConfigured');
      }
      const to = { ...(input.to.waId ? { waId: input.to.waId } : {}), ...(input.to.userId ? { userId: input.to.userId } : {}) };
      const signal = Context.current().cancellationSignal;
      const sent = await graph
        .sendText(input.phoneNumberId, to, input.text, { ...(input.replyTo ? { replyTo: input.replyTo } : {}), signal })
        .catch((err: unknown) => {
          throw err instanceof GraphError ? graphFailure(err) : err;
        });
      await crm.recordOutbound({
        conversationId: input.conversationId,
        waMessageId: sent.waMessageId,
        type: 'text',
        text: input.text,
        at: new Date().toISOString(),
        raw: sent.raw,
        sentBy: input.sentBy,
      });
      return { waMessageId: sent.waMessageId };
    },
  };
}
