// `assignmentReconciler`: started by a Temporal schedule every minute; gives back agents' slots held
// by conversations whose workflow no longer runs (activities/reconcile.ts).
import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { reconcileAssignments } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 3 },
});

export async function assignmentReconciler(): Promise<Awaited<ReturnType<Activities['reconcileAssignments']>>> {
  const report = await reconcileAssignments({});
  if (report.released.length || report.adopted) log.info('reconciled assignments', { released: report.released.length, adopted: report.adopted, placed: report.placed });
  return report;
}
