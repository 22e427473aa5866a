// `npm run --silent classify`: JSON lines in, one classification per line out.
//
//   stdin:  {"text": "...", "type"?: "text" | "reaction" | "sticker" | ...}   (one object per line)
//   stdout: {"language","intent","needsReply","urgency","optOut","signals"}  (one line per input line)
//
// Streams: lines are read, classified and written one at a time (respecting back-pressure), so
// input of any size works in constant memory. A line that is not a JSON object with a string or
// null "text" yields {"error": "..."} on stdout (so output lines stay aligned with input lines) and
// a note on stderr. Nothing but results is written to stdout. Exit code 0 at end of input.

import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { ruleBasedClassifier } from '../workflows/policy/classify/index.js';
import type { ClassifyInput, MessageClassifier } from '../workflows/policy/classify/index.js';

function parseLine(line: string): ClassifyInput | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: 'expected a JSON object like {"text": "..."}' };
  }
  const obj = value as Record<string, unknown>;
  const text = obj.text;
  const type = obj.type;
  if (type !== undefined && type !== null && typeof type !== 'string') return { error: '"type" must be a string' };
  if (text === undefined && (type === undefined || type === null)) return { error: 'missing "text"' };
  if (text !== undefined && text !== null && typeof text !== 'string') return { error: '"text" must be a string or null' };
  return { text: typeof text === 'string' ? text : null, ...(typeof type === 'string' ? { type } : {}) };
}

async function main(classifier: MessageClassifier): Promise<void> {
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
  for await (const rawLine of rl) {
    lineNo++;
    const line = rawLine.replace(/^\uFEFF/, '');
    let result: string;
    if (line.trim() === '') {
      errors++;
      process.stderr.write(`classify: line ${lineNo}: empty line\n`);
      result = JSON.stringify({ error: 'empty line' });
    } else {
      const parsed = parseLine(line);
      if ('error' in parsed) {
        errors++;
        process.stderr.write(`classify: line ${lineNo}: ${parsed.error}\n`);
        result = JSON.stringify({ error: parsed.error });
      } else {
        try {
          const c = await classifier.classify(parsed);
          result = JSON.stringify({
            language: c.language,
            intent: c.intent,
            needsReply: c.needsReply,
            urgency: c.urgency,
            optOut: c.optOut,
            signals: c.signals,
          });
        } catch (err) {
          errors++;
          const message = `classification failed: ${(err as Error).message}`;
          process.stderr.write(`classify: line ${lineNo}: ${message}\n`);
          result = JSON.stringify({ error: message });
        }
      }
    }
    if (stdoutClosed) break;
    if (!out.write(`${result}\n`)) await once(out, 'drain');
  }
  if (errors > 0) process.stderr.write(`classify: ${lineNo} lines, ${errors} with errors\n`);
}

main(ruleBasedClassifier).then(
  () => {
    // Let stdout flush, then exit 0 even if stdin was a TTY that is still open.
    if (process.stdout.writableNeedDrain) process.stdout.once('drain', () => process.exit(0));
    else process.exitCode = 0;
  },
  (err: unknown) => {
    process.stderr.write(`classify: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
