// The embedded Temporal dev server: its state in a SQLite file under the data dir, our ports,
// and a pid file so a server orphaned by a kill -9 of its parent is ours to stop, never reused.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';

export interface DevServer {
  address: string;
  uiUrl: string;
  pid: number;
  /** Resolves when the process exits (for supervision). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {}

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** A dev server left running by a previous run of ours (its parent was killed): stop it. */
async function stopStaleServer(pidFile: string, dbFile: string, log: (m: string) => void): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (pid && isAlive(pid) && commandLine(pid).includes(dbFile)) {
    log(`stopping the Temporal dev server left running by an earlier run (pid ${pid})`);
    process.kill(pid, 'SIGTERM');
    if (!(await waitFor(() => !isAlive(pid), 10_000))) process.kill(pid, 'SIGKILL');
    await waitFor(() => !isAlive(pid), 5_000);
  }
  rmSync(pidFile, { force: true });
}

export interface DevServerOptions {
  binary: string;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  log: (m: string) => void;
  /** false: no UI (tests). */
  ui?: boolean;
  /** Keep state in this file; undefined -> <data dir>/temporal/temporal.sqlite; null -> in memory. */
  dbFile?: string | null;
}

/** Ports the CLI picks for itself (HTTP API, metrics) can be taken between its pick and its bind. */
const OWN_PORT_RACE = /bind: address already in use/;

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServerOnce(opts);
    } catch (err) {
      const message = (err as Error).message;
      const ours = [opts.port, opts.uiPort].some((p) => message.includes(`:${p}: bind`));
      if (attempt >= 3 || !OWN_PORT_RACE.test(message) || ours) throw err;
      opts.log(`the Temporal dev server lost a port it picked for itself; starting it again (${attempt}/2)`);
    }
  }
}

async function startDevServerOnce(opts: DevServerOptions): Promise<DevServer> {
  const dir = path.join(opts.dataDir, 'temporal');
  mkdirSync(dir, { recursive: true });
  const dbFile = opts.dbFile === undefined ? path.join(dir, 'temporal.sqlite') : opts.dbFile;
  const pidFile = path.join(dir, `server-${opts.port}.pid`);
  if (dbFile) await stopStaleServer(pidFile, dbFile, opts.log);

  const ui = opts.ui !== false;
  const ports: [string, number][] = [['TEMPORAL_DEV_PORT', opts.port]];
  if (ui) ports.push(['TEMPORAL_UI_PORT', opts.uiPort]);
  for (const [name, port] of ports) {
    if (!(await portIsFree(port))) {
      throw new PortInUseError(
        `Port ${port} (${name}) is already in use. Threadline will not reuse a server it did not start: ` +
          `stop what listens there, set ${name} to a free port, or set TEMPORAL_ADDRESS to use that server.`,
      );
    }
  }

  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(opts.port),
    '--namespace', opts.namespace,
    '--log-level', 'warn',
  ];
  if (dbFile) args.push('--db-filename', dbFile);
  if (ui) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');

  const logFile = path.join(dir, `server-${opts.port}.log`);
  const out = openSync(logFile, 'a');
  // Own process group: Ctrl-C reaches us, and we stop the server after the worker, in order.
  const child: ChildProcess = spawn(opts.binary, args, { stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  const pid = child.pid!;
  writeFileSync(pidFile, String(pid));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (hasExited) {
      const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n');
      throw new Error(`the Temporal dev server exited at start; last lines of ${logFile}:\n${tail}`);
    }
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the Temporal dev server did not answer on ${address} within 60 s: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  return {
    address,
    uiUrl: `http://127.0.0.1:${opts.uiPort}`,
    pid,
    exited,
    async stop() {
      if (!hasExited) {
        child.kill('SIGTERM');
        const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
        if (!done) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      rmSync(pidFile, { force: true });
    },
  };
}
