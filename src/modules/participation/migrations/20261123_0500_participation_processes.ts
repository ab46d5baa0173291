import { sql, type Kysely } from 'kysely';

/**
 * Participatory processes and their timeline. A process has a slug for its address, translated texts,
 * the districts it concerns (none: the whole city), who may take part (verification level, age range,
 * residents of its districts only) and the rules its proposals follow (support threshold, days to
 * collect supports, days the city has to answer). Phases carry their dates and the parts they open
 * (`{ "proposals": ["create", "support"], … }`), validated by the use cases.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table participation_process (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
      title jsonb not null,
      description jsonb not null default '{}',
      district_ids integer[] not null default '{}',
      eligibility_level text not null default 'email' check (eligibility_level in ('email', 'verified')),
      min_age integer check (min_age between 0 and 150),
      max_age integer check (max_age between 0 and 150),
      residents_only boolean not null default false,
      support_threshold integer not null check (support_threshold between 1 and 10000000),
      support_days integer not null check (support_days between 1 and 3650),
      answer_days integer not null check (answer_days between 1 and 3650),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint participation_process_slug unique (organisation_id, slug),
      check (min_age is null or max_age is null or min_age <= max_age)
    )`.execute(db);

  await sql`
    create table participation_phase (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      process_id integer not null references participation_process(id) on delete cascade,
      title jsonb not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      parts jsonb not null default '{}',
      check (ends_at > starts_at)
    )`.execute(db);
  await sql`create index participation_phase_process on participation_phase (process_id, starts_at)`.execute(db);
}
