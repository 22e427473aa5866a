import { describe, expect, it } from 'vitest';
import { DEFAULT_DEAL_STAGES, DEFAULT_RULES, validateRules, type DealStageRules } from '../../domain/rules.js';
import { proposeDealStage } from '../../workflows/policy/deal-stage.js';

const deal = (stage: string, status = 'open') => ({ title: 'Office chairs', stage, status });
const rules = (over: Partial<DealStageRules> = {}): DealStageRules => ({ ...DEFAULT_DEAL_STAGES, ...over });

describe('deal stage proposals', () => {
  it('an order intent on an open deal proposes the next stage, for a person to confirm', () => {
    const p = proposeDealStage({ intent: 'order', deal: deal('qualified'), rules: rules() });
    expect(p).toMatchObject({ kind: 'propose', from: 'qualified', to: 'proposal', apply: false });
    if (p.kind === 'propose') expect(p.reason).toMatch(/order intent on open deal "Office chairs": stage "qualified" -> "proposal" proposed \(a person confirms\)/);
  });

  it('the rules may apply it at once', () => {
    const p = proposeDealStage({ intent: 'order', deal: deal('new'), rules: rules({ confirm: false }) });
    expect(p).toMatchObject({ kind: 'propose', from: 'new', to: 'qualified', apply: true });
  });

  it('a named stage moves forward only', () => {
    const r = rules({ signals: { pricing: 'proposal', order: 'next' } });
    expect(proposeDealStage({ intent: 'pricing', deal: deal('new'), rules: r })).toMatchObject({ kind: 'propose', to: 'proposal' });
    const back = proposeDealStage({ intent: 'pricing', deal: deal('negotiation'), rules: r });
    expect(back).toMatchObject({ kind: 'none' });
    expect(back.reason).toMatch(/already at "negotiation", past "proposal"/);
    expect(proposeDealStage({ intent: 'pricing', deal: deal('proposal'), rules: r }).kind).toBe('none');
  });

  it('nothing: an intent without a signal, no deal, a closed deal, the last stage, an unknown stage, a pending proposal', () => {
    expect(proposeDealStage({ intent: 'greeting', deal: deal('new'), rules: rules() })).toEqual({ kind: 'none', reason: null });
    expect(proposeDealStage({ intent: 'order', deal: null, rules: rules() })).toEqual({ kind: 'none', reason: null });
    expect(proposeDealStage({ intent: 'order', deal: deal('new', 'won'), rules: rules() }).reason).toMatch(/is won/);
    expect(proposeDealStage({ intent: 'order', deal: deal('closing'), rules: rules() }).reason).toMatch(/last stage/);
    expect(proposeDealStage({ intent: 'order', deal: deal('Demo booked'), rules: rules() }).reason).toMatch(/pipeline does not list/);
    expect(proposeDealStage({ intent: 'order', deal: deal('new'), rules: rules(), pending: { to: 'qualified' } }).reason).toMatch(/already waits for a person/);
  });
});

describe('rules.deals', () => {
  const withDeals = (deals: unknown) => validateRules({ ...JSON.parse(JSON.stringify(DEFAULT_RULES)), deals });
  it('defaults when missing; a custom pipeline and signals are kept', () => {
    const { deals: _omit, ...rest } = JSON.parse(JSON.stringify(DEFAULT_RULES));
    const r = validateRules(rest);
    expect(r.ok && r.rules.deals).toEqual(DEFAULT_DEAL_STAGES);
    const c = withDeals({ pipeline: ['lead', 'demo', 'contract'], signals: { order: 'contract', pricing: 'next' }, confirm: false });
    expect(c.ok && c.rules.deals).toEqual({ pipeline: ['lead', 'demo', 'contract'], signals: { order: 'contract', pricing: 'next' }, confirm: false });
  });
  it.each([
    [{ pipeline: ['only'] }, /deals.pipeline: must be a list of 2/],
    [{ pipeline: ['a', 'a'] }, /distinct/],
    [{ signals: { order: 'won' } }, /deals.signals.order: must be "next" or a stage of the pipeline/],
    [{ signals: { buying: 'next' } }, /deals.signals.buying: not an intent/],
    [{ confirm: 'yes' }, /deals.confirm/],
    [{ stages: [] }, /deals.stages: unknown field/],
    ['x', /deals: must be an object/],
  ])('%j is refused with a reason', (deals, reason) => {
    const r = withDeals(deals);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reasons.join('\n')).toMatch(reason);
  });
});
