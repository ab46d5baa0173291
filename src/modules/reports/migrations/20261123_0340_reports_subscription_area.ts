import { sql, type Kysely } from 'kysely';

/**
 * Subscriptions to new reports in an area drawn on the map: `area` holds a GeoJSON Polygon (one closed
 * ring, longitude/latitude) and min/max lat/lng stay as its bounding box, which the notify job uses as
 * a cheap prefilter before the exact point-in-polygon test. The rectangles of older subscriptions
 * become 4-corner polygons, so every area subscription has both.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table reports_subscription add column area jsonb`.execute(db);
  await sql`
    update reports_subscription set area = jsonb_build_object('type', 'Polygon', 'coordinates', jsonb_build_array(jsonb_build_array(
      jsonb_build_array(min_lng, min_lat), jsonb_build_array(max_lng, min_lat), jsonb_build_array(max_lng, max_lat),
      jsonb_build_array(min_lng, max_lat), jsonb_build_array(min_lng, min_lat))))
    where min_lat is not null`.execute(db);
  await sql`
    alter table reports_subscription add constraint reports_subscription_area_box
    check ((area is null) = (min_lat is null) and (min_lat is null) = (max_lat is null) and (min_lng is null) = (max_lng is null) and (min_lat is null) = (min_lng is null))`.execute(
    db,
  );
}
