/** The eleven interface languages, with their names in their own language (shown in the switcher). */
export const LANGUAGES = {
  en: { name: 'English', locale: 'en_GB' },
  it: { name: 'Italiano', locale: 'it_IT' },
  ro: { name: 'Română', locale: 'ro_RO' },
  pt: { name: 'Português', locale: 'pt_PT' },
  hu: { name: 'Magyar', locale: 'hu_HU' },
  nl: { name: 'Nederlands', locale: 'nl_BE' },
  es: { name: 'Español', locale: 'es_ES' },
  fr: { name: 'Français', locale: 'fr_FR' },
  et: { name: 'Eesti', locale: 'et_EE' },
  bg: { name: 'Български', locale: 'bg_BG' },
  de: { name: 'Deutsch', locale: 'de_DE' },
} as const;

export type Language = keyof typeof LANGUAGES;
export const LANGUAGE_CODES = Object.keys(LANGUAGES) as Language[];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && Object.hasOwn(LANGUAGES, value);
}

/** Picks the best of `available` for an Accept-Language header, by quality then order. */
export function negotiateLanguage(header: string | undefined, available: readonly string[]): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    if (isLanguage(base) && available.includes(base)) return base;
  }
  return undefined;
}
