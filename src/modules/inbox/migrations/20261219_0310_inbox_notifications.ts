import { sql, type Kysely } from 'kysely';

/**
 * Notifications of staff in the inbox (a mention, an assignment, a new message for one's department),
 * read in the page, and the place up to which new messages were told (per city).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table inbox_notification (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      user_id integer not null references core_user(id) on delete cascade,
      kind text not null check (kind in ('mention', 'assignment', 'new_message')),
      conversation_id integer not null references inbox_conversation(id) on delete cascade,
      actor_id integer references core_user(id) on delete set null,
      created_at timestamptz not null default now(),
      read_at timestamptz
    )`.execute(db);
  await sql`create index inbox_notification_unread on inbox_notification (user_id, id) where read_at is null`.execute(
    db,
  );
  await sql`create index inbox_notification_user on inbox_notification (user_id, id)`.execute(db);
  await sql`
    create table inbox_notification_cursor (
      organisation_id integer primary key references core_organisation(id),
      last_message_id integer not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists inbox_notification_cursor`.execute(db);
  await sql`drop table if exists inbox_notification`.execute(db);
}
