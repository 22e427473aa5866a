// npm run dev: everything in one process tree on embedded defaults. Needs no configuration:
// PGlite in the data dir, an embedded Temporal dev server (child process), the worker (in-process,
// restarted when it dies), the API. Ctrl-C (once or twice) stops it all within 30 s.
import path from 'node:path';
import { FileMediaStore } from '../db/media.js';
import { hostname } from 'node:os';
import { createActivities } from '../activities/index.js';
import { answererFromEnv } from '../activities/answerer.js';
import { EmbeddedStoreError, openDatabase, type DbHandle } from '../db/client.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { keepFilesPrivate, makePrivate } from './data-dir.js';
import { createLogger, graphClientFor, listenErrorMessage, onShutdownSignals, temporalCheck, temporalClient } from './runtime.js';
import { startSimulator } from '../whatsapp/simulator/server.js';
import { findTemporalBinary, TemporalBinaryError } from './temporal-binary.js';
import { PortInUseError, startDevServer, type DevServer } from './temporal-dev-server.js';
import { ensureReconcilerSchedule, ensureSearchAttributesAt } from './temporal-setup.js';
import { cachedWorkflowsFromEnv, taskSlotsFromEnv, WorkerRunner, workflowBundle } from './worker-runner.js';
import { cachedWorkflowsFor } from './worker-memory.js';
import { WORKER_NICENESS, WorkerProcess, type MetricsJson } from './worker-process.js';

const say = (msg: string) => process.stdout.write(`${msg}\n`);
/** Where this machine reaches a server listening on `host`. */
const reachableHost = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);

async function main() {
  // Everything this process tree writes (secrets, PGlite, Temporal's SQLite, tools) is its user's alone.
  keepFilesPrivate();
  const config = loadConfig('dev');
  makePrivate(config.dataDir);
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  say(`Threadline dev — data in ${config.dataDir}`);

  let db: DbHandle | undefined;
  let devServer: DevServer | undefined;
  let runner: WorkerRunner | undefined;
  let stopping = false;
  const cleanup: (() => Promise<void>)[] = [];

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping...');
    for (const step of cleanup.reverse()) {
      await step().catch((err) => say(`  (shutdown step failed: ${(err as Error).message})`));
    }
    say('stopped.');
  };
  onShutdownSignals(stop, 28_000);
  // If whoever started us dies without a signal (kill -9 of npm), shut down rather than linger.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !stopping) void stop().then(() => process.exit(0));
  }, 1000).unref();

  // Bundling the workflow code takes seconds: start it while the rest comes up.
  if (!config.databaseUrl || process.env.THREADLINE_DEV_WORKER === 'in-process') void workflowBundle().catch(() => {});
  try {
    db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, (m) => say(m));
    const openedDb = db;
    cleanup.push(() => openedDb.close());
    say(`database: ${db.kind === 'pglite' ? `embedded PGlite (${config.dataDir}/pglite)` : 'DATABASE_URL'}`);

    let address = config.temporal.address;
    let uiUrl: string | undefined;
    if (!address) {
      const binary = await findTemporalBinary('cli', { explicitPath: config.temporal.cliPath, dataDir: config.dataDir, log: say });
      say(`temporal: ${binary.path} (found via ${binary.source})`);
      const start = () =>
        startDevServer({
          binary: binary.path,
          dataDir: config.dataDir,
          port: config.temporal.devPort,
          uiPort: config.temporal.uiPort,
          namespace: config.temporal.namespace,
          log: say,
        });
      devServer = await start();
      // Whatever way this process ends (even process.exit on a second Ctrl-C), take the server along.
      process.on('exit', () => {
        try {
          if (devServer) process.kill(devServer.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      });
      address = devServer.address;
      uiUrl = devServer.uiUrl;
      // Supervise the dev server: restart it if it dies on its own.
      const watch = (server: DevServer) => {
        void server.exited.then(async (code) => {
          if (stopping) return;
          say(`the Temporal dev server exited (${code}); restarting it`);
          for (;;) {
            try {
              devServer = await start();
              watch(devServer);
              return;
            } catch (err) {
              if (stopping) return;
              say(`restart failed: ${(err as Error).message}; retrying in 2 s`);
              await new Promise((r) => setTimeout(r, 2000));
            }
          }
        });
      };
      watch(devServer);
      cleanup.push(async () => {
        await devServer?.stop();
      });
    }

    // Before the webhook opens: signalWithStart sets these attributes.
    const added = await ensureSearchAttributesAt(address, config.temporal.namespace);
    if (added.length > 0) say(`registered search attributes: ${added.join(', ')}`);

    // No Meta account configured: the local Graph API simulator stands in, so the loop is whole.
    let simulatorUrl: string | undefined;
    if (!config.whatsapp.accessToken && !config.whatsapp.apiBaseUrl) {
      const sim = await startSimulator({
        port: config.whatsapp.simulatorPort,
        appSecret: config.whatsapp.appSecrets[0]!,
        controlToken: config.whatsapp.simulatorToken,
        phoneNumberId: config.whatsapp.phoneNumberId,
        wabaId: config.whatsapp.wabaId,
        webhookUrl: `http://${reachableHost(config.host)}:${config.port}/webhooks/whatsapp`,
        log: () => {},
      });
      simulatorUrl = sim.url;
      cleanup.push(() => sim.close());
    }

    const graph = graphClientFor(config, simulatorUrl);
    const temporal = temporalClient(address, config.temporal.namespace);
    cleanup.push(() => temporal.connection.close().catch(() => {}));
    // On Postgres the worker is a child process at a lower priority (the webhook's answer must not
    // wait for a busy worker); PGlite is this process's alone, so there it runs in this process.
    let worker: { state: string; waitUntilRunning(ms: number): Promise<boolean>; stop(): Promise<void> };
    let workerMetrics: (() => Promise<MetricsJson>) | undefined;
    if (db.kind === 'postgres' && process.env.THREADLINE_DEV_WORKER !== 'in-process') {
      const child = new WorkerProcess({
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: address,
          TEMPORAL_NAMESPACE: config.temporal.namespace,
          TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
          THREADLINE_DATA_DIR: config.dataDir,
          LOG_LEVEL: config.logLevel === 'info' ? 'warn' : config.logLevel,
          // The simulator stands in for Meta: the worker sends through it, as this process would.
          ...(!config.whatsapp.accessToken && simulatorUrl ? { WHATSAPP_ACCESS_TOKEN: 'simulator', WHATSAPP_API_BASE_URL: simulatorUrl } : {}),
        },
        log: say,
      });
      child.start();
      worker = child;
      workerMetrics = () => child.metrics();
      say(`worker: a separate process (pid ${child.pid}, niceness ${WORKER_NICENESS})`);
    } else {
      runner = new WorkerRunner({
        address,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        activities: createActivities({ db: db.db, graph, temporal, media: new FileMediaStore(path.join(config.dataDir, 'media')), answerer: answererFromEnv(process.env) }),
        log: { info: (m) => say(m), warn: (m) => say(m), error: (m) => say(m) },
        identity: `threadline-dev@${hostname()}:${process.pid}`,
        taskSlots: taskSlotsFromEnv(),
        maxCachedWorkflows: cachedWorkflowsFor(cachedWorkflowsFromEnv()),
      });
      runner.start();
      worker = runner;
    }
    const openedWorker = worker;
    cleanup.push(() => openedWorker.stop());

    const app = await buildApp({
      db: db.db,
      temporal,
      taskQueue: config.temporal.taskQueue,
      phoneNumberId: config.whatsapp.phoneNumberId,
      wabaId: config.whatsapp.wabaId,
      ...(graph ? { graph } : {}),
      media: new FileMediaStore(path.join(config.dataDir, 'media')),
      ...(workerMetrics ? { workerMetrics } : {}),
      appSecrets: config.whatsapp.appSecrets,
      verifyToken: config.whatsapp.verifyToken,
      apiTokens: config.apiTokens,
      logger: log,
      checks: {
        database: openedDb.ping,
        temporal: temporalCheck(temporal),
        worker: async () => {
          if (openedWorker.state !== 'running') throw new Error(`worker is ${openedWorker.state}`);
        },
      },
    });
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (err) {
      throw new ConfigError(listenErrorMessage(err, config));
    }
    cleanup.push(() => app.close());
    if (!(await openedWorker.waitUntilRunning(90_000))) {
      say('warning: the worker is not running yet; messages are accepted and will be processed once it is');
    }
    await ensureReconcilerSchedule(temporal, config.temporal.taskQueue).catch((err) => say(`could not create the reconciler schedule: ${(err as Error).message}`));

    const base = `http://${reachableHost(config.host)}:${config.port}`;
    say('');
    say(`  API          ${base}/api/v1`);
    say(`  Webhook      ${base}/webhooks/whatsapp`);
    say(`  API docs     ${base}/docs`);
    if (uiUrl) say(`  Temporal UI  ${uiUrl}/namespaces/${config.temporal.namespace}/workflows`);
    if (simulatorUrl) say(`  WhatsApp     simulator at ${simulatorUrl} (no WHATSAPP_ACCESS_TOKEN); try: npm run chat -- --from +966501234567`);
    say(`  Temporal     ${address} (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})`);
    if (config.generated.length > 0) {
      say('');
      say(`  Generated for this data dir (kept in ${config.dataDir}/secrets.json):`);
      for (const line of config.generated) say(`    ${line}`);
    }
    say('');
    say('Ready. Ctrl-C to stop.');
  } catch (err) {
    const known = err instanceof ConfigError || err instanceof EmbeddedStoreError || err instanceof PortInUseError || err instanceof TemporalBinaryError;
    process.stderr.write(`\n${known ? (err as Error).message : (err as Error).stack}\n`);
    await stop();
    process.exit(1);
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
