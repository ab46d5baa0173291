import type { Translated } from '../db/schema.ts';
import { en, type MessageKey, type Messages } from './locales/en.ts';
import { bg } from './locales/bg.ts';
import { de } from './locales/de.ts';
import { es } from './locales/es.ts';
import { et } from './locales/et.ts';
import { fr } from './locales/fr.ts';
import { hu } from './locales/hu.ts';
import { it } from './locales/it.ts';
import { nl } from './locales/nl.ts';
import { pt } from './locales/pt.ts';
import { ro } from './locales/ro.ts';
import type { Language } from './languages.ts';

export type { MessageKey, Messages };

export const CATALOGUES: Record<Language, Partial<Messages>> = { en, it, ro, pt, hu, nl, es, fr, et, bg, de };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Returns the translation function for a language; `{name}` placeholders are filled from `params`. */
export function translator(language: Language): Translate {
  const catalogue = CATALOGUES[language];
  // Some keys are built at run time (`reports.status.${status}` as MessageKey): when English has no
  // such text either, the key itself is shown rather than `undefined`.
  const english: Partial<Messages> = en;
  return (key, params) => {
    const template = catalogue[key] ?? english[key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

/** Picks the text of a staff-written field in the reader's language, else the city's default, else any. */
export function localized(value: Translated | null | undefined, language: string, fallback: string): string {
  if (!value) return '';
  return value[language] ?? value[fallback] ?? Object.values(value)[0] ?? '';
}

/** Like `localized`, also telling which language the text is in (for a `lang` attribute). */
export function localizedWithLanguage(
  value: Translated,
  language: string,
  fallback: string,
): { text: string; lang: string } {
  if (value[language]) return { text: value[language], lang: language };
  if (value[fallback]) return { text: value[fallback], lang: fallback };
  const [lang = language, text = ''] = Object.entries(value)[0] ?? [];
  return { text, lang };
}
