// The JSON-lines commands (`classify`, `plan-followup`, ...): one result line on stdout per input
// line, in order, in constant memory (back-pressure respected). A line that cannot be used gives
// {"error": "..."} in its place (so output stays aligned) and a note on stderr; nothing but results
// goes to stdout. Exit code 0 at the end of the input.
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export type LineHandler = (value: Record<string, unknown>) => Promise<unknown> | unknown;

export async function runJsonLines(name: string, handle: LineHandler): Promise<void> {
  const out = process.stdout;
  let stdoutClosed = false;
  out.on('error', (err: NodeJS.ErrnoException) => {
    // The reader went away (e.g. `| head`): stop quietly.
    if (err.code === 'EPIPE') {
      stdoutClosed = true;
      process.exit(0);
    }
    throw err;
  });
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  let lineNo = 0;
  let errors = 0;
  const fail = (message: string) => {
    errors++;
    process.stderr.write(`${name}: line ${lineNo}: ${message}\n`);
    return JSON.stringify({ error: message });
  };
  for await (const rawLine of rl) {
    lineNo++;
    const line = rawLine.replace(/^\uFEFF/, '');
    let result: string;
    if (line.trim() === '') result = fail('empty line');
    else {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        value = undefined;
        result = fail(`not JSON: ${(err as Error).message}`);
      }
      if (value === undefined) {
        result = result!;
      } else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        result = fail('expected a JSON object');
      } else {
        try {
          const r = await handle(value as Record<string, unknown>);
          result = r && typeof r === 'object' && 'error' in r ? fail(String((r as { error: unknown }).error)) : JSON.stringify(r);
        } catch (err) {
          result = fail((err as Error).message);
        }
      }
    }
    if (stdoutClosed) break;
    if (!out.write(`${result}\n`)) await once(out, 'drain');
  }
  if (errors > 0) process.stderr.write(`${name}: ${lineNo} lines, ${errors} with errors\n`);
}

/** Runs a JSON-lines command as a process: exit 0 after stdout drained, 1 on a crash. */
export function jsonLinesMain(name: string, handle: LineHandler): void {
  runJsonLines(name, handle).then(
    () => {
      if (process.stdout.writableNeedDrain) process.stdout.once('drain', () => process.exit(0));
      else process.exitCode = 0;
    },
    (err: unknown) => {
      process.stderr.write(`${name}: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
