// npm start: the API and webhook, against DATABASE_URL and TEMPORAL_ADDRESS (production).
import path from 'node:path';
import { openPostgres } from '../db/client.js';
import { FileMediaStore } from '../db/media.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, REQUIRED } from './config.js';
import { createLogger, graphClientFor, listenErrorMessage, onShutdownSignals, temporalCheck, temporalClient } from './runtime.js';

async function main() {
  const config = loadConfig('production', process.env, REQUIRED.api);
  const log = createLogger(config.logLevel);
  const db = await openPostgres(config.databaseUrl!);
  const temporal = temporalClient(config.temporal.address!, config.temporal.namespace);
  const graph = graphClientFor(config);
  const app = await buildApp({
    db: db.db,
    temporal,
    taskQueue: config.temporal.taskQueue,
    phoneNumberId: config.whatsapp.phoneNumberId,
    wabaId: config.whatsapp.wabaId,
    ...(graph ? { graph } : {}),
    // The worker writes buyers' media here; the API serves it (same data dir, or a shared volume).
    media: new FileMediaStore(path.join(config.dataDir, 'media')),
    appSecrets: config.whatsapp.appSecrets,
    verifyToken: config.whatsapp.verifyToken,
    apiTokens: config.apiTokens,
    checks: { database: db.ping, temporal: temporalCheck(temporal) },
    logger: log,
  });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    log.fatal(listenErrorMessage(err, config));
    process.exit(1);
  }
  onShutdownSignals(async () => {
    await app.close();
    await temporal.connection.close().catch(() => {});
    await db.close();
  });
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
