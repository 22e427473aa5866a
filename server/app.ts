// buildApp(): the Fastify app (webhook, agent API, health, docs). Tests drive it with inject() or HTTP.
import { WebhookRelay } from './webhook-relay.js';
import { outboundWebhookRoutes } from './routes/outbound-webhooks.js';
import type { WebhookRetry } from '../workflows/webhook-delivery/contract.js';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { checkAccess, createAuthenticator, registerAuth } from './auth/hook.js';
import { cleanRequest } from './clean-request.js';
import { clientErrorHandler, errorHandler, sendError } from './errors.js';
import { strictBodyValidators } from './validation.js';
import { conversationActionRoutes } from './routes/conversation-actions.js';
import { conversationRoutes } from './routes/conversations.js';
import { crmRoutes } from './routes/crm.js';
import { routingRoutes } from './routes/routing.js';
import { healthRoutes, type ReadinessChecks } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';
import { webhookRoutes } from './routes/webhook.js';
import { tokenRoutes } from './routes/tokens.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { mediaRoutes } from './routes/media.js';
import type { MediaStore } from '../db/media.js';
import type { GraphClient } from '../whatsapp/graph-client.js';
import { templateRoutes } from './routes/templates.js';
import { metricsRoutes } from './routes/metrics.js';
import type { MetricsJson } from './worker-process.js';
import { analyticsRoutes } from './routes/analytics.js';
import { consoleRoutes } from './routes/console.js';
import { registerHandoverBacklog, webhookDuration } from '../activities/metrics.js';
import { Handover } from './handover.js';
import { knowledgeRoutes } from './routes/knowledge.js';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** Where kept media is read from (the worker writes it there). */
  media?: MediaStore;
  /** The business number a business-initiated conversation uses when the request names none. */
  phoneNumberId?: string;
  /** The Graph API, for what the API asks WhatsApp itself (templates, read receipts on open). */
  graph?: GraphClient;
  /** The WhatsApp Business Account whose templates agents choose from. */
  wabaId?: string;
  appSecrets: readonly string[];
  verifyToken: string;
  apiTokens: readonly string[];
  checks: ReadinessChecks;
  /** Metrics of a worker in another process (npm run dev on Postgres), merged into GET /metrics. */
  workerMetrics?: () => Promise<MetricsJson>;
  /** A pino logger; none -> silent. */
  logger?: FastifyServerOptions['loggerInstance'];
  /** Deadline for handing a webhook's events to Temporal (<= 3000 ms). */
  ingressDeadlineMs?: number;
  /** How long the webhook waits for a busy Temporal before it answers 200 (the events are stored). */
  handoverWaitMs?: number;
  /** Outbound webhooks' backoff (default: from 10 s, doubling to 10 min, for 24 h). */
  webhookRetry?: WebhookRetry;
}

/** Ids in paths may be up to this long (CONTRACT.md); longer ones answer 414. */
export const MAX_PATH_ID_LENGTH = 512;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const auth = createAuthenticator({ db: deps.db, apiTokens: deps.apiTokens });
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    // JSON bodies of the agent API; the webhook has its own 5 MiB raw parser.
    bodyLimit: 1024 * 1024,
    // Bodies are never coerced ("7" is not a number); query strings are (they are all text).
    ajv: { customOptions: { removeAdditional: false, allErrors: true } },
    schemaController: { compilersFactory: { buildValidator: strictBodyValidators } },
    routerOptions: { maxParamLength: MAX_PATH_ID_LENGTH, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    // A slow or stalled client cannot hold a connection: headers in 15 s (below), the whole request
    // (a 20 MiB CSV on a slow line included) in 2 minutes, idle sockets closed.
    requestTimeout: 120_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 10_000,
    // Our own 503 while closing (onRequest below), in the contract's error shape.
    return503OnClosing: false,
    clientErrorHandler,
    // Bad percent-encoding, an over-long id: the token rule first, then the one error shape.
    frameworkErrors: (err, req, reply) => {
      void checkAccess(auth, req, reply).then((ok) => {
        if (ok) errorHandler(err, req, reply);
      });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.server.headersTimeout = 15_000;
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (closing) return sendError(reply.header('connection', 'close'), 503, 'shutting_down', 'the server is shutting down; retry');
  });
  // The API speaks JSON (and CSV where a route says so): a text/plain body is a 415, not a string.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}`));
  registerAuth(app, auth);
  app.addHook('preValidation', cleanRequest);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Threadline',
        version: '0.1.0',
        description: 'WhatsApp CRM automation engine: webhook ingress and the agent API.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { checks: deps.checks });
  await app.register(consoleRoutes);
  await app.register(metricsRoutes, { db: deps.db, auth, ...(deps.workerMetrics ? { workerMetrics: deps.workerMetrics } : {}) });
  // Every webhook answer timed, by status (a refused body too).
  app.addHook('onResponse', async (req, reply) => {
    if (req.method === 'POST' && req.routeOptions.url === '/webhooks/whatsapp') webhookDuration.observe({ status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  // Accepted events go to Temporal from here; what could not go at once, the sweeper hands over.
  const handover = new Handover({ client: deps.temporal, db: deps.db, taskQueue: deps.taskQueue, log: app.log });
  handover.startSweeper();
  app.addHook('onClose', async () => handover.stop());
  registerHandoverBacklog(() => handover.backlog());
  // Outbound events (written by triggers) become one durable delivery workflow per subscription.
  const relay = new WebhookRelay({ db: deps.db, client: deps.temporal, taskQueue: deps.taskQueue, log: app.log, ...(deps.webhookRetry ? { retry: deps.webhookRetry } : {}) });
  relay.start();
  app.addHook('onClose', async () => relay.stop());
  await app.register(webhookRoutes, {
    appSecrets: deps.appSecrets,
    verifyToken: deps.verifyToken,
    ingress: { client: deps.temporal, db: deps.db, taskQueue: deps.taskQueue, deadlineMs: deps.ingressDeadlineMs, handover, handoverWaitMs: deps.handoverWaitMs },
  });
  await app.register(
    async (api) => {
      await api.register(conversationRoutes, { db: deps.db, temporal: deps.temporal, ...(deps.graph ? { graph: deps.graph } : {}) });
      await api.register(knowledgeRoutes, { db: deps.db });
      await api.register(templateRoutes, { ...(deps.graph ? { graph: deps.graph } : {}), ...(deps.wabaId ? { wabaId: deps.wabaId } : {}) });
      await api.register(conversationActionRoutes, { db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, ...(deps.phoneNumberId ? { phoneNumberId: deps.phoneNumberId } : {}) });
      await api.register(messageRoutes, { db: deps.db });
      await api.register(mediaRoutes, { db: deps.db, ...(deps.media ? { media: deps.media } : {}) });
      await api.register(crmRoutes, { db: deps.db });
      await api.register(routingRoutes, { db: deps.db, temporal: deps.temporal });
      await api.register(tokenRoutes, { db: deps.db });
      await api.register(deadLetterRoutes, { db: deps.db });
      await api.register(outboundWebhookRoutes, { db: deps.db });
      await api.register(analyticsRoutes, { db: deps.db });
    },
    { prefix: '/api/v1' },
  );
  return app;
}
