import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { CLOSED_STATUSES, OPEN_STATUSES, type ReportStatus } from './reports.schema.ts';

export interface PublicStatistics {
  /** Public (not hidden) reports. */
  total: number;
  byStatus: Array<{ status: ReportStatus; count: number }>;
  byCategory: Array<{ categoryId: number; count: number }>;
  /** `districtId` null: reports outside every district. */
  byDistrict: Array<{ districtId: number | null; count: number }>;
  /** Public reports with status `fixed` and a closing time: what the median is taken over. */
  fixedCount: number;
  /** Median time from report to fix, in hours (the mean of the two middle values for an even count). */
  medianHoursToFix: number | null;
}

const ALL_STATUSES: readonly ReportStatus[] = [...OPEN_STATUSES, ...CLOSED_STATUSES];

/**
 * A city's public statistics: reports per status, category and district, and the exact median time
 * from report to fix. Read from the counters the database keeps (`reports_status_count`,
 * `reports_resolution_hour`, plus the changes not folded yet) in one repeatable-read snapshot; the
 * median walks the per-hour histogram to the hour that holds it, then reads at most that hour's
 * durations from the `reports_report_resolution` index. Cost: a few hundred counter rows and one short
 * index scan, whatever the number of reports.
 */
export async function findPublicStatistics(db: Executor, organisationId: number): Promise<PublicStatistics> {
  if (db.isTransaction) return readStatistics(db, organisationId);
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((tx) => readStatistics(tx, organisationId));
}

async function readStatistics(tx: Executor, organisationId: number): Promise<PublicStatistics> {
  const counts = await sql<{ category_id: number; district_key: number; status: ReportStatus; n: string }>`
    select category_id, district_key, status, sum(n) as n
    from (
      select category_id, district_key, status, n from reports_status_count where organisation_id = ${organisationId}
      union all
      select category_id, coalesce(district_id, 0), status, n from reports_change where organisation_id = ${organisationId}
    ) as counts
    group by 1, 2, 3
    having sum(n) <> 0`.execute(tx);
  const byStatus = new Map<ReportStatus, number>();
  const byCategory = new Map<number, number>();
  const byDistrict = new Map<number, number>();
  let total = 0;
  for (const row of counts.rows) {
    const n = Number(row.n);
    total += n;
    byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + n);
    byCategory.set(row.category_id, (byCategory.get(row.category_id) ?? 0) + n);
    byDistrict.set(row.district_key, (byDistrict.get(row.district_key) ?? 0) + n);
  }

  const hours = await sql<{ hour: number; n: string }>`
    select hour, sum(n) as n
    from (
      select hour, n from reports_resolution_hour where organisation_id = ${organisationId}
      union all
      select resolution_hour, n from reports_change where organisation_id = ${organisationId} and resolution_hour is not null
    ) as hours
    group by 1
    having sum(n) <> 0
    order by 1`.execute(tx);
  const histogram = hours.rows.map((row) => ({ hour: row.hour, n: Number(row.n) }));
  const fixedCount = histogram.reduce((sum, bucket) => sum + bucket.n, 0);

  return {
    total,
    byStatus: ALL_STATUSES.filter((status) => byStatus.has(status)).map((status) => ({
      status,
      count: byStatus.get(status) ?? 0,
    })),
    byCategory: [...byCategory].sort((a, b) => a[0] - b[0]).map(([categoryId, count]) => ({ categoryId, count })),
    byDistrict: [...byDistrict]
      .sort((a, b) => a[0] - b[0])
      .map(([key, count]) => ({ districtId: key === 0 ? null : key, count })),
    fixedCount,
    medianHoursToFix: await medianHours(tx, organisationId, histogram, fixedCount),
  };
}

/** The median duration (as percentile_cont(0.5)) from the histogram and the index, in hours. */
async function medianHours(
  tx: Executor,
  organisationId: number,
  histogram: Array<{ hour: number; n: number }>,
  count: number,
): Promise<number | null> {
  if (count === 0) return null;
  const low = Math.floor((count - 1) / 2); // 0-based ranks of the middle value(s)
  const high = Math.ceil((count - 1) / 2);
  let before = 0;
  for (const bucket of histogram) {
    if (low < before + bucket.n) {
      // the index holds this hour's durations in order; the value after the lower middle one is the
      // upper middle one, also when it lies in a later hour
      const values = await sql<{ seconds: string }>`
        select extract(epoch from closed_at - created_at) as seconds
        from reports_report
        where organisation_id = ${organisationId} and status = 'fixed' and hidden_at is null and closed_at is not null
          and extract(epoch from closed_at - created_at) >= ${bucket.hour * 3600}
        order by extract(epoch from closed_at - created_at)
        offset ${low - before} limit ${high - low + 1}`.execute(tx);
      const seconds = values.rows.map((row) => Number(row.seconds));
      if (seconds.length !== high - low + 1) throw new Error('the resolution histogram and the reports disagree');
      return seconds.reduce((sum, value) => sum + value, 0) / seconds.length / 3600;
    }
    before += bucket.n;
  }
  throw new Error('the resolution histogram does not add up');
}

/** Gives the emptied pages of the change table back (PGlite runs no autovacuum). */
export async function vacuumReportChanges(db: Executor): Promise<void> {
  await sql`vacuum reports_change`.execute(db);
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
