// Conversations started the way ingress starts them (signalWithStart with message events), with
// the workflow's test hooks when a test needs them (continue-as-new after a few events, a short
// quiet period), on the stack's task queue, and the helpers those tests share.
import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { InboundMessageEvent } from '../../whatsapp/events.js';
import { inboundSignal, snapshotQuery, WORKFLOW_TYPE, type ConversationSnapshot } from '../../workflows/conversation/contract.js';
import type { ConversationTestOptions } from '../../workflows/conversation/workflow.js';
import type { Stack } from './stack.js';
import { eventually, TEST_PHONE_NUMBER_ID, uniqueId } from './webhooks.js';

let buyer = 0;
/** A fresh buyer number per call (unique across test files sharing the Temporal server). */
export const newBuyer = () => `9665${String(process.pid % 1000).padStart(3, '0')}${String(Date.now() % 100000).padStart(5, '0')}${String(++buyer).padStart(2, '0')}`.slice(0, 15);

export function inboundText(waId: string, text: string, at = new Date()): InboundMessageEvent {
  const id = uniqueId('wamid.RT');
  return {
    kind: 'message',
    waMessageId: id,
    phoneNumberId: TEST_PHONE_NUMBER_ID,
    sender: { waId, profileName: 'Runtime Buyer' },
    type: 'text',
    text,
    at: at.toISOString(),
    raw: { id, from: waId, type: 'text', text: { body: text } },
  };
}

export interface Conversation {
  waId: string;
  workflowId: string;
  handle: WorkflowHandle;
  conversationId: string;
  send(text: string): Promise<InboundMessageEvent>;
  snapshot(): Promise<ConversationSnapshot>;
  /** Polls the snapshot until `fn` holds. */
  until(fn: (s: ConversationSnapshot) => boolean, timeoutMs?: number): Promise<ConversationSnapshot>;
}

export async function startConversation(s: Stack, text: string, test?: ConversationTestOptions): Promise<Conversation> {
  const waId = newBuyer();
  const workflowId = `wa:${TEST_PHONE_NUMBER_ID}:${waId}`;
  const handle = await s.client.workflow.signalWithStart(WORKFLOW_TYPE, {
    workflowId,
    taskQueue: s.taskQueue,
    args: [{ phoneNumberId: TEST_PHONE_NUMBER_ID, ...(test ? { test } : {}) }],
    signal: inboundSignal,
    signalArgs: [[inboundText(waId, text)]],
  });
  const latest = () => s.client.workflow.getHandle(workflowId);
  const until = (fn: (x: ConversationSnapshot) => boolean, timeoutMs = 15_000) =>
    eventually(async () => {
      const snap = await latest().query(snapshotQuery);
      return fn(snap) ? snap : undefined;
    }, timeoutMs, 100);
  const first = await until((x) => !!x.conversationId && x.pending === 0);
  return {
    waId,
    workflowId,
    handle,
    conversationId: first.conversationId!,
    async send(t: string) {
      const m = inboundText(waId, t);
      await s.client.workflow.signalWithStart(WORKFLOW_TYPE, {
        workflowId,
        taskQueue: s.taskQueue,
        args: [{ phoneNumberId: TEST_PHONE_NUMBER_ID, ...(test ? { test } : {}) }],
        signal: inboundSignal,
        signalArgs: [[m]],
      });
      return m;
    },
    snapshot: () => latest().query(snapshotQuery),
    until,
  };
}

/** Rules for these tests: open around the clock, a short quiet gap, acknowledgements on. */
export async function fastRules(s: Stack, over: Record<string, unknown> = {}) {
  const current = (await s.api('/api/v1/rules')).json;
  const { version: _v, ...doc } = current;
  const allDay = [['00:00', '24:00']];
  const body = {
    ...doc,
    burstQuietGapSec: 1,
    businessHours: { timezone: 'UTC', week: { sun: allDay, mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay } },
    automation: { ...doc.automation, acknowledge: true },
    ...over,
  };
  const r = await s.api('/api/v1/rules', { method: 'PUT', body: JSON.stringify(body) });
  if (r.status !== 200) throw new Error(`rules refused: ${JSON.stringify(r.json)}`);
  return r.json.version as number;
}

export async function createAgent(s: Stack, name: string, opts: { team?: string; capacity?: number } = {}): Promise<string> {
  const r = await s.api('/api/v1/agents', {
    method: 'POST',
    body: JSON.stringify({ name: `${name} ${randomBytes(2).toString('hex')}`, team: opts.team ?? 'sales', languages: ['en', 'ar'], capacity: opts.capacity ?? 5 }),
  });
  if (r.status !== 201) throw new Error(`agent refused: ${JSON.stringify(r.json)}`);
  return r.json.id as string;
}

/** What the simulator was asked to send to this buyer (oldest first). */
export const sentTo = (s: Stack, waId: string) => s.simulator.sent({ to: waId });

/** The conversation's timeline entries of one kind, from the API. */
export async function timeline(s: Stack, conversationId: string, kind?: string) {
  const r = await s.api(`/api/v1/conversations/${conversationId}`);
  return (r.json.timeline as any[]).filter((e) => !kind || e.kind === kind);
}

/** Each runtime scenario runs plainly and with a continue-as-new in the middle. */
export const RUNTIME_MODES = [
  ['plainly', undefined],
  ['with a continue-as-new in the middle', { continueAsNewAfterEvents: 8 }],
] as const;
