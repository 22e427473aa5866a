// `npm run dev` as a newcomer runs it: no configuration, no `temporal` on PATH. Started, fed a
// signed webhook, stopped with Ctrl-C, restarted, killed with -9, restarted again.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { searchAttributes as SA } from '../../workflows/conversation/messages.js';
import { freePort } from '../helpers/ports.js';
import { eventually, postWebhook, textMessageBody, TEST_PHONE_NUMBER_ID } from '../helpers/webhooks.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
let dataDir: string;
let ports: { api: number; temporal: number; ui: number; sim: number };

interface Dev {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** PATH without any directory that holds a `temporal` binary. */
function pathWithoutTemporal(): string {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir && !existsSync(path.join(dir, 'temporal')))
    .join(path.delimiter);
}

const started: Dev[] = [];
async function startDev(): Promise<Dev> {
  const env: NodeJS.ProcessEnv = {
    PATH: pathWithoutTemporal(),
    HOME: process.env.HOME,
    THREADLINE_DATA_DIR: dataDir,
    PORT: String(ports.api),
    TEMPORAL_DEV_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    WHATSAPP_SIMULATOR_PORT: String(ports.sim),
  };
  // Own process group, as a terminal gives it: Ctrl-C goes to the group.
  const child = spawn('npm', ['run', 'dev'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const dev = { child, output: () => out, exited };
  started.push(dev);
  await eventually(async () => (out.includes('Ready.') ? true : undefined), 120_000, 200).catch((err) => {
    throw new Error(`npm run dev did not get ready: ${err.message}\n${out}`);
  });
  return dev;
}

/** Processes (other than vitest's) whose command line mentions our data dir: the dev tree's. */
function processesOfDataDir(): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${p}/environ`, 'utf8');
      if (cmd.includes(dataDir) || environ.includes(`THREADLINE_DATA_DIR=${dataDir}`)) pids.push(Number(p));
    } catch {
      /* gone or not ours */
    }
  }
  return pids;
}

function secrets() {
  return JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as { appSecret: string; apiToken: string };
}

async function api(p: string) {
  const res = await fetch(`http://127.0.0.1:${ports.api}${p}`, { headers: { authorization: `Bearer ${secrets().apiToken}` } });
  return { status: res.status, json: (await res.json()) as any };
}

async function stopWithSigint(dev: Dev, times = 1): Promise<number> {
  const t0 = Date.now();
  for (let i = 0; i < times; i++) {
    try {
      process.kill(-dev.child.pid!, 'SIGINT');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH' || i === 0) throw err; // already gone: fine
    }
    if (i + 1 < times) await new Promise((r) => setTimeout(r, 300));
  }
  await Promise.race([dev.exited, new Promise((r) => setTimeout(r, 35_000))]);
  const took = Date.now() - t0;
  await eventually(async () => (processesOfDataDir().length === 0 ? true : undefined), 5000, 100).catch(() => {
    throw new Error(`processes left behind: ${processesOfDataDir().join(', ')}\n${dev.output()}`);
  });
  return took;
}

const from = '966555000111';
const firstId = `wamid.DEV.${Date.now()}.1`;
const secondId = `wamid.DEV.${Date.now()}.2`;
const thirdId = `wamid.DEV.${Date.now()}.3`;
const workflowId = `wa:${TEST_PHONE_NUMBER_ID}:${from}`;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-dev-'));
  ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), sim: await freePort() };
  // A copy already in <data dir>/tools: the lookup's third step (CI installed it; no pip here).
  mkdirSync(path.join(dataDir, 'tools', 'venv', 'bin'), { recursive: true });
  symlinkSync(inject('temporalCliPath'), path.join(dataDir, 'tools', 'venv', 'bin', 'temporal'));
});

afterAll(() => {
  for (const dev of started) {
    try {
      process.kill(-dev.child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const pid of processesOfDataDir()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run dev', { timeout: 600_000 }, () => {
  it('starts with no configuration, takes a signed webhook, shows it in the API and Temporal, stops on Ctrl-C', async () => {
    const dev = await startDev();
    expect(dev.output()).toContain('found via cached copy');
    expect(dev.output()).toMatch(/API_TOKENS=tl_/);
    expect(dev.output()).toContain(`http://127.0.0.1:${ports.ui}`);

    const { body } = textMessageBody({ from, id: firstId, text: 'Hi, do you deliver to Jeddah?' });
    const res = await postWebhook(`http://127.0.0.1:${ports.api}`, body, secrets().appSecret);
    expect(res.status).toBe(200);
    const t0 = Date.now();
    const msg = await eventually(async () => {
      const r = await api(`/api/v1/messages/${firstId}`);
      return r.status === 200 ? r.json : undefined;
    }, 2000, 25);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(msg).toMatchObject({ waMessageId: firstId, direction: 'in', text: 'Hi, do you deliver to Jeddah?' });

    // Listed in Temporal (the UI reads the same visibility store) with its search attributes.
    const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${ports.temporal}` }) });
    const listed = await eventually(async () => {
      const found = [];
      for await (const w of client.workflow.list({ query: `WaId = '${from}' AND ContactId = '${msg.contactId}'` })) found.push(w);
      return found.length === 1 ? found[0] : undefined;
    }, 10_000, 200);
    expect(listed!.workflowId).toBe(workflowId);
    expect(listed!.typedSearchAttributes.get(SA.ConversationStatus)).toBe('open');
    await client.connection.close();
    const ui = await fetch(`http://127.0.0.1:${ports.ui}/`);
    expect(ui.status).toBe(200);

    const took = await stopWithSigint(dev);
    expect(took).toBeLessThan(30_000);
    expect(dev.output()).toContain('stopped.');
  });

  it('keeps contacts, messages and running workflows across a restart', async () => {
    const dev = await startDev();
    const msg = await api(`/api/v1/messages/${firstId}`);
    expect(msg.status).toBe(200);
    const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${ports.temporal}` }) });
    expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    await client.connection.close();

    const { body } = textMessageBody({ from, id: secondId, text: 'and how much is shipping?' });
    expect((await postWebhook(`http://127.0.0.1:${ports.api}`, body, secrets().appSecret)).status).toBe(200);
    const second = await eventually(async () => {
      const r = await api(`/api/v1/messages/${secondId}`);
      return r.status === 200 ? r.json : undefined;
    }, 5000);
    expect(second.conversationId).toBe(msg.json.conversationId);
    expect(second.contactId).toBe(msg.json.contactId);

    // Ctrl-C twice: still a clean stop, nothing left behind.
    const took = await stopWithSigint(dev, 2);
    expect(took).toBeLessThan(30_000);
  });

  it('recovers after kill -9 with nothing lost', async () => {
    const dev = await startDev();
    // A message written just before the crash must survive it.
    const { body } = textMessageBody({ from, id: thirdId, text: 'please call me' });
    expect((await postWebhook(`http://127.0.0.1:${ports.api}`, body, secrets().appSecret)).status).toBe(200);
    await eventually(async () => ((await api(`/api/v1/messages/${thirdId}`)).status === 200 ? true : undefined), 5000);

    process.kill(-dev.child.pid!, 'SIGKILL');
    await dev.exited;

    const again = await startDev();
    expect(again.output()).toMatch(/not shut down cleanly/);
    for (const id of [firstId, secondId, thirdId]) {
      expect((await api(`/api/v1/messages/${id}`)).status, id).toBe(200);
    }
    const conv = await api(`/api/v1/conversations/${encodeURIComponent(workflowId)}`);
    // The buyer's three messages (the engine's own acknowledgements are outbound).
    expect(conv.json.timeline.filter((e: any) => e.kind === 'message' && e.direction === 'in')).toHaveLength(3);
    const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${ports.temporal}` }) });
    expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    await client.connection.close();
    expect((await stopWithSigint(again))).toBeLessThan(30_000);
  });
});
