/** A compact sentiment word list of one language (see words-west.ts for the notation). */
export interface WordLists {
  positive: string;
  negative: string;
  /** Words that turn the polarity of the next few words. */
  negations: string;
  /** Words that strengthen the next word. */
  intensifiers: string;
}
