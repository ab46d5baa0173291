import type { Viewer } from '../../../platform/auth/users.ts';
import { recordAudit } from '../../../platform/audit.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Db, Executor } from '../../../platform/db/database.ts';
import { inTransaction } from '../../../platform/db/database.ts';
import { AppError } from '../../../platform/errors.ts';
import type { PersonalDataProvider } from '../../../platform/module.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import {
  eraseAuthorRows,
  eraseMessagesPastRetention,
  findAnswersToAuthor,
  findAuthor,
  findAuthorForExport,
  findAuthorIdsOfUser,
  findAuthorMessages,
  findAuthorsMatching,
  findAuthorsOfUser,
} from './privacy.repository.ts';
import '../inbox.schema.ts';

/** The recurring job that erases personal data older than each city's retention period. */
export const RETENTION_JOB = 'inbox.retention';
export const RETENTION_EVERY_MS = 6 * 3_600_000;
export const DEFAULT_RETENTION_DAYS = 365;

// What erasing keeps and removes (privacy.repository.ts eraseMessages): the text, subject, links, place,
// attachments, raw payload and the author are removed; the date, channel, language, sentiment, topic,
// district and codes stay, so the listening figures of past months do not change. Copies of the text
// kept as training examples go too.

/**
 * Erases the messages of conversations that have been quiet for longer than the city's retention
 * period (both directions: staff answers quote and name residents). Returns how many were erased.
 */
export async function applyRetention(ctx: AppContext): Promise<number> {
  const count = await inTransaction(ctx.db, (tx) => eraseMessagesPastRetention(tx, DEFAULT_RETENTION_DAYS));
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
  const rows = await findAuthorsMatching(db, organisationId, pattern);
  return rows.map((row) => ({
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
  const author = await findAuthorForExport(db, organisationId, authorId);
  if (!author) throw new AppError('INBOX_AUTHOR_NOT_FOUND');
  const messages = await findAuthorMessages(db, authorId);
  const answers = await findAnswersToAuthor(db, authorId);
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
    const author = await findAuthor(tx, organisationId, authorId);
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

/** A resident's account may be linked to inbox authors (the contact form when signed in): export and erase them with the account. */
export const inboxPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
    const authors = await findAuthorsOfUser(tx, userId);
    return { inbox: await Promise.all(authors.map((author) => exportAuthor(tx, author.organisation_id, author.id))) };
  },
  async erase(tx, userId) {
    const authors = await findAuthorIdsOfUser(tx, userId);
    for (const author of authors) await eraseAuthorRows(tx, author.id);
  },
};
