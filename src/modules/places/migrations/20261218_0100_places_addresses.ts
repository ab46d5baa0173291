import { sql, type Kysely } from 'kysely';

/**
 * The city's address register, searched in the database (issue 17), and what the outside geocoders
 * answered, kept for a while.
 *
 * - `places_normalise(text)`: the key a name is compared by — lower case, accents folded (unaccent,
 *   PostgreSQL's contrib, loaded by the platform into PGlite; ß becomes ss), punctuation made spaces.
 * - `places_address`: one row per address point (street, number, unit…), keyed by the register's own id
 *   (`source_key`), so importing the file again updates it.
 * - `places_address_street`: one row per name of a street in the register (a street of a bilingual city
 *   has one per language), with its trigrams indexed: a search matches a few thousand street names, not
 *   every address, then finds the house number by a btree.
 * - `places_street`: street lines imported for the map drawn without JavaScript.
 * - `places_geocoder`: which geocoder a city uses (the register when it has no row).
 * - `places_geocode_cache`: answers of Nominatim and Photon, with their expiry.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create extension if not exists unaccent`.execute(db);
  await sql`
    create function places_normalise(value text) returns text
    language sql immutable parallel safe as $$
      select btrim(regexp_replace(public.unaccent('public.unaccent'::regdictionary, lower(value)),
                                  '[[:space:][:punct:]’‘´«»“”„–—]+', ' ', 'g'))
    $$`.execute(db);

  await sql`
    create table places_address (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id) on delete cascade,
      source_key text not null,
      street text not null,
      street_names jsonb not null default '{}',
      number text not null default '',
      number_key text not null default '',
      unit text not null default '',
      postcode text not null default '',
      city text not null default '',
      district text not null default '',
      lat double precision not null,
      lng double precision not null,
      updated_at timestamptz not null default now(),
      unique (organisation_id, source_key)
    )`.execute(db);
  await sql`create index places_address_street_number on places_address (organisation_id, street, number_key)`.execute(
    db,
  );
  await sql`create index places_address_position on places_address (organisation_id, lat, lng)`.execute(db);

  await sql`
    create table places_address_street (
      organisation_id integer not null references core_organisation(id) on delete cascade,
      street text not null,
      name text not null,
      name_key text not null,
      lang text not null default '',
      lat double precision not null,
      lng double precision not null,
      addresses integer not null,
      primary key (organisation_id, street, name)
    )`.execute(db);
  await sql`create index places_address_street_trigrams on places_address_street using gin (name_key gin_trgm_ops)`.execute(
    db,
  );

  await sql`
    create table places_street (
      id serial primary key,
      organisation_id integer not null references core_organisation(id) on delete cascade,
      source_key text not null,
      name jsonb not null,
      geometry jsonb not null,
      min_lng double precision not null,
      min_lat double precision not null,
      max_lng double precision not null,
      max_lat double precision not null,
      unique (organisation_id, source_key)
    )`.execute(db);

  await sql`
    create table places_geocoder (
      organisation_id integer primary key references core_organisation(id) on delete cascade,
      provider text not null check (provider in ('register', 'nominatim', 'photon', 'none')),
      base_url text
    )`.execute(db);

  await sql`
    create table places_geocode_cache (
      organisation_id integer not null references core_organisation(id) on delete cascade,
      service text not null,
      key text not null,
      answer jsonb not null,
      expires_at timestamptz not null,
      primary key (organisation_id, service, key)
    )`.execute(db);
  await sql`create index places_geocode_cache_expiry on places_geocode_cache (expires_at)`.execute(db);
}
