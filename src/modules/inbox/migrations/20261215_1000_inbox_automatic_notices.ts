import { sql, type Kysely } from 'kysely';

/**
 * Automatic notices are the city's, not a person's, and a failed delivery is not an answer.
 *
 * - `inbox_message.automatic`: an outgoing message the platform wrote (a report's or proposal's change
 *   told to its author), sent in nobody's name (`sent_by` null). It does not count as a first response
 *   and does not make the conversation wait for the resident.
 * - `inbox_conversation.delivery_failed_at`: when an answer or notice of the conversation last failed
 *   to be delivered, until a staff member answers again; the inbox marks and filters these.
 *
 * Notices sent before were written in the name of whoever last answered (or the first administrator):
 * they become automatic, and the first-response time, status and delivery mark of the conversations
 * concerned are worked out again from the answers staff really sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table inbox_message add column automatic boolean not null default false`.execute(db);
  await sql`alter table inbox_conversation add column delivery_failed_at timestamptz`.execute(db);
  await settleEarlierNotices(db);
  await sql`
    alter table inbox_message add constraint inbox_message_automatic_is_the_citys
      check (not automatic or (direction = 'out' and sent_by is null))`.execute(db);
  await sql`
    create index inbox_conversation_delivery_failed on inbox_conversation (organisation_id, last_message_at desc)
    where delivery_failed_at is not null`.execute(db);
}

/**
 * The notices sent before become the city's, and the conversations with a notice or a failed delivery
 * get their first response, status and delivery mark from the answers staff really had delivered.
 * Safe to run again: it works the marks out from the messages each time.
 */
export async function settleEarlierNotices(db: Kysely<unknown>): Promise<void> {
  await sql`
    update inbox_message set automatic = true, sent_by = null
    where id in (select message_id from inbox_report_notice where message_id is not null)`.execute(db);
  await sql`
    update inbox_conversation c set
      first_response_at = (
        select min(m.sent_at) from inbox_message m
        where m.conversation_id = c.id and m.direction = 'out' and not m.automatic and m.delivery <> 'failed'),
      status = case
        when c.status = 'waiting' and not exists (
          select 1 from inbox_message m
          where m.conversation_id = c.id and m.direction = 'out' and not m.automatic and m.delivery <> 'failed'
            and m.sent_at >= coalesce(c.last_incoming_at, c.first_message_at))
        then 'open' else c.status end,
      delivery_failed_at = (
        select max(m.sent_at) from inbox_message m
        where m.conversation_id = c.id and m.delivery = 'failed'
          and not exists (
            select 1 from inbox_message s
            where s.conversation_id = c.id and s.direction = 'out' and not s.automatic and s.id > m.id))
    where exists (
      select 1 from inbox_message m
      where m.conversation_id = c.id and m.direction = 'out' and (m.automatic or m.delivery = 'failed'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists inbox_conversation_delivery_failed`.execute(db);
  await sql`alter table inbox_message drop constraint if exists inbox_message_automatic_is_the_citys`.execute(db);
  await sql`alter table inbox_conversation drop column if exists delivery_failed_at`.execute(db);
  await sql`alter table inbox_message drop column if exists automatic`.execute(db);
}
