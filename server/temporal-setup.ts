// Registers the custom search attributes the conversation workflow uses, when they are missing and
// the server allows it (dev server, self-hosted). Temporal Cloud: create them yourself (README).
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;
import { searchAttributeTypes } from '../workflows/conversation/contract.js';

const INDEXED = temporal.api.enums.v1.IndexedValueType;
const TYPE = {
  Keyword: INDEXED.INDEXED_VALUE_TYPE_KEYWORD,
  Bool: INDEXED.INDEXED_VALUE_TYPE_BOOL,
  Datetime: INDEXED.INDEXED_VALUE_TYPE_DATETIME,
} as const;

export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.entries(searchAttributeTypes).filter(([name]) => !have.has(name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, TYPE[type]])),
  });
  // Visibility picks new attributes up asynchronously: wait until they are listed.
  for (let i = 0; i < 50; i++) {
    const now = await connection.operatorService.listSearchAttributes({ namespace });
    if (missing.every(([name]) => name in (now.customAttributes ?? {}))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return missing.map(([name]) => name);
}

/** Connect, register what is missing, disconnect. */
export async function ensureSearchAttributesAt(address: string, namespace: string): Promise<string[]> {
  const connection = await Connection.connect({ address, connectTimeout: 5000 });
  try {
    return await ensureSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }
}

export const RECONCILER_SCHEDULE_ID = 'threadline-assignment-reconciler';

/**
 * The schedule that runs the assignment reconciler every minute (agents' slots held by conversations
 * whose workflow no longer runs). Created once; an existing one is left as it is.
 */
export async function ensureReconcilerSchedule(client: import('@temporalio/client').Client, taskQueue: string): Promise<'created' | 'exists'> {
  const { ScheduleAlreadyRunning, ScheduleOverlapPolicy } = await import('@temporalio/client');
  try {
    await client.schedule.create({
      scheduleId: RECONCILER_SCHEDULE_ID,
      spec: { intervals: [{ every: '1 minute' }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      action: { type: 'startWorkflow', workflowType: 'assignmentReconciler', taskQueue, workflowId: `${RECONCILER_SCHEDULE_ID}-run`, args: [] },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
