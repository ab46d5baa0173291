import { sql, type ExpressionBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { CONVERSATION_STATUSES, type ConversationStatus, type Sentiment } from './inbox.schema.ts';
import './inbox.schema.ts';

/*
 * Searching the staff inbox for a text typed anywhere (`ILIKE '%…%'`, any language): in the messages,
 * the subject and the author's name, address and handle. Each conversation keeps those texts together in
 * `search_text` (kept by triggers, see the migration 20261217_0000), indexed by city and status together
 * and by trigrams, so a search reads one table, and a status's matches come from the index alone.
 * Here the filters, the look-up of a search and the walk; conversations.repository.ts builds the
 * list and the counts on them.
 */

/** What separates the pieces of `search_text`; removed from the pieces, and so from a searched text. */
const SEPARATOR = '\u001f';

/** The ILIKE pattern of a searched text: the letters anywhere, `%`, `_` and `\\` taken literally. */
export function likePattern(text: string): string {
  return `%${text.replaceAll(SEPARATOR, ' ').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The conversations of one city and status that hold the text, as the index `inbox_conversation_search`
 * answers it. City and status are one key of that index (no other index has it), so the planner cannot
 * walk another index of the city and filter: the index gives this status's matches alone, and a count
 * that stops after the cap reads no more than the cap, whatever other statuses hold.
 */
function searchInStatus(organisationId: number, status: ConversationStatus, pattern: string) {
  return sql<boolean>`((c.organisation_id::text || ' ' || c.status) = ${`${organisationId} ${status}`} and c.search_text ilike ${pattern})`;
}

/**
 * Whether the row at hand holds the text, which no index answers: a walk along the list's order asks
 * each conversation it reads and stops when the page is full, where the index would give every match of
 * a common word to be sorted first.
 */
function searchProbe(pattern: string) {
  return sql<boolean>`((c.search_text || '') ilike ${pattern})`;
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

/**
 * The city's conversations that match the filters except the text, the conversation table alone: every
 * filter reads the conversation's own columns (the first message's labels are copied there).
 */
export function matching(db: Executor, organisationId: number, filters: ConversationFilters, ids?: number[]) {
  return db
    .selectFrom('inbox_conversation as c')
    .where('c.organisation_id', '=', organisationId)
    .where((eb) => and(eb, filters, ids));
}

/** The filters but the city and the text, as one condition; `ids`: only those conversations. */
function and(
  eb: ExpressionBuilder<Database & { c: Database['inbox_conversation'] }, 'c'>,
  filters: ConversationFilters,
  ids?: number[],
) {
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
  if (ids) all.push(ids.length > 0 ? eb('c.id', 'in', ids) : sql<boolean>`false`);
  return eb.and(all);
}

/** Above this many, a status shows "1,000+": counting every one of 100,000 conversations costs more than the page. */
export const STATUS_COUNT_CAP = 1000;

/**
 * What a text search finds, looked up once for the list and the counts: for each status, the ids of the
 * conversations that match the filters (the status filter left aside) and hold the text, up to
 * STATUS_COUNT_CAP + 1 — more than the cap means "over" (the count shows "1,000+").
 */
export interface SearchFound {
  text: string;
  byStatus: Record<ConversationStatus, number[]>;
}

/**
 * Looks a search up: one query per status through the search index (city and status one key of it,
 * see `searchInStatus`), each stopping after STATUS_COUNT_CAP + 1 rows, so no status reads more than the
 * cap however many conversations hold the text.
 */
export async function findSearchMatches(
  db: Executor,
  organisationId: number,
  filters: ConversationFilters & { text: string },
): Promise<SearchFound> {
  const pattern = likePattern(filters.text);
  const others = { ...filters, status: undefined };
  const lists = await Promise.all(
    CONVERSATION_STATUSES.map(async (status) => {
      const rows = await db
        .selectFrom('inbox_conversation as c')
        .select('c.id')
        .where(searchInStatus(organisationId, status, pattern))
        .where((eb) => and(eb, others))
        .limit(STATUS_COUNT_CAP + 1)
        .execute();
      return [status, rows.map((row) => row.id)] as const;
    }),
  );
  return { text: filters.text, byStatus: Object.fromEntries(lists) as Record<ConversationStatus, number[]> };
}

/** Rows asked at a time by a walk (growing): a page of a word in 1 conversation in 8 needs ~400. */
const WALK_FIRST = 128;
const WALK_MOST = 8192;

/**
 * The ids of one page of a search whose matches were too many to collect: the list's newest-first order
 * read a slice at a time, each row asked whether it holds the text, until the page is full or the list
 * ends. The slices are read along the list's index: with statistics stale after a bulk load the planner
 * believed the city held 500 conversations, not 100,000, and read and sorted all of them for a slice
 * (2.3 s), so bitmap scans and sorts are turned off for these reads (`set local`, in a transaction).
 */
export async function walkSearch(
  db: Executor,
  organisationId: number,
  filters: ConversationFilters,
  pattern: string,
  cursor: ListCursor | undefined,
  limit: number,
): Promise<number[]> {
  return db.transaction().execute(async (tx) => {
    await sql`set local enable_bitmapscan = off`.execute(tx);
    await sql`set local enable_sort = off`.execute(tx);
    const ids: number[] = [];
    let after = cursor;
    for (let slice = WALK_FIRST; ; slice = Math.min(slice * 4, WALK_MOST)) {
      const rows = await after_(matching(tx, organisationId, filters), after)
        .select(['c.id', searchProbe(pattern).as('hit'), MICROS.as('micros')])
        .orderBy('c.last_message_at', 'desc')
        .orderBy('c.id', 'desc')
        .limit(slice)
        .execute();
      for (const row of rows) {
        if (row.hit) ids.push(row.id);
        if (ids.length === limit) return ids;
      }
      const last = rows.at(-1);
      if (rows.length < slice || !last) return ids;
      after = { micros: last.micros, id: last.id };
    }
  });
}

export const MICROS = sql<string>`(extract(epoch from c.last_message_at) * 1000000)::bigint::text`;

/** Only the rows after `cursor` in the list's order. */
export function after_<Q extends ReturnType<typeof matching>>(query: Q, cursor: ListCursor | undefined): Q {
  return cursor
    ? (query.where(
        sql<boolean>`(c.last_message_at, c.id) < (timestamptz 'epoch' + ${cursor.micros}::bigint * interval '1 microsecond', ${cursor.id}::integer)`,
      ) as Q)
    : query;
}
