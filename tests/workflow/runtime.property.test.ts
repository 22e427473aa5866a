// Model-based property test of the conversation runtime against the real workflow (Temporal dev
// server, real Postgres, the Graph simulator): two conversations and one agent of capacity 1,
// random interleavings of inbound messages, statuses, agent actions and timer firings. After every
// step: no agent over capacity, every waiting conversation in its team's queue (or with an agent),
// no automated send while owned or paused or after a human reply, every accepted message stored once.
// Timers are real and short (a 1 s quiet gap, deadlines of seconds, a 3 s quiet period before a
// resolved run completes): the time-skipping test server mishandles updates that land while a local
// activity runs ("invalid history builder state for action"), which this test does on purpose.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { recordStatuses } from '../../db/crm/statuses.js';
import { saveRules } from '../../db/routing/rules.js';
import { agents, conversations, messages, outbox, teamQueue } from '../../db/schema.js';
import { DEFAULT_RULES, type RulesDocument } from '../../domain/rules.js';
import type { InboundMessageEvent } from '../../whatsapp/events.js';
import {
  closeUpdate,
  inboundSignal,
  pauseUpdate,
  releaseUpdate,
  resumeUpdate,
  sendReplyUpdate,
  snapshotQuery,
  takeOverUpdate,
  WORKFLOW_TYPE,
  type ConversationSnapshot,
} from '../../workflows/conversation/contract.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { TEST_PHONE_NUMBER_ID } from '../helpers/webhooks.js';

let s: Stack;
const PN = TEST_PHONE_NUMBER_ID;
const TEXTS = ['How much is the 5L bottle?', 'do you deliver to Riyadh?', 'thanks!', 'my order arrived broken', 'بكم السعر؟', 'ok'];
const now = () => new Date();

beforeAll(async () => {
  s = await startStack({ statusDelaysMs: { sent: 0, delivered: 0, read: 0 } });
  s.simulator.setAutoRead(false);
  const allDay = [['00:00', '24:00']] as [string, string][];
  const secs = (first: number, next: number) => ({ firstResponseSec: first, nextResponseSec: next });
  const rules: RulesDocument = {
    ...DEFAULT_RULES,
    businessHours: { timezone: 'UTC', week: { sun: allDay, mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay }, holidays: [] },
    burstQuietGapSec: 1,
    sla: { low: secs(3, 3), normal: secs(3, 3), high: secs(4, 4), urgent: secs(4, 4) },
    // Every intent to one team: the two conversations compete for the one agent.
    teams: [{ name: 'desk', intents: ['greeting', 'question', 'pricing', 'order', 'support', 'complaint', 'other', 'acknowledgment', 'spam', 'opt_out'], languages: ['en', 'ar'] }],
  };
  await saveRules(s.db.db, rules);
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

interface Conv {
  waId: string;
  workflowId: string;
  started: boolean;
  paused: boolean;
  owned: boolean;
  closed: boolean;
  /** A person answered after the buyer's last message. */
  answered: boolean;
  accepted: string[];
}

interface Real {
  agentId: string;
  convs: Conv[];
  seq: number;
  acks: Set<string>;
}

type Model = Record<string, never>;

/** What the runs exercised, so a property that passes by doing nothing is caught. */
const seen = { steps: 0, inbound: 0, actionsApplied: 0, actionsRefused: 0, acks: 0, queued: 0, decisions: 0, breaches: 0 };

const handle = (c: Conv): WorkflowHandle => s.client.workflow.getHandle(c.workflowId);

async function settle(r: Real): Promise<void> {
  for (const c of r.convs) {
    if (!c.started) continue;
    for (let i = 0; i < 200; i++) {
      const s = (await handle(c).query(snapshotQuery)) as ConversationSnapshot;
      if (s.pending === 0 && !s.busy && s.conversationId) break;
      await new Promise((res) => setTimeout(res, 25));
    }
  }
}

async function snapshots(r: Real): Promise<(ConversationSnapshot | null)[]> {
  return Promise.all(r.convs.map(async (c) => (c.started ? ((await handle(c).query(snapshotQuery)) as ConversationSnapshot) : null)));
}

/** The invariants, after every step. `before` is the model as the step began. */
const trace = process.env.PROP_TRACE ? (m: string) => console.error(`[prop] ${m}`) : () => {};

async function check(r: Real, before: Conv[]): Promise<void> {
  await settle(r);
  seen.steps++;
  // 1. Capacity is a hard limit.
  const [load] = await s.db.db
    .select({ n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(and(eq(conversations.assignee, r.agentId), ne(conversations.status, 'resolved')));
  expect(Number(load!.n)).toBeLessThanOrEqual(1);
  const snaps = await snapshots(r);
  for (const [i, c] of r.convs.entries()) {
    const snap = snaps[i];
    if (!c.started || !snap?.conversationId) continue;
    const [row] = await s.db.db.select().from(conversations).where(eq(conversations.id, snap.conversationId));
    // 2. A buyer waiting for a person is with an agent or in the queue.
    if (snap.awaitingReplySince && row!.status !== 'resolved' && !row!.assignee && !snap.takenOverBy) {
      const q = await s.db.db.select().from(teamQueue).where(eq(teamQueue.conversationId, snap.conversationId));
      expect(q, `conversation ${i} waits since ${snap.awaitingReplySince} and is neither assigned nor queued`).toHaveLength(1);
      seen.queued++;
    }
    if (snap.lastDecision) seen.decisions++;
    if ((snap.sla?.breaches ?? 0) > 0) seen.breaches++;
    // 3. No automated send while owned or paused, or after a person answered.
    const acks = await s.db.db.select().from(outbox).where(and(eq(outbox.workflowId, c.workflowId), eq(outbox.kind, 'ack'), eq(outbox.status, 'sent')));
    for (const a of acks) {
      if (r.acks.has(a.key)) continue;
      r.acks.add(a.key);
      seen.acks++;
      const was = before[i]!;
      expect(was.paused || was.owned || was.answered || was.closed, `an acknowledgement went out in conversation ${i} while ${JSON.stringify(was)}`).toBe(false);
    }
    // 4. Every accepted message is stored, once (the unique wamid makes "once" the schema's job).
    if (c.accepted.length) {
      const stored = await s.db.db.select({ id: messages.waMessageId }).from(messages).where(inArray(messages.waMessageId, c.accepted));
      expect(new Set(stored.map((x) => x.id)).size).toBe(c.accepted.length);
    }
  }
}

/** A step that hangs fails as itself (with fast-check's counterexample), not as the test's timeout. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

const snapshotOf = (r: Real) => r.convs.map((c) => ({ ...c, accepted: [...c.accepted] }));

class Inbound implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number, readonly text: number, readonly twice: boolean) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    trace(this.toString());
    const before = snapshotOf(r);
    const c = r.convs[this.i]!;
    const id = `wamid.P.${c.waId}.${r.seq++}`;
    const m: InboundMessageEvent = {
      kind: 'message',
      waMessageId: id,
      phoneNumberId: PN,
      sender: { waId: c.waId, profileName: 'Prop' },
      type: 'text',
      text: TEXTS[this.text]!,
      at: now().toISOString(),
      raw: { id },
    };
    // At least once: sometimes the same message twice.
    await s.client.workflow.signalWithStart(WORKFLOW_TYPE, {
      workflowId: c.workflowId,
      taskQueue: s.taskQueue,
      args: [{ phoneNumberId: PN, test: { continueAsNewAfterEvents: 60, resolvedQuietMs: 3000 } }],
      signal: inboundSignal,
      signalArgs: [this.twice ? [m, m] : [m]],
    });
    c.started = true;
    seen.inbound++;
    c.accepted.push(id);
    c.answered = false;
    c.closed = false;
    await check(r, before);
  }
  toString = () => `inbound(${this.i}, ${JSON.stringify(TEXTS[this.text])}${this.twice ? ', twice' : ''})`;
}

type ActionName = 'reply' | 'pause' | 'resume' | 'takeOver' | 'release' | 'close';

class Action implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number, readonly action: ActionName) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    const c = r.convs[this.i]!;
    if (!c.started) return;
    trace(this.toString());
    await settle(r);
    const before = snapshotOf(r);
    const h = handle(c);
    const by = r.agentId;
    const ok = await within(45_000, this.toString(), (async () => {
      try {
        if (this.action === 'reply') await h.executeUpdate(sendReplyUpdate, { args: [{ text: `answer ${r.seq++}`, by }] });
        else if (this.action === 'pause') await h.executeUpdate(pauseUpdate, { args: [{ by }] });
        else if (this.action === 'resume') await h.executeUpdate(resumeUpdate, { args: [{ by }] });
        else if (this.action === 'takeOver') await h.executeUpdate(takeOverUpdate, { args: [{ agentId: r.agentId, by }] });
        else if (this.action === 'release') await h.executeUpdate(releaseUpdate, { args: [{ by }] });
        else await h.executeUpdate(closeUpdate, { args: [{ by }] });
        return true;
      } catch {
        return false; // refused by a validator or by db/routing (at capacity): nothing changed
      }
    })());
    if (ok) seen.actionsApplied++;
    else seen.actionsRefused++;
    if (ok) {
      if (this.action === 'reply') c.answered = true;
      if (this.action === 'pause') c.paused = true;
      if (this.action === 'resume') c.paused = false;
      if (this.action === 'takeOver') c.owned = true;
      if (this.action === 'release') c.owned = false;
      if (this.action === 'close') {
        c.closed = true;
        c.owned = false;
      }
    }
    await check(r, before);
  }
  toString = () => `${this.action}(${this.i})`;
}

class Advance implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    trace(this.toString());
    await settle(r);
    const before = snapshotOf(r);
    await new Promise((res) => setTimeout(res, this.ms));
    await check(r, before);
  }
  toString = () => `advance(${this.ms} ms)`;
}

class Status implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number, readonly status: 'delivered' | 'read') {}
  check = () => true;
  async run(_m: Model, r: Real) {
    const c = r.convs[this.i]!;
    const before = snapshotOf(r);
    const sent = s.simulator.sent({ to: c.waId }).at(-1);
    if (!sent) return;
    // As ingress does: recorded on the message, no workflow woken (only failures wake one).
    await recordStatuses(s.db.db, [{ waMessageId: sent.id, status: this.status, at: now().toISOString(), raw: {} }]);
    await check(r, before);
  }
  toString = () => `status(${this.i}, ${this.status})`;
}

const action = fc.tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom<ActionName>('reply', 'pause', 'resume', 'takeOver', 'release', 'close')).map(([i, a]) => new Action(i, a));
const commands = [
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: TEXTS.length - 1 }), fc.boolean()).map(([i, t, twice]) => new Inbound(i, t, twice)),
  // Agents act about as often as buyers write.
  action,
  action,
  // Past the quiet gap, past a deadline, past a resolved run's quiet period.
  fc.constantFrom(300, 1300, 3500).map((ms) => new Advance(ms)),
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom<'delivered' | 'read'>('delivered', 'read')).map(([i, st]) => new Status(i, st)),
];

describe('conversation runtime, model-based', () => {
  it('keeps its invariants under random interleavings of messages, statuses, actions and timers', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { size: 'max', maxCommands: 18 }), async (cmds) => {
        run++;
        const [agent] = await s.db.db.insert(agents).values({ name: `Solo ${run}`, team: 'desk', languages: ['en', 'ar'], capacity: 1 }).returning();
        // Earlier runs' agents leave the team: this run's capacity is the only one.
        await s.db.db.update(agents).set({ active: false }).where(ne(agents.id, agent!.id));
        const convs: Conv[] = [0, 1].map((k) => {
          const waId = `9665${String(run).padStart(4, '0')}${k}${String(Date.now() % 10000).padStart(4, '0')}`;
          return { waId, workflowId: `wa:${PN}:${waId}`, started: false, paused: false, owned: false, closed: false, answered: false, accepted: [] };
        });
        const real: Real = { agentId: agent!.id, convs, seq: 0, acks: new Set() };
        try {
          // Both buyers write first: every later step acts on running conversations.
          await fc.asyncModelRun(() => ({ model: {} as Model, real }), [new Inbound(0, 0, false), new Inbound(1, 1, false), ...cmds]);
        } finally {
          for (const c of convs) if (c.started) await handle(c).terminate('run over').catch(() => {});
          await s.db.db.update(conversations).set({ assignee: null, status: 'resolved' }).where(inArray(conversations.workflowId, convs.map((c) => c.workflowId)));
          await s.db.db.delete(teamQueue);
        }
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 14), seed: 20261201, endOnFailure: true },
    );
    console.error(`runtime property: ${JSON.stringify(seen)}`);
    // The runs did reach the interesting states.
    expect(seen.inbound).toBeGreaterThan(15);
    expect(seen.acks).toBeGreaterThan(0);
    expect(seen.queued).toBeGreaterThan(0);
    expect(seen.actionsApplied).toBeGreaterThan(5);
    expect(seen.actionsRefused).toBeGreaterThan(0);
  }, 600_000);
});
