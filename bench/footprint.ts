// Footprint: 10,000 open conversations on one `npm run worker` process (server/worker.ts, its own
// process, the real activities, sending acknowledgements through the simulator), its RSS and heap
// as they open; then a second worker process joins the task queue and one more message goes to
// each of a share of the conversations: how the two processes share the work and the memory.
// Conversations are opened with the same signalWithStart the webhook's hand-over makes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { conversationWorkflowId, type InboundEvent } from '../whatsapp/events.js';
import { parseWebhook } from '../whatsapp/parse.js';
import { startSimulator } from '../whatsapp/simulator/server.js';
import { inboundSignal, searchAttributes as SA, WORKFLOW_TYPE } from '../workflows/conversation/contract.js';
import { textMessageBody } from '../tests/helpers/webhooks.js';
import { workerEnv, workerNodeArgs } from '../server/worker-memory.js';
import { closedLoop } from './lib/load.js';
import { freePort, repoRoot } from './lib/setup.js';
import { mib, rate, round, sleep } from './lib/stats.js';
import type { BenchContext, BenchReport, Cell } from './lib/types.js';

export const name = 'footprint';
export const description = '10,000 open conversations on one `npm run worker` process: RSS and heap; then a second worker shares them';

const PHONE_NUMBER_ID = '106540352240900';
const sender = (i: number) => `5491190${String(i).padStart(6, '0')}`;
const PREFIX = 'bench-footprint-';

interface WorkerProc {
  child: ChildProcess;
  metricsUrl: string;
  output: () => string;
  stop(): Promise<void>;
}

async function startWorker(ctx: BenchContext, label: string, taskQueue: string, graphUrl: string, dataDir: string): Promise<WorkerProc> {
  const metricsPort = await freePort();
  // As `npm run worker` starts it (package.json): the same heap cap and malloc arenas.
  const child = spawn(process.execPath, [...workerNodeArgs(process.env), '--import', 'tsx', path.join(repoRoot, 'server', 'worker.ts')], {
    cwd: repoRoot,
    env: workerEnv({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: ctx.databaseUrl,
      TEMPORAL_ADDRESS: ctx.temporal.address,
      TEMPORAL_NAMESPACE: ctx.temporal.namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      WHATSAPP_ACCESS_TOKEN: 'bench',
      WHATSAPP_API_BASE_URL: graphUrl,
      THREADLINE_DATA_DIR: dataDir,
      METRICS_PORT: String(metricsPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...(process.env.WORKER_CACHED_WORKFLOWS ? { WORKER_CACHED_WORKFLOWS: process.env.WORKER_CACHED_WORKFLOWS } : {}),
      ...(process.env.WORKER_TASK_SLOTS ? { WORKER_TASK_SLOTS: process.env.WORKER_TASK_SLOTS } : {}),
      // Memory tuning experiments (npm run worker's own defaults apply otherwise).
      ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
      ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
      ...(process.env.WORKER_HEAP_MB ? { WORKER_HEAP_MB: process.env.WORKER_HEAP_MB } : {}),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const end = Date.now() + 120_000;
  // Up once it serves metrics and the SDK reports a poller (the cache gauge appears with the first task).
  while (!(await fetch(metricsUrl).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > end) throw new Error(`worker ${label} did not start:\n${out}`);
    await sleep(200);
  }
  ctx.log(`footprint: worker ${label} up (pid ${child.pid})`);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    metricsUrl,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}

interface Sample {
  rssBytes: number;
  heapUsedBytes: number;
  cached: number;
  ingests: number;
}

async function sampleWorker(w: WorkerProc): Promise<Sample> {
  const status = readFileSync(`/proc/${w.child.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const text = await (await fetch(w.metricsUrl)).text();
  const metric = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return {
    rssBytes: rssKb * 1024,
    heapUsedBytes: metric(/^threadline_nodejs_heap_size_used_bytes (\S+)/m),
    cached: metric(/^threadline_workflow_cache_size (\S+)/m),
    ingests: metric(/^threadline_activity_duration_seconds_count\{activity="ingest",result="ok"\} (\S+)/m),
  };
}

function event(i: number, n: number): InboundEvent {
  const { body } = textMessageBody({
    from: sender(i),
    id: `${PREFIX}${i}-${n}`,
    phoneNumberId: PHONE_NUMBER_ID,
    name: `Buyer ${i}`,
    text: n === 0 ? 'Hola, tienen el modelo azul en talle M?' : 'Y cuánto sale el envío a Rosario?',
  });
  return parseWebhook(body).events[0]!;
}

async function countStored(ctx: BenchContext): Promise<number> {
  const [row] = await ctx.sql<{ n: number }[]>`select count(*)::int as n from messages where wa_message_id like ${`${PREFIX}%`}`;
  return row?.n ?? 0;
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const conversations = ctx.quick ? 1000 : 10_000;
  const secondRound = Math.round(conversations / 5);
  const taskQueue = `bench-footprint-${process.pid}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tl-bench-footprint-'));
  const sim = await startSimulator({ port: 0, appSecret: 'bench-footprint', webhookUrl: null, phoneNumberId: PHONE_NUMBER_ID });
  const problems: string[] = [];
  const rows: Record<string, Cell>[] = [];
  const notes: string[] = [];
  const data: Record<string, unknown> = { conversations, second_round_messages: secondRound };
  const workers: WorkerProc[] = [];
  try {
    const w1 = await startWorker(ctx, '1', taskQueue, sim.url, dataDir);
    workers.push(w1);
    const idle = await sampleWorker(w1);
    rows.push({ stage: 'worker 1 idle', conversations: 0, rss: mib(idle.rssBytes), heap: mib(idle.heapUsedBytes), cached: idle.cached, w2: '-', note: '' });

    const start = (ev: InboundEvent) => {
      if (ev.kind !== 'message') throw new Error('expected a message');
      return ctx.temporal.client.workflow.signalWithStart(WORKFLOW_TYPE, {
        workflowId: conversationWorkflowId(PHONE_NUMBER_ID, ev.sender),
        taskQueue,
        args: [{ phoneNumberId: PHONE_NUMBER_ID }],
        signal: inboundSignal,
        signalArgs: [[{ ...ev, raw: undefined }]],
        typedSearchAttributes: [
          { key: SA.ConversationStatus, value: 'open' },
          { key: SA.Urgency, value: 'normal' },
          { key: SA.Paused, value: false },
          { key: SA.WaId, value: ev.sender.waId! },
        ],
      });
    };

    ctx.log(`footprint: opening ${conversations} conversations on worker 1 ...`);
    const t0 = Date.now();
    let peak = idle;
    const samples: { at_s: number; stored: number; rss_mib: number; heap_mib: number; cached: number }[] = [];
    const load = closedLoop(conversations, 32, async (i) => void (await start(event(i, 0))));
    let stored = 0;
    // About 9 new conversations/s here (the Temporal dev server is the bottleneck): 10,000 need ~20 min.
    const deadline = Date.now() + (ctx.quick ? 180_000 : 1_800_000);
    let loadDone = false;
    void load.then(() => (loadDone = true));
    for (;;) {
      await sleep(2000);
      stored = await countStored(ctx);
      const s = await sampleWorker(w1);
      if (s.rssBytes > peak.rssBytes) peak = s;
      samples.push({ at_s: round((Date.now() - t0) / 1000), stored, rss_mib: round(s.rssBytes / 2 ** 20), heap_mib: round(s.heapUsedBytes / 2 ** 20), cached: s.cached });
      if (samples.length % 15 === 0) ctx.log(`footprint: ${stored}/${conversations} open, worker RSS ${mib(s.rssBytes)}`);
      if ((loadDone && stored >= conversations) || Date.now() > deadline) break;
    }
    const loadResult = await load;
    if (loadResult.failures > 0) problems.push(`footprint: ${loadResult.failures} signalWithStart calls failed: ${loadResult.errors.join('; ')}`);
    const openedS = (Date.now() - t0) / 1000;
    if (stored < conversations) problems.push(`footprint: only ${stored}/${conversations} conversations stored their first message in time`);
    await sleep(3000);
    const full = await sampleWorker(w1);
    rows.push({
      stage: `worker 1, ${conversations} open`,
      conversations: stored,
      rss: mib(full.rssBytes),
      heap: mib(full.heapUsedBytes),
      cached: full.cached,
      w2: '-',
      note: `peak RSS ${mib(peak.rssBytes)}; ${rate(stored / openedS)} conversations/s`,
    });
    const underGiB = peak.rssBytes < 2 ** 30;
    data.one_worker = {
      opened_s: round(openedS),
      conversations_per_s: round(stored / openedS),
      idle_rss_bytes: idle.rssBytes,
      rss_bytes: full.rssBytes,
      peak_rss_bytes: peak.rssBytes,
      heap_used_bytes: full.heapUsedBytes,
      cached_workflows: full.cached,
      under_1gib: underGiB,
      samples,
    };
    notes.push(`one worker: ${stored} open conversations, RSS ${mib(full.rssBytes)} (peak ${mib(peak.rssBytes)}; < 1 GiB: ${underGiB ? 'PASS' : 'FAIL'}), heap ${mib(full.heapUsedBytes)}, ${full.cached} workflows cached (the rest replay on their next message)`);

    // A second process joins; one more message to a share of the conversations.
    const w2 = await startWorker(ctx, '2', taskQueue, sim.url, dataDir);
    workers.push(w2);
    const before1 = await sampleWorker(w1);
    const before2 = await sampleWorker(w2);
    ctx.log(`footprint: ${secondRound} more messages, two workers ...`);
    const t1 = Date.now();
    const step = Math.max(1, Math.floor(conversations / secondRound));
    const second = await closedLoop(secondRound, 32, async (k) => void (await start(event((k * step) % conversations, 1))));
    if (second.failures > 0) problems.push(`footprint: ${second.failures} second-round calls failed: ${second.errors.join('; ')}`);
    const want = stored + secondRound;
    const end2 = Date.now() + (ctx.quick ? 120_000 : 300_000);
    let stored2 = stored;
    while (stored2 < want && Date.now() < end2) {
      await sleep(1000);
      stored2 = await countStored(ctx);
    }
    if (stored2 < want) problems.push(`footprint: second round: only ${stored2 - stored}/${secondRound} stored in time`);
    const secondS = (Date.now() - t1) / 1000;
    await sleep(3000);
    const after1 = await sampleWorker(w1);
    const after2 = await sampleWorker(w2);
    const by1 = after1.ingests - before1.ingests;
    const by2 = after2.ingests - before2.ingests;
    rows.push({
      stage: 'two workers, +1 message each',
      conversations: secondRound,
      rss: mib(after1.rssBytes),
      heap: mib(after1.heapUsedBytes),
      cached: after1.cached,
      w2: `${mib(after2.rssBytes)}, ${after2.cached} cached`,
      note: `ingests: worker 1 ${by1}, worker 2 ${by2}; ${rate((stored2 - stored) / secondS)} messages/s`,
    });
    data.two_workers = {
      messages: secondRound,
      seconds: round(secondS),
      worker1: { rss_bytes: after1.rssBytes, heap_used_bytes: after1.heapUsedBytes, cached: after1.cached, ingests: by1 },
      worker2: { rss_bytes: after2.rssBytes, heap_used_bytes: after2.heapUsedBytes, cached: after2.cached, ingests: by2 },
    };
    notes.push(
      `two workers: worker 2 took ${by2} of ${by1 + by2} turns (${Math.round((by2 / Math.max(1, by1 + by2)) * 100)}%); a conversation cached by one ` +
        "worker stays on it (Temporal's sticky queue) while an evicted one goes to whichever polls first; RSS " +
        `${mib(after1.rssBytes)} + ${mib(after2.rssBytes)}`,
    );
    notes.push(
      `each worker keeps at most ${process.env.WORKER_CACHED_WORKFLOWS ?? 500} workflows in memory (WORKER_CACHED_WORKFLOWS): memory follows the cache, not the number of open`,
      '  conversations, which live in Temporal and Postgres; a conversation outside the cache replays its history on its next event.',
    );
  } finally {
    for (const w of workers.reverse()) await w.stop().catch(() => {});
    await sim.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    columns: [
      { key: 'stage', label: 'stage' },
      { key: 'conversations', label: 'conversations' },
      { key: 'rss', label: 'worker 1 RSS' },
      { key: 'heap', label: 'heap used' },
      { key: 'cached', label: 'cached' },
      { key: 'w2', label: 'worker 2' },
      { key: 'note', label: '' },
    ],
    rows,
    notes,
    data,
    problems,
  };
}
