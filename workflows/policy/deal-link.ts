// Which open deal a conversation belongs to.

export interface OpenDeal {
  id: string;
  title: string;
  stage: string;
  value: string | null;
  currency: string | null;
  ownerAgentId: string | null;
  contactId: string | null;
  updatedAt: Date;
}

/**
 * The most relevant open deal for a conversation: the contact's own open deals before its
 * company's; among those the most recently updated; on a tie the larger value.
 */
export function pickDeal(contactId: string, open: readonly OpenDeal[]): OpenDeal | undefined {
  return [...open].sort(
    (a, b) =>
      Number(b.contactId === contactId) - Number(a.contactId === contactId) ||
      b.updatedAt.getTime() - a.updatedAt.getTime() ||
      Number(b.value ?? 0) - Number(a.value ?? 0),
  )[0];
}
