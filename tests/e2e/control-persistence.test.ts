// What a person set stays set when the run is gone (terminated, or ended and started again): the
// owner after a take-over, a timed pause, a snooze. Also the inbox views an agent works from (list
// filters, stable paging), the templates WhatsApp lists, read receipts on opening, and the run's
// summary line in Temporal UI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { agentWithToken as agentVia, inbound as inboundVia, post as postVia } from '../helpers/api.js';
import { eventually, postWebhook, textMessageBody } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({});
});
afterAll(async () => {
  await s?.stop();
});

const inbound = (from: string, text: string) => inboundVia(s, from, text);
const post = (path: string, body: unknown, token?: string) => postVia(s, path, body, token);
const detail = async (id: string) => (await s.api(`/api/v1/conversations/${id}`)).json;
const ids = async (query: string) => {
  const r = await s.api(`/api/v1/conversations?${query}`);
  expect(r.status).toBe(200);
  return (r.json.data as Array<{ id: string }>).map((c) => c.id);
};
/** Routed to sales (an agent token of sales may then see and take it). */
const routedToSales = (id: string) => eventually(async () => ((await detail(id)).team === 'sales' ? true : undefined));
const terminate = async (id: string) => {
  const workflowId = (await detail(id)).workflowId as string;
  await s.client.workflow.getHandle(workflowId).terminate('simulated loss of the run');
  return workflowId;
};

describe('what a person set survives the run', () => {
  it('the owner after a take-over: a new run (the buyer writes) still refuses other agents and sends no automation', async () => {
    const owner = await agentVia(s, 'Persist Owner');
    const other = await agentVia(s, 'Persist Other');
    const msg = await inbound('966544300001', 'Do you have 40 chairs in stock?');
    const id = msg.conversationId;
    await routedToSales(id);
    expect((await post(`/api/v1/conversations/${id}/take-over`, {}, owner.token)).status).toBe(200);
    await eventually(async () => ((await ids('takenOver=true')).includes(id) ? true : undefined));
    expect((await s.api(`/api/v1/conversations?waId=966544300001`)).json.data[0]).toMatchObject({ takenOverBy: owner.id });
    await terminate(id);
    const sentBefore = s.simulator.sent({ to: '966544300001' }).length;

    // The buyer writes: signalWithStart begins a new run, which learns the owner from Postgres.
    await inbound('966544300001', 'Hello? And can you deliver them Sunday?');
    const d = await eventually(async () => {
      const x = await detail(id);
      return x.live && x.timeline.filter((e: any) => e.kind === 'decision').length >= 2 ? x : undefined;
    });
    expect(d.takenOverBy).toBe(owner.id);
    const refused = await post(`/api/v1/conversations/${id}/reply`, { text: 'I can help!' }, other.token);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain(owner.id);
    // Owned: no acknowledgement went out for the new message.
    expect(s.simulator.sent({ to: '966544300001' })).toHaveLength(sentBefore);
    expect((await post(`/api/v1/conversations/${id}/reply`, { text: 'Yes, Sunday works.' }, owner.token)).status).toBe(201);
  });

  it('the owner after a take-over: an action on the ended run starts it again owned', async () => {
    const owner = await agentVia(s, 'Persist Owner 2');
    const other = await agentVia(s, 'Persist Other 2');
    const msg = await inbound('966544300002', 'Price for the oak table?');
    const id = msg.conversationId;
    await routedToSales(id);
    expect((await post(`/api/v1/conversations/${id}/take-over`, {}, owner.token)).status).toBe(200);
    await eventually(async () => ((await ids('takenOver=true')).includes(id) ? true : undefined));
    await terminate(id);
    const refused = await post(`/api/v1/conversations/${id}/reply`, { text: 'Me!' }, other.token);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain(owner.id);
    expect((await detail(id))).toMatchObject({ live: true, takenOverBy: owner.id });
  });

  it('a timed pause: started again from the stored state, it still resumes by itself at its time', async () => {
    const msg = await inbound('966544300003', 'Is the blue sofa back in stock?');
    const id = msg.conversationId;
    const until = new Date(Date.now() + 6_000).toISOString();
    expect((await post(`/api/v1/conversations/${id}/pause`, { until, reason: 'stock check' })).status).toBe(200);
    await eventually(async () => ((await s.api(`/api/v1/conversations?waId=966544300003`)).json.data[0].pausedUntil === until ? true : undefined));
    await terminate(id);
    // Any action starts it again; the pause and its time come back from Postgres.
    const r = await post(`/api/v1/conversations/${id}/reassign`, { team: 'support' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ paused: true, pausedUntil: until });
    const resumed = await eventually(
      async () => {
        const x = await detail(id);
        // The state turns first, its timeline entry is written right after.
        return x.paused === false && x.timeline.some((e: any) => e.kind === 'action' && e.action === 'resume') ? x : undefined;
      },
      30_000,
    );
    const entry = resumed.timeline.find((e: any) => e.kind === 'action' && e.action === 'resume');
    expect(entry).toMatchObject({ by: 'automation', before: { paused: true }, after: { paused: false } });
  });

  it('a snooze: started again from the stored state it is still snoozed; the buyer writing ends it, recorded', async () => {
    const msg = await inbound('966544300004', 'Can I pay on delivery?');
    const id = msg.conversationId;
    const until = new Date(Date.now() + 2 * 86400_000).toISOString();
    expect((await post(`/api/v1/conversations/${id}/snooze`, { until })).status).toBe(200);
    await eventually(async () => ((await ids('snoozed=true')).includes(id) ? true : undefined));
    expect(await ids('snoozed=false&waId=966544300004')).toEqual([]);
    await terminate(id);
    const again = await post(`/api/v1/conversations/${id}/snooze`, { until });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: 'snoozed', snooze: { until } });

    await inbound('966544300004', 'Hello, any news?');
    const woken = await eventually(async () => {
      const x = await detail(id);
      return x.status === 'open' && x.timeline.some((e: any) => e.action === 'snooze_ended') ? x : undefined;
    });
    const entry = woken.timeline.find((e: any) => e.action === 'snooze_ended');
    expect(entry).toMatchObject({ by: 'buyer', before: { status: 'snoozed' }, after: { status: 'open' } });
    expect(entry.reason).toMatch(/the buyer wrote/);
    expect((await s.api(`/api/v1/conversations?waId=966544300004`)).json.data[0]).toMatchObject({ status: 'open', snoozedUntil: null });
  });
});

describe('inbox views', () => {
  it('filters: waiting since, next follow-up before, deal stage, taken over; bad times are 422', async () => {
    const contact = await s.api('/api/v1/contacts', { method: 'POST', body: JSON.stringify({ name: 'Stage Buyer', phone: '+966544300010' }) });
    const deal = await s.api('/api/v1/deals', { method: 'POST', body: JSON.stringify({ title: 'Office fit-out', contactId: contact.json.id, stage: 'negotiation-x1' }) });
    expect(deal.status).toBe(201);
    const waiting = (await inbound('966544300010', 'We want the office fit-out quote please')).conversationId;
    const answered = (await inbound('966544300011', 'How much is shipping to Jeddah?')).conversationId;
    expect((await post(`/api/v1/conversations/${answered}/reply`, { text: 'Shipping to Jeddah is 30 SAR.' })).status).toBe(201);

    const later = new Date(Date.now() + 60_000).toISOString();
    await eventually(async () => ((await ids(`waitingSinceBefore=${later}`)).includes(waiting) ? true : undefined));
    expect(await ids(`waitingSinceBefore=${later}`)).not.toContain(answered);
    // Nobody has waited since before an hour ago.
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    expect(await ids(`waitingSinceBefore=${hourAgo}&waId=966544300010`)).toEqual([]);

    const inAYear = new Date(Date.now() + 365 * 86400_000).toISOString();
    await eventually(async () => ((await ids(`nextFollowUpBefore=${inAYear}`)).includes(answered) ? true : undefined));
    expect(await ids(`nextFollowUpBefore=${inAYear}`)).not.toContain(waiting);
    expect(await ids(`nextFollowUpBefore=${new Date(Date.now() + 60_000).toISOString()}&waId=966544300011`)).toEqual([]);

    await eventually(async () => ((await ids('dealStage=negotiation-x1')).includes(waiting) ? true : undefined));
    expect(await ids('dealStage=negotiation-x1')).toEqual([waiting]);
    expect(await ids('dealStage=no-such-stage')).toEqual([]);

    const bad = await s.api('/api/v1/conversations?waitingSinceBefore=yesterday');
    expect(bad.status).toBe(422);
    expect(bad.json.error.message).toMatch(/waitingSinceBefore/);
  });

  it('paging is stable while new conversations arrive: no item twice, none skipped', async () => {
    const team = 'support';
    const first: string[] = [];
    for (let i = 0; i < 5; i++) first.push((await inbound(`96654430002${i}`, `My order #${i} arrived broken`)).conversationId);
    await eventually(async () => ((await ids(`team=${team}&limit=100`)).filter((x) => first.includes(x)).length === 5 ? true : undefined));
    const seen: string[] = [];
    let page = await s.api(`/api/v1/conversations?team=${team}&limit=2`);
    seen.push(...page.json.data.map((c: any) => c.id));
    // Arrivals between pages go to the top; the pages that follow neither repeat nor skip.
    for (let i = 0; i < 3; i++) await inbound(`96654430003${i}`, `Order #9${i} is damaged, I want a refund`);
    while (page.json.nextCursor) {
      page = await s.api(`/api/v1/conversations?team=${team}&limit=2&cursor=${encodeURIComponent(page.json.nextCursor)}`);
      seen.push(...page.json.data.map((c: any) => c.id));
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of first) expect(seen).toContain(id);
  });
});

describe('WhatsApp for the agent', () => {
  it('lists the approved templates from the Graph API; status and language filters', async () => {
    const r = await s.api('/api/v1/templates');
    expect(r.status).toBe(200);
    const names = r.json.data.map((t: any) => `${t.name}/${t.language}`);
    expect(names).toEqual(expect.arrayContaining(['hello_world/en_US', 'order_update/en', 'order_update/ar', 'check_in/ar']));
    expect(r.json.data.every((t: any) => t.status === 'APPROVED')).toBe(true);
    expect(names).not.toContain('summer_sale/en');
    const ar = await s.api('/api/v1/templates?language=ar');
    expect(ar.json.data.map((t: any) => t.name).sort()).toEqual(['check_in', 'order_update']);
    expect(ar.json.data[0].components[0]).toMatchObject({ type: 'BODY' });
    const all = await s.api('/api/v1/templates?status=all');
    expect(all.json.data.map((t: any) => t.status)).toEqual(expect.arrayContaining(['PENDING', 'REJECTED']));
    const bad = await s.api('/api/v1/templates?status=approved-ish');
    expect(bad.status).toBe(422);
    const agent = await agentVia(s, 'Template Reader');
    expect((await s.api('/api/v1/templates', { headers: { authorization: `Bearer ${agent.token}` } })).status).toBe(200);
    expect((await s.api('/api/v1/templates', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('read receipts when an agent opens the conversation, when the rules say so (once)', async () => {
    const agent = await agentVia(s, 'Opener');
    const msg = await inbound('966544300040', 'How much is the two-year warranty?');
    const id = msg.conversationId;
    await routedToSales(id);
    expect((await post(`/api/v1/conversations/${id}/take-over`, {}, agent.token)).status).toBe(200);
    const asAgent = { headers: { authorization: `Bearer ${agent.token}` } };
    // Off by default: opening marks nothing.
    expect((await s.api(`/api/v1/conversations/${id}`, asAgent)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(s.simulator.reads().map((x) => x.messageId)).not.toContain(msg.waMessageId);

    const rules = (await s.api('/api/v1/rules')).json;
    const put = await s.api('/api/v1/rules', { method: 'PUT', body: JSON.stringify({ ...rules, automation: { ...rules.automation, markReadOnOpen: true } }) });
    expect(put.status).toBe(200);
    try {
      const bad = await s.api('/api/v1/rules', { method: 'PUT', body: JSON.stringify({ ...rules, automation: { ...rules.automation, markReadOnOpen: 'yes' } }) });
      expect(bad.status).toBe(422);
      expect((await s.api(`/api/v1/conversations/${id}`, asAgent)).status).toBe(200);
      await eventually(async () => (s.simulator.reads().some((x) => x.messageId === msg.waMessageId) ? true : undefined));
      const count = () => s.simulator.reads().filter((x) => x.messageId === msg.waMessageId).length;
      expect((await s.api(`/api/v1/conversations/${id}`, asAgent)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 500));
      expect(count()).toBe(1);
      expect((await s.api(`/api/v1/messages/${msg.waMessageId}`)).json.status).toBe('read');
    } finally {
      await s.api('/api/v1/rules', { method: 'PUT', body: JSON.stringify({ ...rules, automation: { ...rules.automation, markReadOnOpen: false } }) });
    }
  });

  it('each run carries a summary line for Temporal UI: the buyer\'s name and number', async () => {
    const m = textMessageBody({ from: '966544300050', text: 'Hello there', name: 'Noura Al-Harbi' });
    expect((await postWebhook(s.baseUrl, m.body, s.appSecret)).status).toBe(200);
    const stored = await eventually(async () => {
      const r = await s.api(`/api/v1/messages/${m.id}`);
      return r.status === 200 ? r.json : undefined;
    });
    const workflowId = (await detail(stored.conversationId)).workflowId as string;
    const d = await s.client.workflow.getHandle(workflowId).describe();
    expect(await d.staticSummary()).toBe('Noura Al-Harbi · +966544300050');
  });
});
