import { describe, expect, it } from 'vitest';
import type { Classification } from '../../workflows/policy/classify/types.js';
import type { Intent, Urgency } from '../../domain/vocabulary.js';
import { DEFAULT_RULES, type RulesDocument } from '../../domain/rules.js';
import { decideRouting, type RoutingInput } from '../../workflows/policy/routing.js';

// Riyadh is UTC+3. 2026-04-01 Wednesday, 2026-04-02 Thursday, 2026-04-05 Sunday.
const WED_11 = '2026-04-01T08:00:00.000Z';
const THU_23 = '2026-04-02T20:00:00.000Z';

const NO_REPLY: Intent[] = ['acknowledgment', 'spam', 'opt_out'];
function cls(intent: Intent, o: Partial<Classification> = {}): Classification {
  return {
    language: 'en',
    intent,
    needsReply: !NO_REPLY.includes(intent),
    urgency: NO_REPLY.includes(intent) ? 'low' : 'normal',
    optOut: intent === 'opt_out',
    signals: [],
    ...o,
  };
}
type Over = { burst?: Classification[]; at?: string; now?: string; rules?: RulesDocument; context?: Partial<RoutingInput['context']>; current?: Partial<RoutingInput['current']> };
function route(o: Over = {}) {
  const now = o.now ?? WED_11;
  return decideRouting({
    burst: (o.burst ?? [cls('question')]).map((classification) => ({ classification, at: o.at ?? now })),
    now,
    rules: o.rules ?? DEFAULT_RULES,
    context: { ownerAgentId: null, dealOwnerAgentId: null, dealStage: null, dealValue: null, language: null, replyLatencyMedianSec: null, earlierConversations: 0, ...o.context },
    current: { assignee: null, team: null, takenOverBy: null, paused: false, awaitingReplySince: null, firstResponseDone: false, ...o.current },
  });
}
const withRules = (f: (r: RulesDocument) => void): RulesDocument => {
  const r = JSON.parse(JSON.stringify(DEFAULT_RULES)) as RulesDocument;
  f(r);
  return r;
};

describe('intent -> team', () => {
  for (const [intent, team] of [
    ['greeting', 'sales'],
    ['question', 'sales'],
    ['pricing', 'sales'],
    ['order', 'sales'],
    ['support', 'support'],
    ['complaint', 'support'],
  ] as const) {
    it(`${intent} -> ${team}`, () => {
      const d = route({ burst: [cls(intent)] });
      expect(d.intent).toBe(intent);
      expect(d.team).toBe(team);
      expect(d.reasons).toContain(`intent ${intent}, language en -> team ${team}`);
    });
  }
  it('an intent no team lists goes to the first team, or defaultTeam', () => {
    expect(route({ burst: [cls('other')] }).team).toBe('sales');
    expect(route({ burst: [cls('other')], rules: withRules((r) => (r.defaultTeam = 'support')) }).team).toBe('support');
  });
  it('an intent no team lists keeps the current team', () => {
    const d = route({ burst: [cls('other')], current: { team: 'support' } });
    expect(d.team).toBe('support');
    expect(d.reasons).toContain('no team handles intent other -> stays with team support');
  });
  it('a current team no longer in the rules is not kept', () => {
    expect(route({ burst: [cls('other')], current: { team: 'gone' } }).team).toBe('sales');
  });
});

describe('language', () => {
  const byLanguage = withRules((r) => {
    r.teams = [
      { name: 'sales-en', intents: ['pricing'], languages: ['en'] },
      { name: 'sales-ar', intents: ['pricing'], languages: ['ar'] },
    ];
  });
  it('the team with the intent that speaks the language', () => {
    expect(route({ burst: [cls('pricing', { language: 'ar' })], rules: byLanguage }).team).toBe('sales-ar');
    expect(route({ burst: [cls('pricing', { language: 'en' })], rules: byLanguage }).team).toBe('sales-en');
    expect(route({ burst: [cls('pricing', { language: 'ar-SA' })], rules: byLanguage }).team).toBe('sales-ar');
  });
  it('no team speaks it: the first team with the intent', () => {
    const d = route({ burst: [cls('pricing', { language: 'fr' })], rules: byLanguage });
    expect(d.team).toBe('sales-en');
    expect(d.reasons).toContain('intent pricing -> team sales-en (no team with intent pricing speaks fr)');
  });
  it("no letters ('und'): the contact's language", () => {
    const d = route({ burst: [cls('pricing', { language: 'und' })], rules: byLanguage, context: { language: 'ar' } });
    expect(d.language).toBe('ar');
    expect(d.team).toBe('sales-ar');
  });
  it("no letters and no contact language: 'und'", () => {
    const d = route({ burst: [cls('pricing', { language: 'und' })], rules: byLanguage });
    expect(d.language).toBe('und');
    expect(d.team).toBe('sales-en');
  });
  it('the newest message with letters decides', () => {
    const d = route({ burst: [cls('greeting', { language: 'en' }), cls('pricing', { language: 'ar' }), cls('other', { language: 'und', needsReply: false })], rules: byLanguage });
    expect(d.language).toBe('ar');
  });
});

describe('burst intent', () => {
  it('the most substantive message of the burst', () => {
    expect(route({ burst: [cls('greeting'), cls('pricing'), cls('other')] }).intent).toBe('pricing');
    expect(route({ burst: [cls('pricing'), cls('complaint')] }).intent).toBe('complaint');
    expect(route({ burst: [cls('support'), cls('order')] }).intent).toBe('order');
    expect(route({ burst: [cls('acknowledgment'), cls('spam')] }).intent).toBe('acknowledgment');
    expect(route({ burst: [cls('question'), cls('support')] }).intent).toBe('support');
    expect(route({ burst: [cls('greeting'), cls('question')] }).intent).toBe('question');
  });
  it('the full priority order, pairwise, in either order', () => {
    const order: Intent[] = ['opt_out', 'complaint', 'order', 'support', 'pricing', 'question', 'greeting', 'other', 'acknowledgment', 'spam'];
    order.forEach((hi, i) =>
      order.slice(i + 1).forEach((lo) => {
        expect(route({ burst: [cls(lo), cls(hi)] }).intent, `${lo}+${hi}`).toBe(hi);
        expect(route({ burst: [cls(hi), cls(lo)] }).intent, `${hi}+${lo}`).toBe(hi);
      }),
    );
  });
  it('needs a reply if any message does', () => {
    expect(route({ burst: [cls('acknowledgment'), cls('question')] }).needsReply).toBe(true);
    const none = route({ burst: [cls('acknowledgment')] });
    expect(none.needsReply).toBe(false);
    expect(none.slaKind).toBeNull();
    expect(none.dueAt).toBeNull();
    expect(none.acknowledge).toBeNull();
    expect(none.urgency).toBe('low');
  });
  it('a greeting closed by an acknowledgment after our reply needs no reply', () => {
    const d = route({ burst: [cls('greeting'), cls('acknowledgment')], current: { firstResponseDone: true } });
    expect(d.needsReply).toBe(false);
    expect(d.dueAt).toBeNull();
  });
  it('...but a question before the acknowledgment still does, and so does a new conversation', () => {
    expect(route({ burst: [cls('question'), cls('acknowledgment')], current: { firstResponseDone: true } }).needsReply).toBe(true);
    expect(route({ burst: [cls('greeting'), cls('acknowledgment')] }).needsReply).toBe(true);
  });
  it('an empty burst needs nothing', () => {
    const d = route({ burst: [] });
    expect(d.needsReply).toBe(false);
    expect(d.intent).toBe('other');
  });
});

describe('preferred agent (sticky)', () => {
  const context = { ownerAgentId: 'owner', dealOwnerAgentId: 'deal-owner' };
  it('taker first, then assignee, then contact owner, then deal owner', () => {
    expect(route({ context, current: { takenOverBy: 'taker', assignee: 'assignee' } }).preferredAgentId).toBe('taker');
    expect(route({ context, current: { assignee: 'assignee' } }).preferredAgentId).toBe('assignee');
    expect(route({ context }).preferredAgentId).toBe('owner');
    expect(route({ context: { dealOwnerAgentId: 'deal-owner' } }).preferredAgentId).toBe('deal-owner');
    expect(route().preferredAgentId).toBeNull();
  });
  it('states why', () => {
    expect(route({ context }).reasons).toContain('contact owner owner preferred');
    expect(route({ context: { dealOwnerAgentId: 'd' } }).reasons).toContain('deal owner d preferred');
  });
});

describe('urgency', () => {
  it('the highest of the burst', () => {
    expect(route({ burst: [cls('question', { urgency: 'high' }), cls('greeting')] }).urgency).toBe('high');
    expect(route({ burst: [cls('complaint', { urgency: 'urgent' }), cls('question', { urgency: 'high' })] }).urgency).toBe('urgent');
  });
  it('a message that needs a reply is at least normal', () => {
    expect(route({ burst: [cls('question', { urgency: 'low' })] }).urgency).toBe('normal');
  });
  it('deal value >= 20,000 raises one step', () => {
    const d = route({ context: { dealValue: 50_000 } });
    expect(d.urgency).toBe('high');
    expect(d.reasons).toContain('deal value 50,000 >= 20,000 -> urgency high');
    expect(route({ context: { dealValue: 19_999 } }).urgency).toBe('normal');
    expect(route({ context: { dealValue: 20_000 } }).urgency).toBe('high');
  });
  it('a late deal stage raises one step (case-insensitive)', () => {
    for (const stage of ['Negotiation', 'proposal', 'QUOTE', 'closing']) {
      const d = route({ context: { dealStage: stage } });
      expect(d.urgency, stage).toBe('high');
      expect(d.reasons).toContain(`deal stage ${stage} is late -> urgency high`);
    }
    expect(route({ context: { dealStage: 'lead' } }).urgency).toBe('normal');
  });
  it('a fast, engaged buyer raises one step', () => {
    const d = route({ context: { replyLatencyMedianSec: 120 } });
    expect(d.urgency).toBe('high');
    expect(d.reasons).toContain('buyer replies fast (median 120 s < 300 s) -> urgency high');
    expect(route({ context: { replyLatencyMedianSec: 300 } }).urgency).toBe('normal');
  });
  it('several conditions still raise one step only, each stated', () => {
    const d = route({ context: { dealValue: 90_000, dealStage: 'negotiation', replyLatencyMedianSec: 60 } });
    expect(d.urgency).toBe('high');
    expect(d.reasons.filter((r) => r.endsWith('-> urgency high'))).toHaveLength(3);
  });
  it('never above high from these rules; urgent stays urgent', () => {
    const high = route({ burst: [cls('question', { urgency: 'high' })], context: { dealValue: 50_000 } });
    expect(high.urgency).toBe('high');
    expect(high.reasons).toContain('deal value 50,000 >= 20,000 (urgency already high, not raised)');
    expect(route({ burst: [cls('question', { urgency: 'urgent' })], context: { dealValue: 50_000 } }).urgency).toBe('urgent');
  });
  it('no raise when no reply is needed', () => {
    expect(route({ burst: [cls('acknowledgment')], context: { dealValue: 50_000 } }).urgency).toBe('low');
  });
});

describe('opt-out', () => {
  it('no reply, no acknowledgement, urgency low', () => {
    const d = route({ burst: [cls('question', { urgency: 'high' }), cls('opt_out')], context: { dealValue: 50_000 } });
    expect(d.intent).toBe('opt_out');
    expect(d.optOut).toBe(true);
    expect(d.needsReply).toBe(false);
    expect(d.urgency).toBe('low');
    expect(d.acknowledge).toBeNull();
    expect(d.ackText).toBeNull();
    expect(d.slaKind).toBeNull();
    expect(d.dueAt).toBeNull();
  });
  it('an optOut flag on another intent counts too', () => {
    const d = route({ burst: [cls('complaint', { optOut: true })] });
    expect(d.optOut).toBe(true);
    expect(d.needsReply).toBe(false);
  });
});

describe('SLA and acknowledgement', () => {
  it('open, first message: ack with the expected time, first_response due in business hours', () => {
    const d = route();
    expect(d.slaKind).toBe('first_response');
    expect(d.dueAt).toBe('2026-04-01T12:00:00.000Z'); // Wed 11:00 + 4h = 15:00 Riyadh
    expect(d.acknowledge).toBe('ack');
    expect(d.ackText).toBe('Thanks for your message! A member of our team will reply within 4 hours.');
  });
  it('a buyer who answers in minutes gets no acknowledgement, but a person sooner, saying why', () => {
    const fast = route({ context: { replyLatencyMedianSec: 90, replyLatencySamples: 4 } });
    expect(fast.acknowledge).toBeNull();
    expect(fast.ackText).toBeNull();
    expect(fast.reasons.join('; ')).toMatch(/answers in minutes \(median 90 s over 4 answers\) -> no acknowledgement/);
    expect(fast.urgency).toBe('high');
    expect(fast.dueAt).not.toBeNull();
    // One quick answer is not "always": the acknowledgement still goes out; so it does to a slow buyer.
    expect(route({ context: { replyLatencyMedianSec: 90, replyLatencySamples: 1 } }).acknowledge).toBe('ack');
    expect(route({ context: { replyLatencyMedianSec: 3600, replyLatencySamples: 9 } }).acknowledge).toBe('ack');
    // Closed now: when we open is news even to a fast buyer.
    expect(route({ now: '2026-04-01T20:00:00.000Z', context: { replyLatencyMedianSec: 90, replyLatencySamples: 4 } }).acknowledge).toBe('after_hours');
  });
  it('Arabic acknowledgement', () => {
    const d = route({ burst: [cls('question', { language: 'ar' })] });
    expect(d.ackText).toBe('شكراً لرسالتك! سيرد عليك أحد أعضاء فريقنا خلال 4 ساعات.');
  });
  it('a language without texts gets English', () => {
    expect(route({ burst: [cls('question', { language: 'fr' })] }).ackText).toContain('within 4 hours');
  });
  it('near closing: due the next business morning', () => {
    const d = route({ now: '2026-04-01T13:30:00.000Z', burst: [cls('question', { urgency: 'high' })] }); // Wed 16:30, 1h
    expect(d.dueAt).toBe('2026-04-02T06:30:00.000Z'); // Thu 09:30
    expect(d.ackText).toContain('tomorrow at 09:30');
  });
  it('after hours, 23:00 Thursday, urgent complaint: after-hours notice, due 15 minutes later in calendar time', () => {
    const d = route({ now: THU_23, burst: [cls('complaint', { urgency: 'urgent' })] });
    expect(d.team).toBe('support');
    expect(d.urgency).toBe('urgent');
    expect(d.acknowledge).toBe('after_hours');
    expect(d.ackText).toBe("Thanks for your message. We're closed now; we'll reply when we open on Sunday at 09:00.");
    expect(d.slaKind).toBe('first_response');
    expect(d.dueAt).toBe('2026-04-02T20:15:00.000Z');
    expect(d.reasons.some((r) => r.includes('calendar time (urgent counts 24/7)'))).toBe(true);
  });
  it('after hours, normal complaint: due 4 business hours after Sunday 09:00', () => {
    const d = route({ now: THU_23, burst: [cls('complaint')] });
    expect(d.acknowledge).toBe('after_hours');
    expect(d.dueAt).toBe('2026-04-05T10:00:00.000Z'); // Sun 13:00
  });
  it('after hours in Arabic', () => {
    const d = route({ now: THU_23, burst: [cls('complaint', { language: 'ar' })] });
    expect(d.ackText).toBe('شكراً لرسالتك. نحن خارج ساعات العمل الآن؛ سنرد عليك عند بدء الدوام يوم الأحد الساعة 09:00.');
  });
  it('paused: no acknowledgement, the SLA still runs', () => {
    const d = route({ current: { paused: true } });
    expect(d.acknowledge).toBeNull();
    expect(d.ackText).toBeNull();
    expect(d.dueAt).toBe('2026-04-01T12:00:00.000Z');
    expect(d.reasons).toContain('paused -> no acknowledgement');
  });
  it('taken over: no acknowledgement', () => {
    expect(route({ current: { takenOverBy: 'a1' } }).acknowledge).toBeNull();
  });
  it('automation off: no acknowledgement', () => {
    expect(route({ rules: withRules((r) => (r.automation.acknowledge = false)) }).acknowledge).toBeNull();
    expect(route({ now: THU_23, rules: withRules((r) => (r.automation.acknowledge = false)) }).acknowledge).toBeNull();
  });
  it('after the first response: next_response SLA, no ack while open, after-hours notice when closed', () => {
    const rules = withRules((r) => (r.sla.normal = { firstResponseSec: 4 * 3600, nextResponseSec: 2 * 3600 }));
    const d = route({ rules, current: { firstResponseDone: true } });
    expect(d.slaKind).toBe('next_response');
    expect(d.dueAt).toBe('2026-04-01T10:00:00.000Z'); // Wed 11:00 + 2h
    expect(d.acknowledge).toBeNull();
    expect(route({ rules }).dueAt).toBe('2026-04-01T12:00:00.000Z'); // first response: 4h
    expect(route({ rules, now: THU_23, current: { firstResponseDone: true } }).acknowledge).toBe('after_hours');
  });
  it('the buyer already waiting: the clock started then, no second acknowledgement', () => {
    const d = route({ current: { awaitingReplySince: '2026-04-01T07:00:00.000Z' } }); // Wed 10:00
    expect(d.dueAt).toBe('2026-04-01T11:00:00.000Z'); // 10:00 + 4h
    expect(d.acknowledge).toBeNull();
  });
  it('the clock starts at the first message of the burst that needs a reply, never after now', () => {
    const d = route({ at: '2026-04-01T07:59:00.000Z' });
    expect(d.dueAt).toBe('2026-04-01T11:59:00.000Z');
    expect(route({ at: '2026-04-01T09:00:00.000Z' }).dueAt).toBe('2026-04-01T12:00:00.000Z');
  });
  it('an urgency raise shortens the deadline', () => {
    expect(route({ context: { dealValue: 25_000 } }).dueAt).toBe('2026-04-01T09:00:00.000Z'); // high: 1h
  });
  it('every urgency uses its own SLA', () => {
    const due: Record<Urgency, string> = {
      low: '2026-04-01T12:00:00.000Z', // a low-urgency message that needs a reply is normal
      normal: '2026-04-01T12:00:00.000Z',
      high: '2026-04-01T09:00:00.000Z',
      urgent: '2026-04-01T08:15:00.000Z',
    };
    for (const u of ['low', 'normal', 'high', 'urgent'] as const) expect(route({ burst: [cls('question', { urgency: u })] }).dueAt, u).toBe(due[u]);
  });
});

describe('determinism', () => {
  it('same input, same decision', () => {
    const o: Over = { now: THU_23, burst: [cls('greeting'), cls('complaint', { urgency: 'high' })], context: { ownerAgentId: 'x', dealValue: 30_000 } };
    expect(route(o)).toEqual(route(o));
  });
});

describe('automated answers in routing', () => {
  const withAnswered = (flags: boolean[], current: Partial<RoutingInput['current']> = {}, burst = flags.map(() => cls('question'))) =>
    decideRouting({
      burst: burst.map((classification, i) => ({ classification, at: WED_11, answeredByKnowledge: flags[i] })),
      now: WED_11,
      rules: DEFAULT_RULES,
      context: { ownerAgentId: null, dealOwnerAgentId: null, dealStage: null, dealValue: null, language: null, replyLatencyMedianSec: null, earlierConversations: 0 },
      current: { assignee: null, team: null, takenOverBy: null, paused: false, awaitingReplySince: null, firstResponseDone: true, ...current },
    });

  it('a burst the knowledge base answered needs no person: no deadline, no acknowledgement', () => {
    const d = withAnswered([true]);
    expect(d).toMatchObject({ needsReply: false, dueAt: null, acknowledge: null });
    expect(d.reasons.join()).toMatch(/1 message\(s\) answered from the knowledge base/);
  });
  it('the rest of a burst still goes to a person', () => {
    const d = withAnswered([true, false], {}, [cls('question'), cls('pricing')]);
    expect(d.needsReply).toBe(true);
    expect(d.slaKind).toBe('next_response');
  });
  it('after an automated answer, words that need no reply by themselves go to a person; thanks do not', () => {
    const other = withAnswered([false], { automatedAnswerAt: WED_11 }, [cls('other', { needsReply: false })]);
    expect(other.needsReply).toBe(true);
    expect(other.reasons.join()).toMatch(/after the automated answer/);
    const thanks = withAnswered([false], { automatedAnswerAt: WED_11 }, [cls('acknowledgment')]);
    expect(thanks.needsReply).toBe(false);
  });
});
