import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

export type RollupSource = 'reports' | 'inbox';

export interface DailyRow {
  day: string;
  departmentId: number;
  districtId: number;
  channel: string;
  language: string;
  items: number;
  done: number;
  doneHours: number;
  responded: number;
  responseHours: number;
  withGoal: number;
  inGoal: number;
  answers: number;
  sameChannel: number;
}

export async function findRollupState(
  db: Executor,
  organisationId: number,
  source: RollupSource,
): Promise<{ watermark: Date; goalHours: number | null; rolledAt: Date } | undefined> {
  const row = await db
    .selectFrom('insights_rollup_state')
    .select(['watermark', 'goal_hours', 'rolled_at'])
    .where('organisation_id', '=', organisationId)
    .where('source', '=', source)
    .executeTakeFirst();
  return row && { watermark: row.watermark, goalHours: row.goal_hours, rolledAt: row.rolled_at };
}

/** The database's clock: watermarks compare with times the database wrote. */
export async function databaseNow(db: Executor): Promise<Date> {
  const result = await sql<{ now: Date }>`select now() as now`.execute(db);
  return new Date(result.rows[0]?.now ?? Date.now());
}

/** Replaces the rows of `days` by `rows` and moves the watermark, in the caller's transaction. */
export async function replaceDays(
  tx: Executor,
  organisationId: number,
  source: RollupSource,
  days: readonly string[],
  rows: readonly DailyRow[],
  state: { watermark: Date; goalHours: number | null },
): Promise<void> {
  if (days.length > 0)
    await sql`delete from insights_daily
      where organisation_id = ${organisationId} and source = ${source} and day = any(${[...days]}::date[])`.execute(tx);
  for (let start = 0; start < rows.length; start += 2000) {
    await tx
      .insertInto('insights_daily')
      .values(
        rows.slice(start, start + 2000).map((row) => ({
          organisation_id: organisationId,
          source,
          day: row.day,
          department_id: row.departmentId,
          district_id: row.districtId,
          channel: row.channel,
          language: row.language,
          items: row.items,
          done: row.done,
          done_hours: row.doneHours,
          responded: row.responded,
          response_hours: row.responseHours,
          with_goal: row.withGoal,
          in_goal: row.inGoal,
          answers: row.answers,
          same_channel: row.sameChannel,
        })),
      )
      .execute();
  }
  await tx
    .insertInto('insights_rollup_state')
    .values({ organisation_id: organisationId, source, watermark: state.watermark, goal_hours: state.goalHours })
    .onConflict((oc) =>
      oc.columns(['organisation_id', 'source']).doUpdateSet({
        watermark: state.watermark,
        goal_hours: state.goalHours,
        rolled_at: new Date(),
      }),
    )
    .execute();
}

export interface RollupFilter {
  departmentIds: readonly number[] | null;
  districtId: number | null;
  channel: string | null;
}

export interface RollupTotals {
  items: number;
  done: number;
  doneHours: number;
  responded: number;
  responseHours: number;
  withGoal: number;
  inGoal: number;
  answers: number;
  sameChannel: number;
}

export type Dimension = 'department' | 'district' | 'channel' | 'language';

export interface RollupSums {
  current: RollupTotals;
  previous: RollupTotals;
  /** The current period per value of each dimension. */
  by: Record<Dimension, Array<{ key: string; totals: RollupTotals }>>;
  /** The period before, per language (the share of messages in offered languages compares both). */
  previousByLanguage: Array<{ key: string; totals: RollupTotals }>;
}

const EMPTY: RollupTotals = {
  items: 0,
  done: 0,
  doneHours: 0,
  responded: 0,
  responseHours: 0,
  withGoal: 0,
  inGoal: 0,
  answers: 0,
  sameChannel: 0,
};

/**
 * Sums of one source's rollups over [from, to) and the period before it ([previousFrom, from)), with the
 * current period broken down by department, district, channel and language — one statement with grouping
 * sets over the days of both periods (the primary key's range).
 */
export async function sumRollups(
  db: Executor,
  organisationId: number,
  source: RollupSource,
  period: { previousFrom: string; from: string; to: string },
  filter: RollupFilter,
): Promise<RollupSums> {
  const result = await sql<{
    current: boolean;
    department_id: number | null;
    district_id: number | null;
    channel: string | null;
    language: string | null;
    grouping: number | string;
    items: string;
    done: string;
    done_hours: number | string;
    responded: string;
    response_hours: number | string;
    with_goal: string;
    in_goal: string;
    answers: string;
    same_channel: string;
  }>`
    select current, department_id, district_id, channel, language,
      grouping(department_id, district_id, channel, language) as grouping,
      sum(items) as items, sum(done) as done, sum(done_hours)::float8 as done_hours, sum(responded) as responded,
      sum(response_hours)::float8 as response_hours, sum(with_goal) as with_goal, sum(in_goal) as in_goal,
      sum(answers) as answers, sum(same_channel) as same_channel
    from (
      select d.*, d.day >= ${period.from}::date as current
      from insights_daily d
      where organisation_id = ${organisationId} and source = ${source}
        and day >= ${period.previousFrom}::date and day < ${period.to}::date
        ${filter.departmentIds ? sql`and department_id = any(${[...filter.departmentIds]}::int[])` : sql``}
        ${filter.districtId !== null ? sql`and district_id = ${filter.districtId}` : sql``}
        ${filter.channel !== null ? sql`and channel = ${filter.channel}` : sql``}
    ) as rows
    group by grouping sets ((current), (current, department_id), (current, district_id), (current, channel), (current, language))`.execute(
    db,
  );
  const sums: RollupSums = {
    current: { ...EMPTY },
    previous: { ...EMPTY },
    by: { department: [], district: [], channel: [], language: [] },
    previousByLanguage: [],
  };
  for (const row of result.rows) {
    const totals: RollupTotals = {
      items: Number(row.items),
      done: Number(row.done),
      doneHours: Number(row.done_hours),
      responded: Number(row.responded),
      responseHours: Number(row.response_hours),
      withGoal: Number(row.with_goal),
      inGoal: Number(row.in_goal),
      answers: Number(row.answers),
      sameChannel: Number(row.same_channel),
    };
    // grouping(): a bit set for each column not grouped, the first column the highest (8, 4, 2, 1)
    const grouping = Number(row.grouping);
    if (grouping === 15) {
      if (row.current) sums.current = totals;
      else sums.previous = totals;
    } else if (!row.current) {
      if (grouping === 14) sums.previousByLanguage.push({ key: String(row.language), totals });
    } else {
      const dimension: Dimension =
        grouping === 7 ? 'department' : grouping === 11 ? 'district' : grouping === 13 ? 'channel' : 'language';
      const key =
        dimension === 'department'
          ? row.department_id
          : dimension === 'district'
            ? row.district_id
            : dimension === 'channel'
              ? row.channel
              : row.language;
      sums.by[dimension].push({ key: String(key), totals });
    }
  }
  for (const list of Object.values(sums.by)) list.sort((a, b) => b.totals.items - a.totals.items);
  return sums;
}

/** The rollup rows of one source and city (tests compare them with a full recount). */
export async function allRollupRows(db: Executor, organisationId: number, source: RollupSource) {
  return db
    .selectFrom('insights_daily')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('source', '=', source)
    .orderBy('day')
    .orderBy('department_id')
    .orderBy('district_id')
    .orderBy('channel')
    .orderBy('language')
    .execute();
}
