import { sql, type Kysely } from 'kysely';

/** Districts and neighbourhoods with their outline and bounding box (for a fast point lookup). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table places_district (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      kind text not null check (kind in ('district', 'neighbourhood')),
      code text not null,
      parent_id integer references places_district(id) on delete set null,
      name jsonb not null,
      geometry jsonb not null,
      min_lng double precision not null,
      min_lat double precision not null,
      max_lng double precision not null,
      max_lat double precision not null,
      population integer,
      created_at timestamptz not null default now(),
      unique (organisation_id, code)
    )`.execute(db);
  await sql`create index places_district_bbox on places_district (organisation_id, min_lng, max_lng, min_lat, max_lat)`.execute(
    db,
  );
}
