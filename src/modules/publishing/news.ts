import type { NewsPost, NewsText } from './news.repository.ts';

/** The address of a post's page on the city's site: its canonical address, what every channel links to. */
export function newsPath(slug: string): string {
  return `/news/${encodeURIComponent(slug)}`;
}

/** The public address of a post's picture (served by the publishing module's media route). */
export function mediaPath(mediaId: number): string {
  return `/publishing/media/${mediaId}`;
}

/**
 * The text of a post to show a reader of `language`: that language, else the city's, else the first
 * written. Undefined only for a post without any text.
 */
export function newsText(post: NewsPost, language: string, fallback: string): NewsText | undefined {
  return (
    post.texts.find((text) => text.language === language) ??
    post.texts.find((text) => text.language === fallback) ??
    post.texts[0]
  );
}

/** A post's summary: the one written, else the body's first paragraph cut at a word near 280 characters. */
export function newsSummary(text: NewsText): string {
  if (text.summary) return text.summary;
  const first = text.body.split(/\n{2,}/)[0]?.trim() ?? '';
  if (first.length <= 280) return first;
  const cut = first.slice(0, 280);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 200))}…`;
}

/** The feed formats, by the file extension of their addresses. */
export const FEED_FORMATS = {
  rss: { type: 'application/rss+xml', name: 'RSS' },
  atom: { type: 'application/atom+xml', name: 'Atom' },
  json: { type: 'application/feed+json', name: 'JSON Feed' },
} as const;

export type FeedFormat = keyof typeof FEED_FORMATS;

/** What a feed holds: the whole city, or one department's or one campaign's posts. */
export type FeedScope = { kind: 'city' } | { kind: 'department'; slug: string } | { kind: 'campaign'; slug: string };

/** The path of a feed: /news/feed.rss, /news/departments/<slug>/feed.atom, /news/campaigns/<slug>/feed.json (+ ?lang=). */
export function feedPath(scope: FeedScope, format: FeedFormat, language?: string): string {
  const base =
    scope.kind === 'city'
      ? '/news'
      : `/news/${scope.kind === 'department' ? 'departments' : 'campaigns'}/${encodeURIComponent(scope.slug)}`;
  return `${base}/feed.${format}${language ? `?lang=${encodeURIComponent(language)}` : ''}`;
}
