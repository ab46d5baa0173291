import { escapeXml, xmlText } from '../../platform/web/xml.ts';

/**
 * RSS 2.0, Atom 1.0 (RFC 4287) and JSON Feed 1.1 of the city's published posts, built from one
 * description so the three say the same. Every address is absolute (the city's public address); texts are
 * escaped for XML (and what XML 1.0 cannot carry taken out); dates are RFC 822 in RSS and RFC 3339 in Atom
 * and JSON Feed. A content warning comes first in each item's content, before the text it warns about;
 * pictures are enclosures (RSS: the first as `enclosure`, each as Media RSS with its alternative text),
 * Atom `enclosure` links titled with the alternative text, and JSON Feed attachments.
 */

export interface FeedAttachment {
  url: string;
  type: string;
  bytes: number;
  alt: string;
}

export interface FeedItem {
  /** The post's page: its id and link in every format. */
  url: string;
  title: string;
  summary: string;
  /** Paragraphs of the body, plain text. */
  paragraphs: string[];
  /** Already labelled ("Content warning: …"), or null. */
  contentWarning: string | null;
  language: string;
  published: Date;
  updated: Date;
  tags: string[];
  attachments: FeedAttachment[];
}

export interface FeedDocument {
  title: string;
  description: string;
  /** The HTML page the feed follows. */
  homeUrl: string;
  /** The feed's own address in each format. */
  selfUrl: { rss: string; atom: string; json: string };
  language: string;
  author: string;
  items: FeedItem[];
}

/** The item's content as HTML: the warning, the text's paragraphs, the pictures with their alternative text. */
export function itemHtml(item: FeedItem): string {
  const parts = [
    item.contentWarning ? `<p><strong>${escapeXml(item.contentWarning)}</strong></p>` : '',
    ...item.paragraphs.map((paragraph) => `<p>${escapeXml(paragraph)}</p>`),
    ...item.attachments.map((media) => `<p><img src="${escapeXml(media.url)}" alt="${escapeXml(media.alt)}"></p>`),
  ];
  return parts.filter(Boolean).join('\n');
}

function itemText(item: FeedItem): string {
  return [item.contentWarning ?? '', ...item.paragraphs].filter(Boolean).join('\n\n');
}

/** The latest change of the feed: its newest item's, or the Unix epoch for an empty feed. */
function lastUpdate(document: FeedDocument): Date {
  return document.items.reduce((latest, item) => (item.updated > latest ? item.updated : latest), new Date(0));
}

/** RFC 822 (as RSS 2.0 asks, with a four-digit year): "Mon, 07 Dec 2026 11:25:46 GMT". */
export function rfc822(date: Date): string {
  return date.toUTCString();
}

/** RFC 3339 in UTC, to the second: "2026-12-07T11:25:46Z". */
export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function renderRss(document: FeedDocument): string {
  const items = document.items.map((item) => {
    const [first] = item.attachments;
    return `  <item>
    <title>${escapeXml(item.title)}</title>
    <link>${escapeXml(item.url)}</link>
    <guid isPermaLink="true">${escapeXml(item.url)}</guid>
    <pubDate>${rfc822(item.published)}</pubDate>
    <description>${escapeXml(itemHtml(item))}</description>
${item.tags.map((tag) => `    <category>${escapeXml(tag)}</category>\n`).join('')}${
      first
        ? `    <enclosure url="${escapeXml(first.url)}" length="${first.bytes}" type="${escapeXml(first.type)}"/>\n`
        : ''
    }${item.attachments
      .map(
        (media) =>
          `    <media:content url="${escapeXml(media.url)}" type="${escapeXml(media.type)}" fileSize="${media.bytes}" medium="image">\n      <media:description type="plain">${escapeXml(media.alt)}</media:description>\n    </media:content>\n`,
      )
      .join('')}  </item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>${escapeXml(document.title)}</title>
  <link>${escapeXml(document.homeUrl)}</link>
  <description>${escapeXml(document.description)}</description>
  <language>${escapeXml(document.language)}</language>
  <lastBuildDate>${rfc822(lastUpdate(document))}</lastBuildDate>
  <atom:link href="${escapeXml(document.selfUrl.rss)}" rel="self" type="application/rss+xml"/>
${items.join('\n')}
</channel>
</rss>
`;
}

export function renderAtom(document: FeedDocument): string {
  const entries = document.items.map(
    (item) => `  <entry xml:lang="${escapeXml(item.language)}">
    <id>${escapeXml(item.url)}</id>
    <title type="text">${escapeXml(item.title)}</title>
    <link rel="alternate" type="text/html" href="${escapeXml(item.url)}"/>
    <published>${rfc3339(item.published)}</published>
    <updated>${rfc3339(item.updated)}</updated>
    <summary type="text">${escapeXml(item.summary)}</summary>
    <content type="html">${escapeXml(itemHtml(item))}</content>
${item.tags.map((tag) => `    <category term="${escapeXml(tag)}"/>\n`).join('')}${item.attachments
      .map(
        (media) =>
          `    <link rel="enclosure" type="${escapeXml(media.type)}" length="${media.bytes}" href="${escapeXml(media.url)}" title="${escapeXml(media.alt)}"/>\n`,
      )
      .join('')}  </entry>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeXml(document.language)}">
  <id>${escapeXml(document.selfUrl.atom)}</id>
  <title type="text">${escapeXml(document.title)}</title>
  <subtitle type="text">${escapeXml(document.description)}</subtitle>
  <updated>${rfc3339(lastUpdate(document))}</updated>
  <link rel="self" type="application/atom+xml" href="${escapeXml(document.selfUrl.atom)}"/>
  <link rel="alternate" type="text/html" href="${escapeXml(document.homeUrl)}"/>
  <author><name>${escapeXml(document.author)}</name><uri>${escapeXml(document.homeUrl)}</uri></author>
${entries.join('\n')}
</feed>
`;
}

/** JSON Feed 1.1 (https://jsonfeed.org/version/1.1); strings cleaned of what JSON readers choke on (lone surrogates). */
export function renderJsonFeed(document: FeedDocument): string {
  const clean = (text: string) => xmlText(text);
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: clean(document.title),
    home_page_url: document.homeUrl,
    feed_url: document.selfUrl.json,
    description: clean(document.description),
    language: document.language,
    authors: [{ name: clean(document.author), url: document.homeUrl }],
    items: document.items.map((item) => ({
      id: item.url,
      url: item.url,
      title: clean(item.title),
      summary: clean(item.summary),
      content_html: itemHtml(item),
      content_text: clean(itemText(item)),
      date_published: rfc3339(item.published),
      date_modified: rfc3339(item.updated),
      language: item.language,
      ...(item.tags.length ? { tags: item.tags.map(clean) } : {}),
      ...(item.attachments[0] ? { image: item.attachments[0].url } : {}),
      ...(item.attachments.length
        ? {
            attachments: item.attachments.map((media) => ({
              url: media.url,
              mime_type: media.type,
              size_in_bytes: media.bytes,
              title: clean(media.alt),
            })),
          }
        : {}),
    })),
  });
}
