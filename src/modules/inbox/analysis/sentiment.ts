/**
 * Lexicon sentiment: every polar word, emoji and emoticon of a message counts, turned by a negation in
 * the three words before it and strengthened by an intensifier just before it; the message's score is
 * their mean (−1 to 1), and a score near zero is neutral. This is what the learnable classifier
 * starts from before staff have corrected anything.
 */
import type { MessageLanguage } from './languages.ts';
import { lexiconFor, matchWordSet, polarityOf, type Lexicon } from './lexicon.ts';
import { fold, MessageText, prepareText, words, type PreparedText } from './text.ts';

export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

export interface LexiconSentiment {
  sentiment: Sentiment;
  /** Mean polarity, −1 (negative) to 1 (positive). */
  score: number;
  /** Sums of the positive and of the negative contributions (both ≥ 0). */
  positive: number;
  negative: number;
  /** The words (lower case) that carried polarity, negated ones prefixed with "not_". */
  cues: string[];
}

/** |score| below this is neutral. */
export const NEUTRAL_BAND = 0.1;
const NEGATION_REACH = 3;
const NEGATED = -0.5;
const REQUEST_POSITIVE = 0.5;

const POSITIVE_SYMBOLS = new Set(
  '😀 😃 😄 😁 😆 😂 🤣 😊 😇 🙂 😉 😍 🥰 😘 😗 😙 😚 😋 😛 😜 🤪 😝 🤗 🤩 😎 🥳 👍 👏 🙌 💪 🎉 🎊 ❤ 🧡 💛 💚 💙 💜 🖤 🤍 💕 💖 💗 💓 💞 💘 💝 ♥ ✨ 🌟 ⭐ 🔥 💯 ✅ 🙏 😻 🌞 ☀ 👌 ✌ 🤘 🍾 🥂 😅 ☺ :) :-) :)) :D :-D ;) ;-) =) =D xD XD :P :p <3 ^^ ^_^ (: (;'.split(
    ' ',
  ),
);
const NEGATIVE_SYMBOLS = new Set(
  "😞 😔 😟 😕 🙁 ☹ 😣 😖 😫 😩 🥺 😢 😭 😤 😠 😡 🤬 😱 😨 😰 😥 😓 🤢 🤮 😒 🙄 😬 😑 😐 💔 👎 😪 😿 🤦 💩 ⚠ 🚫 ❌ 😷 🤕 :( :-( :(( :/ :-/ :\\ ;( :'( D: T_T ):".split(
    ' ',
  ),
);

/** Polarity of an emoji or emoticon, or 0. */
export function symbolPolarity(symbol: string): number {
  if (POSITIVE_SYMBOLS.has(symbol)) return 0.7;
  if (NEGATIVE_SYMBOLS.has(symbol)) return -0.7;
  if (/^[:;=][-']?\)+$|^\(+[-']?[:;=]$/.test(symbol)) return 0.7;
  if (/^[:;=][-']?\(+$|^\)+[-']?[:;=]$/.test(symbol)) return -0.7;
  return 0;
}

/**
 * Whether a message is a request: it has a request form ("pouvez-vous", "gostaria", "could you"), or
 * a question mark and a courtesy word. In a request, thanks and greetings are politeness, not praise.
 */
function isRequest(lexicon: Lexicon, folded: readonly string[], prose: string): boolean {
  let courteous = false;
  for (let index = 0; index < folded.length; index++) {
    if (matchWordSet(lexicon.requests, folded, index) > 0) return true;
    if (!courteous && matchWordSet(lexicon.courtesy, folded, index) > 0) courteous = true;
  }
  return courteous && prose.includes('?');
}

/** The sentiment of a message by its language's lexicon (English when the language is unknown). */
export function lexiconSentiment(
  text: string | PreparedText | MessageText,
  language: MessageLanguage | 'unknown',
): LexiconSentiment {
  const message = text instanceof MessageText ? text : undefined;
  const prepared = message ? message.prepared : typeof text === 'string' ? prepareText(text) : (text as PreparedText);
  const lexicon = lexiconFor(language === 'unknown' ? 'en' : language);
  const tokens = message ? message.words : words(prepared.prose);
  const foldedTokens = message ? message.foldedWords : tokens.map(fold);
  let positive = 0;
  let negative = 0;
  let count = 0;
  const cues: string[] = [];
  let lastNegation = -NEGATION_REACH - 1;
  const request = isRequest(lexicon, foldedTokens, prepared.prose);
  let courtesyUntil = -1;
  tokens.forEach((word, index) => {
    const folded = foldedTokens[index] as string;
    if (request) {
      const courtesy = matchWordSet(lexicon.courtesy, foldedTokens, index);
      if (courtesy > 0) courtesyUntil = Math.max(courtesyUntil, index + courtesy - 1);
      if (index <= courtesyUntil) return;
    }
    if (lexicon.negations.has(folded) || folded.endsWith("n't")) {
      lastNegation = index;
      return;
    }
    let polarity = polarityOf(lexicon, word, folded);
    if (polarity === 0) return;
    // What a request asks for is not praise ("pouvez-vous nettoyer…"): its positive words count half.
    if (request && polarity > 0) polarity *= REQUEST_POSITIVE;
    const previous = foldedTokens[index - 1];
    const intensity = previous === undefined ? undefined : lexicon.intensifiers.get(previous);
    if (intensity !== undefined) polarity = Math.max(-1, Math.min(1, polarity * intensity));
    const negated = index - lastNegation <= NEGATION_REACH;
    if (negated) polarity *= NEGATED;
    cues.push(negated ? `not_${word}` : word);
    if (polarity > 0) positive += polarity;
    else negative -= polarity;
    count++;
  });
  for (const symbol of prepared.symbols) {
    const polarity = symbolPolarity(symbol);
    if (polarity === 0) continue;
    if (polarity > 0) positive += polarity;
    else negative -= polarity;
    count++;
  }
  const boost = prepared.exclamations > 0 ? 1.2 : 1;
  const score = count === 0 ? 0 : Math.max(-1, Math.min(1, ((positive - negative) / count) * boost));
  const sentiment: Sentiment = score > NEUTRAL_BAND ? 'positive' : score < -NEUTRAL_BAND ? 'negative' : 'neutral';
  return { sentiment, score, positive, negative, cues };
}
