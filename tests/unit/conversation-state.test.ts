import { describe, expect, it } from 'vitest';
import type { InboundMessageEvent, StatusEvent } from '../../whatsapp/events.js';
import type { Classification } from '../../workflows/policy/classify/types.js';
import type { RoutingDecision } from '../../workflows/policy/routing.js';
import { ConversationState, SEEN_IDS_LIMIT, StateError, type RecordedBatch } from '../../workflows/conversation/state.js';

const msg = (id: string, at = '2026-01-01T10:00:00.000Z'): InboundMessageEvent => ({
  kind: 'message',
  waMessageId: id,
  phoneNumberId: 'PN',
  sender: { waId: '966500000001' },
  type: 'text',
  text: 'hi',
  at,
  raw: {},
});
const status = (id: string, s: string): StatusEvent => ({ kind: 'status', waMessageId: id, phoneNumberId: 'PN', status: s, at: '2026-01-01T10:00:00.000Z', raw: {} });
const question: Classification = { language: 'en', intent: 'pricing', needsReply: true, urgency: 'normal', optOut: false, reasons: [] } as unknown as Classification;

/** The CRM write's answer: every message of the batch new unless listed in `old`. */
function answer(batch: (InboundMessageEvent | StatusEvent)[], old: string[] = []): RecordedBatch {
  const newIds = batch.filter((e) => e.kind === 'message' && !old.includes(e.waMessageId)).map((e) => e.waMessageId);
  return { conversationId: 'conv', contactId: 'contact', newIds, classifications: Object.fromEntries(newIds.map((id) => [id, question])), context: null, rules: null };
}

function recordAll(st: ConversationState, now = 1000, old: string[] = []) {
  const batch = st.peekPending();
  return st.recorded(batch, answer(batch, old), now);
}

const decision = (over: Partial<RoutingDecision> = {}): RoutingDecision => ({
  needsReply: true,
  intent: 'pricing',
  language: 'en',
  urgency: 'normal',
  optOut: false,
  team: 'sales',
  preferredAgentId: null,
  acknowledge: null,
  ackText: null,
  slaKind: 'first_response',
  dueAt: '2026-01-01T11:00:00.000Z',
  reasons: [],
  ...over,
});

describe('ConversationState', () => {
  it('takes a message id once, across signals and within one', () => {
    const st = new ConversationState('wa:PN:966500000001', 'PN');
    expect(st.receive([msg('a'), msg('a'), msg('b')])).toBe(2);
    expect(st.receive([msg('b')])).toBe(0);
    expect(st.snapshot()).toMatchObject({ pending: 2 });
    recordAll(st);
    expect(st.snapshot()).toMatchObject({ messagesSeen: 2, pending: 0, waId: '966500000001' });
  });

  it('what is new is decided by the CRM write: a redelivery after a restart changes nothing', () => {
    // A fresh run (the dedupe set forgotten) gets a message the CRM already has.
    const st = new ConversationState('w', 'PN');
    st.close(0);
    st.receive([msg('old')]);
    const { fresh } = recordAll(st, 1000, ['old']);
    expect(fresh).toEqual([]);
    expect(st.status).toBe('resolved');
    expect(st.hasBurst()).toBe(false);
    expect(st.snapshot().messagesSeen).toBe(0);
  });

  it('statuses always pass and never join a burst', () => {
    const st = new ConversationState('w', 'PN');
    expect(st.receive([status('x', 'read'), status('x', 'delivered')])).toBe(2);
    recordAll(st);
    expect(st.hasBurst()).toBe(false);
    expect(st.hasPending()).toBe(false);
  });

  it('keeps lastInboundAt at the newest message, whatever the arrival order', () => {
    const st = new ConversationState('w', 'PN');
    st.receive([msg('late', '2026-01-01T12:00:00.000Z'), msg('early', '2026-01-01T09:00:00.000Z')]);
    recordAll(st);
    expect(st.snapshot().lastInboundAt).toBe('2026-01-01T12:00:00.000Z');
  });

  it('recorded events leave the queue; ids stick; batches are bounded', () => {
    const st = new ConversationState('w', 'PN');
    st.receive([msg('a'), msg('b')]);
    const batch = st.peekPending();
    st.receive([msg('c')]);
    st.recorded(batch, answer(batch), 0);
    expect(st.peekPending().map((e) => e.waMessageId)).toEqual(['c']);
    expect(st.snapshot()).toMatchObject({ conversationId: 'conv', contactId: 'contact', pending: 1 });
    for (let i = 0; i < 10; i++) st.receive([msg(`n${i}`)]);
    expect(st.peekPending(4)).toHaveLength(4);
    expect(st.peekPending(Infinity, 1)).toHaveLength(1);
  });

  it('carries everything across continue-as-new: ids (bounded), queue, burst, tried agents, urgency floor, placements', () => {
    const st = new ConversationState('w', 'PN');
    for (let i = 0; i < SEEN_IDS_LIMIT + 10; i++) st.receive([msg(`m${i}`)]);
    st.recorded(st.peekPending(3), answer(st.peekPending(3)), 5000);
    st.applyDecision(decision(), { assignee: 'ag-1', team: 'sales' }, '2026-01-01T10:00:02.000Z', '2026-01-01T10:00:00.000Z', { armSla: true });
    st.receive([msg('x1')]);
    recordAll(st, 6000);
    st.escalated('high', { assignee: 'ag-2', team: 'sales' }, 'ag-1', '2026-01-01T12:00:00.000Z');
    st.queuePlacement({ assignee: 'ag-3', team: 'sales' });
    const carried = st.carry();
    expect(carried.seenIds).toHaveLength(SEEN_IDS_LIMIT);
    expect(carried.seenIds).not.toContain('m0');
    const next = new ConversationState('w', 'PN', carried);
    expect(next.receive([msg(`m${SEEN_IDS_LIMIT + 9}`)])).toBe(0);
    expect(next.triedAgents()).toEqual(['ag-1']);
    expect(next.burstDueAtMs()).toBe(st.burstDueAtMs());
    expect(next.hasPlacements()).toBe(true);
    expect(next.routingCurrent().urgencyFloor).toBe('high');
    expect(next.snapshot().sla).toMatchObject({ breaches: 1, dueAt: '2026-01-01T12:00:00.000Z' });
  });

  it('a buyer writing again reopens a resolved conversation (once the CRM says the message is new)', () => {
    const st = new ConversationState('w', 'PN');
    st.receive([msg('a')]);
    recordAll(st);
    st.close(0);
    expect(st.status).toBe('resolved');
    expect(st.quietSinceMs()).toBe(0);
    st.receive([msg('z')]);
    expect(st.status).toBe('resolved'); // a signal only enqueues
    recordAll(st);
    expect(st.status).toBe('open');
    expect(st.quietSinceMs()).toBeNull();
  });

  it('validators reject actions in the wrong state, and bound every id', () => {
    const st = new ConversationState('w', 'PN');
    expect(() => st.validatePause()).toThrow(/no recorded message/);
    st.receive([msg('a')]);
    recordAll(st);
    expect(() => st.validateResume()).toThrow(StateError);
    st.pause();
    expect(() => st.validatePause()).toThrow(/already paused/);
    expect(() => st.validateRelease()).toThrow(StateError);
    st.takeOver('agent-1', 'sales');
    expect(st.snapshot()).toMatchObject({ assignee: 'agent-1', takenOverBy: 'agent-1', team: 'sales' });
    expect(() => st.validateTakeOver({ agentId: 'agent-1' })).toThrow(StateError);
    expect(() => st.validateTakeOver({ agentId: '' })).toThrow(/agentId/);
    // Whatever reaches a search attribute is bounded: a 5,000-character id is refused, not applied.
    expect(() => st.validateTakeOver({ agentId: 'x'.repeat(5000) })).toThrow(/longer than/);
    expect(() => st.validateReassign({ assignee: 'x'.repeat(5000) })).toThrow(/longer than/);
    expect(() => st.validatePause({ reason: 'r'.repeat(5000) })).toThrow(/reason is longer/);
    st.release();
    expect(st.snapshot().assignee).toBeNull();
    expect(() => st.validateReassign({})).toThrow(/assignee or a team/);
    st.reassign({ assignee: null, team: 'sales' });
    expect(st.snapshot().team).toBe('sales');
    st.close(0);
    expect(() => st.validateClose()).toThrow(/already resolved/);
  });

  it('a human action bumps the generation: automation started before it may not send', () => {
    const st = new ConversationState('w', 'PN');
    st.receive([msg('a')]);
    recordAll(st);
    const gen = st.generation;
    expect(st.automationMaySend(gen)).toBe(true);
    st.preempt();
    expect(st.automationMaySend(gen)).toBe(false);
    expect(st.automationMaySend(st.generation)).toBe(true);
    st.pause();
    expect(st.automationMaySend(st.generation)).toBe(false);
    st.resume();
    st.takeOver('ag', null);
    expect(st.automationMaySend(st.generation)).toBe(false);
  });

  it('a decision made stale by a human does not arm a deadline; a breach deadline is never brought earlier', () => {
    const st = new ConversationState('w', 'PN');
    st.receive([msg('a')]);
    recordAll(st);
    st.applyDecision(decision(), null, '2026-01-01T10:00:02.000Z', '2026-01-01T10:00:00.000Z', { armSla: false });
    expect(st.snapshot().sla ?? null).toBeNull();
    st.applyDecision(decision(), null, '2026-01-01T10:00:02.000Z', '2026-01-01T10:00:00.000Z', { armSla: true });
    expect(st.snapshot().sla?.dueAt).toBe('2026-01-01T11:00:00.000Z');
    // Breached: the escalation sets the next deadline; a later decision with an earlier one keeps it.
    st.escalated('high', null, null, '2026-01-01T13:00:00.000Z');
    st.applyDecision(decision({ dueAt: '2026-01-01T10:30:00.000Z' }), null, '2026-01-01T12:00:00.000Z', '2026-01-01T10:00:00.000Z', { armSla: true });
    expect(st.snapshot().sla).toMatchObject({ dueAt: '2026-01-01T13:00:00.000Z', breaches: 1 });
    // A person answered: the clock stops, the floor and the tried agents go.
    st.humanReplied('2026-01-01T12:30:00.000Z');
    expect(st.snapshot().sla ?? null).toBeNull();
    expect(st.routingCurrent()).toMatchObject({ urgencyFloor: null, humanRepliedAt: '2026-01-01T12:30:00.000Z', awaitingReplySince: null });
  });

  it('placements from outside never undo a close or a take-over', () => {
    const st = new ConversationState('w', 'PN');
    st.receive([msg('a')]);
    recordAll(st);
    st.takeOver('owner', 'sales');
    st.queuePlacement({ assignee: 'other', team: 'sales' });
    st.applyPlacements();
    expect(st.snapshot().assignee).toBe('owner');
    st.release();
    st.queuePlacement({ assignee: 'other', team: 'sales' });
    expect(st.applyPlacements()).toBe(1);
    expect(st.snapshot().assignee).toBe('other');
  });

  it('snooze: validated, stops the response clock, ends at its time or on a message, back to the status before', () => {
    const st = new ConversationState('w', 'PN');
    st.receive([msg('s1')]);
    recordAll(st, Date.parse('2026-01-01T10:00:00.000Z'));
    st.applyDecision(decision(), null, '2026-01-01T10:00:02.000Z', '2026-01-01T10:00:00.000Z', { armSla: true });
    const now = Date.parse('2026-01-01T10:10:00.000Z');
    expect(() => st.validateSnooze({ until: 'soon' }, now)).toThrow(/ISO-8601/);
    expect(() => st.validateSnooze({ until: '2026-01-01T10:00:00.000Z' }, now)).toThrow(/future/);
    expect(() => st.validateSnooze({ until: '2028-01-01T10:00:00.000Z' }, now)).toThrow(/a year/);
    expect(() => st.validateSnooze({ until: '2026-01-02T10:00:00.000Z' }, now)).not.toThrow();
    const due = Date.parse(st.snapshot().sla!.dueAt);
    st.snoozeUntil('2026-01-02T10:10:00.000Z', now);
    expect(st.snapshot()).toMatchObject({ status: 'snoozed', snooze: { until: '2026-01-02T10:10:00.000Z', statusBefore: 'open' } });
    expect(st.slaBreached(due + 3600_000)).toBe(false);
    expect(st.automationMaySend(st.generation)).toBe(false);
    expect(st.snoozeDue(Date.parse('2026-01-02T10:09:59.000Z'))).toBe(false);
    expect(st.snoozeDue(Date.parse('2026-01-02T10:10:00.000Z'))).toBe(true);
    const wake = Date.parse('2026-01-02T10:10:00.000Z');
    expect(st.endSnooze(wake)).toMatchObject({ until: '2026-01-02T10:10:00.000Z' });
    expect(st.snapshot()).toMatchObject({ status: 'open', snooze: null });
    expect(Date.parse(st.snapshot().sla!.dueAt)).toBe(wake + (due - now));

    // Without a time: until the buyer writes.
    st.snoozeUntil(null, wake);
    expect(st.snoozeDue(wake + 400 * 86400_000)).toBe(false);
    st.receive([msg('s2', '2026-01-03T09:00:00.000Z')]);
    recordAll(st, Date.parse('2026-01-03T09:00:00.000Z'));
    expect(st.snapshot()).toMatchObject({ status: 'open', snooze: null });

    st.close(wake);
    expect(() => st.validateSnooze({}, wake)).toThrow(/resolved/);
  });
});
