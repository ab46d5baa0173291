import { sql, type Insertable } from 'kysely';
import type { Executor, Tx } from '../../platform/db/database.ts';
import type { Database, Translated } from '../../platform/db/schema.ts';
import {
  CLOSED_STATUSES,
  OPEN_STATUSES,
  type QuestionDatatype,
  type QuestionOption,
  type ReportStatus,
} from './reports.schema.ts';
import './reports.schema.ts';
import { TILE_ZOOM, tileToLat, tileToLng, tileX, tileY } from './tiles.ts';

/** A JSON column as its type: drivers hand it over parsed, or as text (PGlite for some shapes). */
function parse<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export interface Category {
  id: number;
  code: string;
  group: Translated;
  name: Translated;
  description: Translated;
  keywords: string;
  expectedHours: number;
  defaultDepartmentId: number | null;
  active: boolean;
}

export interface Question {
  id: number;
  categoryId: number;
  code: string;
  datatype: QuestionDatatype;
  required: boolean;
  label: Translated;
  help: Translated;
  options: QuestionOption[];
  sort: number;
}

const categoryColumns = [
  'id',
  'code',
  'group_name',
  'name',
  'description',
  'keywords',
  'expected_hours',
  'default_department_id',
  'active',
] as const;

function toCategory(row: {
  id: number;
  code: string;
  group_name: Translated | string;
  name: Translated | string;
  description: Translated | string;
  keywords: string;
  expected_hours: number;
  default_department_id: number | null;
  active: boolean;
}): Category {
  return {
    id: row.id,
    code: row.code,
    group: parse(row.group_name),
    name: parse(row.name),
    description: parse(row.description),
    keywords: row.keywords,
    expectedHours: row.expected_hours,
    defaultDepartmentId: row.default_department_id,
    active: row.active,
  };
}

/** The city's categories in display order; only those residents can choose unless `includeInactive`. */
export async function findCategories(
  db: Executor,
  organisationId: number,
  includeInactive = false,
): Promise<Category[]> {
  let query = db.selectFrom('reports_category').select(categoryColumns).where('organisation_id', '=', organisationId);
  if (!includeInactive) query = query.where('active', '=', true);
  const rows = await query.orderBy('sort').orderBy('code').execute();
  return rows.map(toCategory);
}

export async function findCategoryByCode(
  db: Executor,
  organisationId: number,
  code: string,
): Promise<Category | undefined> {
  const row = await db
    .selectFrom('reports_category')
    .select(categoryColumns)
    .where('organisation_id', '=', organisationId)
    .where('code', '=', code)
    .executeTakeFirst();
  return row ? toCategory(row) : undefined;
}

export async function findCategoryById(
  db: Executor,
  organisationId: number,
  id: number,
): Promise<Category | undefined> {
  const row = await db
    .selectFrom('reports_category')
    .select(categoryColumns)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toCategory(row) : undefined;
}

function toQuestion(row: {
  id: number;
  category_id: number;
  code: string;
  datatype: QuestionDatatype;
  required: boolean;
  label: Translated | string;
  help: Translated | string;
  options: QuestionOption[] | string;
  sort: number;
}): Question {
  return {
    id: row.id,
    categoryId: row.category_id,
    code: row.code,
    datatype: row.datatype,
    required: row.required,
    label: parse(row.label),
    help: parse(row.help),
    options: parse(row.options),
    sort: row.sort,
  };
}

/** The questions of one category, in order. */
export async function findQuestions(db: Executor, categoryId: number): Promise<Question[]> {
  const rows = await db
    .selectFrom('reports_question')
    .selectAll()
    .where('category_id', '=', categoryId)
    .orderBy('sort')
    .orderBy('id')
    .execute();
  return rows.map(toQuestion);
}

/** The questions of all of a city's categories, in order within each category (intake configuration). */
export async function findCityQuestions(db: Executor, organisationId: number): Promise<Question[]> {
  const rows = await db
    .selectFrom('reports_question')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('category_id')
    .orderBy('sort')
    .orderBy('id')
    .execute();
  return rows.map(toQuestion);
}

export interface RoutingRule {
  categoryId: number;
  districtId: number | null;
  departmentId: number;
}

/** All routing rules of a city (intake configuration); `departmentFor` in intake-configuration.ts says how they apply. */
export async function findRoutingRules(db: Executor, organisationId: number): Promise<RoutingRule[]> {
  const rows = await db
    .selectFrom('reports_routing_rule')
    .select(['category_id', 'district_id', 'department_id'])
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    categoryId: row.category_id,
    districtId: row.district_id,
    departmentId: row.department_id,
  }));
}

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

export interface BoundingBox {
  minLat: number;
  minLng: number;
  maxLat: number;
  maxLng: number;
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
    categoryName: parse(row.category_name),
    departmentId: row.department_id,
    departmentName: row.department_name ? parse(row.department_name) : null,
    districtId: row.district_id,
    status: row.status,
    isOpen: row.is_open,
    description: row.description,
    lat: row.lat,
    lng: row.lng,
    address: row.address,
    answers: parse(row.answers),
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

export interface PublicUpdate {
  id: number;
  reportId: number;
  kind: string;
  statusTo: string | null;
  isOpen: boolean;
  publicText: string | null;
  createdAt: Date;
}

/** Public history lines of all reports in a period, oldest first (Open311 servicerequestupdates). */
export async function findPublicUpdates(
  db: Executor,
  organisationId: number,
  from: Date,
  to: Date,
  limit: number,
): Promise<PublicUpdate[]> {
  const rows = await db
    .selectFrom('reports_update as u')
    .innerJoin('reports_report as r', 'r.id', 'u.report_id')
    .select(['u.id', 'u.report_id', 'u.kind', 'u.status_to', 'r.status', 'u.public_text', 'u.created_at'])
    .where('u.organisation_id', '=', organisationId)
    .where('u.hidden_at', 'is', null)
    .where('r.hidden_at', 'is', null)
    .where('u.created_at', '>=', from)
    .where('u.created_at', '<=', to)
    .orderBy('u.created_at')
    .orderBy('u.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: idOf(row.id),
    reportId: idOf(row.report_id),
    kind: row.kind,
    statusTo: row.status_to,
    isOpen: ['new', 'confirmed', 'in_progress', 'planned'].includes(row.status_to ?? row.status),
    publicText: row.public_text,
    createdAt: row.created_at,
  }));
}

/**
 * A bigint column's value as a number: node-postgres returns bigint (bigserial ids, counts) as strings
 * although the schema types them as numbers, so the conversion is needed at run time.
 */
export function idOf(value: unknown): number {
  return Number(value);
}

export interface ReportCluster {
  count: number;
  openCount: number;
  lat: number;
  lng: number;
  /** The report's id when the cluster holds a single report. */
  reportId: number | null;
  /** The cell's outline, to zoom into it. */
  bbox: BoundingBox;
}

export interface ClusterFilters {
  categoryIds?: number[];
  statuses?: ReportStatus[];
  isOpen?: boolean;
  districtId?: number;
  createdFrom?: Date;
  createdTo?: Date;
}

/** The finest map level kept as counters (`reports_map_cell`): zoom-18 cells, about 150 m at the equator. */
export const FIRST_CELL_LEVEL = 2;
/** The coarsest level kept (zoom-12 cells, about 10 km); coarser maps add these cells up. */
export const LAST_CELL_LEVEL = 8;

/** The tile shift of the map cells at a map zoom: a cell is a quarter of a 256-pixel tile (about 64 pixels). */
export function clusterShift(zoom: number): number {
  return Math.max(0, Math.min(TILE_ZOOM, TILE_ZOOM - Math.round(zoom) - 2));
}

/** The range of cells (at `shift`) that a box touches: whole cells, so a cluster always counts its whole cell. */
function cellRange(bbox: BoundingBox, shift: number): { minX: number; maxX: number; minY: number; maxY: number } {
  return {
    minX: tileX(bbox.minLng) >> shift,
    maxX: tileX(bbox.maxLng) >> shift,
    minY: tileY(bbox.maxLat) >> shift,
    maxY: tileY(bbox.minLat) >> shift,
  };
}

function toCluster(
  row: { cx: unknown; cy: unknown; n: unknown; open_n: unknown; lat: unknown; lng: unknown; id: unknown },
  shift: number,
): ReportCluster {
  const count = Number(row.n);
  const cx = idOf(row.cx);
  const cy = idOf(row.cy);
  return {
    count,
    openCount: Number(row.open_n),
    lat: Number(row.lat),
    lng: Number(row.lng),
    reportId: count === 1 ? Number(row.id) : null,
    bbox: {
      minLng: tileToLng(cx, shift),
      maxLng: tileToLng(cx + 1, shift),
      maxLat: tileToLat(cy, shift),
      minLat: tileToLat(cy + 1, shift),
    },
  };
}

/**
 * How the filters read on the map counters, which count per category, district and open/closed: a
 * status list must be all open statuses, all closed ones or all statuses; a date range needs the
 * reports themselves (`undefined`). `nothing` when the status list and `isOpen` contradict each other.
 */
function cellFilter(filters: ClusterFilters): { isOpen: boolean | undefined; nothing: boolean } | undefined {
  if (filters.createdFrom || filters.createdTo) return undefined;
  if (!filters.statuses?.length) return { isOpen: filters.isOpen, nothing: false };
  const set = new Set<string>(filters.statuses);
  const covers = (list: readonly string[]) => list.every((status) => set.has(status));
  const open = covers(OPEN_STATUSES);
  const closed = covers(CLOSED_STATUSES);
  if (set.size !== (open ? OPEN_STATUSES.length : 0) + (closed ? CLOSED_STATUSES.length : 0)) return undefined;
  const fromStatuses = open && closed ? undefined : open;
  if (fromStatuses === undefined) return { isOpen: filters.isOpen, nothing: false };
  return { isOpen: fromStatuses, nothing: filters.isOpen !== undefined && filters.isOpen !== fromStatuses };
}

/**
 * Public reports in a box grouped into map cells: at map zoom `zoom`, a cell is a quarter of a
 * 256-pixel tile (about 64 pixels), and a box counts the whole cells it touches. Answered from the
 * counters the database keeps per cell (`reports_map_cell` plus pending `reports_change`, one
 * snapshot, exact) whenever the filters allow it, so a district with 170,000 reports costs a few
 * thousand counter rows; a date range, a single status or a street-level zoom reads the reports.
 */
export async function findReportClusters(
  db: Executor,
  organisationId: number,
  bbox: BoundingBox,
  zoom: number,
  filters: ClusterFilters = {},
): Promise<ReportCluster[]> {
  const shift = clusterShift(zoom);
  if (shift >= FIRST_CELL_LEVEL && cellFilter(filters))
    return findReportClustersFromCells(db, organisationId, bbox, zoom, filters);
  return findReportClustersFromRows(db, organisationId, bbox, zoom, filters);
}

/** `findReportClusters` from the map counters (zoom 16 or wider, no date range nor single status). */
export async function findReportClustersFromCells(
  db: Executor,
  organisationId: number,
  bbox: BoundingBox,
  zoom: number,
  filters: ClusterFilters = {},
): Promise<ReportCluster[]> {
  const shift = clusterShift(zoom);
  const cells = cellFilter(filters);
  if (shift < FIRST_CELL_LEVEL || !cells)
    throw new Error('these clusters need the reports themselves (findReportClustersFromRows)');
  if (cells.nothing) return [];
  const { isOpen } = cells;
  const level = Math.min(shift, LAST_CELL_LEVEL);
  const up = shift - level; // from the level's cells to the map's cells
  const range = cellRange(bbox, shift);
  const lo = { x: range.minX << up, y: range.minY << up };
  const hi = { x: ((range.maxX + 1) << up) - 1, y: ((range.maxY + 1) << up) - 1 };
  const down = level - FIRST_CELL_LEVEL; // from the pending changes' cells to the level's
  const where = (prefix: string) => {
    const parts = [];
    if (filters.categoryIds?.length)
      parts.push(sql`and ${sql.raw(prefix)}category_id in (${sql.join(filters.categoryIds)})`);
    if (isOpen !== undefined) parts.push(sql`and ${sql.raw(prefix)}is_open = ${isOpen}`);
    if (filters.districtId !== undefined)
      parts.push(
        sql`and ${sql.raw(prefix)}${sql.raw(prefix === 'm.' ? 'district_key' : 'district_id')} = ${filters.districtId}`,
      );
    return sql.join(parts, sql` `);
  };
  const rows = await sql<{ cx: number; cy: number; n: string; open_n: string; lat: number; lng: number; id: string }>`
    select cx >> ${sql.lit(up)} as cx, cy >> ${sql.lit(up)} as cy, sum(n) as n, coalesce(sum(n) filter (where is_open), 0) as open_n,
      sum(sum_lat) / sum(n) as lat, sum(sum_lng) / sum(n) as lng, sum(sum_id) as id
    from (
      select m.cx, m.cy, m.is_open, m.n, m.sum_lat, m.sum_lng, m.sum_id
      from reports_map_cell m
      where m.organisation_id = ${organisationId} and m.level = ${level}
        and m.cy between ${lo.y} and ${hi.y} and m.cx between ${lo.x} and ${hi.x} ${where('m.')}
      union all
      select c.cx >> ${sql.lit(down)}, c.cy >> ${sql.lit(down)}, c.is_open, c.n, c.n * c.lat, c.n * c.lng, c.n * c.report_id
      from reports_change c
      where c.organisation_id = ${organisationId}
        and c.cy >> ${sql.lit(down)} between ${lo.y} and ${hi.y} and c.cx >> ${sql.lit(down)} between ${lo.x} and ${hi.x} ${where('c.')}
    ) as cells
    group by 1, 2
    having sum(n) > 0
    limit 5000`.execute(db);
  return rows.rows.map((row) => toCluster(row, shift));
}

/** `findReportClusters` from the reports themselves, through the tile index: any filter, any zoom. */
export async function findReportClustersFromRows(
  db: Executor,
  organisationId: number,
  bbox: BoundingBox,
  zoom: number,
  filters: ClusterFilters = {},
): Promise<ReportCluster[]> {
  const shift = clusterShift(zoom);
  const range = cellRange(bbox, shift);
  let query = db
    .selectFrom('reports_report as r')
    .select([
      sql<number>`r.tile_x >> ${sql.lit(shift)}`.as('cx'),
      sql<number>`r.tile_y >> ${sql.lit(shift)}`.as('cy'),
      sql<string>`count(*)`.as('n'),
      sql<string>`count(*) filter (where r.is_open)`.as('open_n'),
      sql<number>`avg(r.lat)`.as('lat'),
      sql<number>`avg(r.lng)`.as('lng'),
      sql<string>`min(r.id)`.as('id'),
    ])
    .where('r.organisation_id', '=', organisationId)
    .where('r.hidden_at', 'is', null)
    .where('r.tile_y', '>=', range.minY << shift)
    .where('r.tile_y', '<=', ((range.maxY + 1) << shift) - 1)
    .where('r.tile_x', '>=', range.minX << shift)
    .where('r.tile_x', '<=', ((range.maxX + 1) << shift) - 1);
  if (filters.categoryIds?.length) query = query.where('r.category_id', 'in', filters.categoryIds);
  if (filters.statuses?.length) query = query.where('r.status', 'in', filters.statuses);
  if (filters.isOpen !== undefined) query = query.where('r.is_open', '=', filters.isOpen);
  if (filters.districtId !== undefined) query = query.where('r.district_id', '=', filters.districtId);
  if (filters.createdFrom) query = query.where('r.created_at', '>=', filters.createdFrom);
  if (filters.createdTo) query = query.where('r.created_at', '<=', filters.createdTo);
  const rows = await query.groupBy(['cx', 'cy']).limit(5000).execute();
  return rows.map((row) => toCluster(row, shift));
}

/**
 * Moves the pending changes of reports into the map and statistics counters (one statement, one fold
 * at a time). Readers are exact without it; it keeps what they add up small. Returns how many changes
 * were folded.
 */
export async function foldReportChanges(db: Executor): Promise<number> {
  const result = await sql<{ folded: number }>`select reports_fold_changes() as folded`.execute(db);
  return result.rows[0]?.folded ?? 0;
}

export interface NearbyReport {
  id: number;
  description: string;
  status: ReportStatus;
  address: string | null;
  createdAt: Date;
  distanceMeters: number;
}

/** Metres between two points (haversine; plenty precise at city scale). */
export function distanceMeters(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 6_371_000 * 2 * Math.asin(Math.sqrt(a));
}

/**
 * Open public reports of a category within `meters` of a point, nearest first: the possible duplicates
 * a resident sees before sending. A bounding box on the tile index narrows, the exact distance decides.
 */
export async function findOpenReportsNearby(
  db: Executor,
  organisationId: number,
  categoryId: number,
  lat: number,
  lng: number,
  meters: number,
  limit = 10,
): Promise<NearbyReport[]> {
  const dLat = meters / 111_320;
  const dLng = meters / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  const rows = await db
    .selectFrom('reports_report')
    .select(['id', 'description', 'status', 'address', 'created_at', 'lat', 'lng'])
    .where('organisation_id', '=', organisationId)
    .where('hidden_at', 'is', null)
    .where('is_open', '=', true)
    .where('category_id', '=', categoryId)
    .where('tile_y', '>=', tileY(lat + dLat))
    .where('tile_y', '<=', tileY(lat - dLat))
    .where('tile_x', '>=', tileX(lng - dLng))
    .where('tile_x', '<=', tileX(lng + dLng))
    .limit(500)
    .execute();
  return rows
    .map((row) => ({
      id: idOf(row.id),
      description: row.description,
      status: row.status,
      address: row.address,
      createdAt: row.created_at,
      distanceMeters: distanceMeters(lat, lng, row.lat, row.lng),
    }))
    .filter((row) => row.distanceMeters <= meters)
    .sort((a, b) => a.distanceMeters - b.distanceMeters)
    .slice(0, limit);
}

export interface HistoryLine {
  id: number;
  kind: string;
  statusFrom: string | null;
  statusTo: string | null;
  publicText: string | null;
  authorName: string | null;
  byStaff: boolean;
  createdAt: Date;
}

/** A report's public history, oldest first: never internal notes, re-routing reasons or hidden lines. */
export async function findPublicHistory(
  db: Executor,
  organisationId: number,
  reportId: number,
): Promise<HistoryLine[]> {
  const rows = await db
    .selectFrom('reports_update as u')
    .leftJoin('core_user as a', 'a.id', 'u.author_id')
    .select([
      'u.id',
      'u.kind',
      'u.status_from',
      'u.status_to',
      'u.public_text',
      'u.author_label',
      'a.display_name',
      'a.deleted_at',
      'a.role',
      'u.created_at',
    ])
    .where('u.organisation_id', '=', organisationId)
    .where('u.report_id', '=', reportId)
    .where('u.hidden_at', 'is', null)
    .where('u.kind', 'in', ['created', 'status', 'answer', 'comment', 'reopen', 'merge'])
    .orderBy('u.created_at')
    .orderBy('u.id')
    .limit(500)
    .execute();
  return rows.map((row) => ({
    id: idOf(row.id),
    kind: row.kind,
    statusFrom: row.status_from,
    statusTo: row.status_to,
    publicText: row.public_text,
    authorName: row.deleted_at ? null : (row.author_label ?? row.display_name ?? null),
    byStaff: row.role !== null && row.role !== 'resident',
    createdAt: row.created_at,
  }));
}

/** The id of the latest update a person wrote on a report (to attach the photos sent with it). */
export async function findLatestUpdateIdBy(
  db: Executor,
  reportId: number,
  authorId: number,
): Promise<number | undefined> {
  const line = await db
    .selectFrom('reports_update')
    .select('id')
    .where('report_id', '=', reportId)
    .where('author_id', '=', authorId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return line ? idOf(line.id) : undefined;
}

/** How many questions each category of the city asks. */
export async function countQuestionsByCategory(db: Executor, organisationId: number) {
  return db
    .selectFrom('reports_question')
    .select(['category_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organisation_id', '=', organisationId)
    .groupBy('category_id')
    .execute();
}

/** The ids of the city's categories that ask questions. */
export async function findCategoryIdsWithQuestions(db: Executor, organisationId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('reports_question')
    .select('category_id')
    .where('organisation_id', '=', organisationId)
    .groupBy('category_id')
    .execute();
  return new Set(rows.map((row) => row.category_id));
}

/** A category's place in the list. */
export async function findCategorySort(db: Executor, categoryId: number): Promise<number> {
  const row = await db
    .selectFrom('reports_category')
    .select('sort')
    .where('id', '=', categoryId)
    .executeTakeFirstOrThrow();
  return row.sort;
}

/** The fields of a report that a staff or resident action checks, read while the row is locked. */
export interface LockedReport {
  id: number;
  organisation_id: number;
  status: ReportStatus;
  department_id: number | null;
  category_id: number;
}

/** A city's report, locked (`for update`) until the transaction ends; undefined when there is none. */
export async function lockReport(tx: Tx, organisationId: number, reportId: number): Promise<LockedReport | undefined> {
  return tx
    .selectFrom('reports_report')
    .select(['id', 'organisation_id', 'status', 'department_id', 'category_id'])
    .where('id', '=', reportId)
    .where('organisation_id', '=', organisationId)
    .forUpdate()
    .executeTakeFirst();
}

/** Stores a report's new status; `closing` sets `closed_at` once (kept when already closed), else clears it. */
export async function updateReportStatus(
  tx: Tx,
  reportId: number,
  status: ReportStatus,
  closing: boolean,
): Promise<void> {
  await tx
    .updateTable('reports_report')
    .set({
      status,
      updated_at: new Date(),
      closed_at: closing ? sql`coalesce(closed_at, now())` : null,
    })
    .where('id', '=', reportId)
    .execute();
}

/** Adds a line to a report's history. */
export async function insertReportUpdate(tx: Tx, values: Insertable<Database['reports_update']>): Promise<void> {
  await tx.insertInto('reports_update').values(values).execute();
}

/** Whether the city has this department and it is not archived. */
export async function activeDepartmentExists(tx: Tx, organisationId: number, departmentId: number): Promise<boolean> {
  const department = await tx
    .selectFrom('core_department')
    .select('id')
    .where('id', '=', departmentId)
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  return department !== undefined;
}

/** Whether the city has this report category. */
export async function categoryExists(tx: Tx, organisationId: number, categoryId: number): Promise<boolean> {
  const category = await tx
    .selectFrom('reports_category')
    .select('id')
    .where('id', '=', categoryId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return category !== undefined;
}

/** Stores a report's department and category (re-routing). */
export async function updateReportRouting(
  tx: Tx,
  reportId: number,
  departmentId: number | null,
  categoryId: number,
): Promise<void> {
  await tx
    .updateTable('reports_report')
    .set({ department_id: departmentId, category_id: categoryId, updated_at: new Date() })
    .where('id', '=', reportId)
    .execute();
}

/** Closes a report as a duplicate of another (`closed_at` kept when already closed). */
export async function markReportDuplicate(tx: Tx, duplicateId: number, keepId: number): Promise<void> {
  await tx
    .updateTable('reports_report')
    .set({
      status: 'duplicate',
      duplicate_of_id: keepId,
      updated_at: new Date(),
      closed_at: sql`coalesce(closed_at, now())`,
    })
    .where('id', '=', duplicateId)
    .execute();
}

/** Marks a report as changed now. */
export async function touchReport(tx: Tx, reportId: number): Promise<void> {
  await tx.updateTable('reports_report').set({ updated_at: new Date() }).where('id', '=', reportId).execute();
}

/** Reopens a closed report (status `confirmed`, no `closed_at`) and marks it as changed now. */
export async function reopenReport(tx: Tx, reportId: number): Promise<void> {
  await tx
    .updateTable('reports_report')
    .set({ updated_at: new Date(), status: 'confirmed', closed_at: null })
    .where('id', '=', reportId)
    .execute();
}

/**
 * Moves the followers of one report to another, except those who already follow that one (one
 * subscription per person); answers how many moved.
 */
export async function moveReportFollowers(tx: Tx, fromReportId: number, toReportId: number): Promise<number> {
  const moved = await sql<{ id: number }>`
      update reports_subscription s set report_id = ${toReportId}
      where s.kind = 'report' and s.report_id = ${fromReportId}
        and not exists (select 1 from reports_subscription k where k.kind = 'report' and k.report_id = ${toReportId}
          and coalesce(k.user_id, 0) = coalesce(s.user_id, 0) and coalesce(k.email, '') = coalesce(s.email, ''))
      returning s.id`.execute(tx);
  return moved.rows.length;
}

/** Removes the follow subscriptions of a report. */
export async function deleteReportFollowers(tx: Tx, reportId: number): Promise<void> {
  await tx.deleteFrom('reports_subscription').where('kind', '=', 'report').where('report_id', '=', reportId).execute();
}

/** Moves a report's photos to another report (detached from their history line); answers how many. */
export async function moveReportPhotos(tx: Tx, fromReportId: number, toReportId: number): Promise<number> {
  const photos = await tx
    .updateTable('reports_photo')
    .set({ report_id: toReportId, update_id: null })
    .where('report_id', '=', fromReportId)
    .executeTakeFirst();
  return Number(photos.numUpdatedRows);
}

/** Hides a report from the public with its reason, or shows it again (no reason then). */
export async function updateReportHidden(
  tx: Tx,
  reportId: number,
  hidden: boolean,
  hiddenReason: string | null,
): Promise<void> {
  await tx
    .updateTable('reports_report')
    .set({ hidden_at: hidden ? new Date() : null, hidden_reason: hiddenReason })
    .where('id', '=', reportId)
    .execute();
}
