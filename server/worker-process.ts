// `npm run dev` against a real Postgres: the worker runs as a child process (server/worker.ts) at a
// lower CPU priority, so that on a small machine a saturated worker slows processing, never the
// webhook's acknowledgement. The child reports its state over IPC; it is restarted when it dies.
// (On PGlite the worker stays in the API's process: the embedded database is one process's alone.)
import { workerEnv, workerNodeArgs } from './worker-memory.js';
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { WorkerState } from './worker-runner.js';

export const workerEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts');

/** Niceness of the worker child: the API (and the Temporal server) get the CPU first. */
export const WORKER_NICENESS = 10;

export interface WorkerStateMessage {
  threadlineWorker: WorkerState;
}

export function isWorkerStateMessage(m: unknown): m is WorkerStateMessage {
  return typeof m === 'object' && m !== null && typeof (m as WorkerStateMessage).threadlineWorker === 'string';
}

export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
export interface MetricsRequest {
  threadlineMetrics: number;
}
export interface MetricsReply {
  threadlineMetrics: number;
  metrics: MetricsJson;
}
export function isMetricsRequest(m: unknown): m is MetricsRequest {
  return typeof m === 'object' && m !== null && typeof (m as MetricsRequest).threadlineMetrics === 'number' && !('metrics' in m);
}
function isMetricsReply(m: unknown): m is MetricsReply {
  return typeof m === 'object' && m !== null && typeof (m as MetricsReply).threadlineMetrics === 'number' && Array.isArray((m as MetricsReply).metrics);
}

export interface WorkerProcessOptions {
  env: NodeJS.ProcessEnv;
  log: (msg: string) => void;
  niceness?: number;
}

export class WorkerProcess {
  state: WorkerState = 'starting';
  private child: ChildProcess | undefined;
  private stopping = false;
  private restarts = 0;
  private nextRequest = 1;
  private pending = new Map<number, (m: MetricsJson) => void>();

  constructor(private readonly opts: WorkerProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.stopping) return;
    this.state = 'starting';
    const child = fork(workerEntry, [], {
      env: workerEnv(this.opts.env),
      execArgv: [...workerNodeArgs(this.opts.env), '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Its own process group: a terminal's Ctrl-C reaches the parent, which stops it in order
      // (after the API); if the parent dies, the IPC channel closes and it stops itself.
      detached: true,
    });
    this.child = child;
    if (child.pid) {
      try {
        os.setPriority(child.pid, this.opts.niceness ?? WORKER_NICENESS);
      } catch (err) {
        this.opts.log(`could not lower the worker's priority: ${(err as Error).message}`);
      }
    }
    child.on('message', (m) => {
      if (isMetricsReply(m)) {
        this.pending.get(m.threadlineMetrics)?.(m.metrics);
        this.pending.delete(m.threadlineMetrics);
      } else if (isWorkerStateMessage(m)) {
        this.state = m.threadlineWorker;
        if (m.threadlineWorker === 'running') this.restarts = 0;
      }
    });
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.stopping) {
        this.state = 'stopped';
        return;
      }
      this.state = 'down';
      this.restarts++;
      const delay = Math.min(1000 * 2 ** Math.min(this.restarts - 1, 4), 15_000);
      this.opts.log(`the worker process exited (${signal ?? code}); restarting it in ${delay / 1000} s`);
      setTimeout(() => this.start(), delay).unref();
    });
  }

  /** The worker's metrics (prom-client JSON), for the API's /metrics to merge; none if it does not answer in time. */
  async metrics(timeoutMs = 2000): Promise<MetricsJson> {
    const child = this.child;
    if (!child?.connected) return [];
    const id = this.nextRequest++;
    return new Promise<MetricsJson>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve([]);
      }, timeoutMs);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.send({ threadlineMetrics: id } satisfies MetricsRequest, (err) => {
        if (err) this.pending.get(id)?.([]);
      });
    });
  }

  /** Resolves true once the worker polls, false if it did not within `ms`. */
  async waitUntilRunning(ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (this.state !== 'running' && Date.now() < end && !this.stopping) await new Promise((r) => setTimeout(r, 50));
    return this.state === 'running';
  }

  /** SIGTERM (the worker drains its activities), SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.state = 'stopped';
      return;
    }
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    this.state = 'stopped';
  }
}
