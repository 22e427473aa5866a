// `npm run dev` against a real Postgres and Temporal: the worker is its own process, at a lower CPU
// priority, supervised (restarted when killed), its metrics merged into the API's /metrics, and gone
// with the rest on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { freePort } from '../helpers/ports.js';
import { eventually, postWebhook, textMessageBody } from '../helpers/webhooks.js';
import { WORKER_NICENESS } from '../../server/worker-process.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
let db: TestDb;
let dataDir: string;
let port: number;
let child: ChildProcess;
let out = '';

/** Processes whose command line runs server/worker.ts, with their parent and niceness. */
function workerProcesses(): { pid: number; ppid: number; nice: number }[] {
  const found = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (!cmd.includes('server/worker.ts')) continue;
      const env = readFileSync(`/proc/${p}/environ`, 'utf8');
      if (!env.includes(`THREADLINE_DATA_DIR=${dataDir}`)) continue;
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.push({ pid: Number(p), ppid: Number(fields[1]), nice: Number(fields[16]) });
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

const secrets = () => JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as { appSecret: string; apiToken: string };
async function messageStored(id: string, timeoutMs: number) {
  return eventually(async () => {
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/messages/${id}`, { headers: { authorization: `Bearer ${secrets().apiToken}` } });
    return r.status === 200 ? ((await r.json()) as { waMessageId: string }) : undefined;
  }, timeoutMs, 100);
}

beforeAll(async () => {
  db = await createTestDb();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-devpg-'));
  port = await freePort();
  child = spawn('npm', ['run', 'dev'], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      THREADLINE_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `devpg-${process.pid}`,
      PORT: String(port),
      WHATSAPP_SIMULATOR_PORT: String(await freePort()),
    },
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await eventually(async () => (out.includes('Ready.') ? true : child.exitCode !== null ? Promise.reject(new Error(out)) : undefined), 120_000, 200);
}, 150_000);

afterAll(async () => {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    /* gone */
  }
  for (const w of workerProcesses()) process.kill(w.pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  await db.drop();
});

describe('npm run dev on Postgres', { timeout: 180_000 }, () => {
  it('runs the worker as its own lower-priority process, restarts it when it dies, merges its metrics, and stops it on Ctrl-C', async () => {
    const [worker] = workerProcesses();
    expect(worker, out).toBeDefined();
    expect(worker!.nice).toBe(WORKER_NICENESS);
    expect(out).toContain(`worker: a separate process (pid ${worker!.pid}`);
    await eventually(async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined), 60_000, 200);

    const base = `http://127.0.0.1:${port}`;
    const first = `wamid.DEVPG.${Date.now()}.1`;
    expect((await postWebhook(base, textMessageBody({ from: '447700900311', id: first, text: 'Do you have the blue one in stock?' }).body, secrets().appSecret)).status).toBe(200);
    expect((await messageStored(first, 20_000))!.waMessageId).toBe(first);

    // The worker's series reach the API's /metrics (stored by the worker's ingest activity).
    // (the activity's latency is observed as it returns, just after the message is written).
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return /threadline_activity_duration_seconds_count\{activity="ingest",result="ok"\} [1-9]/.test(text) ? text : undefined;
    }, 10_000, 100);
    expect(metrics).toMatch(/threadline_webhook_events_total\{kind="message",outcome="handed"\} 1/);

    // Killed: readiness says so, a new worker process comes, and what arrived meanwhile is processed.
    process.kill(worker!.pid, 'SIGKILL');
    const second = `wamid.DEVPG.${Date.now()}.2`;
    await eventually(async () => ((await fetch(`${base}/readyz`)).status === 503 ? true : undefined), 10_000, 50);
    expect((await postWebhook(base, textMessageBody({ from: '447700900311', id: second, text: 'And the price?' }).body, secrets().appSecret)).status).toBe(200);
    const restarted = await eventually(async () => workerProcesses().find((w) => w.pid !== worker!.pid), 20_000, 100);
    expect(restarted!.nice).toBe(WORKER_NICENESS);
    expect((await messageStored(second, 60_000))!.waMessageId).toBe(second);
    expect(out).toContain('the worker process exited (SIGKILL); restarting it');

    process.kill(-child.pid!, 'SIGINT');
    await eventually(async () => (child.exitCode !== null || child.signalCode !== null ? true : undefined), 35_000, 100).catch((err: Error) => {
      throw new Error(`${err.message}; dev said:\n${out}`);
    });
    expect(out).toContain('stopped.');
    await eventually(async () => (workerProcesses().length === 0 ? true : undefined), 5000, 100);
  });
});
