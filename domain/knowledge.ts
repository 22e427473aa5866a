// The knowledge base a business writes: entries of a few example questions and an answer per
// language. Types and validation (pure: the API validates with it, the answerer reads it).
import { isLanguageTag } from './vocabulary.js';

export interface KnowledgeEntry {
  /** Stable id (letters, digits, - and _): decisions and analytics name the entry by it. */
  id: string;
  /** How buyers ask it, in any of the business's languages (a few each). */
  questions: string[];
  /** The answer per language tag ('en', 'ar', ...). */
  answer: Record<string, string>;
}

export interface KnowledgeBase {
  version: number;
  entries: KnowledgeEntry[];
}

export const MAX_KNOWLEDGE_ENTRIES = 500;
export const MAX_QUESTIONS_PER_ENTRY = 50;
export const MAX_QUESTION_LENGTH = 500;
/** WhatsApp's limit for a text body. */
export const MAX_ANSWER_LENGTH = 4096;
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export type KnowledgeValidation = { ok: true; entries: KnowledgeEntry[] } | { ok: false; reasons: string[] };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks `{ entries: [...] }` (what PUT takes); every problem named by its path. */
export function validateKnowledge(doc: unknown): KnowledgeValidation {
  const reasons: string[] = [];
  if (!isObj(doc)) return { ok: false, reasons: ['(root): must be an object { entries: [...] }'] };
  const list = doc.entries;
  if (!Array.isArray(list)) return { ok: false, reasons: ['entries: required array of { id, questions, answer }'] };
  if (list.length > MAX_KNOWLEDGE_ENTRIES) reasons.push(`entries: at most ${MAX_KNOWLEDGE_ENTRIES}, got ${list.length}`);
  const seen = new Set<string>();
  const entries: KnowledgeEntry[] = [];
  list.slice(0, MAX_KNOWLEDGE_ENTRIES).forEach((e, i) => {
    const p = `entries[${i}]`;
    if (!isObj(e)) {
      reasons.push(`${p}: must be an object { id, questions, answer }`);
      return;
    }
    const before = reasons.length;
    if (typeof e.id !== 'string' || !ID.test(e.id)) reasons.push(`${p}.id: must be 1-64 letters, digits, - or _ (starting with a letter or digit), got ${JSON.stringify(e.id)?.slice(0, 80)}`);
    else if (seen.has(e.id)) reasons.push(`${p}.id: "${e.id}" is used by an earlier entry`);
    else seen.add(e.id);
    const questions: string[] = [];
    if (!Array.isArray(e.questions) || e.questions.length === 0) reasons.push(`${p}.questions: required non-empty array of example questions`);
    else if (e.questions.length > MAX_QUESTIONS_PER_ENTRY) reasons.push(`${p}.questions: at most ${MAX_QUESTIONS_PER_ENTRY}, got ${e.questions.length}`);
    else
      e.questions.forEach((q, j) => {
        if (typeof q !== 'string' || q.trim() === '') reasons.push(`${p}.questions[${j}]: must be a non-empty text`);
        else if (q.length > MAX_QUESTION_LENGTH) reasons.push(`${p}.questions[${j}]: longer than ${MAX_QUESTION_LENGTH} characters`);
        else if (!/[\p{L}\p{N}]/u.test(q)) reasons.push(`${p}.questions[${j}]: has no letters or digits`);
        else questions.push(q.trim());
      });
    const answer: Record<string, string> = {};
    if (!isObj(e.answer) || Object.keys(e.answer).length === 0) reasons.push(`${p}.answer: required object of language -> text, e.g. { "en": "...", "ar": "..." }`);
    else
      for (const [lang, text] of Object.entries(e.answer)) {
        if (!isLanguageTag(lang)) reasons.push(`${p}.answer.${lang}: key is not a language tag`);
        else if (typeof text !== 'string' || text.trim() === '') reasons.push(`${p}.answer.${lang}: must be a non-empty text`);
        else if (text.length > MAX_ANSWER_LENGTH) reasons.push(`${p}.answer.${lang}: longer than ${MAX_ANSWER_LENGTH} characters (WhatsApp's limit for a text)`);
        else answer[lang.toLowerCase()] = text.trim();
      }
    for (const k of Object.keys(e)) if (!['id', 'questions', 'answer'].includes(k)) reasons.push(`${p}.${k}: unknown field (an entry has id, questions, answer)`);
    if (reasons.length === before) entries.push({ id: e.id as string, questions, answer });
  });
  return reasons.length ? { ok: false, reasons } : { ok: true, entries };
}
