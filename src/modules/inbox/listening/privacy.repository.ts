import { sql } from 'kysely';
import type { Executor, Tx } from '../../../platform/db/database.ts';
import '../inbox.schema.ts';

/**
 * Erases the messages matching `where` (not yet erased): the text, subject, links, place,
 * attachments, raw payload and the author are removed; training examples copied from them are
 * deleted, conversations with nothing left lose subject and author, and authors of whom nothing is
 * left are deleted. Returns how many messages were erased.
 */
async function eraseMessages(tx: Tx, where: ReturnType<typeof sql>): Promise<number> {
  const erased = await sql<{ id: number; conversation_id: number }>`
    update inbox_message m set body = '', subject = null, url = null, raw = null, attachments = '[]', lat = null, lng = null,
      author_id = null, place = null, erased_at = now()
    where m.erased_at is null and ${where}
    returning m.id, m.conversation_id`.execute(tx);
  if (erased.rows.length === 0) return 0;
  const ids = erased.rows.map((row) => row.id);
  await sql`delete from inbox_classifier_example where message_id in (${sql.join(ids)})`.execute(tx);
  const conversations = [...new Set(erased.rows.map((row) => row.conversation_id))];
  await sql`
    update inbox_conversation c set subject = null, author_id = null
    where c.id in (${sql.join(conversations)})
      and not exists (select 1 from inbox_message m where m.conversation_id = c.id and m.erased_at is null)`.execute(
    tx,
  );
  // Authors of whom nothing is left are forgotten entirely.
  await sql`
    delete from inbox_author a
    where a.organisation_id in (select organisation_id from inbox_conversation where id in (${sql.join(conversations)}))
      and not exists (select 1 from inbox_message m where m.author_id = a.id)
      and not exists (select 1 from inbox_conversation c where c.author_id = a.id)`.execute(tx);
  return erased.rows.length;
}

/**
 * Erases the messages of conversations quiet for longer than their city's retention period
 * (`defaultDays` where the city set none). Returns how many were erased.
 */
export async function eraseMessagesPastRetention(tx: Tx, defaultDays: number): Promise<number> {
  return eraseMessages(
    tx,
    sql`m.conversation_id in (
        select c.id from inbox_conversation c left join inbox_setting s on s.organisation_id = c.organisation_id
        where c.last_message_at < now() - make_interval(days => coalesce(s.retention_days, ${defaultDays})))`,
  );
}

/** Erases one author's messages and conversations' personal data, then the author. Returns how many messages were erased. */
export async function eraseAuthorRows(tx: Tx, authorId: number): Promise<number> {
  const erased = await eraseMessages(
    tx,
    sql`(m.author_id = ${authorId} or m.conversation_id in (select id from inbox_conversation where author_id = ${authorId}))`,
  );
  await tx
    .updateTable('inbox_conversation')
    .set({ author_id: null, subject: null })
    .where('author_id', '=', authorId)
    .execute();
  await tx.deleteFrom('inbox_author').where('id', '=', authorId).execute();
  return erased;
}

/** Authors of the city whose name, handle, e-mail or external id matches the LIKE pattern, with their message counts. */
export async function findAuthorsMatching(db: Executor, organisationId: number, pattern: string) {
  const rows = await sql<{
    id: number;
    channel_kind: string;
    display_name: string | null;
    handle: string | null;
    email: string | null;
    messages: number;
    last_message_at: Date | null;
  }>`
    select a.id, a.channel_kind, a.display_name, a.handle, a.email, count(m.id)::int as messages, max(m.sent_at) as last_message_at
    from inbox_author a left join inbox_message m on m.author_id = a.id
    where a.organisation_id = ${organisationId}
      and (lower(a.display_name) like ${pattern} or lower(a.handle) like ${pattern} or lower(a.email) like ${pattern} or lower(a.external_id) like ${pattern})
    group by a.id order by last_message_at desc nulls last limit 50`.execute(db);
  return rows.rows;
}

/** One author of the city, as exported. */
export async function findAuthorForExport(db: Executor, organisationId: number, authorId: number) {
  return db
    .selectFrom('inbox_author')
    .select(['id', 'channel_kind', 'external_id', 'display_name', 'handle', 'email', 'created_at'])
    .where('id', '=', authorId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
}

/** The messages an author wrote, oldest first. */
export async function findAuthorMessages(db: Executor, authorId: number) {
  return db
    .selectFrom('inbox_message as m')
    .innerJoin('inbox_channel as ch', 'ch.id', 'm.channel_id')
    .select([
      'm.id',
      'm.conversation_id',
      'ch.kind as channel',
      'm.sent_at',
      'm.subject',
      'm.body',
      'm.url',
      'm.lat',
      'm.lng',
      'm.language',
      'm.sentiment',
      'm.topic',
      'm.district_id',
    ])
    .where('m.author_id', '=', authorId)
    .orderBy('m.sent_at')
    .execute();
}

/** The city's answers in an author's conversations, oldest first. */
export async function findAnswersToAuthor(db: Executor, authorId: number) {
  return db
    .selectFrom('inbox_message as m')
    .select(['m.id', 'm.conversation_id', 'm.sent_at', 'm.body', 'm.delivery'])
    .where('m.direction', '=', 'out')
    .where(
      'm.conversation_id',
      'in',
      db.selectFrom('inbox_conversation').select('id').where('author_id', '=', authorId),
    )
    .orderBy('m.sent_at')
    .execute();
}

/** An author of the city (id and channel kind). */
export async function findAuthor(db: Executor, organisationId: number, authorId: number) {
  return db
    .selectFrom('inbox_author')
    .select(['id', 'channel_kind'])
    .where('id', '=', authorId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
}

/** The inbox authors linked to a user account. */
export async function findAuthorsOfUser(db: Executor, userId: number) {
  return db.selectFrom('inbox_author').select(['id', 'organisation_id']).where('user_id', '=', userId).execute();
}

/** The ids of the inbox authors linked to a user account. */
export async function findAuthorIdsOfUser(db: Executor, userId: number) {
  return db.selectFrom('inbox_author').select('id').where('user_id', '=', userId).execute();
}
