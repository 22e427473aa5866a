// Workflow bundle entry: every workflow the worker runs.
export { conversation } from './conversation/workflow.js';
export { assignmentReconciler } from './reconciler.js';
export { webhookDelivery } from './webhook-delivery/workflow.js';
