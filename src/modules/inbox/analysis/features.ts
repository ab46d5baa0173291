/**
 * What the learnable classifiers see of a message: hashed word unigrams and bigrams (words after a
 * negation marked), character n-grams inside words (they survive spelling, inflection and elongation),
 * emoji and emoticons, the lexicon's cues and score. A sparse vector of unit length.
 */
import { backgroundText } from './language.ts';
import type { MessageLanguage } from './languages.ts';
import { fold, messageText, type MessageText } from './text.ts';
import type { LexiconSentiment } from './sentiment.ts';
import { knowledgeOf } from './knowledge.ts';

export const HASH_BITS = 18;
const MASK = (1 << HASH_BITS) - 1;
const NEGATIONS = new Set([
  'not',
  'no',
  'never',
  'ne',
  'pas',
  'nicht',
  'kein',
  'keine',
  'niet',
  'geen',
  'nunca',
  'nao',
  'non',
  'nu',
  'не',
  'ei',
  'nem',
  'sem',
  'mai',
  'jamais',
  'nie',
]);

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface FeatureOptions {
  /** Smallest and largest character n-gram (0 turns them off). */
  charMin: number;
  charMax: number;
  /** Weight of the character n-grams against the words. */
  charWeight: number;
  bigrams: boolean;
  /**
   * Weight of the lexicon's verdict features (its polar sums and label). Small: staff correct the
   * lexicon where it is wrong, so a few corrections would otherwise teach "the lexicon is wrong" for
   * every message; only much evidence should recalibrate the lexicon as a whole.
   */
  verdictWeight: number;
  /**
   * Weight of the message's form: a link, a mention, a hashtag, a question, "!!", "…", a word in
   * capitals, a stretched word ("sooo"), quotes, digits, a retweet. Tweets with a link are mostly
   * news (neutral); stretched words and capitals carry feeling. Small, like the verdict: every
   * message has a form, so only much evidence should teach what one means.
   */
  formWeight: number;
  /**
   * Weight of the outside knowledge (knowledge.ts: AFINN word valences, the Emoji Sentiment Ranking),
   * added after the text features are scaled to unit length (so that a long message does not dilute
   * them). 0 leaves it out. Their weights are slow to learn (ClassifierSpec.slowFeatures).
   */
  knowledgeWeight: number;
}

export const DEFAULT_FEATURES: FeatureOptions = {
  charMin: 2,
  charMax: 5,
  charWeight: 0.5,
  bigrams: true,
  verdictWeight: 0.1,
  formWeight: 0.5,
  knowledgeWeight: 1,
};

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a continued from `state` over a string (the state of the empty string is FNV_OFFSET). */
function fnv(state: number, text: string): number {
  let hash = state;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash;
}

/** FNV-1a of a string, folded into the hashed feature space. */
export function hashFeature(name: string): number {
  return (fnv(FNV_OFFSET, name) >>> 0) & MASK;
}

const WORD = fnv(FNV_OFFSET, 'w:');
const NEGATED = fnv(FNV_OFFSET, 'n:');
const BIGRAM = fnv(FNV_OFFSET, 'b:');
const CHAR = fnv(FNV_OFFSET, 'c:');
const SYMBOL = fnv(FNV_OFFSET, 's:');
const CUE = fnv(FNV_OFFSET, 'l:');
const FORM = fnv(FNV_OFFSET, 'f:');
const SPACE = ' '.charCodeAt(0);

/** The forms of a message that are features (see FeatureOptions.formWeight), tested on its raw text. */
const FORMS: ReadonlyArray<readonly [string, RegExp]> = [
  ['link', /\bhttps?\b|\bwww\./i],
  ['mention', /(?:^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]/u],
  ['hashtag', /#[\p{L}\p{N}]/u],
  ['question', /\?/],
  ['exclamations', /!!/],
  ['ellipsis', /\.\.|…/],
  ['capitals', /(?:^|[^\p{L}])\p{Lu}{3,}(?:[^\p{L}]|$)/u],
  ['stretched', /(\p{L})\1\1/u],
  ['quotes', /["“”«»]/],
  ['digits', /\p{N}/u],
  ['retweet', /\bRT\b/],
];

/**
 * Sums feature weights by index without a Map: a dense array of the whole hashed space, reused by
 * every call (the analysis is synchronous), and the list of indices touched, in first-touch order.
 */
class Accumulator {
  readonly #weights = new Float64Array(1 << HASH_BITS);
  readonly #seen = new Uint8Array(1 << HASH_BITS);
  readonly #touched: number[] = [];

  add(index: number, value: number): void {
    if (this.#seen[index] === 0) {
      this.#seen[index] = 1;
      this.#touched.push(index);
    }
    this.#weights[index] = (this.#weights[index] as number) + value;
  }

  addHash(hash: number, value: number): void {
    this.add((hash >>> 0) & MASK, value);
  }

  /** The sums so far, scaled to unit length when `normalise`; empties the accumulator. */
  take(normalise: boolean): SparseVector {
    const touched = this.#touched;
    const weights = this.#weights;
    let norm = 0;
    for (const index of touched) norm += (weights[index] as number) ** 2;
    norm = normalise ? Math.sqrt(norm) || 1 : 1;
    // A feature whose weights summed to 0 stays in the vector: training still decays its weight.
    const indices = new Int32Array(touched.length);
    const values = new Float32Array(touched.length);
    touched.forEach((index, position) => {
      indices[position] = index;
      values[position] = (weights[index] as number) / norm;
      weights[index] = 0;
      this.#seen[index] = 0;
    });
    touched.length = 0;
    return { indices, values };
  }
}

const accumulator = new Accumulator();

/** Adds the features of the words, their character n-grams and the symbols (everything but the lexicon). */
function addTextFeatures(message: MessageText, options: FeatureOptions): void {
  const tokens = message.foldedWords;
  let negatedUntil = -1;
  for (let index = 0; index < tokens.length; index++) {
    const word = tokens[index] as string;
    if (NEGATIONS.has(word) || word.endsWith("n't")) negatedUntil = index + 3;
    accumulator.addHash(fnv(WORD, word), 1);
    if (index <= negatedUntil && index > negatedUntil - 3) accumulator.addHash(fnv(NEGATED, word), 1);
    if (options.bigrams && index > 0)
      accumulator.addHash(fnv(fnv(fnv(BIGRAM, tokens[index - 1] as string), '_'), word), 1);
    if (options.charMax > 0) {
      // The n-grams of " word ", hashed as "c:" + n-gram while walking the letters (no string per n-gram).
      const length = word.length + 2;
      for (let start = 0; start + options.charMin <= length; start++) {
        let hash = CHAR;
        for (let end = start; end < length && end - start < options.charMax; end++) {
          hash ^= end === 0 || end === length - 1 ? SPACE : word.charCodeAt(end - 1);
          hash = Math.imul(hash, 0x01000193);
          if (end - start + 1 >= options.charMin) accumulator.addHash(hash, options.charWeight);
        }
      }
    }
  }
  for (const symbol of message.prepared.symbols) accumulator.addHash(fnv(SYMBOL, symbol), 1);
  if (message.prepared.exclamations > 0) accumulator.addHash(fnv(FNV_OFFSET, 'x:exclamation'), 1);
  if (tokens.length === 0) accumulator.addHash(fnv(FNV_OFFSET, 'x:empty'), 1);
  if (options.formWeight > 0)
    FORMS.forEach(([name, pattern]) => {
      if (pattern.test(message.raw)) accumulator.addHash(fnv(FORM, name), options.formWeight);
    });
}

/**
 * The text part of the features, summed but not scaled, kept on the message so that the sentiment and
 * the topic classifier (same options) compute it once per message.
 */
function textFeatures(message: MessageText, options: FeatureOptions): SparseVector {
  let cached = message.memo.get(options) as SparseVector | undefined;
  if (!cached) {
    addTextFeatures(message, options);
    message.memo.set(options, (cached = accumulator.take(false)));
  }
  return cached;
}

const informativeness = new Map<MessageLanguage, Float32Array>();

/**
 * How much each text feature says in a language, 0 to 1: its inverse document frequency over the
 * text the project ships in that language (interface strings and message samples), scaled so that a
 * feature never seen there weighs 1. Words and letter sequences found in most sentences ("the", "th",
 * "er") weigh little: a correction must not move every message because they share them. Computed on
 * first use per language (about 50 ms).
 */
function informativenessOf(language: MessageLanguage, options: FeatureOptions): Float32Array {
  let weights = informativeness.get(language);
  if (weights) return weights;
  const documents = backgroundText(language);
  const counts = new Uint16Array(1 << HASH_BITS);
  for (const line of documents) {
    const features = textFeatures(messageText(line), options);
    for (const index of features.indices) counts[index] = Math.min(65535, (counts[index] as number) + 1);
  }
  weights = new Float32Array(1 << HASH_BITS);
  const top = Math.log(documents.length + 1);
  for (let index = 0; index < weights.length; index++)
    weights[index] = Math.log((documents.length + 1) / ((counts[index] as number) + 1)) / top;
  informativeness.set(language, weights);
  return weights;
}

/**
 * The feature vector of a message (see the file comment). With its language, each text feature is
 * weighed by how informative it is in that language (informativenessOf).
 */
export function featureVector(
  text: string | MessageText,
  lexicon: LexiconSentiment | undefined,
  options: FeatureOptions = DEFAULT_FEATURES,
  language?: MessageLanguage | 'unknown',
): SparseVector {
  const message = messageText(text);
  const base = textFeatures(message, options);
  const weights =
    language === undefined ? undefined : informativenessOf(language === 'unknown' ? 'en' : language, options);
  for (let k = 0; k < base.indices.length; k++) {
    const index = base.indices[k] as number;
    accumulator.add(index, (base.values[k] as number) * (weights ? (weights[index] as number) : 1));
  }
  if (lexicon) {
    for (const cue of lexicon.cues) accumulator.addHash(fnv(CUE, fold(cue)), 1);
    accumulator.add(hashFeature('lex:positive'), lexicon.positive * options.verdictWeight);
    accumulator.add(hashFeature('lex:negative'), lexicon.negative * options.verdictWeight);
    accumulator.add(hashFeature(`lex:${lexicon.sentiment}`), 2 * options.verdictWeight);
  }
  if (!lexicon || options.knowledgeWeight === 0) return accumulator.take(true);
  const knowledge = knowledgeOf(message, language ?? 'unknown');
  const weight = options.knowledgeWeight;
  const dense: Array<[number, number]> = [
    [KNOWLEDGE_POSITIVE, knowledge.positive * weight],
    [KNOWLEDGE_NEGATIVE, knowledge.negative * weight],
    [EMOJI_NEGATIVE, knowledge.emoji[0] * weight],
    [EMOJI_NEUTRAL, knowledge.emoji[1] * weight],
    [EMOJI_POSITIVE, knowledge.emoji[2] * weight],
  ];
  const scaled = accumulator.take(true);
  const extra = dense.filter(([, value]) => value !== 0);
  const indices = new Int32Array(scaled.indices.length + extra.length);
  const values = new Float32Array(indices.length);
  indices.set(scaled.indices);
  values.set(scaled.values);
  extra.forEach(([index, value], k) => {
    indices[scaled.indices.length + k] = index;
    values[scaled.indices.length + k] = value;
  });
  return { indices, values };
}

const KNOWLEDGE_POSITIVE = hashFeature('k:positive');
const KNOWLEDGE_NEGATIVE = hashFeature('k:negative');
const EMOJI_NEGATIVE = hashFeature('k:emoji-negative');
const EMOJI_NEUTRAL = hashFeature('k:emoji-neutral');
const EMOJI_POSITIVE = hashFeature('k:emoji-positive');

/** The outside knowledge's features: in most messages, so slow to learn from a few (ClassifierSpec.slowFeatures). */
export const KNOWLEDGE_FEATURES: ReadonlySet<number> = new Set([
  KNOWLEDGE_POSITIVE,
  KNOWLEDGE_NEGATIVE,
  EMOJI_NEGATIVE,
  EMOJI_NEUTRAL,
  EMOJI_POSITIVE,
]);
