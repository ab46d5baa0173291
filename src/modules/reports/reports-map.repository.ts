// The map: reports grouped into cells, from the counters the database keeps or from the reports.

import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { idOf } from './column-values.ts';
import { CLOSED_STATUSES, OPEN_STATUSES, type ReportStatus } from './reports.schema.ts';
import { TILE_ZOOM, tileToLat, tileToLng, tileX, tileY, type BoundingBox } from './tiles.ts';

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
