// The HTTP load generator, in its own worker thread so its timers and timings do not wait on the
// server's event loop (the app, the Temporal client and the activities share the main thread).
// Imports nothing from the app: requests arrive prepared (body + signature) from the main thread.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { HttpLoadJob, HttpLoadResult } from './http-load.js';

const job = workerData as HttpLoadJob;

const result: HttpLoadResult = {
  latenciesMs: new Array<number>(job.requests.length).fill(NaN),
  statuses: {},
  errors: [],
  elapsedMs: 0,
  firstSendEpochMs: 0,
  endEpochMs: 0,
  maxSendLagMs: 0,
  bodies: [],
};

// node:http with a keep-alive agent, not fetch: undici's fetch cost about a third of a core at
// 100 requests/s, CPU the server under test then lacked (the generator is Meta, not our machine).
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const target = new URL(job.url);

function post(body: string, signature: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-hub-signature-256': signature },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function send(i: number, startedAt: number): Promise<void> {
  const req = job.requests[i]!;
  try {
    const res = await post(req.body, req.signature);
    result.latenciesMs[i] = performance.now() - startedAt;
    result.statuses[res.status] = (result.statuses[res.status] ?? 0) + 1;
    if (job.keepBodies) result.bodies[i] = res.text;
    if (res.status !== 200 && result.errors.length < 5) result.errors.push(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
  } catch (err) {
    result.latenciesMs[i] = performance.now() - startedAt;
    result.statuses[0] = (result.statuses[0] ?? 0) + 1;
    if (result.errors.length < 5) result.errors.push(`request failed: ${(err as Error).message}`);
  }
}

async function closedLoop(concurrency: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= job.requests.length) return;
      await send(i, performance.now());
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, job.requests.length) }, lane));
}

/** Open loop: request i is due at t0 + i/rate whatever the earlier ones do; latency counts from when it was due. */
async function paced(ratePerSec: number): Promise<void> {
  const interval = 1000 / ratePerSec;
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < job.requests.length; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    result.maxSendLagMs = Math.max(result.maxSendLagMs, performance.now() - due);
    inflight.push(send(i, due));
  }
  await Promise.all(inflight);
}

const start = performance.now();
result.firstSendEpochMs = performance.timeOrigin + start;
if (job.mode.kind === 'closed') await closedLoop(job.mode.concurrency);
else await paced(job.mode.ratePerSec);
const end = performance.now();
result.elapsedMs = end - start;
result.endEpochMs = performance.timeOrigin + end;
agent.destroy();
parentPort!.postMessage(result);
