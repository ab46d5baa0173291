/**
 * The inbox's analysis engine: language, sentiment, topic and place of a message, from shipped
 * lexicons, keyword rules and each city's staff corrections. Pure TypeScript, nothing downloaded.
 * The rest of the inbox imports from this file only.
 */
import type { MessageLanguage } from './languages.ts';
import type { Classifier } from './classifier.ts';
import type { TopicRule } from './default-topics.ts';
import { identifyLanguage } from './language.ts';
import { locateMessage, withoutPlaceName, type Gazetteer } from './place.ts';
import { sentimentClassifier } from './sentiment-model.ts';
import type { Sentiment } from './sentiment.ts';
import { MessageText } from './text.ts';
import { NO_TOPIC, topicClassifier } from './topics.ts';

export { Classifier, type Prediction, type TrainingExample } from './classifier.ts';
export { DEFAULT_TOPICS, type TopicRule } from './default-topics.ts';
export { identifyLanguage, warmLanguageModel, type LanguageGuess } from './language.ts';
export { isMessageLanguage, MESSAGE_LANGUAGES, type MessageLanguage } from './languages.ts';
export { classifierFor, recordCorrection, type ClassifierKind, type Correction } from './learning.ts';
export {
  containsPoint,
  locateMessage,
  withoutPlaceName,
  type Gazetteer,
  type GazetteerDistrict,
  type GazetteerStreet,
  type PlaceMatch,
} from './place.ts';
export { lexiconSentiment, SENTIMENTS, type Sentiment } from './sentiment.ts';
export { sentimentClassifier } from './sentiment-model.ts';
export { matchTopics, NO_TOPIC, topicClassifier } from './topics.ts';

export interface MessageInput {
  text: string;
  lat?: number | null;
  lng?: number | null;
}

export interface AnalysisContext {
  gazetteer: Gazetteer;
  topics: readonly TopicRule[];
  /** The city's languages (codes): language identification starts from them (CITY_LANGUAGE_PRIOR). */
  languages?: readonly string[];
  /** The city's classifiers (classifierFor); without them, the lexicon and the keyword rules alone. */
  sentimentModel?: Classifier;
  topicModel?: Classifier;
}

export interface MessageAnalysis {
  language: MessageLanguage | 'unknown';
  languageConfidence: number;
  sentiment: Sentiment;
  /** Positive minus negative probability, −1 to 1. */
  sentimentScore: number;
  /** A topic key of the city, or null when none fits. */
  topic: string | null;
  topicConfidence: number;
  districtId: number | null;
  /** The place name found in the text, when the district came from it. */
  place: string | null;
}

const fallbackSentiment = sentimentClassifier();
const fallbackTopics = new WeakMap<readonly TopicRule[], Classifier>();

/** Analyses one message: language first, then sentiment and topic in that language, then its district. */
export function analyseMessage(input: MessageInput, context: AnalysisContext): MessageAnalysis {
  // One MessageText for all four: the text is prepared, split and folded once, and the sentiment and
  // topic classifiers share its word and character n-gram features.
  const message = new MessageText(input.text);
  let { language, confidence } = identifyLanguage(message, context.languages);
  const place = locateMessage(context.gazetteer, message, input.lat, input.lng, language);
  if (place.name !== undefined) {
    // A place name says nothing of the language it is written in ("Via della Libertà" in English).
    const rest = withoutPlaceName(input.text, place.name);
    const guess = rest === input.text ? undefined : identifyLanguage(rest, context.languages);
    if (guess && guess.language !== 'unknown') ({ language, confidence } = guess);
  }
  const sentiment = (context.sentimentModel ?? fallbackSentiment).predict(message, language);
  let topicModel = context.topicModel ?? fallbackTopics.get(context.topics);
  if (!topicModel) fallbackTopics.set(context.topics, (topicModel = topicClassifier(context.topics)));
  const topic = topicModel.predict(message, language);
  return {
    language,
    languageConfidence: confidence,
    sentiment: sentiment.label as Sentiment,
    sentimentScore: (sentiment.probabilities.positive ?? 0) - (sentiment.probabilities.negative ?? 0),
    topic: topic.label === NO_TOPIC ? null : topic.label,
    topicConfidence: topic.confidence,
    districtId: place.districtId,
    place: place.name ?? null,
  };
}
