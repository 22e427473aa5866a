// Routing activities: place a conversation with an agent or in its team's queue, give freed slots
// to the queue, and read the current rules (so a workflow uses a new version from its next decision).
import type { Db } from '../db/client.js';
import {
  assignConversation,
  closeConversationAssignment,
  fillFromQueue,
  releaseConversation,
  type AssignInput,
  type AssignResult,
  type Placement,
} from '../db/routing/assignment.js';
import { currentRules, type CurrentRules } from '../db/routing/rules.js';

export type { AssignInput, AssignResult, Placement } from '../db/routing/assignment.js';
export type { CurrentRules } from '../db/routing/rules.js';

export function createAssignmentActivities(db: Db) {
  return {
    /**
     * Atomic: the preferred agent if free, else the least loaded qualified agent of the team (round
     * robin on ties), else the team's queue. Capacity is never exceeded; again: the same agent.
     */
    assignConversation(input: AssignInput): Promise<AssignResult> {
      return assignConversation(db, input);
    },

    /**
     * Unassigns (and dequeues) a conversation, then fills the freed slot from the queue. `freed`:
     * the conversations placed meanwhile; the caller signals `assigned` to each workflow.
     */
    async releaseConversation(input: { conversationId: string }): Promise<{ freed: Placement[] }> {
      const r = await releaseConversation(db, { conversationId: input.conversationId });
      return { freed: r.freed };
    },

    /** A conversation closed: resolved, unassigned, dequeued; the freed slot goes to the queue. */
    async closeConversationAssignment(input: { conversationId: string }): Promise<{ freed: Placement[] }> {
      const r = await closeConversationAssignment(db, input);
      return { freed: r.freed };
    },

    /** While an agent of the team has room: the most urgent, then oldest, queued conversation. */
    fillFromQueue(input: { team: string }): Promise<{ assigned: Placement[] }> {
      return fillFromQueue(db, input);
    },

    loadRules(): Promise<CurrentRules> {
      return currentRules(db);
    },
  };
}

export type AssignmentActivities = ReturnType<typeof createAssignmentActivities>;
