import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { PUBLIC } from '../../../platform/http/api.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Html } from '../../../platform/web/html.ts';
import { isStorableDate, isStorableIsoDate, parseId } from '../../../platform/validation.ts';
import { findDistricts, type District } from '../../places/index.ts';
import { findDistrictsWithGeometry } from '../../places/index.ts';
import { findCategories } from '../report-categories.repository.ts';
import { findReportClusters } from '../reports-map.repository.ts';
import { findReports, type ReportFilters, type ReportRow } from '../reports-list.repository.ts';
import type { BoundingBox } from '../tiles.ts';
import { cityBounds } from './map.ts';
import { MapProjection } from '../../../platform/web/svg-map.ts';
import { isStatus, plain } from './shared.ts';
import { cursorOf, homeSection, listPage, type ListQuery } from './list.view.ts';

export const PAGE_SIZE = 20;

function one(query: Record<string, unknown>, name: string): string {
  const value = query[name];
  const first: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

/** `minLng,minLat,maxLng,maxLat` as in OGC/GeoJSON; anything else is ignored. */
export function parseBbox(text: string): BoundingBox | undefined {
  const parts = text.split(',').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isFinite(part))) return undefined;
  const [minLng, minLat, maxLng, maxLat] = parts as [number, number, number, number];
  if (
    minLat >= maxLat ||
    minLng >= maxLng ||
    Math.abs(minLat) > 85 ||
    Math.abs(maxLat) > 85 ||
    Math.abs(minLng) > 180 ||
    Math.abs(maxLng) > 180
  )
    return undefined;
  return { minLat, minLng, maxLat, maxLng };
}

function parseDay(text: string, endOfDay: boolean): Date | undefined | null {
  if (!text) return undefined;
  if (!isStorableIsoDate(text)) return null;
  return new Date(`${text}T${endOfDay ? '23:59:59.999' : '00:00:00'}Z`);
}

/** Reads the list filters; a malformed date is reported in `errors` rather than ignored silently. */
export function parseListQuery(request: FastifyRequest): ListQuery {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const errors: Record<string, string> = {};
  const from = one(query, 'from');
  const to = one(query, 'to');
  if (parseDay(from, false) === null) errors.from = request.t('reports.filter.invalidDate');
  if (parseDay(to, true) === null) errors.to = request.t('reports.filter.invalidDate');
  const beforeText = one(query, 'before');
  const match = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_(\d+)$/.exec(beforeText);
  const before =
    match && isStorableDate(new Date(match[1] as string)) && parseId(match[2]) !== undefined
      ? { createdAt: new Date(match[1] as string), id: Number(match[2]) }
      : undefined;
  return {
    category: one(query, 'category'),
    status: one(query, 'status'),
    district: one(query, 'district'),
    from,
    to,
    bbox: parseBbox(one(query, 'bbox')),
    before,
    errors,
  };
}

/** Turns parsed filters into repository filters, given the city's categories and districts. */
export function toReportFilters(query: ListQuery, districts: District[], limit: number): ReportFilters {
  const filters: ReportFilters = { limit, order: 'newest' };
  if (query.category) filters.categoryCodes = [query.category];
  if (query.status === 'open') filters.isOpen = true;
  else if (query.status === 'closed') filters.isOpen = false;
  else if (isStatus(query.status)) filters.statuses = [query.status];
  const district = districts.find((d) => d.code === query.district);
  if (district) filters.districtId = district.id;
  const from = parseDay(query.from, false);
  const to = parseDay(query.to, true);
  if (from) filters.createdFrom = from;
  if (to) filters.createdTo = to;
  if (query.bbox) filters.bbox = query.bbox;
  if (query.before) filters.before = query.before;
  return filters;
}

const ReportJson = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  category: Type.Object({ code: Type.String(), name: Type.String() }),
  status: Type.String(),
  isOpen: Type.Boolean(),
  description: Type.String(),
  lat: Type.Number(),
  lng: Type.Number(),
  address: Type.Union([Type.String(), Type.Null()]),
  districtId: Type.Union([Type.Integer(), Type.Null()]),
  department: Type.Union([Type.String(), Type.Null()]),
  authorName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastAnswer: Type.Union([Type.String(), Type.Null()]),
});

const ListQuerySchema = Type.Object({
  category: Type.Optional(Type.String({ description: 'Category code' })),
  status: Type.Optional(Type.String({ description: '`open`, `closed` or one status' })),
  district: Type.Optional(Type.String({ description: 'District code' })),
  from: Type.Optional(Type.String({ description: 'Reported on or after this day (YYYY-MM-DD)' })),
  to: Type.Optional(Type.String({ description: 'Reported on or before this day (YYYY-MM-DD)' })),
  bbox: Type.Optional(Type.String({ description: 'minLng,minLat,maxLng,maxLat' })),
  before: Type.Optional(Type.String({ description: 'The `next` cursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  lang: Type.Optional(Type.String()),
});

/** A report as the public API shows it: never the author's e-mail, token or internal notes. */
export function reportJson(request: FastifyRequest, report: ReportRow) {
  return {
    id: report.id,
    url: `/reports/${report.id}`,
    category: { code: report.categoryCode, name: plain(request, report.categoryName) },
    status: report.status,
    isOpen: report.isOpen,
    description: report.description,
    lat: report.lat,
    lng: report.lng,
    address: report.address,
    districtId: report.districtId,
    department: report.departmentName ? plain(request, report.departmentName) : null,
    authorName: report.showName ? report.authorName : null,
    createdAt: report.createdAt.toISOString(),
    updatedAt: report.updatedAt.toISOString(),
    closedAt: report.closedAt ? report.closedAt.toISOString() : null,
    lastAnswer: report.lastPublicText,
  };
}

/** The public list and map of reports, and the same data as JSON. */
export function registerListPages(app: App, ctx: AppContext): void {
  app.get('/reports', { schema: { hide: true } }, async (request, reply) => {
    const { organisation } = request;
    const query = parseListQuery(request);
    const [categories, districts, shapes] = await Promise.all([
      findCategories(ctx.db, organisation.id),
      findDistricts(ctx.db, organisation.id),
      findDistrictsWithGeometry(ctx.db, organisation.id),
    ]);
    const filters = toReportFilters(query, districts, PAGE_SIZE + 1);
    const rows = await findReports(ctx.db, organisation.id, filters);
    const page = rows.slice(0, PAGE_SIZE);
    const next = rows.length > PAGE_SIZE ? page[page.length - 1] : undefined;

    const projection = new MapProjection(query.bbox ?? cityBounds(shapes, organisation.map));
    const categoryIds = query.category
      ? categories.filter((c) => c.code === query.category).map((c) => c.id)
      : undefined;
    const clusters = await findReportClusters(ctx.db, organisation.id, projection.bbox, projection.zoom(), {
      ...(categoryIds ? { categoryIds: categoryIds.length ? categoryIds : [-1] } : {}),
      ...(filters.statuses ? { statuses: filters.statuses } : {}),
      ...(filters.isOpen !== undefined ? { isOpen: filters.isOpen } : {}),
      ...(filters.districtId !== undefined ? { districtId: filters.districtId } : {}),
      ...(filters.createdFrom ? { createdFrom: filters.createdFrom } : {}),
      ...(filters.createdTo ? { createdTo: filters.createdTo } : {}),
    });
    return listPage(request, reply, { query, categories, districts, shapes, page, next, projection, clusters });
  });

  app.get(
    '/api/v1/reports',
    {
      schema: {
        operationId: 'listReports',
        tags: ['reports'],
        summary: 'Public reports, newest first, with filters and keyset pagination',
        security: PUBLIC,
        querystring: ListQuerySchema,
        response: {
          200: Type.Object({ reports: Type.Array(ReportJson), next: Type.Union([Type.String(), Type.Null()]) }),
        },
      },
    },
    async (request) => {
      const query = parseListQuery(request);
      if (Object.keys(query.errors).length)
        throw new AppError('VALIDATION_FAILED', 'from and to must be days such as 2026-03-31.');
      const limit = request.query.limit ?? 50;
      const districts = await findDistricts(ctx.db, request.organisation.id);
      const rows = await findReports(ctx.db, request.organisation.id, toReportFilters(query, districts, limit + 1));
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        reports: page.map((report) => reportJson(request, report)),
        next: rows.length > limit && last ? cursorOf(last) : null,
      };
    },
  );

  app.get(
    '/api/v1/reports/clusters',
    {
      schema: {
        operationId: 'reportClusters',
        tags: ['reports'],
        summary: 'Reports in a box grouped into map cells for a zoom level (for map clients)',
        security: PUBLIC,
        querystring: Type.Object({
          bbox: Type.String({ description: 'minLng,minLat,maxLng,maxLat' }),
          zoom: Type.Number({ minimum: 0, maximum: 22 }),
          category: Type.Optional(Type.String()),
          status: Type.Optional(Type.String()),
          district: Type.Optional(Type.String()),
          from: Type.Optional(Type.String()),
          to: Type.Optional(Type.String()),
          lang: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object({
            clusters: Type.Array(
              Type.Object({
                count: Type.Integer(),
                openCount: Type.Integer(),
                lat: Type.Number(),
                lng: Type.Number(),
                reportId: Type.Union([Type.Integer(), Type.Null()]),
                bbox: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const query = parseListQuery(request);
      if (!query.bbox)
        throw new AppError('VALIDATION_FAILED', 'bbox must be minLng,minLat,maxLng,maxLat with min below max.');
      if (Object.keys(query.errors).length)
        throw new AppError('VALIDATION_FAILED', 'from and to must be days such as 2026-03-31.');
      const [categories, districts] = await Promise.all([
        findCategories(ctx.db, request.organisation.id, true),
        findDistricts(ctx.db, request.organisation.id),
      ]);
      const filters = toReportFilters(query, districts, 1);
      const categoryIds = query.category ? categories.filter((c) => c.code === query.category).map((c) => c.id) : [];
      const clusters = await findReportClusters(ctx.db, request.organisation.id, query.bbox, request.query.zoom, {
        ...(query.category ? { categoryIds: categoryIds.length ? categoryIds : [-1] } : {}),
        ...(filters.statuses ? { statuses: filters.statuses } : {}),
        ...(filters.isOpen !== undefined ? { isOpen: filters.isOpen } : {}),
        ...(filters.districtId !== undefined ? { districtId: filters.districtId } : {}),
        ...(filters.createdFrom ? { createdFrom: filters.createdFrom } : {}),
        ...(filters.createdTo ? { createdTo: filters.createdTo } : {}),
      });
      return {
        clusters: clusters.map((cluster) => ({
          ...cluster,
          bbox: [cluster.bbox.minLng, cluster.bbox.minLat, cluster.bbox.maxLng, cluster.bbox.maxLat],
        })),
      };
    },
  );
}

/** The home page block (the manifest's home section): loads the latest reports for homeSection. */
export async function renderHomeSection(request: FastifyRequest, ctx: AppContext): Promise<Html | null> {
  const { organisation } = request;
  const [reports, districts] = await Promise.all([
    findReports(ctx.db, organisation.id, { limit: 4, order: 'newest' }),
    findDistricts(ctx.db, organisation.id),
  ]);
  return homeSection(request, reports, districts);
}
