// Every API body, query and param cleaned once before validation: U+0000 and unpaired surrogates
// replaced (Postgres refuses them), string values trimmed (so "   " fails a minLength), and a body
// wrapped in { data } unwrapped (CONTRACT.md allows it).
import type { FastifyRequest } from 'fastify';
import { cleanJson } from '../domain/text.js';

/** A JSON object (a Buffer or a stream is not one: the webhook and CSV bodies pass untouched). */
const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  // Parsed JSON has Object.prototype; Fastify's query parser makes objects whose prototype has none.
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null;
};

export async function cleanRequest(req: FastifyRequest): Promise<void> {
  let body = req.body;
  if (isPlainObject(body) || Array.isArray(body)) {
    if (isPlainObject(body) && Object.keys(body).length === 1 && isPlainObject(body.data)) body = body.data;
    req.body = cleanJson(body, { trim: true });
  } else if (typeof body === 'string') {
    req.body = cleanJson(body);
  }
  if (isPlainObject(req.query)) req.query = cleanJson(req.query, { trim: true });
  if (isPlainObject(req.params)) req.params = cleanJson(req.params);
}
