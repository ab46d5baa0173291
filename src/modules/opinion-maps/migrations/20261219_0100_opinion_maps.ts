import { sql, type Kysely } from 'kysely';

/**
 * Opinion maps: a map asks a question inside a participatory process; residents write statements and
 * vote agree (1), disagree (-1) or pass (0) on them, one vote per participant and statement (changeable:
 * `insert … on conflict do update`). A participant is a person's row in one map, so exports name them by
 * an opaque number in that map; the account link is cut when the account is erased. Each vote takes the
 * next value of a sequence when cast or changed, so a stored result says exactly which votes it covers
 * (`seq`) and the recomputation job sees at a glance whether a map changed since.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table opinion_maps_map (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      process_id integer not null,
      question jsonb not null,
      moderation text not null default 'after' check (moderation in ('before', 'after')),
      status text not null default 'draft' check (status in ('draft', 'open', 'closed')),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index opinion_maps_map_organisation on opinion_maps_map (organisation_id, process_id)`.execute(db);
  await sql`
    create table opinion_maps_participant (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      map_id integer not null references opinion_maps_map(id) on delete cascade,
      user_id integer references core_user(id) on delete set null,
      created_at timestamptz not null default now(),
      unique (map_id, user_id)
    )`.execute(db);
  await sql`
    create table opinion_maps_statement (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      map_id integer not null references opinion_maps_map(id) on delete cascade,
      author_id integer references core_user(id) on delete set null,
      text text not null check (char_length(text) between 1 and 280),
      status text not null check (status in ('pending', 'accepted', 'rejected')),
      created_at timestamptz not null default now(),
      moderated_at timestamptz
    )`.execute(db);
  await sql`create index opinion_maps_statement_map on opinion_maps_statement (map_id, status)`.execute(db);
  await sql`create sequence opinion_maps_vote_seq`.execute(db);
  await sql`
    create table opinion_maps_vote (
      organisation_id integer not null references core_organisation(id),
      participant_id integer not null references opinion_maps_participant(id) on delete cascade,
      statement_id integer not null references opinion_maps_statement(id) on delete cascade,
      map_id integer not null references opinion_maps_map(id) on delete cascade,
      value smallint not null check (value in (-1, 0, 1)),
      seq bigint not null default nextval('opinion_maps_vote_seq'),
      primary key (participant_id, statement_id)
    )`.execute(db);
  await sql`create index opinion_maps_vote_map_seq on opinion_maps_vote (map_id, seq)`.execute(db);
  await sql`create index opinion_maps_vote_statement on opinion_maps_vote (statement_id)`.execute(db);
  await sql`
    create table opinion_maps_result (
      map_id integer primary key references opinion_maps_map(id) on delete cascade,
      organisation_id integer not null references core_organisation(id),
      seq bigint not null,
      votes integer not null,
      computed_at timestamptz not null default now(),
      result jsonb not null
    )`.execute(db);
}
