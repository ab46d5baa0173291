import { sql, type Kysely } from 'kysely';

/**
 * What residents answer to the city's posts: an inbox conversation that replies to a delivery (the
 * resident answered the city's status, commented on its page post or Instagram picture, or commented
 * under its Telegram channel post) is linked to that delivery, once; inbox messages carrying a
 * campaign's hashtag are tagged with the campaign. A cursor per city says which inbox messages the
 * linking job has read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table publishing_reply (
      organisation_id integer not null references core_organisation(id),
      conversation_id integer primary key references inbox_conversation(id) on delete cascade,
      delivery_id integer not null references publishing_delivery(id) on delete cascade,
      linked_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index publishing_reply_delivery on publishing_reply (delivery_id)`.execute(db);
  await sql`
    create table publishing_campaign_message (
      organisation_id integer not null references core_organisation(id),
      message_id integer not null references inbox_message(id) on delete cascade,
      campaign_id integer not null references publishing_campaign(id) on delete cascade,
      hashtag text not null,
      tagged_at timestamptz not null default now(),
      primary key (message_id, campaign_id)
    )`.execute(db);
  await sql`create index publishing_campaign_message_campaign on publishing_campaign_message (campaign_id)`.execute(db);
  await sql`
    create table publishing_link_cursor (
      organisation_id integer primary key references core_organisation(id),
      last_message_id integer not null default 0
    )`.execute(db);
  await sql`create index publishing_delivery_remote_city on publishing_delivery (organisation_id, remote_id) where remote_id is not null`.execute(
    db,
  );
}
