/**
 * The languages the inbox recognises in residents' messages and reads sentiment in: those it has
 * samples and lexicons for. They are not the interface languages (platform/i18n/languages.ts): a city
 * may add an interface language without teaching the inbox to read it, and the reverse.
 */
export const MESSAGE_LANGUAGES = ['en', 'it', 'ro', 'pt', 'hu', 'nl', 'es', 'fr', 'et', 'bg', 'de'] as const;

export type MessageLanguage = (typeof MESSAGE_LANGUAGES)[number];

export function isMessageLanguage(value: unknown): value is MessageLanguage {
  return typeof value === 'string' && (MESSAGE_LANGUAGES as readonly string[]).includes(value);
}
