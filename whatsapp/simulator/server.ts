// A local stand-in for Meta's Graph API (Cloud API `/messages`), for dev and tests: a real HTTP
// server that checks send bodies like Meta (400, code 100), answers with wamids, and posts signed
// status webhooks (sent -> delivered -> read, or failed) back to the engine, retrying when the
// engine does not answer 200. Control endpoints under /__sim drive it over HTTP (tests, chat CLI).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { messagePayloadProblems, phoneDigits, readPayloadProblems } from '../graph-client.js';
import { SimulatorState, graphErrorBody, readableText, type FailOptions, type ReadReceipt, type SentMessage } from './state.js';
import {
  inboundTextWebhookBody,
  postSigned,
  statusWebhookBody,
  type BusinessNumber,
  type Delivery,
  type InboundTextOptions,
} from './webhooks.js';

export type { SentMessage, FailOptions, ReadReceipt } from './state.js';
export type { Delivery, InboundTextOptions } from './webhooks.js';

export interface StatusDelays {
  sent: number;
  delivered: number;
  read: number;
}

export interface SimulatorOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Signs every webhook (`X-Hub-Signature-256`). */
  appSecret: string;
  /** Where status and inbound webhooks go; null posts nothing (statuses are still recorded). */
  webhookUrl: string | null;
  /** When set, `/messages` calls need `Authorization: Bearer <accessToken>` (else 401, code 190). */
  accessToken?: string;
  /** Delay of each status after the send, in ms. */
  statusDelaysMs?: Partial<StatusDelays>;
  /** Attempts per webhook until the engine answers 200 (default 5, backoff 200 ms doubling). */
  webhookAttempts?: number;
  webhookBackoffMs?: number;
  /** Used for `/__sim/inbound` without a phoneNumberId. */
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  wabaId?: string;
  log?: (msg: string) => void;
}

export interface Simulator {
  url: string;
  port: number;
  close(): Promise<void>;
  sent(filter?: { since?: number; to?: string }): SentMessage[];
  /** Mark-as-read calls received. */
  reads(): ReadReceipt[];
  /** Webhook deliveries to the engine, in completion order. */
  deliveries(): Delivery[];
  /** Makes the next send(s) fail with this Graph error code. */
  failNext(code: number, opts?: FailOptions): void;
  /** Forgets sends, reads, deliveries and armed failures; cancels pending webhooks; auto-read back on. */
  reset(): void;
  /** Whether the customer "reads" every delivered message (a `read` status), default true. */
  setAutoRead(enabled: boolean): void;
  /** Posts a `read` status for a sent message now (when auto-read is off). */
  markRead(waMessageId: string): Promise<Delivery | null>;
  /** Posts a signed inbound text message webhook from a customer to the engine. */
  inbound(opts: InboundTextOptions & { phoneNumberId?: string }): Promise<{ id: string; delivery: Delivery | null }>;
  setWebhookUrl(url: string | null): void;
  /** Resolves when every scheduled status webhook has been posted (or given up). */
  idle(): Promise<void>;
}

const MAX_BODY = 5 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}: ${messageOf(body)}`);
  }
}

function messageOf(body: unknown): string {
  const e = isObj(body) && isObj(body.error) ? body.error : undefined;
  const d = e && isObj(e.error_data) ? e.error_data.details : undefined;
  return String(d ?? e?.message ?? '');
}

const invalid = (details: string) => new HttpError(400, graphErrorBody(100, { message: 'Invalid parameter', details }));

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, graphErrorBody(100, { message: 'Request too large', details: 'body over 5 MiB' })));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalid('Request body is not valid JSON');
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const raw = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(raw), ...headers });
  res.end(raw);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  if (typeof opts.appSecret !== 'string' || !opts.appSecret) throw new Error('startSimulator: appSecret is required');
  const host = opts.host ?? '127.0.0.1';
  const delays: StatusDelays = { sent: 50, delivered: 150, read: 400, ...opts.statusDelaysMs };
  const log = opts.log ?? (() => {});
  const defaults = {
    phoneNumberId: opts.phoneNumberId ?? '106540352242922',
    displayPhoneNumber: opts.displayPhoneNumber ?? '15550783881',
    wabaId: opts.wabaId ?? '102290129340398',
  };
  const state = new SimulatorState();
  let webhookUrl = opts.webhookUrl;
  let deliveries: Delivery[] = [];
  let generation = new AbortController();
  const pending = new Set<Promise<void>>();
  let closed = false;

  const biz = (phoneNumberId: string): BusinessNumber => ({
    wabaId: defaults.wabaId,
    phoneNumberId,
    displayPhoneNumber: defaults.displayPhoneNumber,
  });

  const track = (p: Promise<void>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  const postStatus = async (m: SentMessage, status: 'sent' | 'delivered' | 'read' | 'failed', signal: AbortSignal, error?: { code: number; title: string; message?: string; details: string }) => {
    if (signal.aborted) return null;
    m.statuses.push(status);
    const body = statusWebhookBody(biz(m.phoneNumberId), m, { status, ...(error ? { error } : {}) });
    if (!webhookUrl) return null;
    const d = await postSigned(webhookUrl, body, opts.appSecret, `status:${m.id}:${status}`, {
      ...(opts.webhookAttempts !== undefined ? { attempts: opts.webhookAttempts } : {}),
      ...(opts.webhookBackoffMs !== undefined ? { backoffMs: opts.webhookBackoffMs } : {}),
      signal,
      log,
    });
    if (signal.aborted) return d;
    deliveries.push(d);
    if (!d.ok) log(`gave up on status ${status} of ${m.id} after ${d.attempts} attempts`);
    return d;
  };

  const sleepUntil = (t: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const ms = t - Date.now();
      if (ms <= 0 || signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });

  const scheduleStatuses = (m: SentMessage, failure?: { code: number; title: string; message: string; details: string }) => {
    const signal = generation.signal;
    const start = Date.now();
    track(
      (async () => {
        if (failure) {
          await sleepUntil(start + delays.sent, signal);
          await postStatus(m, 'failed', signal, failure);
          return;
        }
        const steps: ('sent' | 'delivered' | 'read')[] = ['sent', 'delivered', 'read'];
        for (const step of steps) {
          await sleepUntil(start + delays[step], signal);
          if (signal.aborted) return;
          if (step === 'read' && (!state.autoRead || m.statuses.includes('read'))) return;
          await postStatus(m, step, signal);
        }
      })().catch((err) => log(`status webhooks of ${m.id}: ${(err as Error).message}`)),
    );
  };

  const handleMessages = async (req: http.IncomingMessage, res: http.ServerResponse, phoneNumberId: string) => {
    if (opts.accessToken) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${opts.accessToken}`) {
        throw new HttpError(
          401,
          graphErrorBody(190, { message: 'Invalid OAuth access token - Cannot parse access token', details: 'Invalid OAuth access token' }),
        );
      }
    }
    const body = await readJson(req);
    if (isObj(body) && body.status !== undefined && body.type === undefined) {
      const problems = readPayloadProblems(body);
      if (problems.length) throw invalid(problems.join('; '));
      state.recordRead({
        phoneNumberId,
        messageId: body.message_id as string,
        typingIndicator: isObj(body.typing_indicator),
        at: new Date().toISOString(),
      });
      log(`read receipt for ${String(body.message_id)}`);
      return send(res, 200, { success: true });
    }
    const problems = messagePayloadProblems(body);
    if (problems.length) throw invalid(problems.join('; '));
    const msg = body as Record<string, unknown>;
    const waId = typeof msg.to === 'string' ? phoneDigits(msg.to) : undefined;
    const userId = waId === undefined && typeof msg.recipient === 'string' ? msg.recipient : undefined;
    const recipient = { ...(waId !== undefined ? { waId } : {}), ...(userId !== undefined ? { userId } : {}) };

    const rule = state.takeFailure(recipient);
    if (rule && rule.mode === 'response') {
      log(`forced error ${rule.code} (HTTP ${rule.httpStatus}) for a send to ${waId ?? userId}`);
      throw new HttpError(rule.httpStatus, graphErrorBody(rule.code, { message: rule.message, details: rule.details }));
    }

    const type = typeof msg.type === 'string' ? msg.type : 'text';
    const sent = state.record({
      id: state.newMessageId(),
      phoneNumberId,
      to: (waId ?? userId)!,
      ...recipient,
      type,
      text: readableText(msg),
      body: msg,
      at: new Date().toISOString(),
      ...(rule ? { failedCode: rule.code } : {}),
    });
    log(`${type} ${sent.id} -> ${sent.to}: ${(sent.text ?? '').slice(0, 80)}`);
    scheduleStatuses(sent, rule ? { code: rule.code, title: rule.message, message: rule.message, details: rule.details } : undefined);
    const contact = waId !== undefined ? { input: msg.to, wa_id: waId } : { input: msg.recipient, user_id: userId };
    const message: Record<string, unknown> = { id: sent.id };
    if (type === 'template') message.message_status = 'accepted';
    return send(res, 200, { messaging_product: 'whatsapp', contacts: [contact], messages: [message] });
  };

  const markRead = async (id: string): Promise<Delivery | null> => {
    const m = state.find(id);
    if (!m) throw new HttpError(404, { error: { code: 'not_found', message: `no sent message ${id}` } });
    if (m.statuses.includes('read')) return null;
    return postStatus(m, 'read', generation.signal);
  };

  const inbound = async (o: InboundTextOptions & { phoneNumberId?: string }) => {
    if (!isObj(o) || typeof o.from !== 'string' || !o.from.trim()) throw invalid('from is required');
    if (typeof o.text !== 'string' || !o.text) throw invalid('text is required');
    const id = o.id ?? `wamid.SIMIN${Date.now().toString(36).toUpperCase()}${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
    const body = inboundTextWebhookBody(biz(o.phoneNumberId ?? defaults.phoneNumberId), o, id);
    if (!webhookUrl) return { id, delivery: null };
    const delivery = await postSigned(webhookUrl, body, opts.appSecret, `inbound:${id}`, {
      ...(opts.webhookAttempts !== undefined ? { attempts: opts.webhookAttempts } : {}),
      ...(opts.webhookBackoffMs !== undefined ? { backoffMs: opts.webhookBackoffMs } : {}),
      signal: generation.signal,
      log,
    });
    deliveries.push(delivery);
    return { id, delivery };
  };

  const reset = () => {
    generation.abort();
    generation = new AbortController();
    state.reset();
    deliveries = [];
  };

  const handleControl = async (req: http.IncomingMessage, res: http.ServerResponse, path: string, query: URLSearchParams) => {
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET /__sim/health':
        return send(res, 200, { data: { ok: true, webhookUrl, autoRead: state.autoRead } });
      case 'GET /__sim/sent': {
        const since = query.get('since');
        const to = query.get('to');
        const filter = { ...(since !== null && since !== '' ? { since: Number(since) } : {}), ...(to ? { to } : {}) };
        if (filter.since !== undefined && !Number.isFinite(filter.since)) throw invalid('since must be a number');
        return send(res, 200, { data: state.sent(filter) });
      }
      case 'GET /__sim/reads':
        return send(res, 200, { data: state.reads() });
      case 'GET /__sim/deliveries':
        return send(res, 200, { data: deliveries });
      case 'POST /__sim/fail': {
        const b = await readJson(req);
        if (!isObj(b) || typeof b.code !== 'number') throw invalid('code (a Graph error code) is required');
        const fo: FailOptions = {};
        if (b.times !== undefined) fo.times = Number(b.times);
        if (typeof b.to === 'string') fo.to = b.to;
        if (b.httpStatus !== undefined) fo.httpStatus = Number(b.httpStatus);
        if (b.mode === 'response' || b.mode === 'status') fo.mode = b.mode;
        else if (b.mode !== undefined) throw invalid("mode must be 'response' or 'status'");
        if (typeof b.message === 'string') fo.message = b.message;
        if (typeof b.details === 'string') fo.details = b.details;
        try {
          state.failNext(b.code, fo);
        } catch (err) {
          throw invalid((err as Error).message);
        }
        return send(res, 200, { data: { pending: state.pendingFailures() } });
      }
      case 'POST /__sim/reset':
        reset();
        return send(res, 200, { data: { ok: true } });
      case 'POST /__sim/auto-read': {
        const b = await readJson(req);
        if (!isObj(b) || typeof b.enabled !== 'boolean') throw invalid('enabled (boolean) is required');
        state.autoRead = b.enabled;
        return send(res, 200, { data: { autoRead: state.autoRead } });
      }
      case 'POST /__sim/read': {
        const b = await readJson(req);
        if (!isObj(b) || typeof b.id !== 'string') throw invalid('id (a wamid the simulator sent) is required');
        const d = await markRead(b.id);
        return send(res, 200, { data: { id: b.id, delivery: d } });
      }
      case 'POST /__sim/inbound': {
        const b = await readJson(req);
        if (!isObj(b)) throw invalid('a JSON object is required');
        const o: InboundTextOptions & { phoneNumberId?: string } = { from: String(b.from ?? ''), text: typeof b.text === 'string' ? b.text : '' };
        if (typeof b.name === 'string') o.name = b.name;
        if (typeof b.phoneNumberId === 'string') o.phoneNumberId = b.phoneNumberId;
        if (typeof b.id === 'string') o.id = b.id;
        if (typeof b.replyTo === 'string') o.replyTo = b.replyTo;
        const r = await inbound(o);
        const ok = r.delivery === null || r.delivery.ok;
        return send(res, ok ? 200 : 502, {
          data: { id: r.id, ok, engineStatus: r.delivery?.httpStatus ?? null, attempts: r.delivery?.attempts ?? 0 },
        });
      }
    }
    throw new HttpError(404, { error: { code: 'not_found', message: `no route ${route}` } });
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    void (async () => {
      if (path.startsWith('/__sim/')) return handleControl(req, res, path, url.searchParams);
      const m = /^\/(v\d+\.\d+)\/([^/]+)\/messages\/?$/.exec(path);
      if (m && req.method === 'POST') {
        if (!/^\d+$/.test(m[2]!)) {
          throw new HttpError(
            400,
            graphErrorBody(100, { message: 'Unsupported post request', details: `Object with ID '${m[2]}' does not exist` }),
          );
        }
        return handleMessages(req, res, m[2]!);
      }
      throw new HttpError(400, graphErrorBody(100, { message: 'Unsupported request', details: `${req.method} ${path} is not simulated` }));
    })().catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof HttpError) return send(res, err.status, err.body);
      log(`simulator error: ${(err as Error)?.stack ?? String(err)}`);
      send(res, 500, graphErrorBody(131000, { message: 'Something went wrong', details: String((err as Error)?.message ?? err) }));
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`WhatsApp simulator: port ${opts.port} on ${host} is already in use (set WHATSAPP_SIMULATOR_PORT to another port)`)
          : err,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port, host);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log(`WhatsApp Graph API simulator on ${url}, webhooks to ${webhookUrl ?? '(none)'}`);

  return {
    url,
    port,
    async close() {
      if (closed) return;
      closed = true;
      generation.abort();
      await Promise.allSettled([...pending]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    sent: (filter) => state.sent(filter),
    reads: () => state.reads(),
    deliveries: () => [...deliveries],
    failNext: (code, o) => void state.failNext(code, o),
    reset,
    setAutoRead(enabled) {
      state.autoRead = enabled;
    },
    markRead,
    inbound,
    setWebhookUrl(u) {
      webhookUrl = u;
    },
    async idle() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}
