// Property-based tests of the webhook parser: 10,000 generated and mutated bodies in all.
// - it never throws, except WebhookBodyError for a body that is not a Cloud API envelope;
// - every valid message is found by its id with its type and sender;
// - every broken message is kept as `unsupported`, its original object as `raw`;
// - every message and every status is accounted for exactly once (events + invalid).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundEvent, InboundMessageEvent } from '../../whatsapp/events.js';
import { parseWebhook, uniqueEvents, WebhookBodyError, type ParsedWebhook } from '../../whatsapp/parse.js';

type Json = Record<string, any>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---- generators of valid Cloud API parts --------------------------------------------------------

const text = fc.string({ maxLength: 30 });
const nonEmpty = fc.string({ minLength: 1, maxLength: 24 });
const phone = fc.stringMatching(/^[1-9]\d{9,13}$/);
const bsuid = fc.stringMatching(/^[A-Z]{2}\.\d{8,20}$/);
const ts = fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }).map(String);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Drops undefined keys, as JSON would. */
const clean = (o: Json): Json => JSON.parse(JSON.stringify(o));

const mediaPart = (extra: Record<string, fc.Arbitrary<unknown>>) =>
  fc.record({ id: fc.stringMatching(/^\d{10,16}$/), mime_type: maybe(nonEmpty), sha256: maybe(nonEmpty), ...extra }).map(clean);

const PARTS: Record<string, fc.Arbitrary<unknown>> = {
  text: fc.record({ body: text, preview_url: maybe(fc.boolean()) }).map(clean),
  image: mediaPart({ caption: maybe(text) }),
  video: mediaPart({ caption: maybe(text) }),
  audio: mediaPart({ voice: maybe(fc.boolean()) }),
  document: mediaPart({ caption: maybe(text), filename: maybe(nonEmpty) }),
  sticker: mediaPart({ animated: maybe(fc.boolean()) }),
  location: fc
    .record({
      latitude: fc.double({ min: -90, max: 90, noNaN: true }),
      longitude: fc.double({ min: -180, max: 180, noNaN: true }),
      name: maybe(text),
      address: maybe(text),
    })
    .map(clean),
  contacts: fc.array(
    fc
      .record({
        name: maybe(fc.record({ formatted_name: maybe(text), first_name: maybe(text) }).map(clean)),
        phones: maybe(fc.array(fc.record({ phone: maybe(text), wa_id: maybe(phone), type: maybe(nonEmpty) }).map(clean), { maxLength: 3 })),
      })
      .map(clean),
    { minLength: 1, maxLength: 3 },
  ),
  interactive: fc.oneof(
    fc.record({ id: nonEmpty, title: text }).map((r) => ({ type: 'button_reply', button_reply: r })),
    fc.record({ id: nonEmpty, title: text, description: maybe(text) }).map((r) => ({ type: 'list_reply', list_reply: clean(r) })),
    fc.record({ name: maybe(nonEmpty), body: maybe(text), response_json: fc.json() }).map((r) => ({ type: 'nfm_reply', nfm_reply: clean(r) })),
    fc.constantFrom('call_permission_reply', 'product_inquiry').map((t) => ({ type: t })),
  ),
  button: fc.oneof(
    fc.record({ payload: text, text: maybe(text) }).map(clean),
    fc.record({ text }),
  ),
  reaction: fc.record({ message_id: fc.stringMatching(/^wamid\.[A-Za-z0-9=]{6,30}$/), emoji: maybe(fc.constantFrom('👍', '❤️', '😂', '🙏')) }).map(clean),
  order: fc.record({
    catalog_id: maybe(fc.stringMatching(/^\d{10,16}$/)),
    text: maybe(text),
    product_items: fc.array(
      fc.record({ product_retailer_id: nonEmpty, quantity: fc.integer({ min: 1, max: 99 }), item_price: fc.integer({ min: 0, max: 10_000 }), currency: fc.constantFrom('USD', 'EUR', 'BRL') }),
      { maxLength: 4 },
    ),
  }).map(clean),
  system: fc.oneof(
    fc.record({ body: text, wa_id: phone, type: fc.constant('user_changed_number') }),
    fc.record({ body: text, new_wa_id: phone, type: fc.constant('user_changed_number') }),
    fc.record({ body: text, user_id: bsuid, type: fc.constant('user_changed_user_id') }),
  ),
};
const TYPED = Object.keys(PARTS);
const KNOWN = new Set([...TYPED, 'unsupported', 'unknown', 'request_welcome']);

const senderArb = fc.oneof(
  fc.record({ from: phone }),
  fc.record({ from_user_id: bsuid }),
  fc.record({ from: phone, from_user_id: bsuid, from_parent_user_id: maybe(fc.stringMatching(/^[A-Z]{2}\.ENT\.\d{10,20}$/)) }).map(clean),
);

const extrasArb = fc
  .record({
    context: maybe(
      fc.oneof(
        fc.record({ from: phone, id: fc.stringMatching(/^wamid\.[A-Za-z0-9=]{6,30}$/) }),
        fc.record({ forwarded: fc.constant(true) }),
        fc.record({ frequently_forwarded: fc.constant(true) }),
      ),
    ),
    referral: maybe(
      fc.record({ source_url: nonEmpty, source_id: nonEmpty, source_type: fc.constantFrom('ad', 'post'), headline: maybe(text), ctwa_clid: maybe(nonEmpty) }).map(clean),
    ),
  })
  .map(clean);

/** A valid message without its id (ids are stamped per body). */
interface Spec {
  msg: unknown;
  /** The type the parser must give, or null when the message is broken (-> unsupported). */
  expect: string;
  valid: boolean;
  hasId: boolean;
}

const validMessage: fc.Arbitrary<Spec> = fc
  .tuple(
    fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...TYPED).chain((t) => PARTS[t]!.map((part) => ({ type: t, part }))) },
      { weight: 1, arbitrary: fc.constant({ type: 'request_welcome', part: undefined }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('unsupported', 'unknown').map((t) => ({
          type: t,
          part: undefined,
          errors: [{ code: 131051, title: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }],
        })),
      },
    ),
    senderArb,
    ts,
    extrasArb,
  )
  .map(([t, sender, timestamp, extras]) => {
    const msg: Json = { ...sender, timestamp, type: t.type, ...extras };
    if (t.part !== undefined) msg[t.type] = t.part;
    if ('errors' in t) msg.errors = t.errors;
    return { msg, expect: t.type === 'unknown' ? 'unsupported' : t.type, valid: true, hasId: true };
  });

const junk = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null), fc.boolean());

/** Breaks what makes a message of its type readable. */
function breakCore(m: Json): boolean {
  const p = m[m.type];
  switch (m.type) {
    case 'text': p.body = 42; return true;
    case 'image': case 'video': case 'audio': case 'document': case 'sticker': delete p.id; return true;
    case 'location': p.latitude = 'north'; return true;
    case 'contacts': m.contacts = []; return true;
    case 'interactive':
      if (p.type === 'button_reply' || p.type === 'list_reply') delete p[p.type].title;
      else if (p.type === 'nfm_reply') delete p.nfm_reply.response_json;
      else delete p.type;
      return true;
    case 'button': delete p.payload; delete p.text; return true;
    case 'reaction': delete p.message_id; return true;
    case 'order': p.product_items = 'many'; return true;
    case 'system': delete p.type; delete p.body; return true;
    default: return false;
  }
}

const MUTATIONS = ['unknown-type', 'no-part', 'junk-part', 'broken-core', 'no-type', 'not-an-object', 'no-id', 'no-sender'] as const;

const mutatedMessage: fc.Arbitrary<Spec> = fc
  .tuple(validMessage, fc.constantFrom(...MUTATIONS), junk, fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }))
  .map(([spec, mutation, junkValue, newType, anyJson]) => {
    const m = structuredClone(spec.msg) as Json;
    const typed = TYPED.includes(m.type);
    switch (mutation) {
      case 'unknown-type':
        m.type = KNOWN.has(newType) || newType === '__proto__' ? `x-${newType}` : newType;
        return { msg: m, expect: 'unsupported', valid: false, hasId: true };
      case 'no-part':
        if (!typed) break;
        delete m[m.type];
        return { msg: m, expect: 'unsupported', valid: false, hasId: true };
      case 'junk-part':
        if (!typed) break;
        m[m.type] = junkValue;
        return { msg: m, expect: 'unsupported', valid: false, hasId: true };
      case 'broken-core':
        if (!typed || !breakCore(m)) break;
        return { msg: m, expect: 'unsupported', valid: false, hasId: true };
      case 'no-type':
        delete m.type;
        return { msg: m, expect: 'unsupported', valid: false, hasId: true };
      case 'not-an-object':
        return { msg: isObj(anyJson) ? [anyJson] : anyJson, expect: 'unsupported', valid: false, hasId: false };
      case 'no-id':
        return { ...spec, msg: m, hasId: false };
      case 'no-sender':
        delete m.from;
        delete m.from_user_id;
        delete m.from_parent_user_id;
        return { ...spec, msg: m };
    }
    return spec;
  });

const messageSpec = fc.oneof({ weight: 3, arbitrary: validMessage }, { weight: 2, arbitrary: mutatedMessage });

interface StatusSpec {
  status: unknown;
  valid: boolean;
}
const validStatus: fc.Arbitrary<StatusSpec> = fc
  .record({
    id: fc.stringMatching(/^wamid\.[A-Za-z0-9=]{6,30}$/),
    status: fc.oneof(fc.constantFrom('sent', 'delivered', 'read', 'failed'), nonEmpty),
    timestamp: ts,
    recipient_id: maybe(phone),
    recipient_user_id: maybe(bsuid),
    conversation: maybe(fc.record({ id: nonEmpty, origin: fc.record({ type: fc.constantFrom('service', 'marketing', 'utility') }), expiration_timestamp: maybe(ts) }).map(clean)),
    pricing: maybe(fc.record({ billable: fc.boolean(), pricing_model: fc.constantFrom('CBP', 'PMP'), category: fc.constantFrom('service', 'marketing') })),
    errors: maybe(fc.array(fc.record({ code: fc.integer({ min: 0, max: 200_000 }), title: text, error_data: fc.record({ details: text }) }), { maxLength: 2 })),
  })
  .map((s) => ({ status: clean(s), valid: true }));
const brokenStatus: fc.Arbitrary<StatusSpec> = fc
  .tuple(validStatus, fc.constantFrom('no-id', 'no-status', 'empty-id', 'numeric-status', 'not-an-object'), junk)
  .map(([{ status }, how, junkValue]) => {
    const s = { ...(status as Json) };
    if (how === 'no-id') delete s.id;
    if (how === 'no-status') delete s.status;
    if (how === 'empty-id') s.id = '';
    if (how === 'numeric-status') s.status = 3;
    return { status: how === 'not-an-object' ? junkValue : s, valid: false };
  });
const statusSpec = fc.oneof({ weight: 3, arbitrary: validStatus }, { weight: 1, arbitrary: brokenStatus });

const otherChange = fc.record({
  field: fc.constantFrom('account_update', 'message_template_status_update', 'phone_number_quality_update', 'security', 'flows'),
  value: fc.jsonValue({ maxDepth: 2 }),
});

interface BodySpec {
  body: Json;
  messages: Spec[];
  statuses: StatusSpec[];
  otherFields: string[];
}

const bodyArb: fc.Arbitrary<BodySpec> = fc
  .array(
    fc.array(
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc.record({
            kind: fc.constant('messages' as const),
            messages: fc.array(messageSpec, { maxLength: 6 }),
            statuses: fc.array(statusSpec, { maxLength: 4 }),
            withContacts: fc.boolean(),
            pnid: fc.stringMatching(/^\d{15}$/),
          }),
        },
        { weight: 1, arbitrary: otherChange.map((c) => ({ kind: 'other' as const, ...c })) },
      ),
      { maxLength: 3 },
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((entries) => {
    const spec: BodySpec = { body: {}, messages: [], statuses: [], otherFields: [] };
    let n = 0;
    spec.body = {
      object: 'whatsapp_business_account',
      entry: entries.map((changes, i) => ({
        id: `10229012934039${i}`,
        changes: changes.map((c) => {
          if (c.kind === 'other') {
            spec.otherFields.push(c.field);
            return { field: c.field, value: c.value };
          }
          const messages = c.messages.map((m) => {
            if (m.hasId && isObj(m.msg)) m.msg.id = `wamid.P${++n}`; // unique per body
            spec.messages.push(m);
            return m.msg;
          });
          spec.statuses.push(...c.statuses);
          const value: Json = {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: c.pnid },
            messages,
            statuses: c.statuses.map((s) => s.status),
          };
          if (c.withContacts) {
            value.contacts = messages
              .filter((m): m is Json => isObj(m) && (m.from !== undefined || m.from_user_id !== undefined))
              .map((m) => clean({ wa_id: m.from, user_id: m.from_user_id, profile: { name: `name of ${m.from ?? m.from_user_id}` } }));
          }
          return { field: 'messages', value };
        }),
      })),
    };
    return spec;
  });

// ---- helpers ----------------------------------------------------------------------------------

const isEnvelope = (b: unknown) => isObj(b) && typeof b.object === 'string' && Array.isArray(b.entry);

/** Parses; a throw is allowed only as WebhookBodyError, and only for a non-envelope. */
function parseOrReject(body: unknown): ParsedWebhook | undefined {
  try {
    const parsed = parseWebhook(body);
    expect(isEnvelope(body)).toBe(true);
    return parsed;
  } catch (err) {
    if (!(err instanceof WebhookBodyError)) throw err;
    expect(isEnvelope(body)).toBe(false);
    expect(err.message).toMatch(/^not a WhatsApp Cloud API webhook body: \S/);
    return undefined;
  }
}

/**
 * The independent bookkeeping: every element of every `messages` array of a readable change must
 * be a message event (in order, the same object as `raw`); every element of every `statuses` array
 * is either a status event or an invalid item with the same raw value.
 */
function checkAccounting(body: Json, parsed: ParsedWebhook) {
  const rawMessages: unknown[] = [];
  const rawStatuses: unknown[] = [];
  for (const entry of body.entry as unknown[]) {
    if (!isObj(entry) || !(entry.changes === undefined || Array.isArray(entry.changes))) continue;
    for (const change of (entry.changes ?? []) as unknown[]) {
      if (!isObj(change) || typeof change.field !== 'string' || change.field !== 'messages' || !isObj(change.value)) continue;
      if (Array.isArray(change.value.messages)) rawMessages.push(...change.value.messages);
      if (Array.isArray(change.value.statuses)) rawStatuses.push(...change.value.statuses);
    }
  }
  const msgs = parsed.events.filter((e): e is InboundMessageEvent => e.kind === 'message');
  expect(msgs.length).toBe(rawMessages.length);
  msgs.forEach((m, i) => {
    expect(Object.is(m.raw, rawMessages[i])).toBe(true);
    expect(typeof m.waMessageId).toBe('string');
    expect(m.waMessageId.length).toBeGreaterThan(0);
    expect(typeof m.type).toBe('string');
    expect(Number.isNaN(Date.parse(m.at))).toBe(false);
  });
  const statusRaws = parsed.events.filter((e) => e.kind === 'status').map((e) => e.raw);
  const invalidRaws = parsed.invalid.map((i) => i.raw);
  let s = 0;
  for (const raw of rawStatuses) {
    if (Object.is(statusRaws[s], raw)) s++;
    else expect(invalidRaws.some((r) => Object.is(r, raw))).toBe(true);
  }
  expect(s).toBe(statusRaws.length);
  for (const inv of parsed.invalid) expect(inv.reason).toMatch(/^entry\[\d+\]/);
  // The events cross a Temporal signal as JSON.
  expect(() => JSON.stringify(parsed.events)).not.toThrow();
}

// ---- properties -------------------------------------------------------------------------------

describe('webhook parser properties', () => {
  it('generated bodies: every message found by id with its type, broken ones unsupported, counts match', () => {
    fc.assert(
      fc.property(bodyArb, (spec) => {
        const parsed = parseWebhook(spec.body);
        expect(parsed.otherFields).toEqual(spec.otherFields);
        expect(parsed.events.length + parsed.invalid.length).toBe(spec.messages.length + spec.statuses.length);
        expect(parsed.invalid.length).toBe(spec.statuses.filter((s) => !s.valid).length);

        const msgs = parsed.events.filter((e): e is InboundMessageEvent => e.kind === 'message');
        expect(msgs.length).toBe(spec.messages.length);
        spec.messages.forEach((m, i) => {
          const ev = msgs[i]!;
          expect(Object.is(ev.raw, m.msg)).toBe(true);
          if (m.hasId) {
            const byId = msgs.filter((e) => e.waMessageId === (m.msg as Json).id);
            expect(byId).toEqual([ev]);
            expect(ev.syntheticId).toBeUndefined();
          } else {
            expect(ev.syntheticId).toBe(true);
            expect(ev.waMessageId).toMatch(/^synthetic:[0-9a-f]{32}$/);
          }
          expect(ev.type).toBe(m.expect);
          if (!m.valid) {
            expect(ev.type).toBe('unsupported');
            expect(ev.text).toBeNull();
            expect(typeof ev.unsupportedReason).toBe('string');
          }
          if (isObj(m.msg)) {
            if (typeof m.msg.from === 'string') expect(ev.sender.waId).toBe(m.msg.from);
            if (typeof m.msg.from_user_id === 'string') expect(ev.sender.userId).toBe(m.msg.from_user_id);
            if (m.msg.type === 'text' && m.valid) expect(ev.text).toBe(m.msg.text.body || null);
            if (m.msg.type === 'reaction' && m.valid) expect(ev.reaction?.messageId).toBe(m.msg.reaction.message_id);
            if (m.valid && m.msg.context?.id) expect(ev.context?.replyToId).toBe(m.msg.context.id);
          } else {
            expect(ev.sender).toEqual({});
          }
        });

        const statuses = parsed.events.filter((e) => e.kind === 'status');
        const validStatuses = spec.statuses.filter((s) => s.valid);
        expect(statuses.map((e) => e.raw)).toEqual(validStatuses.map((s) => s.status));
        statuses.forEach((e, i) => {
          const raw = validStatuses[i]!.status as Json;
          expect(e).toMatchObject({ waMessageId: raw.id, status: raw.status });
          if (raw.errors?.length) expect(e.errorCode).toBe(raw.errors[0].code);
        });
        checkAccounting(spec.body, parsed);
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary JSON: only WebhookBodyError, and only for a non-envelope', () => {
    const anyBody = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({ object: fc.jsonValue({ maxDepth: 1 }), entry: fc.jsonValue({ maxDepth: 3 }) }),
      fc.record({ object: fc.string(), entry: fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 4 }) }),
    );
    fc.assert(
      fc.property(anyBody, (body) => {
        const parsed = parseOrReject(body);
        if (parsed) checkAccounting(body as Json, parsed);
      }),
      { numRuns: 2000 },
    );
  });

  it('envelopes with arbitrary changes, values, messages and statuses: total, all accounted for', () => {
    const j = fc.jsonValue({ maxDepth: 3 });
    const change = fc.oneof(
      j,
      fc.record({ field: fc.oneof(fc.constant('messages'), fc.string(), j), value: j }),
      fc.record({
        field: fc.constant('messages'),
        value: fc.record(
          {
            metadata: fc.oneof(j, fc.record({ phone_number_id: j, display_phone_number: j })),
            contacts: fc.oneof(j, fc.array(fc.record({ wa_id: j, user_id: j, profile: j }, { requiredKeys: [] }), { maxLength: 3 })),
            messages: fc.oneof({ weight: 4, arbitrary: fc.array(fc.oneof(j, messageSpec.map((s) => s.msg)), { maxLength: 5 }) }, { weight: 1, arbitrary: j }),
            statuses: fc.oneof({ weight: 4, arbitrary: fc.array(fc.oneof(j, statusSpec.map((s) => s.status)), { maxLength: 5 }) }, { weight: 1, arbitrary: j }),
          },
          { requiredKeys: [] },
        ),
      }),
    );
    const body = fc.record({
      object: fc.string(),
      entry: fc.array(fc.oneof(j, fc.record({ id: j, changes: fc.oneof({ weight: 5, arbitrary: fc.array(change, { maxLength: 4 }) }, { weight: 1, arbitrary: j }) }, { requiredKeys: [] })), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(body, (b) => {
        const parsed = parseWebhook(b);
        checkAccounting(b, parsed);
      }),
      { numRuns: 2000 },
    );
  });

  it('deep mutations of valid bodies: total, all accounted for', () => {
    const mutation = fc.tuple(fc.nat(), fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 })));
    fc.assert(
      fc.property(bodyArb, fc.array(mutation, { minLength: 1, maxLength: 4 }), (spec, mutations) => {
        const body = structuredClone(spec.body) as unknown;
        let root: unknown = body;
        // Clone the replacements: fast-check reuses generated values while shrinking.
        for (const [pick, replacement] of mutations) root = mutateAt(root, pick, structuredClone(replacement));
        const parsed = parseOrReject(root);
        if (parsed) checkAccounting(root as Json, parsed);
      }),
      { numRuns: 2000 },
    );
  });

  it('redelivery gives the same ids; uniqueEvents keeps the first of each message id and status', () => {
    fc.assert(
      fc.property(bodyArb, fc.nat(), (spec, seed) => {
        const first = parseWebhook(spec.body).events;
        const again = parseWebhook(JSON.parse(JSON.stringify(spec.body))).events;
        expect(again.map(key)).toEqual(first.map(key));

        // The same body twice in one delivery, and the events in a shuffled order.
        const doubled = { ...spec.body, entry: [...spec.body.entry, ...structuredClone(spec.body.entry)] };
        const events = parseWebhook(doubled).events;
        expect(events.length).toBe(first.length * 2);
        const rotated = rotate(events, events.length ? seed % events.length : 0);
        const unique = uniqueEvents(rotated);
        const keys = unique.map(dedupeKey);
        expect(new Set(keys).size).toBe(keys.length);
        expect(new Set(keys)).toEqual(new Set(first.map(dedupeKey)));
        // first wins
        for (const ev of unique) expect(rotated.find((e) => dedupeKey(e) === dedupeKey(ev))).toBe(ev);
      }),
      { numRuns: 1000 },
    );
  });
});

const key = (e: InboundEvent) => `${e.kind}|${e.waMessageId}|${e.kind === 'status' ? e.status : e.type}`;
const dedupeKey = (e: InboundEvent) => (e.kind === 'message' ? `m|${e.waMessageId}` : `s|${e.waMessageId}|${e.status}`);
const rotate = <T>(a: T[], k: number) => [...a.slice(k), ...a.slice(0, k)];

/** Replaces (or deletes, for undefined) the node number `pick % nodes` of a pre-order walk. */
function mutateAt(root: unknown, pick: number, replacement: unknown): unknown {
  const nodes: { parent: any; key: string | number | null }[] = [];
  const walk = (v: unknown, parent: any, k: string | number | null) => {
    nodes.push({ parent, key: k });
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, v, i));
    else if (isObj(v)) for (const kk of Object.keys(v)) walk(v[kk], v, kk);
  };
  walk(root, null, null);
  const node = nodes[pick % nodes.length]!;
  if (node.parent === null) return replacement === undefined ? null : replacement;
  if (replacement === undefined) {
    if (Array.isArray(node.parent)) node.parent.splice(node.key as number, 1);
    else delete node.parent[node.key as string];
  } else node.parent[node.key as string | number] = replacement;
  return root;
}
