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
import { createMediaActivities } from './media.js';
import { createWebhookDeliveryActivities } from './webhook-delivery.js';
import type { MediaStore } from '../db/media.js';
import type { AnswererFactory } from './answerer.js';
import { instrumentActivities } from './metrics.js';

export interface ActivityDeps {
  db: Db;
  /** The Graph API (Meta, or the local simulator). None: sends fail with a clear non-retryable error. */
  graph?: GraphClient;
  /** For signalling placements to other conversations and for the reconciler. */
  temporal?: Client;
  /** Where buyers' media is kept (FileMediaStore under the data dir by default). None: media downloads fail, recorded on the message. */
  media?: MediaStore;
  /** What answers from the knowledge base (default: the built-in matcher). */
  answerer?: AnswererFactory;
}

export function createActivities(deps: ActivityDeps) {
  const { recordEvent } = createCrmRecordActivities(deps.db);
  return instrumentActivities({
    recordEvent,
    ...createConversationActivities({ db: deps.db, temporal: deps.temporal, ...(deps.answerer ? { answerer: deps.answerer } : {}) }),
    ...createOutboxSendActivities(deps.db, deps.graph, deps.media),
    ...createReconcileActivities(deps.db, deps.temporal),
    ...createScheduledReplyActivities(deps.db),
    ...createMediaActivities(deps.db, deps.graph, deps.media),
    ...createWebhookDeliveryActivities(deps.db),
  });
}

export type Activities = ReturnType<typeof createActivities>;
