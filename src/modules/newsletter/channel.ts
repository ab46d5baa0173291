import type { AppContext } from '../../platform/context.ts';
import type { PublishingAdapter } from '../../platform/publishing.ts';
import { sendSegment } from './digest.ts';
import { findItemByDelivery, findPostDepartment, insertItem } from './newsletter.repository.ts';

/** The key of the one newsletter destination each city has. */
export const NEWSLETTER_KEY = 'newsletter';

/**
 * The newsletter as a channel of the publishing module. Publishing puts the post (in its language) on
 * the list of the next digest and answers `published` — the post is on the list; the digest job mails
 * it. A crisis post is mailed at once, on its own, to every confirmed subscriber of its language, in the
 * same transaction as it is listed. Publishing twice with one delivery changes nothing (the delivery id
 * is unique in the list), so `status` answers from the list.
 */
export const newsletterAdapter: PublishingAdapter = {
  kind: 'newsletter',
  label: 'newsletter.adapter.label',
  limits: {
    maxCharacters: null,
    maxMedia: 1,
    contentWarning: false,
    title: true,
    edit: false,
    remove: false,
  },
  async builtInDestinations() {
    return [{ key: NEWSLETTER_KEY, name: 'Newsletter', departmentId: null }];
  },
  async publish(_destination, post, ctx: AppContext) {
    const organisation = await ctx.organisations.findById(post.organisationId);
    if (!organisation) return { state: 'failed', retryable: false, detail: 'unknown city' };
    const picture = post.media.find((media) => media.contentType.startsWith('image/'));
    const body = post.contentWarning ? `${post.contentWarning}\n\n${post.text}` : post.text;
    const id = await ctx.db.transaction().execute(async (tx) => {
      const departmentId = await findPostDepartment(tx, organisation.id, post.postId);
      const item = {
        organisationId: organisation.id,
        deliveryId: post.deliveryId,
        postId: post.postId,
        language: post.language,
        title: post.title,
        body,
        url: post.url,
        image: picture ? { url: picture.url, alt: picture.alt } : null,
        departmentId,
        crisis: post.crisis,
        publishedAt: post.publishedAt,
      };
      const stored = await insertItem(tx, item);
      if (post.crisis && stored.inserted)
        await sendSegment(ctx, tx, organisation, post.language, 'crisis', [{ ...item, id: stored.id }], new Date());
      return stored.id;
    });
    return { state: 'published', remoteId: `newsletter-item:${id}` };
  },
  async status(destination, delivery, ctx) {
    const item = await findItemByDelivery(ctx.db, destination.organisationId, delivery.deliveryId);
    return item ? { state: 'published', remoteId: `newsletter-item:${item.id}` } : { state: 'not_found' };
  },
};
