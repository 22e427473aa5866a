// The engagement profile against hand-computed values, on messages written straight to Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactEngagement } from '../../db/crm/engagement.js';
import { contacts, conversations, messages } from '../../db/schema.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => db?.drop());

const T0 = Date.parse('2026-11-02T09:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000);
let seq = 0;

async function conversation(contactId: string, sender: string, script: [number, 'in' | 'out', string, string?][]) {
  const [c] = await db.db.insert(conversations).values({ workflowId: `wa:1:${sender}`, phoneNumberId: '1', sender, contactId }).returning();
  for (const [min, direction, text, status] of script) {
    await db.db.insert(messages).values({
      waMessageId: `wamid.eng.${++seq}`,
      conversationId: c!.id,
      contactId,
      direction,
      type: 'text',
      text,
      raw: {},
      sentAt: at(min),
      status: status ?? (direction === 'in' ? 'received' : 'delivered'),
    });
  }
}

describe('contactEngagement', () => {
  it('a contact with no messages has an empty profile', async () => {
    const [c] = await db.db.insert(contacts).values({ name: 'Silent' }).returning();
    expect(await contactEngagement(db.db, c!.id)).toEqual({
      replyLatencyMedianSec: null,
      replyLatencySamples: 0,
      turnsPerConversation: null,
      clarificationRate: null,
      readWithoutReplyRate: null,
      lastInteractionAt: null,
    });
  });

  it('matches the values computed by hand over two conversations', async () => {
    const [c] = await db.db.insert(contacts).values({ name: 'Buyer' }).returning();
    // Conversation A: buyer (turn 1, two messages), we ask a question, buyer answers after 4 min
    // (turn 2), we answer, buyer answers after 10 min (turn 3), we write once more: read, no answer.
    await conversation(c!.id, 'a', [
      [0, 'in', 'hi'],
      [1, 'in', 'do you have oak tables?'],
      [5, 'out', 'Which size do you need?', 'read'],
      [9, 'in', '180 cm'],
      [20, 'out', 'We have it: 2,400 SAR.', 'read'],
      [30, 'in', 'ok thanks'],
      [40, 'out', 'Shall I reserve it for you؟', 'read'],
    ]);
    // Conversation B: one turn, answered after 2 min by us with no question, and the buyer's
    // answer 6 min later; our last message was never read.
    await conversation(c!.id, 'b', [
      [100, 'in', 'price of chairs'],
      [102, 'out', 'They are 300 SAR each.', 'read'],
      [108, 'in', 'great'],
      [110, 'out', 'Anything else?', 'delivered'],
    ]);
    const p = await contactEngagement(db.db, c!.id);
    // Answers to our messages: 4, 10 (A) and 6 (B) minutes -> median 6 min.
    expect(p.replyLatencySamples).toBe(3);
    expect(p.replyLatencyMedianSec).toBe(360);
    // Turns: A has 3, B has 2 -> 2.5.
    expect(p.turnsPerConversation).toBe(2.5);
    // Turns we answered: A1 (question), A2 (no), A3 (question, Arabic mark), B1 (no), B2 (question) -> 3/5.
    expect(p.clarificationRate).toBe(0.6);
    // Read by the buyer: A 5, 20, 40 and B 102; nothing came back after A 40 -> 1/4.
    expect(p.readWithoutReplyRate).toBe(0.25);
    expect(p.lastInteractionAt).toBe(at(110).toISOString());
  });
});
