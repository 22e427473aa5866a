// Every activity the worker registers, built from its dependencies: one form each (the workflow
// runs the database ones as local activities and sends as regular ones).
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import type { GraphClient } from '../whatsapp/graph-client.js';
import { createConversationActivities } from './conversation.js';
import { createCrmRecordActivities } from './crm-records.js';
import { createOutboxSendActivities } from './outbox-send.js';
import { createReconcileActivities } from './reconcile.js';
import { createScheduledReplyActivities } from './scheduled-replies.js';

export interface ActivityDeps {
  db: Db;
  /** The Graph API (Meta, or the local simulator). None: sends fail with a clear non-retryable error. */
  graph?: GraphClient;
  /** For signalling placements to other conversations and for the reconciler. */
  temporal?: Client;
}

export function createActivities(deps: ActivityDeps) {
  const { recordEvent } = createCrmRecordActivities(deps.db);
  return {
    recordEvent,
    ...createConversationActivities({ db: deps.db, temporal: deps.temporal }),
    ...createOutboxSendActivities(deps.db, deps.graph),
    ...createReconcileActivities(deps.db, deps.temporal),
    ...createScheduledReplyActivities(deps.db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
