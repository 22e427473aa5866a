// `npm run --silent answer`: the knowledge-base matcher as a command (CONTRACT.md). JSON lines in,
// `{ text, knowledge? }` each (`knowledge` as PUT /api/v1/knowledge takes it; without it, the file
// of `--knowledge <file>`, else the stored one) -> one line out each:
// `{ entryId, confidence, language, answer?, reason }`. The same pure functions the workflow uses.
//
// `--eval <labelled.jsonl>` instead reads `{ text, expect: entryId|null, lang }` lines and prints
// precision (answers that were the right entry) and coverage (answerable questions answered) per
// language, at the rules' default minConfidence (or `--min-confidence x`).
import { readFileSync } from 'node:fs';
import { validateKnowledge, type KnowledgeEntry } from '../domain/knowledge.js';
import { DEFAULT_MIN_CONFIDENCE, matchAnswer, prepareKnowledge, type PreparedKnowledge } from '../workflows/policy/answer.js';
import { classifyMessage } from '../workflows/policy/classify/index.js';
import { jsonLinesMain } from './json-lines.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

function entriesOf(doc: unknown, where: string): KnowledgeEntry[] {
  const v = validateKnowledge(doc);
  if (!v.ok) throw new Error(`${where}: ${v.reasons.slice(0, 5).join('; ')}`);
  return v.entries;
}

let fallback: Promise<PreparedKnowledge> | undefined;
/** The knowledge base a line without `knowledge` uses: the file, else the stored one. */
function defaultKnowledge(): Promise<PreparedKnowledge> {
  fallback ??= (async () => {
    const file = flag('--knowledge');
    if (file) return prepareKnowledge(entriesOf(JSON.parse(readFileSync(file, 'utf8')), file));
    const { openDatabase } = await import('../db/client.js');
    const { currentKnowledge } = await import('../db/knowledge.js');
    const dataDir = process.env.THREADLINE_DATA_DIR || '.data';
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir }, () => {}).catch(async (err: Error) => {
      // The embedded store is held by a running `npm run dev`: ask its API instead.
      const fromApi = await knowledgeFromRunningApi(dataDir);
      if (fromApi) return fromApi;
      throw new Error(`no "knowledge" on the line and the stored one cannot be read (${err.message}); pass --knowledge <file> or "knowledge" per line`);
    });
    if (!('close' in db)) return prepareKnowledge(db.entries);
    try {
      return prepareKnowledge((await currentKnowledge(db.db)).entries);
    } finally {
      await db.close();
    }
  })();
  return fallback;
}

/** The knowledge base of the `npm run dev` that holds this data dir (its saved admin token, PORT). */
async function knowledgeFromRunningApi(dataDir: string): Promise<{ entries: KnowledgeEntry[] } | null> {
  try {
    const { apiToken } = JSON.parse(readFileSync(`${dataDir}/secrets.json`, 'utf8')) as { apiToken?: string };
    const port = Number(process.env.PORT ?? 3000);
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/knowledge`, { headers: { authorization: `Bearer ${apiToken}` }, signal: AbortSignal.timeout(3000) });
    if (!res.ok) return null;
    return { entries: entriesOf(await res.json(), 'the running API') };
  } catch {
    return null;
  }
}

const cache = new Map<string, PreparedKnowledge>();
async function knowledgeFor(v: Record<string, unknown>): Promise<PreparedKnowledge> {
  if (v.knowledge === undefined || v.knowledge === null) return defaultKnowledge();
  const key = JSON.stringify(v.knowledge);
  let k = cache.get(key);
  if (!k) {
    k = prepareKnowledge(entriesOf(v.knowledge, 'knowledge'));
    if (cache.size > 20) cache.clear();
    cache.set(key, k);
  }
  return k;
}

function evaluate(file: string): void {
  const kbFile = flag('--knowledge');
  if (!kbFile) throw new Error('--eval needs --knowledge <file>');
  const k = prepareKnowledge(entriesOf(JSON.parse(readFileSync(kbFile, 'utf8')), kbFile));
  const min = Number(flag('--min-confidence') ?? DEFAULT_MIN_CONFIDENCE);
  const per = new Map<string, { answered: number; right: number; answerable: number; coveredRight: number; negatives: number; wrongOnNegative: number }>();
  const misses: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { text, expect, lang } = JSON.parse(line) as { text: string; expect: string | null; lang: string };
    const m = matchAnswer(text, classifyMessage({ text }), k);
    const got = m.entryId !== null && m.confidence >= min ? m.entryId : null;
    const p = per.get(lang) ?? { answered: 0, right: 0, answerable: 0, coveredRight: 0, negatives: 0, wrongOnNegative: 0 };
    if (got) p.answered++;
    if (got && got === expect) p.right++;
    if (expect) p.answerable++;
    if (expect && got === expect) p.coveredRight++;
    if (!expect) p.negatives++;
    if (!expect && got) p.wrongOnNegative++;
    per.set(lang, p);
    if (got !== expect) misses.push(`  ${got === null ? 'missed ' : 'WRONG  '} ${JSON.stringify(text)} -> ${got ?? 'none'} (${m.confidence}; ${m.reason}); expected ${expect ?? 'none'}`);
  }
  const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
  process.stdout.write(`${file} (minConfidence ${min})\n`);
  process.stdout.write('language  lines  precision           coverage            answered negatives\n');
  for (const [lang, p] of [...per].sort()) {
    process.stdout.write(
      `${lang.padEnd(9)} ${String(p.answerable + p.negatives).padStart(5)}  ${`${pct(p.right, p.answered)} (${p.right}/${p.answered})`.padEnd(19)} ${`${pct(p.coveredRight, p.answerable)} (${p.coveredRight}/${p.answerable})`.padEnd(19)} ${p.wrongOnNegative}/${p.negatives}\n`,
    );
  }
  if (misses.length) process.stdout.write(`${misses.join('\n')}\n`);
}

const evalFile = flag('--eval');
if (evalFile) {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  try {
    evaluate(evalFile);
  } catch (err) {
    process.stderr.write(`answer: ${(err as Error).message}\n`);
    process.exit(1);
  }
} else {
  jsonLinesMain('answer', async (v) => {
    const text = v.text;
    if (text !== null && typeof text !== 'string') return { error: '"text" must be a string or null' };
    const k = await knowledgeFor(v);
    return matchAnswer(text, classifyMessage({ text }), k);
  });
}
