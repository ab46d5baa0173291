// Reading reports: the public list, map list, feeds, API and every page that shows one report.

import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { parseJsonColumn } from './column-values.ts';
import type { ReportStatus } from './reports.schema.ts';
import { tileX, tileY, type BoundingBox } from './tiles.ts';

export interface ReportRow {
  id: number;
  organisationId: number;
  categoryId: number;
  categoryCode: string;
  categoryName: Translated;
  departmentId: number | null;
  departmentName: Translated | null;
  districtId: number | null;
  status: ReportStatus;
  isOpen: boolean;
  description: string;
  lat: number;
  lng: number;
  address: string | null;
  answers: Record<string, string | string[]>;
  authorId: number | null;
  authorName: string | null;
  showName: boolean;
  source: string;
  token: string | null;
  duplicateOfId: number | null;
  deadlineAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  hiddenAt: Date | null;
  lastPublicText: string | null;
}

export interface ReportFilters {
  ids?: number[];
  token?: string;
  categoryCodes?: string[];
  statuses?: ReportStatus[];
  isOpen?: boolean;
  departmentId?: number;
  districtId?: number;
  createdFrom?: Date;
  createdTo?: Date;
  includeHidden?: boolean;
  limit: number;
  offset?: number;
  order?: 'newest' | 'deadline' | 'updated';
  /** Keyset pagination for `order: 'newest'`: only reports after this one in that order. */
  before?: { createdAt: Date; id: number };
  /** Only reports inside this box (through the tile index). */
  bbox?: BoundingBox;
}

/** Reports matching filters, with their category, department and latest public answer, in one query. */
export async function findReports(db: Executor, organisationId: number, filters: ReportFilters): Promise<ReportRow[]> {
  let query = db
    .selectFrom('reports_report as r')
    .innerJoin('reports_category as c', 'c.id', 'r.category_id')
    .leftJoin('core_department as d', 'd.id', 'r.department_id')
    .select([
      'r.id',
      'r.organisation_id',
      'r.category_id',
      'c.code as category_code',
      'c.name as category_name',
      'r.department_id',
      'd.name as department_name',
      'r.district_id',
      'r.status',
      'r.is_open',
      'r.description',
      'r.lat',
      'r.lng',
      'r.address',
      'r.answers',
      'r.author_id',
      'r.author_name',
      'r.show_name',
      'r.source',
      'r.token',
      'r.duplicate_of_id',
      'r.deadline_at',
      'r.created_at',
      'r.updated_at',
      'r.closed_at',
      'r.hidden_at',
      sql<
        string | null
      >`(select u.public_text from reports_update u where u.report_id = r.id and u.public_text is not null and u.hidden_at is null order by u.created_at desc, u.id desc limit 1)`.as(
        'last_public_text',
      ),
    ])
    .where('r.organisation_id', '=', organisationId);
  if (!filters.includeHidden) query = query.where('r.hidden_at', 'is', null);
  if (filters.ids?.length) query = query.where('r.id', 'in', filters.ids);
  if (filters.token) query = query.where('r.token', '=', filters.token);
  if (filters.categoryCodes?.length) query = query.where('c.code', 'in', filters.categoryCodes);
  if (filters.statuses?.length) query = query.where('r.status', 'in', filters.statuses);
  if (filters.isOpen !== undefined) query = query.where('r.is_open', '=', filters.isOpen);
  if (filters.departmentId !== undefined) query = query.where('r.department_id', '=', filters.departmentId);
  if (filters.districtId !== undefined) query = query.where('r.district_id', '=', filters.districtId);
  if (filters.createdFrom) query = query.where('r.created_at', '>=', filters.createdFrom);
  if (filters.createdTo) query = query.where('r.created_at', '<=', filters.createdTo);
  const { before } = filters;
  if (before)
    query = query.where((eb) => eb(eb.refTuple('r.created_at', 'r.id'), '<', eb.tuple(before.createdAt, before.id)));
  if (filters.bbox) {
    const { bbox } = filters;
    query = query
      .where('r.tile_y', '>=', tileY(bbox.maxLat))
      .where('r.tile_y', '<=', tileY(bbox.minLat))
      .where('r.tile_x', '>=', tileX(bbox.minLng))
      .where('r.tile_x', '<=', tileX(bbox.maxLng));
    query = query
      .where('r.lat', '>=', bbox.minLat)
      .where('r.lat', '<=', bbox.maxLat)
      .where('r.lng', '>=', bbox.minLng)
      .where('r.lng', '<=', bbox.maxLng);
  }
  query =
    filters.order === 'deadline'
      ? query.orderBy('r.deadline_at', 'asc').orderBy('r.id', 'asc')
      : filters.order === 'updated'
        ? query.orderBy('r.updated_at', 'desc').orderBy('r.id', 'desc')
        : query.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc');
  const rows = await query
    .limit(filters.limit)
    .offset(filters.offset ?? 0)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    organisationId: row.organisation_id,
    categoryId: row.category_id,
    categoryCode: row.category_code,
    categoryName: parseJsonColumn(row.category_name),
    departmentId: row.department_id,
    departmentName: row.department_name ? parseJsonColumn(row.department_name) : null,
    districtId: row.district_id,
    status: row.status,
    isOpen: row.is_open,
    description: row.description,
    lat: row.lat,
    lng: row.lng,
    address: row.address,
    answers: parseJsonColumn(row.answers),
    authorId: row.author_id,
    authorName: row.author_name,
    showName: row.show_name,
    source: row.source,
    token: row.token,
    duplicateOfId: row.duplicate_of_id,
    deadlineAt: row.deadline_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    hiddenAt: row.hidden_at,
    lastPublicText: row.last_public_text,
  }));
}

export async function findReportById(
  db: Executor,
  organisationId: number,
  id: number,
  includeHidden = false,
): Promise<ReportRow | undefined> {
  const [row] = await findReports(db, organisationId, { ids: [id], limit: 1, includeHidden });
  return row;
}
