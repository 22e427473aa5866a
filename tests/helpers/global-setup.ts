// One Temporal dev server per test run (the same binary lookup as `npm run dev`), in memory,
// on a free port. Files read its address with inject('temporalAddress').
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { Connection } from '@temporalio/client';
import { findTemporalBinary } from '../../server/temporal-binary.js';
import { startDevServer, type DevServer } from '../../server/temporal-dev-server.js';
import { ensureSearchAttributes } from '../../server/temporal-setup.js';
import { freePort } from './ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCliPath: string;
    temporalTestServerPath: string;
  }
}

let server: DevServer | undefined;

export async function setup(project: TestProject) {
  const dataDir = path.resolve(process.env.THREADLINE_DATA_DIR ?? '.data');
  const binary = await findTemporalBinary('cli', { explicitPath: process.env.TEMPORAL_CLI_PATH, dataDir });
  const port = await freePort();
  server = await startDevServer({
    binary: binary.path,
    dataDir: path.join(dataDir, 'test-run'),
    port,
    uiPort: port + 1000,
    namespace: 'default',
    log: (m) => console.error(m),
    ui: false,
    dbFile: null,
  });
  const conn = await Connection.connect({ address: server.address });
  await ensureSearchAttributes(conn, 'default');
  await conn.close();
  project.provide('temporalAddress', server.address);
  project.provide('temporalCliPath', binary.path);
  const testServer = await findTemporalBinary('test-server', { explicitPath: process.env.TEMPORAL_TEST_SERVER_PATH, dataDir });
  project.provide('temporalTestServerPath', testServer.path);
}

export async function teardown() {
  await server?.stop();
}
