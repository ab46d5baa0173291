import { sql, type Kysely } from 'kysely';

/**
 * Webhooks (Standard Webhooks): the city's subscriptions (an address, the event types, the sealed signing
 * secret and, during a rotation, the previous one), the cursor of each city in the event outbox, one
 * delivery per event and subscription (the exact body, kept for retries and redelivery) and one row per
 * attempt (status, time, error).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table webhooks_subscription (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      url text not null,
      description text not null default '',
      event_types text[] not null,
      status text not null default 'active' check (status in ('active', 'paused')),
      secret_sealed text not null,
      previous_secret_sealed text,
      previous_secret_until timestamptz,
      owner_id integer references core_user(id) on delete set null,
      pause_reason text check (pause_reason in ('failing', 'manual')),
      paused_at timestamptz,
      failing_since timestamptz,
      last_success_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index webhooks_subscription_city on webhooks_subscription (organisation_id)`.execute(db);
  await sql`
    create table webhooks_cursor (
      organisation_id integer primary key references core_organisation(id),
      tx xid8 not null,
      event_id bigint not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table webhooks_delivery (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      subscription_id integer not null references webhooks_subscription(id) on delete cascade,
      message_id text not null,
      event_type text not null,
      body text not null,
      status text not null default 'pending' check (status in ('pending', 'sending', 'succeeded', 'failed')),
      attempts integer not null default 0,
      retry_step integer not null default 0,
      manual boolean not null default false,
      next_attempt_at timestamptz not null default now(),
      locked_until timestamptz,
      last_status integer,
      last_duration_ms integer,
      last_error text,
      created_at timestamptz not null default now(),
      finished_at timestamptz,
      unique (subscription_id, message_id)
    )`.execute(db);
  await sql`create index webhooks_delivery_due on webhooks_delivery (next_attempt_at) where status in ('pending', 'sending')`.execute(
    db,
  );
  await sql`create index webhooks_delivery_log on webhooks_delivery (subscription_id, id desc)`.execute(db);
  await sql`
    create table webhooks_attempt (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      delivery_id bigint not null references webhooks_delivery(id) on delete cascade,
      attempted_at timestamptz not null,
      response_status integer,
      duration_ms integer not null,
      error text
    )`.execute(db);
  await sql`create index webhooks_attempt_delivery on webhooks_attempt (delivery_id, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table webhooks_attempt`.execute(db);
  await sql`drop table webhooks_delivery`.execute(db);
  await sql`drop table webhooks_cursor`.execute(db);
  await sql`drop table webhooks_subscription`.execute(db);
}
