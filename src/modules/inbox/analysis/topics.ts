/**
 * Topics: keyword rules from the city's topic list, then a learnable classifier over staff
 * corrections that starts from the rules (their matches are its prior).
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
import type { TopicRule } from './default-topics.ts';
import { featureVector } from './features.ts';
import { fold, messageText, type MessageText } from './text.ts';

/** The label of a message no topic fits. */
export const NO_TOPIC = 'other';
const COMPOUNDING = new Set<MessageLanguage>(['de', 'nl', 'et', 'hu']);
const COMPOUND_MIN = 5;
/** Keywords shorter than this match whole words only ("bin" is not in "binoculars"). */
const SHORT_KEYWORD = 4;
/** Matched letters worth one keyword: a longer keyword ("straßenlaterne") outweighs a shorter one inside it ("straße"). */
const LETTERS_PER_HIT = 6;
const RULE_LOGIT = 1.5;
const NO_TOPIC_LOGIT = 1;

interface CompiledRule {
  key: string;
  /** Per language (and 'any' for all languages together): a pattern matching any of its keywords. */
  patterns: Map<MessageLanguage | 'any', RegExp>;
}

const compiled = new WeakMap<readonly TopicRule[], CompiledRule[]>();

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function patternFor(keywords: readonly string[], compounding: boolean): RegExp | undefined {
  const alternatives = keywords.map((keyword) => {
    const folded = escape(fold(keyword.trim()));
    if (folded.length < SHORT_KEYWORD) return `(?<![\\p{L}\\p{N}])${folded}(?![\\p{L}\\p{N}])`;
    return compounding && folded.length >= COMPOUND_MIN ? folded : `(?<![\\p{L}\\p{N}])${folded}`;
  });
  return alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'gu') : undefined;
}

function compile(topics: readonly TopicRule[]): CompiledRule[] {
  let rules = compiled.get(topics);
  if (rules) return rules;
  rules = topics.map((topic) => {
    const patterns = new Map<MessageLanguage | 'any', RegExp>();
    const all: string[] = [];
    for (const [language, keywords] of Object.entries(topic.keywords) as Array<[MessageLanguage, readonly string[]]>) {
      const pattern = patternFor(keywords, COMPOUNDING.has(language));
      if (pattern) patterns.set(language, pattern);
      all.push(...keywords);
    }
    const any = patternFor(all, false);
    if (any) patterns.set('any', any);
    return { key: topic.key, patterns };
  });
  compiled.set(topics, rules);
  return rules;
}

/**
 * How strongly each topic's keywords occur in a text (one per keyword found, more for long ones) (accents and case ignored), with the keywords of the
 * message's language, or of every language when it is unknown or has none for that topic.
 */
export function matchTopics(
  text: string | MessageText,
  language: MessageLanguage | 'unknown',
  topics: readonly TopicRule[],
): Map<string, number> {
  const folded = messageText(text).foldedProse;
  const hits = new Map<string, number>();
  for (const rule of compile(topics)) {
    const pattern = (language !== 'unknown' ? rule.patterns.get(language) : undefined) ?? rule.patterns.get('any');
    if (!pattern) continue;
    const matches = folded.match(pattern) ?? [];
    if (matches.length > 0)
      hits.set(
        rule.key,
        matches.reduce((sum, match) => sum + Math.max(1, match.length / LETTERS_PER_HIT), 0),
      );
  }
  return hits;
}

/** How the topic classifier reads a message: the same features as sentiment, the rules as prior. */
export function topicSpec(topics: readonly TopicRule[]): ClassifierSpec {
  return {
    labels: [...topics.map((topic) => topic.key), NO_TOPIC],
    encode(text: string | MessageText, language: MessageLanguage | 'unknown', withFeatures = true) {
      const message = messageText(text);
      const hits = matchTopics(message, language, topics);
      const prior = new Map<string, number>();
      for (const [key, count] of hits) prior.set(key, RULE_LOGIT * Math.min(3, count));
      if (hits.size === 0) prior.set(NO_TOPIC, NO_TOPIC_LOGIT);
      return { vector: withFeatures ? featureVector(message, undefined) : NO_FEATURES, prior };
    },
  };
}

/** A topic classifier for a city's topics, trained on `examples` (none: the keyword rules alone). */
export function topicClassifier(
  topics: readonly TopicRule[],
  examples: Iterable<TrainingExample> = [],
  options: TrainingOptions = DEFAULT_TRAINING,
): Classifier {
  return Classifier.fromExamples(topicSpec(topics), examples, options);
}
