import type { AppContext } from '../../platform/context.ts';
import { OutboundError } from '../../platform/outbound/outbound.ts';
import type { ResidentMedia } from './resident-content.schema.ts';
import { htmlToText, tagKey, type Discovery } from './text.ts';

/**
 * The Mastodon REST API as residents' content uses it, with the city's account (the publishing module's
 * Mastodon destination): the hashtag timeline (`GET /api/v1/timelines/tag/:hashtag`), one status
 * (`GET /api/v1/statuses/:id`, 404 once its author deleted it), the answers under a status
 * (`GET /api/v1/statuses/:id/context`), the city's own account (`verify_credentials`), and a reply
 * (`POST /api/v1/statuses` with `in_reply_to_id` and an Idempotency-Key). Every request goes through
 * ctx.outbound; the token never appears in an error.
 */

export interface MastodonAccount {
  instance: string;
  token: string;
}

export interface MastodonStatus {
  id: string;
  url: string;
  uri: string;
  createdAt: Date;
  visibility: string;
  language: string | null;
  text: string;
  inReplyToId: string | null;
  reblog: boolean;
  tags: string[];
  media: ResidentMedia[];
  account: Discovery & { id: string; acct: string; displayName: string | null; url: string | null };
}

export class MastodonError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'MastodonError';
    this.status = status;
  }
}

const TIMEOUT_MS = 20_000;

async function call(
  ctx: AppContext,
  account: MastodonAccount,
  path: string,
  init: { method?: string; body?: unknown; idempotencyKey?: string; signal?: AbortSignal } = {},
): Promise<{ status: number; json: unknown }> {
  let response: Response;
  try {
    response = await ctx.outbound.fetch(`${account.instance}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${account.token}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.idempotencyKey ? { 'idempotency-key': init.idempotencyKey } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal ? { signal: init.signal } : {}),
      timeoutMs: TIMEOUT_MS,
    });
  } catch (error) {
    throw new MastodonError(error instanceof OutboundError ? error.message : 'Mastodon could not be reached');
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json };
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
function boolOf(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

/** The qualified handle of an account seen from an instance: `user@host` (a local account gets the host). */
function qualified(acct: string, instance: string): string {
  return acct.includes('@') ? acct : `${acct}@${new URL(instance).host}`;
}

/** A Mastodon Status entity as residents' content keeps it; undefined when it lacks what is needed. */
export function readStatus(value: unknown, instance: string): MastodonStatus | undefined {
  const status = objectOf(value);
  const account = objectOf(status.account);
  const id = textOf(status.id);
  const acct = textOf(account.acct);
  const accountId = textOf(account.id);
  const created = new Date(textOf(status.created_at) ?? '');
  if (!id || !acct || !accountId || Number.isNaN(created.getTime())) return undefined;
  const media = Array.isArray(status.media_attachments) ? status.media_attachments.map(objectOf) : [];
  return {
    id,
    url: textOf(status.url) ?? textOf(status.uri) ?? '',
    uri: textOf(status.uri) ?? '',
    createdAt: created,
    visibility: textOf(status.visibility) ?? 'public',
    language: textOf(status.language),
    text: htmlToText(textOf(status.content) ?? ''),
    inReplyToId: textOf(status.in_reply_to_id),
    reblog: status.reblog !== null && status.reblog !== undefined,
    tags: Array.isArray(status.tags) ? status.tags.map((tag) => tagKey(textOf(objectOf(tag).name) ?? '')) : [],
    media: media
      .filter((item) => item.type === 'image' && (textOf(item.url) ?? textOf(item.remote_url)))
      .map((item) => {
        const original = objectOf(objectOf(item.meta).original);
        return {
          url: textOf(item.url) ?? textOf(item.remote_url) ?? '',
          alt: textOf(item.description),
          width: typeof original.width === 'number' ? original.width : undefined,
          height: typeof original.height === 'number' ? original.height : undefined,
        };
      }),
    account: {
      id: accountId,
      acct: qualified(acct, instance),
      displayName: textOf(account.display_name) || null,
      url: textOf(account.url),
      discoverable: boolOf(account.discoverable),
      indexable: boolOf(account.indexable),
      noindex: boolOf(account.noindex),
      bot: boolOf(account.bot),
    },
  };
}

/** The city's own account id (its own posts carry its hashtags too). */
export async function ownAccountId(ctx: AppContext, account: MastodonAccount): Promise<string> {
  const answer = await call(ctx, account, '/api/v1/accounts/verify_credentials');
  const id = textOf(objectOf(answer.json).id);
  if (answer.status !== 200 || !id) throw new MastodonError(`verify_credentials: HTTP ${answer.status}`, answer.status);
  return id;
}

/** The newest public statuses with a hashtag, newer than `sinceId` (at most 40, newest first). */
export async function tagTimeline(
  ctx: AppContext,
  account: MastodonAccount,
  hashtag: string,
  sinceId: string | undefined,
): Promise<MastodonStatus[]> {
  const query = new URLSearchParams({ limit: '40' });
  if (sinceId) query.set('since_id', sinceId);
  const answer = await call(ctx, account, `/api/v1/timelines/tag/${encodeURIComponent(hashtag)}?${query}`);
  if (answer.status !== 200 || !Array.isArray(answer.json))
    throw new MastodonError(`tag timeline: HTTP ${answer.status}`, answer.status);
  return answer.json.flatMap((item) => readStatus(item, account.instance) ?? []);
}

/** One status now: found, gone (404/410: its author deleted it), or unknown (the server failed). */
export async function fetchStatus(
  ctx: AppContext,
  account: MastodonAccount,
  id: string,
): Promise<{ state: 'found'; status: MastodonStatus } | { state: 'gone' } | { state: 'unknown' }> {
  let answer;
  try {
    answer = await call(ctx, account, `/api/v1/statuses/${encodeURIComponent(id)}`);
  } catch {
    return { state: 'unknown' };
  }
  if (answer.status === 404 || answer.status === 410) return { state: 'gone' };
  const status = answer.status === 200 ? readStatus(answer.json, account.instance) : undefined;
  return status ? { state: 'found', status } : { state: 'unknown' };
}

/** The answers under a status (its descendants). */
export async function statusReplies(ctx: AppContext, account: MastodonAccount, id: string): Promise<MastodonStatus[]> {
  const answer = await call(ctx, account, `/api/v1/statuses/${encodeURIComponent(id)}/context`);
  const descendants = objectOf(answer.json).descendants;
  if (answer.status !== 200 || !Array.isArray(descendants))
    throw new MastodonError(`context: HTTP ${answer.status}`, answer.status);
  return descendants.flatMap((item) => readStatus(item, account.instance) ?? []);
}

/** Posts a reply once (the Idempotency-Key makes a repeat answer the status already made). */
export async function postReply(
  ctx: AppContext,
  account: MastodonAccount,
  reply: {
    text: string;
    inReplyToId: string;
    visibility: 'public' | 'direct';
    language: string;
    idempotencyKey: string;
  },
): Promise<{ id: string; url: string | null }> {
  const answer = await call(ctx, account, '/api/v1/statuses', {
    method: 'POST',
    idempotencyKey: reply.idempotencyKey,
    body: {
      status: reply.text,
      in_reply_to_id: reply.inReplyToId,
      visibility: reply.visibility,
      language: reply.language,
    },
  });
  const status = objectOf(answer.json);
  const id = textOf(status.id);
  if (answer.status !== 200 || !id) throw new MastodonError(`post status: HTTP ${answer.status}`, answer.status);
  return { id, url: textOf(status.url) };
}
