// One attempt to deliver an outbound event to a subscription: signed as CONTRACT.md says, the
// answer recorded in the delivery log (webhook_deliveries), whatever it was.
import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { webhookDeliveries, webhookEvents, webhookSubscriptions } from '../db/schema.js';

export interface DeliverWebhookInput {
  subscriptionId: string;
  eventId: string;
  attempt: number;
}

export interface DeliverWebhookResult {
  ok: boolean;
  /** The subscription was deleted or deactivated (or the event is gone): stop trying. */
  gone?: boolean;
  statusCode?: number | null;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export function signWebhookBody(secret: string, body: string, t: number): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

const TIMEOUT_MS = 10_000;

export function createWebhookDeliveryActivities(db: Db) {
  return {
    async deliverWebhook(input: DeliverWebhookInput): Promise<DeliverWebhookResult> {
      const [sub] = await db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, input.subscriptionId));
      if (!sub || !sub.active) return { ok: false, gone: true };
      const [ev] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, input.eventId));
      if (!ev) return { ok: false, gone: true };
      // The same body on every attempt (the id is how a receiver drops a repeat); a fresh signature time.
      const body = JSON.stringify({ id: ev.id, type: ev.type, at: ev.at.toISOString(), data: ev.data });
      const t = Math.floor(Date.now() / 1000);
      const started = Date.now();
      let ok = false;
      let statusCode: number | null = null;
      let error: string | null = null;
      try {
        const res = await fetch(sub.url, {
          method: 'POST',
          redirect: 'manual',
          signal: AbortSignal.timeout(TIMEOUT_MS),
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Threadline-Webhooks/1',
            'x-threadline-event-id': ev.id,
            'x-threadline-event-type': ev.type,
            'x-threadline-signature': signWebhookBody(sub.secret, body, t),
          },
          body,
        });
        statusCode = res.status;
        ok = res.status >= 200 && res.status < 300;
        const text = await res.text().catch(() => '');
        if (!ok) error = `HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ''}`;
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        error = e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : `${e.cause?.code ?? e.name}: ${e.cause?.message ?? e.message}`;
      }
      await db
        .insert(webhookDeliveries)
        .values({ subscriptionId: sub.id, eventId: ev.id, attempt: input.attempt, ok, statusCode, error, durationMs: Date.now() - started })
        .onConflictDoNothing();
      return { ok, statusCode };
    },
  };
}
