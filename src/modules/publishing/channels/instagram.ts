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
  hashtagsIn,
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
 * The city's Instagram professional account, through the Graph API's content publishing, in two phases:
 * `POST /{ig-user-id}/media` makes a container from the picture's public address (with its caption and
 * alternative text; several pictures make a carousel of item containers), the container's id is kept in
 * the delivery's state, `GET /{container-id}?fields=status_code` is asked until FINISHED, and
 * `POST /{ig-user-id}/media_publish` publishes it. A container is published at most once, so it is the
 * idempotency key Instagram lacks: `status` may publish a FINISHED container, never make a new one.
 * The daily publishing quota is read at run time (`GET /{ig-user-id}/content_publishing_limit`).
 */

const MAX_CHARACTERS = 2200;
const MAX_HASHTAGS = 30;
const MAX_MEDIA = 10;

function userOf(destination: PublishingDestination): string {
  return settingOf(destination, 'igUserId') || settingOf(destination, 'pageId');
}

function permalinkOf(body: Record<string, unknown>): string | undefined {
  return textOf(body.permalink);
}

/** Makes the container (a carousel's items first); nothing is published, so no failure here leaves doubt. */
async function makeContainer(
  ctx: AppContext,
  account: GraphAccount,
  user: string,
  post: ChannelPost,
  caption: string,
  signal: AbortSignal,
): Promise<{ ok: true; id: string } | { ok: false; status: number; error: Parameters<typeof describe>[2] }> {
  const media = post.media.slice(0, MAX_MEDIA);
  const create = async (body: Record<string, unknown>) => {
    const answer = await callGraphApi(ctx, account, 'POST', `${encodeURIComponent(user)}/media`, body, signal);
    if (!answer.ok) return answer;
    const id = textOf(answer.body.id);
    return id
      ? { ok: true as const, id }
      : {
          ok: false as const,
          status: answer.status,
          error: { code: undefined, subcode: undefined, message: 'no container id', transient: false },
        };
  };
  if (media.length === 1) return create({ image_url: media[0]?.url, caption, alt_text: media[0]?.alt });
  const children: string[] = [];
  for (const item of media) {
    const child = await create({ image_url: item.url, is_carousel_item: true, alt_text: item.alt });
    if (!child.ok) return child;
    children.push(child.id);
  }
  return create({ media_type: 'CAROUSEL', children: children.join(','), caption });
}

/**
 * Publishes a FINISHED container once and reads its address. Remembered first: a media_publish that
 * leaves doubt is resolved by the container's status (PUBLISHED) and the account's latest media.
 */
async function publishContainer(
  destination: PublishingDestination,
  ctx: AppContext,
  account: GraphAccount,
  containerId: string,
  where: { organisationId: number; deliveryId: number },
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const user = userOf(destination);
  await rememberAdapterState(ctx.db, where.organisationId, where.deliveryId, {
    publishRequestedAt: new Date().toISOString(),
  });
  let answer;
  try {
    answer = await callGraphApi(
      ctx,
      account,
      'POST',
      `${encodeURIComponent(user)}/media_publish`,
      { creation_id: containerId },
      signal,
    );
  } catch (error) {
    return outboundOutcome(error, destination, 'Instagram media_publish', true);
  }
  if (!answer.ok) {
    // 9007: the media is not ready yet
    if (answer.error.code === 9007) return { state: 'processing' };
    if (mayHaveActed(answer.status, answer.error))
      throw new PublishDoubt(redact(describe('Instagram media_publish', answer.status, answer.error), destination));
    return graphFailure('Instagram media_publish', answer.status, answer.error, destination);
  }
  const mediaId = textOf(answer.body.id);
  if (!mediaId) throw new PublishDoubt('Instagram media_publish: the answer has no media id');
  await rememberAdapterState(ctx.db, where.organisationId, where.deliveryId, { mediaId });
  const media = await callGraphApi(
    ctx,
    account,
    'GET',
    `${encodeURIComponent(mediaId)}?fields=id,permalink`,
    undefined,
    signal,
  ).catch(() => undefined);
  return { state: 'published', remoteId: mediaId, url: media?.ok ? permalinkOf(media.body) : undefined };
}

/** The container's status_code: IN_PROGRESS, FINISHED, PUBLISHED, ERROR or EXPIRED. */
async function containerStatus(ctx: AppContext, account: GraphAccount, containerId: string, signal: AbortSignal) {
  return callGraphApi(
    ctx,
    account,
    'GET',
    `${encodeURIComponent(containerId)}?fields=status_code,status`,
    undefined,
    signal,
  );
}

async function publish(
  destination: PublishingDestination,
  post: ChannelPost,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const account = graphOf(destination);
  if (typeof account === 'string') return refused(account, destination);
  const user = userOf(destination);
  if (!/^\d+$/.test(user)) return refused('Instagram: the Instagram account id is not set', destination);
  if (post.media.length === 0) return refused('Instagram: MEDIA_REQUIRED, a post needs a picture', destination);
  const caption = withWarning(post);
  let container;
  try {
    container = await makeContainer(ctx, account, user, post, caption, signal);
  } catch (error) {
    return outboundOutcome(error, destination, 'Instagram container', false);
  }
  if (!container.ok) return graphFailure('Instagram container', container.status, container.error, destination);
  await rememberAdapterState(ctx.db, post.organisationId, post.deliveryId, { containerId: container.id, caption });
  return advance(destination, ctx, account, container.id, post, signal);
}

/** One step of a container's life: processing, publish when FINISHED, or the end it came to. */
async function advance(
  destination: PublishingDestination,
  ctx: AppContext,
  account: GraphAccount,
  containerId: string,
  where: { organisationId: number; deliveryId: number; state?: Record<string, unknown> },
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  let checked;
  try {
    checked = await containerStatus(ctx, account, containerId, signal);
  } catch {
    return { state: 'processing' };
  }
  if (!checked.ok)
    return checked.status >= 500
      ? { state: 'processing' }
      : graphFailure('Instagram container', checked.status, checked.error, destination);
  const code = textOf(checked.body.status_code);
  if (code === 'FINISHED') return publishContainer(destination, ctx, account, containerId, where, signal);
  if (code === 'PUBLISHED') return findPublished(destination, ctx, account, where.state ?? {}, signal);
  if (code === 'ERROR' || code === 'EXPIRED')
    return refused(`Instagram container ${code}: ${textOf(checked.body.status) ?? ''}`, destination);
  return { state: 'processing' };
}

/** The container was published but its media id never came back: found among the latest media by caption. */
async function findPublished(
  destination: PublishingDestination,
  ctx: AppContext,
  account: GraphAccount,
  state: Record<string, unknown>,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const mediaId = textOf(state.mediaId);
  if (mediaId) return { state: 'published', remoteId: mediaId };
  const answer = await callGraphApi(
    ctx,
    account,
    'GET',
    `${encodeURIComponent(userOf(destination))}/media?fields=id,caption,permalink,timestamp&limit=25`,
    undefined,
    signal,
  );
  if (!answer.ok) return graphUnknown('Instagram media', answer.status, answer.error, destination);
  const caption = textOf(state.caption);
  const found = (Array.isArray(answer.body.data) ? answer.body.data.map(objectOf) : []).find(
    (item) => textOf(item.caption) === caption,
  );
  const id = found ? textOf(found.id) : undefined;
  if (found && id) return { state: 'published', remoteId: id, url: permalinkOf(found) };
  throw new StatusUnknown('Instagram: the container was published but its media is not found; staff must confirm', {
    retryable: true,
  });
}

/**
 * With a media id: `GET /{media-id}`. Without one: the container's status drives the delivery (publishing
 * it when FINISHED, finding the media when PUBLISHED). No container: nothing was made.
 */
async function status(
  destination: PublishingDestination,
  delivery: DeliveryRef,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const account = graphOrThrow(destination);
  try {
    const remoteId = delivery.remoteId ?? textOf(delivery.state.mediaId);
    if (remoteId) {
      const answer = await callGraphApi(
        ctx,
        account,
        'GET',
        `${encodeURIComponent(remoteId)}?fields=id,permalink`,
        undefined,
        signal,
      );
      if (answer.ok) return { state: 'published', remoteId, url: permalinkOf(answer.body) };
      if (isMissing(answer.status, answer.error)) return { state: 'not_found' };
      return graphUnknown('Instagram status', answer.status, answer.error, destination);
    }
    const containerId = textOf(delivery.state.containerId);
    if (!containerId) return { state: 'not_found' };
    const organisationId = destination.organisationId;
    return await advance(
      destination,
      ctx,
      account,
      containerId,
      { organisationId, deliveryId: delivery.deliveryId, state: delivery.state },
      signal,
    );
  } catch (error) {
    if (error instanceof StatusUnknown || error instanceof PublishDoubt) throw error;
    return statusError(error, destination, 'Instagram status');
  }
}

/** Likes and comments from the media, reach from its insights. */
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
    const answer = await callGraphApi(ctx, account, 'GET', `${id}?fields=like_count,comments_count`, undefined, signal);
    if (!answer.ok) return graphUnknown('Instagram metrics', answer.status, answer.error, destination);
    const insights = await callGraphApi(ctx, account, 'GET', `${id}/insights?metric=reach`, undefined, signal);
    const first = objectOf(insights.ok && Array.isArray(insights.body.data) ? insights.body.data[0] : undefined);
    const reach = numberOf(objectOf(Array.isArray(first.values) ? first.values[0] : undefined).value);
    return {
      favourites: numberOf(answer.body.like_count),
      replies: numberOf(answer.body.comments_count),
      ...(reach === undefined ? {} : { reach }),
    };
  } catch (error) {
    if (error instanceof StatusUnknown) throw error;
    return statusError(error, destination, 'Instagram metrics');
  }
}

/** Publishes left in the rolling day: `quota_total` (from `config`) less `quota_usage`. */
async function quota(
  destination: PublishingDestination,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<{ remaining: number; resetsAt?: Date }> {
  const account = graphOrThrow(destination);
  try {
    const answer = await callGraphApi(
      ctx,
      account,
      'GET',
      `${encodeURIComponent(userOf(destination))}/content_publishing_limit?fields=quota_usage,config`,
      undefined,
      signal,
    );
    if (!answer.ok) return graphUnknown('Instagram quota', answer.status, answer.error, destination);
    const entry = objectOf(Array.isArray(answer.body.data) ? answer.body.data[0] : undefined);
    const total = numberOf(objectOf(entry.config).quota_total);
    const used = numberOf(entry.quota_usage) ?? 0;
    if (total === undefined)
      throw new StatusUnknown('Instagram quota: the answer has no quota_total', { retryable: true });
    return { remaining: Math.max(0, total - used) };
  } catch (error) {
    if (error instanceof StatusUnknown) throw error;
    return statusError(error, destination, 'Instagram quota');
  }
}

/** A picture is required, JPEG only, at most 30 hashtags, 2,200 characters. */
function validate(post: ChannelPost): ChannelProblem[] {
  const caption = withWarning(post);
  const hashtags = hashtagsIn(caption).length;
  return [
    ...lengthProblem(countCharacters(caption), MAX_CHARACTERS),
    ...(post.media.length === 0 ? [{ code: 'MEDIA_REQUIRED', field: 'media' as const }] : []),
    ...(hashtags > MAX_HASHTAGS
      ? [{ code: 'TOO_MANY_HASHTAGS', field: 'text' as const, limit: MAX_HASHTAGS, count: hashtags }]
      : []),
    ...(post.media.some((media) => media.contentType !== 'image/jpeg')
      ? [{ code: 'MEDIA_TYPE_UNSUPPORTED', field: 'media' as const }]
      : []),
    ...altProblems(post),
  ];
}

export const instagramPublishing: PublishingAdapter = {
  kind: 'instagram',
  label: 'publishing.social.instagram',
  limits: {
    maxCharacters: MAX_CHARACTERS,
    maxMedia: MAX_MEDIA,
    mediaRequired: true,
    contentWarning: false,
    title: false,
    edit: false,
    remove: false,
  },
  fields: [
    {
      name: 'igUserId',
      label: 'publishing.social.field.igUserId',
      hint: 'publishing.social.field.igUserIdHint',
      required: true,
    },
    { name: 'graphBase', label: 'publishing.social.field.graphBase', type: 'url' },
    { name: 'graphVersion', label: 'publishing.social.field.graphVersion' },
    { name: 'pageAccessToken', label: 'publishing.social.field.pageAccessToken', secret: true, required: true },
  ],
  sharesInboxAccount: 'instagram',
  validate,
  publish,
  status,
  metrics,
  quota,
};
