import { sql, type Kysely } from 'kysely';

/**
 * Approval, versions, outside review, the emergency path and what the publishing job needs beyond the
 * first tables: the steps a department's posts go through (each step approved by the members of a
 * department or by named users), the versions of a post's texts (to show what changed), decisions and
 * comments, review links for someone without an account, the pictures' bytes, and delivery checks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table publishing_approval_step (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      -- null: the steps of posts without a department (and of departments with no steps of their own)
      department_id integer references core_department(id),
      position integer not null,
      name text not null,
      approver_department_id integer references core_department(id),
      approver_user_ids integer[] not null default '{}',
      unique (organisation_id, department_id, position)
    )`.execute(db);
  await sql`
    alter table publishing_post
      add column approval_position integer not null default 0,
      add column emergency_started_by integer references core_user(id) on delete set null,
      add column emergency_started_at timestamptz,
      add column emergency_confirmed_by integer references core_user(id) on delete set null,
      add column review_afterwards boolean not null default false`.execute(db);
  await sql`
    create table publishing_post_version (
      organisation_id integer not null references core_organisation(id),
      post_id integer not null references publishing_post(id) on delete cascade,
      version integer not null,
      texts jsonb not null,
      author_id integer references core_user(id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (post_id, version)
    )`.execute(db);
  await sql`
    create table publishing_review_link (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      post_id integer not null references publishing_post(id) on delete cascade,
      token_hash text not null unique,
      reviewer_name text not null,
      expires_at timestamptz not null,
      created_by integer references core_user(id) on delete set null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table publishing_decision (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      post_id integer not null references publishing_post(id) on delete cascade,
      version integer not null,
      position integer,
      user_id integer references core_user(id) on delete set null,
      review_link_id integer references publishing_review_link(id) on delete set null,
      decision text not null check (decision in ('approved', 'changes_requested', 'comment', 'submitted',
        'emergency_started', 'emergency_confirmed')),
      comment text not null default '',
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index publishing_decision_post on publishing_decision (post_id, id)`.execute(db);
  await sql`alter table publishing_media add column data bytea`.execute(db);
  await sql`alter table publishing_delivery add column checks integer not null default 0`.execute(db);
  await sql`create index publishing_post_pinned on publishing_post (organisation_id, pinned_until) where crisis`.execute(
    db,
  );
}
