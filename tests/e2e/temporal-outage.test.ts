// Temporal away for more than a minute: the webhook answers 503 within 5 s (Meta retries), /readyz
// says 503; once the server is back the worker resumes by itself and the retried body is stored once.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { messages } from '../../db/schema.js';
import { startDevServer, type DevServer } from '../../server/temporal-dev-server.js';
import { ensureSearchAttributesAt } from '../../server/temporal-setup.js';
import { freePort } from '../helpers/ports.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, postWebhook, textMessageBody } from '../helpers/webhooks.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tl-outage-'));
let port: number;
let server: DevServer;
let s: Stack;

const startServer = () =>
  startDevServer({
    binary: inject('temporalCliPath'),
    dataDir,
    port,
    uiPort: port + 1,
    namespace: 'default',
    log: () => {},
    ui: false,
  });

beforeAll(async () => {
  port = await freePort();
  server = await startServer();
  await ensureSearchAttributesAt(server.address, 'default');
  s = await startStack({ address: server.address });
});
afterAll(async () => {
  await s?.stop();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = Date.now();
  const r = await fn();
  return [r, Date.now() - t0];
}

describe('Temporal outage', { timeout: 240_000 }, () => {
  it('503 within 5 s while down, recovery by itself, the retried body stored once', async () => {
    const before = textMessageBody({ from: '966533000001', text: 'before the outage' });
    expect((await postWebhook(s.baseUrl, before.body, s.appSecret)).status).toBe(200);
    await eventually(async () => ((await s.api(`/api/v1/messages/${before.id}`)).status === 200 ? true : undefined));

    await server.stop();
    const during = textMessageBody({ from: '966533000001', text: 'during the outage' });
    const [first, firstMs] = await timed(() => postWebhook(s.baseUrl, during.body, s.appSecret));
    expect(first.status).toBe(503);
    expect(firstMs).toBeLessThan(5000);
    expect(first.json.error.code).toBe('temporal_unavailable');
    const [ready, readyMs] = await timed(() => fetch(`${s.baseUrl}/readyz`));
    expect(ready.status).toBe(503);
    expect(readyMs).toBeLessThan(2000);
    expect(((await ready.json()) as any).failing).toContain('temporal');
    // The API still answers from Postgres.
    expect((await s.api(`/api/v1/messages/${before.id}`)).status).toBe(200);

    // More than a minute: the SDK's worker gives up polling in that time.
    const until = Date.now() + 65_000;
    while (Date.now() < until) {
      const [r, ms] = await timed(() => postWebhook(s.baseUrl, during.body, s.appSecret));
      expect(r.status).toBe(503);
      expect(ms).toBeLessThan(5000);
      await new Promise((res) => setTimeout(res, 10_000));
    }

    server = await startServer();
    // Meta retries the same body; the worker must be back without anyone restarting it.
    const res = await eventually(
      async () => {
        const r = await postWebhook(s.baseUrl, during.body, s.appSecret);
        return r.status === 200 ? r : undefined;
      },
      30_000,
      500,
    );
    expect(res.status).toBe(200);
    expect((await postWebhook(s.baseUrl, during.body, s.appSecret)).status).toBe(200);
    await eventually(async () => ((await s.api(`/api/v1/messages/${during.id}`)).status === 200 ? true : undefined), 60_000, 250);
    await eventually(async () => ((await fetch(`${s.baseUrl}/readyz`)).status === 200 ? true : undefined), 60_000, 250);
    const rows = await s.db.db.select().from(messages).where(eq(messages.waMessageId, during.id));
    expect(rows).toHaveLength(1);
  });
});
