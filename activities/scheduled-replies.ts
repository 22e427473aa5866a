// Scheduled replies (step 7): the run's writes of its scheduled replies, each with its timeline
// entry. Sends go through the outbox like any reply; these only keep the rows and the record.
import type { Db } from '../db/client.js';
import { insertScheduledReply, settleScheduledReply, type PendingScheduledReply, type ScheduledStatus } from '../db/crm/scheduled-replies.js';
import { createCrmRecordActivities, type RecordEventInput } from './crm-records.js';

export function createScheduledReplyActivities(db: Db) {
  const crm = createCrmRecordActivities(db);
  return {
    async recordScheduledReply(input: { conversationId: string; reply: PendingScheduledReply; record: RecordEventInput }): Promise<void> {
      await insertScheduledReply(db, { ...input.reply, conversationId: input.conversationId });
      await crm.recordEvent(input.record);
    },
    /** Settled once; the timeline entry is written even when a retry finds it settled already. */
    async settleScheduledReply(input: { id: string; status: Exclude<ScheduledStatus, 'pending'>; reason?: string | null; waMessageId?: string | null; record: RecordEventInput }): Promise<boolean> {
      const changed = await settleScheduledReply(db, input);
      await crm.recordEvent(input.record);
      return changed;
    },
  };
}
