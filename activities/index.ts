// Every activity the worker registers, built from its dependencies.
import type { Db } from '../db/client.js';
import { createCrmRecordActivities } from './crm-records.js';

export interface ActivityDeps {
  db: Db;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCrmRecordActivities(deps.db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
