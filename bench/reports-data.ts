/**
 * Data and SQL for the reports bench: a bulk loader that fills `reports_report` with generated reports
 * in one `insert … select generate_series` per batch (the table's triggers queue one change per report;
 * `foldLoadedChanges` moves them into the counters), the former per-request statistics queries for
 * comparison, and a way to EXPLAIN ANALYZE the exact SQL a product function sends.
 */
import {
  CompiledQuery,
  sql,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { Db } from '../src/platform/db/database.ts';
import { foldReportChanges } from '../src/modules/reports/statistics.repository.ts';
import { tileX, tileY } from '../src/modules/reports/tiles.ts';
import { progress, timeOnce } from './lib.ts';

export interface DistrictBox {
  id: number;
  code: string;
  minLat: number;
  minLng: number;
  maxLat: number;
  maxLng: number;
}

/** The city's districts (not neighbourhoods) with their bounding boxes, from `places_district`. */
export async function findDistrictBoxes(db: Db, organisationId: number): Promise<DistrictBox[]> {
  const rows = await db
    .selectFrom('places_district')
    .select(['id', 'code', 'min_lat', 'min_lng', 'max_lat', 'max_lng'])
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'district')
    .orderBy('code')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    code: row.code,
    minLat: row.min_lat,
    minLng: row.min_lng,
    maxLat: row.max_lat,
    maxLng: row.max_lng,
  }));
}

/**
 * Adds `count` reports to the city, in batches of 100,000, each batch one INSERT … SELECT over
 * generate_series. Reports are spread evenly over the districts (uniformly inside each district's
 * bounding box), over the categories at random, and over the last five years; a report older than 90
 * days is closed in 95 % of cases (as in a city that answers), a recent one in about half. Closed
 * reports get `closed_at` between 0 and 3 × their category's expected time. Tile numbers are computed
 * in SQL with the formulas of tiles.ts; `checkTiles` compares a sample with tiles.ts afterwards.
 */
export async function loadReports(db: Db, organisationId: number, count: number): Promise<{ seconds: number }> {
  const categories = await db
    .selectFrom('reports_category')
    .select(['id', 'default_department_id', 'expected_hours'])
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute();
  const districts = await findDistrictBoxes(db, organisationId);
  if (categories.length === 0 || districts.length === 0)
    throw new Error('the demo city has no categories or districts');
  const categoryValues = sql.join(
    categories.map(
      (c, index) =>
        sql`(${sql.lit(index)}, ${sql.lit(c.id)}, ${sql.lit(c.default_department_id ?? 0)}, ${sql.lit(c.expected_hours)})`,
    ),
  );
  const districtValues = sql.join(
    districts.map(
      (d, index) =>
        sql`(${sql.lit(index)}, ${sql.lit(d.id)}, ${sql.lit(d.minLat)}, ${sql.lit(d.minLng)}, ${sql.lit(d.maxLat)}, ${sql.lit(d.maxLng)})`,
    ),
  );
  const batch = 100_000;
  const { ms } = await timeOnce(async () => {
    for (let first = 1; first <= count; first += batch) {
      const last = Math.min(count, first + batch - 1);
      await sql`
        with g as (
          select i, random() as r_lat, random() as r_lng, random() as r_status, random() as r_age, random() as r_fix, random() as r_category
          from generate_series(${sql.lit(first)}::bigint, ${sql.lit(last)}::bigint) as i
        ), p as (
          select g.i, c.id as category_id, nullif(c.department_id, 0) as department_id, c.hours, d.id as district_id,
            d.min_lat + g.r_lat * (d.max_lat - d.min_lat) as lat,
            d.min_lng + g.r_lng * (d.max_lng - d.min_lng) as lng,
            now() - g.r_age * interval '1826 days' as created_at,
            case
              when g.r_age * 1826 > 90 and g.r_status < 0.95 then (array['fixed', 'fixed', 'fixed', 'fixed', 'fixed', 'fixed', 'not_responsible', 'duplicate', 'cannot_fix'])[1 + floor(g.r_status / 0.95 * 9)::int]
              when g.r_age * 1826 > 90 then (array['confirmed', 'in_progress', 'planned'])[1 + floor((g.r_status - 0.95) / 0.05 * 3)::int]
              else (array['new', 'new', 'confirmed', 'in_progress', 'planned', 'fixed', 'fixed', 'fixed', 'not_responsible', 'cannot_fix'])[1 + floor(g.r_status * 10)::int]
            end as status,
            g.r_fix
          from g
          join (values ${categoryValues}) as c (idx, id, department_id, hours) on c.idx = least(floor(g.r_category * ${sql.lit(categories.length)})::int, ${sql.lit(categories.length - 1)})
          join (values ${districtValues}) as d (idx, id, min_lat, min_lng, max_lat, max_lng) on d.idx = g.i % ${sql.lit(districts.length)}
        )
        , q as (
          select p.*, case when p.status in ('new', 'confirmed', 'in_progress', 'planned') then null else p.created_at + p.r_fix * 3 * p.hours * interval '1 hour' end as closed_at
          from p
        )
        insert into reports_report (organisation_id, category_id, department_id, district_id, status, description, lat, lng, tile_x, tile_y, source, deadline_at, created_at, updated_at, closed_at)
        select ${sql.lit(organisationId)}, q.category_id, q.department_id, q.district_id, q.status, 'Generated report ' || q.i, q.lat, q.lng,
          least(1048575, greatest(0, floor((q.lng + 180) / 360 * 1048576)))::int,
          least(1048575, greatest(0, floor((1 - ln(tan(radians(q.lat)) + 1 / cos(radians(q.lat))) / pi()) / 2 * 1048576)))::int,
          case when q.i % 7 = 0 then 'open311' else 'web' end,
          q.created_at + q.hours * interval '1 hour',
          q.created_at, coalesce(q.closed_at, q.created_at), q.closed_at
        from q`.execute(db);
      progress(`  loaded ${last.toLocaleString('en-GB')} of ${count.toLocaleString('en-GB')} reports`);
    }
  });
  return { seconds: ms / 1000 };
}

/**
 * Folds the changes the load queued (one row per report, written by the table's triggers) into the
 * map and statistics counters, as the product's recurring job would within seconds; returns seconds.
 */
export async function foldLoadedChanges(db: Db): Promise<{ seconds: number; folded: number }> {
  const { ms, result } = await timeOnce(() => foldReportChanges(db));
  return { seconds: ms / 1000, folded: result };
}

/** Vacuums and analyses the reports table and the counters, as autovacuum would soon after a load this size. */
export async function settle(db: Db): Promise<void> {
  for (const table of [
    'reports_report',
    'reports_change',
    'reports_map_cell',
    'reports_status_count',
    'reports_resolution_hour',
  ])
    await sql`vacuum analyze ${sql.table(table)}`.execute(db);
}

/** How many of `sample` loaded reports have tile numbers that differ from what tiles.ts computes. */
export async function checkTiles(db: Db, sample = 2000): Promise<{ checked: number; mismatched: number }> {
  const rows = await db
    .selectFrom('reports_report')
    .select(['lat', 'lng', 'tile_x', 'tile_y'])
    .orderBy('id', 'desc')
    .limit(sample)
    .execute();
  const mismatched = rows.filter((row) => row.tile_x !== tileX(row.lng) || row.tile_y !== tileY(row.lat)).length;
  return { checked: rows.length, mismatched };
}

/**
 * Public statistics the way they were computed before the product kept counters (one grouping-sets
 * scan of every report plus percentile_cont over every fixed report), for comparison with the
 * product's `findPublicStatistics` (src/modules/reports/statistics.ts), which the goal is measured on.
 */
export async function scanPublicStatistics(db: Db, organisationId: number) {
  // grouping(…) tells the three groupings apart (a null district is a real group: outside all districts)
  const groups = await sql<{
    status: string | null;
    category_id: number | null;
    district_id: number | null;
    grouped: number;
    n: number;
  }>`
    select status, category_id, district_id, grouping(status, category_id, district_id) as grouped, count(*) as n
    from reports_report
    where organisation_id = ${organisationId} and hidden_at is null
    group by grouping sets ((status), (category_id), (district_id))`.execute(db);
  const median = await sql<{ hours: number | null }>`
    select percentile_cont(0.5) within group (order by extract(epoch from closed_at - created_at)) / 3600 as hours
    from reports_report
    where organisation_id = ${organisationId} and hidden_at is null and status = 'fixed' and closed_at is not null`.execute(
    db,
  );
  const count = (key: 'status' | 'category_id' | 'district_id', grouped: number) =>
    groups.rows.filter((row) => row.grouped === grouped).map((row) => ({ key: row[key], count: row.n }));
  return {
    byStatus: count('status', 0b011),
    byCategory: count('category_id', 0b101),
    byDistrict: count('district_id', 0b110),
    medianHoursToFix: median.rows[0]?.hours ?? null,
  };
}

/** Records the queries a product function sends, so they can be EXPLAINed exactly as sent. */
class CapturePlugin implements KyselyPlugin {
  readonly nodes: Array<{ node: RootOperationNode; args: PluginTransformQueryArgs }> = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.nodes.push({ node: args.node, args });
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** Runs `work` against a recording handle, then EXPLAIN (ANALYZE, BUFFERS) of the last query it sent. */
export async function explainLast(db: Db, work: (recording: Db) => Promise<unknown>): Promise<string> {
  const capture = new CapturePlugin();
  await work(db.withPlugin(capture));
  const last = capture.nodes.at(-1);
  if (!last) return '(no query was sent)';
  const compiled = db.getExecutor().compileQuery(last.node, last.args.queryId);
  const result = await db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`explain (analyze, buffers) ${compiled.sql}`, [...compiled.parameters]),
  );
  return `${compiled.sql}\n${result.rows.map((row) => row['QUERY PLAN']).join('\n')}`;
}

/** EXPLAIN (ANALYZE, BUFFERS) of a statement written here. */
export async function explainSql(db: Db, statement: string, parameters: unknown[] = []): Promise<string> {
  const result = await db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`explain (analyze, buffers) ${statement}`, parameters),
  );
  return result.rows.map((row) => row['QUERY PLAN']).join('\n');
}
