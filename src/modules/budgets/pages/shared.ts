import path from 'node:path';
import { assetFolder } from '../../../platform/web/assets.ts';
import type { FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import type { App } from '../../../platform/http/app.ts';
import { numberFormat } from '../../../platform/i18n/format.ts';
import { LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localized, localizedWithLanguage, type MessageKey } from '../../../platform/i18n/translate.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import type { Phase } from '../budgets.schema.ts';
import { requireId } from '../../../platform/validation.ts';

/** Amounts are whole units of this currency. */
export const CURRENCY = 'EUR';

/** An amount of money in the reader's language ("€ 250,000" / "250.000 €"). */
export function money(request: FastifyRequest, amount: number): string {
  return numberFormat(LANGUAGES[request.lang].locale.replace('_', '-'), {
    style: 'currency',
    currency: CURRENCY,
    maximumFractionDigits: 0,
  }).format(amount);
}

export function number(request: FastifyRequest, value: number): string {
  return numberFormat(LANGUAGES[request.lang].locale.replace('_', '-')).format(value);
}

/** A staff-written text in the reader's language, marked with its language when it is another one. */
export function translated(request: FastifyRequest, value: Translated | null | undefined): Html {
  if (!value || Object.keys(value).length === 0) return html``;
  const { text, lang } = localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage);
  return lang === request.lang ? html`${text}` : html`<span lang="${lang}">${text}</span>`;
}

export function plain(request: FastifyRequest, value: Translated | null | undefined): string {
  return localized(value, request.lang, request.organisation.defaultLanguage);
}

/** Paragraphs of a multi-line staff text. */
export function paragraphs(request: FastifyRequest, value: Translated | null | undefined): Html {
  if (!value || Object.keys(value).length === 0) return html``;
  const { text, lang } = localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage);
  const parts = text
    .split(/\n{2,}/)
    .map((part) => part.trim())
    .filter(Boolean);
  return html`<div${lang === request.lang ? '' : html` lang="${lang}"`}>${parts.map((part) => html`<p>${part}</p>`)}</div>`;
}

export function phaseLabel(request: FastifyRequest, phase: Phase | null): string {
  return request.t(`budgets.phase.${phase ?? 'none'}` as MessageKey);
}

/** A positive id from a path parameter; anything else is a 404. */
export function pathId(value: unknown, code = 'BUDGET_NOT_FOUND'): number {
  return requireId(value, code);
}

// ---- the pages' script and stylesheet, versioned by content ----

const assets = assetFolder('/budgets/assets', path.join(import.meta.dirname, 'assets'));

/** The URL of one of the budget pages' assets. */
export function budgetsAsset(name: string): string {
  return assets.url(name);
}

/** The pages' stylesheet, linked from the page body. */
export function stylesheet(): Html {
  return html`<link rel="stylesheet" href="${budgetsAsset('budgets.css')}">`;
}

export function registerBudgetAssets(app: App): void {
  assets.register(app);
}
