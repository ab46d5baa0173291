// The guide's places and photos: reads for pages and exports, the nearest places by the GiST index, photos.

import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { PhotoType } from './guide.schema.ts';

const PLACE_COLUMNS = [
  'id',
  'code',
  'name',
  'summary',
  'body',
  'easy_read',
  'categories',
  'lat',
  'lng',
  'osm_type',
  'osm_id',
  'opening_hours',
  'step_free',
  'accessible_toilet',
  'seating',
  'quiet_hours',
  'audio_url',
  'audio_transcript',
  'report_category',
  'ibeacon',
  'eddystone',
  'updated_at',
] as const;

export type PlaceRow = Awaited<ReturnType<typeof findPlace>> & {};

export async function findPlace(db: Executor, organisationId: number, id: number) {
  return db
    .selectFrom('guide_place')
    .select(PLACE_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findPlaceIdByCode(db: Executor, organisationId: number, code: string): Promise<number | null> {
  const row = await db
    .selectFrom('guide_place')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('code', '=', code)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Places in id order after `afterId` (a keyset page), for the list, GeoJSON and the open data. */
export async function pagePlaces(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('guide_place')
    .select(PLACE_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export interface NearPlace {
  id: number;
  code: string;
  name: Record<string, string>;
  lat: number;
  lng: number;
  metres: number;
}

/**
 * The `limit` places nearest to a point, nearest first, with their great-circle distance in metres: the
 * GiST index on `ll_to_earth(lat, lng)` answers cube's `<->` (chord distance, same order as on the sphere).
 */
export async function findNearestPlaces(
  db: Executor,
  organisationId: number,
  lat: number,
  lng: number,
  limit: number,
): Promise<NearPlace[]> {
  const result = await sql<NearPlace>`
    select id, code, name, lat, lng,
      earth_distance(ll_to_earth(lat, lng), ll_to_earth(${lat}::float8, ${lng}::float8)) as metres
    from guide_place
    where organisation_id = ${organisationId}
    order by ll_to_earth(lat, lng) <-> ll_to_earth(${lat}::float8, ${lng}::float8)
    limit ${limit}`.execute(db);
  return result.rows;
}

export async function guidePlacesModified(db: Executor, organisationId: number): Promise<Date | null> {
  const row = await db
    .selectFrom('guide_place')
    .select(sql<Date | null>`max(updated_at)`.as('at'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}

/** The open-data rows of the guide's places (public fields only; categories joined by ";", OSM as a link). */
export async function pagePublicGuidePlaces(db: Executor, organisationId: number, afterId: number, limit: number) {
  const rows = await db
    .selectFrom('guide_place')
    .select([
      'id',
      'code',
      'name',
      'categories',
      'lat',
      'lng',
      'osm_type',
      'osm_id',
      'opening_hours',
      'step_free',
      'accessible_toilet',
      'seating',
      'updated_at',
    ])
    .where('organisation_id', '=', organisationId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(({ osm_type, osm_id, categories, ...row }) => ({
    ...row,
    categories: categories.join(';'),
    osm_url: osm_type && osm_id ? `https://www.openstreetmap.org/${osm_type}/${osm_id}` : null,
  }));
}

export async function findPhotos(db: Executor, organisationId: number, placeIds: readonly number[]) {
  if (placeIds.length === 0) return [];
  return db
    .selectFrom('guide_photo')
    .select(['id', 'place_id', 'alt', 'content_type'])
    .where('organisation_id', '=', organisationId)
    .where('place_id', 'in', placeIds)
    .orderBy('place_id')
    .orderBy('position')
    .orderBy('id')
    .execute();
}

export async function findPhotoData(db: Executor, organisationId: number, id: number) {
  return db
    .selectFrom('guide_photo')
    .select(['content_type', 'data'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertPhoto(
  db: Executor,
  organisationId: number,
  placeId: number,
  photo: { type: PhotoType; data: Uint8Array; alt: Record<string, string> },
): Promise<number> {
  const row = await db
    .insertInto('guide_photo')
    .values({
      organisation_id: organisationId,
      place_id: placeId,
      position: sql<number>`(select count(*) from guide_photo where place_id = ${placeId})`,
      content_type: photo.type,
      data: photo.data,
      alt: JSON.stringify(photo.alt),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.updateTable('guide_place').set({ updated_at: new Date() }).where('id', '=', placeId).execute();
  return row.id;
}
