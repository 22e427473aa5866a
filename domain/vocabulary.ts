// The words every layer shares, one definition each: a const array (validation, API schemas) and
// the type taken from it. Pure (bundled into workflow code).

/** Lowest first: an escalation raises one step, the queue serves the last first. */
export const URGENCIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** What a buyer's message is about (the classifier's answer, the teams' rules). */
export const INTENTS = [
  'greeting', 'question', 'pricing', 'order', 'complaint', 'support', 'acknowledgment', 'opt_out', 'spam', 'other',
] as const;
export type Intent = (typeof INTENTS)[number];

export const CONVERSATION_STATUSES = ['open', 'waiting', 'snoozed', 'resolved'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

// Languages are BCP-47 tags; these are the few words about them the layers share.

/** No letters to tell the language by (BCP-47 "undetermined"). */
export const UNDETERMINED_LANGUAGE = 'und';

/** Languages every automation text must be given in (the first users write Arabic). */
export const REQUIRED_TEXT_LANGUAGES = ['en', 'ar'] as const;

/** BCP-47-ish: a 2-3 letter primary tag, optional subtags ('ar', 'en-GB', 'zh-Hant-TW'). */
const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;
export const isLanguageTag = (s: unknown): s is string => typeof s === 'string' && LANGUAGE_TAG.test(s);

/** The primary subtag, lower-cased; null when any language will do ('', 'und', 'mul', 'zxx'). */
export function primaryLanguage(tag: string | null | undefined): string | null {
  const p = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return p === '' || p === UNDETERMINED_LANGUAGE || p === 'mul' || p === 'zxx' ? null : p;
}
