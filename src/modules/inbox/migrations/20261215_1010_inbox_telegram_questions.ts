import { sql, type Kysely } from 'kysely';

/**
 * The Telegram bot asks a category's questions, keeps the resident's photo, and files the report as one
 * item of the chat's conversation.
 *
 * - `inbox_telegram_dialogue`: the step `question` (which one: `question_index`), the answers so far,
 *   the token under which the reports module keeps the photo until the report is filed, and the last
 *   update of the chat the dialogue took (Telegram delivers an update again when it did not get an
 *   answer in time: a repeated one is not taken twice).
 * - `inbox_message.report_id`: the report an incoming message filed (the bot's dialogue, stored as one
 *   message when the report is filed); the bot's `/status` lists the reports of the chat through it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table inbox_telegram_dialogue drop constraint if exists inbox_telegram_dialogue_step_check`.execute(
    db,
  );
  await sql`
    alter table inbox_telegram_dialogue add constraint inbox_telegram_dialogue_step_check
      check (step in ('category', 'question', 'place', 'photo', 'description'))`.execute(db);
  await sql`alter table inbox_telegram_dialogue add column question_index integer not null default 0`.execute(db);
  await sql`alter table inbox_telegram_dialogue add column answers jsonb not null default '{}'`.execute(db);
  await sql`alter table inbox_telegram_dialogue add column photo_token text`.execute(db);
  await sql`alter table inbox_telegram_dialogue add column last_update_id bigint`.execute(db);
  await sql`alter table inbox_message add column report_id integer`.execute(db);
  await sql`create index inbox_message_report on inbox_message (conversation_id, report_id) where report_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists inbox_message_report`.execute(db);
  await sql`alter table inbox_message drop column if exists report_id`.execute(db);
  await sql`alter table inbox_telegram_dialogue drop column if exists last_update_id`.execute(db);
  await sql`alter table inbox_telegram_dialogue drop column if exists photo_token`.execute(db);
  await sql`alter table inbox_telegram_dialogue drop column if exists answers`.execute(db);
  await sql`alter table inbox_telegram_dialogue drop column if exists question_index`.execute(db);
}
