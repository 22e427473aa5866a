// Runs an HTTP load (signed webhook POSTs over keep-alive node:http) in a worker thread and returns
// per-request latencies. tsx is registered inside the thread, since threads do not inherit loaders.
import { Worker } from 'node:worker_threads';

export interface PreparedRequest {
  body: string;
  signature: string;
}

export interface HttpLoadJob {
  url: string;
  requests: PreparedRequest[];
  mode: { kind: 'closed'; concurrency: number } | { kind: 'paced'; ratePerSec: number };
  /** Return response bodies (small runs only). */
  keepBodies?: boolean;
}

export interface HttpLoadResult {
  /** Per request, in request order: time to the full response (paced: from when it was due). */
  latenciesMs: number[];
  /** HTTP status -> count; 0 = the request failed (connection error). */
  statuses: Record<number, number>;
  /** The first few failures. */
  errors: string[];
  /** First send to last response. */
  elapsedMs: number;
  /** Wall clock (epoch ms, sub-ms) of the first send and of the last response, to line up with the main thread. */
  firstSendEpochMs: number;
  endEpochMs: number;
  /** Paced runs: how late the generator sent its latest request (0 for closed loops). */
  maxSendLagMs: number;
  bodies: string[];
}

function tsxApiSpecifier(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return 'tsx/esm/api';
  }
}

export function runHttpLoad(job: HttpLoadJob): Promise<HttpLoadResult> {
  const entry = new URL('./http-load-worker.ts', import.meta.url).href;
  const code =
    `import(${JSON.stringify(tsxApiSpecifier())})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(entry)}); })` +
    `.catch((err) => { console.error(err); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: job });
    let settled = false;
    worker.once('message', (r: HttpLoadResult) => {
      settled = true;
      void worker.terminate();
      resolve(r);
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the load generator thread exited (code ${code}) without a result`));
    });
  });
}

export function non200(r: HttpLoadResult): number {
  return Object.entries(r.statuses).reduce((n, [status, count]) => (status === '200' ? n : n + count), 0);
}
