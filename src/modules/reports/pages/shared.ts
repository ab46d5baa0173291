import path from 'node:path';
import { assetFolder } from '../../../platform/web/assets.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../platform/http/app.ts';
import type { Translated } from '../../../platform/db/schema.ts';
import { localized, localizedWithLanguage, type MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import type { Category } from '../report-categories.repository.ts';
import { CLOSED_STATUSES, OPEN_STATUSES, type ReportStatus } from '../reports.schema.ts';

export const ALL_STATUSES: readonly ReportStatus[] = [...OPEN_STATUSES, ...CLOSED_STATUSES];

export function isStatus(value: unknown): value is ReportStatus {
  return typeof value === 'string' && (ALL_STATUSES as readonly string[]).includes(value);
}

/** The public name of a status in the reader's language. */
export function statusLabel(request: FastifyRequest, status: ReportStatus): string {
  return request.t(`reports.status.${status}` as MessageKey);
}

/** What a status means for the resident, in plain words. */
export function statusMeaning(request: FastifyRequest, status: ReportStatus): string {
  return request.t(`reports.meaning.${status}` as MessageKey);
}

/** A status badge: the class tells open from closed, the text carries the meaning (not colour alone). */
export function statusTag(request: FastifyRequest, status: ReportStatus): Html {
  const open = (OPEN_STATUSES as readonly string[]).includes(status);
  return html`<span class="tag report-status report-status--${open ? 'open' : 'closed'}">${statusLabel(request, status)}</span>`;
}

/** A staff-written text in the reader's language, with a `lang` attribute when it is in another one. */
export function translatedText(request: FastifyRequest, value: Translated | null | undefined): Html {
  if (!value) return html``;
  const { text, lang } = localizedWithLanguage(value, request.lang, request.organisation.defaultLanguage);
  return lang === request.lang ? html`${text}` : html`<span lang="${lang}">${text}</span>`;
}

export function plain(request: FastifyRequest, value: Translated | null | undefined): string {
  return localized(value, request.lang, request.organisation.defaultLanguage);
}

/** A number typed in a form: accepts a decimal comma; empty or invalid gives NaN. */
export function parseCoordinate(text: string): number {
  if (!text) return Number.NaN;
  return Number(text.replace(',', '.'));
}

/** Categories grouped by their group name, in display order, as `<optgroup>`s of a `<select>`. */
export function categoryOptions(request: FastifyRequest, categories: Category[], selected: string): Html {
  const groups = new Map<string, Category[]>();
  for (const category of categories) {
    const name = plain(request, category.group);
    groups.set(name, [...(groups.get(name) ?? []), category]);
  }
  return html`${[...groups].map(
    ([group, members]) =>
      html`<optgroup label="${group}">${members.map((category) => html`<option value="${category.code}"${category.code === selected ? raw(' selected') : ''}>${plain(request, category.name)}</option>`)}</optgroup>`,
  )}`;
}

/** Shortens a text to a title-sized excerpt on a word boundary. */
export function excerpt(text: string, length = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= length) return flat;
  const cut = flat.slice(0, length);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), length - 20))}…`;
}

// ---- static assets of these pages (script and styles), versioned by content ----

const assets = assetFolder('/reports/assets', path.join(import.meta.dirname, 'assets'));

/** The URL of one of these pages' assets. */
export function reportsAsset(name: string): string {
  return assets.url(name);
}

/** The stylesheet link, placed at the top of the page's main content (allowed in the body). */
export function stylesheet(): Html {
  return html`<link rel="stylesheet" href="${reportsAsset('reports.css')}">`;
}

/** Sends the site's "not found" page (for ids that do not exist or are hidden). */
export function notFound(reply: FastifyReply): FastifyReply {
  reply.callNotFound();
  return reply;
}

export function registerReportAssets(app: App): void {
  assets.register(app);
}
