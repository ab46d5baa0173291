// What the insights module reads of reports, through index.ts: the days whose reports changed, and the
// daily facts of those days (reports counted on the day they were made, in the city's time zone).

import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

export interface ReportDayFact {
  day: string;
  departmentId: number;
  districtId: number;
  channel: string;
  items: number;
  fixed: number;
  fixedHours: number;
  closedWithDeadline: number;
  closedByDeadline: number;
}

/** The days (YYYY-MM-DD in `timeZone`) on which reports changed since `since` were made; every day when null. */
export async function reportDaysChangedSince(
  db: Executor,
  organisationId: number,
  since: Date | null,
  timeZone: string,
): Promise<string[]> {
  const result = await sql<{ day: string }>`
    select distinct to_char((created_at at time zone ${timeZone})::date, 'YYYY-MM-DD') as day
    from reports_report
    where organisation_id = ${organisationId} ${since ? sql`and updated_at > ${since}` : sql``}`.execute(db);
  return result.rows.map((row) => row.day).sort();
}

/**
 * Facts of the reports made on `days`, per department, district and source (web, app, Open311…), hidden
 * reports left out: how many, how many fixed and their hours from report to fix, how many closed with a
 * deadline and how many of those by their deadline.
 */
export async function reportDayFacts(
  db: Executor,
  organisationId: number,
  days: readonly string[],
  timeZone: string,
): Promise<ReportDayFact[]> {
  if (days.length === 0) return [];
  const first = days[0] as string;
  const last = days.at(-1) as string;
  const result = await sql<{
    day: string;
    department_id: number;
    district_id: number;
    channel: string;
    items: string;
    fixed: string;
    fixed_hours: number | null;
    with_deadline: string;
    by_deadline: string;
  }>`
    select to_char((created_at at time zone ${timeZone})::date, 'YYYY-MM-DD') as day,
      coalesce(department_id, 0) as department_id, coalesce(district_id, 0) as district_id, source as channel,
      count(*) as items,
      count(*) filter (where status = 'fixed' and closed_at is not null) as fixed,
      sum(extract(epoch from closed_at - created_at) / 3600) filter (where status = 'fixed' and closed_at is not null)::float8 as fixed_hours,
      count(*) filter (where closed_at is not null and deadline_at is not null) as with_deadline,
      count(*) filter (where closed_at is not null and closed_at <= deadline_at) as by_deadline
    from reports_report
    where organisation_id = ${organisationId} and hidden_at is null
      and created_at >= (${first}::date::timestamp at time zone ${timeZone})
      and created_at < ((${last}::date + 1)::timestamp at time zone ${timeZone})
      and to_char((created_at at time zone ${timeZone})::date, 'YYYY-MM-DD') = any(${[...days]}::text[])
    group by 1, 2, 3, 4`.execute(db);
  return result.rows.map((row) => ({
    day: row.day,
    departmentId: row.department_id,
    districtId: row.district_id,
    channel: row.channel,
    items: Number(row.items),
    fixed: Number(row.fixed),
    fixedHours: row.fixed_hours ?? 0,
    closedWithDeadline: Number(row.with_deadline),
    closedByDeadline: Number(row.by_deadline),
  }));
}

/**
 * Open reports past their deadline now, in the given departments, or in the whole city when null. Both read
 * the `reports_report_queue` index (department, deadline) of open reports: the whole city as its departments
 * plus the reports with none, since a count by city alone scans every report.
 */
export async function countOverdueReports(
  db: Executor,
  organisationId: number,
  departmentIds: readonly number[] | null,
): Promise<number> {
  const now = new Date();
  const count = async (departments: readonly number[] | null) => {
    const row = await db
      .selectFrom('reports_report')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('organisation_id', '=', organisationId)
      .where('is_open', '=', true)
      .where('hidden_at', 'is', null)
      .where('deadline_at', '<', now)
      .where((eb) =>
        departments === null ? eb('department_id', 'is', null) : eb('department_id', 'in', [...departments, 0]),
      )
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  };
  if (departmentIds !== null) return count(departmentIds);
  const all = await db
    .selectFrom('core_department')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .execute();
  const [some, none] = await Promise.all([count(all.map((d) => d.id)), count(null)]);
  return some + none;
}
