import { sql, type Kysely } from 'kysely';

/**
 * The city's e-mail newsletter: subscribers (double opt-in, languages, departments), the city's schedule,
 * the posts waiting for the next digest, the digests sent and one row per mail sent (to read bounces).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table newsletter_settings (
      organisation_id integer primary key references core_organisation(id),
      frequency text not null default 'weekly' check (frequency in ('weekly', 'daily')),
      weekday smallint not null default 1 check (weekday between 1 and 7),
      hour smallint not null default 8 check (hour between 0 and 23),
      last_digest_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table newsletter_subscriber (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      email text not null,
      user_id integer references core_user(id) on delete set null,
      languages text[] not null,
      department_ids integer[] not null default '{}',
      status text not null default 'pending' check (status in ('pending', 'confirmed', 'bounced')),
      token_salt text not null,
      confirm_token_hash text,
      confirm_expires_at timestamptz,
      soft_bounces integer not null default 0,
      bounced_at timestamptz,
      created_at timestamptz not null default now(),
      confirmed_at timestamptz,
      unique (organisation_id, email)
    )`.execute(db);
  await sql`create unique index newsletter_subscriber_confirm on newsletter_subscriber (confirm_token_hash) where confirm_token_hash is not null`.execute(
    db,
  );
  await sql`create index newsletter_subscriber_user on newsletter_subscriber (user_id) where user_id is not null`.execute(
    db,
  );
  await sql`
    create table newsletter_digest (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      language text not null,
      kind text not null check (kind in ('digest', 'crisis')),
      items integer not null,
      recipients integer not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index newsletter_digest_recent on newsletter_digest (organisation_id, created_at desc)`.execute(db);
  await sql`
    create table newsletter_item (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      delivery_id integer not null,
      post_id integer not null,
      language text not null,
      title text,
      body text not null,
      url text not null,
      image_url text,
      image_alt text,
      department_id integer,
      crisis boolean not null default false,
      digest_id integer references newsletter_digest(id),
      published_at timestamptz not null,
      created_at timestamptz not null default now(),
      unique (organisation_id, delivery_id)
    )`.execute(db);
  await sql`create index newsletter_item_waiting on newsletter_item (organisation_id) where digest_id is null`.execute(
    db,
  );
  await sql`
    create table newsletter_send (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      digest_id integer not null references newsletter_digest(id),
      subscriber_id integer not null references newsletter_subscriber(id) on delete cascade,
      mail_id integer not null,
      bounce_checked boolean not null default false,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index newsletter_send_unchecked on newsletter_send (mail_id) where not bounce_checked`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'newsletter_send',
    'newsletter_item',
    'newsletter_digest',
    'newsletter_subscriber',
    'newsletter_settings',
  ])
    await sql`drop table ${sql.table(table)}`.execute(db);
}
