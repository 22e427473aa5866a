// Pieces shared by the process entry points (dev, api, worker).
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import type { Config } from './config.js';
import { GraphClient } from '../whatsapp/graph-client.js';

/** A URL for the logs: values of query parameters that look like secrets (hub.verify_token...) hidden. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = decodeURIComponentSafe(eq < 0 ? pair : pair.slice(0, eq));
      return eq >= 0 && /token|secret|key|password|signature/i.test(key) ? `${pair.slice(0, eq)}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function createLogger(level: string) {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Fastify logs every request; its URL must not carry the verify token into the logs.
      serializers: {
        req: (req: { method?: string; url?: string; hostname?: string; ip?: string }) => ({
          method: req.method,
          url: redactUrl(req.url ?? ''),
          hostname: req.hostname,
          remoteAddress: req.ip,
        }),
      },
    },
    pino.destination(2),
  );
}
export type Logger = ReturnType<typeof createLogger>;

/** A client whose connection is made lazily and re-made by the SDK after Temporal comes back. */
export function temporalClient(address: string, namespace: string): Client {
  return new Client({ connection: Connection.lazy({ address, connectTimeout: 2000 }), namespace });
}

export function temporalCheck(client: Client): () => Promise<void> {
  return async () => {
    await client.connection.withDeadline(Date.now() + 1500, () => client.connection.workflowService.getSystemInfo({}));
  };
}

export function listenErrorMessage(err: unknown, config: Pick<Config, 'port'>): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') return `Port ${config.port} (PORT) is already in use: stop what listens there or set PORT to a free port.`;
  return `could not listen on port ${config.port}: ${e.message}`;
}

/** Exit on the first of SIGINT/SIGTERM after `stop` ran; a second signal exits at once. */
export function onShutdownSignals(stop: (signal: string) => Promise<void>, forceAfterMs = 25_000): void {
  let stoppingSince = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince) {
      // A wrapper may relay the terminal's one Ctrl-C a second time: only a later one counts.
      if (Date.now() - stoppingSince > 1000) {
        process.stderr.write(`\n${signal} again: exiting now\n`);
        process.exit(130);
      }
      return;
    }
    stoppingSince = Date.now();
    const force = setTimeout(() => {
      process.stderr.write('shutdown took too long; exiting\n');
      process.exit(1);
    }, forceAfterMs);
    force.unref();
    stop(signal).then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`shutdown failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('SIGHUP', handler);
}

/** The Graph API client from configuration: Meta's when a token is set, else the given simulator. */
export function graphClientFor(config: Pick<Config, 'whatsapp'>, simulatorUrl?: string): GraphClient | undefined {
  const { accessToken, apiBaseUrl } = config.whatsapp;
  if (accessToken) return new GraphClient({ baseUrl: apiBaseUrl ?? 'https://graph.facebook.com', accessToken });
  const base = apiBaseUrl ?? simulatorUrl;
  return base ? new GraphClient({ baseUrl: base, accessToken: 'simulator' }) : undefined;
}
