import { sql, type Kysely } from 'kysely';

/**
 * Debates and the comments on debates and proposals. A comment may answer a top-level comment (one
 * level of replies); on a debate a top-level comment can be an argument for or against. Up and down
 * votes are one per person and comment (UNIQUE), counted on the comment in the same transaction.
 * Flags queue a comment for moderators, who hide it with a reason (and an audit line).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table participation_debate (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      process_id integer not null references participation_process(id) on delete cascade,
      author_id integer references core_user(id) on delete set null,
      title text not null check (length(title) between 1 and 200),
      body text not null check (length(body) between 1 and 10000),
      hidden_at timestamptz,
      hidden_reason text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index participation_debate_process on participation_debate (process_id, id desc)`.execute(db);
  await sql`create index participation_debate_author on participation_debate (author_id)`.execute(db);

  await sql`
    create table participation_comment (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      subject_type text not null check (subject_type in ('proposal', 'debate')),
      subject_id integer not null,
      parent_id integer references participation_comment(id) on delete cascade,
      author_id integer references core_user(id) on delete set null,
      body text not null check (length(body) between 1 and 5000),
      stance text check (stance in ('for', 'against')),
      ups integer not null default 0,
      downs integer not null default 0,
      flags integer not null default 0,
      hidden_at timestamptz,
      hidden_reason text,
      hidden_by integer references core_user(id) on delete set null,
      created_at timestamptz not null default now(),
      check (stance is null or (subject_type = 'debate' and parent_id is null))
    )`.execute(db);
  await sql`create index participation_comment_subject on participation_comment (subject_type, subject_id, created_at)`.execute(
    db,
  );
  await sql`create index participation_comment_author on participation_comment (author_id)`.execute(db);
  await sql`create index participation_comment_flagged on participation_comment (organisation_id, flags desc) where flags > 0 and hidden_at is null`.execute(
    db,
  );

  await sql`
    create table participation_comment_vote (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      comment_id integer not null references participation_comment(id) on delete cascade,
      user_id integer references core_user(id) on delete set null,
      value smallint not null check (value in (-1, 1)),
      created_at timestamptz not null default now(),
      constraint participation_comment_vote_one_per_person unique (comment_id, user_id)
    )`.execute(db);
  await sql`create index participation_comment_vote_user on participation_comment_vote (user_id)`.execute(db);

  await sql`
    create table participation_comment_flag (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      comment_id integer not null references participation_comment(id) on delete cascade,
      user_id integer references core_user(id) on delete set null,
      reason text not null,
      created_at timestamptz not null default now(),
      constraint participation_comment_flag_one_per_person unique (comment_id, user_id)
    )`.execute(db);
}
