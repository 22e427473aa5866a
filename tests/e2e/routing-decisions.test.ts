// Step 4 end to end: a burst is decided once, the decision and its reasons are visible in the API's
// timeline and in the workflow's current details (Temporal UI), and new rules apply from the next
// decision of a running conversation on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, postWebhook, textMessageBody } from '../helpers/webhooks.js';

let s: Stack;
let agentIds: string[] = [];
beforeAll(async () => {
  s = await startStack();
  for (const name of ['Hala', 'Yousef']) {
    const r = await s.api('/api/v1/agents', { method: 'POST', body: JSON.stringify({ name, team: 'sales', languages: ['ar', 'en'], capacity: 5 }) });
    expect(r.status).toBe(201);
    agentIds.push((r.json.data ?? r.json).id);
  }
});
afterAll(async () => {
  await s?.stop();
});

async function decisions(conversationId: string) {
  const r = await s.api(`/api/v1/conversations/${conversationId}`);
  return { detail: r.json, decisions: r.json.timeline.filter((e: any) => e.kind === 'decision') };
}

describe('routing decisions', () => {
  it('a burst of three messages is one decision, with reasons in the timeline and in Temporal UI', async () => {
    const from = '966577000001';
    const burst = ['hi', 'how much is the 5L bottle?', 'for 20 units'].map((text) => textMessageBody({ from, text }));
    for (const m of burst) expect((await postWebhook(s.baseUrl, m.body, s.appSecret)).status).toBe(200);
    const first = await eventually(async () => {
      const r = await s.api(`/api/v1/messages/${burst[0]!.id}`);
      return r.status === 200 ? r.json : undefined;
    });
    const { detail, decisions: ds } = await eventually(async () => {
      const d = await decisions(first.conversationId);
      return d.decisions.length > 0 ? d : undefined;
    }, 15_000, 200);
    // Quiet gap: the three messages were decided together.
    await new Promise((r) => setTimeout(r, 3000));
    const again = await decisions(first.conversationId);
    expect(again.decisions).toHaveLength(1);
    const d = ds[0];
    expect(['pricing', 'order']).toContain(d.intent); // the burst's most substantive intent
    expect(d.needsReply).toBe(true);
    expect(d.team).toBe('sales');
    expect(agentIds).toContain(d.assignee);
    expect(d.reasons.length).toBeGreaterThan(1);
    expect(d.reasons.join('\n')).toMatch(/sales/);
    expect(d.messages).toHaveLength(3);
    expect(detail.assignee ?? again.detail.assignee).toBe(d.assignee);

    // The same reasons, readable in Temporal UI (the workflow's current details).
    const meta: any = await s.client.workflow.getHandle(detail.workflowId).query('__temporal_workflow_metadata');
    expect(meta.currentDetails).toMatch(/last decision/);
    expect(meta.currentDetails).toContain(d.reasons[0]);
  });

  it('a conversation already running uses a new rules version from its next decision on', async () => {
    const from = '966577000002';
    const m1 = textMessageBody({ from, text: 'do you deliver to Dammam?' });
    expect((await postWebhook(s.baseUrl, m1.body, s.appSecret)).status).toBe(200);
    const first = await eventually(async () => {
      const r = await s.api(`/api/v1/messages/${m1.id}`);
      return r.status === 200 ? r.json : undefined;
    });
    const before = await eventually(async () => {
      const d = await decisions(first.conversationId);
      return d.decisions.length === 1 ? d.decisions[0] : undefined;
    }, 15_000, 200);

    const current = await s.api('/api/v1/rules');
    const doc = current.json.data ?? current.json;
    const bad = await s.api('/api/v1/rules', { method: 'PUT', body: JSON.stringify({ ...doc, burstQuietGapSec: -1 }) });
    expect(bad.status).toBe(422);
    const put = await s.api('/api/v1/rules', { method: 'PUT', body: JSON.stringify({ ...doc, burstQuietGapSec: 1 }) });
    expect(put.status).toBe(200);
    const version = (put.json.data ?? put.json).version;
    expect(version).toBeGreaterThan(before.rulesVersion);

    const m2 = textMessageBody({ from, text: 'and what does shipping cost?' });
    expect((await postWebhook(s.baseUrl, m2.body, s.appSecret)).status).toBe(200);
    const after = await eventually(async () => {
      const d = await decisions(first.conversationId);
      return d.decisions.length === 2 ? d.decisions[1] : undefined;
    }, 15_000, 200);
    expect(after.rulesVersion).toBe(version);
  });

  it('an opt-out stops automation for the contact and needs no reply', async () => {
    const from = '966577000003';
    const m = textMessageBody({ from, text: 'STOP' });
    expect((await postWebhook(s.baseUrl, m.body, s.appSecret)).status).toBe(200);
    const msg = await eventually(async () => {
      const r = await s.api(`/api/v1/messages/${m.id}`);
      return r.status === 200 ? r.json : undefined;
    });
    const d = await eventually(async () => (await decisions(msg.conversationId)).decisions[0], 15_000, 200);
    expect(d).toMatchObject({ intent: 'opt_out', optOut: true, needsReply: false, acknowledge: null });
    const contact = await s.api(`/api/v1/contacts/${msg.contactId}`);
    expect((contact.json.data ?? contact.json).optedOut).toBe(true);
    expect(s.simulator.sent({ to: from })).toHaveLength(0);
  });
});
