// Step 3 on the real Postgres: the context of a buyer is complete and bounded, whatever the history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createContextActivities } from '../../activities/context.js';
import { companies, contacts, conversations, deals, messages } from '../../db/schema.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

/** A buyer with `turns` exchanges: we write, they answer `replyAfterSec` later. */
async function buyerWithHistory(turns: number, replyAfterSec: (i: number) => number) {
  const db = t.db;
  const [company] = await db.insert(companies).values({ name: 'Al Noor Trading' }).returning();
  const [contact] = await db.insert(contacts).values({ name: 'Khalid', country: 'SA', language: 'ar', timezone: 'Asia/Riyadh', companyId: company!.id }).returning();
  const [old] = await db
    .insert(conversations)
    .values({ workflowId: `wa:PN:old-${contact!.id}`, phoneNumberId: 'PN', sender: 'old', contactId: contact!.id, status: 'resolved' })
    .returning();
  const [current] = await db
    .insert(conversations)
    .values({ workflowId: `wa:PN:cur-${contact!.id}`, phoneNumberId: 'PN', sender: 'cur', contactId: contact!.id })
    .returning();
  const start = Date.UTC(2026, 0, 1);
  const rows: (typeof messages.$inferInsert)[] = [];
  let at = start;
  for (let i = 0; i < turns; i++) {
    const conv = i < turns / 2 ? old! : current!;
    rows.push({ waMessageId: `out-${contact!.id}-${i}`, conversationId: conv.id, contactId: contact!.id, direction: 'out', type: 'text', text: `offer ${i}`, raw: {}, sentAt: new Date(at), status: 'read' });
    at += replyAfterSec(i) * 1000;
    rows.push({ waMessageId: `in-${contact!.id}-${i}`, conversationId: conv.id, contactId: contact!.id, direction: 'in', type: 'text', text: `question number ${i} about the price of item ${i}`.repeat(i % 7 === 0 ? 20 : 1), raw: {}, sentAt: new Date(at), status: 'received' });
    at += 3600_000;
  }
  for (let i = 0; i < rows.length; i += 1000) await db.insert(messages).values(rows.slice(i, i + 1000));
  return { contact: contact!, company: company!, current: current!, old: old! };
}

describe('loadContext', () => {
  it('summarises history, deal and reply latency', async () => {
    const b = await buyerWithHistory(10, (i) => [60, 120, 180, 240, 300, 360, 420, 480, 540, 600][i]!);
    const [companyDeal] = await t.db.insert(deals).values({ title: 'Company framework', companyId: b.company.id, value: '90000', stage: 'proposal' }).returning();
    const [ownDeal] = await t.db.insert(deals).values({ title: '20 units', contactId: b.contact.id, value: '1200', stage: 'quote' }).returning();
    await t.db.insert(deals).values({ title: 'lost one', contactId: b.contact.id, status: 'lost' });
    const ctx = await createContextActivities(t.db).loadContext({ conversationId: b.current.id, contactId: b.contact.id });
    expect(ctx.contact).toMatchObject({ id: b.contact.id, country: 'SA', language: 'ar' });
    expect(ctx.company?.name).toBe('Al Noor Trading');
    expect(ctx.deal).toMatchObject({ id: ownDeal!.id, stage: 'quote', value: 1200 });
    expect(ctx.openDeals).toBe(2);
    expect(companyDeal).toBeDefined();
    expect(ctx.history).toMatchObject({ earlierConversations: 1, lastOutcome: 'resolved' });
    expect(ctx.history.lastTopic).toMatch(/question number 4/);
    expect(ctx.recentInquiries[0]!.text).toMatch(/question number 9/);
    expect(ctx.recentInquiries.length).toBe(5);
    expect(ctx.replyLatency.samples).toBe(10);
    expect(ctx.replyLatency.medianSec).toBe(330);
    expect(ctx.replyLatency.p75Sec).toBe(465);
    expect(ctx.ourLastReplyAt).toEqual(expect.any(String));
    // The conversation is linked to the contact's own open deal.
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, b.current.id));
    expect(conv!.dealId).toBe(ownDeal!.id);
  });

  it('a buyer with 1,000 past messages gets a context no bigger than one with 20', async () => {
    const small = await buyerWithHistory(10, () => 90);
    const big = await buyerWithHistory(500, (i) => 30 + (i % 50));
    const load = createContextActivities(t.db).loadContext;
    const a = JSON.stringify(await load({ conversationId: small.current.id, contactId: small.contact.id }));
    const b = JSON.stringify(await load({ conversationId: big.current.id, contactId: big.contact.id }));
    // Same shape, bounded parts: only digits of counts and clipped texts may differ.
    expect(b.length).toBeLessThanOrEqual(a.length + 200);
    expect(b.length).toBeLessThan(4096);
    const ctx = JSON.parse(b);
    expect(ctx.replyLatency.samples).toBe(200);
    for (const q of ctx.recentInquiries) expect(q.text.length).toBeLessThanOrEqual(200);
  });
});
