import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import './places.schema.ts';

export type GeocoderProvider = 'register' | 'nominatim' | 'photon' | 'none';

/** The geocoder a city chose; the register (its imported addresses) when it chose none. */
export async function findGeocoderSetting(
  db: Executor,
  organisationId: number,
): Promise<{ provider: GeocoderProvider; baseUrl: string | null }> {
  const row = await db
    .selectFrom('places_geocoder')
    .select(['provider', 'base_url'])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row ? { provider: row.provider, baseUrl: row.base_url } : { provider: 'register', baseUrl: null };
}

export async function saveGeocoderSetting(
  db: Executor,
  organisationId: number,
  provider: GeocoderProvider,
  baseUrl: string | null,
): Promise<void> {
  await db
    .insertInto('places_geocoder')
    .values({ organisation_id: organisationId, provider, base_url: baseUrl })
    .onConflict((oc) => oc.column('organisation_id').doUpdateSet({ provider, base_url: baseUrl }))
    .execute();
}

/** A cached answer of an outside geocoder, while it has not expired. */
export async function findCachedAnswer(
  db: Executor,
  organisationId: number,
  service: string,
  key: string,
): Promise<unknown> {
  const row = await db
    .selectFrom('places_geocode_cache')
    .select('answer')
    .where('organisation_id', '=', organisationId)
    .where('service', '=', service)
    .where('key', '=', key)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  if (!row) return undefined;
  return typeof row.answer === 'string' ? (JSON.parse(row.answer) as unknown) : row.answer;
}

/** Keeps an answer (and forgets this city's expired ones of the service, so the cache never only grows). */
export async function storeCachedAnswer(
  db: Executor,
  organisationId: number,
  service: string,
  key: string,
  answer: unknown,
  seconds: number,
): Promise<void> {
  const expires = sql<Date>`now() + make_interval(secs => ${seconds})`;
  await db
    .deleteFrom('places_geocode_cache')
    .where('organisation_id', '=', organisationId)
    .where('service', '=', service)
    .where('expires_at', '<=', sql<Date>`now()`)
    .execute();
  await db
    .insertInto('places_geocode_cache')
    .values({ organisation_id: organisationId, service, key, answer: JSON.stringify(answer), expires_at: expires })
    .onConflict((oc) =>
      oc
        .columns(['organisation_id', 'service', 'key'])
        .doUpdateSet({ answer: JSON.stringify(answer), expires_at: expires }),
    )
    .execute();
}

/** The box around the city's districts, or undefined when it has none. */
export async function findDistrictsBox(
  db: Executor,
  organisationId: number,
): Promise<{ minLat: number; minLng: number; maxLat: number; maxLng: number } | undefined> {
  const row = await db
    .selectFrom('places_district')
    .select((eb) => [
      eb.fn.min('min_lat').as('minLat'),
      eb.fn.min('min_lng').as('minLng'),
      eb.fn.max('max_lat').as('maxLat'),
      eb.fn.max('max_lng').as('maxLng'),
    ])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  // min and max of no row are null, whatever the column's type says
  const box = row as
    { minLat: number | null; minLng: number | null; maxLat: number | null; maxLng: number | null } | undefined;
  if (!box || box.minLat === null || box.minLng === null || box.maxLat === null || box.maxLng === null)
    return undefined;
  return { minLat: box.minLat, minLng: box.minLng, maxLat: box.maxLat, maxLng: box.maxLng };
}
