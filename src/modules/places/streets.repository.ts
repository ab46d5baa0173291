import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import './places.schema.ts';

export type LineGeometry =
  { type: 'LineString'; coordinates: number[][] } | { type: 'MultiLineString'; coordinates: number[][][] };

export interface StreetInput {
  sourceKey: string;
  name: Translated;
  geometry: LineGeometry;
  box: { minLng: number; minLat: number; maxLng: number; maxLat: number };
}

export interface StreetLine {
  name: Translated;
  geometry: LineGeometry;
}

/** Inserts or replaces streets by their source key; answers how many were new. */
export async function upsertStreets(db: Executor, organisationId: number, inputs: StreetInput[]): Promise<number> {
  let created = 0;
  for (let start = 0; start < inputs.length; start += 200) {
    const rows = inputs.slice(start, start + 200).map((input) => ({
      organisation_id: organisationId,
      source_key: input.sourceKey,
      name: JSON.stringify(input.name),
      geometry: JSON.stringify(input.geometry),
      min_lng: input.box.minLng,
      min_lat: input.box.minLat,
      max_lng: input.box.maxLng,
      max_lat: input.box.maxLat,
    }));
    const existing = await db
      .selectFrom('places_street')
      .select('source_key')
      .where('organisation_id', '=', organisationId)
      .where(
        'source_key',
        'in',
        rows.map((row) => row.source_key),
      )
      .execute();
    created += rows.length - existing.length;
    await db
      .insertInto('places_street')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['organisation_id', 'source_key']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          geometry: eb.ref('excluded.geometry'),
          min_lng: eb.ref('excluded.min_lng'),
          min_lat: eb.ref('excluded.min_lat'),
          max_lng: eb.ref('excluded.max_lng'),
          max_lat: eb.ref('excluded.max_lat'),
        })),
      )
      .execute();
  }
  return created;
}

/** The city's streets whose box meets this one, for a map drawn on the server (at most `limit`, longest boxes first). */
export async function findStreetLines(
  db: Executor,
  organisationId: number,
  box: { minLng: number; minLat: number; maxLng: number; maxLat: number },
  limit = 3000,
): Promise<StreetLine[]> {
  const rows = await db
    .selectFrom('places_street')
    .select(['name', 'geometry'])
    .where('organisation_id', '=', organisationId)
    .where('max_lng', '>=', box.minLng)
    .where('min_lng', '<=', box.maxLng)
    .where('max_lat', '>=', box.minLat)
    .where('min_lat', '<=', box.maxLat)
    .orderBy((eb) => eb(eb('max_lng', '-', eb.ref('min_lng')), '+', eb('max_lat', '-', eb.ref('min_lat'))), 'desc')
    .limit(limit)
    .execute();
  const parse = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
  return rows.map((row) => ({ name: parse(row.name) as Translated, geometry: parse(row.geometry) as LineGeometry }));
}
