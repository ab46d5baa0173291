import { sql, type Kysely } from 'kysely';

/**
 * The step-by-step report dialogue of a Telegram bot: one row per chat while a resident files a report
 * (category, place, photo, description), kept in the database so that any server process can answer the
 * next message and a restart loses nothing. The row is deleted when the report is filed or cancelled.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table inbox_telegram_dialogue (
      organisation_id integer not null references core_organisation(id),
      channel_id integer not null references inbox_channel(id) on delete cascade,
      chat_id text not null,
      step text not null check (step in ('category', 'place', 'photo', 'description')),
      language text not null,
      category_code text,
      lat double precision check (lat between -90 and 90),
      lng double precision check (lng between -180 and 180),
      address text,
      photo_file_id text,
      updated_at timestamptz not null default now(),
      primary key (channel_id, chat_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists inbox_telegram_dialogue`.execute(db);
}
