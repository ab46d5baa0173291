import { sql, type Kysely } from 'kysely';

/**
 * Blackout periods (elections, mourning): nothing may be scheduled from `starts_at` until `ends_at`
 * (exclusive; staff give days, stored as when the first day starts and the day after the last starts, in
 * the city's time zone). The reason is written in the city's languages.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table publishing_blackout (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      reason jsonb not null,
      created_by integer references core_user(id) on delete set null,
      created_at timestamptz not null default now(),
      check (ends_at > starts_at)
    )`.execute(db);
  await sql`create index publishing_blackout_period on publishing_blackout (organisation_id, ends_at)`.execute(db);
}
