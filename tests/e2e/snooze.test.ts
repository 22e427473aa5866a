// Snooze through the API, on the full stack: status snoozed in the detail and the lists, automation
// silent, bad input refused clearly, the buyer's next message wakes it, a resolved one is 409,
// resume ends a snooze early. (Waking at `until` and the stopped SLA clock: tests/time-skipping.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { inbound as inboundVia, post as postVia } from '../helpers/api.js';
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

describe('snooze', () => {
  it('snoozes until a time, refuses bad times, wakes on the buyer\'s next message', async () => {
    const msg = await inbound('966544100001', 'How much for 10 boxes?');
    const id = msg.conversationId;
    expect((await post(`/api/v1/conversations/${id}/reply`, { text: '10 boxes are 400 SAR.' })).status).toBe(201);
    const planned = await s.api(`/api/v1/conversations/${id}`);
    expect(planned.json.nextFollowUp).not.toBeNull();

    for (const [until, re] of [
      ['yesterday', /date-time|ISO/],
      [new Date(Date.now() - 60_000).toISOString(), /future/],
      [new Date(Date.now() + 400 * 86400_000).toISOString(), /a year/],
    ] as const) {
      const bad = await post(`/api/v1/conversations/${id}/snooze`, { until });
      expect(bad.status).toBe(422);
      expect(bad.json.error.message).toMatch(re);
    }
    const until = new Date(Date.now() + 3 * 86400_000).toISOString();
    const r = await post(`/api/v1/conversations/${id}/snooze`, { until, reason: 'buyer travelling' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'snoozed', snooze: { until }, nextFollowUp: null });
    const detail = await s.api(`/api/v1/conversations/${id}`);
    expect(detail.json).toMatchObject({ status: 'snoozed', nextFollowUp: null });
    const entry = detail.json.timeline.find((e: any) => e.kind === 'action' && e.action === 'snooze');
    expect(entry).toMatchObject({ before: { status: 'open' }, after: { status: 'snoozed', snoozedUntil: until }, reason: 'buyer travelling' });
    const listed = await s.api(`/api/v1/conversations?status=snoozed`);
    expect(listed.json.data.map((c: any) => c.id)).toContain(id);

    await inbound('966544100001', 'Back home, can you deliver tomorrow?');
    const woken = await eventually(async () => {
      const d = await s.api(`/api/v1/conversations/${id}`);
      return d.json.status === 'open' ? d.json : undefined;
    });
    expect(woken.status).toBe('open');
  });

  it('resume ends a snooze early; a resolved conversation cannot be snoozed', async () => {
    const msg = await inbound('966544100002', 'Is the red one available?');
    const id = msg.conversationId;
    expect((await post(`/api/v1/conversations/${id}/snooze`, {})).json).toMatchObject({ status: 'snoozed', snooze: { until: null } });
    const resumed = await post(`/api/v1/conversations/${id}/resume`, {});
    expect(resumed.status).toBe(200);
    expect(resumed.json).toMatchObject({ status: 'open', snooze: null });
    expect((await post(`/api/v1/conversations/${id}/resume`, {})).status).toBe(409);
    expect((await post(`/api/v1/conversations/${id}/close`, {})).status).toBe(200);
    const again = await post(`/api/v1/conversations/${id}/snooze`, {});
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/resolved/);
  });
});
