import { sql, type Kysely } from 'kysely';

/**
 * The inbox: everything residents say on every channel, stored once and answered where it came from.
 *
 * - A channel is one configured source (the city's e-mail address, its Telegram bot, a Mastodon account,
 *   a Facebook page, a news feed, an import, the contact form). Its credentials are kept encrypted.
 * - An author is a person as a channel knows them (an e-mail address, a Telegram user, a Mastodon account).
 * - A conversation is a thread on one channel; a message belongs to one conversation, incoming or outgoing.
 *   A delivered message is stored once: (channel, external id) is unique, so polling twice or a webhook
 *   delivered twice stores nothing new.
 * - Analysis (language, sentiment, topic, district) is written on the message by a job; staff corrections
 *   are kept as labelled examples the city's classifier learns from.
 * - Codes (qualitative coding), topics, answer templates, saved views, listening alerts and the retention
 *   setting belong to the city.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table inbox_channel (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      kind text not null check (kind in ('email', 'telegram', 'mastodon', 'facebook', 'instagram', 'feed', 'import', 'webhook', 'web')),
      name text not null check (length(name) between 1 and 120),
      settings jsonb not null default '{}',
      secrets text,
      enabled boolean not null default true,
      status text not null default 'new' check (status in ('new', 'ok', 'failing')),
      last_error text,
      failures integer not null default 0,
      cursor jsonb,
      last_polled_at timestamptz,
      last_received_at timestamptz,
      created_at timestamptz not null default now(),
      archived_at timestamptz
    )`.execute(db);
  await sql`create index inbox_channel_organisation on inbox_channel (organisation_id, kind)`.execute(db);

  await sql`
    create table inbox_author (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      channel_kind text not null,
      external_id text not null,
      display_name text,
      handle text,
      email text,
      user_id integer references core_user(id) on delete set null,
      created_at timestamptz not null default now(),
      erased_at timestamptz,
      constraint inbox_author_one_per_channel unique (organisation_id, channel_kind, external_id)
    )`.execute(db);
  await sql`create index inbox_author_user on inbox_author (user_id) where user_id is not null`.execute(db);
  await sql`create index inbox_author_email on inbox_author (organisation_id, lower(email)) where email is not null`.execute(
    db,
  );

  await sql`
    create table inbox_conversation (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      channel_id integer not null references inbox_channel(id),
      thread_key text not null,
      author_id integer references inbox_author(id) on delete set null,
      subject text,
      status text not null default 'new' check (status in ('new', 'open', 'waiting', 'done')),
      department_id integer references core_department(id) on delete set null,
      assignee_id integer references core_user(id) on delete set null,
      report_id integer,
      proposal_id integer,
      message_count integer not null default 0,
      first_message_at timestamptz not null,
      last_message_at timestamptz not null,
      last_incoming_at timestamptz,
      first_response_at timestamptz,
      done_at timestamptz,
      created_at timestamptz not null default now(),
      constraint inbox_conversation_one_per_thread unique (channel_id, thread_key)
    )`.execute(db);
  await sql`create index inbox_conversation_queue on inbox_conversation (organisation_id, status, last_message_at desc)`.execute(
    db,
  );
  await sql`create index inbox_conversation_department on inbox_conversation (organisation_id, department_id, status)`.execute(
    db,
  );
  await sql`create index inbox_conversation_assignee on inbox_conversation (assignee_id, status) where assignee_id is not null`.execute(
    db,
  );
  await sql`create index inbox_conversation_author on inbox_conversation (author_id)`.execute(db);

  await sql`
    create table inbox_message (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      conversation_id integer not null references inbox_conversation(id) on delete cascade,
      channel_id integer not null references inbox_channel(id),
      direction text not null check (direction in ('in', 'out')),
      external_id text,
      in_reply_to text,
      author_id integer references inbox_author(id) on delete set null,
      sent_by integer references core_user(id) on delete set null,
      subject text,
      body text not null check (length(body) <= 20000),
      url text,
      lat double precision check (lat between -90 and 90),
      lng double precision check (lng between -180 and 180),
      attachments jsonb not null default '[]',
      raw jsonb,
      sent_at timestamptz not null,
      received_at timestamptz not null default now(),
      delivery text check (delivery in ('queued', 'sent', 'failed')),
      delivery_error text,
      language text,
      language_confidence real,
      sentiment text check (sentiment in ('negative', 'neutral', 'positive')),
      sentiment_score real,
      sentiment_by integer references core_user(id) on delete set null,
      topic text,
      topic_by integer references core_user(id) on delete set null,
      district_id integer references places_district(id) on delete set null,
      place text,
      analysed_at timestamptz,
      erased_at timestamptz,
      check ((direction = 'in') = (delivery is null))
    )`.execute(db);
  await sql`create unique index inbox_message_once on inbox_message (channel_id, external_id) where external_id is not null`.execute(
    db,
  );
  await sql`create index inbox_message_conversation on inbox_message (conversation_id, sent_at)`.execute(db);
  await sql`create index inbox_message_listening on inbox_message (organisation_id, sent_at) where direction = 'in'`.execute(
    db,
  );
  await sql`create index inbox_message_unanalysed on inbox_message (id) where analysed_at is null and direction = 'in'`.execute(
    db,
  );
  await sql`create index inbox_message_author on inbox_message (author_id)`.execute(db);
  await sql`create index inbox_message_outbox on inbox_message (id) where delivery = 'queued'`.execute(db);

  await sql`
    create table inbox_topic (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      key text not null check (key ~ '^[a-z][a-z0-9_-]{0,39}$'),
      names jsonb not null,
      keywords jsonb not null default '{}',
      department_id integer references core_department(id) on delete set null,
      archived_at timestamptz,
      constraint inbox_topic_key unique (organisation_id, key)
    )`.execute(db);

  await sql`
    create table inbox_classifier_example (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      kind text not null check (kind in ('sentiment', 'topic')),
      language text not null,
      text text not null,
      label text not null,
      message_id bigint references inbox_message(id) on delete set null,
      created_by integer references core_user(id) on delete set null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index inbox_classifier_example_city on inbox_classifier_example (organisation_id, kind, id)`.execute(
    db,
  );

  await sql`
    create table inbox_template (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      name text not null check (length(name) between 1 and 120),
      texts jsonb not null,
      archived_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table inbox_saved_view (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      user_id integer not null references core_user(id) on delete cascade,
      name text not null check (length(name) between 1 and 80),
      filters jsonb not null,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table inbox_code (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      parent_id integer references inbox_code(id) on delete set null,
      name text not null check (length(name) between 1 and 80),
      description text,
      archived_at timestamptz,
      created_at timestamptz not null default now(),
      constraint inbox_code_name unique (organisation_id, name)
    )`.execute(db);

  await sql`
    create table inbox_message_code (
      organisation_id integer not null references core_organisation(id),
      message_id bigint not null references inbox_message(id) on delete cascade,
      code_id integer not null references inbox_code(id) on delete cascade,
      coded_by integer references core_user(id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (message_id, code_id)
    )`.execute(db);
  await sql`create index inbox_message_code_code on inbox_message_code (code_id)`.execute(db);

  await sql`
    create table inbox_alert (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      kind text not null check (kind in ('volume', 'negative')),
      district_id integer references places_district(id) on delete cascade,
      topic text,
      window_start timestamptz not null,
      window_end timestamptz not null,
      observed real not null,
      expected real not null,
      acknowledged_at timestamptz,
      acknowledged_by integer references core_user(id) on delete set null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index inbox_alert_once on inbox_alert (organisation_id, kind, coalesce(district_id, 0), coalesce(topic, ''), window_start)`.execute(
    db,
  );

  await sql`
    create table inbox_setting (
      organisation_id integer primary key references core_organisation(id),
      retention_days integer not null default 365 check (retention_days between 7 and 3650),
      first_response_goal_hours integer not null default 48 check (first_response_goal_hours between 1 and 720)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'inbox_setting',
    'inbox_alert',
    'inbox_message_code',
    'inbox_code',
    'inbox_saved_view',
    'inbox_template',
    'inbox_classifier_example',
    'inbox_topic',
    'inbox_message',
    'inbox_conversation',
    'inbox_author',
    'inbox_channel',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
