import { sql, type Kysely } from 'kysely';

/** Organisations (cities), accounts, sessions, departments, audit log, mail outbox, jobs, API keys. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table core_organisation (
      id serial primary key,
      slug text not null unique,
      name jsonb not null,
      hosts text[] not null default '{}',
      is_default boolean not null default false,
      languages text[] not null,
      default_language text not null,
      time_zone text not null default 'Europe/Brussels',
      map_center_lat double precision not null,
      map_center_lng double precision not null,
      map_zoom integer not null default 13,
      branding jsonb not null default '{}',
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index core_organisation_one_default on core_organisation (is_default) where is_default`.execute(
    db,
  );

  await sql`
    create table core_user (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      email text,
      display_name text not null,
      password_hash text,
      language text,
      role text not null default 'resident' check (role in ('resident', 'staff', 'moderator', 'admin')),
      email_confirmed_at timestamptz,
      failed_sign_ins integer not null default 0,
      locked_until timestamptz,
      birth_year integer,
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db);
  await sql`create unique index core_user_email on core_user (organisation_id, lower(email)) where email is not null`.execute(
    db,
  );

  await sql`
    create table core_user_token (
      id text primary key,
      organisation_id integer not null references core_organisation(id),
      user_id integer not null references core_user(id) on delete cascade,
      purpose text not null check (purpose in ('confirm_email', 'reset_password')),
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index core_user_token_user on core_user_token (user_id)`.execute(db);

  await sql`
    create table core_session (
      id text primary key,
      organisation_id integer not null references core_organisation(id),
      user_id integer not null references core_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index core_session_user on core_session (user_id)`.execute(db);

  await sql`
    create table core_department (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      slug text not null,
      name jsonb not null,
      email text,
      created_at timestamptz not null default now(),
      archived_at timestamptz,
      unique (organisation_id, slug)
    )`.execute(db);

  await sql`
    create table core_department_member (
      organisation_id integer not null references core_organisation(id),
      department_id integer not null references core_department(id) on delete cascade,
      user_id integer not null references core_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (department_id, user_id)
    )`.execute(db);
  await sql`create index core_department_member_user on core_department_member (user_id)`.execute(db);

  await sql`
    create table core_audit_log (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      actor_user_id integer references core_user(id) on delete set null,
      actor_label text not null,
      action text not null,
      subject_type text not null,
      subject_id text,
      before jsonb,
      after jsonb,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index core_audit_log_recent on core_audit_log (organisation_id, created_at desc)`.execute(db);

  await sql`
    create table core_mail (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      to_address text not null,
      subject text not null,
      text_body text not null,
      status text not null check (status in ('queued', 'sent', 'outbox', 'failed')),
      error text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    )`.execute(db);
  await sql`create index core_mail_recent on core_mail (organisation_id, created_at desc)`.execute(db);

  await sql`
    create table core_job (
      id bigserial primary key,
      organisation_id integer references core_organisation(id),
      kind text not null,
      payload jsonb not null default '{}',
      status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
      run_at timestamptz not null default now(),
      attempts integer not null default 0,
      max_attempts integer not null default 5,
      locked_until timestamptz,
      last_error text,
      created_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);
  await sql`create index core_job_due on core_job (run_at) where status = 'queued'`.execute(db);
  await sql`create index core_job_running on core_job (locked_until) where status = 'running'`.execute(db);

  await sql`
    create table core_api_key (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      name text not null,
      prefix text not null unique,
      key_hash text not null,
      created_by integer references core_user(id) on delete set null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);

  await sql`
    create table core_rate_limit (
      organisation_id integer not null references core_organisation(id),
      key text not null,
      window_start timestamptz not null,
      hits integer not null,
      primary key (organisation_id, key, window_start)
    )`.execute(db);
}
