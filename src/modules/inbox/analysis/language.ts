/**
 * Language identification for the languages the inbox reads (./languages.ts): a naive Bayes model over character
 * n-grams (1 to 4 letters, with word edges), learnt from text the project ships — its own interface
 * strings and the informal samples in language-samples.ts. Built once per process, on first use.
 */
import { MESSAGE_LANGUAGES, type MessageLanguage } from './languages.ts';
import { messageTexts } from '../../../platform/i18n/translate.ts';
import { LANGUAGE_SAMPLES } from './language-samples.ts';
import { letterCount, messageText, prepareText, type MessageText } from './text.ts';

export interface LanguageGuess {
  language: MessageLanguage | 'unknown';
  /** Posterior probability of the chosen language, 0–1 (0 when unknown). */
  confidence: number;
}

/** Fewer letters than this and the language is 'unknown'. */
export const MIN_LETTERS = 3;
/** With at least this many letters outside hashtags, hashtags are left out of identification. */
const HASHTAG_FREE_LETTERS = 8;
const HASHTAG = /#[\p{L}\p{N}_]/u;
const HASHTAGS = /#[\p{L}\p{N}_]+/gu;
const MAX_ORDER = 4;
/** The 'order' under which whole words are counted. */
const WORD_ORDER = MAX_ORDER + 1;
/**
 * How far the city's own languages start ahead of the others, in the units of the scores: most of what
 * a city's residents write is in its languages. Odds of 20 (like a city where two messages in three are
 * in one of its languages, against the ten others: ln 20 ≈ 3), times WORD_ORDER because the n-grams of
 * 1 to 4 letters and the word overlap, so that every letter is counted about that many times. Chosen
 * so, not fitted: on the train split of the tweet set it lifts accuracy from 0.969 to 0.987. It decides
 * short and ambiguous texts ("No es triste, es normal", a Brazilian chat line among hashtags) but also
 * turns some clearly foreign one-liners into the city's language (see docs/PERFORMANCE.md).
 */
export const CITY_LANGUAGE_PRIOR = 3 * WORD_ORDER;
const SMOOTHING = 0.5;
/** The informal samples are few but closer to what residents write: they count this many times. */
const SAMPLE_WEIGHT = 4;
/** Log-likelihoods of n-grams are summed over many overlapping n-grams: this damps the softmax. */
const TEMPERATURE = 0.1;

interface LanguageModel {
  /** For every other n-gram and whole word seen in any language, its log-probability in each language (MESSAGE_LANGUAGES order). */
  grams: Map<string, Float32Array>;
  /** The same rows for n-grams of 1 to MAX_ORDER characters below PACK_BASE, keyed by the number `walkGrams` gives (no string per look-up); `grams` holds the others. */
  packed: Map<number, Float32Array>;
}

/** Characters below this (Latin, Greek, Cyrillic…) pack four to a number exactly (4 × 13 bits < 2⁵³). */
const PACK_BASE = 8192;
const SPACE = 32;

let model: LanguageModel | undefined;

/** Letters-only text with single spaces and a space at both ends, lower case. */
function letters(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/(\p{L})\1{2,}/gu, '$1')
    .replace(/[^\p{L}]+/gu, ' ')
    .trim()} `;
}

/**
 * Visits every n-gram (1 to MAX_ORDER letters) of a letters-only text, within words and their edges, and
 * each whole word with both edges (function words are the surest sign of a language): an n-gram of
 * characters below PACK_BASE as its `packed` number (no string made), any other as a string. Building the
 * model (over a megabyte of text) and scoring a message walk the same n-grams this way.
 */
function walkGrams(
  text: string,
  visitPacked: (key: number, order: number) => void,
  visitText: (gram: string, order: number) => void,
): void {
  for (let start = 0; start < text.length; start++) {
    const first = text.charCodeAt(start);
    if (first === SPACE && start === text.length - 1) break;
    let key = 0;
    for (let order = 1; order <= MAX_ORDER && start + order <= text.length; order++) {
      const code = text.charCodeAt(start + order - 1);
      if (order > 1 && code === SPACE) break;
      if (code >= PACK_BASE) {
        // A character beyond the packed range: this start's longer n-grams go by string.
        for (let rest = order; rest <= MAX_ORDER && start + rest <= text.length; rest++) {
          const gram = text.slice(start, start + rest);
          if (rest > 1 && gram.indexOf(' ', 1) !== -1) break;
          visitText(gram, rest);
        }
        break;
      }
      key = key * PACK_BASE + code;
      if (order === 1 && code === SPACE) continue;
      visitPacked(key, order);
    }
    if (first === SPACE) {
      const end = text.indexOf(' ', start + 1);
      if (end - start > MAX_ORDER - 1) visitText(text.slice(start, end + 1), WORD_ORDER);
    }
  }
}

/** The text each language learns from: its interface strings (placeholders and markup removed) and its samples. */
function trainingText(language: MessageLanguage): string[] {
  const strings = messageTexts(language).map((message) => message.replace(/\{\{\w+\}\}|<[^>]*>|https?:\S+/g, ' '));
  const samples = LANGUAGE_SAMPLES[language].split('\n');
  return [...strings, ...Array.from({ length: SAMPLE_WEIGHT }, () => samples).flat()];
}

/** The shipped text of a language, each line once (what feature weights count words against). */
export function backgroundText(language: MessageLanguage): string[] {
  const strings = messageTexts(language).map((message) => message.replace(/\{\{\w+\}\}|<[^>]*>|https?:\S+/g, ' '));
  return [...strings, ...LANGUAGE_SAMPLES[language].split('\n')];
}

/** Builds the n-gram model from the shipped text (once per process; the interface strings are over a megabyte). */
function buildModel(): LanguageModel {
  const languages = MESSAGE_LANGUAGES.length;
  const packedCounts = new Map<number, { order: number; row: Float64Array }>();
  const textCounts = new Map<string, { order: number; row: Float64Array }>();
  const totals = MESSAGE_LANGUAGES.map(() => new Float64Array(WORD_ORDER + 1));
  MESSAGE_LANGUAGES.forEach((language, index) => {
    const total = totals[index] as Float64Array;
    const countPacked = (key: number, order: number): void => {
      let entry = packedCounts.get(key);
      if (!entry) packedCounts.set(key, (entry = { order, row: new Float64Array(languages) }));
      entry.row[index] = (entry.row[index] as number) + 1;
      total[order] = (total[order] as number) + 1;
    };
    const countText = (gram: string, order: number): void => {
      let entry = textCounts.get(gram);
      if (!entry) textCounts.set(gram, (entry = { order, row: new Float64Array(languages) }));
      entry.row[index] = (entry.row[index] as number) + 1;
      total[order] = (total[order] as number) + 1;
    };
    for (const line of trainingText(language)) walkGrams(letters(line), countPacked, countText);
  });
  const vocabulary = new Float64Array(WORD_ORDER + 1);
  for (const counts of [packedCounts, textCounts])
    for (const { order } of counts.values()) vocabulary[order] = (vocabulary[order] as number) + 1;
  const logsOf = ({ order, row }: { order: number; row: Float64Array }): Float32Array => {
    const logs = new Float32Array(languages);
    for (let index = 0; index < languages; index++) {
      const total = (totals[index] as Float64Array)[order] ?? 0;
      logs[index] = Math.log(((row[index] ?? 0) + SMOOTHING) / (total + SMOOTHING * (vocabulary[order] || 1)));
    }
    return logs;
  };
  const packedGrams = new Map<number, Float32Array>();
  for (const [key, entry] of packedCounts) packedGrams.set(key, logsOf(entry));
  const grams = new Map<string, Float32Array>();
  for (const [gram, entry] of textCounts) grams.set(gram, logsOf(entry));
  return { grams, packed: packedGrams };
}

/**
 * Adds the log-probabilities of every n-gram of a letters-only text to `scores`; returns how many were known.
 */
function scoreGrams(text: string, languageModel: LanguageModel, scores: Float64Array): number {
  let seen = 0;
  const add = (logs: Float32Array | undefined): void => {
    if (!logs) return;
    seen++;
    for (let index = 0; index < scores.length; index++)
      scores[index] = (scores[index] as number) + (logs[index] as number);
  };
  walkGrams(
    text,
    (key) => add(languageModel.packed.get(key)),
    (gram) => add(languageModel.grams.get(gram)),
  );
  return seen;
}

/** Builds the language model now rather than on the first message (for start-up and benchmarks). */
export function warmLanguageModel(): void {
  model ??= buildModel();
}

/**
 * The language of a message, with its probability. Links, mentions, hashtag signs and emoji are set
 * apart first; Cyrillic text is Bulgarian (the only interface language written in it). `expected`: the
 * city's languages, which start ahead by CITY_LANGUAGE_PRIOR.
 */
export function identifyLanguage(text: string | MessageText, expected: readonly string[] = []): LanguageGuess {
  const message = messageText(text);
  // Hashtags are often names or English slogans: they count only when little else is written.
  const withoutHashtags = HASHTAG.test(message.raw)
    ? prepareText(message.raw.replace(HASHTAGS, ' ')).prose
    : message.prepared.prose;
  const freeLetters = letterCount(withoutHashtags);
  const prose = freeLetters >= HASHTAG_FREE_LETTERS ? withoutHashtags : message.prepared.prose;
  const proseLetters = prose === withoutHashtags ? freeLetters : letterCount(prose);
  if (proseLetters < MIN_LETTERS) return { language: 'unknown', confidence: 0 };
  const cyrillic = (prose.match(/\p{Script=Cyrillic}/gu) ?? []).length;
  if (cyrillic * 2 > proseLetters) return { language: 'bg', confidence: 0.99 };
  const scores = new Float64Array(MESSAGE_LANGUAGES.length);
  const seen = scoreGrams(letters(prose), (model ??= buildModel()), scores);
  if (seen === 0) return { language: 'unknown', confidence: 0 };
  MESSAGE_LANGUAGES.forEach((language, index) => {
    if (expected.includes(language)) scores[index] = (scores[index] as number) + CITY_LANGUAGE_PRIOR;
  });
  let best = 0;
  for (let index = 1; index < scores.length; index++) if ((scores[index] ?? 0) > (scores[best] ?? 0)) best = index;
  let sum = 0;
  for (const score of scores) sum += Math.exp((score - (scores[best] ?? 0)) * TEMPERATURE);
  return { language: MESSAGE_LANGUAGES[best] as MessageLanguage, confidence: 1 / sum };
}
