// The outbound events' relay: each event the triggers wrote (webhook_events) becomes one delivery
// workflow per subscription that wants its type; then it is marked dispatched. Safe to run in every
// API process at once and to crash at any point: a workflow id per (subscription, event) with
// REJECT_DUPLICATE makes a second start a no-op, and an event not yet marked is simply tried again.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import { executeRows, type Db } from '../db/client.js';
import {
  DEFAULT_WEBHOOK_RETRY,
  WEBHOOK_DELIVERY_WORKFLOW,
  webhookDeliveryWorkflowId,
  type WebhookDeliveryInput,
  type WebhookRetry,
} from '../workflows/webhook-delivery/contract.js';

export interface WebhookRelayOptions {
  db: Db;
  client: Client;
  taskQueue: string;
  retry?: WebhookRetry;
  log?: { warn(obj: unknown, msg?: string): void };
}

export class WebhookRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly opts: WebhookRelayOptions) {}

  start(everyMs = 500): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  /** One pass (a pass already running is joined, not doubled). Resolves with the events dispatched. */
  tick(): Promise<number> {
    this.running ??= this.pass()
      .catch((err: Error) => {
        this.opts.log?.warn({ err: err.message }, 'webhook relay pass failed (tried again shortly)');
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async pass(batch = 200): Promise<number> {
    const { db, client, taskQueue } = this.opts;
    // Each pending event with the subscriptions that want it (made before it happened, still active).
    const rows = await executeRows<{ event_id: string; subscriptions: string[] | string }>(
      db,
      sql`
        select e.id as event_id, coalesce(json_agg(s.id) filter (where s.id is not null), '[]') as subscriptions
        from (select id, type, at from webhook_events where dispatched_at is null order by at limit ${batch}) e
        left join webhook_subscriptions s on s.active and s.events ? e.type and s.created_at <= e.at
        group by e.id`,
    );
    if (rows.length === 0) return 0;
    const done: string[] = [];
    for (const row of rows) {
      const subscriptions = typeof row.subscriptions === 'string' ? (JSON.parse(row.subscriptions) as string[]) : row.subscriptions;
      try {
        for (const subscriptionId of subscriptions) {
          const input: WebhookDeliveryInput = { subscriptionId, eventId: row.event_id, retry: this.opts.retry ?? DEFAULT_WEBHOOK_RETRY };
          await client.workflow
            .start(WEBHOOK_DELIVERY_WORKFLOW, {
              workflowId: webhookDeliveryWorkflowId(subscriptionId, row.event_id),
              taskQueue,
              args: [input],
              workflowIdReusePolicy: 'REJECT_DUPLICATE',
            })
            .catch((err: unknown) => {
              if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
            });
        }
        done.push(row.event_id);
      } catch (err) {
        // Temporal away: this event (and the rest) wait for the next pass.
        this.opts.log?.warn({ err: (err as Error).message, eventId: row.event_id }, 'could not start a webhook delivery');
        break;
      }
    }
    if (done.length > 0) {
      await db.execute(sql`update webhook_events set dispatched_at = now() where id = any(${`{${done.join(',')}}`}::uuid[])`);
    }
    return done.length;
  }
}
