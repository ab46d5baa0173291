import { sql, type Kysely } from 'kysely';

/**
 * Reports no longer puts a trigger on places' table. Migration 20261123_0330 made every write to
 * `places_district` bump `reports_intake_version`, so that intake's copy of the district outlines was
 * never used outdated; places now counts its own changes (places migration
 * 20261207_0100_places_district_version) and intake compares that number instead (20261207_0310).
 * A new database runs 20261123_0330 first, so it gets here in the same state as a migrated one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists places_district_intake_version on places_district`.execute(db);
}
