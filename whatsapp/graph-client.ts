// Outbound WhatsApp: the Cloud API `/{phone_number_id}/messages` endpoint. Text, templates,
// interactive buttons and lists, mark-as-read. Inputs are checked against Meta's limits before any
// HTTP call (a bad message fails for good, never retried); Graph errors, network errors and timeouts
// become typed GraphErrors (graph-errors.ts), which the send activity maps to Temporal failures.
// No storage, no Temporal. Uses the global fetch.
import { GraphError, GraphFailureType, invalidInput, networkError, toGraphError } from './graph-errors.js';

/** A wa_id / phone number (digits, `+` allowed), a business-scoped user id (`US.1349...`), or both. */
export type Recipient = string | { waId?: string; userId?: string };

export interface SendResult {
  waMessageId: string;
  /** `contacts[0].wa_id`, when Meta returned one (sends to a phone number). */
  waId?: string;
  /** `contacts[0].user_id`, when Meta returned one (sends to a business-scoped user id). */
  userId?: string;
  raw: unknown;
}

export interface CommonSendOptions {
  /** Reply to (quote) this message: `context.message_id`. */
  replyTo?: string;
  /** Up to 512 characters, echoed in the status webhooks (`biz_opaque_callback_data`). */
  bizOpaqueCallbackData?: string;
  /** Aborts the request (e.g. the activity's cancellation signal). */
  signal?: AbortSignal;
}

export interface TextOptions extends CommonSendOptions {
  previewUrl?: boolean;
}

export type TemplateParameter =
  | { type: 'text'; text: string; parameter_name?: string }
  | { type: 'currency'; currency: { fallback_value: string; code: string; amount_1000: number }; parameter_name?: string }
  | { type: 'date_time'; date_time: { fallback_value: string }; parameter_name?: string }
  | { type: 'image'; image: MediaRef }
  | { type: 'video'; video: MediaRef }
  | { type: 'document'; document: MediaRef & { filename?: string } }
  | { type: 'location'; location: { latitude: number; longitude: number; name?: string; address?: string } }
  | { type: 'payload'; payload: string }
  | { type: 'coupon_code'; coupon_code: string }
  | { type: string; [k: string]: unknown };

export type MediaRef = { id: string; link?: never } | { link: string; id?: never };

export interface TemplateComponent {
  type: 'header' | 'body' | 'button' | 'carousel' | 'limited_time_offer' | (string & {});
  /** For buttons: `quick_reply`, `url`, `copy_code`, `flow`... */
  sub_type?: string;
  /** For buttons: the button's position, 0-based. */
  index?: number | string;
  parameters?: TemplateParameter[];
  [k: string]: unknown;
}

export interface TemplateMessage {
  name: string;
  /** `en_US`, `ar`, `pt_BR`... */
  language: string;
  components?: TemplateComponent[];
}

/** A text header, or a media header (buttons only). */
export type InteractiveHeader =
  | string
  | { type: 'text'; text: string }
  | { type: 'image'; image: MediaRef }
  | { type: 'video'; video: MediaRef }
  | { type: 'document'; document: MediaRef & { filename?: string } };

export interface ButtonsMessage {
  body: string;
  buttons: { id: string; title: string }[];
  header?: InteractiveHeader;
  footer?: string;
}

export interface ListMessage {
  body: string;
  buttonText: string;
  sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
  header?: string;
  footer?: string;
}

export interface GraphClientOptions {
  /** `https://graph.facebook.com` or the simulator's URL. */
  baseUrl: string;
  accessToken: string;
  apiVersion?: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** Meta's limits (characters, counted as Unicode code points). */
export const LIMITS = {
  textBody: 4096,
  buttonsBody: 1024,
  listBody: 4096,
  headerText: 60,
  footerText: 60,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButtonText: 20,
  sections: 10,
  rows: 10,
  sectionTitle: 24,
  rowTitle: 24,
  rowId: 200,
  rowDescription: 72,
  templateName: 512,
  caption: 1024,
  bizOpaqueCallbackData: 512,
} as const;

export const MESSAGE_TYPES = [
  'text',
  'template',
  'interactive',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'reaction',
] as const;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const chars = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Phone-number `to`: digits, optionally with `+`, spaces, dashes, dots or parentheses as people type them. */
export function phoneDigits(to: string): string | undefined {
  const t = to.trim();
  if (!/^\+?[\d\s\-().]+$/.test(t)) return undefined;
  const d = t.replace(/\D/g, '');
  return d.length >= 5 && d.length <= 20 ? d : undefined;
}

/** A business-scoped user id or parent id (`US.13491208655302741918`, `US.ENT.1181...`): opaque, no spaces. */
export function looksLikeUserId(s: string): boolean {
  return /^[A-Za-z]{2}\.[A-Za-z0-9.]+$/.test(s) && !s.endsWith('.') && s.length <= 128;
}

/**
 * What is wrong with a `/messages` send payload, Meta's rules (empty when nothing). Shared by the
 * client (before sending) and the simulator (to answer 400 like Meta).
 */
export function messagePayloadProblems(p: unknown): string[] {
  const out: string[] = [];
  if (!isObj(p)) return ['the body must be a JSON object'];
  if (p.messaging_product !== 'whatsapp') out.push("messaging_product must be 'whatsapp'");
  if (p.recipient_type !== undefined && p.recipient_type !== 'individual' && p.recipient_type !== 'group')
    out.push("recipient_type must be 'individual'");
  const hasTo = p.to !== undefined;
  const hasRecipient = p.recipient !== undefined;
  if (!hasTo && !hasRecipient) out.push('to (or recipient) is required');
  if (hasTo && (typeof p.to !== 'string' || phoneDigits(p.to) === undefined)) out.push('to must be a phone number or wa_id (5 to 20 digits)');
  if (hasRecipient && (typeof p.recipient !== 'string' || !looksLikeUserId(p.recipient)))
    out.push('recipient must be a business-scoped user id like US.13491208655302741918');
  if (p.context !== undefined && !(isObj(p.context) && typeof p.context.message_id === 'string' && p.context.message_id.length > 0))
    out.push('context.message_id must be a message id');
  if (p.biz_opaque_callback_data !== undefined) {
    const b = p.biz_opaque_callback_data;
    if (typeof b !== 'string' || chars(b) > LIMITS.bizOpaqueCallbackData) out.push(`biz_opaque_callback_data must be a string of at most ${LIMITS.bizOpaqueCallbackData} characters`);
  }
  const type = p.type ?? 'text';
  if (typeof type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
    out.push(`type must be one of ${MESSAGE_TYPES.join(', ')}`);
    return out;
  }
  const part = p[type];
  if (!isObj(part) && !(type === 'contacts' && Array.isArray(part))) {
    out.push(`${type} is required for a ${type} message`);
    return out;
  }
  switch (type) {
    case 'text':
      checkText(out, 'text.body', (part as Json).body, LIMITS.textBody);
      if ((part as Json).preview_url !== undefined && typeof (part as Json).preview_url !== 'boolean') out.push('text.preview_url must be a boolean');
      break;
    case 'template':
      checkTemplate(out, part as Json);
      break;
    case 'interactive':
      checkInteractive(out, part as Json);
      break;
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker':
      checkMedia(out, type, part as Json);
      if ((part as Json).caption !== undefined) checkText(out, `${type}.caption`, (part as Json).caption, LIMITS.caption, true);
      break;
    case 'location': {
      const l = part as Json;
      if (typeof l.latitude !== 'number' || l.latitude < -90 || l.latitude > 90) out.push('location.latitude must be a number from -90 to 90');
      if (typeof l.longitude !== 'number' || l.longitude < -180 || l.longitude > 180) out.push('location.longitude must be a number from -180 to 180');
      break;
    }
    case 'contacts':
      if (!Array.isArray(part) || part.length === 0) out.push('contacts must be a non-empty array');
      break;
    case 'reaction': {
      const r = part as Json;
      if (typeof r.message_id !== 'string' || !r.message_id) out.push('reaction.message_id is required');
      if (typeof r.emoji !== 'string') out.push('reaction.emoji must be a string (empty removes the reaction)');
      break;
    }
  }
  return out;
}

/** What is wrong with a mark-as-read payload. */
export function readPayloadProblems(p: unknown): string[] {
  const out: string[] = [];
  if (!isObj(p)) return ['the body must be a JSON object'];
  if (p.messaging_product !== 'whatsapp') out.push("messaging_product must be 'whatsapp'");
  if (p.status !== 'read') out.push("status must be 'read'");
  if (typeof p.message_id !== 'string' || !p.message_id) out.push('message_id is required');
  if (p.typing_indicator !== undefined && !(isObj(p.typing_indicator) && p.typing_indicator.type === 'text'))
    out.push("typing_indicator must be { type: 'text' }");
  return out;
}

function checkText(out: string[], path: string, v: unknown, max: number, allowEmpty = false): void {
  if (typeof v !== 'string') {
    out.push(`${path} must be a string`);
    return;
  }
  if (!allowEmpty && v.trim().length === 0) out.push(`${path} must not be empty`);
  else if (chars(v) > max) out.push(`${path} is ${chars(v)} characters, at most ${max} allowed`);
}

function checkMedia(out: string[], path: string, m: unknown): void {
  if (!isObj(m)) {
    out.push(`${path} must be an object with an id or a link`);
    return;
  }
  const hasId = typeof m.id === 'string' && m.id.length > 0;
  const hasLink = typeof m.link === 'string' && /^https?:\/\//.test(m.link);
  if (hasId === hasLink) out.push(`${path} needs exactly one of id or link (an http(s) URL)`);
}

const TEMPLATE_COMPONENT_TYPES = new Set(['header', 'body', 'button', 'carousel', 'limited_time_offer', 'order_status']);

function checkTemplate(out: string[], t: Json): void {
  if (typeof t.name !== 'string' || !/^[a-z0-9_]+$/.test(t.name) || t.name.length > LIMITS.templateName)
    out.push('template.name must be a template name (lowercase letters, digits, underscores)');
  const lang = isObj(t.language) ? t.language.code : undefined;
  if (typeof lang !== 'string' || !/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(lang)) out.push("template.language.code must be a language code like 'en_US' or 'ar'");
  if (t.components === undefined) return;
  if (!Array.isArray(t.components)) {
    out.push('template.components must be an array');
    return;
  }
  t.components.forEach((c, i) => {
    const path = `template.components[${i}]`;
    if (!isObj(c) || typeof c.type !== 'string' || !TEMPLATE_COMPONENT_TYPES.has(c.type)) {
      out.push(`${path}.type must be one of ${[...TEMPLATE_COMPONENT_TYPES].join(', ')}`);
      return;
    }
    if (c.type === 'button') {
      if (typeof c.sub_type !== 'string' || !c.sub_type) out.push(`${path}.sub_type is required for a button`);
      const idx = typeof c.index === 'string' ? Number(c.index) : c.index;
      if (typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0 || idx > 9) out.push(`${path}.index must be a button position from 0 to 9`);
    }
    if (c.parameters === undefined) return;
    if (!Array.isArray(c.parameters)) {
      out.push(`${path}.parameters must be an array`);
      return;
    }
    c.parameters.forEach((prm, j) => checkTemplateParameter(out, `${path}.parameters[${j}]`, prm));
  });
}

function checkTemplateParameter(out: string[], path: string, p: unknown): void {
  if (!isObj(p) || typeof p.type !== 'string' || !p.type) {
    out.push(`${path}.type is required`);
    return;
  }
  switch (p.type) {
    case 'text':
      if (typeof p.text !== 'string' || p.text.trim().length === 0) out.push(`${path}.text must be a non-empty string`);
      break;
    case 'currency': {
      const c = p.currency;
      if (!isObj(c) || typeof c.fallback_value !== 'string' || typeof c.code !== 'string' || typeof c.amount_1000 !== 'number')
        out.push(`${path}.currency needs fallback_value, code and amount_1000`);
      break;
    }
    case 'date_time':
      if (!isObj(p.date_time) || typeof p.date_time.fallback_value !== 'string') out.push(`${path}.date_time.fallback_value is required`);
      break;
    case 'image':
    case 'video':
    case 'document':
      checkMedia(out, `${path}.${p.type}`, p[p.type]);
      break;
    case 'payload':
      if (typeof p.payload !== 'string' || !p.payload) out.push(`${path}.payload must be a non-empty string`);
      break;
  }
}

function checkHeader(out: string[], h: unknown, allowMedia: boolean): void {
  if (!isObj(h) || typeof h.type !== 'string') {
    out.push('interactive.header.type is required');
    return;
  }
  if (h.type === 'text') checkText(out, 'interactive.header.text', h.text, LIMITS.headerText);
  else if (allowMedia && (h.type === 'image' || h.type === 'video' || h.type === 'document')) checkMedia(out, `interactive.header.${h.type}`, h[h.type]);
  else out.push(allowMedia ? 'interactive.header.type must be text, image, video or document' : 'interactive.header.type must be text for a list');
}

function checkInteractive(out: string[], it: Json): void {
  const kind = it.type;
  if (typeof kind !== 'string' || !kind) {
    out.push('interactive.type is required');
    return;
  }
  const body = isObj(it.body) ? it.body.text : undefined;
  if (kind === 'button' || kind === 'list') {
    checkText(out, 'interactive.body.text', body, kind === 'button' ? LIMITS.buttonsBody : LIMITS.listBody);
    if (it.header !== undefined) checkHeader(out, it.header, kind === 'button');
    if (it.footer !== undefined) checkText(out, 'interactive.footer.text', isObj(it.footer) ? it.footer.text : undefined, LIMITS.footerText);
  }
  const action = isObj(it.action) ? it.action : undefined;
  if (kind === 'button') {
    const buttons = action?.buttons;
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > LIMITS.buttons) {
      out.push(`interactive.action.buttons must hold 1 to ${LIMITS.buttons} buttons`);
      return;
    }
    const ids = new Set<string>();
    const titles = new Set<string>();
    buttons.forEach((b, i) => {
      const path = `interactive.action.buttons[${i}]`;
      const reply = isObj(b) && b.type === 'reply' && isObj(b.reply) ? b.reply : undefined;
      if (!reply) {
        out.push(`${path} must be { type: 'reply', reply: { id, title } }`);
        return;
      }
      checkText(out, `${path}.reply.id`, reply.id, LIMITS.buttonId);
      checkText(out, `${path}.reply.title`, reply.title, LIMITS.buttonTitle);
      if (typeof reply.id === 'string') {
        if (ids.has(reply.id)) out.push(`${path}.reply.id '${reply.id}' is used twice`);
        ids.add(reply.id);
      }
      if (typeof reply.title === 'string') {
        if (titles.has(reply.title)) out.push(`${path}.reply.title '${reply.title}' is used twice`);
        titles.add(reply.title);
      }
    });
  } else if (kind === 'list') {
    checkText(out, 'interactive.action.button', action?.button, LIMITS.listButtonText);
    const sections = action?.sections;
    if (!Array.isArray(sections) || sections.length < 1 || sections.length > LIMITS.sections) {
      out.push(`interactive.action.sections must hold 1 to ${LIMITS.sections} sections`);
      return;
    }
    let rows = 0;
    const ids = new Set<string>();
    sections.forEach((s, i) => {
      const path = `interactive.action.sections[${i}]`;
      if (!isObj(s)) {
        out.push(`${path} must be an object`);
        return;
      }
      if (s.title !== undefined || sections.length > 1) checkText(out, `${path}.title`, s.title, LIMITS.sectionTitle);
      if (!Array.isArray(s.rows) || s.rows.length === 0) {
        out.push(`${path}.rows must hold at least one row`);
        return;
      }
      s.rows.forEach((r, j) => {
        rows++;
        const rp = `${path}.rows[${j}]`;
        if (!isObj(r)) {
          out.push(`${rp} must be an object`);
          return;
        }
        checkText(out, `${rp}.id`, r.id, LIMITS.rowId);
        checkText(out, `${rp}.title`, r.title, LIMITS.rowTitle);
        if (r.description !== undefined) checkText(out, `${rp}.description`, r.description, LIMITS.rowDescription, true);
        if (typeof r.id === 'string') {
          if (ids.has(r.id)) out.push(`${rp}.id '${r.id}' is used twice`);
          ids.add(r.id);
        }
      });
    });
    if (rows > LIMITS.rows) out.push(`a list holds at most ${LIMITS.rows} rows in all, got ${rows}`);
  } else if (!action && kind !== 'location_request_message') {
    out.push('interactive.action is required');
  }
}

/** A message template as the Business Account lists it. */
export interface MessageTemplate {
  id: string | null;
  name: string;
  language: string;
  status: string;
  category: string | null;
  components: unknown[];
}

export class GraphClient {
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly timeoutMs: number;
  readonly #accessToken: string;
  readonly #fetch: typeof globalThis.fetch;

  constructor(opts: GraphClientOptions) {
    let base: URL;
    try {
      base = new URL(opts.baseUrl);
    } catch {
      throw new Error(`GraphClient: baseUrl must be an absolute URL, got ${JSON.stringify(opts.baseUrl)}`);
    }
    this.baseUrl = base.toString().replace(/\/+$/, '');
    this.apiVersion = opts.apiVersion ?? 'v21.0';
    if (!/^v\d+\.\d+$/.test(this.apiVersion)) throw new Error(`GraphClient: apiVersion must look like v21.0, got ${this.apiVersion}`);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.#accessToken = opts.accessToken ?? '';
    this.#fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  sendText(phoneNumberId: string, to: Recipient, text: string, opts: TextOptions = {}): Promise<SendResult> {
    const textPart: Json = { preview_url: opts.previewUrl ?? false, body: text };
    return this.#send(phoneNumberId, to, 'text', textPart, opts);
  }

  sendTemplate(phoneNumberId: string, to: Recipient, template: TemplateMessage, opts: CommonSendOptions = {}): Promise<SendResult> {
    const part: Json = { name: template?.name, language: { code: template?.language, policy: 'deterministic' } };
    if (template?.components !== undefined) part.components = template.components;
    return this.#send(phoneNumberId, to, 'template', part, opts);
  }

  sendInteractiveButtons(phoneNumberId: string, to: Recipient, msg: ButtonsMessage, opts: CommonSendOptions = {}): Promise<SendResult> {
    const part: Json = { type: 'button' };
    if (msg?.header !== undefined) part.header = typeof msg.header === 'string' ? { type: 'text', text: msg.header } : msg.header;
    part.body = { text: msg?.body };
    if (msg?.footer !== undefined) part.footer = { text: msg.footer };
    part.action = {
      buttons: Array.isArray(msg?.buttons) ? msg.buttons.map((b) => ({ type: 'reply', reply: { id: b?.id, title: b?.title } })) : msg?.buttons,
    };
    return this.#send(phoneNumberId, to, 'interactive', part, opts);
  }

  sendInteractiveList(phoneNumberId: string, to: Recipient, msg: ListMessage, opts: CommonSendOptions = {}): Promise<SendResult> {
    const part: Json = { type: 'list' };
    if (msg?.header !== undefined) part.header = { type: 'text', text: msg.header };
    part.body = { text: msg?.body };
    if (msg?.footer !== undefined) part.footer = { text: msg.footer };
    part.action = {
      button: msg?.buttonText,
      sections: Array.isArray(msg?.sections)
        ? msg.sections.map((s) => {
            const sec: Json = {};
            if (s?.title !== undefined) sec.title = s.title;
            sec.rows = Array.isArray(s?.rows)
              ? s.rows.map((r) => {
                  const row: Json = { id: r?.id, title: r?.title };
                  if (r?.description !== undefined) row.description = r.description;
                  return row;
                })
              : s?.rows;
            return sec;
          })
        : msg?.sections,
    };
    return this.#send(phoneNumberId, to, 'interactive', part, opts);
  }

  /** Marks an inbound message (and those before it) read; optionally shows the typing indicator. */
  async markAsRead(
    phoneNumberId: string,
    waMessageId: string,
    opts: { typingIndicator?: boolean; signal?: AbortSignal } = {},
  ): Promise<{ success: boolean; raw: unknown }> {
    const payload: Json = { messaging_product: 'whatsapp', status: 'read', message_id: waMessageId };
    if (opts.typingIndicator) payload.typing_indicator = { type: 'text' };
    const problems = [...phoneNumberIdProblems(phoneNumberId), ...readPayloadProblems(payload)];
    if (problems.length) throw invalidInput(problems);
    const raw = await this.#post(phoneNumberId, payload, opts.signal);
    return { success: isObj(raw) && raw.success === true, raw };
  }

  /**
   * `GET /{waba-id}/message_templates`: the account's templates (approved ones by default), every
   * page followed up to `maxPages` (an account holds at most a few hundred).
   */
  async listTemplates(
    wabaId: string,
    opts: { status?: string; maxPages?: number; signal?: AbortSignal } = {},
  ): Promise<MessageTemplate[]> {
    if (typeof wabaId !== 'string' || !/^\d{1,32}$/.test(wabaId)) throw invalidInput([`wabaId must be the digits of a WhatsApp Business Account id, got ${JSON.stringify(wabaId)}`]);
    const first = new URL(`${this.baseUrl}/${this.apiVersion}/${wabaId}/message_templates`);
    first.searchParams.set('fields', 'name,language,status,category,components');
    first.searchParams.set('limit', '100');
    if (opts.status !== undefined) first.searchParams.set('status', opts.status);
    const out: MessageTemplate[] = [];
    let next: string | undefined = first.toString();
    for (let page = 0; next && page < (opts.maxPages ?? 10); page++) {
      const body = (await this.#request(next, { method: 'GET' }, 'json', opts.signal, this.timeoutMs * 3)) as Record<string, unknown>;
      if (!isObj(body) || !Array.isArray(body.data)) throw invalidInput(['the templates answer has no data']);
      for (const t of body.data) {
        if (!isObj(t) || typeof t.name !== 'string' || typeof t.language !== 'string') continue;
        out.push({
          id: typeof t.id === 'string' ? t.id : null,
          name: t.name,
          language: t.language,
          status: typeof t.status === 'string' ? t.status : 'UNKNOWN',
          category: typeof t.category === 'string' ? t.category : null,
          components: Array.isArray(t.components) ? t.components : [],
        });
      }
      const paging = isObj(body.paging) ? body.paging : undefined;
      // Only the API's own host is followed (the token goes with the request).
      next = typeof paging?.next === 'string' && new URL(paging.next).origin === new URL(this.baseUrl).origin ? paging.next : undefined;
    }
    return out;
  }

  /** `GET /{media-id}`: where a buyer's media can be downloaded (the URL lives a few minutes) and what it is. */
  async getMedia(mediaId: string, opts: { signal?: AbortSignal } = {}): Promise<{ url: string; mimeType: string | null; sha256: string | null; size: number | null }> {
    if (typeof mediaId !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(mediaId)) throw invalidInput([`mediaId must be a media id, got ${JSON.stringify(mediaId)}`]);
    const body = (await this.#request(`${this.baseUrl}/${this.apiVersion}/${encodeURIComponent(mediaId)}`, { method: 'GET' }, 'json', opts.signal, this.timeoutMs * 3)) as Record<string, unknown>;
    if (!isObj(body) || typeof body.url !== 'string') throw invalidInput(['the media answer has no url']);
    return {
      url: body.url,
      mimeType: typeof body.mime_type === 'string' ? body.mime_type : null,
      sha256: typeof body.sha256 === 'string' ? body.sha256 : null,
      size: typeof body.file_size === 'number' ? body.file_size : typeof body.file_size === 'string' ? Number(body.file_size) : null,
    };
  }

  /** `POST /{phone-number-id}/media` (multipart): media to send, answered with its media id. */
  async uploadMedia(phoneNumberId: string, bytes: Uint8Array, mimeType: string, opts: { filename?: string | null; signal?: AbortSignal } = {}): Promise<{ id: string }> {
    const problems = phoneNumberIdProblems(phoneNumberId);
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(mimeType)) problems.push(`mimeType must be a MIME type, got ${JSON.stringify(mimeType)}`);
    if (problems.length) throw invalidInput(problems);
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', mimeType);
    form.set('file', new Blob([bytes], { type: mimeType }), opts.filename ?? 'file');
    const url = `${this.baseUrl}/${this.apiVersion}/${encodeURIComponent(phoneNumberId)}/media`;
    const body = await this.#request(url, { method: 'POST', body: form }, 'json', opts.signal, this.timeoutMs * 3);
    if (!isObj(body) || typeof body.id !== 'string') throw invalidInput(['the upload answer has no media id']);
    return { id: body.id };
  }

  /** An image, video, audio, document or sticker by media id (from `uploadMedia`). */
  sendMedia(
    phoneNumberId: string,
    to: Recipient,
    kind: 'image' | 'video' | 'audio' | 'document' | 'sticker',
    ref: { id: string; caption?: string; filename?: string },
    opts: CommonSendOptions = {},
  ): Promise<SendResult> {
    const part: Json = { id: ref.id };
    if (ref.caption && kind !== 'audio' && kind !== 'sticker') part.caption = ref.caption;
    if (ref.filename && kind === 'document') part.filename = ref.filename;
    return this.#send(phoneNumberId, to, kind, part, opts);
  }

  /** Downloads media from its URL (with the access token, as Meta's media host wants). At most `maxBytes`. */
  async downloadMedia(url: string, opts: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<Buffer> {
    const bytes = (await this.#request(url, { method: 'GET' }, 'bytes', opts.signal, this.timeoutMs * 3)) as Buffer;
    if (bytes.length > (opts.maxBytes ?? 100 * 1024 * 1024)) throw invalidInput([`the media is larger than ${opts.maxBytes ?? 100 * 1024 * 1024} bytes`]);
    return bytes;
  }

  /**
   * One Graph request: the access token, a timeout (and the caller's signal), a network failure as
   * a GraphError that says whether the request may have left, a non-2xx answer as WhatsApp's error.
   */
  async #request(url: string, init: { method: 'GET' | 'POST'; body?: string | FormData; json?: boolean }, as: 'json' | 'bytes', callerSignal?: AbortSignal, timeoutMs = this.timeoutMs): Promise<unknown> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout;
    const headers: Record<string, string> = init.json ? { 'content-type': 'application/json', accept: 'application/json' } : {};
    if (this.#accessToken) headers.authorization = `Bearer ${this.#accessToken}`;
    let res: Response;
    let buf: Buffer;
    try {
      res = await this.#fetch(url, { method: init.method, headers, ...(init.body !== undefined ? { body: init.body } : {}), signal });
      buf = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      if (callerSignal?.aborted) throw callerSignal.reason ?? err;
      const timedOut = timeout.aborted || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'));
      throw networkError(err, timedOut ? 'timeout' : 'network', url);
    }
    if (res.ok && as === 'bytes') return buf;
    const text = buf.toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text for the error message
    }
    if (!res.ok) throw toGraphError(res.status, body, { headers: res.headers });
    return body;
  }

  /** Sends an already-built `/messages` payload (any type), checked like the others. */
  async sendRaw(phoneNumberId: string, payload: Json, opts: { signal?: AbortSignal } = {}): Promise<SendResult> {
    const problems = [...phoneNumberIdProblems(phoneNumberId), ...messagePayloadProblems(payload)];
    if (problems.length) throw invalidInput(problems);
    return this.#result(await this.#post(phoneNumberId, payload, opts.signal));
  }

  async #send(phoneNumberId: string, to: Recipient, type: string, part: Json, opts: CommonSendOptions): Promise<SendResult> {
    const problems = phoneNumberIdProblems(phoneNumberId);
    const payload: Json = { messaging_product: 'whatsapp', recipient_type: 'individual' };
    const recipientProblem = addressTo(payload, to);
    if (recipientProblem) problems.push(recipientProblem);
    if (opts.replyTo !== undefined) payload.context = { message_id: opts.replyTo };
    if (opts.bizOpaqueCallbackData !== undefined) payload.biz_opaque_callback_data = opts.bizOpaqueCallbackData;
    payload.type = type;
    payload[type] = part;
    // Recipient problems are reported by addressTo in plain words; skip the payload's own wording for them.
    problems.push(...messagePayloadProblems(payload).filter((p) => !(recipientProblem && /^(to|recipient)\b/.test(p))));
    if (problems.length) throw invalidInput(problems);
    return this.#result(await this.#post(phoneNumberId, payload, opts.signal));
  }

  #result(raw: unknown): SendResult {
    const msg = isObj(raw) && Array.isArray(raw.messages) && isObj(raw.messages[0]) ? raw.messages[0] : undefined;
    const id = msg && typeof msg.id === 'string' && msg.id ? msg.id : undefined;
    if (!id) {
      // The request may have gone through: never retry blindly into a duplicate message.
      throw new GraphError('WhatsApp answered 200 without messages[0].id', {
        type: GraphFailureType.NonRetryable,
        retryable: false,
        details: { code: null, httpStatus: 200, details: JSON.stringify(raw)?.slice(0, 500) },
      });
    }
    const contact = isObj(raw) && Array.isArray(raw.contacts) && isObj(raw.contacts[0]) ? raw.contacts[0] : undefined;
    const out: SendResult = { waMessageId: id, raw };
    if (contact && typeof contact.wa_id === 'string' && contact.wa_id) out.waId = contact.wa_id;
    if (contact && typeof contact.user_id === 'string' && contact.user_id) out.userId = contact.user_id;
    return out;
  }

  #post(phoneNumberId: string, payload: Json, callerSignal?: AbortSignal): Promise<unknown> {
    const url = `${this.baseUrl}/${this.apiVersion}/${encodeURIComponent(phoneNumberId)}/messages`;
    return this.#request(url, { method: 'POST', body: JSON.stringify(payload), json: true }, 'json', callerSignal);
  }
}

function phoneNumberIdProblems(phoneNumberId: unknown): string[] {
  return typeof phoneNumberId === 'string' && /^\d{1,30}$/.test(phoneNumberId) ? [] : ['phoneNumberId must be the business number id (digits)'];
}

/** Sets `to` (phone / wa_id) or, with only a business-scoped user id, `recipient`. Returns a problem or undefined. */
function addressTo(payload: Json, to: Recipient): string | undefined {
  let waId: string | undefined;
  let userId: string | undefined;
  if (typeof to === 'string') {
    if (phoneDigits(to) !== undefined) waId = to;
    else if (looksLikeUserId(to.trim())) userId = to.trim();
    else return `to must be a wa_id / phone number or a business-scoped user id, got ${JSON.stringify(to)}`;
  } else if (isObj(to)) {
    waId = typeof to.waId === 'string' && to.waId.trim() ? to.waId : undefined;
    userId = typeof to.userId === 'string' && to.userId.trim() ? to.userId.trim() : undefined;
    if (!waId && !userId) return 'to needs a waId or a userId';
  } else {
    return 'to must be a string or { waId?, userId? }';
  }
  if (waId !== undefined) {
    const digits = phoneDigits(waId);
    if (digits === undefined) return `to.waId must be 5 to 20 digits, got ${JSON.stringify(waId)}`;
    // Meta prefers the phone number when both are known (`to` wins over `recipient`).
    payload.to = digits;
    return undefined;
  }
  if (userId !== undefined && !looksLikeUserId(userId)) return `to.userId must be a business-scoped user id like US.13491208655302741918, got ${JSON.stringify(userId)}`;
  payload.recipient = userId;
  return undefined;
}
