import { sql } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { ChannelKind, ConversationStatus, Delivery, Sentiment } from './inbox.schema.ts';
import {
  findSearchMatches,
  likePattern,
  searchedIds,
  textProbe,
  type SearchFound,
} from './conversation-search.repository.ts';
import './inbox.schema.ts';

/*
 * The staff inbox's conversations: the filtered list, one conversation with its thread and the author's
 * other conversations, and the conversation's own state (done or open, the report or proposal made from it).
 */

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** What the staff inbox can be narrowed to; absent means "any". */
export interface ConversationFilters {
  channelId?: number | undefined;
  language?: string | undefined;
  sentiment?: Sentiment | undefined;
  topic?: string | undefined;
  districtId?: number | undefined;
  status?: ConversationStatus | undefined;
  assignee?: number | 'none' | undefined;
  departmentId?: number | 'none' | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  text?: string | undefined;
  /** Only conversations with an answer or notice that could not be delivered (and no staff answer since). */
  deliveryFailed?: boolean | undefined;
}

/** A place in the list: the last activity and id of the row before (newest first). */
export interface ListCursor {
  micros: string;
  id: number;
}

export interface ConversationRow {
  id: number;
  channelKind: ChannelKind;
  channelName: string;
  authorId: number | null;
  authorName: string | null;
  authorHandle: string | null;
  authorEmail: string | null;
  subject: string | null;
  firstBody: string | null;
  language: string | null;
  sentiment: Sentiment | null;
  topic: string | null;
  districtId: number | null;
  status: ConversationStatus;
  assigneeName: string | null;
  departmentName: Translated | null;
  messageCount: number;
  firstMessageAt: Date;
  lastMessageAt: Date;
  firstResponseAt: Date | null;
  /** When a message to the resident last failed to be delivered, until staff answer again. */
  deliveryFailedAt: Date | null;
  reportId: number | null;
  cursor: ListCursor;
}

/**
 * The city's conversations that match the filters, the conversation table alone: every filter reads the
 * conversation's own columns (the first message's labels are copied there). A text search reads what
 * `found` says: the collected ids, or for a common text either each conversation's own messages,
 * subject and author (`walk`: for a page in the list's order) or every match from the trigram indexes
 * (`collect`: for counting).
 */
function matching(
  db: Executor,
  organisationId: number,
  filters: ConversationFilters,
  found: SearchFound | undefined,
  mode: 'walk' | 'collect',
) {
  return db
    .selectFrom('inbox_conversation as c')
    .where('c.organisation_id', '=', organisationId)
    .where((eb) => {
      const all = [];
      if (filters.channelId !== undefined) all.push(eb('c.channel_id', '=', filters.channelId));
      if (filters.language) all.push(eb('c.first_language', '=', filters.language));
      if (filters.sentiment) all.push(eb('c.first_sentiment', '=', filters.sentiment));
      if (filters.topic) all.push(eb('c.first_topic', '=', filters.topic));
      if (filters.districtId !== undefined) all.push(eb('c.first_district_id', '=', filters.districtId));
      if (filters.status) all.push(eb('c.status', '=', filters.status));
      if (filters.assignee === 'none') all.push(eb('c.assignee_id', 'is', null));
      else if (filters.assignee !== undefined) all.push(eb('c.assignee_id', '=', filters.assignee));
      if (filters.departmentId === 'none') all.push(eb('c.department_id', 'is', null));
      else if (filters.departmentId !== undefined) all.push(eb('c.department_id', '=', filters.departmentId));
      if (filters.from) all.push(eb('c.last_message_at', '>=', filters.from));
      if (filters.to) all.push(eb('c.last_message_at', '<', filters.to));
      if (filters.deliveryFailed) all.push(eb('c.delivery_failed_at', 'is not', null));
      if (filters.text && found?.text !== filters.text)
        throw new Error('a text search needs its matches looked up first');
      if (filters.text && found) {
        const pattern = likePattern(found.text);
        if (found.ids !== 'many') all.push(found.ids.length > 0 ? eb('c.id', 'in', found.ids) : sql<boolean>`false`);
        else if (mode === 'collect') all.push(eb('c.id', 'in', searchedIds(db, organisationId, pattern, 'distinct')));
        else all.push(textProbe(organisationId, pattern));
      }
      return eb.and(all);
    });
}

/** Joins what a row of the list or a conversation's page shows: channel, author, first incoming message, assignee, department. */
function withDetails(db: Executor, organisationId: number, ids: ReturnType<typeof pageOfIds> | undefined) {
  const from = ids
    ? db.selectFrom(ids.as('p')).innerJoin('inbox_conversation as c', 'c.id', 'p.id')
    : db.selectFrom('inbox_conversation as c');
  return (
    from
      .innerJoin('inbox_channel as ch', 'ch.id', 'c.channel_id')
      .leftJoin('inbox_author as a', 'a.id', 'c.author_id')
      // The first incoming message, by primary key.
      .leftJoin('inbox_message as f', 'f.id', 'c.first_incoming_id')
      .leftJoin('core_user as u', 'u.id', 'c.assignee_id')
      .leftJoin('core_department as d', 'd.id', 'c.department_id')
      .where('c.organisation_id', '=', organisationId)
  );
}

/**
 * The ids of one page of matching conversations, newest activity first, after `cursor`: chosen on the
 * conversations alone, so that the joins of `withDetails` are made for the page's rows only (joined
 * before the sort, a search matching 12,500 conversations joined 12,500 authors and first messages).
 */
function pageOfIds(
  db: Executor,
  organisationId: number,
  filters: ConversationFilters,
  found: SearchFound | undefined,
  cursor: ListCursor | undefined,
  limit: number,
) {
  let query = matching(db, organisationId, filters, found, 'walk');
  if (cursor)
    query = query.where(
      sql<boolean>`(c.last_message_at, c.id) < (timestamptz 'epoch' + ${cursor.micros}::bigint * interval '1 microsecond', ${cursor.id}::integer)`,
    );
  return query.select('c.id').orderBy('c.last_message_at', 'desc').orderBy('c.id', 'desc').limit(limit);
}

/**
 * One page of the inbox, most recent activity first, after `cursor` (keyset pagination: a page costs
 * the same however deep it is, and rows arriving meanwhile neither repeat nor vanish between pages).
 */
export async function findConversations(
  db: Executor,
  organisationId: number,
  filters: ConversationFilters,
  cursor: ListCursor | undefined,
  limit: number,
  found?: SearchFound,
): Promise<ConversationRow[]> {
  const search = filters.text ? (found ?? (await findSearchMatches(db, organisationId, filters.text))) : undefined;
  const rows = await withDetails(db, organisationId, pageOfIds(db, organisationId, filters, search, cursor, limit))
    .select([
      'c.id',
      'ch.kind',
      'ch.name as channel_name',
      'c.author_id',
      'a.display_name',
      'a.handle',
      'a.email',
      'c.subject',
      'f.body',
      'c.first_language',
      'c.first_sentiment',
      'c.first_topic',
      'c.first_district_id',
      'c.status',
      'u.display_name as assignee_name',
      'd.name as department_name',
      'c.message_count',
      'c.first_message_at',
      'c.last_message_at',
      'c.first_response_at',
      'c.delivery_failed_at',
      'c.report_id',
      sql<string>`(extract(epoch from c.last_message_at) * 1000000)::bigint::text`.as('micros'),
    ])
    .orderBy('c.last_message_at', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    channelKind: row.kind,
    channelName: row.channel_name,
    authorId: row.author_id,
    authorName: row.display_name,
    authorHandle: row.handle,
    authorEmail: row.email,
    subject: row.subject,
    firstBody: row.body,
    language: row.first_language,
    sentiment: row.first_sentiment,
    topic: row.first_topic,
    districtId: row.first_district_id,
    status: row.status,
    assigneeName: row.assignee_name,
    departmentName: row.department_name === null ? null : json<Translated>(row.department_name),
    messageCount: row.message_count,
    firstMessageAt: row.first_message_at,
    lastMessageAt: row.last_message_at,
    firstResponseAt: row.first_response_at,
    deliveryFailedAt: row.delivery_failed_at,
    reportId: row.report_id,
    cursor: { micros: row.micros, id: row.id },
  }));
}

/** Above this many, a status shows "1,000+": counting every one of 100,000 conversations costs more than the page. */
export const STATUS_COUNT_CAP = 1000;

export interface StatusCounts {
  /** Exact up to the cap, the cap itself above it. */
  counts: Record<ConversationStatus, number>;
  /** The statuses with more conversations than the cap. */
  over: ConversationStatus[];
}

/**
 * How many conversations of each status match the filters (the status filter itself left aside), each
 * counted up to STATUS_COUNT_CAP + 1 along the status's newest-first index: the cost of a count is
 * bounded by the cap, not by the size of the inbox. A search (see `findSearchMatches`) counts what it
 * found in one grouped count: the ids it collected, or for a common text every match, read once from
 * the trigram indexes (walking each status instead would ask every conversation of a status where the
 * text is rare: 25,000 probes to find none).
 */
export async function countByStatus(
  db: Executor,
  organisationId: number,
  filters: ConversationFilters,
  found?: SearchFound,
): Promise<StatusCounts> {
  const search = filters.text ? (found ?? (await findSearchMatches(db, organisationId, filters.text))) : undefined;
  const statuses: ConversationStatus[] = ['new', 'open', 'waiting', 'done'];
  const capped = (status: ConversationStatus) =>
    db
      .selectFrom(
        matching(db, organisationId, { ...filters, status }, search, 'walk')
          .select('c.id')
          .orderBy('c.last_message_at', 'desc')
          .orderBy('c.id', 'desc')
          .limit(STATUS_COUNT_CAP + 1)
          .as('matching'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
  const tallies = search
    ? (
        await matching(db, organisationId, { ...filters, status: undefined }, search, 'collect')
          .select(['c.status', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('c.status')
          .execute()
      ).map((row) => [row.status, row.n] as const)
    : await Promise.all(statuses.map(async (status) => [status, (await capped(status)).n] as const));
  const counts: Record<ConversationStatus, number> = { new: 0, open: 0, waiting: 0, done: 0 };
  const over: ConversationStatus[] = [];
  const byStatus = new Map(tallies);
  for (const status of statuses) {
    const n = byStatus.get(status) ?? 0;
    counts[status] = Math.min(n, STATUS_COUNT_CAP);
    if (n > STATUS_COUNT_CAP) over.push(status);
  }
  return { counts, over };
}

/** The hours within which the city means to answer a first message (its inbox setting, else 48). */
export async function findFirstResponseGoal(db: Executor, organisationId: number): Promise<number> {
  const row = await db
    .selectFrom('inbox_setting')
    .select('first_response_goal_hours')
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row?.first_response_goal_hours ?? 48;
}

export interface ConversationDetail extends Omit<
  ConversationRow,
  'cursor' | 'firstBody' | 'language' | 'sentiment' | 'topic' | 'districtId'
> {
  channelId: number;
  departmentId: number | null;
  assigneeId: number | null;
  proposalId: number | null;
  doneAt: Date | null;
  authorExternalId: string | null;
}

/** One conversation of the city with its channel, author and assignment. */
export async function findConversation(
  db: Executor,
  organisationId: number,
  id: number,
): Promise<ConversationDetail | undefined> {
  const row = await withDetails(db, organisationId, undefined)
    .where('c.id', '=', id)
    .select([
      'c.id',
      'ch.kind',
      'ch.name as channel_name',
      'c.channel_id',
      'c.author_id',
      'a.display_name',
      'a.handle',
      'a.email',
      'a.external_id',
      'c.subject',
      'c.status',
      'u.display_name as assignee_name',
      'd.name as department_name',
      'c.department_id',
      'c.assignee_id',
      'c.message_count',
      'c.first_message_at',
      'c.last_message_at',
      'c.first_response_at',
      'c.delivery_failed_at',
      'c.done_at',
      'c.report_id',
      'c.proposal_id',
    ])
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    channelKind: row.kind,
    channelName: row.channel_name,
    channelId: row.channel_id,
    authorId: row.author_id,
    authorName: row.display_name,
    authorHandle: row.handle,
    authorEmail: row.email,
    authorExternalId: row.external_id,
    subject: row.subject,
    status: row.status,
    assigneeName: row.assignee_name,
    departmentName: row.department_name === null ? null : json<Translated>(row.department_name),
    departmentId: row.department_id,
    assigneeId: row.assignee_id,
    messageCount: row.message_count,
    firstMessageAt: row.first_message_at,
    lastMessageAt: row.last_message_at,
    firstResponseAt: row.first_response_at,
    deliveryFailedAt: row.delivery_failed_at,
    doneAt: row.done_at,
    reportId: row.report_id,
    proposalId: row.proposal_id,
  };
}

export interface ThreadMessage {
  id: number;
  direction: 'in' | 'out';
  body: string;
  subject: string | null;
  url: string | null;
  lat: number | null;
  lng: number | null;
  sentAt: Date;
  delivery: Delivery | null;
  deliveryError: string | null;
  sentByName: string | null;
  /** An automatic notice: the city's, written by no one. */
  automatic: boolean;
  /** The report this incoming message filed (a bot's dialogue, stored as one message). */
  reportId: number | null;
  language: string | null;
  sentiment: Sentiment | null;
  sentimentByStaff: boolean;
  topic: string | null;
  topicByStaff: boolean;
  districtId: number | null;
  place: string | null;
  erased: boolean;
}

/** A conversation's messages, incoming and outgoing, oldest first. */
export async function findThread(
  db: Executor,
  organisationId: number,
  conversationId: number,
): Promise<ThreadMessage[]> {
  const rows = await db
    .selectFrom('inbox_message as m')
    .leftJoin('core_user as s', 's.id', 'm.sent_by')
    .select([
      'm.id',
      'm.direction',
      'm.body',
      'm.subject',
      'm.url',
      'm.lat',
      'm.lng',
      'm.sent_at',
      'm.delivery',
      'm.delivery_error',
      's.display_name',
      'm.automatic',
      'm.report_id',
      'm.language',
      'm.sentiment',
      'm.sentiment_by',
      'm.topic',
      'm.topic_by',
      'm.district_id',
      'm.place',
      'm.erased_at',
    ])
    .where('m.organisation_id', '=', organisationId)
    .where('m.conversation_id', '=', conversationId)
    .orderBy('m.sent_at')
    .orderBy('m.id')
    .limit(1000)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    direction: row.direction,
    body: row.body,
    subject: row.subject,
    url: row.url,
    lat: row.lat,
    lng: row.lng,
    sentAt: row.sent_at,
    delivery: row.delivery,
    deliveryError: row.delivery_error,
    sentByName: row.display_name,
    automatic: row.automatic,
    reportId: row.report_id,
    language: row.language,
    sentiment: row.sentiment,
    sentimentByStaff: row.sentiment_by !== null,
    topic: row.topic,
    topicByStaff: row.topic_by !== null,
    districtId: row.district_id,
    place: row.place,
    erased: row.erased_at !== null,
  }));
}

/** The author's other conversations in the city, newest first. */
export async function findAuthorConversations(
  db: Executor,
  organisationId: number,
  authorId: number,
  exceptId: number,
): Promise<Array<{ id: number; subject: string | null; status: ConversationStatus; lastMessageAt: Date }>> {
  const rows = await db
    .selectFrom('inbox_conversation')
    .select(['id', 'subject', 'status', 'last_message_at'])
    .where('organisation_id', '=', organisationId)
    .where('author_id', '=', authorId)
    .where('id', '!=', exceptId)
    .orderBy('last_message_at', 'desc')
    .limit(20)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    subject: row.subject,
    status: row.status,
    lastMessageAt: row.last_message_at,
  }));
}

/** The language of a conversation's latest incoming message that has one. */
export async function findLatestIncomingLanguage(db: Executor, conversationId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('inbox_message')
    .select('language')
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'in')
    .where('language', 'is not', null)
    .orderBy('sent_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.language ?? undefined;
}

/** Marks a conversation done (now) or open. */
export async function setConversationStatus(db: Executor, conversationId: number, done: boolean): Promise<void> {
  await db
    .updateTable('inbox_conversation')
    .set({ status: done ? 'done' : 'open', done_at: done ? new Date() : null })
    .where('id', '=', conversationId)
    .execute();
}

/** Links a conversation to the report made from it; false when it already had one. */
export async function linkConversationToReport(
  db: Executor,
  conversationId: number,
  reportId: number,
): Promise<boolean> {
  const linked = await db
    .updateTable('inbox_conversation')
    .set({ report_id: reportId })
    .where('id', '=', conversationId)
    .where('report_id', 'is', null)
    .executeTakeFirst();
  return Number(linked.numUpdatedRows) === 1;
}

/** Links a conversation to the proposal made from it; false when it already had one. */
export async function linkConversationToProposal(
  db: Executor,
  conversationId: number,
  proposalId: number,
): Promise<boolean> {
  const linked = await db
    .updateTable('inbox_conversation')
    .set({ proposal_id: proposalId })
    .where('id', '=', conversationId)
    .where('proposal_id', 'is', null)
    .executeTakeFirst();
  return Number(linked.numUpdatedRows) === 1;
}
