/**
 * A readability score per language, each the formula that language's readers are measured with:
 * Flesch reading ease (English), Amstad (German), Kandel–Moles (French), Fernández Huerta (Spanish),
 * Gulpease (Italian), Douma (Dutch), the Portuguese adaptation of Flesch (Martins et al.), and LIX for
 * the others (Bulgarian, Estonian, Hungarian, Romanian). Pure functions on plain text; syllables are
 * counted as groups of vowels, the usual approximation of these formulas' tools.
 */

export interface TextCounts {
  sentences: number;
  words: number;
  syllables: number;
  letters: number;
  /** Words of more than six letters (LIX). */
  longWords: number;
}

export interface Readability {
  formula: 'flesch' | 'amstad' | 'kandel-moles' | 'fernandez-huerta' | 'gulpease' | 'douma' | 'flesch-pt' | 'lix';
  score: number;
  /** Whether a higher score means easier (every formula but LIX). */
  higherIsEasier: boolean;
  /** easy, standard or hard, by the formula's usual bands. */
  band: 'easy' | 'standard' | 'hard';
}

const VOWELS: Record<string, RegExp> = {
  en: /[aeiouy]+/g,
  de: /[aeiouyäöü]+/g,
  fr: /[aeiouyàâéèêëîïôûùüÿœæ]+/g,
  es: /[aeiouáéíóúü]+/g,
  it: /[aeiouàèéìíòóùú]+/g,
  nl: /[aeiouyáéíóúèëïöü]+/g,
  pt: /[aeiouáâãàéêíóôõú]+/g,
};

const WORD = /[\p{L}\p{M}][\p{L}\p{M}'’-]*/gu;
const LINK = /https?:\/\/\S+|[#@]\S+/g;

function syllablesOf(word: string, language: string): number {
  const vowels = VOWELS[language];
  if (!vowels) return 1;
  let lower = word.toLowerCase();
  // English: a final silent e ("make"), but not "-le" ("table")
  if (language === 'en' && lower.length > 2 && lower.endsWith('e') && !lower.endsWith('le')) lower = lower.slice(0, -1);
  return Math.max(1, lower.match(vowels)?.length ?? 0);
}

/** Sentences, words, syllables and letters of a text (links, hashtags and mentions left out). */
export function countText(text: string, language: string): TextCounts {
  const plain = text.replace(LINK, ' ');
  const words = plain.match(WORD) ?? [];
  const parts = plain.split(/[.!?…]+(?:\s|$)|\n\s*\n/);
  const sentences = Math.max(1, parts.filter((part) => /\p{L}/u.test(part)).length);
  let syllables = 0;
  let letters = 0;
  let longWords = 0;
  for (const word of words) {
    syllables += syllablesOf(word, language);
    const length = word.replace(/['’-]/g, '').length;
    letters += length;
    if (length > 6) longWords++;
  }
  return { sentences, words: words.length, syllables, letters, longWords };
}

const round = (value: number) => Math.round(value * 10) / 10;

function band(score: number, easy: number, hard: number, higherIsEasier: boolean): Readability['band'] {
  if (higherIsEasier) return score >= easy ? 'easy' : score < hard ? 'hard' : 'standard';
  return score <= easy ? 'easy' : score > hard ? 'hard' : 'standard';
}

/** The score of a text in its language; undefined for a text without words. */
export function readability(text: string, language: string): Readability | undefined {
  const counts = countText(text, language);
  if (counts.words === 0) return undefined;
  const asl = counts.words / counts.sentences;
  const asw = counts.syllables / counts.words;
  const ease = (formula: Readability['formula'], score: number): Readability => ({
    formula,
    score: round(score),
    higherIsEasier: true,
    band: band(score, 70, 50, true),
  });
  switch (language) {
    case 'en':
      return ease('flesch', 206.835 - 1.015 * asl - 84.6 * asw);
    case 'de':
      return ease('amstad', 180 - asl - 58.5 * asw);
    case 'fr':
      return ease('kandel-moles', 207 - 1.015 * asl - 73.6 * asw);
    case 'es':
      // 206.84 − 0.60 P − 1.02 F, P syllables and F sentences per hundred words
      return ease('fernandez-huerta', 206.84 - 0.6 * (100 * asw) - 1.02 * (100 / asl));
    case 'it': {
      const score = 89 + (300 * counts.sentences - 10 * counts.letters) / counts.words;
      return { formula: 'gulpease', score: round(score), higherIsEasier: true, band: band(score, 60, 40, true) };
    }
    case 'nl':
      return ease('douma', 206.835 - 0.93 * asl - 77 * asw);
    case 'pt':
      return ease('flesch-pt', 248.835 - 1.015 * asl - 84.6 * asw);
    default: {
      const score = asl + (100 * counts.longWords) / counts.words;
      return { formula: 'lix', score: round(score), higherIsEasier: false, band: band(score, 40, 50, false) };
    }
  }
}
