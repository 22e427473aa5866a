// Step 6, CRM records: which stage a buyer's words propose for their open deal. Pure: the activity
// that records the decision calls it and writes what it says (db/crm/deal-stages.ts).
import type { DealStageRules } from '../../domain/rules.js';

export interface DealForStage {
  title: string;
  stage: string;
  status: string;
}

export type StageProposal =
  | { kind: 'propose'; from: string; to: string; apply: boolean; reason: string }
  | { kind: 'none'; reason: string | null };

/**
 * An intent the rules map to a stage, on an open deal, moves it forward along the pipeline: to the
 * next stage ("next") or to the named one. Never backwards, never past the end, never on a closed
 * deal; a proposal already waiting for a person is not made twice.
 */
export function proposeDealStage(input: {
  intent: string;
  deal: DealForStage | null;
  rules: DealStageRules;
  pending?: { to: string } | null;
}): StageProposal {
  const { intent, deal, rules } = input;
  const target = rules.signals[intent];
  if (!target || !deal) return { kind: 'none', reason: null };
  const title = `deal "${deal.title.slice(0, 60)}"`;
  if (deal.status !== 'open') return { kind: 'none', reason: `${intent} intent: ${title} is ${deal.status}, its stage stays` };
  const at = rules.pipeline.indexOf(deal.stage);
  if (at < 0) return { kind: 'none', reason: `${intent} intent: ${title} is at stage "${deal.stage}", which the pipeline does not list: no stage proposed` };
  const to = target === 'next' ? rules.pipeline[at + 1] : target;
  if (to === undefined) return { kind: 'none', reason: `${intent} intent: ${title} is at the pipeline's last stage "${deal.stage}"` };
  if (rules.pipeline.indexOf(to) <= at) return { kind: 'none', reason: `${intent} intent: ${title} is already at "${deal.stage}", past "${to}"` };
  if (input.pending) return { kind: 'none', reason: `${intent} intent: a move of ${title} to "${input.pending.to}" already waits for a person` };
  const apply = !rules.confirm;
  return {
    kind: 'propose',
    from: deal.stage,
    to,
    apply,
    reason: `${intent} intent on open ${title}: stage "${deal.stage}" -> "${to}" ${apply ? 'applied (the rules apply stage moves at once; reversible)' : 'proposed (a person confirms)'}`,
  };
}
