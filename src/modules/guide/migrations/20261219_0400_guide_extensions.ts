import { sql, type Kysely } from 'kysely';

/**
 * `cube` and `earthdistance` (PostgreSQL's contrib package; PGlite loads both, platform/db/database.ts): a
 * place's position as a point on the earth (`ll_to_earth(lat, lng)`), indexed with GiST, so the nearest
 * places are found by the index's distance ordering (`<->`) among any number of places.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists cube`.execute(db);
  await sql`create extension if not exists earthdistance`.execute(db);
}
