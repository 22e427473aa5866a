// `npm run --silent classify`: JSON lines in, one classification per line out.
//
//   stdin:  {"text": "...", "type"?: "text" | "reaction" | "sticker" | ...}   (one object per line)
//   stdout: {"language","intent","needsReply","urgency","optOut","signals"}  (one line per input line)
//
// Streams: lines are read, classified and written one at a time (respecting back-pressure), so
// input of any size works in constant memory. A line that is not a JSON object with a string or
// null "text" yields {"error": "..."} on stdout (so output lines stay aligned with input lines) and
// a note on stderr. Nothing but results is written to stdout. Exit code 0 at end of input.

import { ruleBasedClassifier } from '../workflows/policy/classify/index.js';
import type { ClassifyInput } from '../workflows/policy/classify/index.js';
import { jsonLinesMain } from './json-lines.js';

function parseLine(obj: Record<string, unknown>): ClassifyInput | { error: string } {
  const text = obj.text;
  const type = obj.type;
  if (type !== undefined && type !== null && typeof type !== 'string') return { error: '"type" must be a string' };
  if (text === undefined && (type === undefined || type === null)) return { error: 'missing "text"' };
  if (text !== undefined && text !== null && typeof text !== 'string') return { error: '"text" must be a string or null' };
  return { text: typeof text === 'string' ? text : null, ...(typeof type === 'string' ? { type } : {}) };
}

jsonLinesMain('classify', async (value) => {
  const parsed = parseLine(value);
  if ('error' in parsed) return parsed;
  const c = await ruleBasedClassifier.classify(parsed);
  return { language: c.language, intent: c.intent, needsReply: c.needsReply, urgency: c.urgency, optOut: c.optOut, signals: c.signals };
});
