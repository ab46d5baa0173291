import { sql, type Kysely } from 'kysely';

/**
 * Residents' content, with consent (issue 15): public posts carrying a campaign's hashtag collected from
 * the city's Mastodon account and its fediverse actors; the consent asked of their authors (a one-time
 * link, or a keyword answered on the same channel); the consent itself (who, when, which post, licence,
 * until when, withdrawn when); and the authors who asked never to be asked again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table resident_content_post (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      campaign_id integer references publishing_campaign(id) on delete set null,
      source text not null check (source in ('mastodon', 'fediverse', 'instagram')),
      destination_id integer references publishing_destination(id) on delete set null,
      remote_id text not null,
      remote_url text not null,
      author_id text not null,
      author_handle text,
      author_name text,
      author_url text,
      language text,
      body text,
      media jsonb not null default '[]',
      hashtag text not null,
      posted_at timestamptz not null,
      collected_at timestamptz not null default now(),
      state text not null default 'collected' check (state in
        ('collected', 'asked', 'featured', 'declined', 'withdrawn', 'gone', 'expired', 'dismissed')),
      state_at timestamptz not null default now(),
      checked_at timestamptz,
      unique (organisation_id, source, remote_id)
    )`.execute(db);
  await sql`create index resident_content_post_state on resident_content_post (organisation_id, state, posted_at desc)`.execute(
    db,
  );
  await sql`
    create table resident_content_request (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      post_id integer not null references resident_content_post(id) on delete cascade,
      asked_by integer references core_user(id) on delete set null,
      asked_at timestamptz not null default now(),
      via text not null check (via in ('reply', 'direct')),
      sent_remote_id text,
      token_hash text not null unique,
      keyword text not null,
      licence text not null,
      months integer,
      expires_at timestamptz not null,
      answered_at timestamptz,
      answer text check (answer in ('consented', 'declined', 'never'))
    )`.execute(db);
  await sql`create index resident_content_request_post on resident_content_request (post_id)`.execute(db);
  await sql`create index resident_content_request_sent on resident_content_request (organisation_id, sent_remote_id)`.execute(
    db,
  );
  await sql`
    create table resident_content_consent (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      post_id integer not null references resident_content_post(id) on delete cascade,
      request_id integer references resident_content_request(id) on delete set null,
      author_id text not null,
      user_id integer references core_user(id) on delete set null,
      granted_at timestamptz not null default now(),
      via text not null check (via in ('link', 'keyword')),
      evidence jsonb not null,
      licence text not null,
      valid_until timestamptz,
      withdraw_token_hash text not null unique,
      withdrawn_at timestamptz,
      withdrawn_via text
    )`.execute(db);
  await sql`create index resident_content_consent_post on resident_content_consent (post_id)`.execute(db);
  await sql`create index resident_content_consent_user on resident_content_consent (user_id) where user_id is not null`.execute(
    db,
  );
  await sql`
    create table resident_content_optout (
      organisation_id integer not null references core_organisation(id),
      source text not null,
      author_id text not null,
      since timestamptz not null default now(),
      primary key (organisation_id, source, author_id)
    )`.execute(db);
  await sql`
    create table resident_content_cursor (
      organisation_id integer not null references core_organisation(id),
      destination_id integer not null references publishing_destination(id) on delete cascade,
      hashtag text not null,
      since_id text not null,
      primary key (destination_id, hashtag)
    )`.execute(db);
}
