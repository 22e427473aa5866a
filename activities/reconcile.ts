// The reconciler: a slot held by a conversation whose workflow no longer runs is given back (and
// the freed slot goes to the queue), fenced by the run id on the assignment row; a running run
// that has not claimed its conversation's assignment yet (a continue-as-new, a restart) adopts it.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { heldAssignments, releaseIfHeldBy } from '../db/routing/assignment.js';
import { conversations, interactionEvents } from '../db/schema.js';
import { notifyPlacements } from './placements.js';

export interface ReconcileReport {
  checked: number;
  /** Conversations whose running run took over the assignment of an earlier run. */
  adopted: number;
  /** Slots given back: their workflow was not running. */
  released: { conversationId: string; workflowId: string; assignee: string; runId: string | null }[];
  /** Queued conversations placed in the slots given back. */
  placed: number;
}

export function createReconcileActivities(db: Db, temporal?: Client) {
  return {
    async reconcileAssignments(input: { limit?: number } = {}): Promise<ReconcileReport> {
      const report: ReconcileReport = { checked: 0, adopted: 0, released: [], placed: 0 };
      if (!temporal) return report;
      let afterId: string | undefined;
      for (;;) {
        const rows = await heldAssignments(db, { limit: input.limit ?? 200, afterId });
        if (rows.length === 0) break;
        for (const row of rows) {
          report.checked++;
          let running: string | null = null;
          try {
            const d = await temporal.workflow.getHandle(row.workflowId).describe();
            if (d.status.name === 'RUNNING') running = d.runId;
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }
          if (running) {
            if (row.runId !== running) {
              const updated = await db
                .update(conversations)
                .set({ assignedRunId: running })
                .where(and(eq(conversations.id, row.conversationId), sql`${conversations.assignedRunId} is not distinct from ${row.runId}`))
                .returning({ id: conversations.id });
              report.adopted += updated.length;
            }
            continue;
          }
          const r = await releaseIfHeldBy(db, { conversationId: row.conversationId, runId: row.runId });
          if (!r.released) continue;
          report.released.push({ conversationId: row.conversationId, workflowId: row.workflowId, assignee: r.released, runId: row.runId });
          report.placed += r.freed.length;
          await notifyPlacements(temporal, r.freed, 'capacity freed by the reconciler');
          await db
            .insert(interactionEvents)
            .values({
              idempotencyKey: `reconciled:${row.conversationId}:${row.runId ?? 'none'}:${r.released}`,
              conversationId: row.conversationId,
              kind: 'reconciled',
              payload: { released: r.released, runId: row.runId, reasons: [`the conversation's workflow is not running: ${r.released}'s slot given back`] },
            })
            .onConflictDoNothing();
        }
        afterId = rows.at(-1)!.conversationId;
        if (rows.length < (input.limit ?? 200)) break;
      }
      return report;
    },
  };
}
