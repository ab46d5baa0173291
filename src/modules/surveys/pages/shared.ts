import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import type { App } from '../../../platform/http/app.ts';
import { numberFormat } from '../../../platform/i18n/format.ts';
import { LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localized, localizedWithLanguage, type MessageKey } from '../../../platform/i18n/translate.ts';
import { requireId } from '../../../platform/validation.ts';
import { assetFolder } from '../../../platform/web/assets.ts';
import { html, type Html } from '../../../platform/web/html.ts';

/** A staff-written text in the reader's language, marked with its language when it is another one. */
export function translated(request: FastifyRequest, value: Translated | null | undefined): Html {
  if (!value || Object.keys(value).length === 0) return html``;
  const { text, lang } = localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage);
  return lang === request.lang ? html`${text}` : html`<span lang="${lang}">${text}</span>`;
}

export function plain(request: FastifyRequest, value: Translated | null | undefined): string {
  return localized(value, request.lang, request.organisation.defaultLanguage);
}

export function number(request: FastifyRequest, value: number, fractionDigits = 0): string {
  return numberFormat(LANGUAGES[request.lang].locale.replace('_', '-'), {
    maximumFractionDigits: fractionDigits,
  }).format(value);
}

/** A positive id from a path parameter; anything else is a 404. */
export function pathId(value: unknown, code = 'SURVEY_NOT_FOUND'): number {
  return requireId(value, code);
}

/** The texts of field problems, from their codes. */
export function problemTexts(request: FastifyRequest, problems: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(problems).map(([field, code]) => [field, request.t(`surveys.problem.${code}` as MessageKey)]),
  );
}

const assets = assetFolder('/surveys/assets', path.join(import.meta.dirname, 'assets'));

export function surveysAsset(name: string): string {
  return assets.url(name);
}

export function stylesheet(): Html {
  return html`<link rel="stylesheet" href="${surveysAsset('surveys.css')}">`;
}

export function registerSurveyAssets(app: App): void {
  assets.register(app);
}
