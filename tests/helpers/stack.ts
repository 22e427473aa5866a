// A whole Threadline on real parts for a test file: its own Postgres database, a worker on a unique
// task queue against the run's Temporal dev server, the Fastify app on a real port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileMediaStore } from '../../db/media.js';
import { TEST_PHONE_NUMBER_ID } from './webhooks.js';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createActivities } from '../../activities/index.js';
import { buildApp } from '../../server/app.js';
import { SIMULATOR_WABA_ID } from '../../server/config.js';
import { temporalCheck } from '../../server/runtime.js';
import { WorkerRunner } from '../../server/worker-runner.js';
import { GraphClient } from '../../whatsapp/graph-client.js';
import { startSimulator, type Simulator } from '../../whatsapp/simulator/server.js';
import { createTestDb, type TestDb } from './db.js';

export interface Stack {
  baseUrl: string;
  app: FastifyInstance;
  db: TestDb;
  client: Client;
  runner: WorkerRunner;
  simulator: Simulator;
  taskQueue: string;
  appSecret: string;
  apiToken: string;
  auth: { authorization: string };
  api<T = any>(path: string, init?: RequestInit): Promise<{ status: number; json: T }>;
  stop(): Promise<void>;
}

const silentLog = { info: () => {}, warn: () => {}, error: (m: string) => console.error(m) };

export async function startStack(
  opts: {
    worker?: boolean;
    address?: string;
    statusDelaysMs?: { sent?: number; delivered?: number; read?: number };
    /** The Graph client's timeout (a hanging answer becomes an ambiguous failure after it). */
    graphTimeoutMs?: number;
    /** How long the webhook waits for Temporal before answering 200 anyway (0: never waits). */
    handoverWaitMs?: number;
    /** Outbound webhooks' backoff (tests use seconds, not the day the contract gives). */
    webhookRetry?: { initialSec: number; maxSec: number; forSec: number };
  } = {},
): Promise<Stack> {
  const address = opts.address ?? inject('temporalAddress');
  const db = await createTestDb();
  const taskQueue = `tq-${randomBytes(6).toString('hex')}`;
  // Media kept by the worker and served by the API: a private temp dir per stack.
  const mediaDir = mkdtempSync(path.join(tmpdir(), 'tl-media-'));
  const mediaStore = new FileMediaStore(mediaDir);
  const appSecret = randomBytes(16).toString('hex');
  // The only stand-in: Meta's Graph API, as a real local HTTP server that posts signed statuses back.
  const simulator = await startSimulator({ port: 0, appSecret, webhookUrl: null, statusDelaysMs: opts.statusDelaysMs });
  // Lazy, as in production: the app must come up and answer even while Temporal is away.
  const client = new Client({ connection: Connection.lazy({ address, connectTimeout: 2000 }), namespace: 'default' });
  const graph = new GraphClient({ baseUrl: simulator.url, accessToken: 'test', ...(opts.graphTimeoutMs ? { timeoutMs: opts.graphTimeoutMs } : {}) });
  const runner = new WorkerRunner({
    address,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ db: db.db, graph, temporal: client, media: mediaStore }),
    log: silentLog,
  });
  if (opts.worker !== false) runner.start();
  const apiToken = `tok_${randomBytes(12).toString('hex')}`;
  const app = await buildApp({
    db: db.db,
    temporal: client,
    taskQueue,
    phoneNumberId: TEST_PHONE_NUMBER_ID,
    graph,
    wabaId: SIMULATOR_WABA_ID,
    media: mediaStore,
    appSecrets: [appSecret],
    verifyToken: 'verify-me',
    apiTokens: [apiToken],
    ...(opts.handoverWaitMs !== undefined ? { handoverWaitMs: opts.handoverWaitMs } : {}),
    ...(opts.webhookRetry ? { webhookRetry: opts.webhookRetry } : {}),
    checks: {
      database: db.ping,
      temporal: temporalCheck(client),
      worker: async () => {
        if (runner.state !== 'running') throw new Error(`worker is ${runner.state}`);
      },
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  simulator.setWebhookUrl(`${baseUrl}/webhooks/whatsapp`);
  if (opts.worker !== false) {
    if (!(await runner.waitUntilRunning(60_000))) throw new Error(`the worker did not start (state ${runner.state})`);
  }
  const auth = { authorization: `Bearer ${apiToken}` };
  return {
    baseUrl,
    app,
    db,
    client,
    runner,
    simulator,
    taskQueue,
    appSecret,
    apiToken,
    auth,
    async api(path, init = {}) {
      const res = await fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { ...auth, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      await app.close();
      await runner.stop();
      await simulator.close();
      await client.connection.close();
      await db.drop();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}

/** The whole app with no worker and no simulator, for routes that need only the database and a Temporal client. */
export async function appWithoutWorker(db: TestDb, temporal: Client, apiToken: string): Promise<FastifyInstance> {
  const app = await buildApp({
    db: db.db,
    temporal,
    taskQueue: `tq-${randomBytes(4).toString('hex')}`,
    appSecrets: ['unused'],
    verifyToken: 'unused',
    apiTokens: [apiToken],
    checks: { database: db.ping, temporal: async () => {} },
  });
  await app.ready();
  return app;
}
