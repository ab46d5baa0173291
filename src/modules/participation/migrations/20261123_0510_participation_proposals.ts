import { sql, type Kysely } from 'kysely';

/**
 * Proposals, their supports and followers.
 *
 * One support per resident and proposal is a UNIQUE constraint, so repeated or racing requests can
 * never count twice; `supports_count` is kept in the same transaction as the support row. When an
 * account is erased its supports stay counted with `user_id` set to null (no person, same total).
 *
 * Lists are read through one index per sort order — newest (id), most supported (supports_count, id),
 * random (random_key, id: a visitor's seed picks where the walk through the keys starts) — so a page
 * of 20 out of 10,000 proposals is an index range scan whatever the sort.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table participation_proposal (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      process_id integer not null references participation_process(id) on delete cascade,
      author_id integer references core_user(id) on delete set null,
      title text not null check (length(title) between 1 and 200),
      body text not null check (length(body) between 1 and 10000),
      category text not null,
      district_id integer references places_district(id),
      lat double precision check (lat between -90 and 90),
      lng double precision check (lng between -180 and 180),
      status text not null default 'published' check (status in ('published', 'threshold_reached', 'evaluating', 'accepted', 'rejected', 'withdrawn')),
      supports_count integer not null default 0 check (supports_count >= 0),
      threshold integer not null check (threshold >= 1),
      support_deadline timestamptz not null,
      threshold_reached_at timestamptz,
      answer_due_at timestamptz,
      answer_text text,
      answered_at timestamptz,
      answered_by integer references core_user(id) on delete set null,
      withdrawn_at timestamptz,
      hidden_at timestamptz,
      hidden_reason text,
      random_key integer not null,
      created_at timestamptz not null default now(),
      check ((lat is null) = (lng is null))
    )`.execute(db);
  await sql`create index participation_proposal_newest on participation_proposal (organisation_id, id desc)`.execute(
    db,
  );
  await sql`create index participation_proposal_supports on participation_proposal (organisation_id, supports_count desc, id desc)`.execute(
    db,
  );
  await sql`create index participation_proposal_random on participation_proposal (organisation_id, random_key, id)`.execute(
    db,
  );
  await sql`create index participation_proposal_author on participation_proposal (author_id)`.execute(db);
  await sql`create index participation_proposal_answer_due on participation_proposal (organisation_id, answer_due_at) where status = 'threshold_reached'`.execute(
    db,
  );

  await sql`
    create table participation_support (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      proposal_id integer not null references participation_proposal(id) on delete cascade,
      user_id integer references core_user(id) on delete set null,
      created_at timestamptz not null default now(),
      constraint participation_support_one_per_resident unique (proposal_id, user_id)
    )`.execute(db);
  await sql`create index participation_support_user on participation_support (user_id, proposal_id)`.execute(db);

  await sql`
    create table participation_follow (
      organisation_id integer not null references core_organisation(id),
      proposal_id integer not null references participation_proposal(id) on delete cascade,
      user_id integer not null references core_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (proposal_id, user_id)
    )`.execute(db);
  await sql`create index participation_follow_user on participation_follow (user_id)`.execute(db);
}
