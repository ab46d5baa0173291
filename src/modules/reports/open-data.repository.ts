// The public part of reports, categories and departments for the open-data module: keyset pages by id,
// only what the public pages show (never the author, their e-mail, the token, internal notes).

import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** Visible reports after `afterId`, oldest id first. */
export async function pagePublicReports(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('reports_report as r')
    .innerJoin('reports_category as c', 'c.id', 'r.category_id')
    .select([
      'r.id',
      'r.category_id',
      'c.code as category_code',
      'r.department_id',
      'r.district_id',
      'r.status',
      'r.is_open',
      'r.description',
      'r.address',
      'r.lat',
      'r.lng',
      'r.duplicate_of_id',
      'r.created_at',
      'r.updated_at',
      'r.closed_at',
    ])
    .where('r.organisation_id', '=', organisationId)
    .where('r.hidden_at', 'is', null)
    .where('r.id', '>', afterId)
    .orderBy('r.id')
    .limit(limit)
    .execute();
}

/** The report categories residents choose from, with their department in charge. */
export async function pagePublicCategories(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('reports_category')
    .select(['id', 'code', 'group_name', 'name', 'description', 'default_department_id', 'expected_hours', 'active'])
    .where('organisation_id', '=', organisationId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The city's departments (their names only: no addresses of mailboxes). */
export async function pagePublicDepartments(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('core_department')
    .select(['id', 'slug', 'name', 'archived_at'])
    .where('organisation_id', '=', organisationId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** When the city's reports, categories or departments last changed. */
export async function reportsDataModified(
  db: Executor,
  organisationId: number,
  table: 'reports' | 'categories' | 'departments',
): Promise<Date | null> {
  const row =
    table === 'reports'
      ? await db
          .selectFrom('reports_report')
          .select(sql<Date | null>`max(updated_at)`.as('at'))
          .where('organisation_id', '=', organisationId)
          .executeTakeFirst()
      : await db
          .selectFrom(table === 'categories' ? 'reports_category' : 'core_department')
          .select(sql<Date | null>`max(created_at)`.as('at'))
          .where('organisation_id', '=', organisationId)
          .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}

/** Which of these reports the public may see (not hidden by moderation). */
export async function visibleReportIds(
  db: Executor,
  organisationId: number,
  ids: readonly number[],
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('reports_report')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', ids)
    .where('hidden_at', 'is', null)
    .execute();
  return new Set(rows.map((row) => row.id));
}
