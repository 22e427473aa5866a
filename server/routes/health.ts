// /healthz (the process runs) and /readyz (database, Temporal and, in dev, the worker are up).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export interface ReadinessChecks {
  database: () => Promise<void>;
  temporal: () => Promise<void>;
  /** Only where this process runs the worker (npm run dev). */
  worker?: () => Promise<void>;
}

const CHECK_TIMEOUT_MS = 1500;

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: ReadinessChecks }> = async (app, opts) => {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  const Checks = Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) }));
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        response: {
          200: Type.Object({ status: Type.String(), checks: Checks }),
          503: Type.Object({ status: Type.String(), failing: Type.Array(Type.String()), checks: Checks }),
        },
      },
    },
    async (_req, reply) => {
      const entries = Object.entries(opts.checks).filter(([, f]) => typeof f === 'function') as [string, () => Promise<void>][];
      const results = await Promise.all(
        entries.map(async ([name, check]) => {
          try {
            await within(check(), CHECK_TIMEOUT_MS);
            return [name, { ok: true }] as const;
          } catch (err) {
            return [name, { ok: false, error: (err as Error).message }] as const;
          }
        }),
      );
      const checks = Object.fromEntries(results);
      const failing = results.filter(([, r]) => !r.ok).map(([n]) => n);
      if (failing.length > 0) return reply.code(503).send({ status: 'unavailable', failing, checks });
      return { status: 'ready', checks };
    },
  );
};
