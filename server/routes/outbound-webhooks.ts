// Outbound event webhooks (admin): subscribe a URL to event types, list and remove subscriptions,
// and read the delivery log (every attempt with its answer). Deliveries: workflows/webhook-delivery.ts.
import { randomBytes } from 'node:crypto';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { webhookDeliveries, webhookEvents, webhookSubscriptions } from '../../db/schema.js';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhook-events.js';
import { sendError } from '../errors.js';
import { ErrorBody, Nullable } from './schemas.js';

const EventType = Type.Union(WEBHOOK_EVENT_TYPES.map((t) => Type.Literal(t)));
const Subscription = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean(),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
});
const Delivery = Type.Object({
  id: Type.Integer(),
  eventId: Type.String(),
  type: Type.String(),
  attempt: Type.Integer(),
  at: Type.String(),
  ok: Type.Boolean(),
  statusCode: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  durationMs: Type.Integer(),
});
const Params = Type.Object({ id: Type.String({ format: 'uuid', maxLength: 36 }) });

function badUrl(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'url must be an absolute http(s) URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'url must use http or https';
  if (u.username || u.password) return 'url must not carry credentials (the signature authenticates us)';
  return null;
}

const view = (s: typeof webhookSubscriptions.$inferSelect) => ({
  id: s.id,
  url: s.url,
  events: s.events,
  active: s.active,
  createdBy: s.createdBy,
  createdAt: s.createdAt.toISOString(),
});

export const outboundWebhookRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  const common = { config: { access: 'admin' as const } };
  app.post(
    '/webhooks',
    {
      ...common,
      schema: {
        tags: ['events'],
        summary: 'Subscribe a URL to events; the secret that signs the deliveries is shown only here',
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            url: Type.String({ minLength: 1, maxLength: 2048 }),
            events: Type.Array(EventType, { minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, uniqueItems: true }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([Subscription, Type.Object({ secret: Type.String() })]), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const problem = badUrl(req.body.url);
      if (problem) return sendError(reply, 422, 'invalid_url', problem);
      const secret = `whsec_${randomBytes(32).toString('hex')}`;
      const [row] = await db
        .insert(webhookSubscriptions)
        .values({ url: req.body.url, events: req.body.events, secret, createdBy: req.principal?.actor ?? null })
        .returning();
      return reply.code(201).send({ ...view(row!), secret });
    },
  );

  app.get(
    '/webhooks',
    {
      ...common,
      schema: {
        tags: ['events'],
        summary: 'The subscriptions, newest first (without their secrets)',
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ data: Type.Array(Subscription) }), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async () => ({ data: (await db.select().from(webhookSubscriptions).orderBy(desc(webhookSubscriptions.createdAt))).map(view) }),
  );

  app.delete(
    '/webhooks/:id',
    {
      ...common,
      schema: {
        tags: ['events'],
        summary: 'Stop a subscription: nothing more is sent to it, deliveries still retrying stop',
        security: [{ bearer: [] }],
        params: Params,
        response: { 200: Subscription, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const [row] = await db.update(webhookSubscriptions).set({ active: false }).where(eq(webhookSubscriptions.id, req.params.id)).returning();
      if (!row) return sendError(reply, 404, 'not_found', `no webhook subscription ${req.params.id}`);
      return view(row);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      ...common,
      schema: {
        tags: ['events'],
        summary: 'Every delivery attempt to this subscription with its answer, newest first',
        security: [{ bearer: [] }],
        params: Params,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          before: Type.Optional(Type.Integer({ minimum: 1, description: 'nextBefore of the previous page' })),
          eventId: Type.Optional(Type.String({ format: 'uuid', maxLength: 36 })),
        }),
        response: { 200: Type.Object({ data: Type.Array(Delivery), nextBefore: Nullable(Type.Integer()) }), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const [sub] = await db.select({ id: webhookSubscriptions.id }).from(webhookSubscriptions).where(eq(webhookSubscriptions.id, req.params.id));
      if (!sub) return sendError(reply, 404, 'not_found', `no webhook subscription ${req.params.id}`);
      const limit = req.query.limit ?? 100;
      const rows = await db
        .select({ d: webhookDeliveries, type: webhookEvents.type })
        .from(webhookDeliveries)
        .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
        .where(
          and(
            eq(webhookDeliveries.subscriptionId, sub.id),
            req.query.before ? lt(webhookDeliveries.id, req.query.before) : undefined,
            req.query.eventId ? eq(webhookDeliveries.eventId, req.query.eventId) : undefined,
          ),
        )
        .orderBy(desc(webhookDeliveries.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      return {
        data: page.map(({ d, type }) => ({ id: d.id, eventId: d.eventId, type, attempt: d.attempt, at: d.at.toISOString(), ok: d.ok, statusCode: d.statusCode, error: d.error, durationMs: d.durationMs })),
        nextBefore: rows.length > limit ? page[page.length - 1]!.d.id : null,
      };
    },
  );
};
