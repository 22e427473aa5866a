// Routing half of the agent API: agents and the rules document. Registered under /api/v1 by the app.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client.js';
import { agentRoutes } from './agents.js';
import { rulesRoutes } from './rules.js';

export interface RoutingRoutesOptions {
  db: Db;
  temporal: Client;
}

export const routingRoutes: FastifyPluginAsyncTypebox<RoutingRoutesOptions> = async (app, opts) => {
  await app.register(agentRoutes, { db: opts.db, temporal: opts.temporal });
  await app.register(rulesRoutes, { db: opts.db });
};
