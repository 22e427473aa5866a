import { describe, expect, it } from 'vitest';
import { pickDeal, type OpenDeal } from '../../workflows/policy/deal-link.js';

const deal = (id: string, contactId: string | null, updated: string, value: string | null = null): OpenDeal => ({
  id, title: id, stage: 'new', value, currency: 'SAR', ownerAgentId: null, contactId, updatedAt: new Date(updated),
});

describe('pickDeal', () => {
  it('none open: none', () => expect(pickDeal('c', [])).toBeUndefined());
  it("the contact's own deal before the company's, even if older", () => {
    expect(pickDeal('c', [deal('company', null, '2026-03-01'), deal('own', 'c', '2026-01-01')])!.id).toBe('own');
  });
  it('the most recently updated among equals', () => {
    expect(pickDeal('c', [deal('old', 'c', '2026-01-01'), deal('new', 'c', '2026-02-01')])!.id).toBe('new');
  });
  it('the larger value on a tie', () => {
    expect(pickDeal('c', [deal('small', 'c', '2026-01-01', '100'), deal('big', 'c', '2026-01-01', '5000')])!.id).toBe('big');
  });
});
