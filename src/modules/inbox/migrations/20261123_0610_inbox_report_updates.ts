import { sql, type Kysely } from 'kysely';

/**
 * What the inbox has told a conversation's author about the report (or proposal) their message became:
 * one row per public history line and conversation, written in the same transaction as the answer that
 * tells it, so each line is told exactly once however often (and on however many workers) the job runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table inbox_report_notice (
      organisation_id integer not null references core_organisation(id),
      conversation_id integer not null references inbox_conversation(id) on delete cascade,
      subject_type text not null check (subject_type in ('report', 'proposal')),
      update_id bigint not null,
      message_id bigint references inbox_message(id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (conversation_id, subject_type, update_id)
    )`.execute(db);
  await sql`create index inbox_conversation_report on inbox_conversation (organisation_id, report_id) where report_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists inbox_conversation_report`.execute(db);
  await sql`drop table if exists inbox_report_notice`.execute(db);
}
