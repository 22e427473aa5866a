// Human control on the full stack (real HTTP, Temporal dev server, Postgres, the Graph simulator):
// a timed pause resumes by itself; while a person owns a conversation only they (or an admin) may
// reply; close takes an outcome, and won/lost settle the linked open deal with a recorded reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConversation } from '../helpers/conversations.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { agentWithToken as agentVia, inbound as inboundVia, post as postVia } from '../helpers/api.js';
import { eventually } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({});
});
afterAll(async () => {
  await s?.stop();
});

const inbound = (from: string, text: string) => inboundVia(s, from, text);
const post = (path: string, body: unknown, token?: string) => postVia(s, path, body, token);

const agentWithToken = (name: string) => agentVia(s, name);

describe('human control', () => {
  it('pause { until }: refused in the past, resumes by itself at its time, recorded', async () => {
    const msg = await inbound('966544200001', 'How much is the blue chair?');
    const id = msg.conversationId;
    const past = await post(`/api/v1/conversations/${id}/pause`, { until: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(422);
    expect(past.json.error.message).toMatch(/until: must be in the future/);
    const until = new Date(Date.now() + 2500).toISOString();
    const paused = await post(`/api/v1/conversations/${id}/pause`, { until, reason: 'checking stock' });
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ paused: true, pausedUntil: until });
    // The live state flips first, the timeline entry is written in the same turn: wait for both.
    const resumed = await eventually(async () => {
      const d = await s.api(`/api/v1/conversations/${id}`);
      return d.json.paused === false && d.json.timeline.some((e: any) => e.kind === 'action' && e.action === 'resume') ? d.json : undefined;
    }, 15_000);
    const entry = resumed.timeline.find((e: any) => e.kind === 'action' && e.action === 'resume');
    expect(entry).toMatchObject({ by: 'automation', reason: `paused until ${until}`, before: { paused: true }, after: { paused: false } });
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(Date.parse(until));
  });

  it('owned: another agent may not reply (403 naming the owner), the owner and an admin may', async () => {
    const owner = await agentWithToken('Owner One');
    const other = await agentWithToken('Other Two');
    const msg = await inbound('966544200002', 'I want to order 5 tables');
    const id = msg.conversationId;
    // Routed to sales first (an agent token sees its team's conversations).
    await eventually(async () => ((await s.api(`/api/v1/conversations/${id}`)).json.team === 'sales' ? true : undefined));
    expect((await post(`/api/v1/conversations/${id}/take-over`, {}, owner.token)).status).toBe(200);
    const refused = await post(`/api/v1/conversations/${id}/reply`, { text: 'I can help!' }, other.token);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain(owner.id);
    expect(s.simulator.sent({ to: '966544200002' }).filter((m) => m.text === 'I can help!')).toHaveLength(0);
    expect((await post(`/api/v1/conversations/${id}/reply`, { text: 'Sure, 5 tables.' }, owner.token)).status).toBe(201);
    expect((await post(`/api/v1/conversations/${id}/reply`, { text: 'Admin here, confirming.' })).status).toBe(201);
    // Released: anyone of the team may answer again.
    expect((await post(`/api/v1/conversations/${id}/release`, {}, owner.token)).status).toBe(200);
    expect((await post(`/api/v1/conversations/${id}/reply`, { text: 'Following up.' }, other.token)).status).toBe(201);
  });

  it('close { outcome }: won settles the linked open deal (recorded with its reason); bad outcome 422; a buyer writing again clears the outcome', async () => {
    const contact = await s.api('/api/v1/contacts', { method: 'POST', body: JSON.stringify({ name: 'Deal Buyer', phone: '+966544200003' }) });
    expect(contact.status).toBe(201);
    const deal = await s.api('/api/v1/deals', { method: 'POST', body: JSON.stringify({ title: '20 chairs', contactId: contact.json.id, stage: 'quote', value: 2000, currency: 'SAR' }) });
    expect(deal.status).toBe(201);
    const msg = await inbound('966544200003', 'About the 20 chairs, we accept the quote');
    const id = msg.conversationId;
    const bad = await post(`/api/v1/conversations/${id}/close`, { outcome: 'maybe' });
    expect(bad.status).toBe(422);
    const closed = await post(`/api/v1/conversations/${id}/close`, { outcome: 'won', reason: 'PO received' });
    expect(closed.status).toBe(200);
    expect(closed.json).toMatchObject({ status: 'resolved', outcome: 'won' });
    const d = await s.api(`/api/v1/deals/${deal.json.id}`);
    expect(d.json).toMatchObject({ status: 'won', stage: 'quote' });
    const detail = await s.api(`/api/v1/conversations/${id}`);
    expect(detail.json).toMatchObject({ status: 'resolved', outcome: 'won' });
    const change = detail.json.timeline.find((e: any) => e.kind === 'deal_status');
    expect(change).toMatchObject({ dealId: deal.json.id, before: { status: 'open' }, after: { status: 'won' }, reasons: ['conversation closed as won'] });
    expect((await post(`/api/v1/conversations/${id}/close`, { outcome: 'lost' })).status).toBe(409);

    await inbound('966544200003', 'One more question about delivery');
    const reopened = await eventually(async () => {
      const r = await s.api(`/api/v1/conversations/${id}`);
      return r.json.status === 'open' ? r.json : undefined;
    });
    expect(reopened.outcome).toBeNull();
    // The deal stays won: a new question does not reopen a settled deal.
    expect((await s.api(`/api/v1/deals/${deal.json.id}`)).json.status).toBe('won');
  });

  it('a conversation whose run has ended is still reachable: started again from the stored state, judged against it', async () => {
    const agent = await agentWithToken('Late Closer');
    const c = await startConversation(s, 'Do you have the oak table?', { resolvedQuietMs: 800 });
    expect((await post(`/api/v1/conversations/${c.conversationId}/close`, { outcome: 'lost' })).status).toBe(200);
    await eventually(async () => ((await s.client.workflow.getHandle(c.workflowId).describe()).status.name === 'COMPLETED' ? true : undefined), 15_000);
    const ended = await s.client.workflow.getHandle(c.workflowId).describe();

    // Judged against the stored state: closing a resolved conversation is still 409.
    const again = await post(`/api/v1/conversations/${c.conversationId}/close`, {});
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already resolved/);
    // An agent reopens it by taking it over, and replies: the buyer gets it.
    const taken = await post(`/api/v1/conversations/${c.conversationId}/take-over`, { agentId: agent.id });
    expect(taken.status).toBe(200);
    expect(taken.json).toMatchObject({ status: 'open', takenOverBy: agent.id, conversationId: c.conversationId });
    const now = await s.client.workflow.getHandle(c.workflowId).describe();
    expect(now.runId).not.toBe(ended.runId);
    expect(now.status.name).toBe('RUNNING');
    const sent = await post(`/api/v1/conversations/${c.conversationId}/reply`, { text: 'Yes, the oak table is back in stock.' }, agent.token);
    expect(sent.status).toBe(201);
    expect(s.simulator.sent({ to: c.waId }).map((m) => m.text)).toContain('Yes, the oak table is back in stock.');
    const detail = await s.api(`/api/v1/conversations/${c.conversationId}`);
    expect(detail.json).toMatchObject({ status: 'open', outcome: null, assignee: agent.id });
    expect(detail.json.timeline.filter((e: any) => e.kind === 'action').map((e: any) => e.action)).toEqual(['close', 'take_over']);
  });

  it('a terminated run (stored as open, assigned): pause, reply and close work, and it runs again', async () => {
    const agent = await agentWithToken('After Crash');
    const msg = await inbound('966544200009', 'How much for 3 lamps?');
    const id = msg.conversationId;
    await eventually(async () => ((await s.api(`/api/v1/conversations/${id}`)).json.team === 'sales' ? true : undefined));
    expect((await post(`/api/v1/conversations/${id}/take-over`, { agentId: agent.id })).status).toBe(200);
    const workflowId = (await s.api(`/api/v1/conversations/${id}`)).json.workflowId as string;
    await s.client.workflow.getHandle(workflowId).terminate('simulated loss of the run');

    const paused = await post(`/api/v1/conversations/${id}/pause`, { reason: 'after the crash' });
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ paused: true, status: 'open', conversationId: id });
    expect((await s.client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    const listed = await s.api(`/api/v1/conversations?waId=966544200009`);
    expect(listed.json.data[0]).toMatchObject({ id, paused: true });
    expect((await post(`/api/v1/conversations/${id}/reply`, { text: '3 lamps are 240 SAR.' }, agent.token)).status).toBe(201);
    expect(s.simulator.sent({ to: '966544200009' }).map((m) => m.text)).toContain('3 lamps are 240 SAR.');
    const closed = await post(`/api/v1/conversations/${id}/close`, { outcome: 'won' });
    expect(closed.status).toBe(200);
    expect(closed.json).toMatchObject({ status: 'resolved', outcome: 'won' });
    // The close gave the assignment back (the agent's load is not checked: a free agent takes
    // other tests' queued conversations at once).
    const after = await s.api(`/api/v1/conversations/${id}`);
    expect(after.json).toMatchObject({ status: 'resolved', assignee: null, outcome: 'won' });
  });
});
