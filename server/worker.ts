// npm run worker: the Temporal worker, against DATABASE_URL and TEMPORAL_ADDRESS (production).
import { hostname } from 'node:os';
import { createActivities } from '../activities/index.js';
import { openPostgres } from '../db/client.js';
import { ConfigError, loadConfig, REQUIRED } from './config.js';
import { createLogger, graphClientFor, onShutdownSignals } from './runtime.js';
import { WorkerRunner } from './worker-runner.js';

async function main() {
  const config = loadConfig('production', process.env, REQUIRED.worker);
  const log = createLogger(config.logLevel);
  const db = await openPostgres(config.databaseUrl!);
  const runner = new WorkerRunner({
    address: config.temporal.address!,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({ db: db.db, graph: graphClientFor(config) }),
    log,
    identity: `threadline-worker@${hostname()}:${process.pid}`,
  });
  runner.start();
  onShutdownSignals(async () => {
    await runner.stop();
    await db.close();
  });
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
