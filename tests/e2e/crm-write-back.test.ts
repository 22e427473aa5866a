// Step 6, the CRM written back as conversations happen: last-contact times on the contact, its
// company and its deals (both ways), and deal stages moved by what the buyer says: an order intent
// on an open deal proposes the next stage, with its reason, for a person to confirm or reject (or,
// when the rules say so, applies it), and every applied change can be reverted.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbound, post } from '../helpers/api.js';
import { freePort } from '../helpers/ports.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually } from '../helpers/webhooks.js';

let s: Stack;
const received: { type: string; data: any }[] = [];
let receiver: http.Server;
let receiverUrl = '';
beforeAll(async () => {
  s = await startStack({ webhookRetry: { initialSec: 1, maxSec: 2, forSec: 600 } });
  const port = await freePort();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      received.push({ type: body.type, data: body.data });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${port}/hooks`;
});
afterAll(async () => {
  await s?.stop();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
});

const patch = (path: string, body: unknown) => s.api(path, { method: 'PATCH', body: JSON.stringify(body) });
const detail = async (id: string) => (await s.api(`/api/v1/conversations/${id}`)).json;
const changesOf = async (dealId: string) => (await s.api(`/api/v1/deals/${dealId}/stage-changes`)).json.data as any[];

describe('CRM write-back', { timeout: 120_000 }, () => {
  it('last contact on contact, company and deal follows every message both ways, only forward', async () => {
    const buyer = '966544600001';
    const first = await inbound(s, buyer, 'Hello, do you sell standing desks?');
    const contactId = first.contactId as string;
    const c0 = (await s.api(`/api/v1/contacts/${contactId}`)).json;
    expect(c0.lastInboundAt).toBe(first.at);
    expect(c0.lastContactAt).toBe(first.at);
    expect(c0.lastOutboundAt).toBeNull();

    const company = await post(s, '/api/v1/companies', { name: 'Desk Buyers LLC' });
    expect(company.status).toBe(201);
    expect(company.json.lastContactAt).toBeNull();
    expect((await patch(`/api/v1/contacts/${contactId}`, { companyId: company.json.id })).status).toBe(200);
    const deal = await post(s, '/api/v1/deals', { title: 'Standing desks', contactId, stage: 'qualified' });
    expect(deal.status).toBe(201);

    await new Promise((r) => setTimeout(r, 1100));
    const second = await inbound(s, buyer, 'We need 20 of them for a new office');
    for (const path of [`/api/v1/contacts/${contactId}`, `/api/v1/companies/${company.json.id}`, `/api/v1/deals/${deal.json.id}`]) {
      const r = (await s.api(path)).json;
      expect(r.lastInboundAt, path).toBe(second.at);
      expect(r.lastContactAt, path).toBe(second.at);
    }

    // Our reply: the outbound time on all three.
    const replied = await post(s, `/api/v1/conversations/${first.conversationId}/reply`, { text: 'Yes: 20 desks are 24,000 SAR.' });
    expect(replied.status).toBe(201);
    const after = await eventually(async () => {
      const d = (await s.api(`/api/v1/deals/${deal.json.id}`)).json;
      return d.lastOutboundAt ? d : undefined;
    }, 15_000, 100);
    expect(Date.parse(after.lastOutboundAt)).toBeGreaterThanOrEqual(Date.parse(second.at));
    expect(after.lastContactAt).toBe(after.lastOutboundAt);
    expect(after.lastInboundAt).toBe(second.at);
    const co = (await s.api(`/api/v1/companies/${company.json.id}`)).json;
    expect(co.lastOutboundAt).toBe(after.lastOutboundAt);

    // A message stamped earlier than what is known (a late delivery) moves nothing back.
    const { textMessageBody, postWebhook } = await import('../helpers/webhooks.js');
    const late = textMessageBody({ from: buyer, text: 'sent from the plane yesterday', timestamp: Math.floor(Date.parse(first.at) / 1000) - 3600 });
    expect((await postWebhook(s.baseUrl, late.body, s.appSecret)).status).toBe(200);
    await eventually(async () => ((await s.api(`/api/v1/messages/${late.id}`)).status === 200 ? true : undefined));
    const c1 = (await s.api(`/api/v1/contacts/${contactId}`)).json;
    expect(c1.lastInboundAt).toBe(second.at);
  });

  it('an order intent on an open deal proposes the next stage with its reason; a person confirms, reverts, rejects', async () => {
    const hook = await post(s, '/api/v1/webhooks', { url: receiverUrl, events: ['deal.stage_proposed'] });
    expect(hook.status).toBe(201);
    const buyer = '966544600002';
    const first = await inbound(s, buyer, 'Hi, I am interested in your mesh chairs');
    const conv = first.conversationId as string;
    const deal = await post(s, '/api/v1/deals', { title: 'Mesh chairs x40', contactId: first.contactId, stage: 'qualified', value: 12000, currency: 'SAR' });
    expect(deal.status).toBe(201);
    const dealId = deal.json.id as string;

    await inbound(s, buyer, 'OK I want to place the order for 40 chairs');
    const [proposed] = await eventually(async () => {
      const c = await changesOf(dealId);
      return c.length > 0 ? c : undefined;
    }, 20_000, 100);
    expect(proposed).toMatchObject({ dealId, conversationId: conv, from: 'qualified', to: 'proposal', status: 'proposed', proposedBy: 'automation' });
    expect(proposed.reason).toMatch(/order intent on open deal "Mesh chairs x40": stage "qualified" -> "proposal" proposed \(a person confirms\)/);
    expect(proposed.signal.intent).toBe('order');
    // Proposed is not applied: the deal waits for a person.
    expect((await s.api(`/api/v1/deals/${dealId}`)).json.stage).toBe('qualified');
    // The decision says so, the timeline shows it, the webhook carries it.
    const d = await detail(conv);
    const decision = d.timeline.filter((e: any) => e.kind === 'decision').find((e: any) => e.intent === 'order');
    expect(decision.reasons.join('; ')).toContain(proposed.reason);
    expect(d.timeline.find((e: any) => e.kind === 'deal_stage_proposed')).toMatchObject({ changeId: proposed.id, from: 'qualified', to: 'proposal', status: 'proposed' });
    const event = await eventually(async () => received.find((r) => r.type === 'deal.stage_proposed' && r.data.changeId === proposed.id), 20_000, 100);
    expect(event.data).toMatchObject({ dealId, conversationId: conv, from: 'qualified', to: 'proposal' });
    // Listed with what waits for a person.
    const waiting = (await s.api('/api/v1/deal-stage-changes?status=proposed')).json.data as any[];
    expect(waiting.map((c) => c.id)).toContain(proposed.id);

    // Another order message while it waits proposes nothing more, and says why.
    await new Promise((r) => setTimeout(r, 1100));
    await inbound(s, buyer, 'Also please confirm the order includes delivery');
    await eventually(async () => {
      const t = (await detail(conv)).timeline.filter((e: any) => e.kind === 'decision' && e.intent === 'order');
      return t.length >= 2 ? t : undefined;
    }, 20_000, 100).then((t: any[]) => expect(t.map((e) => e.reasons.join('; ')).join('\n')).toMatch(/already waits for a person/));
    expect(await changesOf(dealId)).toHaveLength(1);

    // Confirm: the deal moves; again: nothing changes.
    const confirmed = await post(s, `/api/v1/deal-stage-changes/${proposed.id}/confirm`, {});
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toMatchObject({ status: 'applied', decidedBy: expect.stringMatching(/^admin/) });
    expect((await s.api(`/api/v1/deals/${dealId}`)).json.stage).toBe('proposal');
    const again = await post(s, `/api/v1/deal-stage-changes/${proposed.id}/confirm`, {});
    expect(again.status).toBe(200);
    expect(again.json.decidedAt).toBe(confirmed.json.decidedAt);
    expect((await post(s, `/api/v1/deal-stage-changes/${proposed.id}/reject`, {})).status).toBe(409);

    // Revert: back to where it was, recorded on the timeline.
    const reverted = await post(s, `/api/v1/deal-stage-changes/${proposed.id}/revert`, {});
    expect(reverted.status).toBe(200);
    expect(reverted.json.status).toBe('reverted');
    expect((await s.api(`/api/v1/deals/${dealId}`)).json.stage).toBe('qualified');
    const steps = (await detail(conv)).timeline.filter((e: any) => e.kind === 'deal_stage').map((e: any) => [e.action, e.before.stage, e.after.stage]);
    expect(steps).toEqual(expect.arrayContaining([['confirmed', 'qualified', 'proposal'], ['reverted', 'proposal', 'qualified']]));

    // The next order proposes again; a rejection leaves the deal where it is.
    await new Promise((r) => setTimeout(r, 1100));
    await inbound(s, buyer, 'Please go ahead with the order, we confirm');
    const next = await eventually(async () => (await changesOf(dealId)).find((c) => c.status === 'proposed'), 20_000, 100);
    const rejected = await post(s, `/api/v1/deal-stage-changes/${next.id}/reject`, {});
    expect(rejected.status).toBe(200);
    expect(rejected.json.status).toBe('rejected');
    expect((await s.api(`/api/v1/deals/${dealId}`)).json.stage).toBe('qualified');
    expect((await post(s, `/api/v1/deal-stage-changes/${next.id}/revert`, {})).status).toBe(409);
    expect((await post(s, '/api/v1/deal-stage-changes/00000000-0000-4000-8000-000000000000/confirm', {})).status).toBe(404);
  });

  it('with confirm: false in the rules, the stage applies at once, and a deal moved by hand is not reverted over it', async () => {
    const current = (await s.api('/api/v1/rules')).json;
    const { version: _v, ...doc } = current;
    const put = await s.api('/api/v1/rules', { method: 'PUT', body: JSON.stringify({ ...doc, deals: { ...doc.deals, confirm: false } }) });
    expect(put.status).toBe(200);
    expect((await s.api('/api/v1/rules', { method: 'PUT', body: JSON.stringify({ ...doc, deals: { signals: { order: 'won' } } }) })).status).toBe(422);

    const buyer = '966544600003';
    const first = await inbound(s, buyer, 'Good morning');
    const deal = await post(s, '/api/v1/deals', { title: 'Meeting tables', contactId: first.contactId, stage: 'negotiation' });
    await inbound(s, buyer, 'I would like to order the two meeting tables');
    const [applied] = await eventually(async () => {
      const c = await changesOf(deal.json.id);
      return c.length > 0 ? c : undefined;
    }, 20_000, 100);
    expect(applied).toMatchObject({ from: 'negotiation', to: 'closing', status: 'applied', decidedBy: 'automation' });
    expect(applied.reason).toMatch(/applied/);
    expect((await s.api(`/api/v1/deals/${deal.json.id}`)).json.stage).toBe('closing');

    // A person moved it on by hand since: reverting would undo their move, so it is refused.
    expect((await patch(`/api/v1/deals/${deal.json.id}`, { stage: 'contract sent' })).status).toBe(200);
    const refused = await post(s, `/api/v1/deal-stage-changes/${applied.id}/revert`, {});
    expect(refused.status).toBe(409);
    expect(refused.json.error?.message ?? refused.json.message).toMatch(/contract sent/);
  });
});
