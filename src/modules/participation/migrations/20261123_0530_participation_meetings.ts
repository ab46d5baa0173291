import { sql, type Kysely } from 'kysely';

/**
 * Meetings of a process and the plan a process shows under its proposals.
 *
 * A meeting has a place (address, optional coordinates) or an online link, a capacity and the count of
 * its registrations, kept in the same transaction as the registration rows and guarded by a CHECK, so
 * racing registrations can never exceed the capacity. One registration per resident and meeting is a
 * UNIQUE constraint. The minutes are published after the meeting by staff.
 *
 * A plan is one validated GeoJSON FeatureCollection per process, stored with its bounding box.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table participation_meeting (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      process_id integer not null references participation_process(id) on delete cascade,
      title jsonb not null,
      description jsonb not null default '{}',
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      address text check (length(address) <= 300),
      lat double precision check (lat between -90 and 90),
      lng double precision check (lng between -180 and 180),
      online_url text check (online_url ~ '^https?://' and length(online_url) <= 500),
      capacity integer not null check (capacity between 1 and 100000),
      registrations_count integer not null default 0,
      minutes jsonb,
      minutes_published_at timestamptz,
      minutes_by integer references core_user(id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (ends_at > starts_at),
      check (address is not null or online_url is not null),
      check ((lat is null) = (lng is null)),
      check (registrations_count between 0 and capacity)
    )`.execute(db);
  await sql`create index participation_meeting_process on participation_meeting (process_id, starts_at)`.execute(db);

  await sql`
    create table participation_meeting_registration (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      meeting_id integer not null references participation_meeting(id) on delete cascade,
      user_id integer not null references core_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      constraint participation_meeting_registration_one_per_resident unique (meeting_id, user_id)
    )`.execute(db);
  await sql`create index participation_meeting_registration_user on participation_meeting_registration (user_id)`.execute(
    db,
  );

  await sql`
    create table participation_meeting_proposal (
      organisation_id integer not null references core_organisation(id),
      meeting_id integer not null references participation_meeting(id) on delete cascade,
      proposal_id integer not null references participation_proposal(id) on delete cascade,
      primary key (meeting_id, proposal_id)
    )`.execute(db);
  await sql`create index participation_meeting_proposal_proposal on participation_meeting_proposal (proposal_id)`.execute(
    db,
  );

  await sql`
    create table participation_plan (
      organisation_id integer not null references core_organisation(id),
      process_id integer primary key references participation_process(id) on delete cascade,
      features jsonb not null,
      feature_count integer not null check (feature_count >= 1),
      min_lng double precision not null,
      min_lat double precision not null,
      max_lng double precision not null,
      max_lat double precision not null,
      uploaded_by integer references core_user(id) on delete set null,
      updated_at timestamptz not null default now()
    )`.execute(db);
}
