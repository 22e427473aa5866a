// buildApp(): the Fastify app (webhook, agent API, health, docs). Tests drive it with inject() or HTTP.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { registerBearerAuth } from './auth.js';
import { errorHandler, sendError } from './errors.js';
import { conversationActionRoutes } from './routes/conversation-actions.js';
import { conversationRoutes } from './routes/conversations.js';
import { crmRoutes } from './routes/crm.js';
import { routingRoutes } from './routes/routing.js';
import { healthRoutes, type ReadinessChecks } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';
import { webhookRoutes } from './routes/webhook.js';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  appSecrets: readonly string[];
  verifyToken: string;
  apiTokens: readonly string[];
  checks: ReadinessChecks;
  /** A pino logger; none -> silent. */
  logger?: FastifyServerOptions['loggerInstance'];
  /** Deadline for handing a webhook's events to Temporal (<= 3000 ms). */
  ingressDeadlineMs?: number;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    // JSON bodies of the agent API; the webhook has its own 5 MiB raw parser.
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`));
  registerBearerAuth(app, deps.apiTokens);

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
  await app.register(webhookRoutes, {
    appSecrets: deps.appSecrets,
    verifyToken: deps.verifyToken,
    ingress: { client: deps.temporal, db: deps.db, taskQueue: deps.taskQueue, deadlineMs: deps.ingressDeadlineMs },
  });
  await app.register(
    async (api) => {
      await api.register(conversationRoutes, { db: deps.db, temporal: deps.temporal });
      await api.register(conversationActionRoutes, { db: deps.db, temporal: deps.temporal });
      await api.register(messageRoutes, { db: deps.db });
      await api.register(crmRoutes, { db: deps.db });
      await api.register(routingRoutes, { db: deps.db, temporal: deps.temporal });
    },
    { prefix: '/api/v1' },
  );
  return app;
}
