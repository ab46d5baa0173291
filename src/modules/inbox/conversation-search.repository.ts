import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import './inbox.schema.ts';

/*
 * Searching the staff inbox for a text typed anywhere (`ILIKE '%…%'`, any language): in the messages,
 * the subject and the author's name, address and handle, through the trigram indexes of each (pg_trgm,
 * see the migration 20261215_0900). conversations.repository.ts builds the list and the counts on it.
 */

/** An author's name, address and handle as one text: the expression of the trigram index inbox_author_text_trigrams. */
const AUTHOR_TEXT = sql`(coalesce(w.display_name, '') || ' ' || coalesce(w.email, '') || ' ' || coalesce(w.handle, ''))`;

/** The ILIKE pattern of a searched text: the letters anywhere, `%`, `_` and `\\` taken literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The conversations whose subject, author or any message holds the text, from the trigram indexes of
 * each: `all` with repeats (to stop after a number of rows), `distinct` once each (to count them all).
 */
export function searchedIds(db: Executor, organisationId: number, pattern: string, rows: 'all' | 'distinct') {
  const messages = db
    .selectFrom('inbox_message as t')
    .select('t.conversation_id as id')
    .where('t.organisation_id', '=', organisationId)
    .where('t.body', 'ilike', pattern);
  const subjects = db
    .selectFrom('inbox_conversation as s')
    .select('s.id')
    .where('s.organisation_id', '=', organisationId)
    .where('s.subject', 'ilike', pattern);
  const authors = db
    .selectFrom('inbox_conversation as s')
    .innerJoin('inbox_author as w', 'w.id', 's.author_id')
    .select('s.id')
    .where('w.organisation_id', '=', organisationId)
    .where(sql<boolean>`${AUTHOR_TEXT} ilike ${pattern}`);
  return rows === 'all' ? messages.unionAll(subjects).unionAll(authors) : messages.union(subjects).union(authors);
}

/** Up to this many conversations a search finds are collected by id; above it, the search is "common". */
export const SEARCH_COLLECT_CAP = 1000;

/**
 * What a text search finds, looked up once for the list and the counts: the ids of the conversations
 * when there are at most SEARCH_COLLECT_CAP (a resident's name, a rare word: read from the trigram
 * indexes, stopping after the cap), or `many` (a common word: then the list walks the newest-first
 * index and asks each conversation whether it matches, stopping once the page is full, instead of
 * collecting the thousands of matches to sort them).
 */
export type SearchFound = { text: string; ids: number[] } | { text: string; ids: 'many' };

export async function findSearchMatches(db: Executor, organisationId: number, text: string): Promise<SearchFound> {
  const rows = await searchedIds(db, organisationId, likePattern(text), 'all')
    .limit(SEARCH_COLLECT_CAP + 1)
    .execute();
  // a conversation found twice (two messages, or a message and its subject) counts once
  const ids = [...new Set(rows.map((row) => row.id))];
  return { text, ids: rows.length > SEARCH_COLLECT_CAP ? 'many' : ids };
}

/**
 * Whether conversation `c` holds the text, asked of that one conversation: its messages by the
 * conversation index, its subject, its author by key. OFFSET 0 keeps each EXISTS a probe of the row
 * at hand: without it the planner turns them into hashes of every match, computed in full before the
 * first row, which is what a walk along the list's order avoids.
 */
export function textProbe(organisationId: number, pattern: string) {
  return sql<boolean>`(exists (select 1 from inbox_message t where t.conversation_id = c.id and t.organisation_id = ${organisationId} and t.body ilike ${pattern} offset 0)
    or c.subject ilike ${pattern}
    or exists (select 1 from inbox_author w where w.id = c.author_id and w.organisation_id = ${organisationId} and ${AUTHOR_TEXT} ilike ${pattern} offset 0))`;
}
