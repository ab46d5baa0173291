import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import './places.schema.ts';

/** One address point of a city's register, as an import writes it. */
export interface AddressInput {
  /** The register's own id (OpenAddresses ID or HASH, an OSM id), else street + number + unit. */
  sourceKey: string;
  street: string;
  /** The street's name in other languages (a bilingual city), by language code. */
  streetNames: Record<string, string>;
  number: string;
  unit: string;
  postcode: string;
  city: string;
  district: string;
  lat: number;
  lng: number;
}

/** An address found in the register. */
export interface RegisterAddress {
  street: string;
  streetNames: Record<string, string>;
  number: string;
  unit: string;
  postcode: string;
  city: string;
  lat: number;
  lng: number;
}

/** A street name matching a search, with how well (0 to 1). */
export interface StreetMatch {
  street: string;
  name: string;
  lang: string;
  lat: number;
  lng: number;
  score: number;
}

function parseNames(value: unknown): Record<string, string> {
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, string>;
}

/** A house number as compared: lower case, without spaces ("12 A" and "12a" are one number). */
export function numberKey(number: string): string {
  return number.toLowerCase().replace(/\s+/g, '');
}

/** Inserts or updates addresses by their source key, 500 a statement. Answers how many were new. */
export async function upsertAddresses(db: Executor, organisationId: number, inputs: AddressInput[]): Promise<number> {
  let created = 0;
  for (let start = 0; start < inputs.length; start += 500) {
    const rows = inputs.slice(start, start + 500).map((input) => ({
      organisation_id: organisationId,
      source_key: input.sourceKey,
      street: input.street,
      street_names: JSON.stringify(input.streetNames),
      number: input.number,
      number_key: numberKey(input.number),
      unit: input.unit,
      postcode: input.postcode,
      city: input.city,
      district: input.district,
      lat: input.lat,
      lng: input.lng,
    }));
    const result = await db
      .insertInto('places_address')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['organisation_id', 'source_key']).doUpdateSet((eb) => ({
          street: eb.ref('excluded.street'),
          street_names: eb.ref('excluded.street_names'),
          number: eb.ref('excluded.number'),
          number_key: eb.ref('excluded.number_key'),
          unit: eb.ref('excluded.unit'),
          postcode: eb.ref('excluded.postcode'),
          city: eb.ref('excluded.city'),
          district: eb.ref('excluded.district'),
          lat: eb.ref('excluded.lat'),
          lng: eb.ref('excluded.lng'),
          updated_at: sql`now()`,
        })),
      )
      // xmax is 0 for a row this statement inserted, the updating transaction's id for one it updated
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .execute();
    created += result.filter((row) => row.inserted).length;
  }
  return created;
}

/**
 * Rebuilds the city's street index from its addresses: one row per name of each street (its own name,
 * and its name in each other language), placed at the middle address of the street.
 */
export async function rebuildStreetIndex(db: Executor, organisationId: number): Promise<void> {
  await db.deleteFrom('places_address_street').where('organisation_id', '=', organisationId).execute();
  await sql`
    insert into places_address_street (organisation_id, street, name, name_key, lang, lat, lng, addresses)
    with streets as (
      select street, count(*)::integer as addresses,
             percentile_disc(0.5) within group (order by lat) as lat,
             percentile_disc(0.5) within group (order by lng) as lng
        from places_address where organisation_id = ${organisationId}
       group by street
    ), others as (
      select distinct a.street, n.key as lang, n.value as name
        from places_address a, jsonb_each_text(a.street_names) n
       where a.organisation_id = ${organisationId}
    ), names as (
      select street, street as name, '' as lang from streets
      union all
      select street, name, lang from others
    )
    select distinct on (n.street, n.name)
           ${organisationId}::integer, n.street, n.name, places_normalise(n.name), n.lang, s.lat, s.lng, s.addresses
      from names n join streets s on s.street = n.street
     where btrim(n.name) <> ''
     order by n.street, n.name, n.lang`.execute(db);
}

/** The street names most like the normalised text (trigram similarity, typos forgiven), best first. */
export async function findStreetsLike(
  db: Executor,
  organisationId: number,
  text: string,
  limit: number,
): Promise<StreetMatch[]> {
  // the key as a value of its own, so that the planner sees a constant and uses the trigram index
  const key = (await sql<{ key: string }>`select places_normalise(${text}) as key`.execute(db)).rows[0]?.key ?? '';
  if (key === '') return [];
  const result = await sql<StreetMatch>`
    select s.street, s.name, s.lang, s.lat, s.lng,
           greatest(similarity(s.name_key, ${key}), word_similarity(${key}, s.name_key))::float8 as score
      from places_address_street s
     where s.organisation_id = ${organisationId} and (s.name_key % ${key} or ${key} <% s.name_key)
     order by score desc, s.addresses desc, s.name
     limit ${limit}`.execute(db);
  return result.rows;
}

/** The address with this number on each of these streets (the first unit when it has several), by street. */
export async function findAddressesOnStreets(
  db: Executor,
  organisationId: number,
  streets: string[],
  number: string,
): Promise<Map<string, RegisterAddress>> {
  if (streets.length === 0) return new Map();
  const rows = await db
    .selectFrom('places_address')
    .select(['street', 'street_names', 'number', 'unit', 'postcode', 'city', 'lat', 'lng'])
    .where('organisation_id', '=', organisationId)
    .where('street', 'in', streets)
    .where('number_key', '=', numberKey(number))
    .orderBy('unit', 'desc')
    .execute();
  // the last row of a street wins: its first unit in order
  return new Map(rows.map((row) => [row.street, toAddress(row)]));
}

function toAddress(row: {
  street: string;
  street_names: unknown;
  number: string;
  unit: string;
  postcode: string;
  city: string;
  lat: number;
  lng: number;
}): RegisterAddress {
  return {
    street: row.street,
    streetNames: parseNames(row.street_names),
    number: row.number,
    unit: row.unit,
    postcode: row.postcode,
    city: row.city,
    lat: row.lat,
    lng: row.lng,
  };
}

/**
 * The address nearest a point within `radiusMeters`, or undefined: a box on the (city, lat, lng) index
 * narrows the rows, the equirectangular distance orders them (exact enough at a city's scale).
 */
export async function findNearestAddress(
  db: Executor,
  organisationId: number,
  lat: number,
  lng: number,
  radiusMeters: number,
): Promise<RegisterAddress | undefined> {
  const dLat = radiusMeters / 111_320;
  const cos = Math.max(0.01, Math.cos((lat * Math.PI) / 180));
  const dLng = dLat / cos;
  const row = await db
    .selectFrom('places_address')
    .select(['street', 'street_names', 'number', 'unit', 'postcode', 'city', 'lat', 'lng'])
    .where('organisation_id', '=', organisationId)
    .where('lat', '>=', lat - dLat)
    .where('lat', '<=', lat + dLat)
    .where('lng', '>=', lng - dLng)
    .where('lng', '<=', lng + dLng)
    .orderBy(sql`(lat - ${lat}) * (lat - ${lat}) + ((lng - ${lng}) * ${cos}) * ((lng - ${lng}) * ${cos})`)
    .limit(1)
    .executeTakeFirst();
  return row ? toAddress(row) : undefined;
}

/** Whether the city has imported any address. */
export async function hasAddresses(db: Executor, organisationId: number): Promise<boolean> {
  const row = await db
    .selectFrom('places_address_street')
    .select('street')
    .where('organisation_id', '=', organisationId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function countAddresses(db: Executor, organisationId: number): Promise<number> {
  const row = await db
    .selectFrom('places_address')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Every name of the register's streets at the street's middle address (to find streets named in messages). */
export async function findStreetNames(
  db: Executor,
  organisationId: number,
): Promise<Array<{ name: string; lat: number; lng: number }>> {
  return db
    .selectFrom('places_address_street')
    .select(['name', 'lat', 'lng'])
    .where('organisation_id', '=', organisationId)
    .orderBy('name')
    .execute();
}
