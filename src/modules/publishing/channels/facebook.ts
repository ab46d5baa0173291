import type { AppContext } from '../../../platform/context.ts';
import type {
  ChannelPost,
  ChannelProblem,
  DeliveryOutcome,
  DeliveryRef,
  PostMetrics,
  PublishingAdapter,
  PublishingDestination,
} from '../../../platform/publishing.ts';
import {
  callGraphApi,
  describe,
  graphFailure,
  graphOf,
  graphOrThrow,
  graphUnknown,
  isMissing,
  mayHaveActed,
  type GraphAccount,
} from './graph-api.ts';
import {
  altProblems,
  countCharacters,
  lengthProblem,
  numberOf,
  objectOf,
  outboundOutcome,
  PublishDoubt,
  redact,
  refused,
  settingOf,
  statusError,
  StatusUnknown,
  textOf,
  withWarning,
} from './social-api.ts';
import { rememberAdapterState } from './social.repository.ts';

/**
 * The city's Facebook page, through the Graph API with the page access token. A post is
 * `POST /{page-id}/feed` (message and the post's link), a single picture `POST /{page-id}/photos`
 * (by its public address, with its alternative text as `alt_text_custom`), several pictures uploaded
 * unpublished first and attached to one feed post. Facebook has no idempotency key: the message is
 * remembered before the request that may leave doubt, and `status` looks for it among the page's posts
 * published since; a post that did not appear a minute after the request was not made.
 */

const MAX_CHARACTERS = 63_206;
const MAX_MEDIA = 10;
/** After this long, a post not found among the page's posts was not made (Facebook publishes at once). */
const SETTLED_MS = 60_000;
/** How far the page's clock and ours may differ when looking for a post made by a doubtful request. */
const CLOCK_MARGIN_MS = 30_000;

function pageOf(destination: PublishingDestination): string {
  return settingOf(destination, 'pageId');
}

function facebookUrl(id: string, permalink: unknown): string {
  return textOf(permalink) ?? `https://www.facebook.com/${encodeURIComponent(id)}`;
}

async function uploadUnpublished(
  destination: PublishingDestination,
  ctx: AppContext,
  account: GraphAccount,
  pageId: string,
  post: ChannelPost,
  signal: AbortSignal,
): Promise<{ ok: true; ids: string[] } | { ok: false; outcome: DeliveryOutcome }> {
  const ids: string[] = [];
  for (const media of post.media.slice(0, MAX_MEDIA)) {
    const answer = await callGraphApi(
      ctx,
      account,
      'POST',
      `${encodeURIComponent(pageId)}/photos`,
      { url: media.url, published: false, alt_text_custom: media.alt },
      signal,
    );
    if (!answer.ok)
      return { ok: false, outcome: graphFailure('Facebook photo', answer.status, answer.error, destination) };
    const id = textOf(answer.body.id);
    if (!id) return { ok: false, outcome: refused('Facebook photo: the answer has no id', destination) };
    ids.push(id);
  }
  return { ok: true, ids };
}

async function publish(
  destination: PublishingDestination,
  post: ChannelPost,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const account = graphOf(destination);
  if (typeof account === 'string') return refused(account, destination);
  const pageId = pageOf(destination);
  if (!/^\d+$/.test(pageId)) return refused('Facebook: the page id is not set', destination);
  const message = withWarning(post);
  let attached: string[] = [];
  if (post.media.length > 1) {
    // unpublished photos make no post: a failure here never leaves doubt
    try {
      const uploaded = await uploadUnpublished(destination, ctx, account, pageId, post, signal);
      if (!uploaded.ok) return uploaded.outcome;
      attached = uploaded.ids;
    } catch (error) {
      return outboundOutcome(error, destination, 'Facebook photo', false);
    }
  }
  const single = post.media.length === 1 ? post.media[0] : undefined;
  const [path, body] = single
    ? [`${encodeURIComponent(pageId)}/photos`, { url: single.url, message, alt_text_custom: single.alt }]
    : [
        `${encodeURIComponent(pageId)}/feed`,
        {
          message,
          ...(attached.length > 0
            ? { attached_media: attached.map((id) => ({ media_fbid: id })) }
            : { link: post.url }),
        },
      ];
  await rememberAdapterState(ctx.db, post.organisationId, post.deliveryId, {
    message,
    requestedAt: new Date().toISOString(),
  });
  let answer;
  try {
    answer = await callGraphApi(ctx, account, 'POST', path, body, signal);
  } catch (error) {
    return outboundOutcome(error, destination, 'Facebook post', true);
  }
  if (!answer.ok) {
    if (mayHaveActed(answer.status, answer.error))
      throw new PublishDoubt(redact(describe('Facebook post', answer.status, answer.error), destination));
    return graphFailure('Facebook post', answer.status, answer.error, destination);
  }
  // /photos answers the photo's id and the post's id; /feed the post's id
  const id = textOf(answer.body.post_id) ?? textOf(answer.body.id);
  if (!id) throw new PublishDoubt('Facebook post: the answer has no post id');
  return { state: 'published', remoteId: id, url: facebookUrl(id, undefined) };
}

/**
 * With a post id: `GET /{post-id}` (code 100/33: gone). Without one: no request remembered means none
 * was made; otherwise the page's posts since the request are searched for the same message.
 */
async function status(
  destination: PublishingDestination,
  delivery: DeliveryRef,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const account = graphOrThrow(destination);
  try {
    if (delivery.remoteId) {
      const answer = await callGraphApi(
        ctx,
        account,
        'GET',
        `${encodeURIComponent(delivery.remoteId)}?fields=id,permalink_url,created_time`,
        undefined,
        signal,
      );
      if (answer.ok)
        return {
          state: 'published',
          remoteId: delivery.remoteId,
          url: facebookUrl(delivery.remoteId, answer.body.permalink_url),
        };
      if (isMissing(answer.status, answer.error)) return { state: 'not_found' };
      return graphUnknown('Facebook status', answer.status, answer.error, destination);
    }
    const requestedAt = Date.parse(textOf(delivery.state.requestedAt) ?? '');
    const message = textOf(delivery.state.message);
    if (Number.isNaN(requestedAt) || message === undefined) return { state: 'not_found' };
    // clocks differ a little; the same message posted on the page within that margin would be taken for this one
    const since = Math.floor((requestedAt - CLOCK_MARGIN_MS) / 1000);
    const answer = await callGraphApi(
      ctx,
      account,
      'GET',
      `${encodeURIComponent(pageOf(destination))}/published_posts?fields=id,message,permalink_url,created_time&since=${since}&limit=50`,
      undefined,
      signal,
    );
    if (!answer.ok) return graphUnknown('Facebook status', answer.status, answer.error, destination);
    const posts = Array.isArray(answer.body.data) ? answer.body.data.map(objectOf) : [];
    const found = posts.find((item) => textOf(item.message) === message);
    const id = found ? textOf(found.id) : undefined;
    if (found && id) return { state: 'published', remoteId: id, url: facebookUrl(id, found.permalink_url) };
    if (Date.now() - requestedAt < SETTLED_MS)
      throw new StatusUnknown('Facebook status: the post is not among the page posts yet; ask again in a minute', {
        retryable: true,
      });
    return { state: 'not_found' };
  } catch (error) {
    if (error instanceof StatusUnknown) throw error;
    return statusError(error, destination, 'Facebook status');
  }
}

async function update(
  destination: PublishingDestination,
  delivery: DeliveryRef,
  post: ChannelPost,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const account = graphOrThrow(destination);
  const id = delivery.remoteId ?? post.remoteId;
  if (!id) return { state: 'not_found' };
  try {
    const answer = await callGraphApi(
      ctx,
      account,
      'POST',
      encodeURIComponent(id),
      { message: withWarning(post) },
      signal,
    );
    if (answer.ok) return { state: 'published', remoteId: id, url: facebookUrl(id, undefined) };
    if (isMissing(answer.status, answer.error)) return { state: 'not_found' };
    return graphFailure('Facebook edit', answer.status, answer.error, destination);
  } catch (error) {
    return statusError(error, destination, 'Facebook edit');
  }
}

async function remove(
  destination: PublishingDestination,
  delivery: DeliveryRef,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const account = graphOrThrow(destination);
  if (!delivery.remoteId) return { state: 'not_found' };
  try {
    const answer = await callGraphApi(ctx, account, 'DELETE', encodeURIComponent(delivery.remoteId), undefined, signal);
    if (answer.ok || isMissing(answer.status, answer.error)) return { state: 'not_found' };
    return graphFailure('Facebook delete', answer.status, answer.error, destination);
  } catch (error) {
    return statusError(error, destination, 'Facebook delete');
  }
}

/** Reactions, shares and comments from the post; reach from its insights when the page may read them. */
async function metrics(
  destination: PublishingDestination,
  delivery: DeliveryRef,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<PostMetrics> {
  const account = graphOrThrow(destination);
  if (!delivery.remoteId) return {};
  const id = encodeURIComponent(delivery.remoteId);
  try {
    const answer = await callGraphApi(
      ctx,
      account,
      'GET',
      `${id}?fields=shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)`,
      undefined,
      signal,
    );
    if (!answer.ok) return graphUnknown('Facebook metrics', answer.status, answer.error, destination);
    const insights = await callGraphApi(
      ctx,
      account,
      'GET',
      `${id}/insights?metric=post_impressions_unique`,
      undefined,
      signal,
    );
    const reach = insights.ok
      ? numberOf(
          objectOf((objectOf((insights.body.data as unknown[] | undefined)?.[0]).values as unknown[] | undefined)?.[0])
            .value,
        )
      : undefined;
    return {
      favourites: numberOf(objectOf(objectOf(answer.body.reactions).summary).total_count),
      boosts: numberOf(objectOf(answer.body.shares).count) ?? 0,
      replies: numberOf(objectOf(objectOf(answer.body.comments).summary).total_count),
      ...(reach === undefined ? {} : { reach }),
    };
  } catch (error) {
    if (error instanceof StatusUnknown) throw error;
    return statusError(error, destination, 'Facebook metrics');
  }
}

function validate(post: ChannelPost): ChannelProblem[] {
  return [...lengthProblem(countCharacters(withWarning(post)), MAX_CHARACTERS), ...altProblems(post)];
}

export const facebookPublishing: PublishingAdapter = {
  kind: 'facebook',
  label: 'publishing.social.facebook',
  limits: {
    maxCharacters: MAX_CHARACTERS,
    maxMedia: MAX_MEDIA,
    contentWarning: false,
    title: false,
    edit: true,
    remove: true,
  },
  fields: [
    { name: 'pageId', label: 'publishing.social.field.pageId', required: true },
    { name: 'graphBase', label: 'publishing.social.field.graphBase', type: 'url' },
    { name: 'graphVersion', label: 'publishing.social.field.graphVersion' },
    { name: 'pageAccessToken', label: 'publishing.social.field.pageAccessToken', secret: true, required: true },
  ],
  sharesInboxAccount: 'facebook',
  validate,
  publish,
  status,
  update,
  remove,
  metrics,
};
