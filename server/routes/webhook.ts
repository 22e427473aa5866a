// POST/GET /webhooks/whatsapp: the Cloud API webhook (signature over the raw bytes, 5 MiB limit).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { cleanJson, jsonMayNeedCleaning } from '../../domain/text.js';
import { signatureHeaderWellFormed, verifySignature } from '../../whatsapp/signature.js';
import { parseWebhook, WebhookBodyError } from '../../whatsapp/parse.js';
import { errorBodySchema, sendError } from '../errors.js';
import { applyPreferences } from '../../db/crm/consent.js';
import { webhookEvents } from '../../activities/metrics.js';
import { dispatchEvents, keepInvalidItems, TemporalUnavailableError, type IngressDeps } from '../ingress.js';

export const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;

export interface WebhookOptions {
  appSecrets: readonly string[];
  verifyToken: string;
  ingress: IngressDeps;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

function countEvents(events: readonly { kind: string }[], outcome: 'handed' | 'refused'): void {
  let messages = 0;
  for (const e of events) if (e.kind === 'message') messages++;
  if (messages) webhookEvents.inc({ kind: 'message', outcome }, messages);
  if (events.length - messages) webhookEvents.inc({ kind: 'status', outcome }, events.length - messages);
}

export const webhookRoutes: FastifyPluginAsync<WebhookOptions> = async (app, opts) => {
  const verifyDigest = digest(opts.verifyToken);
  // The signature covers the raw bytes: keep them, whatever the content type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.get(
    '/webhooks/whatsapp',
    {
      schema: {
        tags: ['webhook'],
        summary: 'Verification handshake (Meta calls it when the webhook is configured)',
        querystring: {
          type: 'object',
          properties: {
            'hub.mode': { type: 'string' },
            'hub.verify_token': { type: 'string' },
            'hub.challenge': { type: 'string' },
          },
        },
        response: { 200: { type: 'string' }, 403: errorBodySchema },
      },
    },
    async (req, reply) => {
      const q = req.query as Record<string, string | undefined>;
      // Compared in constant time (digests of equal length), and never logged (see runtime.ts).
      const given = q['hub.verify_token'];
      const tokenOk = typeof given === 'string' && timingSafeEqual(digest(given), verifyDigest);
      if (q['hub.mode'] === 'subscribe' && tokenOk) {
        return reply.type('text/plain; charset=utf-8').send(q['hub.challenge'] ?? '');
      }
      return sendError(reply, 403, 'forbidden', 'verify token does not match');
    },
  );

  app.post(
    '/webhooks/whatsapp',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      // A request that cannot be Meta's is refused before its body is read (up to 5 MiB otherwise).
      onRequest: async (req, reply) => {
        if (!signatureHeaderWellFormed(req.headers['x-hub-signature-256'])) {
          return sendError(reply.header('connection', 'close'), 401, 'invalid_signature', 'X-Hub-Signature-256 is missing or not of the form sha256=<64 hex digits>');
        }
      },
      schema: {
        tags: ['webhook'],
        summary: 'Cloud API events (messages and statuses), signed with X-Hub-Signature-256',
        headers: { type: 'object', properties: { 'x-hub-signature-256': { type: 'string' } } },
        response: {
          200: {
            type: 'object',
            properties: {
              received: { type: 'integer' },
              invalid: { type: 'integer' },
              conversations: { type: 'integer' },
              messages: { type: 'integer' },
              statuses: { type: 'integer' },
              orphans: { type: 'integer' },
              preferences: { type: 'integer' },
            },
          },
          400: errorBodySchema,
          401: errorBodySchema,
          413: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const signature = req.headers['x-hub-signature-256'];
      if (!verifySignature(raw, typeof signature === 'string' ? signature : undefined, opts.appSecrets)) {
        return sendError(reply, 401, 'invalid_signature', 'X-Hub-Signature-256 is missing or does not match the body');
      }
      let json: unknown;
      const text = raw.toString('utf8');
      try {
        json = JSON.parse(text);
      } catch (err) {
        return sendError(reply, 400, 'invalid_json', `body is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
      }
      // Cleaned once, here: U+0000 and unpaired surrogates can only come as \u escapes.
      if (jsonMayNeedCleaning(text)) json = cleanJson(json);
      let parsed;
      try {
        parsed = parseWebhook(json);
      } catch (err) {
        if (err instanceof WebhookBodyError) return sendError(reply, 400, 'not_a_webhook', err.message);
        throw err;
      }
      if (parsed.otherFields.length > 0) req.log.info({ fields: parsed.otherFields }, 'webhook fields acknowledged');
      try {
        if (parsed.invalid.length > 0) {
          req.log.warn({ invalid: parsed.invalid.map((i) => i.reason) }, 'webhook items kept as invalid events');
          await keepInvalidItems(opts.ingress.db, parsed.invalid);
        }
        if (parsed.preferences.length > 0) await applyPreferences(opts.ingress.db, parsed.preferences);
        const r = await dispatchEvents(opts.ingress, parsed.events);
        countEvents(parsed.events, 'handed');
        return { received: parsed.events.length, invalid: parsed.invalid.length, preferences: parsed.preferences.length, ...r };
      } catch (err) {
        // Nothing is acknowledged unless everything was handed over: Meta retries a 503.
        const temporalDown = err instanceof TemporalUnavailableError;
        countEvents(parsed.events, 'refused');
        req.log.warn({ err: (err as Error).message }, 'webhook refused: events not handed over');
        reply.header('retry-after', '5');
        return sendError(
          reply,
          503,
          temporalDown ? 'temporal_unavailable' : 'unavailable',
          temporalDown ? 'events could not be handed to Temporal; retry later' : 'events could not be stored; retry later',
        );
      }
    },
  );
};
