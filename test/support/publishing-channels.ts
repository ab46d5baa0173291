import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/platform/context.ts';
import type { ChannelMedia, ChannelPost, DeliveryRef, PublishingDestination } from '../../src/platform/publishing.ts';

/**
 * What the channel adapters' tests need from the publishing module's tables: a post, a destination and a
 * delivery row (the adapters remember their state in it), built directly, since the publishing job is
 * built elsewhere; and the ChannelPost / DeliveryRef the job would hand an adapter.
 */
export async function createDelivery(
  ctx: AppContext,
  organisationId: number,
  destination: { kind: string; settings: Record<string, unknown>; secrets: Record<string, string> },
): Promise<{ destination: PublishingDestination; postId: number; deliveryId: number; idempotencyKey: string }> {
  const suffix = randomUUID().slice(0, 8);
  const post = await ctx.db
    .insertInto('publishing_post')
    .values({ organisation_id: organisationId, slug: `post-${suffix}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const row = await ctx.db
    .insertInto('publishing_destination')
    .values({
      organisation_id: organisationId,
      kind: destination.kind,
      key: `${destination.kind}-${suffix}`,
      name: `City ${destination.kind}`,
      settings: JSON.stringify(destination.settings),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const idempotencyKey = randomUUID();
  const delivery = await ctx.db
    .insertInto('publishing_delivery')
    .values({
      organisation_id: organisationId,
      post_id: post.id,
      destination_id: row.id,
      language: 'en',
      idempotency_key: idempotencyKey,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    destination: {
      id: row.id,
      organisationId,
      kind: destination.kind,
      key: `${destination.kind}-${suffix}`,
      name: `City ${destination.kind}`,
      departmentId: null,
      settings: destination.settings,
      secrets: destination.secrets,
    },
    postId: post.id,
    deliveryId: delivery.id,
    idempotencyKey,
  };
}

/** The delivery as the publishing job would give it to `status`: its remote id (when known) and state. */
export async function deliveryRef(
  ctx: AppContext,
  deliveryId: number,
  remoteId: string | null = null,
): Promise<DeliveryRef> {
  const row = await ctx.db
    .selectFrom('publishing_delivery')
    .select(['idempotency_key', 'adapter_state'])
    .where('id', '=', deliveryId)
    .executeTakeFirstOrThrow();
  return { deliveryId, idempotencyKey: row.idempotency_key, remoteId, state: row.adapter_state };
}

/** A small JPEG-looking picture (the fakes check only that bytes arrive). */
export function picture(url: string, alt: string): ChannelMedia {
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 300 }, (_, i) => i % 256), 0xff, 0xd9]);
  return { url, alt, contentType: 'image/jpeg', read: () => Promise.resolve(bytes), width: 1200, height: 800 };
}

/** A ChannelPost for a delivery made by createDelivery. */
export function channelPost(
  made: { postId: number; deliveryId: number; idempotencyKey: string; destination: PublishingDestination },
  overrides: Partial<ChannelPost> = {},
): ChannelPost {
  return {
    postId: made.postId,
    deliveryId: made.deliveryId,
    idempotencyKey: made.idempotencyKey,
    organisationId: made.destination.organisationId,
    language: 'en',
    title: null,
    text: 'The bridge on Strada Mihai Viteazul reopens on Monday. https://city.example/news/bridge?utm_source=mastodon',
    contentWarning: null,
    media: [],
    url: 'https://city.example/news/bridge',
    hashtags: ['AlbaIulia'],
    crisis: false,
    publishedAt: new Date(),
    ...overrides,
  };
}
