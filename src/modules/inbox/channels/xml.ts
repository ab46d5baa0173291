/**
 * A small XML reader for feeds (RSS 2.0, RSS 1.0, Atom 1.0), in plain TypeScript: no native addon and
 * no dependency. It builds a tree of elements with their attributes and text, decodes character
 * references and the five XML entities, keeps CDATA as text, and skips comments, processing instructions
 * and the DOCTYPE, whose entity declarations are never expanded (no "billion laughs"). Names keep their
 * prefix (`content:encoded`, `dc:creator`); `localName` drops it. What is not well-formed (a closing tag
 * that does not match, an element left open, text after the root) is an XmlError with its line.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

/** XML that is not well-formed; `line` is where the reader stopped. */
export class XmlError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`${message} (line ${line})`);
    this.name = 'XmlError';
    this.line = line;
  }
}

const MAX_DEPTH = 200;
const MAX_NODES = 500_000;
const NAME = /^[A-Za-z_\u00C0-\uFFFF][\w.\-:\u00B7\u00C0-\uFFFF]*/;

/** Entities HTML uses that feeds leak into XML text by mistake; anything else unknown stays as written. */
const NAMED: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  nbsp: '\u00A0',
  copy: '©',
  reg: '®',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  laquo: '«',
  raquo: '»',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  euro: '€',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  aacute: 'á',
  ccedil: 'ç',
  ouml: 'ö',
  uuml: 'ü',
  auml: 'ä',
  szlig: 'ß',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
  ntilde: 'ñ',
};

/** Replaces `&name;`, `&#NN;` and `&#xHH;` by their characters; unknown names and stray `&` stay as they are. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[A-Za-z][A-Za-z0-9]{1,31});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : '\uFFFD';
    }
    return NAMED[ref] ?? whole;
  });
}

/** Parses a whole document and returns its root element. */
export function parseXml(source: string): XmlElement {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let pos = 0;
  let nodes = 0;
  const lineAt = (at: number) => text.slice(0, at).split('\n').length;
  const fail = (message: string, at = pos): never => {
    throw new XmlError(message, lineAt(at));
  };
  const skipPast = (marker: string, what: string) => {
    const end = text.indexOf(marker, pos);
    if (end < 0) fail(`${what} is not closed`);
    pos = end + marker.length;
  };

  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    const chunk = text.slice(pos, lt < 0 ? text.length : lt);
    if (chunk !== '') {
      const parent = stack.at(-1);
      if (parent) parent.children.push(decodeEntities(chunk));
      else if (chunk.trim() !== '') fail(root ? 'text after the root element' : 'text before the root element');
    }
    if (lt < 0) break;
    pos = lt;
    if (text.startsWith('<!--', pos)) skipPast('-->', 'a comment');
    else if (text.startsWith('<![CDATA[', pos)) {
      const end = text.indexOf(']]>', pos);
      if (end < 0) fail('a CDATA section is not closed');
      const parent = stack.at(-1) ?? fail('CDATA outside the root element');
      parent.children.push(text.slice(pos + 9, end));
      pos = end + 3;
    } else if (text.startsWith('<?', pos)) skipPast('?>', 'a processing instruction');
    else if (text.startsWith('<!DOCTYPE', pos) || text.startsWith('<!doctype', pos)) {
      const bracket = text.indexOf('[', pos);
      const close = text.indexOf('>', pos);
      if (bracket >= 0 && close >= 0 && bracket < close) skipPast(']', 'the DOCTYPE');
      skipPast('>', 'the DOCTYPE');
    } else if (text[pos + 1] === '/') {
      const end = text.indexOf('>', pos);
      if (end < 0) fail('a closing tag is not finished');
      const name = text.slice(pos + 2, end).trim();
      const open = stack.pop() ?? fail(`</${name.slice(0, 40)}> closes nothing`);
      if (open.name !== name) fail(`</${name.slice(0, 40)}> does not close <${open.name}>`);
      pos = end + 1;
    } else {
      const element = readTag();
      if (++nodes > MAX_NODES) fail('the document has too many elements');
      const parent = stack.at(-1);
      if (parent) parent.children.push(element.element);
      else if (root) fail('a second root element');
      else root = element.element;
      if (!element.selfClosing) {
        stack.push(element.element);
        if (stack.length > MAX_DEPTH) fail('elements are nested too deeply');
      }
    }
  }
  if (stack.length > 0) fail(`<${stack.at(-1)?.name ?? ''}> is never closed`);
  return root ?? fail('there is no element at all', 0);

  function readTag(): { element: XmlElement; selfClosing: boolean } {
    const start = pos;
    const nameMatch = NAME.exec(text.slice(pos + 1, pos + 200));
    if (!nameMatch) return fail('"<" that does not start a tag');
    const element: XmlElement = { name: nameMatch[0], attributes: {}, children: [] };
    pos += 1 + nameMatch[0].length;
    for (;;) {
      while (pos < text.length && /\s/.test(text[pos] ?? '')) pos++;
      if (pos >= text.length) fail(`<${element.name}> is not finished`, start);
      if (text.startsWith('/>', pos)) {
        pos += 2;
        return { element, selfClosing: true };
      }
      if (text[pos] === '>') {
        pos += 1;
        return { element, selfClosing: false };
      }
      const attribute = NAME.exec(text.slice(pos, pos + 200));
      if (!attribute) fail(`a broken attribute in <${element.name}>`);
      const attributeName = attribute?.[0] ?? '';
      pos += attributeName.length;
      while (/\s/.test(text[pos] ?? '')) pos++;
      if (text[pos] !== '=') fail(`the attribute ${attributeName} of <${element.name}> has no value`);
      pos++;
      while (/\s/.test(text[pos] ?? '')) pos++;
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") fail(`the attribute ${attributeName} of <${element.name}> is not quoted`);
      const end = text.indexOf(quote ?? '"', pos + 1);
      if (end < 0) fail(`the attribute ${attributeName} of <${element.name}> is not closed`);
      element.attributes[attributeName] = decodeEntities(text.slice(pos + 1, end));
      pos = end + 1;
    }
  }
}

/** A name without its namespace prefix: `atom:link` → `link`. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The child elements of an element, optionally only those with a name (matched with its prefix, or by local name when `local`). */
export function childElements(element: XmlElement, name?: string, local = false): XmlElement[] {
  return element.children.filter(
    (child): child is XmlElement =>
      typeof child !== 'string' &&
      (name === undefined || (local ? localName(child.name) === name : child.name === name)),
  );
}

/** The first child element with that name, if any. */
export function childElement(element: XmlElement, name: string, local = false): XmlElement | undefined {
  return childElements(element, name, local)[0];
}

/** All the text inside an element (its descendants' too), as written. */
export function textContent(element: XmlElement | undefined): string {
  if (!element) return '';
  return element.children.map((child) => (typeof child === 'string' ? child : textContent(child))).join('');
}

/**
 * The readable text of an HTML fragment (a feed's summary or content): scripts and styles dropped,
 * paragraphs kept as blank lines and line breaks as new lines, tags removed, entities decoded, spaces tidied.
 */
export function htmlToText(fragment: string): string {
  return decodeEntities(
    fragment
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|li|h[1-6]|blockquote|tr|section|article)\s*>/gi, '\n\n')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/\u00A0/g, ' ')
    .replace(/[ \t\r\f\v]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
