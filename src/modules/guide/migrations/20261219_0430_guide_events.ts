import { sql, type Kysely } from 'kysely';

/** Events at a place or along a tour (guided walks, openings), published in the guide's iCalendar feed. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table guide_event (
      id serial primary key,
      organisation_id integer not null references core_organisation(id) on delete cascade,
      place_id integer references guide_place(id) on delete cascade,
      tour_id integer references guide_tour(id) on delete cascade,
      title jsonb not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      created_at timestamptz not null default now(),
      check (ends_at > starts_at),
      check (place_id is not null or tour_id is not null)
    )`.execute(db);
  await sql`create index guide_event_starts on guide_event (organisation_id, starts_at)`.execute(db);
}
