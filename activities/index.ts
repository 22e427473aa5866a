// Every activity the worker registers, built from its dependencies.
import type { Db } from '../db/client.js';
import type { GraphClient } from '../whatsapp/graph-client.js';
import { createAssignmentActivities } from './assignment.js';
import { createClassificationActivities } from './classification.js';
import { createContextActivities } from './context.js';
import { createCrmRecordActivities } from './crm-records.js';
import { createTeamActivities } from './team.js';
import { createWhatsAppSendActivities } from './whatsapp-send.js';

export interface ActivityDeps {
  db: Db;
  /** The Graph API (Meta, or the local simulator). None: sends fail with a clear non-retryable error. */
  graph?: GraphClient;
}

export function createActivities(deps: ActivityDeps) {
  const crm = createCrmRecordActivities(deps.db);
  return {
    ...crm,
    ...createContextActivities(deps.db),
    ...createClassificationActivities(),
    ...createTeamActivities(deps.db),
    ...createAssignmentActivities(deps.db),
    ...createWhatsAppSendActivities(deps.graph, crm),
  };
}

export type Activities = ReturnType<typeof createActivities>;
