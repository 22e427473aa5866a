// The engagement profile: how fast a buyer answers, how many turns they take, how often we had to
// ask them to clarify, what they read and left; it changes with every interaction, and the next
// routing and follow-up decisions use it, saying so in their reasons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbound, post } from '../helpers/api.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack({ statusDelaysMs: { sent: 20, delivered: 40, read: 80 } });
});
afterAll(async () => s?.stop());

const engagement = async (contactId: string) => {
  const r = await s.api(`/api/v1/contacts/${contactId}`);
  expect(r.status).toBe(200);
  return r.json.engagement;
};
const detail = async (id: string) => (await s.api(`/api/v1/conversations/${id}`)).json;
const decisions = (d: any) => d.timeline.filter((e: any) => e.kind === 'decision');

describe('engagement profile', { timeout: 90_000 }, () => {
  it('changes after each interaction, and the next decisions use it', async () => {
    const buyer = '966544500001';
    const first = await inbound(s, buyer, 'Hello, I want to buy office chairs for my team');
    const conv = first.conversationId as string;
    const contactId = first.contactId as string;
    // Before we ever wrote: no answers to measure, one turn, nothing read.
    const p0 = await engagement(contactId);
    expect(p0).toMatchObject({ replyLatencySamples: 0, replyLatencyMedianSec: null, turnsPerConversation: 1 });
    expect(p0.lastInteractionAt).toBe(first.at);
    // The first decision knew nothing of this buyer's speed.
    const d0 = await eventually(async () => {
      const d = await detail(conv);
      return decisions(d).length >= 1 ? d : undefined;
    }, 15_000);
    expect(decisions(d0)[0].reasons.join('; ')).not.toMatch(/buyer replies fast/);

    // We ask a clarifying question; the buyer reads it and answers within seconds.
    const asked = await post(s, `/api/v1/conversations/${conv}/reply`, { text: 'Which model do you mean, the mesh or the leather one?' });
    expect(asked.status).toBeLessThan(300);
    await eventually(async () => ((await engagement(contactId)).readWithoutReplyRate === 1 ? true : undefined), 15_000, 100);
    // (WhatsApp's timestamps are whole seconds: an answer in the same second as our message would
    // read as sent before it.)
    await new Promise((r) => setTimeout(r, 1100));
    await inbound(s, buyer, 'The mesh one, 12 of them, how much?');

    const p1 = await eventually(async () => {
      const p = await engagement(contactId);
      return p.replyLatencySamples >= 1 ? p : undefined;
    }, 15_000, 100);
    expect(p1.replyLatencyMedianSec).toBeLessThan(60);
    expect(p1.turnsPerConversation).toBe(2);
    expect(p1.clarificationRate).toBeGreaterThan(0);
    expect(p1.readWithoutReplyRate).toBeLessThan(1);
    expect(Date.parse(p1.lastInteractionAt)).toBeGreaterThan(Date.parse(p0.lastInteractionAt));

    // The decision on that answer: a fast buyer goes first (urgency raised), saying why; the
    // follow-up that is planned is timed by this buyer's own reply time, not the population's.
    const d1 = await eventually(async () => {
      const d = await detail(conv);
      return decisions(d).length >= 2 ? d : undefined;
    }, 15_000);
    const latest = decisions(d1).sort((a: any, b: any) => (a.at < b.at ? 1 : -1))[0];
    expect(latest.reasons.join('; ')).toMatch(/buyer replies fast \(median \d+ s < 300 s\) -> urgency/);
    expect(latest.urgency ?? d1.urgency).not.toBe('low');
    const answered = await post(s, `/api/v1/conversations/${conv}/reply`, { text: '12 mesh chairs are 3,600 SAR with delivery.' });
    expect(answered.status).toBeLessThan(300);
    const planned = await eventually(async () => {
      const d = await detail(conv);
      return d.nextFollowUp?.reason ? d.nextFollowUp : undefined;
    }, 15_000, 100);
    expect(planned.reason).toMatch(/buyer's usual reply time \S+ \(\d+ samples?/);
    expect(planned.reason).not.toMatch(/no reply history/);
  });
});
