// Types of the message classifier. Pure (bundled into workflow code).
import type { Intent, Urgency } from '../../../domain/vocabulary.js';

export interface ClassifyInput {
  /** The message text (caption for media); null or missing for media without caption, reactions removed, etc. */
  text: string | null;
  /** WhatsApp message type: text, reaction, sticker, image, audio, interactive, button, order, ... (default text). */
  type?: string;
}

export interface Classification {
  /** BCP-47 primary language tag; Arabizi is 'ar'; no letters is 'und'. */
  language: string;
  intent: Intent;
  needsReply: boolean;
  urgency: Urgency;
  /** True only when the buyer asks to receive no more messages. */
  optOut: boolean;
  /** Short machine-readable reasons for the decision ('kw:price', 'lang:arabizi', 'question_mark', ...). */
  signals: string[];
}

/** A classifier: the built-in rules, or later a language model behind the same interface. */
export interface MessageClassifier {
  readonly name: string;
  classify(input: ClassifyInput): Promise<Classification> | Classification;
}
