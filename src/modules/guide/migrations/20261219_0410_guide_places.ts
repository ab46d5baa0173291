import { sql, type Kysely } from 'kysely';

/**
 * Places of interest of the city guide: texts per city language (with an easy-to-read version), position,
 * OpenStreetMap id, opening hours in OSM's `opening_hours` syntax, accessibility facts, categories, the short
 * code printed on the stop's plate (`/g/AB12`), beacon identifiers kept for a native app, and the report
 * category a broken plate is filed under. Photos (metadata stripped by reports' preparePhoto) with alt texts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table guide_place (
      id serial primary key,
      organisation_id integer not null references core_organisation(id) on delete cascade,
      code text not null check (code ~ '^[A-Z0-9]{4,8}$'),
      name jsonb not null,
      summary jsonb not null default '{}',
      body jsonb not null default '{}',
      easy_read jsonb not null default '{}',
      categories text[] not null default '{}',
      lat double precision not null check (lat between -90 and 90),
      lng double precision not null check (lng between -180 and 180),
      osm_type text check (osm_type in ('node', 'way', 'relation')),
      osm_id bigint check (osm_id > 0),
      opening_hours text check (length(opening_hours) <= 255),
      step_free boolean,
      accessible_toilet boolean,
      seating boolean,
      quiet_hours text check (length(quiet_hours) <= 255),
      audio_url text,
      audio_transcript jsonb not null default '{}',
      report_category text,
      ibeacon text,
      eddystone text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (organisation_id, code),
      check ((osm_type is null) = (osm_id is null))
    )`.execute(db);
  // the nearest places by the index's own distance order (cube's <-> on the points ll_to_earth makes)
  await sql`create index guide_place_earth on guide_place using gist (ll_to_earth(lat, lng))`.execute(db);
  await sql`create index guide_place_organisation on guide_place (organisation_id, id)`.execute(db);
  await sql`
    create table guide_photo (
      id serial primary key,
      organisation_id integer not null references core_organisation(id) on delete cascade,
      place_id integer not null references guide_place(id) on delete cascade,
      position integer not null default 0,
      content_type text not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
      data bytea not null,
      alt jsonb not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index guide_photo_place on guide_photo (place_id, position, id)`.execute(db);
}
