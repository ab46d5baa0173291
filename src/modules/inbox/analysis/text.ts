/**
 * Text preparation shared by every analyser: what a message says once the parts that carry no
 * language (links, @mentions, the '#' of hashtags, emoji) are set apart, and its words in a folded
 * form (lower case, no accents, long letter runs shortened) that lexicons and keyword rules match.
 */

const URL_PATTERN = /\b(?:https?:\/\/|www\.)\S+|\bhttps?\b(?::\/\/)?/giu;
const MENTION_PATTERN = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_.]+/gu;
const EMOJI_PATTERN = /\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}])*/gu;
const EMOTICON_PATTERN =
  /(?:^|\s)([:;=8xX][-'^o]?[)(\][dDpP/\\|*3]+|[)(]+[-'^]?[:;=]|<3+|\^_*\^|T_+T|[xX][dD]+)(?=\s|$|[.,!?])/gu;

export interface PreparedText {
  /** The words, with links, mentions, emoji and emoticons removed and '#' dropped from hashtags. */
  prose: string;
  /** Emoji and emoticons found in the text, in order. */
  symbols: string[];
  /** Whether the text had an exclamation mark or a run of capitals (both intensify sentiment). */
  exclamations: number;
}

/** Sets apart what carries no language from a message (see the file comment). */
export function prepareText(text: string): PreparedText {
  const symbols: string[] = [];
  let prose = text.normalize('NFC').replace(URL_PATTERN, ' ').replace(MENTION_PATTERN, '$1 ');
  prose = prose.replace(EMOJI_PATTERN, (emoji) => {
    symbols.push(emoji.replace(/\uFE0F|[\u{1F3FB}-\u{1F3FF}]/gu, ''));
    return ' ';
  });
  prose = prose.replace(EMOTICON_PATTERN, (whole, emoticon: string) => {
    symbols.push(emoticon);
    return whole.startsWith(' ') || whole.startsWith('\t') ? ' ' : '';
  });
  prose = prose.replace(/#(?=[\p{L}\p{N}])/gu, '').replace(/\bRT\b/g, ' ');
  const exclamations = (text.match(/!/g) ?? []).length;
  return { prose: prose.replace(/\s+/g, ' ').trim(), symbols, exclamations };
}

/**
 * A message's text and what the analysers derive from it (prepared prose, words, folded forms), each
 * computed on first use and then shared: language identification, sentiment, topic and place read the
 * same object within one analysis instead of each preparing the text again.
 */
export class MessageText {
  readonly raw: string;
  /** Caches of the feature encoders, keyed by their options (see features.ts). */
  readonly memo = new Map<unknown, unknown>();
  #prepared: PreparedText | undefined;
  #words: string[] | undefined;
  #foldedWords: string[] | undefined;
  #foldedProse: string | undefined;
  #foldedRaw: string | undefined;

  constructor(raw: string) {
    this.raw = raw;
  }

  get prepared(): PreparedText {
    return (this.#prepared ??= prepareText(this.raw));
  }

  /** `words(prepared.prose)`. */
  get words(): string[] {
    return (this.#words ??= words(this.prepared.prose));
  }

  /** The words, each folded. */
  get foldedWords(): string[] {
    return (this.#foldedWords ??= this.words.map(fold));
  }

  /** The prepared prose folded (punctuation kept, for the keyword rules). */
  get foldedProse(): string {
    return (this.#foldedProse ??= fold(this.prepared.prose));
  }

  /** The whole text folded (for place names). */
  get foldedRaw(): string {
    return (this.#foldedRaw ??= fold(this.raw));
  }
}

/** The text as a MessageText (the same object when it already is one). */
export function messageText(text: string | MessageText): MessageText {
  return typeof text === 'string' ? new MessageText(text) : text;
}

const PLAIN = /^[\x20-\x5f\x61-\x7e]*$/;

/** Lower case, accents removed (ß → ss), for matching that ignores how a word was typed. */
export function fold(text: string): string {
  // Printable ASCII without a backtick has no accent to remove: lower case is the whole folding.
  if (PLAIN.test(text)) return text.toLowerCase();
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[’`´]/g, "'");
}

/** The words of a text in lower case, letter runs of three or more shortened to two ("sooooo" → "soo"). */
export function words(prose: string): string[] {
  return (
    (
      prose
        .toLowerCase()
        .replace(/[’`´]/g, "'")
        .match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []
    )
      // French and Italian elisions (l'acqua, j'aime, qu'il) are two words; English contractions stay one.
      .flatMap((word) =>
        /^(?:\p{L}{1,2}|qu|dell|all|nell|sull|dall)'\p{L}{2,}/u.test(word) && !/'(?:s|t|re|ve|ll|d|m)$/.test(word)
          ? word.split("'").map((part, index) => (index === 0 ? `${part}'` : part))
          : [word],
      )
      .map((word) => word.replace(/(\p{L})\1{2,}/gu, '$1$1'))
  );
}

/** A word with every doubled letter reduced to one ("sooo" → "so"), the second try of a lookup. */
export function squeezed(word: string): string {
  return word.replace(/(\p{L})\1+/gu, '$1');
}

/** Number of letters in a text (what decides whether there is enough to identify its language). */
export function letterCount(text: string): number {
  return (text.match(/\p{L}/gu) ?? []).length;
}
