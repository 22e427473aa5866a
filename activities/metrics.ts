// Prometheus metrics of this process (prom-client): what an operator watches in production. The
// API serves them at GET /metrics; in `npm run dev` the worker's are merged in (same process on
// PGlite, over IPC from the worker process on Postgres), so one scrape shows both. Names are `threadline_*` (CONTRACT.md names the webhook histogram).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'threadline_' });

export const webhookDuration = new Histogram({
  name: 'threadline_webhook_duration_seconds',
  help: 'Time from a webhook request to its answer, by HTTP status',
  labelNames: ['status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const webhookEvents = new Counter({
  name: 'threadline_webhook_events_total',
  help: 'Webhook events by outcome: handed (to Temporal, or recorded when no run waits for them) or refused (503: Meta retries)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

export const activityDuration = new Histogram({
  name: 'threadline_activity_duration_seconds',
  help: 'Activity (and local activity) execution time, by activity and result',
  labelNames: ['activity', 'result'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [registry],
});

export const activityFailures = new Counter({
  name: 'threadline_activity_failures_total',
  help: 'Activity attempts that failed, by activity and failure type',
  labelNames: ['activity', 'type'] as const,
  registers: [registry],
});

export const outboxSends = new Counter({
  name: 'threadline_outbox_sends_total',
  help: 'Outbox sends to WhatsApp by kind (reply, ack, answer, follow_up, template, scheduled) and result',
  labelNames: ['kind', 'result'] as const,
  registers: [registry],
});

export const slaBreaches = new Counter({
  name: 'threadline_sla_breaches_total',
  help: 'Response deadlines missed (each escalates)',
  labelNames: ['kind'] as const,
  registers: [registry],
});

/** Registered by whoever holds the database (the API): queue depth per team, read at scrape time. */
export function registerQueueDepth(read: () => Promise<Array<{ team: string; depth: number }>>): void {
  if (registry.getSingleMetric('threadline_team_queue_depth')) return;
  new Gauge({
    name: 'threadline_team_queue_depth',
    help: 'Conversations waiting in each team queue for an agent with capacity',
    labelNames: ['team'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { team, depth } of await read()) this.set({ team }, depth);
    },
  });
}

const failureType = (err: unknown): string => {
  const e = err as { type?: unknown; name?: unknown };
  return typeof e?.type === 'string' ? e.type : typeof e?.name === 'string' ? e.name : 'Error';
};

/** Every activity timed and its failures counted; sends also counted by kind and result. */
export function instrumentActivities<T extends Record<string, unknown>>(activities: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    if (typeof fn !== 'function') {
      out[name] = fn;
      continue;
    }
    out[name] = async (...args: unknown[]) => {
      const end = activityDuration.startTimer({ activity: name });
      try {
        const r = await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
        end({ result: 'ok' });
        if (name === 'send') outboxSends.inc({ kind: String((args[0] as { kind?: unknown })?.kind ?? 'unknown'), result: 'sent' });
        if (name === 'commitEscalation') slaBreaches.inc({ kind: String(((args[0] as { breach?: { payload?: { slaKind?: unknown } } })?.breach?.payload?.slaKind) ?? 'unknown') });
        return r;
      } catch (err) {
        end({ result: 'error' });
        const type = failureType(err);
        activityFailures.inc({ activity: name, type });
        if (name === 'send') outboxSends.inc({ kind: String((args[0] as { kind?: unknown })?.kind ?? 'unknown'), result: type });
        throw err;
      }
    };
  }
  return out as T;
}

let handoverBacklog: (() => Promise<number>) | undefined;
/** Registered by the API: webhook events accepted and not yet handed to Temporal, read at scrape time. */
export function registerHandoverBacklog(read: () => Promise<number>): void {
  handoverBacklog = read;
  if (registry.getSingleMetric('threadline_handover_backlog')) return;
  new Gauge({
    name: 'threadline_handover_backlog',
    help: 'Webhook events accepted (stored) and not yet handed to their conversation workflow',
    registers: [registry],
    async collect() {
      this.set(handoverBacklog ? await handoverBacklog().catch(() => 0) : 0);
    },
  });
}

export const messagesStored = new Counter({
  name: 'threadline_messages_stored_total',
  help: 'Inbound messages written to Postgres by the ingest activity (a redelivery counts once)',
  registers: [registry],
});

// The Temporal worker's own figures (its Rust core measures them), brought in by the worker runner.
export const workflowTaskDuration = new Histogram({
  name: 'threadline_workflow_task_duration_seconds',
  help: 'Workflow tasks: execution (activation to completion), schedule_to_start (waiting for a worker), replay',
  labelNames: ['phase'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [registry],
});

export const workflowTaskFailures = new Counter({
  name: 'threadline_workflow_task_failures_total',
  help: 'Workflow tasks that failed (a bug or non-determinism: the workflow retries the task)',
  registers: [registry],
});

export const workflowCacheSize = new Gauge({
  name: 'threadline_workflow_cache_size',
  help: 'Workflows held in this worker process (sticky cache)',
  registers: [registry],
});

/** One update from the SDK core's metrics buffer (seconds for durations), into the series above. */
export function recordCoreMetric(name: string, value: number): void {
  const bare = name.replace(/^temporal_/, '');
  switch (bare) {
    case 'workflow_task_execution_latency':
      return workflowTaskDuration.observe({ phase: 'execution' }, value);
    case 'workflow_task_schedule_to_start_latency':
      return workflowTaskDuration.observe({ phase: 'schedule_to_start' }, value);
    case 'workflow_task_replay_latency':
      return workflowTaskDuration.observe({ phase: 'replay' }, value);
    case 'workflow_task_execution_failed':
      return workflowTaskFailures.inc(value);
    case 'sticky_cache_size':
      return workflowCacheSize.set(value);
  }
}
