import { sql, type Kysely } from 'kysely';

/**
 * The staff inbox list at 100,000 conversations (issue 14). The list showed each conversation's first
 * incoming message through a LATERAL subquery, evaluated for every conversation before sorting, and
 * counting by status evaluated it for every conversation too: 0.6–1 s at 10,000 conversations.
 *
 * - `first_incoming_id`: the conversation's earliest incoming message, kept by ingestion, so the list
 *   joins it by primary key for the page it shows; and that message's analysis (language, sentiment,
 *   topic, district) copied on the conversation, kept by a trigger, so filtering and counting read the
 *   conversations alone.
 * - The newest-first order of the whole city and of one status as indexes, ties broken by id like the
 *   list's keyset cursor, so a page reads 51 index entries, not every conversation.
 * - Trigram indexes on message texts, conversation subjects and authors' names, addresses and handles,
 *   so searching the inbox for letters typed anywhere (`ILIKE '%…%'`, in any language) reads the
 *   indexes, not every message (pg_trgm: PostgreSQL's contrib, loaded by the platform into PGlite).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table inbox_conversation
      add column first_incoming_id bigint,
      add column first_language text,
      add column first_sentiment text,
      add column first_topic text,
      add column first_district_id integer`.execute(db);
  await sql`
    update inbox_conversation c set (first_incoming_id, first_language, first_sentiment, first_topic, first_district_id) = (
      select m.id, m.language, m.sentiment, m.topic, m.district_id from inbox_message m
       where m.conversation_id = c.id and m.direction = 'in'
       order by m.sent_at, m.id limit 1)`.execute(db);
  // Whatever changes the first message's analysis (the analysis job, a staff correction, learning that
  // re-analyses open messages) changes the conversation's copy in the same statement.
  await sql`
    create function inbox_conversation_first_labels() returns trigger language plpgsql as $$
    begin
      update inbox_conversation
         set first_language = new.language, first_sentiment = new.sentiment, first_topic = new.topic,
             first_district_id = new.district_id
       where id = new.conversation_id and first_incoming_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger inbox_message_first_labels
      after update of language, sentiment, topic, district_id on inbox_message
      for each row
      when (new.direction = 'in' and (old.language, old.sentiment, old.topic, old.district_id)
            is distinct from (new.language, new.sentiment, new.topic, new.district_id))
      execute function inbox_conversation_first_labels()`.execute(db);
  await sql`create index inbox_conversation_recent on inbox_conversation (organisation_id, last_message_at desc, id desc)`.execute(
    db,
  );
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create index inbox_message_body_trigrams on inbox_message using gin (body gin_trgm_ops)`.execute(db);
  await sql`create index inbox_conversation_subject_trigrams on inbox_conversation using gin (subject gin_trgm_ops)`.execute(
    db,
  );
  await sql`create index inbox_author_text_trigrams on inbox_author using gin ((coalesce(display_name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(handle, '')) gin_trgm_ops)`.execute(
    db,
  );
  await sql`drop index inbox_conversation_queue`.execute(db);
  await sql`create index inbox_conversation_queue on inbox_conversation (organisation_id, status, last_message_at desc, id desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists inbox_conversation_recent`.execute(db);
  await sql`drop index if exists inbox_message_body_trigrams`.execute(db);
  await sql`drop index if exists inbox_conversation_subject_trigrams`.execute(db);
  await sql`drop index if exists inbox_author_text_trigrams`.execute(db);
  await sql`drop trigger if exists inbox_message_first_labels on inbox_message`.execute(db);
  await sql`drop function if exists inbox_conversation_first_labels()`.execute(db);
  await sql`
    alter table inbox_conversation
      drop column if exists first_incoming_id, drop column if exists first_language,
      drop column if exists first_sentiment, drop column if exists first_topic,
      drop column if exists first_district_id`.execute(db);
}
