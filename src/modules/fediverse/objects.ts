import { Temporal } from '@js-temporal/polyfill';
import type { Context } from '@fedify/fedify';
import {
  Article,
  Create,
  Document,
  Hashtag,
  Image,
  Note,
  PUBLIC_COLLECTION,
  Video,
  type Object as APObject,
} from '@fedify/vocab';
import type { ObjectRow } from './objects.repository.ts';
import type { FediverseData } from './federation-types.ts';

export function instant(date: Date): Temporal.Instant {
  return Temporal.Instant.fromEpochMilliseconds(date.getTime());
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A post's plain text as the HTML ActivityPub carries: paragraphs on blank lines, line breaks kept, web
 * addresses and hashtags as links (the hashtag to the city's site, as Mastodon shows them).
 */
export function textToHtml(text: string, tagUrl: (tag: string) => string): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((paragraph) => {
      const escaped = escapeHtml(paragraph)
        .replace(
          /\bhttps?:\/\/[^\s<]+[^\s<.,;:!?)\]'"]/g,
          (url) => `<a href="${url}" rel="nofollow noopener">${url}</a>`,
        )
        .replace(
          /(^|\s)#([\p{L}\p{N}_]+)/gu,
          (_all, space: string, tag: string) =>
            `${space}<a href="${escapeHtml(tagUrl(tag))}" class="mention hashtag" rel="tag">#<span>${tag}</span></a>`,
        )
        .replace(/\n/g, '<br>');
      return `<p>${escaped}</p>`;
    })
    .join('');
}

/** The text of remote HTML content (a reply), for the inbox: tags dropped, paragraphs and breaks kept. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .trim();
}

/** The address of a stored object (its class decides the path). */
export function objectUri(fctx: Context<FediverseData>, row: Pick<ObjectRow, 'type' | 'uuid'>): URL {
  return row.type === 'Article'
    ? fctx.getObjectUri(Article, { uuid: row.uuid })
    : fctx.getObjectUri(Note, { uuid: row.uuid });
}

/** A stored object as the Note or Article every server reads: public, to the actor's followers. */
export function buildObject(fctx: Context<FediverseData>, handle: string, row: ObjectRow): Note | Article {
  const tagUrl = (tag: string) => new URL(`/tags/${encodeURIComponent(tag)}`, fctx.canonicalOrigin).href;
  const values = {
    id: objectUri(fctx, row),
    attribution: fctx.getActorUri(handle),
    to: row.replyToActor ? new URL(row.replyToActor) : PUBLIC_COLLECTION,
    ccs: row.replyToActor ? [PUBLIC_COLLECTION] : [fctx.getFollowersUri(handle)],
    content: textToHtml(row.content, tagUrl),
    summary: row.summary,
    sensitive: row.summary !== null,
    url: row.url ? new URL(row.url) : null,
    published: instant(row.publishedAt),
    updated: row.updatedAt ? instant(row.updatedAt) : null,
    replyTarget: row.inReplyTo ? new URL(row.inReplyTo) : null,
    attachments: row.attachments.map((media) => {
      const values = {
        url: new URL(media.url),
        mediaType: media.mediaType,
        name: media.alt,
        width: media.width ?? null,
        height: media.height ?? null,
      };
      if (media.mediaType.startsWith('image/')) return new Image(values);
      if (media.mediaType.startsWith('video/')) return new Video(values);
      return new Document(values);
    }),
    tags: row.hashtags.map((tag) => new Hashtag({ href: new URL(tagUrl(tag)), name: `#${tag}` })),
  };
  return row.type === 'Article' ? new Article({ ...values, name: row.title }) : new Note(values);
}

/** The Create activity of a stored object (its id derived from the object's, so it is stable). */
export function buildCreate(fctx: Context<FediverseData>, handle: string, object: APObject, row: ObjectRow): Create {
  return new Create({
    id: new URL(`${objectUri(fctx, row).href}#create`),
    actor: fctx.getActorUri(handle),
    object,
    tos: object.toIds,
    ccs: object.ccIds,
    published: instant(row.publishedAt),
  });
}
