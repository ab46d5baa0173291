import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import './city.schema.ts';

export interface NewsArticle {
  id: number;
  slug: string;
  title: Translated;
  summary: Translated;
  body: Translated;
  publishedAt: Date;
}

function parse(value: unknown): Translated {
  return (typeof value === 'string' ? JSON.parse(value) : value) as Translated;
}

/** The latest published news of a city, newest first. */
export async function findLatestNews(
  db: Executor,
  organisationId: number,
  limit: number,
  offset = 0,
): Promise<NewsArticle[]> {
  const rows = await db
    .selectFrom('city_news')
    .select(['id', 'slug', 'title', 'summary', 'body', 'published_at'])
    .where('organisation_id', '=', organisationId)
    .where('published_at', 'is not', null)
    .where('published_at', '<=', new Date())
    .orderBy('published_at', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    title: parse(row.title),
    summary: parse(row.summary),
    body: parse(row.body),
    publishedAt: row.published_at as Date,
  }));
}

export async function findPublishedNewsBySlug(
  db: Executor,
  organisationId: number,
  slug: string,
): Promise<NewsArticle | undefined> {
  const row = await db
    .selectFrom('city_news')
    .select(['id', 'slug', 'title', 'summary', 'body', 'published_at'])
    .where('organisation_id', '=', organisationId)
    .where('slug', '=', slug)
    .where('published_at', 'is not', null)
    .where('published_at', '<=', new Date())
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        slug: row.slug,
        title: parse(row.title),
        summary: parse(row.summary),
        body: parse(row.body),
        publishedAt: row.published_at as Date,
      }
    : undefined;
}

export async function insertNews(
  db: Executor,
  organisationId: number,
  article: {
    slug: string;
    title: Translated;
    summary: Translated;
    body: Translated;
    publishedAt: Date;
    authorId?: number;
    districtId?: number;
  },
): Promise<number> {
  const row = await db
    .insertInto('city_news')
    .values({
      organisation_id: organisationId,
      slug: article.slug,
      title: JSON.stringify(article.title),
      summary: JSON.stringify(article.summary),
      body: JSON.stringify(article.body),
      published_at: article.publishedAt,
      author_id: article.authorId ?? null,
      district_id: article.districtId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
