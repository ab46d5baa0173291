import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../../platform/context.ts';
import type {
  ChannelMedia,
  ChannelPost,
  ChannelProblem,
  DeliveryOutcome,
  DeliveryRef,
  PostMetrics,
  PublishingAdapter,
  PublishingDestination,
} from '../../../platform/publishing.ts';
import {
  altProblems,
  callApi,
  countCharacters,
  deferred,
  lengthProblem,
  numberOf,
  objectOf,
  outboundOutcome,
  pause,
  PublishDoubt,
  redact,
  refused,
  settingOf,
  statusError,
  StatusUnknown,
  textOf,
  type ApiAnswer,
} from './social-api.ts';
import { rememberAdapterState } from './social.repository.ts';

/**
 * The city's Mastodon account (REST API v1/v2). Pictures are uploaded first (`POST /api/v2/media`, with
 * the alternative text as `description`, polled at `GET /api/v1/media/:id` until processed), then the
 * status is posted once with the delivery's `Idempotency-Key`. Mastodon remembers that key for an hour
 * per account and answers a repeated POST with the status it already made: this is the one case where
 * sending again is safe, and `status` uses it to resolve a publish that left doubt before the status id
 * was known. The request is remembered in the delivery's state before it is sent, so that `status`
 * repeats exactly the same request (after a restart too); once the hour has passed, staff confirm.
 */

const MAX_CHARACTERS = 500;
const LINK_CHARACTERS = 23;
const MAX_MEDIA = 4;
const MAX_DESCRIPTION = 1500;
/** Mastodon keeps an Idempotency-Key for 3,600 s; a repeat is only trusted well inside that. */
const IDEMPOTENCY_WINDOW_MS = 55 * 60 * 1000;

interface Account {
  instance: string;
  token: string;
}

function accountOf(destination: PublishingDestination): Account | string {
  const instance = settingOf(destination, 'instance').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(instance)) return 'Mastodon: the instance address is not set';
  const token = destination.secrets.token;
  if (!token) return 'Mastodon: the access token is not set';
  return { instance, token };
}

function auth(account: Account): Record<string, string> {
  return { authorization: `Bearer ${account.token}` };
}

/** Mastodon's error body: `{ "error": "…" }`. */
function problem(answer: ApiAnswer, what: string): string {
  const error = textOf(objectOf(answer.json).error) ?? answer.text.slice(0, 200);
  return `${what}: HTTP ${answer.status} ${error}`;
}

/** A refusal that trying again may mend: rate limited, or the server failing before it acted. */
function transient(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** The `X-RateLimit-Reset` of a 429, for the detail. */
function resetNote(answer: ApiAnswer): string {
  const reset = answer.headers.get('x-ratelimit-reset') ?? answer.headers.get('retry-after');
  return reset ? ` (rate limited until ${reset.slice(0, 40)})` : '';
}

/** A multipart/form-data body of text fields and one file. */
function multipart(
  fields: Record<string, string>,
  file: { name: string; filename: string; contentType: string; data: Uint8Array },
): { body: Uint8Array; contentType: string } {
  const boundary = `----ic${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\n` +
        `Content-Type: ${file.contentType}\r\n\r\n`,
    ),
    Buffer.from(file.data),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: new Uint8Array(Buffer.concat(parts)), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Uploads one picture with its description and waits until Mastodon has processed it. */
async function uploadMedia(
  ctx: AppContext,
  account: Account,
  media: ChannelMedia,
  index: number,
  signal: AbortSignal,
): Promise<{ ok: true; id: string } | { ok: false; status: number; answer?: ApiAnswer }> {
  const extension = media.contentType.split('/')[1]?.replace(/[^a-z0-9]/g, '') || 'bin';
  const form = multipart(
    { description: media.alt.slice(0, MAX_DESCRIPTION) },
    {
      name: 'file',
      filename: `picture-${index + 1}.${extension}`,
      contentType: media.contentType,
      data: await media.read(),
    },
  );
  const answer = await callApi(ctx, `${account.instance}/api/v2/media`, {
    method: 'POST',
    headers: { ...auth(account), 'content-type': form.contentType },
    body: form.body,
    signal,
    timeoutMs: 120_000,
  });
  if (answer.status !== 200 && answer.status !== 202) return { ok: false, status: answer.status, answer };
  const id = textOf(objectOf(answer.json).id);
  if (!id) return { ok: false, status: answer.status, answer };
  if (answer.status === 200 && objectOf(answer.json).url) return { ok: true, id };
  // 202: processed asynchronously; GET answers 206 Partial Content until it is done
  for (let attempt = 1; attempt <= 20; attempt += 1) {
    await pause(Math.min(250 * attempt, 3000), signal);
    const check = await callApi(ctx, `${account.instance}/api/v1/media/${encodeURIComponent(id)}`, {
      headers: auth(account),
      signal,
    });
    if (check.status === 200) return { ok: true, id };
    if (check.status !== 206) return { ok: false, status: check.status, answer: check };
  }
  return { ok: false, status: 504 };
}

/** The status as Mastodon answers it, as a delivery outcome. */
function published(status: unknown): DeliveryOutcome {
  const entity = objectOf(status);
  const id = textOf(entity.id);
  if (!id) throw new PublishDoubt('Mastodon: the answer has no status id');
  return { state: 'published', remoteId: id, url: textOf(entity.url) ?? textOf(entity.uri) };
}

async function publish(
  destination: PublishingDestination,
  post: ChannelPost,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const account = accountOf(destination);
  if (typeof account === 'string') return refused(account, destination);
  const mediaIds: string[] = [];
  try {
    for (const [index, media] of post.media.slice(0, MAX_MEDIA).entries()) {
      const uploaded = await uploadMedia(ctx, account, media, index, signal);
      if (!uploaded.ok) {
        const detail = uploaded.answer
          ? problem(uploaded.answer, 'Mastodon media')
          : 'Mastodon media: not processed in time';
        // nothing is published yet: a failed upload never leaves doubt
        return transient(uploaded.status) ? deferred(detail, destination) : refused(detail, destination);
      }
      mediaIds.push(uploaded.id);
    }
  } catch (error) {
    return outboundOutcome(error, destination, 'Mastodon media', false);
  }
  const request: Record<string, unknown> = {
    status: post.text,
    language: post.language,
    visibility: settingOf(destination, 'visibility') || 'public',
    ...(post.contentWarning ? { spoiler_text: post.contentWarning, sensitive: true } : {}),
    ...(mediaIds.length > 0 ? { media_ids: mediaIds } : {}),
  };
  await rememberAdapterState(ctx.db, post.organisationId, post.deliveryId, {
    request,
    requestedAt: new Date().toISOString(),
    mediaIds,
  });
  let answer: ApiAnswer;
  try {
    answer = await postStatus(ctx, account, post.idempotencyKey, request, signal);
  } catch (error) {
    return outboundOutcome(error, destination, 'Mastodon status', true);
  }
  if (answer.status === 200) return published(answer.json);
  if (answer.status >= 500) throw new PublishDoubt(redact(problem(answer, 'Mastodon status'), destination));
  const detail = problem(answer, 'Mastodon status') + resetNote(answer);
  return transient(answer.status) ? deferred(detail, destination) : refused(detail, destination);
}

function postStatus(
  ctx: AppContext,
  account: Account,
  idempotencyKey: string,
  request: Record<string, unknown>,
  signal: AbortSignal,
): Promise<ApiAnswer> {
  return callApi(ctx, `${account.instance}/api/v1/statuses`, {
    method: 'POST',
    headers: { ...auth(account), 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(request),
    signal,
  });
}

function unknown(answer: ApiAnswer, destination: PublishingDestination, what: string): never {
  throw new StatusUnknown(redact(problem(answer, what), destination), { retryable: transient(answer.status) });
}

function accountOrThrow(destination: PublishingDestination): Account {
  const account = accountOf(destination);
  if (typeof account === 'string') throw new StatusUnknown(account, { retryable: false });
  return account;
}

/**
 * Where a delivery stands. With a status id: `GET /api/v1/statuses/:id` (404: gone). Without one (the
 * publish left doubt before the id came back): the remembered request is posted again with the same
 * Idempotency-Key, which gives back the status Mastodon already made, or makes it now if the first
 * request never arrived. No request remembered means none was sent: not found.
 */
async function status(
  destination: PublishingDestination,
  delivery: DeliveryRef,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const account = accountOrThrow(destination);
  try {
    if (delivery.remoteId) {
      const answer = await callApi(
        ctx,
        `${account.instance}/api/v1/statuses/${encodeURIComponent(delivery.remoteId)}`,
        {
          headers: auth(account),
          signal,
        },
      );
      if (answer.status === 200) return published(answer.json);
      if (answer.status === 404) return { state: 'not_found' };
      return unknown(answer, destination, 'Mastodon status');
    }
    const request = objectOf(delivery.state.request);
    const requestedAt = Date.parse(textOf(delivery.state.requestedAt) ?? '');
    if (Object.keys(request).length === 0) return { state: 'not_found' };
    if (Number.isNaN(requestedAt) || Date.now() - requestedAt > IDEMPOTENCY_WINDOW_MS)
      throw new StatusUnknown(
        'Mastodon: the publish left doubt over an hour ago and Mastodon no longer remembers its Idempotency-Key; staff must check the account and confirm',
        { retryable: false },
      );
    const answer = await postStatus(ctx, account, delivery.idempotencyKey, request, signal);
    if (answer.status === 200) return published(answer.json);
    return unknown(answer, destination, 'Mastodon status');
  } catch (error) {
    if (error instanceof StatusUnknown || error instanceof PublishDoubt) throw error;
    return statusError(error, destination, 'Mastodon status');
  }
}

async function update(
  destination: PublishingDestination,
  delivery: DeliveryRef,
  post: ChannelPost,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const account = accountOrThrow(destination);
  const id = delivery.remoteId ?? post.remoteId;
  if (!id) return { state: 'not_found' };
  try {
    // media_ids left out: Mastodon keeps the pictures the status has
    const answer = await callApi(ctx, `${account.instance}/api/v1/statuses/${encodeURIComponent(id)}`, {
      method: 'PUT',
      headers: { ...auth(account), 'content-type': 'application/json' },
      body: JSON.stringify({ status: post.text, spoiler_text: post.contentWarning ?? '', language: post.language }),
      signal,
    });
    if (answer.status === 200) return published(answer.json);
    if (answer.status === 404) return { state: 'not_found' };
    const detail = problem(answer, 'Mastodon edit');
    return transient(answer.status) ? deferred(detail, destination) : refused(detail, destination);
  } catch (error) {
    return statusError(error, destination, 'Mastodon edit');
  }
}

async function remove(
  destination: PublishingDestination,
  delivery: DeliveryRef,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const account = accountOrThrow(destination);
  if (!delivery.remoteId) return { state: 'not_found' };
  try {
    const answer = await callApi(ctx, `${account.instance}/api/v1/statuses/${encodeURIComponent(delivery.remoteId)}`, {
      method: 'DELETE',
      headers: auth(account),
      signal,
    });
    if (answer.status === 200 || answer.status === 404) return { state: 'not_found' };
    const detail = problem(answer, 'Mastodon delete');
    return transient(answer.status) ? deferred(detail, destination) : refused(detail, destination);
  } catch (error) {
    return statusError(error, destination, 'Mastodon delete');
  }
}

/** Favourites, boosts and replies as the status counts them. */
async function metrics(
  destination: PublishingDestination,
  delivery: DeliveryRef,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<PostMetrics> {
  const account = accountOrThrow(destination);
  if (!delivery.remoteId) return {};
  try {
    const answer = await callApi(ctx, `${account.instance}/api/v1/statuses/${encodeURIComponent(delivery.remoteId)}`, {
      headers: auth(account),
      signal,
    });
    if (answer.status !== 200) return unknown(answer, destination, 'Mastodon metrics');
    const entity = objectOf(answer.json);
    return {
      favourites: numberOf(entity.favourites_count),
      boosts: numberOf(entity.reblogs_count),
      replies: numberOf(entity.replies_count),
    };
  } catch (error) {
    if (error instanceof StatusUnknown) throw error;
    return statusError(error, destination, 'Mastodon metrics');
  }
}

/** Mastodon counts the content warning with the text, each link as 23 and a mention by its user name only. */
function validate(post: ChannelPost): ChannelProblem[] {
  const text = post.text.replace(/(@[\p{L}\p{N}_]+)@[\w.-]+\.\w+/gu, '$1');
  const count = countCharacters(text, LINK_CHARACTERS) + countCharacters(post.contentWarning ?? '');
  return [
    ...lengthProblem(count, MAX_CHARACTERS),
    ...altProblems(post),
    ...(post.media.some((media) => media.alt.length > MAX_DESCRIPTION)
      ? [{ code: 'ALT_TEXT_TOO_LONG', field: 'media' as const, limit: MAX_DESCRIPTION }]
      : []),
  ];
}

export const mastodonPublishing: PublishingAdapter = {
  kind: 'mastodon',
  label: 'publishing.social.mastodon',
  limits: {
    maxCharacters: MAX_CHARACTERS,
    linkCharacters: LINK_CHARACTERS,
    maxMedia: MAX_MEDIA,
    contentWarning: true,
    title: false,
    edit: true,
    remove: true,
  },
  fields: [
    { name: 'instance', label: 'publishing.social.field.instance', type: 'url', required: true },
    { name: 'visibility', label: 'publishing.social.field.visibility', hint: 'publishing.social.field.visibilityHint' },
    { name: 'token', label: 'publishing.social.field.accessToken', secret: true, required: true },
  ],
  sharesInboxAccount: 'mastodon',
  validate,
  publish,
  status,
  update,
  remove,
  metrics,
};
