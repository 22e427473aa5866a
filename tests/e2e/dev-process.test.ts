// `npm run dev` as a newcomer runs it: no configuration, no `temporal` on PATH. Started, fed a
// signed webhook, stopped with Ctrl-C, restarted, killed with -9, restarted again. Throughout: it
// listens on loopback only, and its data dir (and everything in it) is readable by its user only.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { searchAttributes as SA } from '../../workflows/conversation/contract.js';
import { freePort } from '../helpers/ports.js';
import { eventually, postWebhook, textMessageBody, TEST_PHONE_NUMBER_ID } from '../helpers/webhooks.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
let dataDir: string;
/** Outside the data dir, linked to from inside it: makePrivate must not follow those links. */
let outsideDir: string;
let cliModeBefore: number;
let ports: { api: number; temporal: number; ui: number; sim: number };

interface Dev {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Modes of what was in the data dir before the start, as soon as dev said where its data is. */
  modesAtStart: () => Record<string, number> | undefined;
}

/** Ours, from before any start: private as soon as dev has started, before it opens anything. */
const preexisting = ['.', 'notes.txt', 'notes', 'notes/run.sh', 'secrets.json'];

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
  let modesAtStart: Record<string, number> | undefined;
  child.stdout!.on('data', (d) => {
    out += d;
    // Printed once the start is done with the data dir, before the database or Temporal open.
    if (!modesAtStart && out.includes(`data in ${dataDir}`)) {
      modesAtStart = {};
      for (const rel of preexisting) {
        if (existsSync(path.join(dataDir, rel))) modesAtStart[rel] = lstatSync(path.join(dataDir, rel)).mode & 0o777;
      }
    }
  });
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const dev = { child, output: () => out, exited, modesAtStart: () => modesAtStart };
  started.push(dev);
  let gone = false;
  void exited.then(() => (gone = true));
  const state = await eventually(async () => (out.includes('Ready.') ? 'ready' : gone ? 'exited' : undefined), 120_000, 200).catch((err) => {
    throw new Error(`npm run dev did not get ready: ${err.message}\n${out}`);
  });
  if (state === 'exited') throw new Error(`npm run dev exited before it was ready:\n${out}`);
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

/** Every process: its parent, its name and its command line. */
function processTable(): Map<number, { ppid: number; comm: string; cmd: string }> {
  const table = new Map<number, { ppid: number; comm: string; cmd: string }>();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').trim();
      table.set(Number(p), { ppid, comm, cmd });
    } catch {
      /* gone */
    }
  }
  return table;
}

/** `roots` and all their descendants. */
function withDescendants(table: ReturnType<typeof processTable>, roots: number[]): number[] {
  const tree = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, { ppid }] of table) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree].filter((pid) => table.has(pid));
}

/** The dev tree: npm and all its descendants, and whatever else runs on our data dir. */
function devTreePids(dev: Dev): number[] {
  return withDescendants(processTable(), [dev.child.pid!, ...processesOfDataDir()]);
}

/**
 * `npm run dev`'s node process and what it started on the data dir (the Temporal dev server) run
 * with umask 077. (tsx's esbuild service, if there is one, started while the modules loaded, before
 * the umask was set; it writes nothing in the data dir.)
 */
function expectPrivateUmask(dev: Dev) {
  const table = processTable();
  const tree = withDescendants(table, [dev.child.pid!]);
  const devNode = tree.filter((pid) => table.get(pid)!.comm === 'node' && table.get(pid)!.cmd.includes('server/dev.ts'));
  expect(devNode, tree.map((pid) => `${pid} ${table.get(pid)!.cmd}`).join('\n')).toHaveLength(1);
  const below = withDescendants(table, devNode).filter((pid) => pid === devNode[0] || table.get(pid)!.cmd.includes(dataDir));
  expect(below.some((pid) => table.get(pid)!.cmd.includes('start-dev')), 'the Temporal dev server among them').toBe(true);
  for (const pid of below) {
    const umask = /^Umask:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    expect(umask, `umask of ${pid}: ${table.get(pid)!.cmd}`).toBe('0077');
  }
}

/** "0100007F" (as /proc/net/tcp prints it: 32-bit words in host byte order) -> "127.0.0.1". */
function procAddress(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  if (os.endianness() === 'LE') for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  if (bytes.length === 4) return [...bytes].join('.');
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  return new net.SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address; // canonical form
}

interface Listener {
  pid: number;
  command: string;
  address: string;
  port: number;
}

/** Every TCP socket in LISTEN state that a process of the dev tree holds. */
function listenersOf(pids: number[]): Listener[] {
  const listening = new Map<string, { address: string; port: number }>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] !== '0A') continue; // TCP_LISTEN
      const [addr, port] = f[1]!.split(':');
      listening.set(f[9]!, { address: procAddress(addr!), port: parseInt(port!, 16) });
    }
  }
  const found: Listener[] = [];
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone
    }
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 4).join(' ');
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const l = inode && listening.get(inode);
      if (l) found.push({ pid, command, ...l });
    }
  }
  return found;
}

async function expectListensOnLoopbackOnly(dev: Dev) {
  const listeners = listenersOf(devTreePids(dev));
  const shown = listeners
    .map((l) => `${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port} (pid ${l.pid}: ${l.command})`)
    .join('\n');
  // Found at all (API, Temporal frontend, its UI, the simulator): the mapping works.
  const portsFound = new Set(listeners.map((l) => l.port));
  for (const [name, port] of Object.entries(ports)) {
    expect(portsFound.has(port), `${name} port ${port} among\n${shown}\n(dev output:)\n${dev.output()}`).toBe(true);
  }
  const open = listeners.filter((l) => l.address !== '127.0.0.1' && l.address !== '::1');
  expect(open, `listening beyond loopback:\n${shown}`).toEqual([]);
  expect(listeners.filter((l) => l.port === ports.api).map((l) => l.address)).toEqual(['127.0.0.1']);

  // The API answers on 127.0.0.1, and not on this machine's other addresses.
  expect((await fetch(`http://127.0.0.1:${ports.api}/healthz`)).status).toBe(200);
  const external = Object.values(os.networkInterfaces())
    .flat()
    .filter((i) => i && !i.internal && i.family === 'IPv4')
    .map((i) => i!.address);
  for (const address of external) {
    const outcome = await new Promise<string>((resolve) => {
      const s = net.connect({ host: address, port: ports.api });
      s.once('connect', () => (s.destroy(), resolve('connected')));
      s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      s.setTimeout(2000, () => (s.destroy(), resolve('timeout')));
    });
    expect(outcome, `API on ${address}:${ports.api}`).not.toBe('connected');
  }
}

/** Every file and dir under the data dir (lstat; symlinks listed, never followed). */
function dataDirEntries(): { rel: string; mode: number; symlink: boolean }[] {
  const entries: { rel: string; mode: number; symlink: boolean }[] = [];
  const walk = (rel: string) => {
    let st;
    try {
      st = lstatSync(path.join(dataDir, rel));
    } catch {
      return; // gone meanwhile (a lock, a WAL file)
    }
    entries.push({ rel: rel || '.', mode: st.mode & 0o7777, symlink: st.isSymbolicLink() });
    if (st.isDirectory()) {
      let names: string[] = [];
      try {
        names = readdirSync(path.join(dataDir, rel));
      } catch {
        /* gone meanwhile */
      }
      for (const name of names) walk(path.join(rel, name));
    }
  };
  walk('');
  return entries;
}

function expectDataDirPrivate(dev: Dev) {
  // Right at the start already: what was there before.
  const early = dev.modesAtStart();
  expect(early, 'modes at start').toBeDefined();
  const earlyLoose = Object.entries(early!).filter(([, mode]) => (mode & 0o077) !== 0).map(([rel, mode]) => `${rel} ${mode.toString(8)}`);
  expect(earlyLoose, 'readable beyond its user at the start').toEqual([]);

  const entries = dataDirEntries();
  const rels = entries.map((e) => e.rel);
  // What it holds: ours from before the start, and what dev wrote.
  for (const rel of ['.', 'notes.txt', 'notes', 'notes/run.sh', 'secrets.json', 'pglite', 'temporal', 'temporal/temporal.sqlite']) {
    expect(rels, rel).toContain(rel);
  }
  expect(rels.filter((r) => r.startsWith('pglite/')).length).toBeGreaterThan(20);
  const loose = entries.filter((e) => !e.symlink && (e.mode & 0o077) !== 0).map((e) => `${e.rel} ${e.mode.toString(8)}`);
  expect(loose, 'readable or writable beyond its user').toEqual([]);
  // The user's own bits stay: executables still run.
  expect((lstatSync(path.join(dataDir, 'notes', 'run.sh')).mode & 0o777).toString(8), 'notes/run.sh').toBe('700');
  expect((lstatSync(path.join(dataDir, 'notes.txt')).mode & 0o777).toString(8), 'notes.txt').toBe('600');
  // Symlinks were not followed: what they point to, outside the data dir, keeps its modes.
  for (const link of ['tools/venv/bin/temporal', 'link-to-outside.txt', 'link-to-outside-dir']) {
    expect(lstatSync(path.join(dataDir, link)).isSymbolicLink(), link).toBe(true);
  }
  const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8);
  expect(modeOf(path.join(outsideDir, 'shared.txt')), 'a file outside, linked to').toBe('644');
  expect(modeOf(path.join(outsideDir, 'shared')), 'a dir outside, linked to').toBe('755');
  expect(modeOf(path.join(outsideDir, 'shared', 'inner.txt')), 'a file in it').toBe('644');
  expect(modeOf(inject('temporalCliPath')), 'the Temporal CLI tools/venv/bin/temporal links to').toBe(cliModeBefore.toString(8));
}

/** As a looser umask or a copy would leave it: group and others may read everything. */
function loosenDataDir() {
  for (const e of dataDirEntries()) {
    if (e.symlink) continue;
    const p = path.join(dataDir, e.rel);
    chmodSync(p, lstatSync(p).isDirectory() ? e.mode | 0o055 : e.mode | 0o044);
  }
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
  mkdirSync(path.join(dataDir, 'tools', 'venv', 'bin'), { recursive: true, mode: 0o755 });
  symlinkSync(inject('temporalCliPath'), path.join(dataDir, 'tools', 'venv', 'bin', 'temporal'));
  cliModeBefore = statSync(inject('temporalCliPath')).mode & 0o7777;

  // The data dir existed before, with looser modes, and things of the user's own in it.
  writeFileSync(path.join(dataDir, 'notes.txt'), 'my notes\n');
  mkdirSync(path.join(dataDir, 'notes'));
  writeFileSync(path.join(dataDir, 'notes', 'run.sh'), '#!/bin/sh\n');
  const before = { '.': 0o755, tools: 0o755, 'tools/venv': 0o755, 'tools/venv/bin': 0o755, notes: 0o755, 'notes/run.sh': 0o755, 'notes.txt': 0o644 };
  for (const [p, mode] of Object.entries(before)) chmodSync(path.join(dataDir, p), mode);
  // Links to things outside it that are not its to change.
  outsideDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-outside-'));
  writeFileSync(path.join(outsideDir, 'shared.txt'), 'shared\n');
  chmodSync(path.join(outsideDir, 'shared.txt'), 0o644);
  mkdirSync(path.join(outsideDir, 'shared'));
  chmodSync(path.join(outsideDir, 'shared'), 0o755);
  writeFileSync(path.join(outsideDir, 'shared', 'inner.txt'), 'inner\n');
  chmodSync(path.join(outsideDir, 'shared', 'inner.txt'), 0o644);
  symlinkSync(path.join(outsideDir, 'shared.txt'), path.join(dataDir, 'link-to-outside.txt'));
  symlinkSync(path.join(outsideDir, 'shared'), path.join(dataDir, 'link-to-outside-dir'));
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
  rmSync(outsideDir, { recursive: true, force: true });
});

describe('npm run dev', { timeout: 600_000 }, () => {
  it('starts with no configuration, takes a signed webhook, shows it in the API and Temporal, stops on Ctrl-C', async () => {
    const dev = await startDev();
    expect(dev.output()).toContain('found via cached copy');
    expect(dev.output()).toMatch(/API_TOKENS=tl_/);
    expect(dev.output()).toContain(`http://127.0.0.1:${ports.ui}`);
    // Loopback only; the data dir (which existed, 0755) and all it created private.
    await expectListensOnLoopbackOnly(dev);
    expectPrivateUmask(dev);
    expectDataDirPrivate(dev);

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
    // What it wrote since (the message, the workflow's history) is private too.
    expectDataDirPrivate(dev);

    const took = await stopWithSigint(dev);
    expect(took).toBeLessThan(30_000);
    expect(dev.output()).toContain('stopped.');
  });

  it('keeps contacts, messages and running workflows across a restart', async () => {
    // Meanwhile everything in the data dir became readable by all (a copy, a chmod -R): made private again.
    loosenDataDir();
    expect(statSync(path.join(dataDir, 'secrets.json')).mode & 0o077).not.toBe(0);
    const dev = await startDev();
    expectDataDirPrivate(dev);
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
    await expectListensOnLoopbackOnly(again);
    expectDataDirPrivate(again);
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
