/**
 * Measuring the analysis against a labelled tweet set laid out as <dir>/<language>/<split>_text.txt
 * and <split>_labels.txt (one per line, labels 0 negative, 1 neutral, 2 positive): language
 * identification accuracy, and sentiment macro-F1 before and after learning (a learning curve, and the
 * teaching test: a few corrections of what the lexicon misread must not make things worse). Used by
 * scripts/listening-eval.ts and the tests; the data itself never enters the repository.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MessageLanguage } from './languages.ts';
import type { Classifier } from './classifier.ts';
import { identifyLanguage } from './language.ts';
import { SENTIMENTS, type Sentiment } from './sentiment.ts';

/** The folder names of the tweet set and the interface language each is in. */
export const DATA_LANGUAGES: Record<string, MessageLanguage> = {
  english: 'en',
  french: 'fr',
  german: 'de',
  italian: 'it',
  portuguese: 'pt',
  spanish: 'es',
};

export interface LabelledText {
  text: string;
  sentiment: Sentiment;
}

/** Reads one split of one language; literal `\uXXXX` escapes in the files are decoded. */
export function readSplit(dir: string, folder: string, split: string): LabelledText[] {
  const read = (name: string): string[] =>
    readFileSync(path.join(dir, folder, `${split}_${name}.txt`), 'utf8').split('\n');
  const texts = read('text').map((line) =>
    line.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
  );
  const labels = read('labels');
  if (texts.length !== labels.length)
    throw new Error(`${folder}/${split}: ${texts.length} texts but ${labels.length} labels`);
  return texts.map((text, index) => {
    const sentiment = SENTIMENTS[Number(labels[index])];
    if (!sentiment) throw new Error(`${folder}/${split} line ${index + 1}: label "${labels[index]}" is not 0, 1 or 2`);
    return { text, sentiment };
  });
}

/** Macro-averaged F1 over the three sentiments. */
export function macroF1(gold: readonly Sentiment[], predicted: readonly Sentiment[]): number {
  let sum = 0;
  for (const label of SENTIMENTS) {
    let truePositive = 0;
    let falsePositive = 0;
    let falseNegative = 0;
    gold.forEach((expected, index) => {
      const actual = predicted[index];
      if (actual === label && expected === label) truePositive++;
      else if (actual === label) falsePositive++;
      else if (expected === label) falseNegative++;
    });
    sum += truePositive === 0 ? 0 : (2 * truePositive) / (2 * truePositive + falsePositive + falseNegative);
  }
  return sum / SENTIMENTS.length;
}

/** Share of texts identified as `language` (in a city whose languages are `expected`: none by default). */
export function languageAccuracy(
  texts: readonly LabelledText[],
  language: MessageLanguage,
  expected: readonly string[] = [],
): number {
  return (
    texts.filter((row) => identifyLanguage(row.text, expected).language === language).length / Math.max(1, texts.length)
  );
}

/**
 * Sentiment macro-F1 of a classifier on labelled texts, each in the language identified for it (in a
 * city whose languages are `expected`).
 */
export function sentimentF1(
  classifier: Classifier,
  texts: readonly LabelledText[],
  expected: readonly string[] = [],
): number {
  const predicted = texts.map(
    (row) => classifier.predict(row.text, identifyLanguage(row.text, expected).language).label as Sentiment,
  );
  return macroF1(
    texts.map((row) => row.sentiment),
    predicted,
  );
}

/** Numbers of training examples the learning curve is measured at (besides all of them). */
export const CURVE_POINTS = [1, 5, 10, 50, 200, 500] as const;

/** The rows in a fixed pseudo-random order (the same for the same seed): draws for the learning curve. */
export function shuffled<T>(rows: readonly T[], seed: number): T[] {
  const result = [...rows];
  let state = seed >>> 0 || 1;
  for (let index = result.length - 1; index > 0; index--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const other = state % (index + 1);
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

/**
 * What staff would correct first: the first `count` texts the classifier reads wrong, in order (the
 * teaching test corrects them and scores new messages).
 */
export function misread(
  classifier: Classifier,
  texts: readonly LabelledText[],
  count: number,
  expected: readonly string[] = [],
): LabelledText[] {
  const wrong: LabelledText[] = [];
  for (const row of texts) {
    if (wrong.length === count) break;
    if (classifier.predict(row.text, identifyLanguage(row.text, expected).language).label !== row.sentiment)
      wrong.push(row);
  }
  return wrong;
}
