import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import type { App } from '../../../platform/http/app.ts';
import { numberFormat } from '../../../platform/i18n/format.ts';
import { LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localized, localizedWithLanguage, type MessageKey } from '../../../platform/i18n/translate.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import { assetFolder } from '../../../platform/web/assets.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { requireId } from '../../../platform/validation.ts';
import type { Difficulty } from '../guide.schema.ts';

const assets = assetFolder('/guide/assets', path.join(import.meta.dirname, '..', 'assets'));

export function guideAsset(name: string): string {
  return assets.url(name);
}

export function stylesheet(): Html {
  return html`<link rel="stylesheet" href="${guideAsset('guide.css')}">`;
}

export function registerGuideAssets(app: App): void {
  assets.register(app);
}

const locale = (request: FastifyRequest) => LANGUAGES[request.lang].locale.replace('_', '-');

/** A staff-written text in the reader's language, marked with its language when it is another one. */
export function translated(request: FastifyRequest, value: Translated | null | undefined): Html {
  if (!value || Object.keys(value).length === 0) return html``;
  const { text, lang } = localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage);
  return lang === request.lang ? html`${text}` : html`<span lang="${lang}">${text}</span>`;
}

export function plain(request: FastifyRequest, value: Translated | null | undefined): string {
  return localized(value, request.lang, request.organisation.defaultLanguage);
}

export function hasText(value: Translated | null | undefined): boolean {
  return !!value && Object.values(value).some((text) => text.trim().length > 0);
}

/** Paragraphs of a multi-line staff text, with its language when it is not the reader's. */
export function paragraphs(request: FastifyRequest, value: Translated | null | undefined): Html {
  if (!hasText(value)) return html``;
  const { text, lang } = localizedWithLanguage(value ?? {}, request.lang, request.organisation.defaultLanguage);
  const parts = text
    .split(/\n{2,}/)
    .map((part) => part.trim())
    .filter(Boolean);
  return html`<div${lang === request.lang ? '' : html` lang="${lang}"`}>${parts.map((part) => html`<p>${part}</p>`)}</div>`;
}

/** A distance: metres under a kilometre, else kilometres with one decimal (units written by Intl). */
export function distance(request: FastifyRequest, metres: number): string {
  if (metres < 1000)
    return numberFormat(locale(request), { style: 'unit', unit: 'meter', maximumFractionDigits: 0 }).format(metres);
  return numberFormat(locale(request), { style: 'unit', unit: 'kilometer', maximumFractionDigits: 1 }).format(
    metres / 1000,
  );
}

export function difficultyLabel(request: FastifyRequest, difficulty: Difficulty): string {
  return request.t(`guide.difficulty.${difficulty}` as MessageKey);
}

export function placeId(value: unknown): number {
  return requireId(value, 'GUIDE_PLACE_NOT_FOUND');
}

export function tourId(value: unknown): number {
  return requireId(value, 'GUIDE_TOUR_NOT_FOUND');
}

export function cityUrl(request: FastifyRequest, pathname: string): string {
  return absoluteUrl(request.server, request.organisation, pathname);
}

/** The OpenStreetMap page of an element. */
export function osmUrl(type: string | null, id: number | null): string | null {
  return type && id ? `https://www.openstreetmap.org/${type}/${id}` : null;
}

/** The short address printed on a plate ("/g/AB12"). */
export function shortPath(code: string): string {
  return `/g/${code}`;
}

/** A yes/no/unknown accessibility fact. */
export function fact(request: FastifyRequest, value: boolean | null): string {
  return request.t(value === null ? 'guide.fact.unknown' : value ? 'guide.fact.yes' : 'guide.fact.no');
}
