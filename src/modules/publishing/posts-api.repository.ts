import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { PostKind } from './publishing.schema.ts';
import './publishing.schema.ts';
import './news.schema.ts';

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** A published post as anyone may read it: never a draft, a reviewer, an author or an approval step. */
export interface PublicPost {
  id: number;
  kind: PostKind;
  slug: string;
  contentWarning: Translated;
  publishedAt: Date;
  correctedAt: Date | null;
  /** Whether the post has a live page on the city's news pages. */
  onNewsPages: boolean;
  department: { id: number; slug: string; name: Translated } | null;
  campaign: { id: number; slug: string; name: Translated; hashtags: string[] } | null;
  texts: Array<{ language: string; title: string | null; summary: string | null; body: string }>;
}

/**
 * Published, not withdrawn posts of a city with ids greater than `afterId`, in id order, at most
 * `limit` (a keyset page); or the one post `id` when given.
 */
export async function findPublicPosts(
  db: Executor,
  organisationId: number,
  page: { afterId: number; limit: number } | { id: number },
): Promise<PublicPost[]> {
  let query = db
    .selectFrom('publishing_post as p')
    .leftJoin('core_department as d', (join) =>
      join.onRef('d.id', '=', 'p.department_id').onRef('d.organisation_id', '=', 'p.organisation_id'),
    )
    .leftJoin('publishing_campaign as c', (join) =>
      join.onRef('c.id', '=', 'p.campaign_id').onRef('c.organisation_id', '=', 'p.organisation_id'),
    )
    .select((eb) => [
      'p.id',
      'p.kind',
      'p.slug',
      'p.content_warning',
      'p.published_at',
      'p.corrected_at',
      'd.id as department_id',
      'd.slug as department_slug',
      'd.name as department_name',
      'c.id as campaign_id',
      'c.slug as campaign_slug',
      'c.name as campaign_name',
      'c.hashtags as campaign_hashtags',
      eb
        .exists(
          eb
            .selectFrom('publishing_web_page as w')
            .select(sql<number>`1`.as('one'))
            .whereRef('w.post_id', '=', 'p.id')
            .where('w.removed_at', 'is', null),
        )
        .as('on_news_pages'),
    ])
    .where('p.organisation_id', '=', organisationId)
    .where('p.state', '=', 'published')
    .where('p.withdrawn_at', 'is', null)
    .where('p.published_at', 'is not', null);
  query = 'id' in page ? query.where('p.id', '=', page.id) : query.where('p.id', '>', page.afterId);
  const rows = await query
    .orderBy('p.id')
    .limit('id' in page ? 1 : page.limit)
    .execute();
  if (rows.length === 0) return [];
  const texts = await db
    .selectFrom('publishing_post_text')
    .select(['post_id', 'language', 'title', 'summary', 'body'])
    .where('organisation_id', '=', organisationId)
    .where(
      'post_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('post_id')
    .orderBy('language')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    slug: row.slug,
    contentWarning: json<Translated>(row.content_warning),
    publishedAt: new Date(row.published_at as Date),
    correctedAt: row.corrected_at ? new Date(row.corrected_at) : null,
    onNewsPages: Boolean(row.on_news_pages),
    department:
      row.department_id !== null && row.department_slug !== null && row.department_name !== null
        ? { id: row.department_id, slug: row.department_slug, name: json<Translated>(row.department_name) }
        : null,
    campaign:
      row.campaign_id !== null && row.campaign_slug !== null && row.campaign_name !== null
        ? {
            id: row.campaign_id,
            slug: row.campaign_slug,
            name: json<Translated>(row.campaign_name),
            hashtags: row.campaign_hashtags ?? [],
          }
        : null,
    texts: texts
      .filter((text) => text.post_id === row.id)
      .map((text) => ({ language: text.language, title: text.title, summary: text.summary, body: text.body })),
  }));
}

/** The user who issued an API key that is still valid: a key with a staff scope acts with that person's rights. */
export async function findApiKeyIssuer(db: Executor, organisationId: number, keyId: number): Promise<number | null> {
  const row = await db
    .selectFrom('core_api_key')
    .select('created_by')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row?.created_by ?? null;
}
