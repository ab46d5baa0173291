import { sql, type Kysely } from 'kysely';

/**
 * The city's own voice: posts written once (a master text per language), delivered to destinations
 * (accounts, actors, lists) through the channels' adapters, one delivery row per post, destination and
 * language, so a publish is recorded before it is attempted and never repeated blindly.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table publishing_campaign (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      slug text not null,
      name jsonb not null,
      goal jsonb not null default '{}',
      starts_on date,
      ends_on date,
      hashtags text[] not null default '{}',
      utm_source text,
      utm_medium text,
      utm_campaign text,
      created_at timestamptz not null default now(),
      archived_at timestamptz,
      unique (organisation_id, slug)
    )`.execute(db);
  await sql`
    create table publishing_post (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      department_id integer references core_department(id),
      campaign_id integer references publishing_campaign(id),
      author_id integer references core_user(id) on delete set null,
      kind text not null default 'post' check (kind in ('post', 'article', 'alert')),
      state text not null default 'draft'
        check (state in ('draft', 'in_review', 'changes_requested', 'approved', 'scheduled', 'publishing',
                         'published', 'withdrawn')),
      slug text not null,
      content_warning jsonb not null default '{}',
      scheduled_at timestamptz,
      published_at timestamptz,
      crisis boolean not null default false,
      pinned_until timestamptz,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (organisation_id, slug)
    )`.execute(db);
  await sql`create index publishing_post_calendar on publishing_post (organisation_id, (coalesce(published_at, scheduled_at)))`.execute(
    db,
  );
  await sql`create index publishing_post_due on publishing_post (scheduled_at) where state = 'scheduled'`.execute(db);
  await sql`
    create table publishing_post_text (
      organisation_id integer not null references core_organisation(id),
      post_id integer not null references publishing_post(id) on delete cascade,
      language text not null,
      title text,
      body text not null,
      primary key (post_id, language)
    )`.execute(db);
  await sql`
    create table publishing_media (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      post_id integer not null references publishing_post(id) on delete cascade,
      position integer not null default 0,
      storage_key text not null,
      content_type text not null,
      width integer,
      height integer,
      bytes integer not null,
      alt jsonb not null default '{}'
    )`.execute(db);
  await sql`create index publishing_media_post on publishing_media (post_id, position)`.execute(db);
  await sql`
    create table publishing_destination (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      kind text not null,
      key text not null,
      name text not null,
      department_id integer references core_department(id),
      inbox_channel_id integer references inbox_channel(id),
      settings jsonb not null default '{}',
      secrets text,
      enabled boolean not null default true,
      created_at timestamptz not null default now(),
      archived_at timestamptz,
      unique (organisation_id, kind, key)
    )`.execute(db);
  await sql`
    create table publishing_variant (
      organisation_id integer not null references core_organisation(id),
      post_id integer not null references publishing_post(id) on delete cascade,
      destination_id integer not null references publishing_destination(id),
      language text not null,
      body text not null,
      primary key (post_id, destination_id, language)
    )`.execute(db);
  await sql`
    create table publishing_post_destination (
      organisation_id integer not null references core_organisation(id),
      post_id integer not null references publishing_post(id) on delete cascade,
      destination_id integer not null references publishing_destination(id),
      primary key (post_id, destination_id)
    )`.execute(db);
  await sql`
    create table publishing_delivery (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      post_id integer not null references publishing_post(id) on delete cascade,
      destination_id integer not null references publishing_destination(id),
      language text not null,
      state text not null default 'pending'
        check (state in ('pending', 'publishing', 'uncertain', 'processing', 'published', 'failed', 'removed')),
      idempotency_key text not null unique,
      remote_id text,
      remote_url text,
      adapter_state jsonb not null default '{}',
      attempts integer not null default 0,
      last_error text,
      next_check_at timestamptz,
      published_at timestamptz,
      metrics jsonb not null default '{}',
      metrics_at timestamptz,
      created_at timestamptz not null default now(),
      unique (post_id, destination_id, language)
    )`.execute(db);
  await sql`create index publishing_delivery_remote on publishing_delivery (destination_id, remote_id) where remote_id is not null`.execute(
    db,
  );
  await sql`create index publishing_delivery_open on publishing_delivery (next_check_at) where state in ('pending', 'uncertain', 'processing')`.execute(
    db,
  );
}
