import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { formatDate, renderPage } from '../../../platform/web/layout.ts';
import type { MapProjection } from '../../../platform/web/svg-map.ts';
import type { District, DistrictWithGeometry } from '../../places/index.ts';
import type { BoundingBox } from '../tiles.ts';
import type { Category } from '../report-categories.repository.ts';
import type { ReportCluster } from '../reports-map.repository.ts';
import type { ReportRow } from '../reports-list.repository.ts';
import { renderMap, reportsStreetMap } from './map.ts';
import {
  ALL_STATUSES,
  categoryOptions,
  excerpt,
  plain,
  reportsAsset,
  statusLabel,
  statusTag,
  stylesheet,
} from './shared.ts';

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

/** The query string for the same filters (for links: next page, feed, clearing the area). */
export function listQueryString(query: ListQuery, change: Partial<Record<'before' | 'bbox', string>> = {}): string {
  const params = new URLSearchParams();
  if (query.category) params.set('category', query.category);
  if (query.status) params.set('status', query.status);
  if (query.district) params.set('district', query.district);
  if (query.from && !query.errors.from) params.set('from', query.from);
  if (query.to && !query.errors.to) params.set('to', query.to);
  const bbox =
    change.bbox ??
    (query.bbox ? [query.bbox.minLng, query.bbox.minLat, query.bbox.maxLng, query.bbox.maxLat].join(',') : '');
  if (bbox) params.set('bbox', bbox);
  if (change.before) params.set('before', change.before);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The drawing page starts from the map's view (a rectangle to reshape) and the chosen category. */
function areaLinkQuery(query: ListQuery): string {
  const params = new URLSearchParams();
  if (query.bbox)
    params.set('bbox', [query.bbox.minLng, query.bbox.minLat, query.bbox.maxLng, query.bbox.maxLat].join(','));
  if (query.category) params.set('category', query.category);
  return params.size ? `?${params.toString()}` : '';
}

export function cursorOf(report: ReportRow): string {
  return `${report.createdAt.toISOString()}_${report.id}`;
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

/** What the list page shows: the filters read, the city's categories and districts, a page of reports, the map. */
export interface ListPageData {
  query: ListQuery;
  categories: Category[];
  districts: District[];
  shapes: DistrictWithGeometry[];
  page: ReportRow[];
  /** The last report of the page when there are older ones. */
  next: ReportRow | undefined;
  projection: MapProjection;
  clusters: ReportCluster[];
}

/** The public list and map of reports. */
export function listPage(request: FastifyRequest, reply: FastifyReply, data: ListPageData): FastifyReply {
  const { t } = request;
  const { query, categories, districts, shapes, page, next, projection, clusters } = data;
  const total = clusters.reduce((sum, cluster) => sum + cluster.count, 0);
  const feedQuery = new URLSearchParams();
  if (query.district) feedQuery.set('district', query.district);
  if (query.category) feedQuery.set('category', query.category);
  const feedHref = `/reports/feed.atom${feedQuery.size ? `?${feedQuery.toString()}` : ''}`;
  const street = reportsStreetMap(request, 'browse');

  return renderPage(request, reply, {
    title: t('reports.list.title'),
    description: t('reports.list.lead'),
    scripts: [
      ...(street ? [...street.scripts, reportsAsset('reports-street-map.js')] : []),
      reportsAsset('reports-map.js'),
    ],
    status: Object.keys(query.errors).length ? 400 : 200,
    main: html`${stylesheet()}${street?.markup ?? ''}
<h1>${t('reports.list.title')}</h1>
<p>${t('reports.list.lead')}</p>
<p><a class="button" href="/reports/new">${t('reports.list.new')}</a> <a href="/reports/statistics">${t('reports.statistics.title')}</a></p>
${filterForm(request, query, categories, districts)}
${query.bbox ? html`<p>${t('reports.list.areaActive')} <a href="/reports${listQueryString({ ...query, bbox: undefined })}">${t('reports.list.areaClear')}</a></p>` : ''}
${renderMap({
  projection,
  districts: shapes,
  districtLabel: (d) => plain(request, d.name),
  title: t('reports.map.title'),
  description: t('reports.map.summary', { count: total, places: t('reports.map.places', { count: clusters.length }) }),
  clusters,
  mode: 'browse',
})}
<p class="muted">${t('reports.map.zoomHint')}</p>
<p><a href="/reports/subscriptions/area${areaLinkQuery(query)}">${t('reports.list.subscribeArea')}</a></p>
<section aria-labelledby="list-title">
  <h2 id="list-title" class="visually-hidden">${t('reports.list.title')}</h2>
  ${page.length === 0 ? html`<p>${t('reports.list.empty')}</p>` : html`<ol class="report-list">${page.map((report) => reportCard(request, report, districts))}</ol>`}
  <nav class="pager" aria-label="${t('reports.list.title')}">
  ${query.before ? html`<a href="/reports${listQueryString(query)}">${t('reports.list.first')}</a>` : ''}
  ${next ? html`<a href="/reports${listQueryString(query, { before: cursorOf(next) })}" rel="next">${t('reports.list.older')}</a>` : ''}
  </nav>
</section>
<p><a href="${feedHref}">${t('reports.list.feed')}</a> · <a href="/reports/subscriptions${listQueryString({ ...query, before: undefined })}">${t('reports.list.subscribe')}</a></p>`,
  });
}

/** The home page block: the latest reports and the way to send one. */
export function homeSection(request: FastifyRequest, reports: ReportRow[], districts: District[]): Html {
  const { t } = request;
  return html`${stylesheet()}<section aria-labelledby="home-reports">
  <h2 id="home-reports">${t('reports.home.title')}</h2>
  <p>${t('reports.home.lead')}</p>
  <p><a class="button" href="/reports/new">${t('reports.list.new')}</a></p>
  ${reports.length ? html`<ul class="cards">${reports.map((report) => reportCard(request, report, districts))}</ul>` : ''}
  <p><a href="/reports">${t('reports.home.all')}</a></p>
</section>`;
}
