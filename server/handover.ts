// Step 1, capture: handing accepted events to their conversation workflows. The webhook writes them
// to inbound_handover (with the raw JSON) before anything else, then hands them over here; it waits
// for Temporal only a short while when Temporal is up but busy (the rows are durable, so the 200 is
// honest), and the whole deadline when it is not reachable (503, Meta retries). What a process could
// not hand over (busy, crashed, Temporal away), the sweeper does, oldest first, merging the events of
// one conversation into one signal. One conversation's events go over in the order they came.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import { executeRows, type Db } from '../db/client.js';
import { keepDeadLetter } from '../db/dead-letters.js';
import type { InboundEvent } from '../whatsapp/events.js';
import { inboundSignal, searchAttributes as SA, WORKFLOW_TYPE } from '../workflows/conversation/contract.js';

export interface HandoverItem {
  workflowId: string;
  phoneNumberId: string;
  /** signalWithStart (messages start their conversation) or a plain signal (statuses). */
  start: boolean;
  waId?: string | undefined;
  summary?: string | undefined;
  events: InboundEvent[];
}

export interface StoredHandoverItem extends HandoverItem {
  id: number;
}

/** Serialised size of one signal's events: far below Temporal's 2 MB payload limit (it warns at 256 KB). */
export const SIGNAL_BYTES = 200 * 1024;
const SIGNAL_EVENTS = 500;

/** The events without their raw JSON, in signals of bounded size, in order. */
export function signalChunks(events: InboundEvent[]): InboundEvent[][] {
  const chunks: InboundEvent[][] = [];
  let current: InboundEvent[] = [];
  let bytes = 0;
  for (const ev of events) {
    const { raw: _raw, ...slim } = ev;
    const size = JSON.stringify(slim).length;
    if (current.length > 0 && (bytes + size > SIGNAL_BYTES || current.length >= SIGNAL_EVENTS)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(slim as InboundEvent);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Temporal answered and said no (a missing namespace, a permission, a bad request): not a busy or an
 * unreachable server. A call that ran out of time under load is busy, and an unreachable server shows
 * in the channel's state; neither makes the webhook wait for every body after it.
 */
export function isRefusal(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof message === 'string' && /deadline|timed? ?out|cancel/i.test(message)) return false;
    // gRPC CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE: busy or away, not a refusal.
    if (typeof code === 'number') return ![1, 4, 8, 14].includes(code);
  }
  return true;
}

/** grpc-js connectivityState.READY: the channel to Temporal is connected. */
const GRPC_READY = 2;

export interface HandoverOptions {
  client: Client;
  db: Db;
  taskQueue: string;
  /** Calls to Temporal in flight from this process. */
  concurrency?: number;
  log?: { warn(obj: unknown, msg?: string): void };
}

export class Handover {
  private readonly limit;
  private readonly chains = new Map<string, Promise<void>>();
  private doneIds: number[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;
  /**
   * One AbortController per call in flight, all aborted when the process stops (none may outlive the
   * connection). Not one shared signal: every call would add a listener to it, and an AbortSignal's
   * listener list is searched on each add (5% of the webhook's CPU at concurrency 32).
   */
  private readonly aborts = new Set<AbortController>();
  private readonly inflight = new Set<Promise<unknown>>();
  /** Set when a call to Temporal failed, cleared by the next that succeeds. */
  private failingSince: number | undefined;

  constructor(private readonly opts: HandoverOptions) {
    this.limit = pLimit(opts.concurrency ?? 32);
  }

  /**
   * Whether the webhook may answer 200 without waiting for its hand-over: Temporal is connected and
   * the last call to it did not fail. Otherwise the webhook waits for its own calls (and answers 503
   * if they fail), so a Temporal that is away or refusing is never hidden behind 200s.
   */
  healthy(): boolean {
    return this.failingSince === undefined && this.temporalReachable();
  }

  /** Whether Temporal answers at all (the gRPC channel is connected). */
  temporalReachable(): boolean {
    try {
      const grpc = (this.opts.client.connection as unknown as { client: { getChannel(): { getConnectivityState(connect: boolean): number } } }).client;
      return grpc.getChannel().getConnectivityState(false) === GRPC_READY;
    } catch {
      return false;
    }
  }

  /**
   * Hands the stored items over, each conversation's in order; settles when all went (or one
   * failed: its rows are then tried again by the sweeper, after a backoff). Each call to Temporal
   * gets `callTimeoutMs` from when it starts, however long it queued behind others.
   */
  deliver(items: StoredHandoverItem[], callTimeoutMs = 3000): Promise<void> {
    return Promise.all(items.map((item) => this.enqueue(item, [item.id], callTimeoutMs))).then(() => undefined);
  }

  private enqueue(item: HandoverItem, ids: number[], callTimeoutMs: number): Promise<void> {
    const previous = this.chains.get(item.workflowId) ?? Promise.resolve();
    const next = previous
      .catch(() => {})
      .then(() => this.limit(() => this.send(item, Date.now() + callTimeoutMs)))
      .then(
        () => {
          this.failingSince = undefined;
          for (const id of ids) this.done(id);
        },
        async (err: unknown) => {
          if (!this.stopped && isRefusal(err)) this.failingSince ??= Date.now();
          await this.later(ids, err);
          throw err;
        },
      );
    this.chains.set(item.workflowId, next);
    void next.catch(() => {}).finally(() => {
      if (this.chains.get(item.workflowId) === next) this.chains.delete(item.workflowId);
    });
    return next;
  }

  private async send(item: HandoverItem, deadline: number): Promise<void> {
    const { client } = this.opts;
    let timer: NodeJS.Timeout | undefined;
    // The SDK retries an unavailable server inside the deadline; this bounds the call whatever it does.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('deadline exceeded handing events to Temporal')), Math.max(0, deadline - Date.now()));
    });
    const abort = new AbortController();
    this.aborts.add(abort);
    if (this.stopped) abort.abort();
    const call = client.connection.withAbortSignal(abort.signal, () => client.connection.withDeadline(deadline, async () => {
      for (const chunk of signalChunks(item.events)) {
        if (!item.start) {
          try {
            await client.workflow.getHandle(item.workflowId).signal(inboundSignal, chunk);
          } catch (err) {
            // Not running: the status is recorded on its message; nothing waits for it.
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }
          continue;
        }
        await client.workflow.signalWithStart(WORKFLOW_TYPE, {
          workflowId: item.workflowId,
          taskQueue: this.opts.taskQueue,
          args: [{ phoneNumberId: item.phoneNumberId }],
          signal: inboundSignal,
          signalArgs: [chunk],
          // Temporal UI's workflow list then reads like an inbox (set once, when the run starts).
          ...(item.summary ? { staticSummary: item.summary } : {}),
          typedSearchAttributes: [
            { key: SA.ConversationStatus, value: 'open' },
            { key: SA.Urgency, value: 'normal' },
            { key: SA.Paused, value: false },
            ...(item.waId ? [{ key: SA.WaId, value: item.waId }] : []),
          ],
        });
      }
    }));
    // Abandoned at the deadline below, it still ends by its own deadline or the abort; stop() waits for it.
    const settled = call.catch(() => {});
    this.inflight.add(settled);
    void settled.finally(() => {
      this.inflight.delete(settled);
      this.aborts.delete(abort);
    });
    try {
      await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Handed over: the row goes, in batches (a crash before that means one harmless redelivery). */
  private done(id: number): void {
    this.doneIds.push(id);
    this.flushTimer ??= setTimeout(() => void this.flush(), 10);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    const ids = this.doneIds;
    this.doneIds = [];
    if (ids.length === 0) return;
    await this.opts.db.execute(sql`delete from inbound_handover where id = any(${`{${ids.join(',')}}`}::bigint[])`).catch((err: Error) => {
      this.opts.log?.warn({ err: err.message }, 'could not clear handed-over events (they will be handed over again, harmlessly)');
    });
  }

  /** Every `everyMs`: hand over what lapsed (another process died, Temporal was away, it was busy). */
  startSweeper(everyMs = 1000): void {
    if (this.sweeper || this.stopped) return;
    this.sweeper = setInterval(() => {
      this.sweeping ??= this.sweep()
        .then(() => undefined)
        .catch((err: Error) => this.opts.log?.warn({ err: err.message }, 'handover sweep failed'))
        .finally(() => (this.sweeping = undefined));
    }, everyMs);
    this.sweeper.unref();
  }

  /** One pass: claims lapsed rows (skipping those another process holds), merges per conversation, hands over. */
  async sweep(batch = 500): Promise<number> {
    const rows = (await this.opts.db.execute(sql`
      update inbound_handover h set claimed_until = now() + interval '30 seconds', attempts = h.attempts + 1
      where h.id in (select id from inbound_handover where claimed_until < now() order by id limit ${batch} for update skip locked)
      returning h.id, h.workflow_id, h.phone_number_id, h.start, h.wa_id, h.summary, h.events`)) as unknown as Array<{
      id: number | string;
      workflow_id: string;
      phone_number_id: string;
      start: boolean;
      wa_id: string | null;
      summary: string | null;
      events: InboundEvent[];
    }>;
    const list = Array.isArray(rows) ? rows : ((rows as { rows?: unknown[] }).rows as typeof rows);
    if (!list || list.length === 0) return 0;
    // Oldest first; one conversation's rows become one item (a start if any of them starts it).
    const merged = new Map<string, { item: HandoverItem; ids: number[] }>();
    for (const r of [...list].sort((a, b) => Number(a.id) - Number(b.id))) {
      // Only this module writes the rows; a row that is not what it wrote would fail every sweep.
      if (!Array.isArray(r.events)) {
        this.opts.log?.warn({ id: r.id }, 'handover row without an events list: kept as a dead letter');
        await keepDeadLetter(this.opts.db, { key: `handover:${r.id}`, kind: 'handover', reason: 'events is not a list', payload: r as never });
        this.done(Number(r.id));
        continue;
      }
      const m = merged.get(r.workflow_id);
      if (m) {
        m.item.events.push(...r.events);
        m.item.start ||= r.start;
        m.item.waId ??= r.wa_id ?? undefined;
        m.item.summary ??= r.summary ?? undefined;
        m.ids.push(Number(r.id));
      } else {
        merged.set(r.workflow_id, {
          item: { workflowId: r.workflow_id, phoneNumberId: r.phone_number_id, start: r.start, waId: r.wa_id ?? undefined, summary: r.summary ?? undefined, events: [...r.events] },
          ids: [Number(r.id)],
        });
      }
    }
    await Promise.all([...merged.values()].map(({ item, ids }) => this.enqueue(item, ids, 10_000).catch(() => {})));
    return list.length;
  }

  /** Not handed over: tried again by the sweeper, sooner at first (5 s, doubling, at most 5 min). */
  private async later(ids: number[], err: unknown): Promise<void> {
    await this.opts.db
      .execute(sql`update inbound_handover set last_error = ${String((err as Error)?.message ?? err).slice(0, 500)},
        claimed_until = now() + least(interval '5 minutes', interval '5 seconds' * power(2, least(greatest(attempts - 1, 0), 6)))
        where id = any(${`{${ids.join(',')}}`}::bigint[])`)
      .catch(() => {});
  }

  /** Events accepted and not yet handed over (a gauge for /metrics). */
  async backlog(): Promise<number> {
    const [row] = await executeRows<{ n: number }>(this.opts.db, sql`select count(*)::int as n from inbound_handover`);
    return Number(row?.n ?? 0);
  }

  /** Stops sweeping and waits for what is in flight from this process. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const abort of this.aborts) abort.abort();
    await this.sweeping;
    await Promise.allSettled([...this.chains.values()]);
    // Calls still in the SDK's retry loop end before the connection may close (bounded by their deadlines).
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, 12_000).unref())]);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.flush();
  }
}
