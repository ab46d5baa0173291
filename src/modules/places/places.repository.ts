import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { boundingBox, containsPoint, rewind, type PolygonGeometry } from './geometry.ts';
import './places.schema.ts';

export interface District {
  id: number;
  kind: 'district' | 'neighbourhood';
  code: string;
  parentId: number | null;
  name: Translated;
  population: number | null;
}

export interface DistrictWithGeometry extends District {
  geometry: PolygonGeometry;
}

const columns = ['id', 'kind', 'code', 'parent_id', 'name', 'population'] as const;

/** A JSON column's value, whether the driver handed it over already parsed or as text. */
function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

function toDistrict(row: {
  id: number;
  kind: 'district' | 'neighbourhood';
  code: string;
  parent_id: number | null;
  name: unknown;
  population: number | null;
}): District {
  return {
    id: row.id,
    kind: row.kind,
    code: row.code,
    parentId: row.parent_id,
    name: parseJson(row.name) as Translated,
    population: row.population,
  };
}

/** All districts and neighbourhoods of a city, without outlines (lists and menus). */
export async function findDistricts(db: Executor, organisationId: number): Promise<District[]> {
  const rows = await db
    .selectFrom('places_district')
    .select(columns)
    .where('organisation_id', '=', organisationId)
    .orderBy('kind')
    .orderBy('code')
    .execute();
  return rows.map(toDistrict);
}

export async function findDistrictsWithGeometry(db: Executor, organisationId: number): Promise<DistrictWithGeometry[]> {
  const rows = await db
    .selectFrom('places_district')
    .select([...columns, 'geometry'])
    .where('organisation_id', '=', organisationId)
    .orderBy('kind')
    .orderBy('code')
    .execute();
  return rows.map((row) => ({ ...toDistrict(row), geometry: parseJson(row.geometry) as PolygonGeometry }));
}

/**
 * The districts and neighbourhoods containing a point: the bounding-box index narrows the candidates in
 * SQL, the exact polygon test runs here. Works the same on PGlite and PostgreSQL (no PostGIS needed).
 */
export async function findDistrictsAt(
  db: Executor,
  organisationId: number,
  lng: number,
  lat: number,
): Promise<District[]> {
  const rows = await db
    .selectFrom('places_district')
    .select([...columns, 'geometry'])
    .where('organisation_id', '=', organisationId)
    .where('min_lng', '<=', lng)
    .where('max_lng', '>=', lng)
    .where('min_lat', '<=', lat)
    .where('max_lat', '>=', lat)
    .execute();
  return rows.filter((row) => containsPoint(parseJson(row.geometry) as PolygonGeometry, lng, lat)).map(toDistrict);
}

export interface DistrictInput {
  kind: 'district' | 'neighbourhood';
  code: string;
  parentCode?: string | undefined;
  name: Translated;
  population?: number | undefined;
  geometry: PolygonGeometry;
}

/** Inserts or replaces a district by its code; the parent is matched by code among this city's districts. */
export async function upsertDistrict(
  db: Executor,
  organisationId: number,
  input: DistrictInput,
): Promise<{ id: number; created: boolean }> {
  const box = boundingBox(input.geometry);
  const parent = input.parentCode
    ? await db
        .selectFrom('places_district')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .where('code', '=', input.parentCode)
        .executeTakeFirst()
    : undefined;
  const values = {
    kind: input.kind,
    parent_id: parent?.id ?? null,
    name: JSON.stringify(input.name),
    geometry: JSON.stringify(rewind(input.geometry)),
    min_lng: box.minLng,
    min_lat: box.minLat,
    max_lng: box.maxLng,
    max_lat: box.maxLat,
    population: input.population ?? null,
  };
  const existing = await db
    .selectFrom('places_district')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('code', '=', input.code)
    .executeTakeFirst();
  if (existing) {
    await db.updateTable('places_district').set(values).where('id', '=', existing.id).execute();
    return { id: existing.id, created: false };
  }
  const row = await db
    .insertInto('places_district')
    .values({ organisation_id: organisationId, code: input.code, ...values })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, created: true };
}

/**
 * How far from the map centre a city without district outlines reaches: about 28 km north and south,
 * and 0.35° of longitude east and west (about 28 km at 45° of latitude) — wide enough for any city, and
 * still refusing a point in another country.
 */
export const CITY_WITHOUT_OUTLINES_REACH = { lat: 0.25, lng: 0.35 } as const;

/**
 * Whether a point lies in the city: inside one of its districts when the city has outlines (its
 * boundary is their union), else within the bounding area around the city's map centre.
 */
export async function isPointInCity(
  db: Executor,
  organisation: { id: number; map: { lat: number; lng: number } },
  lng: number,
  lat: number,
): Promise<boolean> {
  if ((await findDistrictsAt(db, organisation.id, lng, lat)).length > 0) return true;
  const any = await db
    .selectFrom('places_district')
    .select('id')
    .where('organisation_id', '=', organisation.id)
    .limit(1)
    .executeTakeFirst();
  if (any) return false;
  return (
    Math.abs(lat - organisation.map.lat) <= CITY_WITHOUT_OUTLINES_REACH.lat &&
    Math.abs(lng - organisation.map.lng) <= CITY_WITHOUT_OUTLINES_REACH.lng
  );
}
