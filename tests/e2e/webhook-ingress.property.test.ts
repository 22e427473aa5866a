// 500 random and mutated bodies through the real endpoint from about 20 senders: no 5xx but 503,
// no crash, and every event the parser finds is stored (or kept as an orphan/invalid event).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inArray } from 'drizzle-orm';
import { conversations, interactionEvents, messages } from '../../db/schema.js';
import { parseWebhook } from '../../whatsapp/parse.js';
import { snapshotQuery } from '../../workflows/conversation/contract.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, postWebhook } from '../helpers/webhooks.js';

const fixtureDir = path.join(import.meta.dirname, '..', 'fixtures', 'webhooks');
/** Message objects of every type, taken from the fixtures. */
const templates: Record<string, unknown>[] = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json') && f !== 'malformed.json')
  .flatMap((f) => {
    const body = JSON.parse(readFileSync(path.join(fixtureDir, f), 'utf8'));
    return (body.entry ?? []).flatMap((e: any) => (e.changes ?? []).flatMap((c: any) => (Array.isArray(c.value?.messages) ? c.value.messages : [])));
  })
  .filter((m: any) => m && typeof m === 'object' && m.id);

const senders = Array.from({ length: 20 }, (_, i) => `9665${String(10000000 + i * 7919).padStart(8, '0')}`);
let run = 0;

const mutation = fc.constantFrom('none', 'none', 'none', 'drop_type_part', 'wrong_type', 'drop_id', 'garbage_part', 'unknown_type', 'null_message');

const messageArb = fc.record({
  template: fc.constantFrom(...templates),
  sender: fc.constantFrom(...senders),
  text: fc.string({ unit: 'grapheme', maxLength: 80 }),
  mutation,
  seq: fc.nat(),
});

function build(ms: any[], withStatus: boolean) {
  run++;
  const messagesOut = ms.map((m, i) => {
    if (m.mutation === 'null_message') return null;
    const msg: any = structuredClone(m.template);
    msg.from = m.sender;
    delete msg.from_user_id;
    msg.id = `wamid.PROP.${process.pid}.${run}.${i}.${m.seq}`;
    msg.timestamp = String(1764000000 + m.seq);
    if (msg.type === 'text') msg.text = { body: m.text || 'x' };
    switch (m.mutation) {
      case 'drop_type_part':
        delete msg[msg.type];
        break;
      case 'wrong_type':
        msg[msg.type] = 42;
        break;
      case 'drop_id':
        delete msg.id;
        break;
      case 'garbage_part':
        msg[msg.type] = { [m.text || 'k']: [m.text, null, { deep: m.seq }] };
        break;
      case 'unknown_type':
        msg.type = `new_type_${m.seq % 5}`;
        break;
    }
    return msg;
  });
  const first = ms[0]!;
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA-PROP',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: 'PN-PROP' },
              contacts: [...new Set(ms.map((m) => m.sender))].map((wa) => ({ wa_id: wa, profile: { name: first.text.slice(0, 20) || 'Buyer' } })),
              messages: messagesOut,
              ...(withStatus ? { statuses: [{ id: `wamid.NOPE.${run}`, status: 'delivered', timestamp: '1764000000', recipient_id: first.sender }] } : {}),
            },
          },
        ],
      },
    ],
  };
}

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.stop();
});

describe('endpoint under random bodies', { timeout: 300_000 }, () => {
  it('500 bodies: no 5xx but 503, every event found by the parser is kept', async () => {
    const bodies = fc.sample(fc.tuple(fc.array(messageArb, { minLength: 1, maxLength: 4 }), fc.boolean()), { numRuns: 500, seed: 7 }).map(([ms, st]) => build(ms, st));
    const statuses = new Map<number, number>();
    const expectedMessages = new Set<string>();
    const expectedOrphans = new Set<string>();
    for (const body of bodies) {
      // Meta retries what was not acknowledged; so do we (bounded).
      let res = await postWebhook(s.baseUrl, body, s.appSecret);
      for (let i = 0; i < 5 && res.status === 503; i++) res = await postWebhook(s.baseUrl, body, s.appSecret);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status === 200 || res.status === 503, `status ${res.status}: ${res.text}`).toBe(true);
      for (const ev of parseWebhook(body).events) {
        if (ev.kind === 'message') (ev.sender.waId || ev.sender.userId ? expectedMessages : expectedOrphans).add(ev.waMessageId);
      }
    }
    expect(statuses.get(200)).toBe(500);
    await eventually(
      async () => {
        const ids = [...expectedMessages];
        const found = new Set<string>();
        for (let i = 0; i < ids.length; i += 500) {
          const rows = await s.db.db.select({ id: messages.waMessageId }).from(messages).where(inArray(messages.waMessageId, ids.slice(i, i + 500)));
          for (const r of rows) found.add(r.id);
        }
        return found.size === ids.length ? true : undefined;
      },
      60_000,
      500,
    );
    // One conversation per sender, all settled.
    const convs = await s.db.db.select().from(conversations);
    expect(convs.length).toBeLessThanOrEqual(senders.length);
    for (const c of convs) expect((await s.client.workflow.getHandle(c.workflowId).query(snapshotQuery)).pending).toBe(0);
    if (expectedOrphans.size > 0) {
      const orphans = await s.db.db.select().from(interactionEvents).where(inArray(interactionEvents.kind, ['orphan_message']));
      expect(orphans.length).toBeGreaterThanOrEqual(expectedOrphans.size);
    }
    console.log(`property ingress: ${bodies.length} bodies, ${expectedMessages.size} messages stored, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  });
});
