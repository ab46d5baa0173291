import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import './publishing.schema.ts';
import './news.schema.ts';

/** One language of a post as the news pages and feeds show it. */
export interface NewsText {
  language: string;
  title: string;
  summary: string | null;
  body: string;
}

export interface NewsMedia {
  id: number;
  contentType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  alt: Translated;
}

/** A post on the city's news pages (a row in publishing_web_page that was not removed). */
export interface NewsPost {
  id: number;
  slug: string;
  kind: string;
  departmentId: number | null;
  campaignId: number | null;
  contentWarning: Translated;
  publishedAt: Date;
  updatedAt: Date;
  texts: NewsText[];
  media: NewsMedia[];
  hashtags: string[];
}

export interface NewsFilter {
  departmentId?: number | undefined;
  campaignId?: number | undefined;
  /** Only posts written in this language. */
  language?: string | undefined;
}

function parse(value: unknown): Translated {
  return (typeof value === 'string' ? JSON.parse(value) : value) as Translated;
}

/** The posts on the news pages of a city, newest first, with their texts and media. */
export async function findNewsPosts(
  db: Executor,
  organisationId: number,
  filter: NewsFilter,
  limit: number,
  offset = 0,
): Promise<NewsPost[]> {
  let query = db
    .selectFrom('publishing_web_page as w')
    .innerJoin('publishing_post as p', 'p.id', 'w.post_id')
    .leftJoin('publishing_campaign as c', 'c.id', 'p.campaign_id')
    .select([
      'p.id',
      'p.slug',
      'p.kind',
      'p.department_id',
      'p.campaign_id',
      'p.content_warning',
      'p.updated_at',
      'w.published_at',
      'c.hashtags',
    ])
    .where('w.organisation_id', '=', organisationId)
    .where('w.removed_at', 'is', null)
    .where('w.published_at', '<=', new Date())
    .where('p.state', '<>', 'withdrawn');
  if (filter.departmentId !== undefined) query = query.where('p.department_id', '=', filter.departmentId);
  if (filter.campaignId !== undefined) query = query.where('p.campaign_id', '=', filter.campaignId);
  if (filter.language !== undefined) {
    const language = filter.language;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('publishing_post_text as t')
          .select(sql<number>`1`.as('one'))
          .whereRef('t.post_id', '=', 'p.id')
          .where('t.language', '=', language),
      ),
    );
  }
  const rows = await query
    .orderBy('w.published_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return withTextsAndMedia(db, rows);
}

/** One post on the news pages by its slug (what /news/<slug> shows). */
export async function findNewsPostBySlug(
  db: Executor,
  organisationId: number,
  slug: string,
): Promise<NewsPost | undefined> {
  const rows = await db
    .selectFrom('publishing_web_page as w')
    .innerJoin('publishing_post as p', 'p.id', 'w.post_id')
    .leftJoin('publishing_campaign as c', 'c.id', 'p.campaign_id')
    .select([
      'p.id',
      'p.slug',
      'p.kind',
      'p.department_id',
      'p.campaign_id',
      'p.content_warning',
      'p.updated_at',
      'w.published_at',
      'c.hashtags',
    ])
    .where('w.organisation_id', '=', organisationId)
    .where('p.slug', '=', slug)
    .where('w.removed_at', 'is', null)
    .where('w.published_at', '<=', new Date())
    .where('p.state', '<>', 'withdrawn')
    .execute();
  return (await withTextsAndMedia(db, rows))[0];
}

async function withTextsAndMedia(
  db: Executor,
  rows: Array<{
    id: number;
    slug: string;
    kind: string;
    department_id: number | null;
    campaign_id: number | null;
    content_warning: Translated;
    updated_at: Date;
    published_at: Date;
    hashtags: string[] | null;
  }>,
): Promise<NewsPost[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [texts, media] = await Promise.all([
    db
      .selectFrom('publishing_post_text')
      .select(['post_id', 'language', 'title', 'summary', 'body'])
      .where('post_id', 'in', ids)
      .orderBy('post_id')
      .orderBy('language')
      .execute(),
    db
      .selectFrom('publishing_media')
      .select(['id', 'post_id', 'content_type', 'bytes', 'width', 'height', 'alt'])
      .where('post_id', 'in', ids)
      .orderBy('post_id')
      .orderBy('position')
      .orderBy('id')
      .execute(),
  ]);
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    kind: row.kind,
    departmentId: row.department_id,
    campaignId: row.campaign_id,
    contentWarning: parse(row.content_warning),
    publishedAt: new Date(row.published_at),
    updatedAt: new Date(row.updated_at),
    hashtags: row.hashtags ?? [],
    texts: texts
      .filter((text) => text.post_id === row.id)
      .map((text) => ({ language: text.language, title: text.title ?? '', summary: text.summary, body: text.body })),
    media: media
      .filter((item) => item.post_id === row.id)
      .map((item) => ({
        id: item.id,
        contentType: item.content_type,
        bytes: item.bytes,
        width: item.width,
        height: item.height,
        alt: parse(item.alt),
      })),
  }));
}

/** The news pages of a city as a destination (kind `web`, key `news`), created on first use. */
export async function ensureWebDestination(db: Executor, organisationId: number, name: string): Promise<number> {
  await db
    .insertInto('publishing_destination')
    .values({ organisation_id: organisationId, kind: 'web', key: 'news', name })
    .onConflict((oc) => oc.columns(['organisation_id', 'kind', 'key']).doNothing())
    .execute();
  const row = await db
    .selectFrom('publishing_destination')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'web')
    .where('key', '=', 'news')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Puts a post on the news pages (again); the first publication date is kept. */
export async function putWebPage(
  db: Executor,
  page: { organisationId: number; postId: number; destinationId: number; publishedAt: Date },
): Promise<void> {
  await db
    .insertInto('publishing_web_page')
    .values({
      organisation_id: page.organisationId,
      post_id: page.postId,
      destination_id: page.destinationId,
      published_at: page.publishedAt,
    })
    .onConflict((oc) => oc.column('post_id').doUpdateSet({ removed_at: null }))
    .execute();
}

/** Takes a post off the news pages. */
export async function removeWebPage(db: Executor, organisationId: number, postId: number): Promise<boolean> {
  const result = await db
    .updateTable('publishing_web_page')
    .set({ removed_at: new Date() })
    .where('organisation_id', '=', organisationId)
    .where('post_id', '=', postId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Whether a post is on the news pages, and its slug (for its address). */
export async function findWebPage(
  db: Executor,
  organisationId: number,
  postId: number,
): Promise<{ slug: string; removed: boolean } | undefined> {
  const row = await db
    .selectFrom('publishing_web_page as w')
    .innerJoin('publishing_post as p', 'p.id', 'w.post_id')
    .select(['p.slug', 'w.removed_at'])
    .where('w.organisation_id', '=', organisationId)
    .where('w.post_id', '=', postId)
    .executeTakeFirst();
  return row ? { slug: row.slug, removed: row.removed_at !== null } : undefined;
}

/** A post's slug in a city (the web adapter builds the post's page address from it). */
export async function findPostSlug(db: Executor, organisationId: number, postId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('publishing_post')
    .select('slug')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', postId)
    .executeTakeFirst();
  return row?.slug;
}

/** Departments and campaigns with their slugs, for the feeds' addresses and titles. */
export async function findFeedSubjects(
  db: Executor,
  organisationId: number,
): Promise<{
  departments: Array<{ id: number; slug: string; name: Translated }>;
  campaigns: Array<{ id: number; slug: string; name: Translated }>;
}> {
  const [departments, campaigns] = await Promise.all([
    db
      .selectFrom('core_department')
      .select(['id', 'slug', 'name'])
      .where('organisation_id', '=', organisationId)
      .where('archived_at', 'is', null)
      .orderBy('slug')
      .execute(),
    db
      .selectFrom('publishing_campaign')
      .select(['id', 'slug', 'name'])
      .where('organisation_id', '=', organisationId)
      .where('archived_at', 'is', null)
      .orderBy('slug')
      .execute(),
  ]);
  return {
    departments: departments.map((d) => ({ id: d.id, slug: d.slug, name: parse(d.name) })),
    campaigns: campaigns.map((c) => ({ id: c.id, slug: c.slug, name: parse(c.name) })),
  };
}

/**
 * Writes a post already published on the news pages, with a published delivery to the `web` destination
 * (the demo's past news, and news moved from elsewhere): a post that went through the calendar is put on the
 * news pages by the web adapter instead.
 */
export async function insertPublishedNews(
  db: Executor,
  organisationId: number,
  article: {
    slug: string;
    texts: Record<string, { title: string; summary?: string | undefined; body: string }>;
    publishedAt: Date;
    authorId?: number | null | undefined;
    departmentId?: number | null | undefined;
    campaignId?: number | null | undefined;
    defaultLanguage: string;
  },
): Promise<number> {
  const destinationId = await ensureWebDestination(db, organisationId, 'News pages');
  const post = await db
    .insertInto('publishing_post')
    .values({
      organisation_id: organisationId,
      kind: 'article',
      state: 'published',
      slug: article.slug,
      author_id: article.authorId ?? null,
      department_id: article.departmentId ?? null,
      campaign_id: article.campaignId ?? null,
      published_at: article.publishedAt,
      created_at: article.publishedAt,
      updated_at: article.publishedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('publishing_post_text')
    .values(
      Object.entries(article.texts).map(([language, text]) => ({
        organisation_id: organisationId,
        post_id: post.id,
        language,
        title: text.title,
        summary: text.summary ?? null,
        body: text.body,
      })),
    )
    .execute();
  await db
    .insertInto('publishing_post_destination')
    .values({ organisation_id: organisationId, post_id: post.id, destination_id: destinationId })
    .execute();
  await db
    .insertInto('publishing_delivery')
    .values({
      organisation_id: organisationId,
      post_id: post.id,
      destination_id: destinationId,
      language: article.texts[article.defaultLanguage]
        ? article.defaultLanguage
        : (Object.keys(article.texts)[0] ?? article.defaultLanguage),
      state: 'published',
      idempotency_key: `news-${organisationId}-${post.id}`,
      remote_id: String(post.id),
      remote_url: `/news/${article.slug}`,
      published_at: article.publishedAt,
    })
    .execute();
  await putWebPage(db, { organisationId, postId: post.id, destinationId, publishedAt: article.publishedAt });
  return post.id;
}

/** The post a delivery carries (the web adapter asks when a publish left no remote id). */
export async function findDeliveryPostId(
  db: Executor,
  organisationId: number,
  deliveryId: number,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('publishing_delivery')
    .select('post_id')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  return row?.post_id;
}
