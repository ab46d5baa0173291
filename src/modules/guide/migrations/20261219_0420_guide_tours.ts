import { sql, type Kysely } from 'kysely';

/** Tours of the city guide: ordered stops (places), duration, difficulty and whether all of it is step-free. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table guide_tour (
      id serial primary key,
      organisation_id integer not null references core_organisation(id) on delete cascade,
      title jsonb not null,
      summary jsonb not null default '{}',
      duration_minutes integer not null check (duration_minutes between 1 and 1440),
      difficulty text not null check (difficulty in ('easy', 'moderate', 'hard')),
      step_free boolean not null default false,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table guide_tour_stop (
      organisation_id integer not null references core_organisation(id) on delete cascade,
      tour_id integer not null references guide_tour(id) on delete cascade,
      position integer not null check (position >= 1),
      place_id integer not null references guide_place(id) on delete cascade,
      note jsonb not null default '{}',
      primary key (tour_id, position)
    )`.execute(db);
  await sql`create index guide_tour_stop_place on guide_tour_stop (place_id)`.execute(db);
}
