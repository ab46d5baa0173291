/**
 * The learnable sentiment classifier: the lexicon's verdict is its prior, and its features are the
 * message's words, character n-grams, emoji and lexicon cues (features.ts).
 */
import type { MessageLanguage } from './languages.ts';
import {
  Classifier,
  DEFAULT_TRAINING,
  NO_FEATURES,
  type ClassifierSpec,
  type TrainingExample,
  type TrainingOptions,
} from './classifier.ts';
import { DEFAULT_FEATURES, featureVector, KNOWLEDGE_FEATURES, type FeatureOptions } from './features.ts';
import { lexiconSentiment, SENTIMENTS } from './sentiment.ts';
import { messageText, type MessageText } from './text.ts';

/**
 * Logit the prior gives the lexicon's verdict over the two other labels (probability 0.6 against 0.2
 * each), up to twice that as the lexicon's score grows: a message full of strong words takes more
 * evidence to overturn than one with a single mild word.
 */
const PRIOR_LOGIT = Math.log(3);

/** How the sentiment classifier reads a message. */
export function sentimentSpec(features: FeatureOptions = DEFAULT_FEATURES): ClassifierSpec {
  return {
    labels: SENTIMENTS,
    slowFeatures: KNOWLEDGE_FEATURES,
    encode(text: string | MessageText, language: MessageLanguage | 'unknown', withFeatures = true) {
      const message = messageText(text);
      const lexicon = lexiconSentiment(message, language);
      return {
        vector: withFeatures ? featureVector(message, lexicon, features, language) : NO_FEATURES,
        prior: new Map([[lexicon.sentiment, PRIOR_LOGIT * (1 + Math.abs(lexicon.score))]]),
      };
    },
  };
}

/** A sentiment classifier trained on `examples` (none: the lexicon alone). */
export function sentimentClassifier(
  examples: Iterable<TrainingExample> = [],
  options: TrainingOptions = DEFAULT_TRAINING,
  features: FeatureOptions = DEFAULT_FEATURES,
): Classifier {
  return Classifier.fromExamples(sentimentSpec(features), examples, options);
}
