import { sql, type Kysely } from 'kysely';

/**
 * The fediverse: the city's news desk and departments as ActivityPub actors. Fedify's key-value store and
 * message queue live in tables here (they serve every city of the installation, so their organisation_id is
 * null unless a row belongs to one city); the actors, their followers, the objects they published, the
 * replies received and the servers a city refuses (defederated) belong to one city each.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table fediverse_kv (
      key text[] primary key,
      organisation_id integer references core_organisation(id),
      value jsonb not null,
      expires_at timestamptz
    )`.execute(db);
  await sql`create index fediverse_kv_expires on fediverse_kv (expires_at) where expires_at is not null`.execute(db);
  await sql`
    create table fediverse_queue (
      id bigserial primary key,
      organisation_id integer references core_organisation(id),
      message jsonb not null,
      ordering_key text,
      ready_at timestamptz not null default now(),
      locked_until timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index fediverse_queue_ready on fediverse_queue (ready_at, id)`.execute(db);
  await sql`create index fediverse_queue_ordering on fediverse_queue (ordering_key, id) where ordering_key is not null`.execute(
    db,
  );
  await sql`
    create table fediverse_actor (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      handle text not null,
      department_id integer references core_department(id),
      address text not null default '',
      opening_hours text not null default '',
      accessibility text not null default '',
      rsa_public jsonb not null,
      rsa_private text not null,
      ed25519_public jsonb not null,
      ed25519_private text not null,
      created_at timestamptz not null default now(),
      unique (organisation_id, handle)
    )`.execute(db);
  await sql`
    create table fediverse_follower (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      actor_id integer not null references fediverse_actor(id) on delete cascade,
      remote_actor text not null,
      remote_host text not null,
      inbox text not null,
      shared_inbox text,
      follow_id text,
      created_at timestamptz not null default now(),
      unique (actor_id, remote_actor)
    )`.execute(db);
  await sql`create index fediverse_follower_host on fediverse_follower (organisation_id, remote_host)`.execute(db);
  await sql`
    create table fediverse_following (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      actor_id integer not null references fediverse_actor(id) on delete cascade,
      remote_actor text not null,
      follow_id text not null,
      accepted_at timestamptz,
      created_at timestamptz not null default now(),
      unique (actor_id, remote_actor)
    )`.execute(db);
  await sql`
    create table fediverse_object (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      actor_id integer not null references fediverse_actor(id) on delete cascade,
      uuid text not null unique,
      post_id integer,
      delivery_id integer,
      type text not null check (type in ('Note', 'Article')),
      title text,
      content text not null,
      summary text,
      language text not null,
      url text,
      hashtags text[] not null default '{}',
      attachments jsonb not null default '[]',
      in_reply_to text,
      reply_to_actor text,
      published_at timestamptz not null,
      updated_at timestamptz,
      deleted_at timestamptz,
      unique (organisation_id, delivery_id)
    )`.execute(db);
  await sql`create index fediverse_object_actor on fediverse_object (actor_id, published_at desc)`.execute(db);
  await sql`
    create table fediverse_received (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      actor_id integer not null references fediverse_actor(id) on delete cascade,
      iri text not null,
      remote_actor text not null,
      object_id integer references fediverse_object(id) on delete set null,
      activity_type text not null,
      content text,
      received_at timestamptz not null default now(),
      deleted_at timestamptz,
      unique (organisation_id, iri)
    )`.execute(db);
  await sql`
    create table fediverse_blocked_domain (
      organisation_id integer not null references core_organisation(id),
      domain text not null,
      created_by integer references core_user(id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (organisation_id, domain)
    )`.execute(db);
  await sql`
    create table fediverse_blocked_by (
      organisation_id integer not null references core_organisation(id),
      actor_id integer not null references fediverse_actor(id) on delete cascade,
      remote_actor text not null,
      created_at timestamptz not null default now(),
      primary key (actor_id, remote_actor)
    )`.execute(db);
  // the inbox learns a channel kind: replies from the fediverse come in as conversations
  await sql`alter table inbox_channel drop constraint if exists inbox_channel_kind_check`.execute(db);
  await sql`
    alter table inbox_channel add constraint inbox_channel_kind_check
      check (kind in ('email', 'telegram', 'mastodon', 'facebook', 'instagram', 'feed', 'import', 'webhook', 'web',
                      'fediverse'))`.execute(db);
}
