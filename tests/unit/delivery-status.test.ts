import { describe, expect, it } from 'vitest';
import { nextDeliveryStatus } from '../../domain/delivery-status.js';

describe('delivery status moves forward only', () => {
  const order = ['accepted', 'sent', 'delivered', 'read'];
  it.each(order.flatMap((a) => order.map((b) => [a, b] as const)))('%s then %s', (a, b) => {
    expect(nextDeliveryStatus(a, b)).toBe(order.indexOf(b) > order.indexOf(a) ? b : a);
  });

  it('read -> delivered -> sent stays read, in any order', () => {
    let s = 'accepted';
    for (const x of ['read', 'delivered', 'sent']) s = nextDeliveryStatus(s, x);
    expect(s).toBe('read');
  });

  it('failed is terminal, but never overrides read', () => {
    expect(nextDeliveryStatus('sent', 'failed')).toBe('failed');
    expect(nextDeliveryStatus('failed', 'delivered')).toBe('failed');
    expect(nextDeliveryStatus('failed', 'read')).toBe('failed');
    expect(nextDeliveryStatus('read', 'failed')).toBe('read');
  });

  it('ignores unknown statuses', () => {
    expect(nextDeliveryStatus('delivered', 'deleted')).toBe('delivered');
  });
});
