// The conversation runtime, one turn at a time, on real parts (Temporal dev server, Postgres, the
// Graph simulator): humans beat automation, sends go through the outbox exactly once, dedupe and
// completion hold across runs. Each scenario runs plainly and with a continue-as-new in the middle.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markSent } from '../../db/outbox.js';
import { conversations, messages, outbox } from '../../db/schema.js';
import { closeUpdate, pauseUpdate, sendReplyUpdate, takeOverUpdate } from '../../workflows/conversation/contract.js';
import { createAgent, fastRules, newBuyer, sentTo, startConversation, timeline, RUNTIME_MODES } from '../helpers/conversations.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, postWebhook, statusWebhookBody, textMessageBody, TEST_PHONE_NUMBER_ID } from '../helpers/webhooks.js';

let s: Stack;
let agentId: string;
beforeAll(async () => {
  s = await startStack({ graphTimeoutMs: 1500 });
  await fastRules(s);
  agentId = await createAgent(s, 'Runtime', { capacity: 50 });
});
afterAll(async () => {
  await s?.stop();
});

const outboxOf = (workflowId: string) => s.db.db.select().from(outbox).where(eq(outbox.workflowId, workflowId));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


describe.each(RUNTIME_MODES)('the runtime, %s', (_name, test) => {
  it('an agent who answers during the quiet gap is not overtaken: no acknowledgement, no deadline, no escalation', async () => {
    const c = await startConversation(s, 'How much for 20 units?', test);
    // The gap is 1 s: answer at once.
    const sent = await c.handle.executeUpdate(sendReplyUpdate, { args: [{ text: 'Hello! 20 units are 1,200 SAR.', by: agentId }] });
    expect(sent.waMessageId).toMatch(/^wamid\./);
    const decided = await c.until((x) => !!x.lastDecision, 10_000);
    await sleep(1500);
    const snap = await c.snapshot();
    expect(snap.sla ?? null).toBeNull();
    expect(decided.lastDecision!.reasons.join('\n')).toMatch(/answered by a person/);
    const sends = await outboxOf(c.workflowId);
    expect(sends.map((o) => o.kind)).toEqual(['reply']);
    expect(sentTo(s, c.waId).map((m) => m.text)).toEqual(['Hello! 20 units are 1,200 SAR.']);
    expect(await timeline(s, c.conversationId, 'escalation')).toEqual([]);
  });

  it('a pause that lands while a turn is sending its acknowledgement stops that send', async () => {
    // The acknowledgement's first attempt is refused (a rate limit): the turn waits for the retry.
    s.simulator.failNext(130429, { times: 1 });
    const c = await startConversation(s, 'Do you deliver to Jeddah?', test);
    await eventually(async () => ((await outboxOf(c.workflowId)).some((o) => o.kind === 'ack') ? true : undefined), 10_000, 50);
    const paused = await c.handle.executeUpdate(pauseUpdate, { args: [{ by: agentId }] });
    expect(paused.paused).toBe(true);
    await sleep(3000);
    expect(sentTo(s, c.waId)).toEqual([]);
    const [ack] = (await outboxOf(c.workflowId)).filter((o) => o.kind === 'ack');
    expect(ack!.status).not.toBe('sent');
  });

  it('a take-over that lands while a turn is sending stops it; the owner then gets no automation', async () => {
    s.simulator.failNext(130429, { times: 1 });
    const c = await startConversation(s, 'Is the 5L bottle in stock?', test);
    await eventually(async () => ((await outboxOf(c.workflowId)).some((o) => o.kind === 'ack') ? true : undefined), 10_000, 50);
    const taken = await c.handle.executeUpdate(takeOverUpdate, { args: [{ agentId, by: agentId }] });
    expect(taken).toMatchObject({ takenOverBy: agentId, assignee: agentId });
    await c.send('hello? anyone?');
    await c.until((x) => (x.lastDecision?.reasons ?? []).some((r) => /taken over/.test(r)), 10_000);
    await sleep(1500);
    expect(sentTo(s, c.waId)).toEqual([]);
  });

  it('a redelivery after the run completed changes nothing: no reopen, no acknowledgement', async () => {
    const from = newBuyer();
    const m = textMessageBody({ from, text: 'What are your opening hours?' });
    expect((await postWebhook(s.baseUrl, m.body, s.appSecret)).status).toBe(200);
    const workflowId = `wa:${TEST_PHONE_NUMBER_ID}:${from}`;
    const h = s.client.workflow.getHandle(workflowId);
    await eventually(async () => ((await outboxOf(workflowId)).some((o) => o.kind === 'ack' && o.status === 'sent') ? true : undefined), 10_000, 100);
    const acksBefore = sentTo(s, from).length;
    await h.executeUpdate(closeUpdate, { args: [{ by: agentId }] });
    await h.terminate('the run is gone (as after its quiet hour)');
    // Meta redelivers the same body: a fresh run starts, the CRM says the message is not new.
    expect((await postWebhook(s.baseUrl, m.body, s.appSecret)).status).toBe(200);
    const fresh = s.client.workflow.getHandle(workflowId);
    await eventually(async () => ((await fresh.query('snapshot')) as any).conversationId ? true : undefined, 10_000, 100);
    await sleep(2000);
    const snap: any = await fresh.query('snapshot');
    expect(snap.status).toBe('resolved');
    expect(snap.messagesSeen).toBe(0);
    expect(sentTo(s, from).length).toBe(acksBefore);
    const rows = await s.db.db.select().from(messages).where(eq(messages.waMessageId, m.id));
    expect(rows).toHaveLength(1);
    const [conv] = await s.db.db.select({ status: conversations.status }).from(conversations).where(eq(conversations.workflowId, workflowId));
    expect(conv!.status).toBe('resolved');
    // Nothing was refused on the way.
    expect((await s.api('/api/v1/dead-letters')).json.data).toEqual([]);
  });

  it('a message signalled while a resolved run completes is never lost', async () => {
    const c = await startConversation(s, 'thanks, that is all', { ...(test ?? {}), resolvedQuietMs: 1500 });
    await c.handle.executeUpdate(closeUpdate, { args: [{ by: agentId }] });
    // Right around the end of the quiet period, the buyer writes again.
    await sleep(1400);
    const again = await c.send('one more question: do you have it in blue?');
    const stored = await eventually(async () => {
      const rows = await s.db.db.select().from(messages).where(eq(messages.waMessageId, again.waMessageId));
      return rows[0];
    }, 15_000, 100);
    expect(stored.conversationId).toBe(c.conversationId);
    const snap = await c.until((x) => x.status === 'open' && x.messagesSeen >= 1, 15_000);
    expect(snap.status).toBe('open');
  });
});

describe('statuses', () => {
  it('a status for a completed conversation is recorded on its message and starts no run', async () => {
    const c = await startConversation(s, 'ping');
    const reply = await c.handle.executeUpdate(sendReplyUpdate, { args: [{ text: 'pong', by: agentId }] });
    await c.handle.executeUpdate(closeUpdate, { args: [{ by: agentId }] });
    await c.handle.terminate('completed');
    const before = await c.handle.describe();
    const r = await postWebhook(s.baseUrl, statusWebhookBody(reply.waMessageId, 'read', { recipient: c.waId }), s.appSecret);
    expect(r.status).toBe(200);
    const row = await eventually(async () => {
      const [m] = await s.db.db.select().from(messages).where(eq(messages.waMessageId, reply.waMessageId));
      return m?.status === 'read' ? m : undefined;
    });
    expect(row.status).toBe('read');
    const after = await s.client.workflow.getHandle(c.workflowId).describe();
    expect(after.runId).toBe(before.runId);
    expect(after.status.name).not.toBe('RUNNING');
  });

  it('a status that arrives before its outbound message is recorded is applied when the message is', async () => {
    const c = await startConversation(s, 'early bird');
    const wamid = `wamid.EARLY${Date.now()}`;
    expect((await postWebhook(s.baseUrl, statusWebhookBody(wamid, 'delivered', { recipient: c.waId }), s.appSecret)).status).toBe(200);
    // The send's record step comes after (Meta was faster than our write).
    await s.db.db.insert(outbox).values({ key: `test:${wamid}`, conversationId: c.conversationId, workflowId: c.workflowId, kind: 'reply', status: 'sending', request: { type: 'text', text: 'late record' }, sentBy: agentId });
    await markSent(s.db.db, `test:${wamid}`, { waMessageId: wamid, at: new Date().toISOString(), raw: {} });
    const [m] = await s.db.db.select().from(messages).where(eq(messages.waMessageId, wamid));
    expect(m!.status).toBe('delivered');
    const statuses = await timeline(s, c.conversationId, 'status');
    expect(statuses.map((x) => x.waMessageId)).toContain(wamid);
  });
});

describe('the outbox', () => {
  it('a send whose record step fails is not sent twice', async () => {
    const c = await startConversation(s, 'record me');
    // The record of the next outbound message fails once (after the Graph API took it).
    await s.db.db.execute(sql.raw(`create sequence if not exists fail_once_seq;
      create or replace function fail_outbound_once() returns trigger as $$
      begin
        -- A sequence is not rolled back with the failed transaction: this fails exactly once.
        if new.direction = 'out' and nextval('fail_once_seq') = 1 then
          raise exception 'the record step failed (test)';
        end if;
        return new;
      end $$ language plpgsql;
      drop trigger if exists fail_outbound_once on messages;
      create trigger fail_outbound_once before insert on messages for each row execute function fail_outbound_once();`));
    try {
      const sent = await c.handle.executeUpdate(sendReplyUpdate, { args: [{ text: 'exactly once', by: agentId }] });
      expect(sentTo(s, c.waId).filter((m) => m.text === 'exactly once')).toHaveLength(1);
      const [row] = await s.db.db.select().from(messages).where(eq(messages.waMessageId, sent.waMessageId));
      expect(row!.text).toBe('exactly once');
      const [o] = (await outboxOf(c.workflowId)).filter((x) => x.kind === 'reply');
      expect(o).toMatchObject({ status: 'sent', waMessageId: sent.waMessageId });
    } finally {
      await s.db.db.execute(sql.raw('drop trigger if exists fail_outbound_once on messages'));
    }
  });

  it('a Graph call that times out after the request left is marked unknown, shown to the agent, and not retried', async () => {
    const c = await startConversation(s, 'timeout please');
    s.simulator.failNext(0, { mode: 'hang', to: c.waId });
    const err = await c.handle.executeUpdate(sendReplyUpdate, { args: [{ text: 'did it arrive?', by: agentId }] }).catch((e) => e);
    expect(err?.cause?.type).toBe('SendOutcomeUnknown');
    await sleep(2000);
    // It did reach the buyer once; the engine never sent it again.
    expect(sentTo(s, c.waId).filter((m) => m.text === 'did it arrive?')).toHaveLength(1);
    const [o] = (await outboxOf(c.workflowId)).filter((x) => x.kind === 'reply');
    expect(o!.status).toBe('unknown');
    const shown = await timeline(s, c.conversationId, 'send_unknown');
    expect(shown).toHaveLength(1);
    expect(shown[0].text).toBe('did it arrive?');
  });
});
