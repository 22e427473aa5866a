// npm run worker: the Temporal worker, against DATABASE_URL and TEMPORAL_ADDRESS (production).
import http from 'node:http';
import path from 'node:path';
import { registry } from '../activities/metrics.js';
import { FileMediaStore } from '../db/media.js';
import { hostname } from 'node:os';
import { createActivities } from '../activities/index.js';
import { answererFromEnv } from '../activities/answerer.js';
import { openPostgres } from '../db/client.js';
import { ConfigError, loadConfig, REQUIRED } from './config.js';
import { createLogger, graphClientFor, onShutdownSignals, temporalClient } from './runtime.js';
import { ensureReconcilerSchedule } from './temporal-setup.js';
import { cachedWorkflowsFromEnv, taskSlotsFromEnv, WorkerRunner } from './worker-runner.js';
import { cachedWorkflowsFor, heapMbFromEnv } from './worker-memory.js';
import { isMetricsRequest, type MetricsReply, type WorkerStateMessage } from './worker-process.js';

async function main() {
  const config = loadConfig('production', process.env, REQUIRED.worker);
  heapMbFromEnv(); // a bad WORKER_HEAP_MB is named here (package.json passes it to node)
  const log = createLogger(config.logLevel);
  const db = await openPostgres(config.databaseUrl!);
  const temporal = temporalClient(config.temporal.address!, config.temporal.namespace);
  const runner = new WorkerRunner({
    address: config.temporal.address!,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({ db: db.db, graph: graphClientFor(config), temporal, media: new FileMediaStore(path.join(config.dataDir, 'media')), answerer: answererFromEnv(process.env) }),
    log,
    identity: `threadline-worker@${hostname()}:${process.pid}`,
    taskSlots: taskSlotsFromEnv(),
    maxCachedWorkflows: cachedWorkflowsFor(cachedWorkflowsFromEnv()),
  });
  runner.start();
  // Started by `npm run dev` (an IPC channel): report the state, answer metrics requests, and go
  // when the parent goes.
  if (process.send) {
    let reported: string | undefined;
    const report = setInterval(() => {
      if (runner.state === reported) return;
      reported = runner.state;
      process.send?.({ threadlineWorker: runner.state } satisfies WorkerStateMessage);
    }, 100);
    report.unref();
    process.on('message', (m) => {
      if (!isMetricsRequest(m)) return;
      void registry.getMetricsAsJSON().then((metrics) => process.send?.({ threadlineMetrics: m.threadlineMetrics, metrics } satisfies MetricsReply));
    });
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  }
  // The worker's own metrics (activities, sends), for Prometheus to scrape: METRICS_PORT.
  const metricsPort = Number(process.env.METRICS_PORT ?? 0);
  const metricsServer =
    Number.isInteger(metricsPort) && metricsPort > 0
      ? http
          .createServer((req, res) => {
            if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') return void res.writeHead(404).end();
            registry.metrics().then(
              (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
              (err: Error) => res.writeHead(500).end(err.message),
            );
          })
          .listen(metricsPort, config.host, () => log.info(`worker metrics on http://${config.host}:${metricsPort}/metrics`))
      : undefined;
  // Every worker makes sure the schedule exists; the first one creates it.
  void ensureReconcilerSchedule(temporal, config.temporal.taskQueue).catch((err) => log.warn({ err }, 'could not create the reconciler schedule'));
  onShutdownSignals(async () => {
    metricsServer?.close();
    await runner.stop();
    await temporal.connection.close().catch(() => {});
    await db.close();
  });
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
