import type { Translated } from '../../platform/db/schema.ts';
import type { Executor } from '../../platform/db/database.ts';
import {
  CONVERSATION_STATUSES,
  type ChannelKind,
  type ConversationStatus,
  type Delivery,
  type Sentiment,
} from './inbox.schema.ts';
import {
  after_,
  findSearchMatches,
  likePattern,
  matching,
  MICROS,
  STATUS_COUNT_CAP,
  walkSearch,
  type ConversationFilters,
  type ListCursor,
  type SearchFound,
} from './conversation-search.repository.ts';

export {
  findSearchMatches,
  STATUS_COUNT_CAP,
  type ConversationFilters,
  type ListCursor,
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

/** Joins what a row of the list or a conversation's page shows: channel, author, first incoming message, assignee, department. */
function withDetails(db: Executor, organisationId: number) {
  return (
    db
      .selectFrom('inbox_conversation as c')
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
 * The ids of one page of matching conversations, newest activity first, after `cursor`, chosen on the
 * conversations alone so that the joins of `findConversations` are made for the page's rows only. A
 * search reads the ids it found when no status it lists was over the cap (at most 4 × 1,000: sorted
 * in full, cheap), else walks the list (`walkSearch`); `walk` forces the walk (tests compare both).
 */
async function pageOfIds(
  db: Executor,
  organisationId: number,
  filters: ConversationFilters,
  found: SearchFound | undefined,
  cursor: ListCursor | undefined,
  limit: number,
  walk: boolean,
): Promise<number[]> {
  let ids: number[] | undefined;
  if (found) {
    const lists = filters.status ? [found.byStatus[filters.status]] : Object.values(found.byStatus);
    if (walk || lists.some((list) => list.length > STATUS_COUNT_CAP))
      return walkSearch(db, organisationId, filters, likePattern(found.text), cursor, limit);
    ids = lists.flat();
  }
  const rows = await after_(matching(db, organisationId, filters, ids), cursor)
    .select('c.id')
    .orderBy('c.last_message_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
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
  options: { walk?: boolean } = {},
): Promise<ConversationRow[]> {
  const search = filters.text
    ? (found ?? (await findSearchMatches(db, organisationId, { ...filters, text: filters.text })))
    : undefined;
  const ids = await pageOfIds(db, organisationId, filters, search, cursor, limit, options.walk ?? false);
  if (ids.length === 0) return [];
  const rows = await withDetails(db, organisationId)
    .where('c.id', 'in', ids)
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
      MICROS.as('micros'),
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

export interface StatusCounts {
  /** Exact up to the cap, the cap itself above it. */
  counts: Record<ConversationStatus, number>;
  /** The statuses with more conversations than the cap. */
  over: ConversationStatus[];
}

/**
 * How many conversations of each status match the filters (the status filter itself left aside), each
 * counted up to STATUS_COUNT_CAP + 1 and no further: exact up to the cap, "over" above it. A count's cost
 * is bounded by the cap, not by the size of the inbox nor by how many conversations hold a searched
 * text. A search counts what `findSearchMatches` found (each status's matches from the search index, up
 * to the cap + 1); without one, each status is counted in an unordered query stopping after the cap + 1,
 * so the planner reads the index that fits the filters (a department's and status's, a status's).
 */
export async function countByStatus(
  db: Executor,
  organisationId: number,
  filters: ConversationFilters,
  found?: SearchFound,
): Promise<StatusCounts> {
  const search = filters.text
    ? (found ?? (await findSearchMatches(db, organisationId, { ...filters, text: filters.text })))
    : undefined;
  const tallies = await Promise.all(
    CONVERSATION_STATUSES.map(async (status) => {
      if (search) return [status, search.byStatus[status].length] as const;
      const row = await db
        .selectFrom(
          matching(db, organisationId, { ...filters, status })
            .select('c.id')
            .limit(STATUS_COUNT_CAP + 1)
            .as('matching'),
        )
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return [status, row.n] as const;
    }),
  );
  const counts: Record<ConversationStatus, number> = { new: 0, open: 0, waiting: 0, done: 0 };
  const over: ConversationStatus[] = [];
  for (const [status, n] of tallies) {
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
  const row = await withDetails(db, organisationId)
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
