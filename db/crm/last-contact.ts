// Last-contact timestamps (kept by the messages trigger, db/migrations/0018): the same three fields
// on contacts, companies and deals.
export interface LastContactView {
  /** The latest message either way. */
  lastContactAt: string | null;
  /** The buyer's latest message. */
  lastInboundAt: string | null;
  /** Ours (an agent's, or automation's). */
  lastOutboundAt: string | null;
}

export const lastContactView = (r: { lastContactAt: Date | null; lastInboundAt: Date | null; lastOutboundAt: Date | null }): LastContactView => ({
  lastContactAt: r.lastContactAt?.toISOString() ?? null,
  lastInboundAt: r.lastInboundAt?.toISOString() ?? null,
  lastOutboundAt: r.lastOutboundAt?.toISOString() ?? null,
});
