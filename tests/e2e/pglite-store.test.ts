// The embedded store: the same activities on PGlite, durable across close/reopen and a kill -9,
// and a plain refusal (never a silent empty start) when the store comes back empty.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { createCrmRecordActivities } from '../../activities/crm-records.js';
import { EmbeddedStoreError, openPglite } from '../../db/client.js';
import { messages } from '../../db/schema.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tl-pglite-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const quiet = () => {};

const inbound = (id: string) => ({
  workflowId: 'wa:PN:966500000009',
  phoneNumberId: 'PN',
  messages: [
    { kind: 'message' as const, waMessageId: id, phoneNumberId: 'PN', sender: { waId: '966500000009' }, type: 'text', text: 'hi', at: new Date().toISOString(), raw: { id } },
  ],
});

describe('PGlite embedded store', () => {
  it('runs the CRM activities and keeps their rows across close and reopen', async () => {
    let h = await openPglite(dataDir, quiet);
    const crm = createCrmRecordActivities(h.db);
    const a = await crm.recordInbound(inbound('wamid.P1'));
    const again = await crm.recordInbound(inbound('wamid.P1'));
    expect(again).toMatchObject({ conversationId: a.conversationId, contactId: a.contactId, stored: 0 });
    await h.close();
    h = await openPglite(dataDir, quiet);
    expect((await h.db.select({ n: count() }).from(messages))[0]!.n).toBe(1);
    await h.close();
  });

  it('recovers after the process holding it is killed with -9, and says so', async () => {
    // A child process writes and is killed without closing the store.
    const script = `
      import { openPglite } from ${JSON.stringify(path.resolve('db/client.ts'))};
      import { createCrmRecordActivities } from ${JSON.stringify(path.resolve('activities/crm-records.ts'))};
      const h = await openPglite(${JSON.stringify(dataDir)}, () => {});
      const crm = createCrmRecordActivities(h.db);
      for (let i = 0; i < 20; i++) {
        const id = 'wamid.K' + i;
        await crm.recordInbound({ workflowId: 'wa:PN:966500000009', phoneNumberId: 'PN', messages: [
          { kind: 'message', waMessageId: id, phoneNumberId: 'PN', sender: { waId: '966500000009' }, type: 'text', text: 'hi', at: new Date().toISOString(), raw: { id } },
        ] });
      }
      process.kill(process.pid, 'SIGKILL');
    `;
    const file = path.join(dataDir, 'writer.mts');
    writeFileSync(file, script);
    const res = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8' });
    expect(res.signal, res.stderr).toBe('SIGKILL');
    const said: string[] = [];
    const h = await openPglite(dataDir, (m) => said.push(m));
    expect(said.join('\n')).toMatch(/not shut down cleanly/);
    expect((await h.db.select({ n: count() }).from(messages))[0]!.n).toBe(21);
    await h.close();
  });

  it('refuses to start on a store that comes back empty', async () => {
    rmSync(path.join(dataDir, 'pglite'), { recursive: true, force: true });
    await expect(openPglite(dataDir, quiet)).rejects.toThrow(EmbeddedStoreError);
    await expect(openPglite(dataDir, quiet)).rejects.toThrow(/opened empty.*Nothing was deleted/s);
  });
});
