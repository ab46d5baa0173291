import type { FastifyRequest } from 'fastify';
import type { Translated } from '../../db/schema.ts';
import { isLanguage, LANGUAGES } from '../../i18n/languages.ts';
import type { MessageKey } from '../../i18n/translate.ts';
import { html, raw, type Html } from '../html.ts';

/**
 * One input (or text area) per city language for a staff-written text: fields `<prefix>_<language>`,
 * labelled "<label> (<language name>)", each with its error from `errors` (keyed by the field name).
 * Read back with `translatedFields` / `translatedValue` (platform/web/forms.ts).
 */
export function translatedInputs(
  request: FastifyRequest,
  prefix: string,
  label: MessageKey,
  value: Translated,
  errors: Record<string, string>,
  multiline = false,
): Html {
  return html`${request.organisation.languages.map((language) => {
    const name = `${prefix}_${language}`;
    const error = errors[name];
    const languageName = isLanguage(language) ? LANGUAGES[language].name : language;
    const attributes = error ? raw(` aria-describedby="${name}-error" aria-invalid="true"`) : '';
    return html`<div class="field${error ? ' field--error' : ''}"><label for="${name}">${request.t(label)} (${languageName})</label>
${error ? html`<p class="field__error" id="${name}-error">${error}</p>` : ''}
${multiline ? html`<textarea id="${name}" name="${name}" lang="${language}" rows="4"${attributes}>${value[language] ?? ''}</textarea>` : html`<input type="text" id="${name}" name="${name}" lang="${language}" value="${value[language] ?? ''}" maxlength="200"${attributes}>`}</div>`;
  })}`;
}
