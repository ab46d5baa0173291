import { sql, type Kysely } from 'kysely';

/**
 * A city's own street map tiles: `{ "tileUrl", "attribution", "maxZoom" }`. Empty: the installation's
 * MAP_TILE_URL, MAP_TILE_ATTRIBUTION and MAP_MAX_ZOOM.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_organisation add column map_tiles jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_organisation drop column map_tiles`.execute(db);
}
