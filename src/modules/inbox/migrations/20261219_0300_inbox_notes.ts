import { sql, type Kysely } from 'kysely';

/**
 * Internal notes staff write on a conversation for each other (never sent to the resident), with the
 * staff they mention. Removed with their conversation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table inbox_note (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      conversation_id integer not null references inbox_conversation(id) on delete cascade,
      author_id integer references core_user(id) on delete set null,
      body text not null,
      mentioned integer[] not null default '{}',
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index inbox_note_conversation on inbox_note (conversation_id, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists inbox_note`.execute(db);
}
