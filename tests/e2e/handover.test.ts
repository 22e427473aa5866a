// Capture's hand-over: events are stored before the 200, so a busy Temporal delays processing,
// never the acknowledgement; what a process could not hand over (it died, Temporal was away) the
// sweeper hands over, one conversation's events in order, and the rows go once Temporal took them.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import { Handover } from '../../server/handover.js';
import { dispatchEvents, ingressCoalescers, TemporalUnavailableError } from '../../server/ingress.js';
import { conversationWorkflowId } from '../../whatsapp/events.js';
import { parseWebhook } from '../../whatsapp/parse.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, postWebhook, textMessageBody, TEST_PHONE_NUMBER_ID } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  // Never waits for Temporal: every 200 comes from the stored rows alone, the hand-over after it.
  s = await startStack({ handoverWaitMs: 0 });
});
afterAll(async () => s?.stop());

const rows = async () =>
  (await s.db.db.execute(sql`select id, workflow_id, attempts, claimed_until < now() as lapsed from inbound_handover order by id`)) as unknown as {
    id: string;
    workflow_id: string;
    attempts: number;
  }[];

/** The texts of the messages the workflow was signalled, in the order its history holds them. */
async function signalled(workflowId: string): Promise<string[]> {
  const history = await s.client.workflow.getHandle(workflowId).fetchHistory();
  const texts: string[] = [];
  for (const e of history.events ?? []) {
    const payload = e.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0]?.data;
    if (!payload) continue;
    for (const ev of JSON.parse(Buffer.from(payload).toString('utf8')) as { kind: string; text?: string }[]) if (ev.kind === 'message') texts.push(ev.text ?? '');
  }
  return texts;
}

describe('hand-over to Temporal', { timeout: 60_000 }, () => {
  it('answers 200 before Temporal took the events, then hands them over and clears its rows', async () => {
    const m = textMessageBody({ from: '966533100001', text: 'Is the sofa still available?' });
    const res = await postWebhook(s.baseUrl, m.body, s.appSecret);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ messages: 1, conversations: 1 });
    const stored = await eventually(async () => {
      const r = await s.api(`/api/v1/messages/${m.id}`);
      return r.status === 200 ? r.json : undefined;
    }, 15_000);
    expect(stored.text).toBe('Is the sofa still available?');
    await eventually(async () => ((await rows()).length === 0 ? true : undefined), 5000, 50);
  });

  it('a Temporal that refuses is not hidden behind 200s: once a call failed, the next body waits for its own and gets a 503; nothing is lost', async () => {
    // Reachable, but every call fails (a namespace that does not exist).
    const refusing = new Handover({ client: new Client({ connection: s.client.connection, namespace: 'tl-no-such-namespace' }), db: s.db.db, taskQueue: 'nowhere' });
    const deps = { client: s.client, db: s.db.db, taskQueue: 'nowhere', handover: refusing };
    const first = textMessageBody({ from: '966533100009', text: 'first, while all looked well' });
    const second = textMessageBody({ from: '966533100009', text: 'second, after a refusal' });
    try {
      expect(refusing.healthy()).toBe(true);
      // Healthy: answered from the stored rows, without waiting for Temporal.
      await expect(dispatchEvents(deps, parseWebhook(first.body).events)).resolves.toMatchObject({ messages: 1 });
      await eventually(async () => (refusing.healthy() ? undefined : true), 10_000, 20);
      await expect(dispatchEvents(deps, parseWebhook(second.body).events)).rejects.toBeInstanceOf(TemporalUnavailableError);
    } finally {
      await refusing.stop();
    }
    // Both bodies were stored first: the app's own hand-over (the right namespace) delivers them.
    for (const m of [first, second]) {
      await eventually(async () => ((await s.api(`/api/v1/messages/${m.id}`)).status === 200 ? true : undefined), 20_000);
    }
  });

  it('a burst for one conversation keeps its order through the hand-over', async () => {
    const from = '966533100002';
    const texts = Array.from({ length: 8 }, (_, i) => `line ${i + 1}`);
    for (const text of texts) expect((await postWebhook(s.baseUrl, textMessageBody({ from, text }).body, s.appSecret)).status).toBe(200);
    const workflowId = conversationWorkflowId(TEST_PHONE_NUMBER_ID, { waId: from });
    const seen = await eventually(async () => {
      const t = await signalled(workflowId).catch(() => []);
      return t.length >= texts.length ? t : undefined;
    }, 15_000);
    expect(seen).toEqual(texts);
    await eventually(async () => ((await rows()).length === 0 ? true : undefined), 5000, 50);
  });

  it('rows a dead process left behind are handed over by the sweeper, merged per conversation, oldest first', async () => {
    const from = '966533100003';
    const bodies = ['first, left behind', 'second, left behind'].map((text) => textMessageBody({ from, text }));
    const workflowId = conversationWorkflowId(TEST_PHONE_NUMBER_ID, { waId: from });
    // As a process that crashed after storing them would leave them: claimed, the claim lapsed.
    // One statement, so that one sweep finds both.
    const [a, b] = bodies.map((x) => JSON.stringify(parseWebhook(x.body).events.map(({ raw: _raw, ...slim }) => slim)));
    await s.db.db.execute(sql`insert into inbound_handover (workflow_id, phone_number_id, start, wa_id, summary, events, claimed_until)
      values (${workflowId}, ${TEST_PHONE_NUMBER_ID}, true, ${from}, ${'Buyer'}, ${a}::jsonb, now() - interval '1 second'),
             (${workflowId}, ${TEST_PHONE_NUMBER_ID}, true, ${from}, ${'Buyer'}, ${b}::jsonb, now() - interval '1 second')`);
    for (const b of bodies) {
      await eventually(async () => ((await s.api(`/api/v1/messages/${b.id}`)).status === 200 ? true : undefined), 15_000, 100);
    }
    // Merged: one signal carrying both, the older first.
    expect(await signalled(workflowId)).toEqual(['first, left behind', 'second, left behind']);
    const history = await s.client.workflow.getHandle(workflowId).fetchHistory();
    expect(history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes).length).toBe(1);
    await eventually(async () => ((await rows()).length === 0 ? true : undefined), 5000, 50);
  });

  it('bodies arriving together share statements, and each still gets its own conversation, once', async () => {
    const { lookup, store } = ingressCoalescers(s.db.db);
    const before = { lookup: { ...lookup.stats }, store: { ...store.stats } };
    const senders = Array.from({ length: 12 }, (_, i) => `96653310${String(100 + i).padStart(4, '0')}`);
    // Two messages per sender, both in flight at once, and one body delivered twice (Meta redelivers).
    const bodies = senders.flatMap((from) => [1, 2].map((n) => ({ from, text: `${from} part ${n}`, m: textMessageBody({ from, text: `${from} part ${n}` }) })));
    const posts = [...bodies, bodies[0]!].map((b) => postWebhook(s.baseUrl, b.m.body, s.appSecret));
    const answers = await Promise.all(posts);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const shared = {
      lookupInputs: lookup.stats.inputs - before.lookup.inputs,
      lookupBatches: lookup.stats.batches - before.lookup.batches,
      storeInputs: store.stats.inputs - before.store.inputs,
      storeBatches: store.stats.batches - before.store.batches,
    };
    expect(shared.lookupInputs).toBe(posts.length);
    expect(shared.storeInputs).toBe(posts.length);
    // Fewer statements than bodies: they arrived together.
    expect(shared.lookupBatches).toBeLessThan(shared.lookupInputs);
    expect(shared.storeBatches).toBeLessThan(shared.storeInputs);
    for (const from of senders) {
      const workflowId = conversationWorkflowId(TEST_PHONE_NUMBER_ID, { waId: from });
      const seen = await eventually(async () => {
        const t = await signalled(workflowId).catch(() => []);
        return t.length >= 2 ? t : undefined;
      }, 20_000);
      // Each conversation got its own two messages (and the redelivered one is stored once).
      expect([...new Set(seen)].sort()).toEqual([`${from} part 1`, `${from} part 2`]);
    }
    await eventually(async () => ((await s.api(`/api/v1/messages/${bodies[0]!.m.id}`)).status === 200 ? true : undefined), 15_000);
    const [row] = (await s.db.db.execute(sql`select count(*)::int as n from messages where wa_message_id = ${bodies[0]!.m.id}`)) as unknown as { n: number }[];
    expect(row?.n).toBe(1);
    await eventually(async () => ((await rows()).length === 0 ? true : undefined), 5000, 50);
  });

  it('the backlog of accepted, not yet handed-over events is a metric', async () => {
    const text = await (await fetch(`${s.baseUrl}/metrics`)).text();
    expect(text).toMatch(/^threadline_handover_backlog \d+$/m);
  });
});
