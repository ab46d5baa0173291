/**
 * Outside knowledge of sentiment, read as evidence by the learnable classifier: the AFINN-165 word
 * valences (−5…5, English, and its translations into German, French, Spanish, Italian and Portuguese)
 * and the Emoji Sentiment Ranking (how often each emoji occurred in negative, neutral and positive
 * tweets, 13 languages). Both are data files in lexicons/ with their licences beside them; loaded on
 * first use per language and kept for the life of the process.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MessageLanguage } from './languages.ts';
import { lexiconFor } from './lexicon.ts';
import { fold, type MessageText } from './text.ts';

/** Languages with an AFINN word list. */
const AFINN_LANGUAGES = new Set<MessageLanguage>(['en', 'de', 'fr', 'es', 'it', 'pt']);
const NEGATION_REACH = 3;
/** An emoji seen fewer times than this in the ranking says too little. */
const EMOJI_MIN_OCCURRENCES = 5;

interface WordValences {
  /** Valence / 5 of single words (lower case, and folded where the language allows it). */
  words: Map<string, number>;
  /** Valence / 5 of phrases of two or three words, keyed by the words joined with a space. */
  phrases: Map<string, number>;
}

const valences = new Map<MessageLanguage, WordValences | undefined>();

let emoji: Map<string, readonly [number, number, number]> | undefined;

function dataLines(name: string): string[][] {
  return readFileSync(path.join(import.meta.dirname, 'lexicons', name), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split('\t'));
}

function afinnOf(language: MessageLanguage): WordValences | undefined {
  if (valences.has(language)) return valences.get(language);
  let result: WordValences | undefined;
  if (AFINN_LANGUAGES.has(language)) {
    result = { words: new Map(), phrases: new Map() };
    const foldable = language !== 'de';
    for (const [form = '', valence = '0'] of dataLines(`afinn-${language}.tsv`)) {
      const value = Number(valence) / 5;
      const parts = form.split(' ');
      if (parts.length > 3) continue;
      const target = parts.length > 1 ? result.phrases : result.words;
      target.set(form, value);
      if (foldable && !target.has(fold(form))) target.set(fold(form), value);
    }
  }
  valences.set(language, result);
  return result;
}

/** log(3·p) of each class per emoji (negative, neutral, positive), add-one smoothed. */
function emojiTable(): Map<string, readonly [number, number, number]> {
  if (emoji) return emoji;
  emoji = new Map();
  for (const [symbol = '', negative = '0', neutral = '0', positive = '0'] of dataLines('emoji-sentiment.tsv')) {
    const counts = [Number(negative), Number(neutral), Number(positive)] as const;
    const total = counts[0] + counts[1] + counts[2];
    if (total < EMOJI_MIN_OCCURRENCES) continue;
    const logOdds = counts.map((count) => Math.log((3 * (count + 1)) / (total + 3)));
    emoji.set(symbol.replace(/\uFE0F/g, ''), [logOdds[0] as number, logOdds[1] as number, logOdds[2] as number]);
  }
  return emoji;
}

export interface Knowledge {
  /** Sums of the positive and of the negative word valences / 5 (a negation turns a word's sign). */
  positive: number;
  negative: number;
  /** How many words and phrases had a valence. */
  matches: number;
  /** Sums over the message's known emoji of log(3·p(class)): negative, neutral, positive. */
  emoji: [number, number, number];
  /** How many of its emoji the ranking knows. */
  emojiMatches: number;
}

/** What the outside lexicons say of a message read in `language` (English when unknown). */
export function knowledgeOf(message: MessageText, language: MessageLanguage | 'unknown'): Knowledge {
  const cached = message.memo.get(knowledgeOf) as { language: string; knowledge: Knowledge } | undefined;
  if (cached && cached.language === language) return cached.knowledge;
  const result: Knowledge = { positive: 0, negative: 0, matches: 0, emoji: [0, 0, 0], emojiMatches: 0 };
  const lang = language === 'unknown' ? 'en' : language;
  const afinn = afinnOf(lang);
  if (afinn) {
    const tokens = message.words;
    const folded = message.foldedWords;
    const negations = lexiconFor(lang).negations;
    let lastNegation = -NEGATION_REACH - 1;
    for (let index = 0; index < tokens.length; index++) {
      const word = tokens[index] as string;
      if (negations.has(folded[index] as string) || word.endsWith("n't")) {
        lastNegation = index;
        continue;
      }
      let value: number | undefined;
      let span = 1;
      for (const length of [3, 2]) {
        if (index + length > tokens.length) continue;
        const phrase = tokens.slice(index, index + length).join(' ');
        value = afinn.phrases.get(phrase) ?? afinn.phrases.get(folded.slice(index, index + length).join(' '));
        if (value !== undefined) {
          span = length;
          break;
        }
      }
      value ??= afinn.words.get(word) ?? afinn.words.get(folded[index] as string);
      if (value === undefined) continue;
      if (index - lastNegation <= NEGATION_REACH) value = -value / 2;
      if (value > 0) result.positive += value;
      else result.negative -= value;
      result.matches++;
      index += span - 1;
    }
  }
  const table = emojiTable();
  for (const symbol of message.prepared.symbols) {
    const logOdds = table.get(symbol);
    if (!logOdds) continue;
    for (let c = 0; c < 3; c++) result.emoji[c] = (result.emoji[c] as number) + (logOdds[c] as number);
    result.emojiMatches++;
  }
  message.memo.set(knowledgeOf, { language, knowledge: result });
  return result;
}
