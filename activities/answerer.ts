// The answerer behind automated answers: the built-in matcher by default; the interface lets a
// business put a language model behind it (an OpenAI-compatible endpoint, off by default). Either
// way the answer is an entry's own text, never generated words, and the same precision guard holds:
// the matcher's guards (complaints, opt-outs, urgent, orders, uncovered products) run first, and a
// model may only pick an entry, with a confidence that must clear the rules' minConfidence.
import type { KnowledgeEntry } from '../domain/knowledge.js';
import { matchAnswer, prepareKnowledge, type AnswerMatch, type PreparedKnowledge } from '../workflows/policy/answer.js';
import type { Classification } from '../workflows/policy/classify/types.js';

export interface AnswerInput {
  text: string | null;
  classification: Classification;
}

export interface Answerer {
  readonly name: string;
  answer(input: AnswerInput): Promise<AnswerMatch> | AnswerMatch;
}

/** Builds the answerer for one version of the knowledge base. */
export type AnswererFactory = (entries: readonly KnowledgeEntry[]) => Answerer;

/** The answerer from the environment: a model when ANSWER_MODEL_URL and ANSWER_MODEL are set, else the matcher. */
export function answererFromEnv(env: Record<string, string | undefined>): AnswererFactory {
  const url = env.ANSWER_MODEL_URL;
  const model = env.ANSWER_MODEL;
  if (url && model) return (entries) => modelAnswerer(entries, { url, model, ...(env.ANSWER_MODEL_API_KEY ? { apiKey: env.ANSWER_MODEL_API_KEY } : {}) });
  return matcherAnswerer;
}

/** The built-in matcher over one version of the knowledge base. */
export function matcherAnswerer(entries: readonly KnowledgeEntry[]): Answerer {
  const k: PreparedKnowledge = prepareKnowledge(entries);
  return { name: 'matcher', answer: ({ text, classification }) => matchAnswer(text, classification, k) };
}

export interface ModelAnswererOptions {
  /** Base URL of an OpenAI-compatible API (`.../v1`); `POST {url}/chat/completions` is called. */
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
}

/**
 * A language model choosing the entry (OpenAI-compatible chat completions, JSON answer). The
 * matcher's guards decide first; a model's pick that is not an entry, or any failure, is "no answer".
 */
export function modelAnswerer(entries: readonly KnowledgeEntry[], opts: ModelAnswererOptions): Answerer {
  const matcher = matcherAnswerer(entries);
  const catalogue = entries.map((e) => ({ id: e.id, questions: e.questions.slice(0, 8) }));
  return {
    name: `model:${opts.model}`,
    async answer(input) {
      const guarded = await matcher.answer(input);
      // The guards' refusals stand (a complaint never reaches the model).
      if (guarded.entryId === null && /complaint|opt-out|urgent|order|spam|acknowledgement|greeting|no text/.test(guarded.reason)) return guarded;
      const res = await fetch(`${opts.url.replace(/\/$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        body: JSON.stringify({
          model: opts.model,
          temperature: 0,
          response_format: { type: 'json_object' },
          messages: [
            {
              role: 'system',
              content:
                'You match a customer message to one entry of a shop\'s FAQ. Answer JSON {"entryId": string|null, "confidence": number 0..1}. ' +
                'Pick an entry only if its answer fully answers the message; null for complaints, order problems, product prices or anything else.',
            },
            { role: 'user', content: JSON.stringify({ faq: catalogue, message: input.text }) },
          ],
        }),
      }).catch(() => null);
      if (!res?.ok) return { ...guarded, entryId: null, reason: `the model did not answer (${res ? res.status : 'unreachable'})` };
      const body = (await res.json().catch(() => null)) as { choices?: Array<{ message?: { content?: string } }> } | null;
      let pick: { entryId?: unknown; confidence?: unknown } = {};
      try {
        pick = JSON.parse(body?.choices?.[0]?.message?.content ?? '{}');
      } catch {
        pick = {};
      }
      const entry = entries.find((e) => e.id === pick.entryId);
      const confidence = typeof pick.confidence === 'number' ? Math.max(0, Math.min(1, pick.confidence)) : 0;
      if (!entry) return { entryId: null, confidence: 0, language: guarded.language, reason: 'the model chose no entry' };
      const lang = guarded.language.toLowerCase().split('-')[0]!;
      return { entryId: entry.id, confidence, language: guarded.language, ...(entry.answer[lang] ? { answer: entry.answer[lang] } : {}), reason: `chosen by ${opts.model}` };
    },
  };
}
