import { LINK_PATTERN } from './limits.ts';
import { readability, type Readability } from './readability.ts';

/**
 * Checks before approval, each a pure function on a text in its language. Only a missing alternative
 * text blocks (checked with the limits); these are advice shown on the post: hashtags a screen reader
 * cannot split into words, text in capitals (read letter by letter, and shouting), link text that says
 * nothing out of context, and the readability score of each language.
 */
export type CheckCode = 'HASHTAG_NOT_CAMEL_CASE' | 'ALL_CAPITALS' | 'VAGUE_LINK_TEXT';

export interface CheckFinding {
  code: CheckCode;
  /** The hashtag, the words in capitals or the phrase found. */
  found: string;
}

const HASHTAG = /#([\p{L}\p{N}_]+)/gu;

/**
 * Hashtags of several words written all in lower case (`#interactivecity`) or all in capitals
 * (`#INTERACTIVECITY`): screen readers read them as one word or letter by letter. One short word
 * (`#Rome`, `#roma`, `#EU`) passes.
 */
export function hashtagsNotInCamelCase(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(HASHTAG)) {
    const tag = match[1] ?? '';
    const letters = tag.replace(/[^\p{L}]/gu, '');
    if (letters.length < 8) continue;
    const sameCase = letters === letters.toLowerCase() || letters === letters.toUpperCase();
    if (sameCase) found.push(`#${tag}`);
  }
  return found;
}

/**
 * Runs of three or more words in capitals (of two letters or more; hashtags, links and one-off
 * abbreviations such as "EU" or "NATO" alone are not counted).
 */
export function allCapitals(text: string): string[] {
  const plain = text.replace(LINK_PATTERN, ' ').replace(HASHTAG, ' ');
  const words = plain.split(/[\s,;:.!?()]+/).filter(Boolean);
  const runs: string[] = [];
  let run: string[] = [];
  const close = () => {
    if (run.length >= 3) runs.push(run.join(' '));
    run = [];
  };
  for (const word of words) {
    const letters = word.replace(/[^\p{L}]/gu, '');
    if (letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()) run.push(word);
    else close();
  }
  close();
  return runs;
}

/** Link texts that say nothing out of context, in the interface languages. */
export const VAGUE_LINK_PHRASES: Record<string, string[]> = {
  en: ['click here', 'click this link', 'read more', 'more here', 'this link', 'learn more'],
  de: ['hier klicken', 'klicken sie hier', 'klick hier', 'hier weiterlesen', 'mehr erfahren', 'dieser link'],
  fr: ['cliquez ici', 'cliquer ici', 'en savoir plus', 'lire la suite', 'ce lien'],
  es: ['haga clic aquí', 'haz clic aquí', 'pulse aquí', 'clic aquí', 'leer más', 'este enlace'],
  it: ['clicca qui', 'cliccate qui', 'leggi di più', 'questo link', 'scopri di più'],
  nl: ['klik hier', 'lees meer', 'meer lezen', 'deze link'],
  pt: ['clique aqui', 'carregue aqui', 'leia mais', 'saiba mais', 'este link'],
  ro: ['click aici', 'faceți clic aici', 'apăsați aici', 'citește mai mult', 'acest link'],
  bg: ['кликнете тук', 'натиснете тук', 'щракнете тук', 'прочетете още', 'този линк'],
  et: ['kliki siia', 'klõpsa siia', 'vajuta siia', 'loe edasi', 'see link'],
  hu: ['kattintson ide', 'kattints ide', 'kattintson erre', 'tovább olvasom', 'ez a link'],
};

/** Vague link phrases in a text that has a link: the phrase stands in for saying where the link goes. */
export function vagueLinkText(text: string, language: string): string[] {
  if (!/https?:\/\//.test(text)) return [];
  const lower = text.toLocaleLowerCase(language);
  const phrases = new Set([...(VAGUE_LINK_PHRASES[language] ?? []), ...(VAGUE_LINK_PHRASES.en ?? [])]);
  return [...phrases].filter((phrase) => lower.includes(phrase));
}

export interface TextReview {
  findings: CheckFinding[];
  readability: Readability | undefined;
}

/** Every check of one text in one language. */
export function reviewText(text: string, language: string): TextReview {
  return {
    findings: [
      ...hashtagsNotInCamelCase(text).map((found) => ({ code: 'HASHTAG_NOT_CAMEL_CASE' as const, found })),
      ...allCapitals(text).map((found) => ({ code: 'ALL_CAPITALS' as const, found })),
      ...vagueLinkText(text, language).map((found) => ({ code: 'VAGUE_LINK_TEXT' as const, found })),
    ],
    readability: readability(text, language),
  };
}
