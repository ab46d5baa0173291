import type { Translated } from '../../src/platform/db/schema.ts';
import type { PostState } from '../../src/modules/publishing/publishing.schema.ts';
import type { TestServer } from './server.ts';

let counter = 0;

/** A campaign of the first city. */
export async function buildCampaign(
  server: TestServer,
  organisationId: number,
  overrides: { slug?: string; name?: Translated; hashtags?: string[] } = {},
): Promise<{ id: number; slug: string }> {
  const slug = overrides.slug ?? `campaign-${++counter}-${Date.now()}`;
  const row = await server.ctx.db
    .insertInto('publishing_campaign')
    .values({
      organisation_id: organisationId,
      slug,
      name: JSON.stringify(overrides.name ?? { en: `Campaign ${counter}` }),
      hashtags: overrides.hashtags ?? [],
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, slug };
}

export interface PostFixture {
  state?: PostState;
  kind?: 'post' | 'article' | 'alert';
  slug?: string;
  texts?: Record<string, { title?: string | null; summary?: string | null; body: string }>;
  scheduledAt?: Date | null;
  publishedAt?: Date | null;
  departmentId?: number | null;
  campaignId?: number | null;
  authorId?: number | null;
  contentWarning?: Translated;
  media?: Array<{ contentType: string; bytes: number; alt: Translated }>;
  /** Put it on the news pages (as the web adapter's publish does) at `publishedAt`. */
  onWeb?: boolean;
  /** Destinations (ids) it is planned for. */
  destinationIds?: number[];
}

/**
 * A post written straight into the publishing tables (the post editor is pub-core's), with its texts, media,
 * destinations and, with `onWeb`, its page on the news pages.
 */
export async function buildPost(
  server: TestServer,
  organisationId: number,
  fixture: PostFixture = {},
): Promise<{ id: number; slug: string }> {
  const db = server.ctx.db;
  const slug = fixture.slug ?? `post-${++counter}-${Date.now()}`;
  const published = fixture.publishedAt ?? (fixture.state === 'published' || fixture.onWeb ? new Date() : null);
  const post = await db
    .insertInto('publishing_post')
    .values({
      organisation_id: organisationId,
      kind: fixture.kind ?? 'article',
      state: fixture.state ?? (fixture.onWeb ? 'published' : 'draft'),
      slug,
      department_id: fixture.departmentId ?? null,
      campaign_id: fixture.campaignId ?? null,
      author_id: fixture.authorId ?? null,
      content_warning: JSON.stringify(fixture.contentWarning ?? {}),
      scheduled_at: fixture.scheduledAt ?? null,
      published_at: published,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const texts = fixture.texts ?? { en: { title: `Post ${counter}`, body: `Text of post ${counter}.` } };
  await db
    .insertInto('publishing_post_text')
    .values(
      Object.entries(texts).map(([language, text]) => ({
        organisation_id: organisationId,
        post_id: post.id,
        language,
        title: text.title ?? null,
        summary: text.summary ?? null,
        body: text.body,
      })),
    )
    .execute();
  for (const [position, media] of (fixture.media ?? []).entries()) {
    await db
      .insertInto('publishing_media')
      .values({
        organisation_id: organisationId,
        post_id: post.id,
        position,
        storage_key: `test/${post.id}/${position}`,
        content_type: media.contentType,
        bytes: media.bytes,
        width: 800,
        height: 600,
        alt: JSON.stringify(media.alt),
      })
      .execute();
  }
  for (const destinationId of fixture.destinationIds ?? []) {
    await db
      .insertInto('publishing_post_destination')
      .values({ organisation_id: organisationId, post_id: post.id, destination_id: destinationId })
      .execute();
  }
  if (fixture.onWeb) {
    const destination = await webDestination(server, organisationId);
    await db
      .insertInto('publishing_web_page')
      .values({
        organisation_id: organisationId,
        post_id: post.id,
        destination_id: destination,
        published_at: published ?? new Date(),
      })
      .execute();
  }
  return { id: post.id, slug };
}

/** The city's news pages destination (kind `web`), created when missing. */
export async function webDestination(server: TestServer, organisationId: number): Promise<number> {
  await server.ctx.db
    .insertInto('publishing_destination')
    .values({ organisation_id: organisationId, kind: 'web', key: 'news', name: 'News pages' })
    .onConflict((oc) => oc.columns(['organisation_id', 'kind', 'key']).doNothing())
    .execute();
  const row = await server.ctx.db
    .selectFrom('publishing_destination')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'web')
    .where('key', '=', 'news')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A destination of another kind (a Mastodon account, a Telegram channel), for the calendar's channel filter. */
export async function buildDestination(
  server: TestServer,
  organisationId: number,
  kind: string,
  departmentId: number | null = null,
): Promise<number> {
  const row = await server.ctx.db
    .insertInto('publishing_destination')
    .values({
      organisation_id: organisationId,
      kind,
      key: `${kind}-${++counter}`,
      name: `${kind} ${counter}`,
      department_id: departmentId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
