// Delivery statuses only move forward, whatever order Meta's webhooks arrive in:
// accepted < sent < delivered < read; `failed` is terminal and wins over anything but `read`
// (a message the buyer read was delivered, whatever a late failure says).

const RANK: Record<string, number> = { received: 0, accepted: 1, sent: 2, delivered: 3, read: 4 };

export function isKnownDeliveryStatus(s: string): boolean {
  return s in RANK || s === 'failed';
}

/** The status to store when `incoming` arrives for a message whose stored status is `current`. */
export function nextDeliveryStatus(current: string, incoming: string): string {
  if (current === incoming) return current;
  if (current === 'failed') return current;
  if (incoming === 'failed') return current === 'read' ? current : 'failed';
  const a = RANK[current];
  const b = RANK[incoming];
  if (b === undefined) return current;
  if (a === undefined) return incoming;
  return b > a ? incoming : current;
}
