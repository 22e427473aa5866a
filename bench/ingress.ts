// Ingress: how fast webhook events reach their conversation workflows, and how fast they are stored.
//  1. baseline  bare client.workflow.signalWithStart (what server/ingress.ts calls) into a trivial
//               workflow with its own worker (bench/workflows/trivial.ts); also once with no worker
//  2. engine    signed webhooks over HTTP to `npm run dev` in its own process tree, on the bench's
//               Postgres and Temporal (API process + worker process), closed loop
//  3. paced     then, once the closed loop's backlog is stored: 100 events/s open loop on the same
//               process, Meta's targets (median < 250 ms, < 1% over 1 s)
//  4. big       one 3.5 MiB body, 480 messages from 48 senders, to `npm run dev` on its embedded
//               defaults (PGlite, its own Temporal dev server): time to 200 and until all stored
//  (5. the ingress path alone: the app in this process with no worker, for the profile of the cost)
// Each phase has its own phone_number_id (so its own conversations) and its own task queue.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startDevProcess, type DevProcess } from './lib/dev-process.js';
import { repoRoot } from './lib/setup.js';
import { performance } from 'node:perf_hooks';
import { conversationWorkflowId, type InboundEvent } from '../whatsapp/events.js';
import { parseWebhook } from '../whatsapp/parse.js';
import { signBody } from '../whatsapp/signature.js';
import { inboundSignal, searchAttributes as SA, WORKFLOW_TYPE } from '../workflows/conversation/contract.js';
import { textMessageBody } from '../tests/helpers/webhooks.js';
import { non200, runHttpLoad, type HttpLoadResult, type PreparedRequest } from './lib/http-load.js';
import { closedLoop, nowEpochMs } from './lib/load.js';
import { describeProbe, startProbe, type ProbeFigures } from './lib/probe.js';
import { mib, ms, pct, rate, round, roundSummary, sleep, summarize, type LatencySummary } from './lib/stats.js';
import type { BenchContext, BenchReport, Cell, EngineStack } from './lib/types.js';

export const name = 'ingress';
export const description = 'webhook -> Temporal handover: bare signalWithStart vs the engine over HTTP, paced load, a 3.5 MiB body';

const CONCURRENCY = 32;
const CONVERSATIONS = 200;
const PACED_RATE = 100;
const BIG_MESSAGES = 480;
const BIG_SENDERS = 48;
const BIG_TARGET_BYTES = Math.round(3.5 * 1024 * 1024);
const WARMUP = 64;

/** One business number per phase (and per warm-up): phases never share a conversation. */
const PHASES = { baseline: 1, engine: 2, paced: 3, big: 4, noworker: 5, bare: 6 } as const;
type Phase = keyof typeof PHASES;
const phoneNumberId = (phase: Phase, warm = false) => String(106540352240000 + PHASES[phase] * 10 + (warm ? 1 : 0));
/** A 13-digit Argentinian mobile number, distinct per phase and warm-up. */
const sender = (phase: Phase, s: number, warm = false) => `54911${PHASES[phase]}${warm ? 9 : 0}${String(s).padStart(6, '0')}`;
const idPrefix = (phase: Phase, warm = false) => `bench-${warm ? 'warm-' : ''}${phase}-`;

const TEXTS = [
  'Hola, cuánto sale el pack de 20 unidades?',
  'Hi, do you ship to Córdoba? Need 12 boxes by Friday',
  'Buenas! Tienen stock del modelo azul en talle M?',
  'Can you send me the price list for wholesale orders please',
  'Me confirmás el pedido #4821? Gracias 🙏',
  'Olá, vocês aceitam pagamento por Pix?',
];

function textEvent(phase: Phase, i: number, warm = false): { body: unknown; event: InboundEvent } {
  const { body } = textMessageBody({
    from: sender(phase, i % CONVERSATIONS, warm),
    id: `${idPrefix(phase, warm)}${i}`,
    phoneNumberId: phoneNumberId(phase, warm),
    name: `Buyer ${i % CONVERSATIONS}`,
    text: TEXTS[i % TEXTS.length],
  });
  const event = parseWebhook(body).events[0];
  if (!event) throw new Error('textMessageBody produced no event');
  return { body, event };
}

function signedRequests(phase: Phase, count: number, appSecret: string, warm = false): PreparedRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const raw = JSON.stringify(textEvent(phase, i, warm).body);
    return { body: raw, signature: signBody(raw, appSecret) };
  });
}

async function countStored(ctx: BenchContext, prefix: string): Promise<number> {
  const [row] = await ctx.sql<{ n: number }[]>`select count(*)::int as n from messages where wa_message_id like ${`${prefix}%`}`;
  return row?.n ?? 0;
}

/** Polls until `expected` messages with the prefix are stored; returns when (epoch ms) and how many. */
async function waitStored(
  ctx: BenchContext,
  prefix: string,
  expected: number,
  timeoutMs: number,
  everyMs = 50,
  /** Where nothing of ours can read the database (embedded PGlite): count another way. */
  count: () => Promise<number> = () => countStored(ctx, prefix),
): Promise<{ stored: number; atEpochMs: number | null }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const stored = await count();
    if (stored >= expected) return { stored, atEpochMs: nowEpochMs() };
    if (Date.now() > end) return { stored, atEpochMs: null };
    await sleep(everyMs);
  }
}

/** A few requests through the phase's app and worker first (JIT, connections, worker cache), then wait for them to be stored. */
async function warmUp(
  ctx: BenchContext,
  phase: Phase,
  stack: { baseUrl: string; appSecret: string },
  count = WARMUP,
  withWorker = true,
  counter?: () => Promise<number>,
): Promise<void> {
  const r = await runHttpLoad({
    url: `${stack.baseUrl}/webhooks/whatsapp`,
    requests: signedRequests(phase, count, stack.appSecret, true),
    mode: { kind: 'closed', concurrency: CONCURRENCY },
  });
  if (non200(r) > 0) throw new Error(`warm-up of ${phase}: ${non200(r)} requests failed: ${r.errors.join('; ')}`);
  if (!withWorker) return;
  const w = await waitStored(ctx, idPrefix(phase, true), count, 60_000, 50, counter);
  if (w.atEpochMs === null) throw new Error(`warm-up of ${phase}: only ${w.stored}/${count} messages stored after 60 s`);
}

interface PhaseOutcome {
  row: Record<string, Cell>;
  data: Record<string, unknown>;
  notes: string[];
  problems: string[];
}

function statusText(r: HttpLoadResult): string {
  return Object.entries(r.statuses)
    .map(([s, n]) => `${s === '0' ? 'conn-error' : s}: ${n}`)
    .join(', ');
}

function latencyCells(s: LatencySummary): Record<string, Cell> {
  return { p50: ms(s.p50), p99: ms(s.p99), max: ms(s.max), over1s: pct(s.over1s) };
}

async function baseline(ctx: BenchContext, n: number, withWorker: boolean): Promise<PhaseOutcome & { throughput: number; summary: LatencySummary }> {
  const { client } = ctx.temporal;
  const phase: Phase = withWorker ? 'baseline' : 'bare';
  // Without a worker the started workflows stay unprocessed: nothing polls the queue.
  const taskQueue = `bench-${phase}-${randomBytes(4).toString('hex')}`;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let connection: NativeConnection | undefined;
  if (withWorker) {
    connection = await NativeConnection.connect({ address: ctx.temporal.address });
    worker = await Worker.create({
      connection,
      namespace: ctx.temporal.namespace,
      taskQueue,
      workflowsPath: path.join(repoRoot, 'bench', 'workflows', 'trivial.ts'),
    });
    running = worker.run();
  }
  try {
    return await baselineLoad(ctx, n, phase, taskQueue, withWorker);
  } finally {
    if (worker) {
      worker.shutdown();
      await running;
      await connection?.close();
    }
  }
}

async function baselineLoad(
  ctx: BenchContext,
  n: number,
  phase: Phase,
  taskQueue: string,
  withWorker: boolean,
): Promise<PhaseOutcome & { throughput: number; summary: LatencySummary }> {
  const { client } = ctx.temporal;
  const call = (ev: InboundEvent) => {
    if (ev.kind !== 'message') throw new Error('expected a message event');
    const pnid = ev.phoneNumberId;
    const waId = ev.sender.waId;
    // Same workflow type, args, signal and search attributes as dispatchEvents (server/ingress.ts).
    return client.workflow.signalWithStart(WORKFLOW_TYPE, {
      workflowId: conversationWorkflowId(pnid, ev.sender),
      taskQueue,
      args: [{ phoneNumberId: pnid }],
      signal: inboundSignal,
      signalArgs: [[ev]],
      typedSearchAttributes: [
        { key: SA.ConversationStatus, value: 'open' },
        { key: SA.Urgency, value: 'normal' },
        { key: SA.Paused, value: false },
        ...(waId ? [{ key: SA.WaId, value: waId }] : []),
      ],
    });
  };
  const warm = Array.from({ length: WARMUP }, (_, i) => textEvent(phase, i, true).event);
  await closedLoop(warm.length, CONCURRENCY, async (i) => void (await call(warm[i]!)));

  const events = Array.from({ length: n }, (_, i) => textEvent(phase, i).event);
  ctx.log(`${phase}: ${n} bare signalWithStart calls at concurrency ${CONCURRENCY}${withWorker ? ', trivial workflow with its own worker' : ', no worker'} ...`);
  const probe = startProbe(ctx.temporal.serverPid);
  const r = await closedLoop(n, CONCURRENCY, async (i) => void (await call(events[i]!)));
  const machine = probe();
  const s = summarize(r.latenciesMs);
  const throughput = (n - r.failures) / (r.elapsedMs / 1000);
  return {
    throughput,
    summary: s,
    row: {
      case: withWorker ? 'baseline: signalWithStart, trivial worker' : 'signalWithStart, no worker',
      events: n,
      load: `closed, c=${CONCURRENCY}`,
      time: `${(r.elapsedMs / 1000).toFixed(2)} s`,
      rate: rate(throughput),
      ...latencyCells(s),
      failed: r.failures,
      stored: 'n/a',
      allStored: '-',
    },
    data: {
      events: n,
      concurrency: CONCURRENCY,
      conversations: CONVERSATIONS,
      elapsed_s: round(r.elapsedMs / 1000, 2),
      events_per_s: round(throughput),
      latency: roundSummary(s),
      failed: r.failures,
      worker: withWorker,
      machine,
    },
    notes: [`${phase}: ${describeProbe(machine)}`],
    problems: r.failures > 0 ? [`${phase}: ${r.failures} signalWithStart calls failed: ${r.errors.join('; ')}`] : [],
  };
}

/** Sends `requests` through a fresh engine stack (app + worker), then waits for every message to be stored. */
async function engineRun(
  ctx: BenchContext,
  phase: Phase,
  label: string,
  n: number,
  mode: { kind: 'closed'; concurrency: number } | { kind: 'paced'; ratePerSec: number },
  drainTimeoutMs: number,
  withWorker = true,
  /** `npm run dev` in its own processes (kept running); otherwise the app in this process. */
  dev?: DevProcess,
): Promise<PhaseOutcome & { throughput: number; summary: LatencySummary }> {
  const stack = dev ?? (await ctx.startEngine(phase, { worker: withWorker }));
  try {
    await warmUp(ctx, phase, stack, WARMUP, withWorker);
    const requests = signedRequests(phase, n, stack.appSecret);
    ctx.log(`${phase}: ${n} signed webhooks over HTTP, ${mode.kind === 'closed' ? `concurrency ${mode.concurrency}` : `${mode.ratePerSec}/s`} ...`);
    const pids = dev?.pids();
    const probe = startProbe(ctx.temporal.serverPid, pids ? { api: pids.api, worker: pids.worker } : {});
    const r = await runHttpLoad({ url: `${stack.baseUrl}/webhooks/whatsapp`, requests, mode });
    const machine = probe();
    const s = summarize(r.latenciesMs);
    const failed = non200(r);
    const throughput = (n - failed) / (r.elapsedMs / 1000);
    const problems: string[] = [];
    const notes: string[] = [];
    if (failed > 0) problems.push(`${phase}: ${failed}/${n} webhooks not answered 200 (${statusText(r)}): ${r.errors.join('; ')}`);
    if (mode.kind === 'paced' && r.maxSendLagMs > 50) {
      notes.push(`${phase}: the load generator sent up to ${Math.round(r.maxSendLagMs)} ms late (CPU); counted in the latencies`);
    }
    if (!withWorker) {
      notes.push(`${phase}: ${describeProbe(machine)}`);
      return {
        throughput,
        summary: s,
        row: {
          case: label,
          events: n,
          load: mode.kind === 'closed' ? `closed, c=${mode.concurrency}` : `open, ${mode.ratePerSec}/s`,
          time: `${(r.elapsedMs / 1000).toFixed(2)} s`,
          rate: rate(throughput),
          ...latencyCells(s),
          failed,
          stored: 'n/a',
          allStored: '-',
        },
        data: {
          events: n,
          concurrency: CONCURRENCY,
          conversations: CONVERSATIONS,
          elapsed_s: round(r.elapsedMs / 1000, 2),
          accepted_events_per_s: round(throughput),
          latency: roundSummary(s),
          statuses: r.statuses,
          worker: false,
          machine,
        },
        notes,
        problems,
      };
    }
    const storedAtLast200 = await countStored(ctx, idPrefix(phase));
    const drain = await waitStored(ctx, idPrefix(phase), n, drainTimeoutMs, 100);
    const allStoredS = drain.atEpochMs !== null ? (drain.atEpochMs - r.firstSendEpochMs) / 1000 : null;
    const drainAfterS = drain.atEpochMs !== null ? Math.max(0, drain.atEpochMs - r.endEpochMs) / 1000 : null;
    if (drain.stored < n) problems.push(`${phase}: only ${drain.stored}/${n} messages stored after waiting ${drainTimeoutMs / 1000} s`);
    return {
      throughput,
      summary: s,
      row: {
        case: label,
        events: n,
        load: mode.kind === 'closed' ? `closed, c=${mode.concurrency}` : `open, ${mode.ratePerSec}/s`,
        time: `${(r.elapsedMs / 1000).toFixed(2)} s`,
        rate: rate(throughput),
        ...latencyCells(s),
        failed,
        stored: `${drain.stored}/${n}`,
        allStored: allStoredS !== null ? `${allStoredS.toFixed(2)} s` : 'timeout',
      },
      data: {
        events: n,
        ...(mode.kind === 'closed' ? { concurrency: mode.concurrency } : { rate_per_s: mode.ratePerSec, max_send_lag_ms: round(r.maxSendLagMs) }),
        conversations: CONVERSATIONS,
        elapsed_s: round(r.elapsedMs / 1000, 2),
        accepted_events_per_s: round(throughput),
        latency: roundSummary(s),
        statuses: r.statuses,
        stored_at_last_200: storedAtLast200,
        stored_after_drain: drain.stored,
        all_stored_after_first_send_s: allStoredS !== null ? round(allStoredS, 2) : null,
        drain_after_last_200_s: drainAfterS !== null ? round(drainAfterS, 2) : null,
        stored_per_s: allStoredS !== null ? round(n / allStoredS) : null,
        worker: true,
        machine,
      },
      notes: [
        `${phase}: ${storedAtLast200}/${n} stored when the last 200 arrived; all ${drain.stored === n ? '' : 'NOT '}stored ` +
          (drainAfterS !== null && allStoredS !== null
            ? `${drainAfterS.toFixed(2)} s after it (${rate(n / allStoredS)} messages/s from the first send)`
            : `within ${drainTimeoutMs / 1000} s`),
        `${phase}: ${describeProbe(machine)}`,
        ...notes,
      ],
      problems,
    };
  } finally {
    if (!dev) await stack.stop();
  }
}

/** One Cloud API body: 480 text messages from 48 senders (interleaved), texts padded to reach ~3.5 MiB. */
export function bigBody(): { raw: string; bytes: number } {
  const pnid = phoneNumberId('big');
  const ts = String(Math.floor(Date.now() / 1000));
  const contacts = Array.from({ length: BIG_SENDERS }, (_, s) => ({ profile: { name: `Buyer ${s}` }, wa_id: sender('big', s) }));
  const filler = 'Quisiera saber precio por mayor, plazos de entrega y formas de pago para el pedido completo. ';
  const build = (padLength: number) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: pnid },
                contacts,
                messages: Array.from({ length: BIG_MESSAGES }, (_, i) => ({
                  from: sender('big', i % BIG_SENDERS),
                  id: `${idPrefix('big')}${i}`,
                  timestamp: ts,
                  type: 'text',
                  text: { body: `${TEXTS[i % TEXTS.length]} ${filler.repeat(Math.ceil(padLength / filler.length) + 1).slice(0, padLength)}` },
                })),
              },
            },
          ],
        },
      ],
    });
  const unpadded = Buffer.byteLength(build(0));
  const raw = build(Math.max(0, Math.floor((BIG_TARGET_BYTES - unpadded) / BIG_MESSAGES)));
  const bytes = Buffer.byteLength(raw);
  if (bytes >= 5 * 1024 * 1024) throw new Error(`the big body is ${bytes} bytes, over the 5 MiB webhook limit`);
  return { raw, bytes };
}

/**
 * How often the big body's progress is read from /metrics: each scrape renders every series and
 * queries the embedded database (queue depth, hand-over backlog) on the thread doing the work, so
 * polling every 50 ms took a measurable share of it. The figure is late by at most this much.
 */
export const STORED_POLL_MS = 200;

/** Inbound messages the dev process has stored (its /metrics; its PGlite is its own). */
export async function storedByMetrics(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^threadline_messages_stored_total (\d+)/m.exec(text)?.[1] ?? 0);
}

async function bigBodyRun(ctx: BenchContext, timeoutMs: number): Promise<PhaseOutcome> {
  ctx.log('big: starting `npm run dev` on its embedded defaults (PGlite, its own Temporal dev server) ...');
  const stack = await startDevProcess({ name: 'big', embedded: true, log: ctx.log });
  try {
    await warmUp(ctx, 'big', stack, 16, true, () => storedByMetrics(stack.baseUrl));
    const before = await storedByMetrics(stack.baseUrl);
    const { raw, bytes } = bigBody();
    const signature = signBody(raw, stack.appSecret);
    ctx.log(`big: one ${mib(bytes)} body with ${BIG_MESSAGES} messages from ${BIG_SENDERS} senders ...`);
    const pids = stack.pids();
    const probe = startProbe(pids.temporal, { dev: pids.api });
    const load = runHttpLoad({
      url: `${stack.baseUrl}/webhooks/whatsapp`,
      requests: [{ body: raw, signature }],
      mode: { kind: 'closed', concurrency: 1 },
      keepBodies: true,
    });
    // Poll while the request is in flight: workflows may store messages before the 200.
    const storedP = waitStored(ctx, idPrefix('big'), BIG_MESSAGES, timeoutMs, STORED_POLL_MS, async () => (await storedByMetrics(stack.baseUrl)) - before);
    const [r, stored] = await Promise.all([load, storedP]);
    const machine = probe();
    const to200 = r.latenciesMs[0]!;
    const allStoredMs = stored.atEpochMs !== null ? stored.atEpochMs - r.firstSendEpochMs : null;
    let response: Record<string, unknown> = {};
    try {
      response = JSON.parse(r.bodies[0] ?? '{}') as Record<string, unknown>;
    } catch {
      /* reported below through the status */
    }
    const problems: string[] = [];
    if (non200(r) > 0) problems.push(`big: the body was not answered 200 (${statusText(r)}): ${r.errors.join('; ')}`);
    else if (response.messages !== BIG_MESSAGES || response.conversations !== BIG_SENDERS) {
      problems.push(`big: the webhook answered ${JSON.stringify(response)}, expected ${BIG_MESSAGES} messages in ${BIG_SENDERS} conversations`);
    }
    if (stored.stored < BIG_MESSAGES) problems.push(`big: only ${stored.stored}/${BIG_MESSAGES} messages stored after ${timeoutMs / 1000} s`);
    return {
      row: {
        case: `big body: ${mib(bytes)}, 1 POST, embedded`,
        events: BIG_MESSAGES,
        load: `1 body, ${BIG_SENDERS} senders`,
        time: `${(to200 / 1000).toFixed(2)} s`,
        rate: rate(BIG_MESSAGES / (to200 / 1000)),
        p50: ms(to200),
        p99: '-',
        max: '-',
        over1s: to200 > 1000 ? 'yes' : 'no',
        failed: non200(r),
        stored: `${stored.stored}/${BIG_MESSAGES}`,
        allStored: allStoredMs !== null ? `${(allStoredMs / 1000).toFixed(2)} s` : 'timeout',
      },
      data: {
        bytes,
        messages: BIG_MESSAGES,
        senders: BIG_SENDERS,
        time_to_200_ms: round(to200),
        response,
        stored: stored.stored,
        all_stored_after_send_ms: allStoredMs !== null ? round(allStoredMs) : null,
        worker: true,
        embedded_defaults: true,
        machine,
      },
      notes: [
        `big: ${mib(bytes)} (${bytes} bytes), ${BIG_MESSAGES} messages / ${BIG_SENDERS} conversations: 200 after ${ms(to200)} ms, ` +
          `all stored ${allStoredMs !== null ? `${ms(allStoredMs)} ms` : 'NOT within the timeout'} after the send`,
        `big: ${describeProbe(machine)}`,
      ],
      problems,
    };
  } finally {
    await stack.stop();
  }
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const n = ctx.quick ? 300 : 2000;
  const pacedSeconds = ctx.quick ? 3 : 10;
  const drainTimeoutMs = ctx.quick ? 60_000 : 120_000;

  const outcomes: PhaseOutcome[] = [];
  const problems: string[] = [];
  const data: Record<string, unknown> = {};
  const attempt = async <T extends PhaseOutcome>(key: string, fn: () => Promise<T>): Promise<T | undefined> => {
    const t0 = performance.now();
    try {
      const o = await fn();
      outcomes.push(o);
      data[key] = o.data;
      ctx.log(`${key} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return o;
    } catch (err) {
      problems.push(`${key}: ${(err as Error).message}`);
      ctx.log(`${key} failed: ${(err as Error).stack ?? err}`);
      data[key] = { error: (err as Error).message };
      return undefined;
    }
  };

  const bareBase = await attempt('baseline_no_worker', () => baseline(ctx, n, false));
  const base = await attempt('baseline', () => baseline(ctx, n, true));
  const bare = await attempt('engine_no_worker', () =>
    engineRun(ctx, 'noworker', 'ingress path alone (in-process app, no worker)', n, { kind: 'closed', concurrency: CONCURRENCY }, drainTimeoutMs, false),
  );
  // The full stack as `npm run dev` runs it on a real Postgres and a separate Temporal server.
  let dev: DevProcess | undefined;
  let engine: Awaited<ReturnType<typeof engineRun>> | undefined;
  let paced: Awaited<ReturnType<typeof engineRun>> | undefined;
  try {
    ctx.log('engine: starting `npm run dev` against the bench Postgres and Temporal ...');
    dev = await startDevProcess({ name: 'engine', embedded: false, databaseUrl: ctx.databaseUrl, temporalAddress: ctx.temporal.address, log: ctx.log });
    const d = dev;
    engine = await attempt('engine', () =>
      engineRun(ctx, 'engine', 'engine: npm run dev, closed loop', n, { kind: 'closed', concurrency: CONCURRENCY }, drainTimeoutMs, true, d),
    );
    // engineRun returned once the closed loop's backlog was stored: the paced load starts on a quiet engine.
    paced = await attempt('paced', () =>
      engineRun(ctx, 'paced', `paced: ${PACED_RATE}/s for ${pacedSeconds} s`, PACED_RATE * pacedSeconds, { kind: 'paced', ratePerSec: PACED_RATE }, drainTimeoutMs, true, d),
    );
  } catch (err) {
    problems.push(`npm run dev: ${(err as Error).message}`);
  } finally {
    await dev?.stop();
  }
  await attempt('big', () => bigBodyRun(ctx, drainTimeoutMs));

  const notes: string[] = [];
  if (base && engine) {
    const ratio = engine.throughput / base.throughput;
    data.engine_vs_baseline_throughput = round(ratio, 3);
    notes.push(
      `throughput engine/baseline (trivial worker): ${ratio.toFixed(2)} (target >= 0.6: ${ratio >= 0.6 ? 'PASS' : 'FAIL'}; ` +
        `${rate(engine.throughput)} vs ${rate(base.throughput)} events/s; ` +
        `p50 ${ms(engine.summary.p50)} vs ${ms(base.summary.p50)} ms, p99 ${ms(engine.summary.p99)} vs ${ms(base.summary.p99)} ms)`,
    );
  }
  if (bareBase && engine) {
    const ratio = engine.throughput / bareBase.throughput;
    data.engine_vs_baseline_no_worker_throughput = round(ratio, 3);
    notes.push(`throughput engine/signalWithStart with no worker at all: ${ratio.toFixed(2)} (${rate(engine.throughput)} vs ${rate(bareBase.throughput)} events/s)`);
  }
  if (bareBase && bare) {
    const ratio = bare.throughput / bareBase.throughput;
    data.engine_no_worker_vs_baseline_no_worker_throughput = round(ratio, 3);
    notes.push(
      `throughput ingress path alone/signalWithStart alone: ${ratio.toFixed(2)} (${rate(bare.throughput)} vs ${rate(bareBase.throughput)} events/s): ` +
        'the HTTP + signature + parse + identity lookup + raw store cost',
    );
  }
  if (paced) {
    const median = paced.summary.p50 < 250;
    const tail = paced.summary.over1s < 0.01;
    const p99 = paced.summary.p99 < 1000;
    const refused = (paced.data.events as number) - Number((paced.data.statuses as Record<string, number>)['200'] ?? 0);
    data.paced_meta_targets = { median_under_250ms: median, under_1pct_over_1s: tail, p99_under_1s: p99, refused };
    notes.push(
      `paced vs the targets: ${refused} refused (0: ${refused === 0 ? 'PASS' : 'FAIL'}), median ${ms(paced.summary.p50)} ms (< 250: ${median ? 'PASS' : 'FAIL'}), ` +
        `p99 ${ms(paced.summary.p99)} ms (< 1000: ${p99 ? 'PASS' : 'FAIL'}; aim < 100), ` +
        `${pct(paced.summary.over1s)} over 1 s (Meta's < 1%: ${tail ? 'PASS' : 'FAIL'}); latency counted from each request's scheduled send time`,
    );
  }
  for (const o of outcomes) notes.push(...o.notes);
  notes.push(
    'baseline: the trivial workflow and its worker run in this process; "no worker": nothing polls the queue.',
    'engine, paced: `npm run dev` (server/dev.ts) as its own process tree on the bench Postgres and Temporal: the API process',
    '  and its worker process (niceness 10) with the real activities, sending through the simulator (whose statuses come back).',
    'big: `npm run dev` on embedded defaults (PGlite in-process with the worker, its own Temporal dev server), stored counted',
    '  from its /metrics. HTTP load comes from a worker thread of this process (node:http, keep-alive).',
    `every phase: its own phone_number_id and task queue; ${CONVERSATIONS} senders (one conversation each), round-robin;`,
    `  ${WARMUP} warm-up events first (not counted). "all stored" = first send -> last message of the phase in Postgres.`,
  );
  for (const o of outcomes) problems.push(...o.problems);

  return {
    columns: [
      { key: 'case', label: 'case' },
      { key: 'events', label: 'events' },
      { key: 'load', label: 'load' },
      { key: 'time', label: 'time' },
      { key: 'rate', label: 'events/s' },
      { key: 'p50', label: 'p50 ms' },
      { key: 'p99', label: 'p99 ms' },
      { key: 'max', label: 'max ms' },
      { key: 'over1s', label: '>1 s' },
      { key: 'failed', label: 'failed' },
      { key: 'stored', label: 'stored' },
      { key: 'allStored', label: 'all stored' },
    ],
    rows: outcomes.map((o) => o.row),
    notes,
    data: { n, concurrency: CONCURRENCY, conversations: CONVERSATIONS, paced_seconds: pacedSeconds, ...data },
    problems,
  };
}
