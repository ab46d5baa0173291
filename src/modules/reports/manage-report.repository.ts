// The writes of the actions on one report (manage-report.use-cases.ts): status, re-routing, merging,
// moderation, residents' updates; each runs in the caller's transaction on a locked row.

import { sql, type Insertable } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { ReportStatus } from './reports.schema.ts';

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
