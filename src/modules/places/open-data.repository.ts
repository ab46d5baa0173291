// Districts and neighbourhoods for the open-data module, in keyset pages by id, with their outlines.

import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

export async function pagePublicDistricts(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('places_district')
    .select(['id', 'kind', 'code', 'parent_id', 'name', 'population', 'geometry', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function districtsModified(db: Executor, organisationId: number): Promise<Date | null> {
  const row = await db
    .selectFrom('places_district')
    .select(sql<Date | null>`max(created_at)`.as('at'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}
