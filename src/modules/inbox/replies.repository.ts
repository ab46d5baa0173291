import { sql, type Insertable } from 'kysely';
import type { Executor, Tx } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import './inbox.schema.ts';

/** A city's conversation with its channel's kind, locked for the rest of the transaction. */
export async function lockConversationWithChannel(tx: Tx, organisationId: number, conversationId: number) {
  return tx
    .selectFrom('inbox_conversation as c')
    .innerJoin('inbox_channel as ch', 'ch.id', 'c.channel_id')
    .select(['c.id', 'c.channel_id', 'c.subject', 'ch.kind'])
    .where('c.id', '=', conversationId)
    .where('c.organisation_id', '=', organisationId)
    .forUpdate('c')
    .executeTakeFirst();
}

/** Inserts a message and returns its id. */
export async function insertMessage(tx: Executor, values: Insertable<Database['inbox_message']>): Promise<number> {
  return (await tx.insertInto('inbox_message').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

/**
 * Counts a staff answer sent at `now` in its conversation: the first answer sets the first-response time,
 * a new or open conversation then waits for the resident, and an earlier failed delivery is dealt with.
 */
export async function markConversationAnswered(tx: Executor, conversationId: number, now: Date): Promise<void> {
  await sql`
      update inbox_conversation set
        message_count = message_count + 1,
        last_message_at = greatest(last_message_at, ${now}),
        first_response_at = coalesce(first_response_at, ${now}),
        status = case when status in ('new', 'open') then 'waiting' else status end,
        delivery_failed_at = null
      where id = ${conversationId}`.execute(tx);
}

/** Counts an automatic notice sent at `now`: a message of the conversation, not an answer. */
export async function markConversationNotified(tx: Executor, conversationId: number, now: Date): Promise<void> {
  await sql`
      update inbox_conversation set
        message_count = message_count + 1,
        last_message_at = greatest(last_message_at, ${now})
      where id = ${conversationId}`.execute(tx);
}

/**
 * Marks that a message of the conversation could not be delivered, and counts only the staff answers
 * that were (or may still be) delivered: the first-response time is the first of those, and a
 * conversation waiting for the resident without one is open again.
 */
export async function markConversationDeliveryFailed(tx: Executor, conversationId: number): Promise<void> {
  await sql`
      update inbox_conversation c set
        delivery_failed_at = now(),
        first_response_at = (
          select min(m.sent_at) from inbox_message m
          where m.conversation_id = c.id and m.direction = 'out' and not m.automatic and m.delivery <> 'failed'),
        status = case
          when c.status = 'waiting' and not exists (
            select 1 from inbox_message m
            where m.conversation_id = c.id and m.direction = 'out' and not m.automatic and m.delivery <> 'failed'
              and m.sent_at >= coalesce(c.last_incoming_at, c.first_message_at))
          then 'open' else c.status end
      where c.id = ${conversationId}`.execute(tx);
}

/** A queued answer with what sending it needs: its conversation's thread key and the resident it goes to. */
export async function findAnswerToDeliver(db: Executor, messageId: number) {
  return db
    .selectFrom('inbox_message as m')
    .innerJoin('inbox_conversation as c', 'c.id', 'm.conversation_id')
    .leftJoin('inbox_author as a', 'a.id', 'c.author_id')
    .select([
      'm.id',
      'm.body',
      'm.subject',
      'm.delivery',
      'm.channel_id',
      'm.organisation_id',
      'c.id as conversation_id',
      'c.thread_key',
      'a.external_id as author_external_id',
      'a.display_name',
      'a.handle',
      'a.email',
    ])
    .where('m.id', '=', messageId)
    .executeTakeFirst();
}

/** The channel's ids of a conversation's messages (those that have one), in order, with their direction. */
export async function findThreadExternalIds(db: Executor, conversationId: number) {
  return db
    .selectFrom('inbox_message')
    .select(['external_id', 'direction'])
    .where('conversation_id', '=', conversationId)
    .where('external_id', 'is not', null)
    .orderBy('sent_at')
    .orderBy('id')
    .execute();
}

/** Marks an answer sent, with the channel's id and link for it. */
export async function markAnswerSent(
  db: Executor,
  messageId: number,
  sent: { externalId: string | null; url: string | null },
): Promise<void> {
  await db
    .updateTable('inbox_message')
    .set({ delivery: 'sent', delivery_error: null, external_id: sent.externalId, url: sent.url })
    .where('id', '=', messageId)
    .execute();
}

/** Marks an answer failed, with the reason (at most 500 characters). */
export async function markAnswerFailed(db: Executor, messageId: number, reason: string): Promise<void> {
  await db
    .updateTable('inbox_message')
    .set({ delivery: 'failed', delivery_error: reason.slice(0, 500) })
    .where('id', '=', messageId)
    .execute();
}

/** A message that arrived in a conversation after the one a staff member last saw: a resident's, or another answer. */
export interface ArrivedMessage {
  id: number;
  direction: 'in' | 'out';
  body: string;
  sentAt: Date;
  sentByName: string | null;
}

/**
 * The resident's messages and the staff answers (not automatic notices, not answers that failed) of a
 * conversation with an id above `afterId`, oldest first. Read after the conversation's row is locked, so
 * an answer committed by a concurrent request is seen.
 */
export async function findMessagesAfter(
  tx: Executor,
  conversationId: number,
  afterId: number,
): Promise<ArrivedMessage[]> {
  const rows = await tx
    .selectFrom('inbox_message as m')
    .leftJoin('core_user as s', 's.id', 'm.sent_by')
    .select(['m.id', 'm.direction', 'm.body', 'm.sent_at', 's.display_name'])
    .where('m.conversation_id', '=', conversationId)
    .where('m.id', '>', afterId)
    .where((eb) =>
      eb.or([
        eb('m.direction', '=', 'in'),
        eb.and([eb('m.automatic', '=', false), eb('m.delivery', 'is distinct from', 'failed')]),
      ]),
    )
    .orderBy('m.id')
    .limit(20)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    direction: row.direction,
    body: row.body,
    sentAt: row.sent_at,
    sentByName: row.display_name,
  }));
}
