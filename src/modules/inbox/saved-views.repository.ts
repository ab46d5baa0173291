import type { Executor } from '../../platform/db/database.ts';
import './inbox.schema.ts';

/* A member of staff's saved views of the inbox (named sets of filters). */

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** A member of staff's saved views of the inbox, by name. */
export async function findSavedViews(
  db: Executor,
  organisationId: number,
  userId: number,
): Promise<Array<{ id: number; name: string; filters: Record<string, string> }>> {
  const rows = await db
    .selectFrom('inbox_saved_view')
    .select(['id', 'name', 'filters'])
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .orderBy('name')
    .limit(100)
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, filters: json<Record<string, string>>(row.filters) }));
}

export async function insertSavedView(
  db: Executor,
  organisationId: number,
  userId: number,
  name: string,
  filters: Record<string, string>,
): Promise<number> {
  const row = await db
    .insertInto('inbox_saved_view')
    .values({ organisation_id: organisationId, user_id: userId, name, filters: JSON.stringify(filters) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Deletes one of the person's own views; false when there was none. */
export async function deleteSavedView(
  db: Executor,
  organisationId: number,
  userId: number,
  id: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('inbox_saved_view')
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
