// SLA timers on Temporal's time-skipping test server: a complaint at 23:00 outside business hours
// gets the after-hours acknowledgement; without a human answer the breach fires at the right time
// and reassigns; a human answer in time cancels it. Real Postgres, real worker, the Graph simulator.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { createActivities } from '../../activities/index.js';
import { saveRules } from '../../db/routing/rules.js';
import { agents, conversations, interactionEvents, messages } from '../../db/schema.js';
import { workflowBundle } from '../../server/worker-runner.js';
import { GraphClient } from '../../whatsapp/graph-client.js';
import type { InboundMessageEvent } from '../../whatsapp/events.js';
import { startSimulator, type Simulator } from '../../whatsapp/simulator/server.js';
import { inboundSignal, sendReplyUpdate, snapshotQuery, WORKFLOW_TYPE } from '../../workflows/conversation/contract.js';
import { DEFAULT_RULES, type RulesDocument } from '../../domain/rules.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

let env: TestWorkflowEnvironment;
let db: TestDb;
let sim: Simulator;
let worker: Worker;
let running: Promise<void>;
let agentIds: { first: string; second: string; lead: string };
let zone: string;
const taskQueue = 'sla-ts';

/** A fixed-offset zone where the test server's clock reads 23:xx now. */
function zoneAt23(nowMs: number): string {
  const hour = new Date(nowMs).getUTCHours();
  let offset = (23 - hour + 24) % 24; // local = UTC + offset
  if (offset > 14) offset -= 24;
  // Etc/GMT signs are inverted: Etc/GMT-9 is UTC+9.
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
  });
  db = await createTestDb();
  sim = await startSimulator({ port: 0, appSecret: 'sla', webhookUrl: null });
  const now = await env.currentTimeMs();
  zone = zoneAt23(Number(now));
  const open = [['09:00', '17:00']] as [string, string][];
  const rules: RulesDocument = {
    ...DEFAULT_RULES,
    businessHours: { timezone: zone, week: { sun: open, mon: open, tue: open, wed: open, thu: open, fri: open, sat: open }, holidays: [] },
    sla: {
      urgent: { firstResponseSec: 15 * 60, nextResponseSec: 15 * 60 },
      high: { firstResponseSec: 60 * 60, nextResponseSec: 60 * 60 },
      normal: { firstResponseSec: 4 * 3600, nextResponseSec: 4 * 3600 },
      low: { firstResponseSec: 24 * 3600, nextResponseSec: 24 * 3600 },
    },
    burstQuietGapSec: 2,
  };
  const [first, second, lead] = await db.db
    .insert(agents)
    .values([
      { name: 'Sara', team: 'support', languages: ['en', 'ar'], capacity: 5 },
      { name: 'Omar', team: 'support', languages: ['en', 'ar'], capacity: 5 },
      { name: 'Lead', team: 'support', languages: ['en', 'ar'], capacity: 5, active: true },
    ])
    .returning();
  agentIds = { first: first!.id, second: second!.id, lead: lead!.id };
  await saveRules(db.db, { ...rules, teams: rules.teams.map((t) => (t.name === 'support' ? { ...t, lead: lead!.id } : t)) });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ db: db.db, graph: new GraphClient({ baseUrl: sim.url, accessToken: 'test' }) }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running?.catch(() => {});
  await sim?.close();
  await db?.drop();
  await env?.teardown();
});

let n = 0;
/** Skip the test server's clock to the next 23:00 in the rules' zone (a whole-hour offset). */
async function skipTo2300() {
  const now = Number(await env.currentTimeMs());
  const offsetH = zone === 'Etc/UTC' ? 0 : -Number(zone.slice('Etc/GMT'.length));
  const localMs = now + offsetH * 3600_000;
  const dayMs = 24 * 3600_000;
  let target = Math.floor(localMs / dayMs) * dayMs + 23 * 3600_000;
  if (target <= localMs) target += dayMs;
  await env.sleep(target - localMs);
}

async function complaint(text: string) {
  n++;
  await skipTo2300();
  const waId = `96650000${String(1000 + n)}`;
  const workflowId = `wa:1099887766:${waId}`;
  const at = new Date(Number(await env.currentTimeMs())).toISOString();
  const m: InboundMessageEvent = { kind: 'message', waMessageId: `wamid.TS.${n}`, phoneNumberId: '1099887766', sender: { waId, profileName: 'Buyer' }, type: 'text', text, at, raw: {} };
  const handle = await env.client.workflow.signalWithStart(WORKFLOW_TYPE, {
    workflowId,
    taskQueue,
    args: [{ phoneNumberId: '1099887766', test: { searchAttributes: false } }],
    signal: inboundSignal,
    signalArgs: [[m]],
  });
  // Let the quiet gap pass and the decision happen.
  await env.sleep('5 seconds');
  let snap = await handle.query(snapshotQuery);
  for (let i = 0; i < 50 && !snap.lastDecision; i++) {
    await env.sleep('1 second');
    snap = await handle.query(snapshotQuery);
  }
  return { handle, workflowId, snap, waId };
}

const events = async (conversationId: string, kind: string) =>
  db.db.select().from(interactionEvents).where(and(eq(interactionEvents.conversationId, conversationId), eq(interactionEvents.kind, kind)));

describe('SLA on business hours', { timeout: 120_000 }, () => {
  it('an urgent complaint at 23:00: after-hours acknowledgement, breach at its deadline, reassigned', async () => {
    const { handle, snap } = await complaint('URGENT!!! You charged me twice for my order, I want my money back now');
    expect(snap.urgency).toBe('urgent');
    expect(snap.lastDecision!.reasons.join(' ')).toMatch(/./);
    const firstAssignee = snap.assignee;
    expect([agentIds.first, agentIds.second, agentIds.lead]).toContain(firstAssignee);
    // The buyer got the after-hours notice, and it did not stop the clock.
    const acks = sim.sent({ to: snap.waId! });
    expect(acks.length).toBe(1);
    const [decision] = await events(snap.conversationId!, 'decision');
    expect((decision!.payload as any).acknowledge).toBe('after_hours');
    expect(snap.sla).toMatchObject({ kind: 'first_response' });
    // Urgent counts calendar time: 15 minutes after the message.
    const due = Date.parse(snap.sla!.dueAt);
    expect(due - Date.parse(snap.lastInboundAt!)).toBe(15 * 60 * 1000);

    await env.sleep('20 minutes');
    const after = await handle.query(snapshotQuery);
    const [breach] = await events(snap.conversationId!, 'sla_breach');
    expect(breach).toBeDefined();
    expect(Math.abs(breach!.at.getTime() - due)).toBeLessThan(60_000);
    const [escalation] = await events(snap.conversationId!, 'escalation');
    expect((escalation!.payload as any).reasons.length).toBeGreaterThan(0);
    expect(after.assignee).not.toBe(firstAssignee);
    expect(after.assignee).toBeTruthy();
    const [row] = await db.db.select().from(conversations).where(eq(conversations.id, snap.conversationId!));
    expect(row!.assignee).toBe(after.assignee);
  });

  it('a non-urgent complaint at 23:00 is due after the 09:00 opening, in business hours, and breaches then', async () => {
    const { handle, snap } = await complaint('I am not happy, the box arrived damaged');
    expect(['normal', 'high']).toContain(snap.urgency);
    const due = Date.parse(snap.sla!.dueAt);
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(due));
    // 09:00 opening + the SLA of its urgency (high 1 h, normal 4 h), counted in business hours.
    expect(local).toBe(snap.urgency === 'high' ? '10:00' : '13:00');
    await env.sleep(due - Number(await env.currentTimeMs()) - 60_000);
    expect(await events(snap.conversationId!, 'sla_breach')).toHaveLength(0);
    await env.sleep('2 minutes');
    await handle.query(snapshotQuery);
    const [breach] = await events(snap.conversationId!, 'sla_breach');
    expect(breach).toBeDefined();
    expect(Math.abs(breach!.at.getTime() - due)).toBeLessThan(60_000);
  });

  it('a human reply in time cancels the breach', async () => {
    const { handle, snap } = await complaint('I am not happy, the box arrived damaged again');
    expect(snap.sla).toBeTruthy();
    const reply = await handle.executeUpdate(sendReplyUpdate, { args: [{ text: 'So sorry! A new one ships today.', by: snap.assignee ?? 'agent' }] });
    expect(reply.waMessageId).toMatch(/^wamid\./);
    expect((await handle.query(snapshotQuery)).sla).toBeNull();
    await env.sleep('2 days');
    await handle.query(snapshotQuery);
    expect(await events(snap.conversationId!, 'sla_breach')).toHaveLength(0);
    const out = await db.db.select().from(messages).where(and(eq(messages.conversationId, snap.conversationId!), eq(messages.direction, 'out')));
    expect(out.map((m) => m.text)).toContain('So sorry! A new one ships today.');
  });
});
