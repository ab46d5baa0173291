import { OutboundError, type Outbound } from '../../../platform/outbound/outbound.ts';
import { ChannelError, type ChannelAdapter, type ChannelRecord, type IncomingMessage } from './channel.ts';
import { decodeFeed, FeedFormatError, parseFeed, type FeedEntry } from './feed-parse.ts';
import { channelErrorOf } from './http.ts';

/**
 * RSS and Atom feeds of local blogs and news sites, polled. Each poll is a conditional GET (ETag and
 * Last-Modified from the last answer), so an unchanged feed costs a 304 and nothing else. Every entry
 * becomes a message once: the worker stores by entry id (guid, Atom id, else the link), and the cursor
 * remembers the ids already seen so an entry that drops out of the feed and comes back is not new.
 * A feed cannot be answered; staff follow the link.
 */

const MAX_FEED_BYTES = 5 * 1024 * 1024;
const SEEN_KEPT = 1000;
const DEFAULT_INTERVAL_MINUTES = 30;

/** What the channel remembers between polls. */
export interface FeedCursor {
  etag?: string;
  lastModified?: string;
  fetchedAt?: string;
  seen: string[];
}

function readCursor(value: unknown): FeedCursor {
  const cursor = (typeof value === 'object' && value !== null ? value : {}) as Partial<FeedCursor>;
  return {
    ...(typeof cursor.etag === 'string' ? { etag: cursor.etag } : {}),
    ...(typeof cursor.lastModified === 'string' ? { lastModified: cursor.lastModified } : {}),
    ...(typeof cursor.fetchedAt === 'string' ? { fetchedAt: cursor.fetchedAt } : {}),
    seen: Array.isArray(cursor.seen) ? cursor.seen.filter((id): id is string => typeof id === 'string') : [],
  };
}

function feedUrl(channel: ChannelRecord): string {
  const url = typeof channel.settings.url === 'string' ? channel.settings.url.trim() : '';
  if (!/^https?:\/\/\S+$/i.test(url))
    throw new ChannelError('Feed: the channel has no http(s) feed address', { retryable: false });
  return url;
}

/** Minutes between two fetches of this feed (setting `intervalMinutes`, 5 to 1440, default 30). */
function intervalMinutes(channel: ChannelRecord): number {
  const value = Number(channel.settings.intervalMinutes);
  return Number.isFinite(value) && value > 0
    ? Math.min(1440, Math.max(5, Math.round(value)))
    : DEFAULT_INTERVAL_MINUTES;
}

/**
 * Fetches the feed with the cursor's validators, through the outbound guard (redirects are followed
 * and checked hop by hop). Answers: `unchanged` (304), or the decoded document with its new
 * validators. A feed that is down (network, time-out, 5xx, 429) is a retryable ChannelError; a refusal
 * (404, 410, 401, an address the guard refuses) is not, and neither is an oversized document.
 */
export async function fetchFeed(
  outbound: Outbound,
  url: string,
  cursor: FeedCursor,
  signal: AbortSignal,
): Promise<{ unchanged: true } | { unchanged: false; text: string; etag?: string; lastModified?: string }> {
  let response: Response;
  try {
    response = await outbound.fetch(url, {
      headers: {
        accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1',
        'user-agent': 'InteractiveCity-Inbox/1 (feed reader)',
        ...(cursor.etag ? { 'if-none-match': cursor.etag } : {}),
        ...(cursor.lastModified ? { 'if-modified-since': cursor.lastModified } : {}),
      },
      signal,
      timeoutMs: 20_000,
      maxBytes: MAX_FEED_BYTES,
    });
  } catch (error) {
    if (error instanceof OutboundError && error.code === 'OUTBOUND_RESPONSE_TOO_LARGE')
      throw new ChannelError(`Feed: the document is larger than ${MAX_FEED_BYTES / 1024 / 1024} MB`, {
        retryable: false,
        cause: error,
      });
    throw channelErrorOf('Feed', error);
  }
  if (response.status === 304) return { unchanged: true };
  if (!response.ok) {
    const retryable = response.status >= 500 || response.status === 429 || response.status === 408;
    throw new ChannelError(`Feed: HTTP ${response.status} from the site`, { retryable });
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  let text: string;
  try {
    text = decodeFeed(bytes, response.headers.get('content-type'));
  } catch (error) {
    throw new ChannelError(`Feed: ${error instanceof Error ? error.message : 'unreadable document'}`, {
      retryable: false,
      cause: error,
    });
  }
  const etag = response.headers.get('etag') ?? undefined;
  const lastModified = response.headers.get('last-modified') ?? undefined;
  return { unchanged: false, text, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

/** An entry as an inbox message: the site (or the entry's author) speaks, the title is the subject. */
export function entryToMessage(
  entry: FeedEntry,
  feed: { title: string; url: string },
  fetchedAt: Date,
): IncomingMessage {
  const site = new URL(feed.url).host;
  return {
    externalId: entry.id,
    threadKey: `entry:${entry.id}`,
    author:
      entry.author || entry.authorEmail
        ? {
            externalId: `${site}:${entry.authorEmail ?? entry.author ?? ''}`,
            name: entry.author ?? feed.title,
            email: entry.authorEmail,
          }
        : { externalId: site, name: feed.title || site },
    subject: entry.title || undefined,
    text: entry.text || entry.title,
    url: entry.url,
    sentAt: entry.published ?? fetchedAt,
    raw: {
      feed: feed.url,
      id: entry.id,
      title: entry.title,
      link: entry.url,
      author: entry.author,
      published: entry.published?.toISOString(),
    },
  };
}

/**
 * One poll of a feed channel: nothing before the channel's interval has passed since the last fetch,
 * nothing on a 304, else the entries not seen before. Malformed XML or a page that is not a feed is a
 * ChannelError that retrying cannot mend, with a message staff can act on.
 */
export async function pollFeed(
  channel: ChannelRecord,
  signal: AbortSignal,
  outbound: Outbound,
  now = new Date(),
): Promise<{ messages: IncomingMessage[]; cursor: FeedCursor }> {
  const url = feedUrl(channel);
  const cursor = readCursor(channel.cursor);
  if (
    cursor.fetchedAt &&
    now.getTime() - new Date(cursor.fetchedAt).getTime() < intervalMinutes(channel) * 60_000 - 5_000
  )
    return { messages: [], cursor };
  const fetched = await fetchFeed(outbound, url, cursor, signal);
  if (fetched.unchanged) return { messages: [], cursor: { ...cursor, fetchedAt: now.toISOString() } };
  let feed;
  try {
    feed = parseFeed(fetched.text, url);
  } catch (error) {
    if (error instanceof FeedFormatError)
      throw new ChannelError(`Feed: ${error.message}`, { retryable: false, cause: error });
    throw error;
  }
  const seen = new Set(cursor.seen);
  const fresh = feed.entries.filter((entry) => !seen.has(entry.id));
  const messages = fresh.map((entry) => entryToMessage(entry, { title: feed.title, url }, now));
  const remembered = [...fresh.map((entry) => entry.id), ...cursor.seen].slice(0, SEEN_KEPT);
  return {
    messages,
    cursor: {
      ...(fetched.etag ? { etag: fetched.etag } : {}),
      ...(fetched.lastModified ? { lastModified: fetched.lastModified } : {}),
      fetchedAt: now.toISOString(),
      seen: remembered,
    },
  };
}

/** The feed adapter: polled, never answered. */
export const feedAdapter: ChannelAdapter = {
  kind: 'feed',
  fields: [
    { name: 'url', label: 'inbox.sources.feed.url', hint: 'inbox.sources.feed.url.hint', type: 'url', required: true },
    {
      name: 'intervalMinutes',
      label: 'inbox.sources.feed.interval',
      hint: 'inbox.sources.feed.interval.hint',
      type: 'number',
    },
  ],
  pollEverySeconds: 300,
  poll: (channel, signal, ctx) => pollFeed(channel, signal, ctx.outbound),
  async health(channel, signal, ctx) {
    try {
      const fetched = await fetchFeed(ctx.outbound, feedUrl(channel), { seen: [] }, signal);
      if (fetched.unchanged) return { ok: true };
      const feed = parseFeed(fetched.text, feedUrl(channel));
      return { ok: true, detail: `${feed.format.toUpperCase()} · ${feed.entries.length}` };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  },
};
