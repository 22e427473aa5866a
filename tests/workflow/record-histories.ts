// Records event histories of the conversation workflow for the replay test.
// Run against a dev server with the CURRENT code before a workflow change, and commit the files:
//   TEMPORAL_ADDRESS=127.0.0.1:7233 DATABASE_URL=postgres://... npx tsx tests/workflow/record-histories.ts <name>
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { createActivities } from '../../activities/index.js';
import { openPostgres } from '../../db/client.js';
import { agents } from '../../db/schema.js';
import { saveKnowledge } from '../../db/knowledge.js';
import { WorkerRunner } from '../../server/worker-runner.js';
import type { InboundMessageEvent, StatusEvent } from '../../whatsapp/events.js';
import {
  cancelScheduledReplyUpdate,
  closeUpdate,
  inboundSignal,
  pauseUpdate,
  reassignUpdate,
  resumeUpdate,
  scheduleReplyUpdate,
  snapshotQuery,
  snoozeUpdate,
  takeOverUpdate,
  WORKFLOW_TYPE,
} from '../../workflows/conversation/contract.js';

const name = process.argv[2] ?? 'v1';
const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const db = await openPostgres(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const taskQueue = `record-${Date.now()}`;
const kb = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'answers', 'knowledge.json'), 'utf8'));
await saveKnowledge(db.db, kb.entries);
const runner = new WorkerRunner({ address, namespace: 'default', taskQueue, activities: createActivities({ db: db.db }), log: console });
runner.start();
await runner.waitUntilRunning(60_000);
const client = new Client({ connection: await Connection.connect({ address }) });

const waId = `9665${Date.now().toString().slice(-8)}`;
const msg = (n: number): InboundMessageEvent => ({
  kind: 'message', waMessageId: `wamid.REC.${waId}.${n}`, phoneNumberId: 'PN-REC', sender: { waId, profileName: 'Rec' },
  // The first one is a question the knowledge base answers (its send fails here: no Graph API).
  type: 'text', text: n === 1 ? 'Do you deliver to Abha?' : `message ${n}`, at: new Date(Date.now() + n).toISOString(), raw: { n },
});
const status = (n: number, s: string): StatusEvent => ({ kind: 'status', waMessageId: `wamid.REC.${waId}.${n}`, phoneNumberId: 'PN-REC', status: s, at: new Date().toISOString(), raw: {} });
const settle = async (h: ReturnType<typeof client.workflow.getHandle>) => {
  for (let i = 0; i < 100; i++) {
    const s = await h.query(snapshotQuery);
    if (s.pending === 0 && s.conversationId) return;
    await new Promise((r) => setTimeout(r, 100));
  }
};

const workflowId = `wa:PN-REC:${waId}`;
const h = await client.workflow.signalWithStart(WORKFLOW_TYPE, {
  workflowId, taskQueue, args: [{ phoneNumberId: 'PN-REC' }], signal: inboundSignal, signalArgs: [[msg(1), msg(1), msg(2)]],
});
await settle(h);
// The quiet gap passes: a decision (and its acknowledgement, which fails: no Graph API here).
await new Promise((r) => setTimeout(r, 3500));
await h.signal(inboundSignal, [msg(3), status(1, 'read'), status(1, 'delivered')]);
await settle(h);
const by = 'admin:env_0123456789ab';
const [agent] = await db.db.insert(agents).values({ name: 'Recorder', team: 'sales', languages: ['en'], capacity: 5 }).returning();
await h.executeUpdate(pauseUpdate, { args: [{ by, reason: 'checking the order' }] });
await h.executeUpdate(pauseUpdate, { args: [{ by }] }).catch(() => {});
await h.executeUpdate(resumeUpdate, { args: [{ by }] });
// A snooze that wakes by its timer, and one ended early by resume.
await h.executeUpdate(snoozeUpdate, { args: [{ by, until: new Date(Date.now() + 1500).toISOString() }] });
await new Promise((r) => setTimeout(r, 2500));
await h.executeUpdate(snoozeUpdate, { args: [{ by }] });
await h.executeUpdate(resumeUpdate, { args: [{ by }] });
// A scheduled reply that falls due (the send fails here: no Graph API), and one cancelled.
await h.executeUpdate(scheduleReplyUpdate, { args: [{ id: '00000000-0000-4000-8000-000000000001', text: 'scheduled', at: new Date(Date.now() + 1500).toISOString(), by }] });
await h.executeUpdate(scheduleReplyUpdate, { args: [{ id: '00000000-0000-4000-8000-000000000002', text: 'cancelled', at: new Date(Date.now() + 60_000).toISOString(), by }] });
await h.executeUpdate(cancelScheduledReplyUpdate, { args: [{ id: '00000000-0000-4000-8000-000000000002', by }] });
await new Promise((r) => setTimeout(r, 2500));
// A timed pause that resumes by itself.
await h.executeUpdate(pauseUpdate, { args: [{ by, until: new Date(Date.now() + 1500).toISOString() }] });
await new Promise((r) => setTimeout(r, 2500));
await h.executeUpdate(takeOverUpdate, { args: [{ agentId: agent!.id, by: agent!.id }] });
await h.executeUpdate(takeOverUpdate, { args: [{ agentId: 'x'.repeat(5000), by }] }).catch(() => {});
await h.executeUpdate(reassignUpdate, { args: [{ team: 'sales', assignee: null, by }] });
await h.executeUpdate(closeUpdate, { args: [{ by, outcome: 'won' }] });
await h.signal(inboundSignal, [msg(4)]);
await settle(h);
await new Promise((r) => setTimeout(r, 500));

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'histories');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `conversation-${name}.json`);
// The CLI's JSON is the format historyFromJSON reads (the SDK's own docs use it).
const cli = process.env.TEMPORAL_CLI_PATH ?? 'temporal';
// Failure stack traces name files of this checkout: the repository root becomes <repo> (replay ignores them).
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const shown = execFileSync(cli, ['workflow', 'show', '--address', address, '-w', workflowId, '-o', 'json']).toString('utf8');
writeFileSync(file, shown.split(repoRoot).join('<repo>'));
console.log(`wrote ${file}`);
await h.terminate('recorded');
await runner.stop();
await client.connection.close();
await db.close();
