import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { isLanguage } from '../../../platform/i18n/languages.ts';
import { localized, translator } from '../../../platform/i18n/translate.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { renderAtom, renderJsonFeed, renderRss, type FeedDocument, type FeedItem } from '../feeds.ts';
import { findFeedSubjects, findNewsPosts, type NewsPost } from '../news.repository.ts';
import {
  FEED_FORMATS,
  feedPath,
  mediaPath,
  newsPath,
  newsSummary,
  newsText,
  type FeedFormat,
  type FeedScope,
} from '../news.ts';

const FEED_SIZE = 50;

/** The language a feed asks for with ?lang=, checked against the city's languages; undefined when none is asked. */
function feedLanguage(request: FastifyRequest): string | undefined {
  const lang = (request.query as Record<string, unknown>).lang;
  if (lang === undefined) return undefined;
  if (typeof lang !== 'string' || !request.organisation.languages.includes(lang))
    throw new AppError('PUBLISHING_FEED_LANGUAGE');
  return lang;
}

function item(city: Organisation, request: FastifyRequest, post: NewsPost, language: string): FeedItem | undefined {
  const text = newsText(post, language, city.defaultLanguage);
  if (!text) return undefined;
  const t = translator(isLanguage(text.language) ? text.language : 'en');
  const warning = post.contentWarning[text.language] ?? localized(post.contentWarning, language, city.defaultLanguage);
  const url = absoluteUrl(request.server, city, newsPath(post.slug));
  return {
    url,
    title: text.title,
    summary: newsSummary(text),
    paragraphs: text.body
      .split(/\n{2,}/)
      .map((paragraph) => paragraph.trim())
      .filter(Boolean),
    contentWarning: warning ? t('publishing.feeds.contentWarning', { warning }) : null,
    language: text.language,
    published: post.publishedAt,
    updated: post.updatedAt > post.publishedAt ? post.updatedAt : post.publishedAt,
    tags: post.hashtags.map((tag) => tag.replace(/^#/, '')),
    attachments: post.media.map((media) => ({
      url: absoluteUrl(request.server, city, mediaPath(media.id)),
      type: media.contentType,
      bytes: media.bytes,
      alt: media.alt[text.language] ?? localized(media.alt, language, city.defaultLanguage),
    })),
  };
}

async function sendFeed(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  scope: FeedScope,
  format: FeedFormat,
): Promise<FastifyReply> {
  const city = request.organisation;
  const asked = feedLanguage(request);
  const language = asked ?? city.defaultLanguage;
  const t = translator(isLanguage(language) ? language : 'en');
  const cityName = localized(city.name, language, city.defaultLanguage);
  let title = t('publishing.feeds.title.city', { city: cityName });
  let filter = {};
  if (scope.kind !== 'city') {
    const subjects = await findFeedSubjects(ctx.db, city.id);
    const found = (scope.kind === 'department' ? subjects.departments : subjects.campaigns).find(
      (subject) => subject.slug === scope.slug,
    );
    if (!found) throw new AppError('PUBLISHING_FEED_NOT_FOUND');
    const name = localized(found.name, language, city.defaultLanguage);
    title = t(`publishing.feeds.title.${scope.kind}`, { name, city: cityName });
    filter = scope.kind === 'department' ? { departmentId: found.id } : { campaignId: found.id };
  }
  const posts = await findNewsPosts(ctx.db, city.id, { ...filter, language: asked }, FEED_SIZE);
  const items = posts.flatMap((post) => item(city, request, post, language) ?? []);
  const self = (f: FeedFormat) => absoluteUrl(request.server, city, feedPath(scope, f, asked));
  const document: FeedDocument = {
    title,
    description: t('publishing.feeds.description', { city: cityName }),
    homeUrl: absoluteUrl(
      request.server,
      city,
      scope.kind === 'city' ? '/news' : `/news?${scope.kind}=${encodeURIComponent(scope.slug)}`,
    ),
    selfUrl: { rss: self('rss'), atom: self('atom'), json: self('json') },
    language,
    author: cityName,
    items,
  };
  const body =
    format === 'rss' ? renderRss(document) : format === 'atom' ? renderAtom(document) : renderJsonFeed(document);
  return reply
    .header('cache-control', 'public, max-age=300')
    .type(`${FEED_FORMATS[format].type}; charset=utf-8`)
    .send(body);
}

function slugParam(request: FastifyRequest): string {
  return (request.params as { slug: string }).slug;
}

/**
 * The feeds of the city's published posts: /news/feed.rss|atom|json, per department
 * (/news/departments/<slug>/feed.…) and per campaign (/news/campaigns/<slug>/feed.…), each in one
 * language with ?lang=<code> (only posts written in it), else in the city's language.
 */
export function registerFeedPages(app: App, ctx: AppContext): void {
  for (const format of Object.keys(FEED_FORMATS) as FeedFormat[]) {
    app.get(`/news/feed.${format}`, { schema: { hide: true } }, async (request, reply) =>
      sendFeed(ctx, request, reply, { kind: 'city' }, format),
    );
    app.get(`/news/departments/:slug/feed.${format}`, { schema: { hide: true } }, async (request, reply) =>
      sendFeed(ctx, request, reply, { kind: 'department', slug: slugParam(request) }, format),
    );
    app.get(`/news/campaigns/:slug/feed.${format}`, { schema: { hide: true } }, async (request, reply) =>
      sendFeed(ctx, request, reply, { kind: 'campaign', slug: slugParam(request) }, format),
    );
  }
}

/** The feeds a news page advertises with `<link rel="alternate">`, in the reader's language. */
export function feedLinks(
  request: FastifyRequest,
  scope: FeedScope,
  name: string,
): Array<{ type: string; href: string; title: string }> {
  const language = request.organisation.languages.includes(request.lang) ? request.lang : undefined;
  return (Object.keys(FEED_FORMATS) as FeedFormat[]).map((format) => ({
    type: FEED_FORMATS[format].type,
    href: absoluteUrl(request.server, request.organisation, feedPath(scope, format, language)),
    title: request.t('publishing.feeds.link', { format: FEED_FORMATS[format].name, name }),
  }));
}
