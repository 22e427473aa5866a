// The JSON-lines commands (`classify`, `answer`, ...) as a user runs them: a child process, input
// on stdin, what it printed and its exit code.
import { spawn } from 'node:child_process';

export const repoRoot = new URL('../..', import.meta.url).pathname;

export function runCommand(script: string, input: string, opts: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...(opts.args ?? [])], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
