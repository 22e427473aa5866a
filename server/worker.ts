// npm run worker: the Temporal worker, against DATABASE_URL and TEMPORAL_ADDRESS (production).
import path from 'node:path';
import { FileMediaStore } from '../db/media.js';
import { hostname } from 'node:os';
import { createActivities } from '../activities/index.js';
import { answererFromEnv } from '../activities/answerer.js';
import { openPostgres } from '../db/client.js';
import { ConfigError, loadConfig, REQUIRED } from './config.js';
import { createLogger, graphClientFor, onShutdownSignals, temporalClient } from './runtime.js';
import { ensureReconcilerSchedule } from './temporal-setup.js';
import { WorkerRunner } from './worker-runner.js';

async function main() {
  const config = loadConfig('production', process.env, REQUIRED.worker);
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
  });
  runner.start();
  // Every worker makes sure the schedule exists; the first one creates it.
  void ensureReconcilerSchedule(temporal, config.temporal.taskQueue).catch((err) => log.warn({ err }, 'could not create the reconciler schedule'));
  onShutdownSignals(async () => {
    await runner.stop();
    await temporal.connection.close().catch(() => {});
    await db.close();
  });
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
