// GET /metrics: Prometheus text of this process (CONTRACT.md): from loopback (a local Prometheus
// or agent) without a token, from elsewhere only with an admin token.
import type { FastifyPluginAsync } from 'fastify';
import { AggregatorRegistry } from 'prom-client';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { teamQueue } from '../../db/schema.js';
import { registerQueueDepth, registry } from '../../activities/metrics.js';
import type { Authenticator } from '../auth/hook.js';
import { sendError } from '../errors.js';
import type { MetricsJson } from '../worker-process.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export const metricsRoutes: FastifyPluginAsync<{ db: Db; auth: Authenticator; workerMetrics?: () => Promise<MetricsJson> }> = async (
  app,
  { db, auth, workerMetrics },
) => {
  registerQueueDepth(async () => {
    const rows = await db.select({ team: teamQueue.team, depth: sql<number>`count(*)::int` }).from(teamQueue).groupBy(teamQueue.team);
    return rows.map((r) => ({ team: r.team, depth: Number(r.depth) }));
  });
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (!LOOPBACK.test(req.socket.remoteAddress ?? '')) {
      const p = await auth.authenticate(req.headers.authorization).catch(() => null);
      if (!p) return sendError(reply.header('www-authenticate', 'Bearer'), 401, 'unauthorized', 'metrics need an admin token from outside this machine');
      if (p.role !== 'admin') return sendError(reply, 403, 'forbidden', 'metrics need an admin token');
    }
    reply.header('content-type', registry.contentType);
    if (!workerMetrics) return registry.metrics();
    // The worker's series (activities, sends) beside ours; process metrics are the two summed.
    const [own, worker] = await Promise.all([registry.getMetricsAsJSON(), workerMetrics()]);
    return AggregatorRegistry.aggregate([own, worker] as never).metrics();
  });
};
