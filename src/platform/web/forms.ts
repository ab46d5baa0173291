import type { Translated } from '../db/schema.ts';

/** Reading posted forms (urlencoded bodies), shared by every module's pages. */

/** A form field as text: absent, repeated or non-text values become ''. */
export function formText(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** A form field that may be sent several times (checkboxes), as a list of texts. */
export function formList(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The `<prefix>_<lang>` fields of a staff-written text, one per language of the city. */
export function translatedFromForm(body: unknown, prefix: string, languages: readonly string[]): Translated {
  return Object.fromEntries(languages.map((language) => [language, formText(body, `${prefix}_${language}`)]));
}
