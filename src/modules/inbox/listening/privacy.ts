import { sql } from 'kysely';
import type { Viewer } from '../../../platform/auth/users.ts';
import { recordAudit } from '../../../platform/audit.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Db, Executor, Tx } from '../../../platform/db/database.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import { AppError } from '../../../platform/errors.ts';
import type { PersonalDataProvider } from '../../../platform/module.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import '../inbox.schema.ts';

/** The recurring job that erases personal data older than each city's retention period. */
export const RETENTION_JOB = 'inbox.retention';
export const RETENTION_EVERY_MS = 6 * 3_600_000;
export const DEFAULT_RETENTION_DAYS = 365;

/**
 * What erasing keeps and removes: the text, subject, links, place, attachments, raw payload and the
 * author are removed; the date, channel, language, sentiment, topic, district and codes stay, so the
 * listening figures of past months do not change. Copies of the text kept as training examples go too.
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
 * Erases the messages of conversations that have been quiet for longer than the city's retention
 * period (both directions: staff answers quote and name residents). Returns how many were erased.
 */
export async function applyRetention(ctx: AppContext): Promise<number> {
  const count = await inTransaction(ctx.db, (tx) =>
    eraseMessages(
      tx,
      sql`m.conversation_id in (
        select c.id from inbox_conversation c left join inbox_setting s on s.organisation_id = c.organisation_id
        where c.last_message_at < now() - make_interval(days => coalesce(s.retention_days, ${DEFAULT_RETENTION_DAYS})))`,
    ),
  );
  if (count > 0) ctx.log.info({ erased: count }, 'inbox messages past their retention period erased');
  return count;
}

export interface AuthorMatch {
  id: number;
  channelKind: string;
  name: string | null;
  handle: string | null;
  email: string | null;
  messages: number;
  lastMessageAt: Date | null;
}

/** People in the inbox whose name, handle or e-mail address contains the text (for requests to see or erase their data). */
export async function searchAuthors(
  db: Executor,
  viewer: Viewer | null,
  organisationId: number,
  text: string,
): Promise<AuthorMatch[]> {
  authorizeInbox(viewer, 'erase');
  const pattern = `%${text
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  if (text.trim().length < 2) return [];
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
  return rows.rows.map((row) => ({
    id: row.id,
    channelKind: row.channel_kind,
    name: row.display_name,
    handle: row.handle,
    email: row.email,
    messages: row.messages,
    lastMessageAt: row.last_message_at,
  }));
}

/** Everything the inbox holds about one person, as plain JSON (their request to see their data). */
export async function exportAuthor(
  db: Executor,
  organisationId: number,
  authorId: number,
): Promise<Record<string, unknown>> {
  const author = await db
    .selectFrom('inbox_author')
    .select(['id', 'channel_kind', 'external_id', 'display_name', 'handle', 'email', 'created_at'])
    .where('id', '=', authorId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!author) throw new AppError('INBOX_AUTHOR_NOT_FOUND');
  const messages = await db
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
  const answers = await db
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
  return { author, messages, answersFromTheCity: answers };
}

/** Erases one person's messages and identity from the inbox (their request to be forgotten), audited. */
export async function eraseAuthor(
  db: Db,
  viewer: Viewer | null,
  organisationId: number,
  authorId: number,
): Promise<number> {
  authorizeInbox(viewer, 'erase');
  return inTransaction(db, async (tx) => {
    const author = await tx
      .selectFrom('inbox_author')
      .select(['id', 'channel_kind'])
      .where('id', '=', authorId)
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    if (!author) throw new AppError('INBOX_AUTHOR_NOT_FOUND');
    const erased = await eraseAuthorRows(tx, authorId);
    await recordAudit(tx, {
      organisationId,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'inbox.author.erase',
      subjectType: 'inbox_author',
      subjectId: authorId,
      after: { channel: author.channel_kind, messages: erased },
    });
    return erased;
  });
}

async function eraseAuthorRows(tx: Tx, authorId: number): Promise<number> {
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

/** A resident's account may be linked to inbox authors (the contact form when signed in): export and erase them with the account. */
export const inboxPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
    const authors = await tx
      .selectFrom('inbox_author')
      .select(['id', 'organisation_id'])
      .where('user_id', '=', userId)
      .execute();
    return { inbox: await Promise.all(authors.map((author) => exportAuthor(tx, author.organisation_id, author.id))) };
  },
  async erase(tx, userId) {
    const authors = await tx.selectFrom('inbox_author').select('id').where('user_id', '=', userId).execute();
    for (const author of authors) await eraseAuthorRows(tx, author.id);
  },
};
