import type { Language } from '../../../platform/i18n/languages.ts';
import { translator } from '../../../platform/i18n/translate.ts';

/**
 * The line added to a public answer when the city is not responsible, naming whom to contact, in the
 * language the resident reads it in (the presenter of `giveStatus`: the use case decides when, this
 * file holds the words).
 */
export function referToLine(language: Language, contact: string): string {
  return translator(language)('reports.staff.referTo.public', { contact });
}
