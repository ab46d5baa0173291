import { sql, type Insertable } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { ChannelRecord, IncomingAuthor } from './channels/channel.ts';
import './inbox.schema.ts';

/** The conversation of a channel's message with that external id, if it is stored. */
export async function findConversationOfExternalMessage(tx: Tx, channelId: number, externalId: string) {
  return tx
    .selectFrom('inbox_message')
    .select('conversation_id')
    .where('channel_id', '=', channelId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

/** Whether the channel's message with that external id is stored. */
export async function isMessageStored(tx: Tx, channelId: number, externalId: string): Promise<boolean> {
  const known = await tx
    .selectFrom('inbox_message')
    .select('id')
    .where('channel_id', '=', channelId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return known !== undefined;
}

/** Stores the channel's author (one per channel and external id; known details are kept) and returns its id. */
export async function upsertAuthor(tx: Tx, channel: ChannelRecord, author: IncomingAuthor): Promise<number> {
  return (
    await tx
      .insertInto('inbox_author')
      .values({
        organisation_id: channel.organisationId,
        channel_kind: channel.kind,
        external_id: author.externalId,
        display_name: author.name ?? null,
        handle: author.handle ?? null,
        email: author.email?.toLowerCase() ?? null,
        user_id: null,
        erased_at: null,
      })
      .onConflict((oc) =>
        oc.constraint('inbox_author_one_per_channel').doUpdateSet({
          display_name: sql<string>`coalesce(excluded.display_name, inbox_author.display_name)`,
          handle: sql<string>`coalesce(excluded.handle, inbox_author.handle)`,
          email: sql<string>`coalesce(excluded.email, inbox_author.email)`,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

/** Inserts an incoming message; undefined when the channel's external id is already stored. */
export async function insertIncomingMessage(
  tx: Tx,
  values: Insertable<Database['inbox_message']>,
): Promise<number | undefined> {
  const stored = await tx
    .insertInto('inbox_message')
    .values(values)
    .onConflict((oc) => oc.columns(['channel_id', 'external_id']).where('external_id', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return stored?.id;
}

/**
 * Counts an incoming message (already inserted) in its conversation, which reopens when it was done or
 * waiting, and keeps which incoming message is the conversation's earliest.
 */
export async function markConversationReceived(
  tx: Tx,
  conversationId: number,
  message: { sentAt: Date; subject: string | null; authorId: number },
): Promise<void> {
  await sql`
    update inbox_conversation set
      message_count = message_count + 1,
      first_message_at = least(first_message_at, ${message.sentAt}),
      last_message_at = greatest(last_message_at, ${message.sentAt}),
      last_incoming_at = greatest(coalesce(last_incoming_at, ${message.sentAt}), ${message.sentAt}),
      subject = coalesce(subject, ${message.subject}),
      author_id = coalesce(author_id, ${message.authorId}),
      (first_incoming_id, first_language, first_sentiment, first_topic, first_district_id) = (
        select m.id, m.language, m.sentiment, m.topic, m.district_id from inbox_message m
         where m.conversation_id = ${conversationId} and m.direction = 'in'
         order by m.sent_at, m.id limit 1),
      status = case when status in ('done', 'waiting') then 'open' else status end,
      done_at = null
    where id = ${conversationId}`.execute(tx);
}

/** The channel's conversation with that thread key, created when there is none; returns its id. */
export async function upsertConversation(tx: Tx, values: Insertable<Database['inbox_conversation']>): Promise<number> {
  const row = await tx
    .insertInto('inbox_conversation')
    .values(values)
    .onConflict((oc) =>
      oc.constraint('inbox_conversation_one_per_thread').doUpdateSet({ thread_key: sql<string>`excluded.thread_key` }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
