// `webhookDelivery` (contract.ts): attempts until the receiver answers 2xx, the subscription goes, or
// the retry window ends; the waits are durable timers.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { nextAttemptDelaySec } from '../../domain/webhook-events.js';
import type { WebhookDeliveryInput, WebhookDeliveryResult } from './contract.js';

// One HTTP attempt per activity run (the answer is recorded in the delivery log); the activity's own
// retries cover only a failure to reach our database, not the receiver's answer.
const { deliverWebhook } = proxyActivities<Activities>({
  startToCloseTimeout: '45 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});

export async function webhookDelivery(input: WebhookDeliveryInput): Promise<WebhookDeliveryResult> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const r = await deliverWebhook({ subscriptionId: input.subscriptionId, eventId: input.eventId, attempt });
    if (r.ok) return { delivered: true, attempts: attempt };
    if (r.gone) return { delivered: false, attempts: attempt, stopped: 'subscription_gone' };
    const delay = nextAttemptDelaySec(attempt, (Date.now() - started) / 1000, input.retry);
    if (delay === null) return { delivered: false, attempts: attempt, stopped: 'gave_up' };
    await sleep(delay * 1000);
  }
}
