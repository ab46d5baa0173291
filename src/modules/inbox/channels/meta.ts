import type { AppContext } from '../../../platform/context.ts';
import { safeEqual } from '../../../platform/auth/tokens.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { Outbound } from '../../../platform/outbound/outbound.ts';
import type { ChannelKind } from '../inbox.schema.ts';
import {
  ChannelError,
  type ChannelAdapter,
  type ChannelField,
  type ChannelRecord,
  type InboxChannels,
  type OutgoingReply,
  type SentReply,
} from './channel.ts';
import { channelErrorOf } from './http.ts';
import { messagesFromMetaDelivery, MetaPayloadError } from './meta-payload.ts';
import { channelIdParam, rawBody, rawBodyRoutes, refuseForgery, signatureMatches } from './signatures.ts';
import { decodeUtf8Marked, UNSTORABLE_TEXT_MESSAGE, unstorableTextPath } from '../../../platform/validation.ts';

/**
 * Facebook Pages and Instagram accounts through Meta's Graph API: webhooks bring comments and
 * messages (signed with the app secret in `X-Hub-Signature-256`), answers go back through the Graph
 * API with the page access token. Both kinds share one webhook address, `/inbox/meta/:channelId`,
 * which is what the app's webhook settings at Meta point to.
 */

export const GRAPH_BASE = 'https://graph.facebook.com';
export const GRAPH_VERSION = 'v21.0';
/** Messenger refuses longer texts; comments allow 8,000. */
const MAX_DIRECT_TEXT = 2000;
const MAX_COMMENT_TEXT = 8000;

/** The settings form of a Facebook or Instagram channel. */
export const META_FIELDS: ChannelField[] = [
  { name: 'pageId', label: 'inbox.sources.meta.pageId', hint: 'inbox.sources.meta.pageId.hint', type: 'text' },
  {
    name: 'appSecret',
    label: 'inbox.sources.meta.appSecret',
    hint: 'inbox.sources.meta.appSecret.hint',
    secret: true,
    required: true,
  },
  {
    name: 'verifyToken',
    label: 'inbox.sources.meta.verifyToken',
    hint: 'inbox.sources.meta.verifyToken.hint',
    secret: true,
    required: true,
  },
  {
    name: 'pageAccessToken',
    label: 'inbox.sources.meta.pageAccessToken',
    hint: 'inbox.sources.meta.pageAccessToken.hint',
    secret: true,
    required: true,
  },
  { name: 'graphBase', label: 'inbox.sources.meta.graphBase', hint: 'inbox.sources.meta.graphBase.hint', type: 'url' },
  { name: 'graphVersion', label: 'inbox.sources.meta.graphVersion', type: 'text' },
];

function setting(channel: ChannelRecord, name: string, fallback: string): string {
  const value = channel.settings[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

/** Graph error codes that trying again later can mend: temporary faults and rate limits. */
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 341, 368, 613, 80001, 80002, 80006]);

/**
 * Calls the Graph API of the channel (base URL and version from its settings) with the page access
 * token in the Authorization header. Graph errors become ChannelErrors: an expired or revoked token
 * (190) and missing permissions (10, 200–299) cannot be mended by retrying; rate limits and 5xx can.
 */
export async function callGraph<T>(
  outbound: Outbound,
  channel: ChannelRecord,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  signal: AbortSignal,
): Promise<T> {
  const token = channel.secrets.pageAccessToken;
  if (!token) throw new ChannelError('Graph API: the channel has no page access token', { retryable: false });
  const url = `${setting(channel, 'graphBase', GRAPH_BASE).replace(/\/+$/, '')}/${setting(channel, 'graphVersion', GRAPH_VERSION)}/${path}`;
  let response: Response;
  try {
    response = await outbound.fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal,
      timeoutMs: 15_000,
    });
  } catch (error) {
    throw channelErrorOf('Graph API', error);
  }
  const answer = await response.text();
  let parsed: unknown;
  try {
    parsed = answer === '' ? {} : JSON.parse(answer);
  } catch (error) {
    throw new ChannelError(`Graph API: HTTP ${response.status}, the answer is not JSON`, {
      retryable: response.status >= 500 || response.ok,
      cause: error,
    });
  }
  const graphError = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
  if (!response.ok || graphError) {
    const code = typeof graphError?.code === 'number' ? graphError.code : undefined;
    const detail =
      typeof graphError?.message === 'string'
        ? graphError.message.replace(/\s+/g, ' ').slice(0, 200)
        : answer.replace(/\s+/g, ' ').slice(0, 200);
    if (code === 190)
      throw new ChannelError(`Graph API: the page access token has expired or was revoked (code 190): ${detail}`, {
        retryable: false,
      });
    const retryable =
      (code !== undefined && TRANSIENT_CODES.has(code)) || response.status >= 500 || response.status === 429;
    throw new ChannelError(
      `Graph API: HTTP ${response.status}${code === undefined ? '' : ` code ${code}`}: ${detail}`,
      { retryable },
    );
  }
  return parsed as T;
}

/**
 * Sends an answer where the conversation started: a reply under the comment thread (Facebook
 * `/{comment-id}/comments`, Instagram `/{comment-id}/replies`) or a Messenger / Instagram Direct message
 * (`/me/messages`, within Meta's 24-hour answer window, hence messaging_type RESPONSE).
 */
export async function replyOnMeta(
  channel: ChannelRecord,
  reply: OutgoingReply,
  signal: AbortSignal,
  ctx: AppContext,
): Promise<SentReply> {
  const separator = reply.threadKey.indexOf(':');
  const kind = reply.threadKey.slice(0, separator);
  const target = reply.threadKey.slice(separator + 1);
  if (separator < 1 || !/^[\w.-]+$/.test(target))
    throw new ChannelError('Graph API: the conversation has no Facebook or Instagram thread to answer', {
      retryable: false,
    });
  const direct = kind === 'dm' || kind === 'igdm';
  if (reply.text.length > (direct ? MAX_DIRECT_TEXT : MAX_COMMENT_TEXT))
    throw new ChannelError(
      `Graph API: the answer is longer than ${direct ? MAX_DIRECT_TEXT : MAX_COMMENT_TEXT} characters`,
      { retryable: false },
    );
  if (direct) {
    const sent = await callGraph<{ message_id?: string }>(
      ctx.outbound,
      channel,
      'POST',
      'me/messages',
      { recipient: { id: target }, messaging_type: 'RESPONSE', message: { text: reply.text } },
      signal,
    );
    if (!sent.message_id)
      throw new ChannelError('Graph API: the message was sent but no id came back', { retryable: false });
    return { externalId: sent.message_id };
  }
  if (kind !== 'comment' && kind !== 'igcomment')
    throw new ChannelError('Graph API: unknown kind of conversation', { retryable: false });
  const sent = await callGraph<{ id?: string }>(
    ctx.outbound,
    channel,
    'POST',
    `${encodeURIComponent(target)}/${kind === 'comment' ? 'comments' : 'replies'}`,
    { message: reply.text },
    signal,
  );
  if (!sent.id) throw new ChannelError('Graph API: the comment was posted but no id came back', { retryable: false });
  return { externalId: sent.id };
}

/** Whether the page access token still works: `GET /me?fields=id,name` names the page. */
export async function metaHealth(
  channel: ChannelRecord,
  signal: AbortSignal,
  ctx: AppContext,
): Promise<{ ok: boolean; detail?: string }> {
  try {
    const me = await callGraph<{ id?: string; name?: string }>(
      ctx.outbound,
      channel,
      'GET',
      'me?fields=id,name',
      undefined,
      signal,
    );
    return { ok: true, detail: [me.name, me.id].filter(Boolean).join(' · ') };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

async function findMetaChannel(inbox: InboxChannels, channelId: number): Promise<ChannelRecord> {
  const channel = (await inbox.findChannel('facebook', channelId)) ?? (await inbox.findChannel('instagram', channelId));
  if (!channel) throw new AppError('INBOX_CHANNEL_NOT_FOUND');
  return channel;
}

/**
 * The webhook of Facebook and Instagram channels. GET answers Meta's verification handshake; POST
 * checks the signature over the raw bytes before reading anything, then stores each new comment or
 * message once (Meta delivers again until it gets a 200, and sometimes twice anyway).
 */
export function registerMetaRoutes(app: App, ctx: AppContext, inbox: InboxChannels): void {
  rawBodyRoutes(app, (scope) => {
    // One address for Facebook and Instagram channels: Meta's app settings take one callback URL.
    registerMetaWebhook(scope, '/inbox/meta/:channelId');
  });

  function registerMetaWebhook(scope: App, path: string): void {
    scope.get(path, { schema: { hide: true } }, async (request, reply) => {
      const channel = await findMetaChannel(inbox, channelIdParam(request.params));
      const query = request.query as Record<string, unknown>;
      const token = query['hub.verify_token'];
      const challenge = query['hub.challenge'];
      const expected = channel.secrets.verifyToken;
      if (
        query['hub.mode'] !== 'subscribe' ||
        typeof token !== 'string' ||
        !expected ||
        !safeEqual(token, expected) ||
        typeof challenge !== 'string' ||
        !/^[\w.-]{1,200}$/.test(challenge)
      ) {
        throw new AppError('FORBIDDEN');
      }
      return reply.type('text/plain; charset=utf-8').send(challenge);
    });
    scope.post(path, { schema: { hide: true }, config: { csrf: false } }, async (request, reply) => {
      const channel = await findMetaChannel(inbox, channelIdParam(request.params));
      const body = rawBody(request);
      if (!signatureMatches(request.headers['x-hub-signature-256'], channel.secrets.appSecret, body))
        return refuseForgery(ctx, request, channel.organisationId);
      let messages;
      try {
        const pageId = typeof channel.settings.pageId === 'string' ? channel.settings.pageId.trim() : '';
        const payload: unknown = JSON.parse(decodeUtf8Marked(body));
        const unstorable = unstorableTextPath(payload);
        if (unstorable !== undefined) throw new MetaPayloadError(`${unstorable} ${UNSTORABLE_TEXT_MESSAGE}`);
        messages = messagesFromMetaDelivery(payload, pageId ? [pageId] : []);
      } catch (error) {
        if (error instanceof SyntaxError)
          throw new AppError('INBOX_WEBHOOK_PAYLOAD', 'The webhook payload is not valid JSON.');
        if (error instanceof MetaPayloadError)
          throw new AppError(
            'INBOX_WEBHOOK_PAYLOAD',
            `The webhook payload is not in the expected format: ${error.message}.`,
          );
        throw error;
      }
      const outcome = messages.length > 0 ? await inbox.ingest(channel, messages) : { stored: 0, duplicates: 0 };
      return reply
        .code(200)
        .send({ received: messages.length, stored: outcome.stored, duplicates: outcome.duplicates });
    });
  }
}

/** A Facebook or Instagram adapter; the webhook routes are registered once, by the Facebook one. */
export function metaAdapter(kind: Extract<ChannelKind, 'facebook' | 'instagram'>): ChannelAdapter {
  return {
    kind,
    fields: META_FIELDS,
    ...(kind === 'facebook' ? { routes: registerMetaRoutes } : {}),
    webhookPath: (channelId: number) => `/inbox/meta/${channelId}`,
    reply: replyOnMeta,
    health: metaHealth,
  };
}
