// Standalone Graph API simulator: `npx tsx whatsapp/simulator/main.ts`.
// PORT or WHATSAPP_SIMULATOR_PORT (default 3001), WHATSAPP_APP_SECRET (the first of a comma list
// signs the webhooks), WEBHOOK_URL (default http://127.0.0.1:3000/webhooks/whatsapp),
// WHATSAPP_ACCESS_TOKEN (checked when set), HOST (default 127.0.0.1), WHATSAPP_SIMULATOR_TOKEN
// (bearer token of the /__sim control endpoints; generated and printed when unset).
import { randomBytes } from 'node:crypto';
import { startSimulator } from './server.js';

function fail(msg: string): never {
  console.error(`whatsapp simulator: ${msg}`);
  process.exit(1);
}

const portText = process.env.WHATSAPP_SIMULATOR_PORT ?? process.env.PORT ?? '3001';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`WHATSAPP_SIMULATOR_PORT/PORT must be a port number, got ${portText}`);
const appSecret = (process.env.WHATSAPP_APP_SECRET ?? '')
  .split(',')
  .map((s) => s.trim())
  .find(Boolean);
if (!appSecret) fail('WHATSAPP_APP_SECRET is required (the app secret the engine verifies webhooks with)');
const webhookUrl = process.env.WEBHOOK_URL ?? 'http://127.0.0.1:3000/webhooks/whatsapp';
try {
  new URL(webhookUrl);
} catch {
  fail(`WEBHOOK_URL must be an absolute URL, got ${webhookUrl}`);
}

const controlToken = process.env.WHATSAPP_SIMULATOR_TOKEN || `sim_${randomBytes(18).toString('hex')}`;

const sim = await startSimulator({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  appSecret,
  webhookUrl,
  controlToken,
  ...(process.env.WHATSAPP_ACCESS_TOKEN ? { accessToken: process.env.WHATSAPP_ACCESS_TOKEN } : {}),
  log: (m) => console.error(`[sim] ${m}`),
}).catch((err: Error) => fail(err.message));

console.error(`[sim] set WHATSAPP_API_BASE_URL=${sim.url} on the engine`);
if (!process.env.WHATSAPP_SIMULATOR_TOKEN) console.error(`[sim] control endpoints: WHATSAPP_SIMULATOR_TOKEN=${controlToken}`);
let stopping = false;
const stop = () => {
  if (stopping) process.exit(1);
  stopping = true;
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
