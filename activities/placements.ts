// Every placement that fills a freed slot is told to its conversation from here (the agents API
// and the workflow's activities both call it): the `assigned` signal. A workflow that no longer
// runs learns it from the database at its next run; one the signal cannot reach now is left to
// the reconciler.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Placement } from '../db/routing/assignment.js';

export const ASSIGNED_SIGNAL = 'assigned';

export interface AssignedSignalArgs {
  assignee: string;
  team: string;
  reason?: string;
}

export async function notifyPlacements(
  temporal: Client | undefined,
  placed: Placement[],
  reason: string,
  log?: { warn(obj: unknown, msg?: string): void },
): Promise<{ signalled: number; notRunning: number; failed: number }> {
  const out = { signalled: 0, notRunning: 0, failed: 0 };
  if (!temporal || placed.length === 0) return out;
  await Promise.all(
    placed.map(async (p) => {
      try {
        await temporal.connection.withDeadline(Date.now() + 3000, () =>
          temporal.workflow.getHandle(p.workflowId).signal<[AssignedSignalArgs]>(ASSIGNED_SIGNAL, { assignee: p.assignee, team: p.team, reason }),
        );
        out.signalled++;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) out.notRunning++;
        else {
          out.failed++;
          log?.warn({ err, workflowId: p.workflowId }, 'could not signal an assignment; the database holds it');
        }
      }
    }),
  );
  return out;
}
