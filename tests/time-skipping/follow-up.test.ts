// Adaptive follow-ups on Temporal's time-skipping test server (real Postgres, real worker, the Graph
// simulator): the timer comes from the buyer's own profile, a buyer's message cancels it, an agent's
// reply reschedules it, a stated time wins, the 24-hour window leads to the template (also on a
// 131047 answer), quiet hours hold, attempts stop at the maximum, consent and people come first,
// and a continue-as-new keeps a pending follow-up.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { createActivities } from '../../activities/index.js';
import { applyPreferences } from '../../db/crm/consent.js';
import { saveRules } from '../../db/routing/rules.js';
import { agents, contactIdentities, contacts, conversations, interactionEvents, messages } from '../../db/schema.js';
import { DEFAULT_FOLLOW_UP_TEXTS, DEFAULT_RULES, type RulesDocument } from '../../domain/rules.js';
import { workflowBundle } from '../../server/worker-runner.js';
import { GraphClient } from '../../whatsapp/graph-client.js';
import type { InboundMessageEvent } from '../../whatsapp/events.js';
import { startSimulator, type Simulator } from '../../whatsapp/simulator/server.js';
import { closeUpdate, inboundSignal, pauseUpdate, resumeUpdate, sendReplyUpdate, snapshotQuery, snoozeUpdate, takeOverUpdate, WORKFLOW_TYPE, type ConversationSnapshot } from '../../workflows/conversation/contract.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

let env: TestWorkflowEnvironment;
let db: TestDb;
let sim: Simulator;
let worker: Worker;
let running: Promise<void>;
let agentId: string;
const taskQueue = 'follow-up-ts';
const PN = '1088776655';
const TZ = 'Asia/Riyadh'; // the buyers' zone (from +966), UTC+3
const NUDGE = DEFAULT_FOLLOW_UP_TEXTS.en!;

const allDay = [['00:00', '24:00']] as [string, string][];
const rulesWith = (followUp: Partial<RulesDocument['followUp']> = {}): RulesDocument => ({
  ...DEFAULT_RULES,
  businessHours: { timezone: TZ, week: { sun: allDay, mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay }, holidays: [] },
  // Long SLAs: these tests are about follow-ups, not breaches.
  sla: { urgent: { firstResponseSec: 864000, nextResponseSec: 864000 }, high: { firstResponseSec: 864000, nextResponseSec: 864000 }, normal: { firstResponseSec: 864000, nextResponseSec: 864000 }, low: { firstResponseSec: 864000, nextResponseSec: 864000 } },
  automation: { ...DEFAULT_RULES.automation, acknowledge: false },
  followUp: { ...DEFAULT_RULES.followUp, ...followUp },
});

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
  });
  db = await createTestDb();
  sim = await startSimulator({ port: 0, appSecret: 'fu', webhookUrl: null });
  sim.setAutoRead(false);
  await saveRules(db.db, rulesWith());
  const [a] = await db.db.insert(agents).values({ name: 'Follow', team: 'sales', languages: ['en', 'ar'], capacity: 100 }).returning();
  agentId = a!.id;
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ db: db.db, graph: new GraphClient({ baseUrl: sim.url, accessToken: 'test' }), temporal: env.client }),
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running?.catch(() => {});
  await sim?.close();
  await db?.drop();
  await env?.teardown();
});

let n = 0;
const nowMs = async () => Number(await env.currentTimeMs());
const localHour = (iso: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', hourCycle: 'h23' }).format(new Date(iso)));

/** A buyer with a reply-latency history (our message, their answer after `gapSec`, `samples` times). */
async function buyerWithProfile(gapSec: number | null, samples = 12): Promise<string> {
  n++;
  const waId = `9665${String(30000000 + n * 7919).slice(0, 8)}`;
  if (gapSec === null) return waId;
  const [c] = await db.db.insert(contacts).values({ name: `Buyer ${n}`, country: 'SA', timezone: TZ, language: 'en' }).returning();
  await db.db.insert(contactIdentities).values({ contactId: c!.id, channel: 'whatsapp', kind: 'wa_id', value: waId });
  const [conv] = await db.db.insert(conversations).values({ workflowId: `old:${waId}`, phoneNumberId: 'OLD', sender: waId, contactId: c!.id, status: 'resolved' }).returning();
  const start = (await nowMs()) - 60 * 86400_000;
  const rows = [];
  for (let i = 0; i < samples; i++) {
    const out = start + i * 2 * 86400_000;
    rows.push({ waMessageId: `wamid.PAST.${waId}.${i}.o`, conversationId: conv!.id, contactId: c!.id, direction: 'out', type: 'text', text: 'offer', raw: {}, sentAt: new Date(out), status: 'read' });
    rows.push({ waMessageId: `wamid.PAST.${waId}.${i}.i`, conversationId: conv!.id, contactId: c!.id, direction: 'in', type: 'text', text: 'answer', raw: {}, sentAt: new Date(out + gapSec * 1000), status: 'received' });
  }
  await db.db.insert(messages).values(rows);
  return waId;
}

interface Conv {
  waId: string;
  workflowId: string;
  handle: ReturnType<TestWorkflowEnvironment['client']['workflow']['getHandle']>;
  snap(): Promise<ConversationSnapshot>;
  write(text: string): Promise<void>;
  reply(text: string): Promise<void>;
}

async function conversation(waId: string, first: string, test?: Record<string, unknown>): Promise<Conv> {
  const workflowId = `wa:${PN}:${waId}`;
  const write = async (text: string) => {
    n++;
    const m: InboundMessageEvent = {
      kind: 'message', waMessageId: `wamid.FU.${n}.${waId}`, phoneNumberId: PN, sender: { waId, profileName: 'Buyer' }, type: 'text', text,
      at: new Date(await nowMs()).toISOString(), raw: {},
    };
    await env.client.workflow.signalWithStart(WORKFLOW_TYPE, {
      workflowId, taskQueue, args: [{ phoneNumberId: PN, test: { searchAttributes: false, ...(test ?? {}) } }], signal: inboundSignal, signalArgs: [[m]],
    });
    await env.sleep('3 seconds'); // the quiet gap: decided
  };
  await write(first);
  const handle = env.client.workflow.getHandle(workflowId);
  return {
    waId,
    workflowId,
    handle,
    snap: () => env.client.workflow.getHandle(workflowId).query(snapshotQuery),
    write,
    reply: async (text: string) => {
      await env.client.workflow.getHandle(workflowId).executeUpdate(sendReplyUpdate, { args: [{ text, by: agentId }] });
    },
  };
}

const nudges = (waId: string) => sim.sent({ to: waId }).filter((m) => m.text === NUDGE || m.type === 'template');
const timelineOf = async (c: Conv, kind: string) => {
  const s = await c.snap();
  return db.db.select().from(interactionEvents).where(and(eq(interactionEvents.conversationId, s.conversationId!), eq(interactionEvents.kind, kind)));
};
/** Skip to a follow-up's time, and a little past it. */
async function skipTo(iso: string) {
  await env.sleep(Math.max(0, Date.parse(iso) - (await nowMs())) + 5000);
}

describe('adaptive follow-ups', { timeout: 180_000 }, () => {
  it('the timer comes from the buyer: a fast buyer is nudged sooner than a slow one, and it goes out at that time', async () => {
    const fast = await conversation(await buyerWithProfile(90), 'How much for 20 units?');
    const slow = await conversation(await buyerWithProfile(8 * 3600), 'How much for 30 units?');
    await fast.reply('20 units are 1,200 SAR.');
    await slow.reply('30 units are 1,800 SAR.');
    const f = (await fast.snap()).nextFollowUp!;
    const s = (await slow.snap()).nextFollowUp!;
    expect(f.action).toBe('follow_up');
    expect(f.reason).toMatch(/usual reply time/);
    expect(Date.parse(s.at)).toBeGreaterThan(Date.parse(f.at) + 3600_000);
    expect(nudges(fast.waId)).toHaveLength(0);
    await skipTo(f.at);
    expect(nudges(fast.waId)).toHaveLength(1);
    expect(nudges(slow.waId)).toHaveLength(0);
    const [entry] = await timelineOf(fast, 'follow_up');
    expect(entry!.payload).toMatchObject({ attempt: 1, channel: 'free_form', sent: true });
  });

  it('a buyer message cancels the pending follow-up; an agent reply reschedules it', async () => {
    const c = await conversation(await buyerWithProfile(300), 'Do you have it in blue?');
    await c.reply('Yes, the blue one is 45 SAR. Shall I reserve one?');
    const first = (await c.snap()).nextFollowUp!;
    await env.sleep('10 minutes');
    await c.write('and in green?');
    expect((await c.snap()).nextFollowUp ?? null).toBeNull();
    await skipTo(first.at);
    expect(nudges(c.waId)).toHaveLength(0);
    await c.reply('Green is 40 SAR.');
    const again = (await c.snap()).nextFollowUp!;
    expect(again.attempt).toBe(1);
    expect(Date.parse(again.at)).toBeGreaterThan(Date.parse(first.at));
  });

  it("a stated time wins: 'call me tomorrow morning' -> tomorrow 10:00 local; 'بعد ساعتين' -> in two hours", async () => {
    // With a template: tomorrow 10:00 may fall after the window closes, and the buyer's time still wins.
    await saveRules(db.db, rulesWith({ template: { name: 'check_in', language: 'en' } }));
    const c = await conversation(await buyerWithProfile(120), 'How much is delivery to Jeddah? call me tomorrow morning');
    await c.reply('Delivery to Jeddah is 25 SAR.');
    const plan = (await c.snap()).nextFollowUp!;
    expect(plan.reason).toMatch(/buyer said "tomorrow morning"/);
    expect(localHour(plan.at)).toBe(10);
    const localDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(ms));
    expect(localDay(Date.parse(plan.at))).toBe(localDay((await nowMs()) + 86400_000));
    await skipTo(plan.at);
    expect(nudges(c.waId)).toHaveLength(1);
    const [entry] = await timelineOf(c, 'follow_up');
    expect(entry!.payload).toMatchObject({ attempt: 1, sent: true, channel: plan.channel });

    const d = await conversation(await buyerWithProfile(120), 'كم سعر الكرتون؟');
    await d.reply('الكرتون ب ١٢٠ ريال');
    await d.write('تمام، كلمني بعد ساعتين');
    const saidAt = await nowMs();
    await d.reply('أكيد');
    const p2 = (await d.snap()).nextFollowUp!;
    expect(p2.reason).toMatch(/buyer said/);
    // Two hours after they said it, unless that lands in quiet hours (then 08:00).
    const twoHours = saidAt + 2 * 3600_000;
    if (localHour(new Date(twoHours).toISOString()) >= 8 && localHour(new Date(twoHours).toISOString()) < 22) {
      expect(Math.abs(Date.parse(p2.at) - twoHours)).toBeLessThan(60_000);
    } else {
      expect(localHour(p2.at)).toBe(8);
    }
    await saveRules(db.db, rulesWith());
  });

  it('quiet hours: a reply at 21:50 local is followed up at 08:00, not at night', async () => {
    // Skip to 21:50 Riyadh.
    const now = await nowMs();
    const local = new Date(now + 3 * 3600_000);
    let target = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 21, 50) - 3 * 3600_000;
    if (target <= now) target += 86400_000;
    await env.sleep(target - now);
    const c = await conversation(await buyerWithProfile(120), 'price of the large box?');
    await c.reply('The large box is 60 SAR.');
    const plan = (await c.snap()).nextFollowUp!;
    expect(localHour(plan.at)).toBe(8);
    expect(plan.reason).toMatch(/quiet hours/);
  });

  it("completion: 'thanks' after our answer -> no follow-up, resolved after the quiet period; a closed conversation gets nothing", async () => {
    const c = await conversation(await buyerWithProfile(120), 'what time do you open?');
    await c.reply('We open at 9:00, see you!');
    await c.write('Thank you so much!');
    const plan = (await c.snap()).nextFollowUp!;
    expect(plan.action).toBe('resolve');
    expect(plan.reason).toMatch(/closed the exchange/);
    await skipTo(plan.at);
    expect((await c.snap()).status).toBe('resolved');
    expect(nudges(c.waId)).toHaveLength(0);

    const closed = await conversation(await buyerWithProfile(120), 'price of the green one?');
    await closed.reply('The green one is 35 SAR.');
    const p = (await closed.snap()).nextFollowUp!;
    expect(p.action).toBe('follow_up');
    await closed.handle.executeUpdate(closeUpdate, { args: [{ by: agentId }] });
    expect((await closed.snap()).nextFollowUp ?? null).toBeNull();
    await skipTo(p.at);
    await env.sleep('2 days');
    expect(nudges(closed.waId)).toHaveLength(0);
    // No timer left firing in a loop on a finished conversation.
    for (const h of [c.handle, closed.handle]) expect((await h.fetchHistory()).events!.length).toBeLessThan(150);
  });

  it('attempts stop at the maximum, then the conversation resolves', async () => {
    const c = await conversation(await buyerWithProfile(60), 'What is the price?');
    await c.reply('It is 45 SAR.');
    for (let i = 1; i <= 3; i++) {
      const plan = (await c.snap()).nextFollowUp;
      expect(plan?.attempt).toBe(i);
      await skipTo(plan!.at);
    }
    expect(nudges(c.waId).length).toBeLessThanOrEqual(3);
    const last = await c.snap();
    expect(last.nextFollowUp?.action ?? 'resolve').toBe('resolve');
    if (last.nextFollowUp) await skipTo(last.nextFollowUp.at);
    expect((await c.snap()).status).toBe('resolved');
    const entries = await timelineOf(c, 'follow_up');
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries.length).toBeLessThanOrEqual(3);
  });

  it('after the 24-hour window with no template: nothing planned, and the decision says why', async () => {
    const c = await conversation(await buyerWithProfile(30 * 3600), 'How much for 80 units?');
    await env.sleep((23 * 60 + 45) * 60_000);
    await c.reply('80 units are 4,000 SAR.');
    const s = await c.snap();
    expect(s.nextFollowUp ?? null).toBeNull();
    expect(s.followUpDecision).toMatchObject({ action: 'none', silence: 'hesitation' });
    expect(s.followUpDecision!.reason).toMatch(/24-hour window .* no template configured: no send/);
    await env.sleep('3 days');
    expect(nudges(c.waId)).toHaveLength(0);
  });

  it('after the 24-hour window: the template; and a 131047 answer switches to it', async () => {
    await saveRules(db.db, rulesWith({ template: { name: 'check_in', language: 'en' } }));
    const c = await conversation(await buyerWithProfile(30 * 3600), 'How much for 100 units?');
    await env.sleep((23 * 60 + 45) * 60_000);
    await c.reply('100 units are 5,000 SAR.');
    const plan = (await c.snap()).nextFollowUp!;
    expect(plan.channel).toBe('template');
    await skipTo(plan.at);
    const sent = sim.sent({ to: c.waId }).filter((m) => m.type === 'template');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.template).toMatchObject({ name: 'check_in' });

    // Inside the window by our count, but Meta says it is closed: the template, not a retry.
    const d = await conversation(await buyerWithProfile(120), 'price for 2?');
    await d.reply('2 are 90 SAR.');
    const p2 = (await d.snap()).nextFollowUp!;
    expect(p2.channel).toBe('free_form');
    sim.failNext(131047, { to: d.waId });
    await skipTo(p2.at);
    const dSent = sim.sent({ to: d.waId });
    expect(dSent.filter((m) => m.type === 'template')).toHaveLength(1);
    const [entry] = await timelineOf(d, 'follow_up');
    expect(JSON.stringify(entry!.payload)).toMatch(/131047/);
    await saveRules(db.db, rulesWith());
  });

  it('opt-out by words and by the WhatsApp preference webhook: nothing automated', async () => {
    const words = await conversation(await buyerWithProfile(120), 'price of the small one?');
    await words.reply('The small one is 30 SAR.');
    await words.write('stop sending me messages');
    await env.sleep('3 days');
    expect(nudges(words.waId)).toHaveLength(0);

    const hook = await conversation(await buyerWithProfile(120), 'price of the medium one?');
    await hook.reply('The medium one is 40 SAR.');
    const plan = (await hook.snap()).nextFollowUp!;
    await applyPreferences(db.db, [{ waId: hook.waId, category: 'marketing_messages', value: 'stop', at: new Date(await nowMs()).toISOString() }]);
    await skipTo(plan.at);
    expect(nudges(hook.waId)).toHaveLength(0);
    const [entry] = await timelineOf(hook, 'follow_up');
    expect(entry!.payload).toMatchObject({ sent: false });
  });

  it('paused: nothing until resumed (then planned again); owned: a reminder to the owner instead', async () => {
    const c = await conversation(await buyerWithProfile(120), 'price of the red one?');
    await c.reply('The red one is 50 SAR.');
    const plan = (await c.snap()).nextFollowUp!;
    await c.handle.executeUpdate(pauseUpdate, { args: [{ by: agentId }] });
    expect((await c.snap()).nextFollowUp ?? null).toBeNull();
    await skipTo(plan.at);
    expect(nudges(c.waId)).toHaveLength(0);
    await c.handle.executeUpdate(resumeUpdate, { args: [{ by: agentId }] });
    expect((await c.snap()).nextFollowUp?.action).toBe('follow_up');

    const owned = await conversation(await buyerWithProfile(120), 'price of the white one?');
    await owned.handle.executeUpdate(takeOverUpdate, { args: [{ agentId, by: agentId }] });
    await owned.reply('The white one is 55 SAR.');
    const p = (await owned.snap()).nextFollowUp!;
    expect(p.action).toBe('remind_agent');
    await skipTo(p.at);
    expect(nudges(owned.waId)).toHaveLength(0);
    const [reminder] = await timelineOf(owned, 'reminder');
    expect(reminder!.payload).toMatchObject({ to: agentId, attempt: 1 });
  });

  it('snoozed: nothing automatic and no breach until it wakes at its time; then planned again, the response clock moved by the snooze', async () => {
    const c = await conversation(await buyerWithProfile(120), 'price of the grey one?');
    await c.reply('The grey one is 52 SAR.');
    const plan = (await c.snap()).nextFollowUp!;
    const until = new Date(Date.parse(plan.at) + 3 * 3600_000).toISOString(); // inside the 24-hour window
    const snoozed = await c.handle.executeUpdate(snoozeUpdate, { args: [{ by: agentId, until }] });
    expect(snoozed).toMatchObject({ status: 'snoozed', nextFollowUp: null });
    await skipTo(plan.at);
    expect(nudges(c.waId)).toHaveLength(0);
    await skipTo(until);
    const woken = await c.snap();
    expect(woken).toMatchObject({ status: 'open', snooze: null });
    const ended = (await timelineOf(c, 'action')).filter((e) => (e.payload as { action: string }).action === 'snooze_ended');
    expect(ended).toHaveLength(1);
    // Planned again on waking (not replayed): the follow-up that fell due while snoozed goes now, once.
    expect(nudges(c.waId)).toHaveLength(1);
    const [sent] = await timelineOf(c, 'follow_up');
    expect(sent!.payload).toMatchObject({ attempt: 1, sent: true });
    expect(sent!.at.getTime()).toBeGreaterThanOrEqual(Date.parse(until));
    expect(woken.nextFollowUp?.attempt).toBe(2);

    // A buyer waiting for an answer: the deadline moves by the time spent snoozed, no breach meanwhile.
    const d = await conversation(await buyerWithProfile(120), 'I need 3 of the large ones, can you confirm?');
    const due = (await d.snap()).sla!.dueAt;
    const snoozeMs = 86400_000;
    await d.handle.executeUpdate(snoozeUpdate, { args: [{ by: agentId, until: new Date((await nowMs()) + snoozeMs).toISOString() }] });
    await env.sleep(snoozeMs + 5000);
    const after = await d.snap();
    expect(after.status).toBe('open');
    expect(after.sla!.breaches).toBe(0);
    expect(Math.abs(Date.parse(after.sla!.dueAt) - (Date.parse(due) + snoozeMs))).toBeLessThan(10_000);
  });

  it('a continue-as-new with a follow-up pending keeps it', async () => {
    const c = await conversation(await buyerWithProfile(120), 'price of the black one?', { continueAsNewAfterEvents: 10 });
    await c.reply('The black one is 65 SAR.');
    const plan = (await c.snap()).nextFollowUp!;
    const firstRun = (await c.handle.describe()).runId;
    // Events push the history past the test threshold: the run continues as new.
    for (let i = 0; i < 3; i++) await c.handle.signal(inboundSignal, [{ kind: 'status', waMessageId: 'wamid.none', phoneNumberId: PN, status: 'read', at: new Date(await nowMs()).toISOString(), raw: {} }]);
    await env.sleep('2 seconds');
    const latest = env.client.workflow.getHandle(c.workflowId);
    expect((await latest.describe()).runId).not.toBe(firstRun);
    expect((await latest.query(snapshotQuery)).nextFollowUp?.at).toBe(plan.at);
    await skipTo(plan.at);
    expect(nudges(c.waId)).toHaveLength(1);
  });
});
