import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ResidentMedia, ResidentPostState, ResidentSource } from './resident-content.schema.ts';
import './resident-content.schema.ts';
import { httpUrl } from './text.ts';

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export interface ResidentPost {
  id: number;
  organisationId: number;
  campaignId: number | null;
  source: ResidentSource;
  destinationId: number | null;
  remoteId: string;
  remoteUrl: string;
  authorId: string;
  authorHandle: string | null;
  authorName: string | null;
  authorUrl: string | null;
  language: string | null;
  body: string | null;
  media: ResidentMedia[];
  hashtag: string;
  postedAt: Date;
  collectedAt: Date;
  state: ResidentPostState;
  stateAt: Date;
}

type PostRow = {
  id: number;
  organisation_id: number;
  campaign_id: number | null;
  source: ResidentSource;
  destination_id: number | null;
  remote_id: string;
  remote_url: string;
  author_id: string;
  author_handle: string | null;
  author_name: string | null;
  author_url: string | null;
  language: string | null;
  body: string | null;
  media: ResidentMedia[] | string;
  hashtag: string;
  posted_at: Date;
  collected_at: Date;
  state: ResidentPostState;
  state_at: Date;
};

function toPost(row: PostRow): ResidentPost {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    campaignId: row.campaign_id,
    source: row.source,
    destinationId: row.destination_id,
    remoteId: row.remote_id,
    remoteUrl: row.remote_url,
    authorId: row.author_id,
    authorHandle: row.author_handle,
    authorName: row.author_name,
    authorUrl: row.author_url,
    language: row.language,
    body: row.body,
    media: json(row.media),
    hashtag: row.hashtag,
    postedAt: new Date(row.posted_at),
    collectedAt: new Date(row.collected_at),
    state: row.state,
    stateAt: new Date(row.state_at),
  };
}

const POST_COLUMNS = [
  'id',
  'organisation_id',
  'campaign_id',
  'source',
  'destination_id',
  'remote_id',
  'remote_url',
  'author_id',
  'author_handle',
  'author_name',
  'author_url',
  'language',
  'body',
  'media',
  'hashtag',
  'posted_at',
  'collected_at',
  'state',
  'state_at',
] as const;

export interface CollectedValues {
  organisationId: number;
  campaignId: number;
  source: ResidentSource;
  destinationId: number | null;
  remoteId: string;
  remoteUrl: string;
  authorId: string;
  authorHandle: string | null;
  authorName: string | null;
  authorUrl: string | null;
  language: string | null;
  body: string;
  media: ResidentMedia[];
  hashtag: string;
  postedAt: Date;
}

/** Stores a collected post once (by its remote id); true when it is new. */
export async function insertCollectedPost(db: Executor, values: CollectedValues): Promise<boolean> {
  const row = await db
    .insertInto('resident_content_post')
    .values({
      organisation_id: values.organisationId,
      campaign_id: values.campaignId,
      source: values.source,
      destination_id: values.destinationId,
      remote_id: values.remoteId,
      remote_url: httpUrl(values.remoteUrl) ?? httpUrl(values.remoteId) ?? '',
      author_id: values.authorId,
      author_handle: values.authorHandle,
      author_name: values.authorName,
      author_url: httpUrl(values.authorUrl),
      language: values.language,
      body: values.body,
      media: JSON.stringify(values.media.flatMap((m) => (httpUrl(m.url) ? [{ ...m, url: httpUrl(m.url) ?? '' }] : []))),
      hashtag: values.hashtag,
      posted_at: values.postedAt,
    })
    .onConflict((oc) => oc.columns(['organisation_id', 'source', 'remote_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function isOptedOut(
  db: Executor,
  organisationId: number,
  source: string,
  authorId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('resident_content_optout')
    .select('author_id')
    .where('organisation_id', '=', organisationId)
    .where('source', '=', source)
    .where('author_id', '=', authorId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertOptout(db: Executor, organisationId: number, source: string, authorId: string) {
  await db
    .insertInto('resident_content_optout')
    .values({ organisation_id: organisationId, source, author_id: authorId })
    .onConflict((oc) => oc.columns(['organisation_id', 'source', 'author_id']).doNothing())
    .execute();
}

/** Collected posts as staff list them, newest first, in the given states. */
export async function findPostsInStates(
  db: Executor,
  organisationId: number,
  states: readonly ResidentPostState[],
  limit = 200,
): Promise<ResidentPost[]> {
  const rows = await db
    .selectFrom('resident_content_post')
    .select(POST_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('state', 'in', states)
    .orderBy('posted_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toPost);
}

export async function findPost(db: Executor, organisationId: number, id: number): Promise<ResidentPost | undefined> {
  const row = await db
    .selectFrom('resident_content_post')
    .select(POST_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toPost(row) : undefined;
}

export interface FeaturedPost extends ResidentPost {
  licence: string;
  grantedAt: Date;
  validUntil: Date | null;
}

/** The posts shown on the site: featured, with a consent neither withdrawn nor past its end. */
export async function findFeaturedPosts(db: Executor, organisationId: number, limit: number): Promise<FeaturedPost[]> {
  const rows = await db
    .selectFrom('resident_content_post as p')
    .innerJoin('resident_content_consent as c', 'c.post_id', 'p.id')
    .select(POST_COLUMNS.map((column) => `p.${column}` as const))
    .select(['c.licence', 'c.granted_at', 'c.valid_until'])
    .where('p.organisation_id', '=', organisationId)
    .where('p.state', '=', 'featured')
    .where('c.withdrawn_at', 'is', null)
    .where((eb) => eb.or([eb('c.valid_until', 'is', null), eb('c.valid_until', '>', sql<Date>`now()`)]))
    .orderBy('c.granted_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    ...toPost(row),
    licence: row.licence,
    grantedAt: new Date(row.granted_at),
    validUntil: row.valid_until ? new Date(row.valid_until) : null,
  }));
}

/**
 * Moves a post from one of `from` to `state`; false when it was in none of them (another action came
 * first). Leaving the site (gone, withdrawn, expired, declined, dismissed) also erases the copy of the
 * author's words and pictures: only the consent record stays.
 */
export async function movePost(
  db: Executor,
  id: number,
  from: readonly ResidentPostState[],
  state: ResidentPostState,
): Promise<boolean> {
  const erase = !['collected', 'asked', 'featured'].includes(state);
  const result = await db
    .updateTable('resident_content_post')
    .set({
      state,
      state_at: new Date(),
      ...(erase ? { body: null, media: '[]', author_name: null, author_url: null } : {}),
    })
    .where('id', '=', id)
    .where('state', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Posts of an author still kept (collected, asked or featured), e.g. when their account is deleted. */
export async function findLivePostsOfAuthor(
  db: Executor,
  organisationId: number,
  source: ResidentSource,
  authorId: string,
) {
  return db
    .selectFrom('resident_content_post')
    .select(['id', 'state'])
    .where('organisation_id', '=', organisationId)
    .where('source', '=', source)
    .where('author_id', '=', authorId)
    .where('state', 'in', ['collected', 'asked', 'featured'])
    .execute();
}

/** The kept post with this remote id from this author, if any. */
export async function findLivePostByRemote(
  db: Executor,
  organisationId: number,
  source: ResidentSource,
  remoteId: string,
  authorId: string,
) {
  return db
    .selectFrom('resident_content_post')
    .select(['id', 'state'])
    .where('organisation_id', '=', organisationId)
    .where('source', '=', source)
    .where('remote_id', '=', remoteId)
    .where('author_id', '=', authorId)
    .where('state', 'in', ['collected', 'asked', 'featured'])
    .executeTakeFirst();
}

/** Mastodon posts still kept, the longest unchecked first, for the re-check job. */
export async function findPostsToRecheck(db: Executor, olderThan: Date, limit: number) {
  const rows = await db
    .selectFrom('resident_content_post')
    .select(POST_COLUMNS)
    .where('source', '=', 'mastodon')
    .where('state', 'in', ['asked', 'featured'])
    .where((eb) => eb.or([eb('checked_at', 'is', null), eb('checked_at', '<', olderThan)]))
    .orderBy(sql`checked_at nulls first`)
    .limit(limit)
    .execute();
  return rows.map(toPost);
}

export async function markChecked(db: Executor, id: number): Promise<void> {
  await db.updateTable('resident_content_post').set({ checked_at: new Date() }).where('id', '=', id).execute();
}

// --- the Mastodon collection cursor ---------------------------------------------------------------

export async function findCursor(db: Executor, destinationId: number, hashtag: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('resident_content_cursor')
    .select('since_id')
    .where('destination_id', '=', destinationId)
    .where('hashtag', '=', hashtag)
    .executeTakeFirst();
  return row?.since_id;
}

export async function saveCursor(
  db: Executor,
  organisationId: number,
  destinationId: number,
  hashtag: string,
  sinceId: string,
): Promise<void> {
  await db
    .insertInto('resident_content_cursor')
    .values({ organisation_id: organisationId, destination_id: destinationId, hashtag, since_id: sinceId })
    .onConflict((oc) => oc.columns(['destination_id', 'hashtag']).doUpdateSet({ since_id: sinceId }))
    .execute();
}
