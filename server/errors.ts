// One error shape for every status: { error: { code, message, details? } }, Fastify's own errors
// and Node's HTTP parser errors included. Internal error text never reaches the caller.
import type { Socket } from 'node:net';
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

const MAX_ID = 512;

const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length'],
  FST_ERR_BAD_URL: [400, 'bad_url'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'uri_too_long'],
};

/** The code of an error status Fastify or Node produced without one of ours. */
const CODE_OF_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'wrong_state',
  413: 'body_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
  431: 'headers_too_large',
};

/** Errors Node's HTTP parser meets before Fastify has a request: written straight to the socket. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'the request took too long']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the request headers are too large']
        : err.code === 'HPE_URI_TOO_LONG'
          ? [414, 'the request URL is too long']
          : [400, 'the request could not be read'];
  const body = JSON.stringify({ error: { code: CODE_OF_STATUS[status], message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : status === 414 ? 'URI Too Long' : 'Bad Request'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof HttpError) return sendError(reply, err.statusCode, err.code, err.message, err.details);
  if (err.validation) {
    // Valid JSON against the schema: 422 with the reasons.
    const all = err.validation.map((v) => ({
      path: v.instancePath || (v.params as { missingProperty?: string })?.missingProperty || '',
      message: v.message ?? 'invalid',
      keyword: v.keyword,
    }));
    // A nullable field (anyOf [T, null]) also reports "must be null" and "must match a schema in
    // anyOf" for its own path and its parents: noise when a precise reason exists.
    const precise = all.filter((r) => r.keyword !== 'anyOf' && !(r.keyword === 'type' && r.message === 'must be null'));
    const reasons = (precise.length ? precise : all).map(({ path, message }) => ({ path, message }));
    const context = err.validationContext ?? 'request';
    const text = reasons.map((r) => `${context}${r.path ? (r.path.startsWith('/') ? r.path : `/${r.path}`) : ''} ${r.message}`).join(', ');
    return sendError(reply, 422, 'validation_failed', `${context}: ${text}`, reasons);
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return sendError(reply, 400, 'invalid_json', `body is not valid JSON: ${err.message}`);
  }
  const known = err.code ? FASTIFY_CODES[err.code] : undefined;
  reply.header('x-content-type-options', 'nosniff');
  if (known) return sendError(reply, known[0], known[1], known[0] === 414 ? `an id in the path is longer than ${MAX_ID} characters` : err.message.slice(0, 500));
  const status = err.statusCode ?? 500;
  if (status < 500) return sendError(reply, status, CODE_OF_STATUS[status] ?? 'bad_request', err.message.slice(0, 500));
  if (status === 503) return sendError(reply, 503, 'unavailable', 'the service is unavailable; retry later');
  req.log.error({ err }, 'request failed');
  return sendError(reply, 500, 'internal', 'internal error');
}
