/**
 * Sentiment lexicons per interface language: the pattern lexicons (en fr it nl, BSD-3, converted to
 * lexicons/*.tsv) merged with the compact word lists written for this project (all eleven languages).
 * Loaded on first use per language and kept for the life of the process.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MessageLanguage } from './languages.ts';
import { COURTESY } from './lexicons/courtesy.ts';
import { EAST } from './lexicons/words-east.ts';
import { WEST } from './lexicons/words-west.ts';
import type { WordLists } from './lexicons/word-lists.ts';
import { fold, squeezed } from './text.ts';

export interface Lexicon {
  /** Polarity (-1 to 1) of whole words, under their lower-case spelling and (see `foldable`) their folded one. */
  words: Map<string, number>;
  /** Polarity of word beginnings written with a trailing '*'. */
  stems: Map<string, number>;
  negations: Set<string>;
  /** Intensifiers and how much they multiply the next polar word. */
  intensifiers: Map<string, number>;
  /** Whether a word typed without accents may match an entry with them (not where umlauts change the word). */
  foldable: boolean;
  /** Thanks, please, greetings (folded): no polarity in a request (lexicons/courtesy.ts). */
  courtesy: WordSet;
  /** What makes a message a request (folded). */
  requests: WordSet;
}

/** Folded words, word beginnings (a trailing '*') and pairs of words in a row ("a_b"). */
export interface WordSet {
  words: Set<string>;
  stems: string[];
  pairs: Set<string>;
}

function wordSet(list: string): WordSet {
  const set: WordSet = { words: new Set(), stems: [], pairs: new Set() };
  for (const entry of list.split(/\s+/).filter(Boolean)) {
    const folded = fold(entry);
    if (folded.includes('_')) set.pairs.add(folded.replace('_', ' '));
    else if (folded.endsWith('*')) set.stems.push(folded.slice(0, -1));
    else set.words.add(folded);
  }
  return set;
}

/**
 * How many folded words from `index` on (0, 1 or 2) a word set matches: the pair of this word and the
 * next, else the word itself.
 */
export function matchWordSet(set: WordSet, folded: readonly string[], index: number): number {
  const word = folded[index] as string;
  const next = folded[index + 1];
  if (next !== undefined && set.pairs.size > 0) {
    // Pairs may be three words written with two '_' ("is_it_possible"): compare the joined run.
    for (const pair of set.pairs) {
      const parts = pair.split(/[ _]/);
      if (parts.every((part, offset) => folded[index + offset] === part)) return parts.length;
    }
  }
  if (set.words.has(word)) return 1;
  for (const stem of set.stems) if (word.startsWith(stem)) return 1;
  return 0;
}

const PATTERN_LANGUAGES = new Set<MessageLanguage>(['en', 'fr', 'it', 'nl']);
const LISTS: Record<MessageLanguage, WordLists> = { ...WEST, ...EAST };
const WORD_POLARITY = 0.6;
const STRONG_POLARITY = 1;
const INTENSIFIER = 1.5;
const cache = new Map<MessageLanguage, Lexicon>();

function patternEntries(language: MessageLanguage): Array<[string, number, number]> {
  const file = path.join(import.meta.dirname, 'lexicons', `${language}-sentiment.tsv`);
  const rows: Array<[string, number, number]> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [form = '', polarity = '0', , intensity = '1'] = line.split('\t');
    rows.push([form, Number(polarity), Number(intensity)]);
  }
  return rows;
}

function buildLexicon(language: MessageLanguage): Lexicon {
  const lexicon: Lexicon = {
    words: new Map(),
    stems: new Map(),
    negations: new Set(),
    intensifiers: new Map(),
    foldable: !['de', 'hu', 'et'].includes(language),
    courtesy: wordSet(COURTESY[language].courtesy),
    requests: wordSet(COURTESY[language].requests),
  };
  const addWord = (form: string, polarity: number): void => {
    const lower = form.toLowerCase();
    lexicon.words.set(lower, polarity);
    if (lexicon.foldable && !lexicon.words.has(fold(lower))) lexicon.words.set(fold(lower), polarity);
  };
  if (PATTERN_LANGUAGES.has(language)) {
    for (const [form, polarity, intensity] of patternEntries(language)) {
      if (intensity > 1 && Math.abs(polarity) < 0.3) lexicon.intensifiers.set(form, intensity);
      else if (Math.abs(polarity) >= 0.1 && !form.includes(' ')) addWord(form, polarity);
    }
  }
  const lists = LISTS[language];
  const entries = (list: string): string[] => list.split(/\s+/).filter(Boolean);
  for (const [list, sign] of [
    [lists.positive, 1],
    [lists.negative, -1],
  ] as const) {
    for (const entry of entries(list)) {
      const strong = entry.startsWith('!');
      const word = entry.replace(/^!/, '');
      const polarity = sign * (strong ? STRONG_POLARITY : WORD_POLARITY);
      if (word.endsWith('*')) {
        const stem = word.slice(0, -1).toLowerCase();
        lexicon.stems.set(stem, polarity);
        if (lexicon.foldable) lexicon.stems.set(fold(stem), polarity);
      } else addWord(word, polarity);
    }
  }
  for (const word of entries(lists.negations)) lexicon.negations.add(fold(word));
  for (const word of entries(lists.intensifiers)) lexicon.intensifiers.set(fold(word), INTENSIFIER);
  return lexicon;
}

/** The lexicon of a language (built on first use). */
export function lexiconFor(language: MessageLanguage): Lexicon {
  let lexicon = cache.get(language);
  if (!lexicon) cache.set(language, (lexicon = buildLexicon(language)));
  return lexicon;
}

/** Polarity of one lower-case word in a lexicon, or 0: whole word, then with accents folded (`foldedWord` when the caller has it), then its longest listed stem. */
export function polarityOf(lexicon: Lexicon, word: string, foldedWord?: string): number {
  const direct = lexicon.words.get(word) ?? lexicon.words.get(squeezed(word));
  if (direct !== undefined) return direct;
  const folded = lexicon.foldable ? (foldedWord ?? fold(word)) : word;
  if (folded !== word) {
    const viaFold = lexicon.words.get(folded);
    if (viaFold !== undefined) return viaFold;
  }
  for (let length = folded.length; length >= 3; length--) {
    const stem = lexicon.stems.get(folded.slice(0, length));
    if (stem !== undefined) return stem;
  }
  return 0;
}
