import type { Executor } from '../../platform/db/database.ts';
import './meetings.schema.ts';
import type { Plan, PlanFeature } from './plan.ts';
import { json } from './processes.repository.ts';

/** The plan of a process, if it has one. */
export async function findPlan(db: Executor, organisationId: number, processId: number): Promise<Plan | undefined> {
  const row = await db
    .selectFrom('participation_plan')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('process_id', '=', processId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    processId: row.process_id,
    features: json(row.features) as PlanFeature[],
    bbox: { minLng: row.min_lng, minLat: row.min_lat, maxLng: row.max_lng, maxLat: row.max_lat },
    updatedAt: row.updated_at,
  };
}

/** Stores (or replaces) the plan of a process. */
export async function storePlan(
  db: Executor,
  organisationId: number,
  processId: number,
  features: PlanFeature[],
  bbox: Plan['bbox'],
  userId: number | null,
): Promise<void> {
  const values = {
    features: JSON.stringify(features),
    feature_count: features.length,
    min_lng: bbox.minLng,
    min_lat: bbox.minLat,
    max_lng: bbox.maxLng,
    max_lat: bbox.maxLat,
    uploaded_by: userId,
    updated_at: new Date(),
  };
  await db
    .insertInto('participation_plan')
    .values({ organisation_id: organisationId, process_id: processId, ...values })
    .onConflict((oc) => oc.column('process_id').doUpdateSet(values))
    .execute();
}

export async function deletePlanRow(db: Executor, organisationId: number, processId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('participation_plan')
    .where('organisation_id', '=', organisationId)
    .where('process_id', '=', processId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
