// Runs the Temporal worker and restarts it when it dies (the SDK gives up after about a minute of
// poll errors, e.g. while the server is down), until asked to stop.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  DefaultLogger,
  MetricsBuffer,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { recordCoreMetric } from '../activities/metrics.js';
import type { Activities } from '../activities/index.js';
import { ensureSearchAttributesAt } from './temporal-setup.js';

export const workflowsPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'workflows', 'index.ts');

export type WorkerState = 'starting' | 'running' | 'down' | 'stopped';

export interface WorkerRunnerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  log: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
  maxCachedWorkflows?: number;
  identity?: string;
  /**
   * Workflow tasks, activities and local activities this worker runs at once (each); unset: the
   * SDK's defaults. Fewer on a small shared machine keeps the database and Temporal answering the
   * webhook while the worker is saturated (WORKER_TASK_SLOTS).
   */
  taskSlots?: number;
}

function positiveIntFromEnv(name: string, max: number, env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be an integer from 1 to ${max}, got '${raw}'`);
  return n;
}

/** WORKER_TASK_SLOTS: a positive integer, or undefined (the SDK's defaults). */
export function taskSlotsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return positiveIntFromEnv('WORKER_TASK_SLOTS', 1000, env);
}

/** WORKER_CACHED_WORKFLOWS: conversations a worker keeps in memory (default 500); memory follows it. */
export function cachedWorkflowsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return positiveIntFromEnv('WORKER_CACHED_WORKFLOWS', 100_000, env);
}

// Modules evaluated once per worker thread and shared by every workflow in it, instead of once per
// workflow (the SDK's default module cache). The decision policies build hundreds of regular
// expressions at load, which were most of a cached workflow's memory and of a cold workflow's start.
// Only pure modules may go here (no @temporalio/workflow, no state between calls: the import walls
// keep workflows/policy pure, and the shared defaults are frozen).
const policyDir = path.join(path.dirname(workflowsPath), 'policy');
// (chrono-node comes in through stated-time: listed alone, webpack drops it as free of side effects.)
export const SHARED_WORKFLOW_MODULES = [
  ...['stated-time', 'follow-up', 'routing', 'escalation', 'answer', 'business-hours', 'silence'].map((m) =>
    path.join(policyDir, `${m}.ts`),
  ),
];

let bundlePromise: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per process and reused across worker restarts. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundlePromise ??= bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger, preloadModules: SHARED_WORKFLOW_MODULES });
  return bundlePromise;
}
const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (m: string) => console.error(m),
  error: (m: string) => console.error(m),
};

let runtimeInstalled = false;
/** The SDK logs every worker state change at INFO; warnings and errors are what an operator needs. */
function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // The core's metrics (workflow task latency, cache size) come to us through a buffer, drained
  // into prom-client every second: one /metrics for everything, no second exporter port.
  const buffer = new MetricsBuffer({ useSecondsForDurations: true });
  try {
    Runtime.install({
      logger: new DefaultLogger((process.env.TEMPORAL_SDK_LOG_LEVEL as 'WARN') ?? 'WARN'),
      telemetryOptions: { metrics: { buffer } },
    });
  } catch {
    // Already installed by the host process (tests may install their own).
    return;
  }
  setInterval(() => {
    for (const u of buffer.retrieveUpdates()) recordCoreMetric(u.metric.name, u.value);
  }, 1000).unref();
}

export class WorkerRunner {
  state: WorkerState = 'starting';
  private stopping = false;
  private worker: Worker | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: WorkerRunnerOptions) {}

  start(): void {
    installRuntime();
    this.loop ??= this.run();
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
    this.wake = undefined;
  }

  private async run(): Promise<void> {
    const bundle = await workflowBundle();
    let attempt = 0;
    while (!this.stopping) {
      let connection: NativeConnection | undefined;
      try {
        this.state = 'starting';
        try {
          await ensureSearchAttributesAt(this.opts.address, this.opts.namespace);
        } catch (err) {
          this.opts.log.warn(`could not register search attributes (register them on the server): ${(err as Error).message}`);
        }
        connection = await NativeConnection.connect({ address: this.opts.address });
        this.worker = await Worker.create({
          connection,
          namespace: this.opts.namespace,
          taskQueue: this.opts.taskQueue,
          workflowBundle: bundle,
          activities: this.opts.activities,
          maxCachedWorkflows: this.opts.maxCachedWorkflows ?? 500,
          ...(this.opts.taskSlots
            ? {
                maxConcurrentWorkflowTaskExecutions: Math.max(2, this.opts.taskSlots),
                maxConcurrentActivityTaskExecutions: this.opts.taskSlots,
                maxConcurrentLocalActivityExecutions: this.opts.taskSlots,
              }
            : {}),
          shutdownGraceTime: '5 seconds',
          shutdownForceTime: '10 seconds',
          ...(this.opts.identity ? { identity: this.opts.identity } : {}),
        });
        if (this.stopping) break;
        this.state = 'running';
        attempt = 0;
        this.opts.log.info(`worker polling task queue '${this.opts.taskQueue}' on ${this.opts.address}`);
        await this.worker.run();
        this.worker = undefined;
        if (!this.stopping) this.opts.log.warn('worker stopped unexpectedly; restarting');
      } catch (err) {
        this.worker = undefined;
        if (this.stopping) break;
        attempt++;
        this.opts.log.error(`worker failed (attempt ${attempt}): ${(err as Error).message}; restarting`);
      } finally {
        await connection?.close().catch(() => {});
      }
      if (this.stopping) break;
      this.state = 'down';
      await this.sleep(Math.min(1000 * 2 ** Math.min(attempt, 4), 15_000));
    }
    this.state = 'stopped';
  }

  /** Resolves true once the worker polls, false if it did not within `ms`. */
  async waitUntilRunning(ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (this.state !== 'running' && Date.now() < end && !this.stopping) await new Promise((r) => setTimeout(r, 50));
    return this.state === 'running';
  }

  /** Graceful shutdown: in-flight activities finish within the grace time. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const w = this.worker;
    if (w && w.getState() === 'RUNNING') w.shutdown();
    await this.loop;
    this.state = 'stopped';
  }
}
