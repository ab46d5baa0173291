import { STOPWORDS } from './stopwords.ts';

const ALL_STOPWORDS = new Set(Object.values(STOPWORDS).flat());

/**
 * The words of a message that can name what it is about: lower-cased, without links, @mentions,
 * numbers, punctuation and the stop words of every interface language (messages mix languages and the
 * detected language may be wrong on short texts). Hashtags keep their `#`.
 */
export function termsOf(text: string): string[] {
  const cleaned = text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/(^|\s)@[\p{L}\p{N}_.]+/gu, ' ');
  const terms: string[] = [];
  for (const match of cleaned.matchAll(/#?[\p{L}][\p{L}\p{M}'’-]*[\p{L}\p{M}]/gu)) {
    const word = match[0].replace(/[’']/g, "'");
    if (word.length < 3 || ALL_STOPWORDS.has(word)) continue;
    terms.push(word);
  }
  return terms;
}

export interface TermCount {
  term: string;
  count: number;
  /** How many more (or fewer) times per message than in the previous period; null when it was absent. */
  change: number | null;
}

/**
 * The most frequent terms of a set of texts, counted once per message (a word repeated in one rant
 * does not dominate), with their change against the texts of the previous period of the same length.
 * Words in `ignore` (the city's place names) are left out.
 */
export function topTerms(
  texts: readonly string[],
  previous: readonly string[],
  limit = 30,
  ignore: ReadonlySet<string> = new Set(),
): TermCount[] {
  const now = documentFrequencies(texts);
  const before = documentFrequencies(previous);
  for (const word of ignore) now.delete(word);
  const rows = [...now.entries()]
    .filter(([, count]) => count >= 2)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit);
  return rows.map(([term, count]) => {
    const earlier = before.get(term);
    const rate = count / Math.max(1, texts.length);
    return {
      term,
      count,
      change: earlier === undefined || previous.length === 0 ? null : rate / (earlier / previous.length),
    };
  });
}

function documentFrequencies(texts: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const term of new Set(termsOf(text))) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}
