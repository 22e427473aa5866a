// The delivery workflow's contract, shared by the relay that starts it and the workflow itself.
// `webhookDelivery`: one outbound event to one subscription, retried with backoff for a day. Durable
// because it is a workflow: the attempts and the waits between them survive any restart, so a
// receiver that is down for an hour gets the event when it is back. One workflow id per
// (subscription, event): the same event is never delivered twice by two runs.

export const WEBHOOK_DELIVERY_WORKFLOW = 'webhookDelivery';

export interface WebhookRetry {
  initialSec: number;
  maxSec: number;
  /** Give up after this long since the first attempt (CONTRACT.md: 24 h). */
  forSec: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = { initialSec: 10, maxSec: 600, forSec: 24 * 3600 };

export interface WebhookDeliveryInput {
  subscriptionId: string;
  eventId: string;
  retry: WebhookRetry;
}

export interface WebhookDeliveryResult {
  delivered: boolean;
  attempts: number;
  /** Why it stopped without delivering: the subscription went away, or the day ran out. */
  stopped?: 'subscription_gone' | 'gave_up';
}

export function webhookDeliveryWorkflowId(subscriptionId: string, eventId: string): string {
  return `webhook:${subscriptionId}:${eventId}`;
}
