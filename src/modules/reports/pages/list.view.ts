import type { FastifyRequest } from 'fastify';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { formatDate } from '../../../platform/web/layout.ts';
import type { District } from '../../places/index.ts';
import type { BoundingBox } from '../tiles.ts';
import type { Category } from '../report-categories.repository.ts';
import type { ReportRow } from '../reports-list.repository.ts';
import { ALL_STATUSES, categoryOptions, excerpt, plain, statusLabel, statusTag } from './shared.ts';

/** The filters of the list, the map, the API and the feed, as read from a query string. */
export interface ListQuery {
  category: string;
  status: string;
  district: string;
  from: string;
  to: string;
  bbox: BoundingBox | undefined;
  before: { createdAt: Date; id: number } | undefined;
  errors: Record<string, string>;
}

/** A report's title: its category, and where. */
export function reportTitle(request: FastifyRequest, report: ReportRow, districts: District[]): string {
  const district = districts.find((d) => d.id === report.districtId);
  const where = report.address ?? (district ? plain(request, district.name) : '');
  return where ? `${plain(request, report.categoryName)} — ${where}` : plain(request, report.categoryName);
}

/** One report in a list: title linking to it, status, date, district, the start of its description. */
export function reportCard(
  request: FastifyRequest,
  report: ReportRow,
  districts: District[],
  headingLevel: 2 | 3 = 3,
): Html {
  const district = districts.find((d) => d.id === report.districtId);
  const heading = html`<a href="/reports/${report.id}">${reportTitle(request, report, districts)}</a>`;
  return html`<li class="report-card">
  ${headingLevel === 2 ? html`<h2>${heading}</h2>` : html`<h3>${heading}</h3>`}
  <p>${statusTag(request, report.status)} <span class="muted">#${report.id} · <time datetime="${report.createdAt.toISOString()}">${request.t('reports.card.reported', { date: formatDate(request, report.createdAt) })}</time>${district ? html` · ${request.t('reports.card.in', { district: plain(request, district.name) })}` : ''}</span></p>
  <p>${excerpt(report.description, 160)}</p>
</li>`;
}

function select(id: string, label: string, options: Html, error?: string): Html {
  return html`<div class="field${error ? ' field--error' : ''}"><label for="${id}">${label}</label>${error ? html`<p class="field__error" id="${id}-error">${error}</p>` : ''}<select id="${id}" name="${id}">${options}</select></div>`;
}

export function filterForm(
  request: FastifyRequest,
  query: ListQuery,
  categories: Category[],
  districts: District[],
): Html {
  const { t } = request;
  const option = (value: string, label: string, current: string) =>
    html`<option value="${value}"${value === current ? raw(' selected') : ''}>${label}</option>`;
  const dateField = (name: 'from' | 'to', label: string) =>
    html`<div class="field${query.errors[name] ? ' field--error' : ''}"><label for="${name}">${label}</label>${query.errors[name] ? html`<p class="field__error" id="${name}-error">${query.errors[name]}</p>` : ''}<input type="date" id="${name}" name="${name}" value="${query[name]}"${query.errors[name] ? html` aria-invalid="true" aria-describedby="${name}-error"` : ''}></div>`;
  return html`<form method="get" action="/reports" class="report-filters" aria-labelledby="filters-title">
  <h2 id="filters-title" class="visually-hidden">${t('reports.filter.title')}</h2>
  ${select('category', t('reports.filter.category'), html`${option('', t('reports.filter.any'), query.category)}${categoryOptions(request, categories, query.category)}`)}
  ${select(
    'status',
    t('reports.filter.status'),
    html`${option('', t('reports.filter.any'), query.status)}${option('open', t('reports.filter.open'), query.status)}${option('closed', t('reports.filter.closed'), query.status)}${ALL_STATUSES.map((status) => option(status, statusLabel(request, status), query.status))}`,
  )}
  ${select('district', t('reports.filter.district'), html`${option('', t('reports.filter.any'), query.district)}${districts.filter((d) => d.kind === 'district').map((d) => option(d.code, plain(request, d.name), query.district))}`)}
  ${dateField('from', t('reports.filter.from'))}
  ${dateField('to', t('reports.filter.to'))}
  ${query.bbox ? html`<input type="hidden" name="bbox" value="${[query.bbox.minLng, query.bbox.minLat, query.bbox.maxLng, query.bbox.maxLat].join(',')}">` : ''}
  <div><button type="submit" class="button">${t('reports.filter.apply')}</button> <a href="/reports">${t('reports.filter.reset')}</a></div>
</form>`;
}
