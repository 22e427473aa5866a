// The readable summary shown as the workflow's current details in Temporal UI.
import type { ConversationSnapshot } from './contract.js';

export function describeConversation(s: ConversationSnapshot): string {
  const who = s.waId ?? s.userId ?? 'unknown sender';
  const lines = [
    `**${s.status}** conversation with ${who}${s.contactId ? ` (contact ${s.contactId})` : ''}`,
    `urgency: ${s.urgency} · assignee: ${s.assignee ?? 'unassigned'}${s.team ? ` · team: ${s.team}` : ''}${s.paused ? ' · automation paused' : ''}`,
    `messages: ${s.messagesSeen}${s.lastInboundAt ? ` · last inbound ${s.lastInboundAt}` : ''}${s.pending ? ` · ${s.pending} pending` : ''}`,
  ];
  if (s.sla) lines.push(`${s.sla.kind.replace('_', ' ')} due ${s.sla.dueAt}${s.sla.breaches ? ` (breached ${s.sla.breaches}x, escalated)` : ''}`);
  if (s.lastDecision) {
    lines.push(`last decision ${s.lastDecision.at}: ${s.lastDecision.intent} (${s.lastDecision.language}), ${s.lastDecision.urgency}`);
    for (const r of s.lastDecision.reasons.slice(0, 8)) lines.push(`- ${r}`);
  }
  return lines.join('\n');
}
