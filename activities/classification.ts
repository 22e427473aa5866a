// Message classification behind an interface: the built-in offline rules by default, a language
// model later (pass another MessageClassifier). An activity, so a slow or remote classifier never
// blocks workflow code.
import { ruleBasedClassifier, type Classification, type ClassifyInput, type MessageClassifier } from '../workflows/policy/classify/index.js';

export function createClassificationActivities(classifier: MessageClassifier = ruleBasedClassifier) {
  return {
    async classifyMessages(input: { messages: ClassifyInput[] }): Promise<Classification[]> {
      return Promise.all(input.messages.map((m) => classifier.classify(m)));
    },
  };
}
