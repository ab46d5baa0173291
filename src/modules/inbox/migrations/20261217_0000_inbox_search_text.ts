import { sql, type Kysely } from 'kysely';

/**
 * Searching the staff inbox at 100,000 conversations (issue 14). A search matched the messages, the
 * subject and the author in three tables, so counting a common word's matches by status had to read every
 * match (12,500 at 100,000 conversations) and join it to its conversation.
 *
 * - `search_text`: what a search reads of a conversation, on the conversation itself — its author's name,
 *   address and handle, its subject and the text of each of its messages, one piece after another with
 *   U+001F between them (the unit separator: removed from the pieces, so that no searched text matches
 *   across two of them). Kept by triggers whatever writes the messages, the author or the subject.
 * - One GIN index on city and status (one key, `'<city> <status>'`) and the trigrams of `search_text`
 *   (btree_gin and pg_trgm: PostgreSQL's contrib, loaded by the platform into PGlite): a status's matches
 *   come from the index alone, so a count stops after the cap however many conversations of other
 *   statuses hold the text. The key is an expression no other index has, so the planner cannot prefer
 *   the city's or a status's btree and filter every row of it (it did when statistics were stale).
 * - The trigram indexes of message texts, subjects and authors go: nothing else reads them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists btree_gin`.execute(db);
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`alter table inbox_conversation add column search_text text not null default ''`.execute(db);
  // The document of one conversation, from its author, subject and messages (oldest first).
  await sql`
    create function inbox_search_text(conversation bigint, subject text, author bigint) returns text
    language sql stable as $$
      select concat_ws(chr(31),
        (select replace(coalesce(w.display_name, '') || ' ' || coalesce(w.email, '') || ' ' || coalesce(w.handle, ''), chr(31), ' ')
           from inbox_author w where w.id = author),
        replace(subject, chr(31), ' '),
        (select string_agg(replace(m.body, chr(31), ' '), chr(31) order by m.id)
           from inbox_message m where m.conversation_id = conversation))
    $$`.execute(db);
  await sql`
    update inbox_conversation set search_text = inbox_search_text(id, subject, author_id)`.execute(db);

  // A conversation written or given another subject or author.
  await sql`
    create function inbox_conversation_search_text() returns trigger language plpgsql as $$
    begin
      new.search_text := inbox_search_text(new.id, new.subject, new.author_id);
      return new;
    end $$`.execute(db);
  await sql`
    create trigger inbox_conversation_search_text before insert or update of subject, author_id on inbox_conversation
      for each row execute function inbox_conversation_search_text()`.execute(db);

  // New messages: their texts added at the end, once per statement (ingestion in batches, imports).
  await sql`
    create function inbox_message_search_added() returns trigger language plpgsql as $$
    begin
      update inbox_conversation c set search_text = c.search_text || a.text
        from (select conversation_id, string_agg(chr(31) || replace(body, chr(31), ' '), '' order by id) as text
                from added group by conversation_id) a
       where c.id = a.conversation_id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger inbox_message_search_added after insert on inbox_message
      referencing new table as added for each statement execute function inbox_message_search_added()`.execute(db);

  // A message's text changed (erasure) or moved, or messages removed: their conversations written again.
  await sql`
    create function inbox_message_search_changed() returns trigger language plpgsql as $$
    begin
      update inbox_conversation c set search_text = inbox_search_text(c.id, c.subject, c.author_id)
       where c.id in (new.conversation_id, old.conversation_id);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger inbox_message_search_changed after update of body, conversation_id on inbox_message
      for each row when (old.body is distinct from new.body or old.conversation_id is distinct from new.conversation_id)
      execute function inbox_message_search_changed()`.execute(db);
  await sql`
    create function inbox_message_search_removed() returns trigger language plpgsql as $$
    begin
      update inbox_conversation c set search_text = inbox_search_text(c.id, c.subject, c.author_id)
       where c.id in (select conversation_id from removed);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger inbox_message_search_removed after delete on inbox_message
      referencing old table as removed for each statement execute function inbox_message_search_removed()`.execute(db);

  // An author's name, address or handle changed (erasure too): each of their conversations.
  await sql`
    create function inbox_author_search_changed() returns trigger language plpgsql as $$
    begin
      update inbox_conversation c set search_text = inbox_search_text(c.id, c.subject, c.author_id)
       where c.author_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger inbox_author_search_changed after update of display_name, email, handle on inbox_author
      for each row when ((old.display_name, old.email, old.handle) is distinct from (new.display_name, new.email, new.handle))
      execute function inbox_author_search_changed()`.execute(db);

  await sql`
    create index inbox_conversation_search on inbox_conversation
      using gin ((organisation_id::text || ' ' || status), search_text gin_trgm_ops)`.execute(db);
  await sql`drop index if exists inbox_message_body_trigrams`.execute(db);
  await sql`drop index if exists inbox_conversation_subject_trigrams`.execute(db);
  await sql`drop index if exists inbox_author_text_trigrams`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index inbox_message_body_trigrams on inbox_message using gin (body gin_trgm_ops)`.execute(db);
  await sql`create index inbox_conversation_subject_trigrams on inbox_conversation using gin (subject gin_trgm_ops)`.execute(
    db,
  );
  await sql`create index inbox_author_text_trigrams on inbox_author using gin ((coalesce(display_name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(handle, '')) gin_trgm_ops)`.execute(
    db,
  );
  await sql`drop index if exists inbox_conversation_search`.execute(db);
  await sql`drop trigger if exists inbox_author_search_changed on inbox_author`.execute(db);
  await sql`drop trigger if exists inbox_message_search_removed on inbox_message`.execute(db);
  await sql`drop trigger if exists inbox_message_search_changed on inbox_message`.execute(db);
  await sql`drop trigger if exists inbox_message_search_added on inbox_message`.execute(db);
  await sql`drop trigger if exists inbox_conversation_search_text on inbox_conversation`.execute(db);
  await sql`drop function if exists inbox_author_search_changed()`.execute(db);
  await sql`drop function if exists inbox_message_search_removed()`.execute(db);
  await sql`drop function if exists inbox_message_search_changed()`.execute(db);
  await sql`drop function if exists inbox_message_search_added()`.execute(db);
  await sql`drop function if exists inbox_conversation_search_text()`.execute(db);
  await sql`drop function if exists inbox_search_text(bigint, text, bigint)`.execute(db);
  await sql`alter table inbox_conversation drop column if exists search_text`.execute(db);
}
