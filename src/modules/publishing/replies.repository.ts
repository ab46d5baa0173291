import { sql } from 'kysely';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import './publishing.schema.ts';
import './replies.schema.ts';

/** The inbox messages after the cursor, at most `limit`: the batch the linking job reads next. */
export async function findLinkBatch(
  tx: Tx,
  organisationId: number,
  limit: number,
): Promise<{ after: number; messages: Array<{ id: number; body: string }> }> {
  const cursor = await tx
    .selectFrom('publishing_link_cursor')
    .select('last_message_id')
    .where('organisation_id', '=', organisationId)
    .forUpdate()
    .executeTakeFirst();
  const after = cursor?.last_message_id ?? 0;
  const messages = await tx
    .selectFrom('inbox_message')
    .select(['id', 'body', 'direction'])
    .where('organisation_id', '=', organisationId)
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
  return { after, messages: messages.filter((m) => m.direction === 'in').map(({ id, body }) => ({ id, body })) };
}

export async function saveLinkCursor(tx: Tx, organisationId: number, lastMessageId: number): Promise<void> {
  await tx
    .insertInto('publishing_link_cursor')
    .values({ organisation_id: organisationId, last_message_id: lastMessageId })
    .onConflict((oc) => oc.column('organisation_id').doUpdateSet({ last_message_id: lastMessageId }))
    .execute();
}

/** The newest inbox message of a city after `after` within the batch (the new cursor). */
export async function lastMessageIdOfBatch(
  tx: Tx,
  organisationId: number,
  after: number,
  limit: number,
): Promise<number | undefined> {
  const row = await sql<{ last: number | null }>`
    select max(id) as last from (
      select id from inbox_message where organisation_id = ${organisationId} and id > ${after} order by id limit ${limit}
    ) batch`.execute(tx);
  return row.rows[0]?.last ?? undefined;
}

/**
 * Links each conversation of the batch whose incoming message answers one of the city's deliveries on
 * the same account: the message replies to a remote id that a delivery of a destination of that kind
 * (sharing this inbox channel, or with credentials of its own) recorded. Where each channel keeps the id
 * of the post answered: Mastodon `in_reply_to`; a Facebook feed comment's `value.post_id`; an Instagram
 * comment's `value.media.id`; a Telegram comment's reply to the automatic forward of the channel post
 * (`forward_origin` or `forward_from_chat` + `forward_from_message_id`, as `<chat id>:<message id>`).
 * A conversation is linked once (the first post it answered). Answers the number of links made.
 */
export async function linkRepliesInBatch(tx: Tx, organisationId: number, after: number, upto: number): Promise<number> {
  const result = await sql`
    insert into publishing_reply (organisation_id, conversation_id, delivery_id)
    select distinct on (m.conversation_id) m.organisation_id, m.conversation_id, d.id
    from inbox_message m
    join inbox_channel c on c.id = m.channel_id
    join publishing_delivery d on d.organisation_id = m.organisation_id and d.remote_id is not null and d.remote_id =
      case c.kind
        when 'mastodon' then m.in_reply_to
        when 'facebook' then m.raw -> 'value' ->> 'post_id'
        when 'instagram' then m.raw -> 'value' -> 'media' ->> 'id'
        when 'telegram' then coalesce(
          (m.raw -> 'message' -> 'reply_to_message' -> 'forward_origin' -> 'chat' ->> 'id') || ':' ||
            (m.raw -> 'message' -> 'reply_to_message' -> 'forward_origin' ->> 'message_id'),
          (m.raw -> 'message' -> 'reply_to_message' -> 'forward_from_chat' ->> 'id') || ':' ||
            (m.raw -> 'message' -> 'reply_to_message' ->> 'forward_from_message_id'))
      end
    join publishing_destination p on p.id = d.destination_id and p.organisation_id = m.organisation_id
      and p.kind = c.kind and (p.inbox_channel_id is null or p.inbox_channel_id = c.id)
    where m.organisation_id = ${organisationId} and m.id > ${after} and m.id <= ${upto} and m.direction = 'in'
    order by m.conversation_id, m.id
    on conflict (conversation_id) do nothing`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}

/** The hashtags of a city's campaigns still in use (archived campaigns tag nothing more). */
export async function findCampaignHashtags(
  tx: Tx,
  organisationId: number,
): Promise<Array<{ id: number; hashtags: string[] }>> {
  return tx
    .selectFrom('publishing_campaign')
    .select(['id', 'hashtags'])
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .execute();
}

export async function insertCampaignMessages(
  tx: Tx,
  rows: Array<{ organisation_id: number; message_id: number; campaign_id: number; hashtag: string }>,
): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto('publishing_campaign_message')
    .values(rows)
    .onConflict((oc) => oc.columns(['message_id', 'campaign_id']).doNothing())
    .execute();
}

export interface ReplyLink {
  postId: number;
  deliveryId: number;
  remoteUrl: string | null;
  destinationName: string;
  destinationKind: string;
  publishedAt: Date | null;
  language: string;
  text: string | null;
  campaign: { id: number; name: Translated } | null;
}

/** The city's post a conversation answers, when it is linked. */
export async function findReplyLink(
  db: Db,
  organisationId: number,
  conversationId: number,
): Promise<ReplyLink | undefined> {
  const row = await db
    .selectFrom('publishing_reply as r')
    .innerJoin('publishing_delivery as d', 'd.id', 'r.delivery_id')
    .innerJoin('publishing_destination as p', 'p.id', 'd.destination_id')
    .innerJoin('publishing_post as post', 'post.id', 'd.post_id')
    .leftJoin('publishing_post_text as text', (join) =>
      join.onRef('text.post_id', '=', 'd.post_id').onRef('text.language', '=', 'd.language'),
    )
    .leftJoin('publishing_campaign as c', 'c.id', 'post.campaign_id')
    .select([
      'd.post_id',
      'd.id as delivery_id',
      'd.remote_url',
      'd.language',
      'd.published_at',
      'p.name as destination_name',
      'p.kind as destination_kind',
      'text.body',
      'text.title',
      'c.id as campaign_id',
      'c.name as campaign_name',
    ])
    .where('r.organisation_id', '=', organisationId)
    .where('r.conversation_id', '=', conversationId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    postId: row.post_id,
    deliveryId: row.delivery_id,
    remoteUrl: row.remote_url,
    destinationName: row.destination_name,
    destinationKind: row.destination_kind,
    publishedAt: row.published_at,
    language: row.language,
    text: row.title ?? row.body,
    campaign: row.campaign_id !== null && row.campaign_name ? { id: row.campaign_id, name: row.campaign_name } : null,
  };
}

/** The campaigns whose hashtags the conversation's messages carry. */
export async function findConversationCampaigns(
  db: Db,
  organisationId: number,
  conversationId: number,
): Promise<Array<{ id: number; name: Translated; hashtag: string }>> {
  return db
    .selectFrom('publishing_campaign_message as cm')
    .innerJoin('inbox_message as m', 'm.id', 'cm.message_id')
    .innerJoin('publishing_campaign as c', 'c.id', 'cm.campaign_id')
    .select(['c.id', 'c.name', 'cm.hashtag'])
    .distinctOn('c.id')
    .where('cm.organisation_id', '=', organisationId)
    .where('m.conversation_id', '=', conversationId)
    .orderBy('c.id')
    .execute();
}
