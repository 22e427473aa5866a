// One error shape for every client error: { error: { code, message, details? } }.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const errorBodySchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

export function sendError(reply: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length'],
};

export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof HttpError) return sendError(reply, err.statusCode, err.code, err.message, err.details);
  if (err.validation) {
    // Valid JSON against the schema: 422 with the reasons.
    const reasons = err.validation.map((v) => ({
      path: v.instancePath || (v.params as { missingProperty?: string })?.missingProperty || '',
      message: v.message ?? 'invalid',
    }));
    return sendError(reply, 422, 'validation_failed', `${err.validationContext ?? 'request'}: ${err.message}`, reasons);
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return sendError(reply, 400, 'invalid_json', `body is not valid JSON: ${err.message}`);
  }
  const known = err.code ? FASTIFY_CODES[err.code] : undefined;
  if (known) return sendError(reply, known[0], known[1], err.message);
  const status = err.statusCode ?? 500;
  if (status < 500) return sendError(reply, status, err.code ?? 'bad_request', err.message);
  req.log.error({ err }, 'request failed');
  return sendError(reply, 500, 'internal', 'internal error');
}
