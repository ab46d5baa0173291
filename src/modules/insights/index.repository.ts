import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { CriterionSource, RubricLevel } from './insights.schema.ts';

export interface Criterion {
  id: number;
  key: string;
  labels: Translated;
  weight: number;
  source: CriterionSource;
  kpi: string | null;
  levels: RubricLevel[];
  floor: number;
  target: number;
  position: number;
}

export type CriterionInput = Omit<Criterion, 'id'>;

const parse = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

export async function findCriteria(db: Executor, organisationId: number): Promise<Criterion[]> {
  const rows = await db
    .selectFrom('insights_criterion')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    key: row.key,
    labels: parse(row.labels),
    weight: row.weight,
    source: row.source,
    kpi: row.kpi,
    levels: parse(row.levels),
    floor: row.floor,
    target: row.target,
    position: row.position,
  }));
}

export async function insertCriteria(db: Executor, organisationId: number, criteria: readonly CriterionInput[]) {
  if (criteria.length === 0) return;
  await db
    .insertInto('insights_criterion')
    .values(
      criteria.map((criterion) => ({
        organisation_id: organisationId,
        key: criterion.key,
        labels: JSON.stringify(criterion.labels),
        weight: criterion.weight,
        source: criterion.source,
        kpi: criterion.kpi,
        levels: JSON.stringify(criterion.levels),
        floor: criterion.floor,
        target: criterion.target,
        position: criterion.position,
      })),
    )
    .onConflict((oc) => oc.columns(['organisation_id', 'key']).doNothing())
    .execute();
}

export async function updateCriterion(db: Executor, organisationId: number, id: number, criterion: CriterionInput) {
  const result = await db
    .updateTable('insights_criterion')
    .set({
      labels: JSON.stringify(criterion.labels),
      weight: criterion.weight,
      source: criterion.source,
      kpi: criterion.kpi,
      levels: JSON.stringify(criterion.levels),
      floor: criterion.floor,
      target: criterion.target,
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteCriterion(db: Executor, organisationId: number, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('insights_criterion')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The values staff entered for a period, by criterion id. */
export async function findInputs(db: Executor, organisationId: number, period: string): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('insights_criterion_input')
    .select(['criterion_id', 'value'])
    .where('organisation_id', '=', organisationId)
    .where('period', '=', period)
    .execute();
  return new Map(rows.map((row) => [row.criterion_id, row.value]));
}

export async function saveInput(
  db: Executor,
  organisationId: number,
  criterionId: number,
  period: string,
  value: number | null,
  userId: number,
) {
  if (value === null) {
    await db
      .deleteFrom('insights_criterion_input')
      .where('criterion_id', '=', criterionId)
      .where('period', '=', period)
      .execute();
    return;
  }
  await db
    .insertInto('insights_criterion_input')
    .values({ organisation_id: organisationId, criterion_id: criterionId, period, value, entered_by: userId })
    .onConflict((oc) =>
      oc.columns(['criterion_id', 'period']).doUpdateSet({ value, entered_by: userId, entered_at: new Date() }),
    )
    .execute();
}

export interface SnapshotCriterion {
  key: string;
  labels: Translated;
  source: string;
  kpi: string | null;
  weight: number;
  share: number;
  value: number | null;
  floor: number;
  target: number;
  progress: number;
  points: number;
}

export interface Snapshot {
  id: number;
  template: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  score: number;
  takenAt: Date;
  criteria: SnapshotCriterion[];
}

/** Stores a snapshot, replacing one of the same period. */
export async function replaceSnapshot(
  tx: Executor,
  organisationId: number,
  snapshot: Omit<Snapshot, 'id' | 'takenAt'>,
  takenBy: number | null,
): Promise<number> {
  await tx
    .deleteFrom('insights_snapshot')
    .where('organisation_id', '=', organisationId)
    .where('period', '=', snapshot.period)
    .execute();
  const row = await tx
    .insertInto('insights_snapshot')
    .values({
      organisation_id: organisationId,
      template: snapshot.template,
      period: snapshot.period,
      period_start: snapshot.periodStart,
      period_end: snapshot.periodEnd,
      score: snapshot.score,
      taken_by: takenBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (snapshot.criteria.length > 0)
    await tx
      .insertInto('insights_snapshot_criterion')
      .values(
        snapshot.criteria.map((criterion) => ({
          organisation_id: organisationId,
          snapshot_id: row.id,
          key: criterion.key,
          labels: JSON.stringify(criterion.labels),
          source: criterion.source,
          kpi: criterion.kpi,
          weight: criterion.weight,
          share: criterion.share,
          value: criterion.value,
          floor: criterion.floor,
          target: criterion.target,
          progress: criterion.progress,
          points: criterion.points,
        })),
      )
      .execute();
  return row.id;
}

/** A city's snapshots, newest first, with their criteria. */
export async function findSnapshots(db: Executor, organisationId: number, limit = 24): Promise<Snapshot[]> {
  const snapshots = await db
    .selectFrom('insights_snapshot')
    .select(['id', 'template', 'period', 'score', 'taken_at'])
    .select([
      sql<string>`to_char(period_start, 'YYYY-MM-DD')`.as('period_start'),
      sql<string>`to_char(period_end, 'YYYY-MM-DD')`.as('period_end'),
    ])
    .where('organisation_id', '=', organisationId)
    .orderBy('period_start', 'desc')
    .limit(limit)
    .execute();
  if (snapshots.length === 0) return [];
  const criteria = await db
    .selectFrom('insights_snapshot_criterion')
    .selectAll()
    .where(
      'snapshot_id',
      'in',
      snapshots.map((snapshot) => snapshot.id),
    )
    .orderBy('id')
    .execute();
  return snapshots.map((snapshot) => ({
    id: snapshot.id,
    template: snapshot.template,
    period: snapshot.period,
    periodStart: snapshot.period_start,
    periodEnd: snapshot.period_end,
    score: snapshot.score,
    takenAt: snapshot.taken_at,
    criteria: criteria
      .filter((criterion) => criterion.snapshot_id === snapshot.id)
      .map((criterion) => ({
        key: criterion.key,
        labels: parse(criterion.labels),
        source: criterion.source,
        kpi: criterion.kpi,
        weight: criterion.weight,
        share: criterion.share,
        value: criterion.value,
        floor: criterion.floor,
        target: criterion.target,
        progress: criterion.progress,
        points: criterion.points,
      })),
  }));
}

export async function hasSnapshot(db: Executor, organisationId: number, period: string): Promise<boolean> {
  const row = await db
    .selectFrom('insights_snapshot')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('period', '=', period)
    .executeTakeFirst();
  return row !== undefined;
}

/** Keyset page of the published snapshots' criteria, for the open-data dataset. */
export async function pageSnapshotCriteria(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('insights_snapshot_criterion as c')
    .innerJoin('insights_snapshot as s', 's.id', 'c.snapshot_id')
    .innerJoin('insights_setting as st', 'st.organisation_id', 's.organisation_id')
    .select([
      'c.id',
      's.period',
      sql<string>`to_char(s.period_start, 'YYYY-MM-DD')`.as('period_start'),
      sql<string>`to_char(s.period_end, 'YYYY-MM-DD')`.as('period_end'),
      's.score',
      'c.key as criterion',
      'c.labels as label',
      'c.source as source_kind',
      'c.kpi as indicator',
      'c.weight',
      'c.value',
      'c.floor',
      'c.target',
      'c.points',
      's.taken_at',
    ])
    .where('c.organisation_id', '=', organisationId)
    .where('st.publish_index', '=', true)
    .where('c.id', '>', afterId)
    .orderBy('c.id')
    .limit(limit)
    .execute();
}

export async function snapshotsModified(db: Executor, organisationId: number): Promise<Date | null> {
  const row = await db
    .selectFrom('insights_snapshot as s')
    .innerJoin('insights_setting as st', 'st.organisation_id', 's.organisation_id')
    .select((eb) => eb.fn.max('s.taken_at').as('at'))
    .where('s.organisation_id', '=', organisationId)
    .where('st.publish_index', '=', true)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}
