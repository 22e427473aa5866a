// Automated answers on the full stack: the knowledge base through the API, a known Arabic question
// answered in Arabic with nobody assigned, a complaint with the same words going to support with no
// answer, the buyer's next words after an automated answer going to a person, the rest of a burst
// still going to a person, and never an answer in a paused, owned or opted-out conversation.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { agentWithToken, inbound as inboundVia, post as postVia } from '../helpers/api.js';
import { eventually } from '../helpers/webhooks.js';

const kb = JSON.parse(readFileSync(new URL('../fixtures/answers/knowledge.json', import.meta.url), 'utf8')) as {
  entries: Array<{ id: string; answer: Record<string, string> }>;
};
const answerOf = (id: string, lang: string) => kb.entries.find((e) => e.id === id)!.answer[lang]!;
const KB_TEXTS = new Set(kb.entries.flatMap((e) => Object.values(e.answer)));

let s: Stack;
beforeAll(async () => {
  s = await startStack({});
  const put = await s.api('/api/v1/knowledge', { method: 'PUT', body: JSON.stringify(kb) });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await s?.stop();
});

const inbound = (from: string, text: string) => inboundVia(s, from, text);
const post = (path: string, body: unknown, token?: string) => postVia(s, path, body, token);
const detail = async (id: string) => (await s.api(`/api/v1/conversations/${id}`)).json;
const decisions = (d: any) => d.timeline.filter((e: any) => e.kind === 'decision');
/** The conversation once it holds `n` decisions. */
const decided = (id: string, n = 1) =>
  eventually(async () => {
    const d = await detail(id);
    return decisions(d).length >= n ? d : undefined;
  }, 15_000);
const automatedTexts = (to: string) => s.simulator.sent({ to }).map((m) => m.text).filter((t): t is string => t !== null && KB_TEXTS.has(t));

describe('the knowledge base API', () => {
  it('GET answers the stored version; PUT is validated (422 names the path) and admin only', async () => {
    const got = await s.api('/api/v1/knowledge');
    expect(got.status).toBe(200);
    expect(got.json.version).toBeGreaterThanOrEqual(1);
    expect(got.json.entries.map((e: any) => e.id)).toContain('delivery-areas');
    const bad = await s.api('/api/v1/knowledge', { method: 'PUT', body: JSON.stringify({ entries: [{ id: 'x', questions: [], answer: { en: 'y' } }] }) });
    expect(bad.status).toBe(422);
    expect(bad.json.error.message).toMatch(/entries\[0\]\.questions/);
    const agent = await agentWithToken(s, 'KB Reader');
    expect((await s.api('/api/v1/knowledge', { headers: { authorization: `Bearer ${agent.token}` } })).status).toBe(200);
    const forbidden = await s.api('/api/v1/knowledge', { method: 'PUT', body: JSON.stringify(kb), headers: { authorization: `Bearer ${agent.token}` } });
    expect(forbidden.status).toBe(403);
    const stale = await s.api('/api/v1/knowledge', { method: 'PUT', body: JSON.stringify({ ...kb, version: 0 }) });
    expect(stale.status).toBe(409);
    expect((await s.api('/api/v1/knowledge')).json.version).toBe(got.json.version);
  });
});

describe('automated answers', () => {
  it('a known question in Arabic gets the Arabic answer and no person is needed; the next words go to a person', async () => {
    const buyer = '966544400001';
    const msg = await inbound(buyer, 'هل توصلون للدمام؟');
    const id = msg.conversationId;
    const d = await decided(id);
    const decision = decisions(d)[0];
    expect(decision).toMatchObject({ needsReply: false, automatedAnswers: [{ waMessageId: msg.waMessageId, entryId: 'delivery-areas', language: 'ar' }] });
    expect(decision.automatedAnswers[0].confidence).toBeGreaterThanOrEqual(0.6);
    expect(decision.reasons.join(' ')).toMatch(/answered from the knowledge base, entry delivery-areas/);
    expect(s.simulator.sent({ to: buyer }).map((m) => m.text)).toEqual([answerOf('delivery-areas', 'ar')]);
    expect(d).toMatchObject({ assignee: null, waitingSince: null });
    // The answer is in the timeline, for whoever opens the conversation later.
    expect(d.timeline.some((e: any) => e.kind === 'message' && e.direction === 'out' && e.text === answerOf('delivery-areas', 'ar'))).toBe(true);

    // A new question after the automated answer: a person answers it, automation does not again.
    await inbound(buyer, 'طيب وكم سعر الكنبة الرمادية؟');
    const next = await decided(id, 2);
    const second = decisions(next)[1];
    expect(second.needsReply).toBe(true);
    expect(second.automatedAnswers).toBeUndefined();
    expect(second.team).toBe('sales');
    expect(next.waitingSince).not.toBeNull();
    expect(automatedTexts(buyer)).toHaveLength(1);
  });

  it("\"that's not what I asked\" after an automated answer goes to a person", async () => {
    const buyer = '966544400002';
    const msg = await inbound(buyer, 'Do you deliver to Abha?');
    const d = await decided(msg.conversationId);
    expect(decisions(d)[0]).toMatchObject({ needsReply: false, automatedAnswers: [{ entryId: 'delivery-areas', language: 'en' }] });
    expect(automatedTexts(buyer)).toEqual([answerOf('delivery-areas', 'en')]);
    await inbound(buyer, "that's not what I asked");
    const next = await decided(msg.conversationId, 2);
    expect(decisions(next)[1].needsReply).toBe(true);
    expect(decisions(next)[1].reasons.join(' ')).toMatch(/after the automated answer/);
    expect(next.waitingSince).not.toBeNull();
    expect(automatedTexts(buyer)).toHaveLength(1);
  });

  it('a complaint with the same words goes to support with no automated answer', async () => {
    const buyer = '966544400003';
    const msg = await inbound(buyer, 'التوصيل للدمام تأخر اسبوع وما احد يرد علي، خدمة سيئة');
    const d = await decided(msg.conversationId);
    const decision = decisions(d)[0];
    expect(decision).toMatchObject({ intent: 'complaint', needsReply: true, team: 'support' });
    expect(decision.automatedAnswers).toBeUndefined();
    expect(automatedTexts(buyer)).toEqual([]);
  });

  it('a burst with a known question and a product price: the question answered, the rest to a person', async () => {
    const buyer = '966544400004';
    const first = await inbound(buyer, 'Do you deliver to Tabuk?');
    await inbound(buyer, 'and how much is the oak dining table?');
    const d = await decided(first.conversationId);
    const decision = decisions(d)[0];
    expect(decision.messages).toHaveLength(2);
    expect(decision.automatedAnswers).toEqual([expect.objectContaining({ waMessageId: first.waMessageId, entryId: 'delivery-areas' })]);
    expect(decision.needsReply).toBe(true);
    expect(decision.team).toBe('sales');
    expect(automatedTexts(buyer)).toEqual([answerOf('delivery-areas', 'en')]);
  });

  it('a paused, an owned and an opted-out conversation never get an automated answer', async () => {
    // Paused.
    const paused = await inbound('966544400005', 'Hello');
    await decided(paused.conversationId);
    expect((await post(`/api/v1/conversations/${paused.conversationId}/pause`, { reason: 'VIP' })).status).toBe(200);
    await inbound('966544400005', 'Do you deliver to Tabuk?');
    const p = await decided(paused.conversationId, 2);
    expect(decisions(p)[1].reasons.join(' ')).toMatch(/no automated answer: paused/);
    // Owned.
    const agent = await agentWithToken(s, 'KB Owner');
    const owned = await inbound('966544400006', 'Hi, I need a quote for 30 chairs');
    await eventually(async () => ((await detail(owned.conversationId)).team === 'sales' ? true : undefined), 10_000);
    expect((await post(`/api/v1/conversations/${owned.conversationId}/take-over`, {}, agent.token)).status).toBe(200);
    await inbound('966544400006', 'Can I pay cash on delivery?');
    const o = await decided(owned.conversationId, 2);
    expect(decisions(o)[1].reasons.join(' ')).toMatch(/no automated answer: taken over by/);
    // Opted out (in words), then a known question.
    const out = await inbound('966544400007', 'stop sending me messages');
    await decided(out.conversationId);
    await inbound('966544400007', 'Do you deliver to Tabuk?');
    const x = await decided(out.conversationId, 2);
    expect(decisions(x)[1].reasons.join(' ')).toMatch(/no automated answer: the buyer opted out/);
    for (const buyer of ['966544400005', '966544400006', '966544400007']) expect(automatedTexts(buyer)).toEqual([]);
  });

  it('automation.answer.enabled false: nothing answered, a person gets the question', async () => {
    const rules = (await s.api('/api/v1/rules')).json;
    const off = await s.api('/api/v1/rules', { method: 'PUT', body: JSON.stringify({ ...rules, version: undefined, automation: { ...rules.automation, answer: { enabled: false, minConfidence: 0.6 } } }) });
    expect(off.status).toBe(200);
    try {
      const msg = await inbound('966544400008', 'Do you deliver to Tabuk?');
      const d = await decided(msg.conversationId);
      expect(decisions(d)[0]).toMatchObject({ needsReply: true });
      expect(decisions(d)[0].automatedAnswers).toBeUndefined();
      expect(automatedTexts('966544400008')).toEqual([]);
    } finally {
      const now = (await s.api('/api/v1/rules')).json;
      await s.api('/api/v1/rules', { method: 'PUT', body: JSON.stringify({ ...now, version: undefined, automation: { ...now.automation, answer: { enabled: true, minConfidence: 0.6 } } }) });
    }
  });
});
