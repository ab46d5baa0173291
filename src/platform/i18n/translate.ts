import type { Translated } from '../db/schema.ts';
import { catalogueOf, PLURAL_CATEGORIES, type Catalogue, type MessageKey } from './catalogues.ts';
import { numberFormat } from './format.ts';
import { LANGUAGES, type Language } from './languages.ts';

export type { MessageKey };

/**
 * Values for a message's `{{placeholders}}`. `count` also chooses the plural form (`<key>_one`,
 * `<key>_few`, … by the language's CLDR rules) and is written with the language's digit grouping.
 */
export interface MessageParams {
  count?: number;
  [name: string]: string | number | undefined;
}

export type Translate = (key: MessageKey, params?: MessageParams) => string;

const pluralRules = new Map<string, Intl.PluralRules>();

/** The BCP 47 tag `Intl` wants for an interface language (`pt` → `pt-PT`). */
export function intlLocale(language: string): string {
  const known = (LANGUAGES as Record<string, { locale: string } | undefined>)[language];
  return known ? known.locale.replace('_', '-') : language;
}

/** The CLDR plural category of `count` in a language: `one`, `few`, `many`, `other`… */
export function pluralCategory(language: string, count: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(intlLocale(language));
    pluralRules.set(language, rules);
  }
  return rules.select(count);
}

/** The text of `key` in one catalogue, in the plural form `count` needs when the key has plural forms. */
function pick(catalogue: Catalogue, language: string, key: string, count: number | undefined): string | undefined {
  if (count !== undefined) {
    const form = catalogue[`${key}_${pluralCategory(language, count)}`] ?? catalogue[`${key}_other`];
    if (form !== undefined) return form;
  }
  // a plural message asked for without a count reads in its general form
  return catalogue[key] ?? catalogue[`${key}_other`];
}

/** Returns the translation function for a language; texts missing in it are taken from English. */
export function translator(language: Language): Translate {
  const locale = intlLocale(language);
  return (key, params) => {
    const count = typeof params?.count === 'number' ? params.count : undefined;
    // Some keys are built at run time (`reports.status.${status}` as MessageKey): when English has no
    // such text either, the key itself is shown rather than `undefined`.
    const template =
      pick(catalogueOf(language), language, key, count) ?? pick(catalogueOf('en'), 'en', key, count) ?? key;
    if (!params) return template;
    return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return name === 'count' && typeof value === 'number' ? numberFormat(locale).format(value) : String(value);
    });
  };
}

/** Whether a key names a message (with or without plural forms); for keys that arrive from outside (a cookie). */
export function hasMessage(key: string): key is MessageKey {
  const english = catalogueOf('en');
  return Object.hasOwn(english, key) || Object.hasOwn(english, `${key}_other`);
}

/** Every message key, plural forms folded into their key, in catalogue order. */
export function messageKeys(): MessageKey[] {
  const keys = new Set<string>();
  for (const key of Object.keys(catalogueOf('en'))) keys.add(pluralBase(key));
  return [...keys] as MessageKey[];
}

/** A catalogue key without its plural suffix. */
export function pluralBase(key: string): string {
  for (const category of PLURAL_CATEGORIES) if (key.endsWith(`_${category}`)) return key.slice(0, -category.length - 1);
  return key;
}

/** Every text of a language (all plural forms), e.g. to learn what the interface itself looks like. */
export function messageTexts(language: string): string[] {
  return Object.values(catalogueOf(language));
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
