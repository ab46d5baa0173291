import { createHash } from 'node:crypto';
import type { AppContext } from '../../../platform/context.ts';
import type { AttachmentInfo } from '../inbox.schema.ts';
import {
  ChannelError,
  type ChannelAdapter,
  type ChannelRecord,
  type IncomingMessage,
  type OutgoingReply,
  type SentReply,
} from './channel.ts';
import { callChannelApi } from './http.ts';

/** The parts of Mastodon's Account entity the inbox reads. */
interface MastodonAccount {
  id: string;
  acct: string;
  username: string;
  display_name: string;
  url?: string;
}

/** The parts of Mastodon's Status entity the inbox reads (GET /api/v1/statuses/:id and timelines). */
interface MastodonStatus {
  id: string;
  uri: string;
  url?: string | null;
  created_at: string;
  in_reply_to_id: string | null;
  visibility: 'public' | 'unlisted' | 'private' | 'direct';
  language: string | null;
  content: string;
  spoiler_text?: string;
  account: MastodonAccount;
  media_attachments?: Array<{
    id: string;
    type: string;
    url: string | null;
    remote_url?: string | null;
    description?: string | null;
  }>;
}

/** Mastodon's Notification entity (only mentions are asked for). */
interface MastodonNotification {
  id: string;
  type: string;
  created_at: string;
  account: MastodonAccount;
  status?: MastodonStatus | null;
}

/** Where polling stopped: the newest notification id and, per hashtag, the newest status id seen. */
interface MastodonCursor {
  mentions?: string;
  tags?: Record<string, string>;
}

const PAGE = 40;

/** A text setting of a channel ('' when absent or not text). */
function setting(channel: { settings: Record<string, unknown> }, name: string): string {
  const value = channel.settings[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function instanceOf(channel: ChannelRecord): string {
  const instance = setting(channel, 'instance').trim().replace(/\/+$/, '');
  if (!/^https?:\/\//.test(instance))
    throw new ChannelError('Mastodon: the instance address is not set', { retryable: false });
  return instance;
}

function headers(channel: ChannelRecord): Record<string, string> {
  const token = channel.secrets.token;
  if (!token) throw new ChannelError('Mastodon: the access token is not set', { retryable: false });
  return { authorization: `Bearer ${token}`, accept: 'application/json' };
}

/** The hashtags a channel follows, without `#`, lower case, at most ten. */
export function hashtagsOf(channel: ChannelRecord): string[] {
  return [
    ...new Set(
      setting(channel, 'hashtags')
        .split(/[\s,]+/)
        .map((tag) => tag.replace(/^#/, '').toLowerCase())
        .filter((tag) => /^[\p{L}\p{N}_]{1,100}$/u.test(tag)),
    ),
  ].slice(0, 10);
}

/** Mastodon ids are numeric strings (snowflakes); compares them without losing precision. */
function newer(a: string, b: string | undefined): boolean {
  if (b === undefined) return true;
  return a.length !== b.length ? a.length > b.length : a > b;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** A status's HTML content as plain text: paragraphs and line breaks kept, tags dropped, entities decoded. */
export function statusText(content: string): string {
  return content
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#') && name !== '#39') return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .trim();
}

/** A Status as an inbox message; `threads` maps known status ids to their thread root. */
export function statusToMessage(status: MastodonStatus, threads: Map<string, string>): IncomingMessage {
  const threadKey = status.in_reply_to_id ? (threads.get(status.in_reply_to_id) ?? status.in_reply_to_id) : status.id;
  threads.set(status.id, threadKey);
  const attachments: AttachmentInfo[] = (status.media_attachments ?? []).map((media) => ({
    filename: media.description?.slice(0, 200) || `${media.type}-${media.id}`,
    contentType: media.type,
    size: 0,
    ...(media.url || media.remote_url ? { url: (media.url || media.remote_url) as string } : {}),
  }));
  const spoiler = status.spoiler_text ? `${status.spoiler_text}\n\n` : '';
  return {
    externalId: status.id,
    threadKey,
    inReplyTo: status.in_reply_to_id ?? undefined,
    author: {
      externalId: status.account.acct,
      name: status.account.display_name || status.account.username,
      handle: `@${status.account.acct}`,
    },
    text: spoiler + statusText(status.content),
    url: status.url ?? status.uri,
    attachments,
    sentAt: new Date(status.created_at),
    raw: {
      id: status.id,
      uri: status.uri,
      visibility: status.visibility,
      language: status.language,
      in_reply_to_id: status.in_reply_to_id,
    },
  };
}

/** Polls mentions and each hashtag since the cursor, oldest first, each status once. */
async function poll(
  channel: ChannelRecord,
  signal: AbortSignal,
  { outbound }: AppContext,
): Promise<{ messages: IncomingMessage[]; cursor: MastodonCursor }> {
  const instance = instanceOf(channel);
  const auth = headers(channel);
  const previous = (channel.cursor ?? {}) as MastodonCursor;
  const cursor: MastodonCursor = {
    ...(previous.mentions ? { mentions: previous.mentions } : {}),
    tags: { ...previous.tags },
  };
  const statuses = new Map<string, MastodonStatus>();

  const mentionUrl = new URL(`${instance}/api/v1/notifications`);
  mentionUrl.searchParams.append('types[]', 'mention');
  mentionUrl.searchParams.set('limit', String(PAGE));
  if (previous.mentions) mentionUrl.searchParams.set('since_id', previous.mentions);
  const notifications = await callChannelApi<MastodonNotification[]>(outbound, mentionUrl.toString(), {
    headers: auth,
    signal,
    what: 'Mastodon notifications',
  });
  for (const notification of Array.isArray(notifications) ? notifications : []) {
    if (newer(notification.id, cursor.mentions)) cursor.mentions = notification.id;
    if (notification.type === 'mention' && notification.status)
      statuses.set(notification.status.id, notification.status);
  }

  for (const tag of hashtagsOf(channel)) {
    const tagUrl = new URL(`${instance}/api/v1/timelines/tag/${encodeURIComponent(tag)}`);
    tagUrl.searchParams.set('limit', String(PAGE));
    const since = previous.tags?.[tag];
    if (since) tagUrl.searchParams.set('since_id', since);
    const timeline = await callChannelApi<MastodonStatus[]>(outbound, tagUrl.toString(), {
      headers: auth,
      signal,
      what: `Mastodon hashtag ${tag}`,
    });
    for (const status of Array.isArray(timeline) ? timeline : []) {
      if (newer(status.id, cursor.tags?.[tag])) (cursor.tags ??= {})[tag] = status.id;
      statuses.set(status.id, status);
    }
  }

  const threads = new Map<string, string>();
  const ordered = [...statuses.values()].sort((a, b) => (a.id === b.id ? 0 : newer(a.id, b.id) ? 1 : -1));
  return { messages: ordered.map((status) => statusToMessage(status, threads)), cursor };
}

/**
 * Answers as the city's account: in reply to the resident's status, mentioning them, with the same
 * visibility as theirs at most (a direct message stays direct, a followers-only one stays private).
 */
async function reply(
  channel: ChannelRecord,
  answer: OutgoingReply,
  signal: AbortSignal,
  ctx: AppContext,
): Promise<SentReply> {
  const instance = instanceOf(channel);
  const auth = headers(channel);
  const inReplyTo = answer.inReplyTo ?? answer.threadKey;
  let visibility: MastodonStatus['visibility'] = 'unlisted';
  let acct = answer.to.handle?.replace(/^@/, '') ?? answer.to.externalId;
  try {
    const original = await callChannelApi<MastodonStatus>(
      ctx.outbound,
      `${instance}/api/v1/statuses/${encodeURIComponent(inReplyTo)}`,
      { headers: auth, signal, what: 'Mastodon status' },
    );
    if (original.visibility === 'direct' || original.visibility === 'private') visibility = original.visibility;
    if (original.account.acct) acct = original.account.acct;
  } catch (error) {
    if (error instanceof ChannelError && error.retryable) throw error;
  }
  const mention = acct ? `@${acct} ` : '';
  const text = answer.text.startsWith(mention.trim()) ? answer.text : `${mention}${answer.text}`;
  const idempotency = createHash('sha256').update(`${channel.id}\u0000${inReplyTo}\u0000${answer.text}`).digest('hex');
  const sent = await callChannelApi<MastodonStatus>(ctx.outbound, `${instance}/api/v1/statuses`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': idempotency },
    body: JSON.stringify({ status: text, in_reply_to_id: inReplyTo, visibility }),
    signal,
    what: 'Mastodon post',
  });
  return { externalId: sent.id, url: sent.url ?? sent.uri };
}

/** Checks the token: which account it acts for. */
async function health(
  channel: ChannelRecord,
  signal: AbortSignal,
  ctx: AppContext,
): Promise<{ ok: boolean; detail?: string }> {
  try {
    const account = await callChannelApi<MastodonAccount>(
      ctx.outbound,
      `${instanceOf(channel)}/api/v1/accounts/verify_credentials`,
      {
        headers: headers(channel),
        signal,
        what: 'Mastodon account',
      },
    );
    return { ok: true, detail: `@${account.acct}` };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Mastodon: mentions of the city's account and chosen hashtags, answered as the city's account. */
export const mastodonAdapter: ChannelAdapter = {
  kind: 'mastodon',
  fields: [
    {
      name: 'instance',
      label: 'inbox.channels.field.instance',
      hint: 'inbox.channels.field.instanceHint',
      type: 'url',
      required: true,
    },
    { name: 'hashtags', label: 'inbox.channels.field.hashtags', hint: 'inbox.channels.field.hashtagsHint' },
    {
      name: 'token',
      label: 'inbox.channels.field.accessToken',
      hint: 'inbox.channels.field.accessTokenHint',
      secret: true,
      required: true,
    },
  ],
  pollEverySeconds: 60,
  poll,
  reply,
  health,
};
