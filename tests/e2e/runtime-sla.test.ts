// Deadlines after a breach, on real time with SLAs of seconds: the escalation sets the next deadline
// from the breach, a later buyer message in the same wait never brings it earlier (into the past),
// and a decision never lowers the urgency the escalation raised.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, fastRules, startConversation, RUNTIME_MODES } from '../helpers/conversations.js';
import { startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
const seconds = (first: number, next: number) => ({ firstResponseSec: first, nextResponseSec: next });
beforeAll(async () => {
  s = await startStack();
  await fastRules(s, {
    sla: { low: seconds(3, 3), normal: seconds(3, 3), high: seconds(6, 6), urgent: seconds(6, 6) },
    automation: { ...(await s.api('/api/v1/rules')).json.automation, acknowledge: false },
  });
  for (const n of ['One', 'Two']) await createAgent(s, n, { capacity: 20 });
});
afterAll(async () => {
  await s?.stop();
});


describe.each(RUNTIME_MODES)('after a breach, %s', (_name, test) => {
  it('the next deadline counts from the breach; a buyer message neither brings it earlier nor lowers the urgency', async () => {
    const c = await startConversation(s, 'How much for 20 units?', test);
    const decided = await c.until((x) => !!x.sla, 10_000);
    expect(decided.urgency).toBe('normal');
    const breached = await c.until((x) => (x.sla?.breaches ?? 0) === 1, 15_000);
    expect(breached.urgency).toBe('high');
    const postBreachDue = breached.sla!.dueAt;
    expect(Date.parse(postBreachDue)).toBeGreaterThan(Date.now());
    // The buyer writes again in the same wait (an ordinary message: normal urgency by itself).
    await c.send('any update on the price?');
    const after = await c.until((x) => x.lastDecision !== breached.lastDecision && (x.lastDecision?.at ?? '') > (breached.lastDecision?.at ?? ''), 10_000);
    expect(after.sla).toMatchObject({ dueAt: postBreachDue, breaches: 1 });
    expect(after.urgency).toBe('high');
    expect(after.lastDecision!.reasons.join('\n')).toMatch(/escalated to high during this wait/);
    // No second breach before that deadline.
    const untilDue = Date.parse(postBreachDue) - Date.now() - 500;
    if (untilDue > 0) await new Promise((r) => setTimeout(r, untilDue));
    expect((await c.snapshot()).sla?.breaches).toBe(1);
  });
});
