// The conversation workflow on a real Temporal server: agent Updates with validators, dedupe,
// continue-as-new carrying state, the read model kept in step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { agents, conversations, messages } from '../../db/schema.js';
import type { InboundMessageEvent } from '../../whatsapp/events.js';
import {
  closeUpdate,
  inboundSignal,
  pauseUpdate,
  resumeUpdate,
  snapshotQuery,
  takeOverUpdate,
  WORKFLOW_TYPE,
} from '../../workflows/conversation/contract.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { eventually, uniqueId } from '../helpers/webhooks.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.stop();
});

const message = (waId: string, id = uniqueId(), text = 'hello'): InboundMessageEvent => ({
  kind: 'message',
  waMessageId: id,
  phoneNumberId: 'PN-WF',
  sender: { waId, profileName: 'Buyer' },
  type: 'text',
  text,
  at: new Date().toISOString(),
  raw: { id, from: waId, type: 'text', text: { body: text } },
});

async function start(waId: string, test?: { continueAsNewAfterEvents?: number }) {
  const workflowId = `wa:PN-WF:${waId}`;
  const first = message(waId);
  const handle = await s.client.workflow.signalWithStart(WORKFLOW_TYPE, {
    workflowId,
    taskQueue: s.taskQueue,
    args: [{ phoneNumberId: 'PN-WF', ...(test ? { test } : {}) }],
    signal: inboundSignal,
    signalArgs: [[first]],
  });
  await eventually(async () => {
    const snap = await handle.query(snapshotQuery);
    return snap.conversationId && snap.pending === 0 ? snap : undefined;
  });
  return { handle, workflowId, first };
}

describe('conversation workflow', () => {
  it('agent updates answer with the new state or a clear rejection, and the read model follows', async () => {
    const { handle, workflowId } = await start('966511000001');
    const paused = await handle.executeUpdate(pauseUpdate, { args: [{ by: 'test' }] });
    expect(paused.paused).toBe(true);
    await expect(handle.executeUpdate(pauseUpdate, { args: [{}] })).rejects.toThrow(WorkflowUpdateFailedError);
    const err = await handle.executeUpdate(pauseUpdate, { args: [{}] }).catch((e) => e);
    expect(String(err.cause?.message ?? err.message)).toMatch(/already paused/);

    // Assignment is db/routing's: a take-over names a real agent, and an unknown one is refused.
    const unknown = await handle.executeUpdate(takeOverUpdate, { args: [{ agentId: 'agent-7' }] }).catch((e) => e);
    expect(String(unknown.cause?.message)).toMatch(/no agent agent-7/);
    const [agent] = await s.db.db.insert(agents).values({ name: 'Workflow Agent', team: 'sales', languages: ['en'], capacity: 3 }).returning();
    const taken = await handle.executeUpdate(takeOverUpdate, { args: [{ agentId: agent!.id }] });
    expect(taken).toMatchObject({ assignee: agent!.id, takenOverBy: agent!.id });
    await handle.executeUpdate(resumeUpdate, { args: [{}] });

    const row = await eventually(async () => {
      const [r] = await s.db.db.select().from(conversations).where(eq(conversations.workflowId, workflowId));
      return r && r.assignee === agent!.id && r.paused === false ? r : undefined;
    });
    expect(row.status).toBe('open');

    const closed = await handle.executeUpdate(closeUpdate, { args: [{}] });
    expect(closed.status).toBe('resolved');
    await eventually(async () => {
      const [r] = await s.db.db.select().from(conversations).where(eq(conversations.workflowId, workflowId));
      return r?.status === 'resolved' ? r : undefined;
    });

    // A new message reopens it.
    await handle.signal(inboundSignal, [message('966511000001')]);
    await eventually(async () => ((await handle.query(snapshotQuery)).status === 'open' ? true : undefined));
  });

  it('continues as new when the history grows, carrying state and the dedupe set', async () => {
    const waId = '966511000002';
    const { handle, workflowId, first } = await start(waId, { continueAsNewAfterEvents: 20 });
    const firstRun = (await handle.describe()).runId;
    const ids: string[] = [first.waMessageId];
    for (let i = 0; i < 25; i++) {
      const m = message(waId, undefined, `message ${i}`);
      ids.push(m.waMessageId);
      await s.client.workflow.getHandle(workflowId).signal(inboundSignal, [m]);
    }
    await eventually(
      async () => {
        const rows = await s.db.db.select().from(messages).where(eq(messages.contactId, (await handle.query(snapshotQuery)).contactId!));
        return rows.length === ids.length ? rows : undefined;
      },
      20_000,
      100,
    );
    const latest = s.client.workflow.getHandle(workflowId);
    // The continue-as-new follows the write that stored the last message.
    await eventually(async () => ((await latest.describe()).runId !== firstRun ? true : undefined), 10_000, 100);
    // The run counts a message once the CRM write that stored it answered.
    const snap = await eventually(async () => {
      const q = await latest.query(snapshotQuery);
      return q.messagesSeen === ids.length ? q : undefined;
    }, 10_000, 100);
    expect(snap.messagesSeen).toBe(ids.length);
    expect(snap.conversationId).toEqual(expect.any(String));

    // An id from the first run, delivered again after continue-as-new, is still a duplicate.
    await latest.signal(inboundSignal, [message(waId, ids[1])]);
    await new Promise((r) => setTimeout(r, 500));
    expect((await latest.query(snapshotQuery)).messagesSeen).toBe(ids.length);
  });
});
