import { describe, expect, it } from 'vitest';
import type { InboundMessageEvent, StatusEvent } from '../../whatsapp/events.js';
import { ConversationState, SEEN_IDS_LIMIT, StateError } from '../../workflows/conversation/state.js';

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

describe('ConversationState', () => {
  it('takes a message id once, across signals and within one', () => {
    const st = new ConversationState('wa:PN:966500000001', 'PN');
    expect(st.receive([msg('a'), msg('a'), msg('b')])).toBe(2);
    expect(st.receive([msg('b')])).toBe(0);
    expect(st.snapshot()).toMatchObject({ messagesSeen: 2, pending: 2, waId: '966500000001' });
  });

  it('statuses always pass (their order is settled in the CRM write)', () => {
    const st = new ConversationState('w', 'PN');
    expect(st.receive([status('x', 'read'), status('x', 'delivered')])).toBe(2);
  });

  it('keeps lastInboundAt at the newest message, whatever the arrival order', () => {
    const st = new ConversationState('w', 'PN');
    st.receive([msg('late', '2026-01-01T12:00:00.000Z'), msg('early', '2026-01-01T09:00:00.000Z')]);
    expect(st.snapshot().lastInboundAt).toBe('2026-01-01T12:00:00.000Z');
  });

  it('recorded events leave the queue; ids stick', () => {
    const st = new ConversationState('w', 'PN');
    st.receive([msg('a'), msg('b')]);
    const batch = st.peekPending();
    st.receive([msg('c')]);
    st.recorded(batch.length, { conversationId: 'conv', contactId: 'contact' });
    expect(st.peekPending().map((e) => e.waMessageId)).toEqual(['c']);
    expect(st.snapshot()).toMatchObject({ conversationId: 'conv', contactId: 'contact', pending: 1 });
  });

  it('remembers a bounded number of ids, and carries them across continue-as-new', () => {
    const st = new ConversationState('w', 'PN');
    for (let i = 0; i < SEEN_IDS_LIMIT + 10; i++) st.receive([msg(`m${i}`)]);
    const carried = st.carry();
    expect(carried.seenIds).toHaveLength(SEEN_IDS_LIMIT);
    expect(carried.seenIds).not.toContain('m0');
    const next = new ConversationState('w', 'PN', carried);
    expect(next.receive([msg(`m${SEEN_IDS_LIMIT + 9}`)])).toBe(0);
    expect(next.snapshot().pending).toBe(carried.pendingEvents.length);
  });

  it('a buyer writing again reopens a resolved conversation', () => {
    const st = new ConversationState('w', 'PN');
    st.close();
    expect(st.status).toBe('resolved');
    st.receive([msg('z')]);
    expect(st.status).toBe('open');
  });

  it('validators reject actions in the wrong state', () => {
    const st = new ConversationState('w', 'PN');
    expect(() => st.validateResume()).toThrow(StateError);
    st.pause();
    expect(() => st.validatePause()).toThrow(/already paused/);
    expect(() => st.validateRelease()).toThrow(StateError);
    st.takeOver('agent-1');
    expect(st.snapshot()).toMatchObject({ assignee: 'agent-1', takenOverBy: 'agent-1' });
    expect(() => st.validateTakeOver({ agentId: 'agent-1' })).toThrow(StateError);
    expect(() => st.validateTakeOver({ agentId: '' })).toThrow(/agentId/);
    // Whatever reaches a search attribute is bounded: a 5,000-character id is refused, not applied.
    expect(() => st.validateTakeOver({ agentId: 'x'.repeat(5000) })).toThrow(/longer than/);
    expect(() => st.validateReassign({ assignee: 'x'.repeat(5000) })).toThrow(/longer than/);
    expect(() => st.validatePause({ reason: 'r'.repeat(5000) })).toThrow(/reason is longer/);
    st.release();
    expect(st.snapshot().assignee).toBeNull();
    expect(() => st.validateReassign({})).toThrow(/assignee or a team/);
    st.reassign({ team: 'sales' });
    expect(st.snapshot().team).toBe('sales');
    st.close();
    expect(() => st.validateClose()).toThrow(/already resolved/);
  });
});
