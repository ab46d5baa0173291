import type { FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import { isLanguage, LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import type { FieldProblem } from '../newsletter.use-cases.ts';

/** The text of a field problem a use case answers. */
export const PROBLEM_TEXT: Record<FieldProblem, MessageKey> = {
  EMAIL_INVALID: 'newsletter.error.EMAIL_INVALID',
  LANGUAGES_REQUIRED: 'newsletter.error.LANGUAGES_REQUIRED',
  LANGUAGE_UNKNOWN: 'newsletter.error.LANGUAGE_UNKNOWN',
  DEPARTMENT_UNKNOWN: 'newsletter.error.DEPARTMENT_UNKNOWN',
};

export function languageName(code: string): string {
  return isLanguage(code) ? LANGUAGES[code].name : code;
}

/** The languages (among the city's) and the departments a subscriber chooses, as two fieldsets of checkboxes. */
export function choicesFields(
  request: FastifyRequest,
  options: {
    languages: readonly string[];
    departments: ReadonlyArray<{ id: number; name: Translated }>;
    chosenLanguages: readonly string[];
    chosenDepartments: readonly number[];
    errors: Record<string, string>;
  },
): Html {
  const { t } = request;
  const { errors } = options;
  const languages = html`<fieldset class="field${errors.languages ? ' field--error' : ''}" id="languages"${errors.languages ? raw(' aria-describedby="languages-error"') : ''}>
    <legend>${t('newsletter.field.languages')}</legend>
    ${errors.languages ? html`<p class="field__error" id="languages-error">${errors.languages}</p>` : ''}
    ${options.languages.map(
      (
        code,
      ) => html`<div class="checkbox"><input type="checkbox" id="language-${code}" name="languages" value="${code}"${options.chosenLanguages.includes(code) ? raw(' checked') : ''}>
      <label for="language-${code}" lang="${code}">${languageName(code)}</label></div>`,
    )}
  </fieldset>`;
  if (options.departments.length === 0) return languages;
  return html`${languages}
  <fieldset class="field${errors.departments ? ' field--error' : ''}" id="departments" aria-describedby="departments-hint${errors.departments ? ' departments-error' : ''}">
    <legend>${t('newsletter.field.departments')}</legend>
    <p class="field__hint" id="departments-hint">${t('newsletter.field.departmentsHint')}</p>
    ${errors.departments ? html`<p class="field__error" id="departments-error">${errors.departments}</p>` : ''}
    ${options.departments.map(
      (
        department,
      ) => html`<div class="checkbox"><input type="checkbox" id="department-${department.id}" name="departments" value="${department.id}"${options.chosenDepartments.includes(department.id) ? raw(' checked') : ''}>
      <label for="department-${department.id}">${localized(department.name, request.lang, request.organisation.defaultLanguage)}</label></div>`,
    )}
  </fieldset>`;
}
