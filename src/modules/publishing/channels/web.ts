import type { AppContext } from '../../../platform/context.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import type {
  DeliveryOutcome,
  DeliveryRef,
  PublishingAdapter,
  PublishingDestination,
} from '../../../platform/publishing.ts';
import {
  ensureWebDestination,
  findDeliveryPostId,
  findPostSlug,
  findWebPage,
  putWebPage,
  removeWebPage,
} from '../news.repository.ts';
import { newsPath } from '../news.ts';

/** The address of a post's page, absolute on the post's city's site. */
async function pageUrl(ctx: AppContext, organisationId: number, slug: string): Promise<string> {
  const city = await ctx.organisations.findById(organisationId);
  return city ? absoluteUrl(ctx.config, city, newsPath(slug)) : newsPath(slug);
}

async function statusOf(ctx: AppContext, destination: PublishingDestination, postId: number): Promise<DeliveryOutcome> {
  const page = await findWebPage(ctx.db, destination.organisationId, postId);
  if (!page || page.removed) return { state: 'not_found' };
  return {
    state: 'published',
    remoteId: String(postId),
    url: await pageUrl(ctx, destination.organisationId, page.slug),
  };
}

/** The delivery's post: the remote id the web adapter gave (the post's id), else the delivery's own row. */
async function postIdOf(ctx: AppContext, destination: PublishingDestination, delivery: DeliveryRef) {
  const id = Number(delivery.remoteId);
  if (delivery.remoteId !== null && Number.isSafeInteger(id) && id > 0) return id;
  return findDeliveryPostId(ctx.db, destination.organisationId, delivery.deliveryId);
}

/**
 * The city's news pages as a channel. Publishing puts the post on /news (and in the feeds) at the address
 * /news/<slug>, its canonical address; the page always shows the post's current texts, so an edit needs
 * nothing more; removing takes it off. Everything is in the city's own database, so `status` answers
 * from there and a publish is never in doubt.
 */
export const webAdapter: PublishingAdapter = {
  kind: 'web',
  label: 'publishing.news.channel',
  limits: {
    maxCharacters: null,
    maxMedia: 20,
    contentWarning: true,
    title: true,
    edit: true,
    remove: true,
  },
  async builtInDestinations(ctx, organisationId) {
    await ensureWebDestination(ctx.db, organisationId, 'News pages');
    return [{ key: 'news', name: 'News pages', departmentId: null }];
  },
  concurrency: 4,
  validate(post) {
    return post.title?.trim() ? [] : [{ code: 'TITLE_REQUIRED', field: 'title' }];
  },
  async publish(destination, post, ctx) {
    await putWebPage(ctx.db, {
      organisationId: destination.organisationId,
      postId: post.postId,
      destinationId: destination.id,
      publishedAt: post.publishedAt,
    });
    return statusOf(ctx, destination, post.postId);
  },
  async status(destination, delivery, ctx) {
    const postId = await postIdOf(ctx, destination, delivery);
    return postId === undefined ? { state: 'not_found' } : statusOf(ctx, destination, postId);
  },
  async update(destination, delivery, _post, ctx) {
    const postId = await postIdOf(ctx, destination, delivery);
    return postId === undefined ? { state: 'not_found' } : statusOf(ctx, destination, postId);
  },
  async remove(destination, delivery, ctx) {
    const postId = await postIdOf(ctx, destination, delivery);
    if (postId !== undefined) await removeWebPage(ctx.db, destination.organisationId, postId);
    return { state: 'not_found' };
  },
};

/** The page address of a post, for the publishing module when it builds a ChannelPost's `url`. */
export async function postPageUrl(
  ctx: AppContext,
  organisationId: number,
  postId: number,
): Promise<string | undefined> {
  const slug = await findPostSlug(ctx.db, organisationId, postId);
  return slug === undefined ? undefined : pageUrl(ctx, organisationId, slug);
}
