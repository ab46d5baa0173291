import { createHash } from 'node:crypto';
import {
  childElement,
  childElements,
  htmlToText,
  localName,
  parseXml,
  textContent,
  XmlError,
  type XmlElement,
} from './xml.ts';

/** One entry of a feed (an RSS item or an Atom entry), in plain text. */
export interface FeedEntry {
  id: string;
  title: string;
  text: string;
  author: string | undefined;
  authorEmail: string | undefined;
  url: string | undefined;
  published: Date | undefined;
}

export interface ParsedFeed {
  format: 'rss' | 'atom';
  title: string;
  entries: FeedEntry[];
}

/** A document that is not a feed we can read (not XML, not RSS or Atom, an encoding we do not know). */
export class FeedFormatError extends Error {}

/**
 * Turns a feed's bytes into text. The encoding is the one the document says it has: a byte-order mark
 * first, then the HTTP charset, then the XML declaration (`<?xml … encoding="ISO-8859-1"?>`), else
 * UTF-8. Servers often send a wrong charset, so a candidate that does not decode cleanly as UTF-8 gives
 * way to the next; a single-byte encoding always decodes. TextDecoder knows the WHATWG encodings
 * (latin1 is read as windows-1252, as browsers do).
 */
export function decodeFeed(bytes: Uint8Array, contentType: string | null): string {
  const candidates: string[] = [];
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) candidates.push('utf-8');
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) candidates.push('utf-16be');
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) candidates.push('utf-16le');
  const header = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (header) candidates.push(header);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512));
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/.exec(head)?.[1];
  if (declared) candidates.push(declared);
  candidates.push('utf-8');
  const unknown: string[] = [];
  for (const label of candidates) {
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      unknown.push(label);
      continue;
    }
    try {
      return decoder.decode(bytes);
    } catch {
      // not really this encoding; try the next candidate
    }
  }
  if (unknown.length > 0 && declared && unknown.includes(declared))
    throw new FeedFormatError(`the feed's encoding "${declared.slice(0, 40)}" is not supported`);
  return new TextDecoder('windows-1252').decode(bytes);
}

function firstText(element: XmlElement, ...names: string[]): string {
  for (const name of names) {
    const found = childElement(element, name);
    const value = found ? textContent(found).trim() : '';
    if (value !== '') return value;
  }
  return '';
}

function dateOf(value: string): Date | undefined {
  if (value === '') return undefined;
  const date = new Date(value.replace(/\s+(UT|Z)$/, ' GMT'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function absolute(link: string, base: string): string | undefined {
  if (link === '') return undefined;
  try {
    const url = new URL(link, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** An Atom text construct (`type="text|html|xhtml"`) as plain text. */
function atomText(element: XmlElement | undefined): string {
  if (!element) return '';
  const type = element.attributes.type ?? 'text';
  if (type === 'html' || type === 'xhtml' || type === 'text/html')
    return htmlToText(type === 'xhtml' ? serialise(element) : textContent(element));
  return textContent(element).trim();
}

/** Markup of an element's children, for xhtml content, so that htmlToText sees the paragraphs. */
function serialise(element: XmlElement): string {
  return element.children
    .map((child) =>
      typeof child === 'string'
        ? child.replace(/&/g, '&amp;').replace(/</g, '&lt;')
        : `<${localName(child.name)}>${serialise(child)}</${localName(child.name)}>`,
    )
    .join('');
}

/** A stable id for an entry that has none: its link, else a hash of its title and text. */
function fallbackId(link: string | undefined, title: string, text: string): string {
  return link ?? `sha256:${createHash('sha256').update(`${title}\n${text}`).digest('hex')}`;
}

function rssEntries(items: XmlElement[], base: string): FeedEntry[] {
  return items.map((item) => {
    const title = htmlToText(firstText(item, 'title'));
    const html = firstText(item, 'content:encoded', 'description', 'summary');
    const text = htmlToText(html);
    const url =
      absolute(firstText(item, 'link'), base) ??
      absolute(childElement(item, 'link', true)?.attributes.href ?? '', base);
    const guid = firstText(item, 'guid');
    const author = firstText(item, 'dc:creator', 'author');
    const email = /[^\s()<>]+@[^\s()<>]+/.exec(author)?.[0];
    const name = /\(([^)]+)\)/.exec(author)?.[1] ?? (email ? undefined : author);
    return {
      id: guid || fallbackId(url, title, text),
      title,
      text,
      author: name || undefined,
      authorEmail: email,
      url,
      published: dateOf(firstText(item, 'pubDate', 'dc:date', 'published', 'updated')),
    };
  });
}

function atomEntries(feed: XmlElement, base: string): FeedEntry[] {
  const feedAuthor = textContent(childElement(childElement(feed, 'author', true) ?? feed, 'name', true)).trim();
  return childElements(feed, 'entry', true).map((entry) => {
    const title = atomText(childElement(entry, 'title', true));
    const links = childElements(entry, 'link', true);
    const link = links.find((l) => (l.attributes.rel ?? 'alternate') === 'alternate') ?? links[0];
    const url = absolute(link?.attributes.href ?? '', base);
    const text = atomText(childElement(entry, 'content', true)) || atomText(childElement(entry, 'summary', true));
    const author = childElement(entry, 'author', true);
    const authorName = author ? textContent(childElement(author, 'name', true)).trim() : feedAuthor;
    const id = textContent(childElement(entry, 'id', true)).trim();
    const published =
      dateOf(textContent(childElement(entry, 'published', true)).trim()) ??
      dateOf(textContent(childElement(entry, 'updated', true)).trim());
    return {
      id: id || fallbackId(url, title, text),
      title,
      text,
      author: authorName || undefined,
      authorEmail: author ? textContent(childElement(author, 'email', true)).trim() || undefined : undefined,
      url,
      published,
    };
  });
}

/**
 * Reads an RSS 2.0 (or 0.9x/1.0) or Atom 1.0 document. Throws FeedFormatError, with a message that
 * says what is wrong, for XML that is not well-formed or a document that is not a feed (an HTML page).
 */
export function parseFeed(source: string, feedUrl: string): ParsedFeed {
  let root: XmlElement;
  try {
    root = parseXml(source);
  } catch (error) {
    if (error instanceof XmlError && /<html[\s>]/i.test(source.slice(0, 2000)))
      throw new FeedFormatError('the address gives an HTML page, not an RSS or Atom feed');
    if (error instanceof XmlError) throw new FeedFormatError(`the feed is not well-formed XML: ${error.message}`);
    throw error;
  }
  const kind = localName(root.name).toLowerCase();
  if (kind === 'rss') {
    const channel = childElement(root, 'channel') ?? root;
    return {
      format: 'rss',
      title: htmlToText(firstText(channel, 'title')),
      entries: rssEntries(childElements(channel, 'item'), feedUrl),
    };
  }
  if (kind === 'rdf') {
    const channel = childElement(root, 'channel', true);
    return {
      format: 'rss',
      title: channel ? htmlToText(firstText(channel, 'title')) : '',
      entries: rssEntries(childElements(root, 'item', true), feedUrl),
    };
  }
  if (kind === 'feed')
    return { format: 'atom', title: atomText(childElement(root, 'title', true)), entries: atomEntries(root, feedUrl) };
  throw new FeedFormatError(
    `the document is not an RSS or Atom feed (its root element is <${root.name.slice(0, 40)}>)`,
  );
}
