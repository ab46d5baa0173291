/**
 * Text for XML 1.0 documents (Open311, Atom): markup characters escaped, and the characters XML 1.0
 * forbids anywhere in a document taken out — C0 controls other than tab, line feed and carriage return,
 * U+FFFE and U+FFFF — and lone surrogates (half of a character, from a broken client) replaced by U+FFFD.
 * One such character typed by a resident would otherwise make every strict parser refuse the whole feed.
 */
export function escapeXml(text: string): string {
  return xmlText(text).replace(/[&<>"']/g, (character) => XML_ESCAPES[character] ?? character);
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// eslint-disable-next-line no-control-regex -- these control characters are what is being removed
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** The text with what XML 1.0 cannot carry removed or replaced, not escaped. */
export function xmlText(text: string): string {
  return text.replace(FORBIDDEN, '').toWellFormed();
}
