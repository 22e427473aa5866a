// The engine as `npm run dev` runs it, in its own process tree: either against the bench's Postgres
// and Temporal (the API process plus its worker child process), or on the embedded defaults a
// newcomer gets (PGlite and a Temporal dev server of its own, worker in the API's process).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, repoRoot } from './setup.js';

export interface DevProcess {
  baseUrl: string;
  appSecret: string;
  simulatorToken: string;
  dataDir: string;
  /** The API process (dev.ts) and, once found, its worker child and Temporal dev server child. */
  pids(): { api: number; worker?: number; temporal?: number };
  output(): string;
  stop(): Promise<void>;
}

function childrenOf(pid: number): { pid: number; cmd: string }[] {
  const out = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
      out.push({ pid: Number(p), cmd: readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ') });
    } catch {
      /* gone */
    }
  }
  return out;
}

export async function startDevProcess(opts: {
  name: string;
  /** Embedded defaults (no DATABASE_URL, no TEMPORAL_ADDRESS) or the bench's own servers. */
  embedded: boolean;
  databaseUrl?: string;
  temporalAddress?: string;
  log: (m: string) => void;
  /** Extra node flags for the API process (e.g. --cpu-prof for bench/tools/profile-big-body.ts). */
  nodeArgs?: string[];
}): Promise<DevProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `tl-bench-${opts.name}-`));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    THREADLINE_DATA_DIR: dataDir,
    PORT: String(port),
    WHATSAPP_SIMULATOR_PORT: String(await freePort()),
    TEMPORAL_TASK_QUEUE: `bench-${opts.name}`,
    ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}),
    ...(process.env.WORKER_TASK_SLOTS ? { WORKER_TASK_SLOTS: process.env.WORKER_TASK_SLOTS } : {}),
    ...(opts.embedded
      ? { TEMPORAL_DEV_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()) }
      : { DATABASE_URL: opts.databaseUrl, TEMPORAL_ADDRESS: opts.temporalAddress }),
  };
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', path.join(repoRoot, 'server', 'dev.ts')], {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const end = Date.now() + 180_000;
  while (!out.includes('Ready.')) {
    if (child.exitCode !== null || Date.now() > end) {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`npm run dev (${opts.name}) did not get ready:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const secrets = JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as { appSecret: string; simulatorToken: string };
  const baseUrl = `http://127.0.0.1:${port}`;
  // Ready means listening; wait for the worker too (readyz), as traffic would.
  while ((await fetch(`${baseUrl}/readyz`).then((r) => r.status, () => 0)) !== 200) {
    if (Date.now() > end) throw new Error(`npm run dev (${opts.name}) never became ready:\n${out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  let stopped: Promise<void> | undefined;
  return {
    baseUrl,
    appSecret: secrets.appSecret,
    simulatorToken: secrets.simulatorToken,
    dataDir,
    output: () => out,
    pids() {
      const kids = childrenOf(child.pid!);
      const worker = kids.find((k) => k.cmd.includes('worker.ts'))?.pid;
      const temporal = kids.find((k) => /temporal/.test(k.cmd) && k.cmd.includes('start-dev'))?.pid;
      return { api: child.pid!, ...(worker ? { worker } : {}), ...(temporal ? { temporal } : {}) };
    },
    stop: () =>
      (stopped ??= (async () => {
        try {
          process.kill(-child.pid!, 'SIGINT');
        } catch {
          /* gone */
        }
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            /* gone */
          }
        }, 30_000);
        await exited;
        clearTimeout(t);
        rmSync(dataDir, { recursive: true, force: true });
      })()),
  };
}
