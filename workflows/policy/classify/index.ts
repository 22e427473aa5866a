// The built-in offline message classifier: rules for English and Arabic (MSA, Gulf, Egyptian,
// Levantine, Arabizi), with language identification for many scripts and Latin languages.
//
// Pure and deterministic (no `node:` imports, no I/O, no clocks, no randomness): safe to bundle
// into Temporal workflow code and to call from workflows directly.

import { classifyRuleBased } from './rules.js';
import type { Classification, ClassifyInput, MessageClassifier } from './types.js';

export type { Classification, ClassifyInput, MessageClassifier } from './types.js';
export { detectLanguage } from './language.js';
export { detectOptOut } from './optout.js';

/** Classifies one inbound message with the built-in rules. */
export function classifyMessage(input: ClassifyInput): Classification {
  return classifyRuleBased(input);
}

/** The built-in rule-based classifier behind the pluggable interface. */
export const ruleBasedClassifier: MessageClassifier = {
  name: 'rules',
  classify: (input: ClassifyInput): Classification => classifyRuleBased(input),
};
