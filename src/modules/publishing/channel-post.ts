import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import type { ChannelMedia, ChannelPost, ChannelProblem, PublishingAdapter } from '../../platform/publishing.ts';
import type { Campaign } from './campaigns.repository.ts';
import { withUtm } from './campaigns.ts';
import { checkLimits } from './limits.ts';
import { findMediaData } from './media.repository.ts';
import { newsPath } from './news.ts';
import type { Post } from './posts.repository.ts';

/** The text one destination receives in one language: its variant, else the master text, with the campaign's UTM. */
export function textFor(
  post: Post,
  destinationId: number,
  kind: string,
  language: string,
  campaign: Campaign | undefined,
): string {
  const body = post.variants[destinationId]?.[language] ?? post.texts[language]?.body ?? '';
  return campaign
    ? withUtm(
        body,
        { source: campaign.utmSource, medium: campaign.utmMedium, campaign: campaign.utmCampaign ?? campaign.slug },
        kind,
      )
    : body;
}

/** The languages a post is delivered in: those with a master text. */
export function postLanguages(post: Post): string[] {
  return Object.entries(post.texts)
    .filter(([, text]) => text.body.trim() !== '')
    .map(([language]) => language);
}

/** Every problem of a post for one destination in each of its languages (limits, then the adapter's own checks). */
export function problemsFor(
  post: Post,
  destination: { id: number; kind: string },
  adapter: PublishingAdapter,
  campaign: Campaign | undefined,
  organisation: Organisation,
  ctx: AppContext,
): Array<ChannelProblem & { language: string }> {
  const problems: Array<ChannelProblem & { language: string }> = [];
  for (const language of postLanguages(post)) {
    const channelPost = buildChannelPost(ctx, ctx.db, organisation, post, destination, language, campaign, {
      deliveryId: 0,
      idempotencyKey: '',
    });
    const found = [...checkLimits(channelPost, adapter.limits), ...(adapter.validate?.(channelPost) ?? [])];
    problems.push(...found.map((problem) => ({ ...problem, language })));
  }
  return problems;
}

/** The post as one channel receives it, in one language. */
export function buildChannelPost(
  ctx: AppContext,
  db: Executor,
  organisation: Organisation,
  post: Post,
  destination: { id: number; kind: string },
  language: string,
  campaign: Campaign | undefined,
  delivery: { deliveryId: number; idempotencyKey: string; remoteId?: string | null },
): ChannelPost {
  const media: ChannelMedia[] = post.media.map((item) => ({
    url: absoluteUrl(ctx.config, organisation, `/publishing/media/${item.id}`),
    contentType: item.contentType,
    alt: item.alt[language] ?? '',
    width: item.width ?? undefined,
    height: item.height ?? undefined,
    read: async () => (await findMediaData(db, organisation.id, item.id))?.data ?? new Uint8Array(),
  }));
  return {
    postId: post.id,
    deliveryId: delivery.deliveryId,
    idempotencyKey: delivery.idempotencyKey,
    organisationId: organisation.id,
    language,
    title: post.texts[language]?.title ?? null,
    text: textFor(post, destination.id, destination.kind, language, campaign),
    contentWarning: post.contentWarning[language] || null,
    media,
    url: absoluteUrl(ctx.config, organisation, newsPath(post.slug)),
    hashtags: campaign?.hashtags ?? [],
    crisis: post.crisis,
    publishedAt: post.publishedAt ?? new Date(),
    remoteId: delivery.remoteId ?? undefined,
  };
}
