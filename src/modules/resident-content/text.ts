/** The longest text kept of a resident's post. */
export const MAX_BODY = 5000;

/** A post's HTML (Mastodon, ActivityPub) as plain text: paragraphs and line breaks kept, markup dropped. */
export function htmlToText(markup: string): string {
  return markup
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .trim()
    .slice(0, MAX_BODY);
}

/** A hashtag compared as Mastodon does: without `#`, case-insensitive. */
export function tagKey(tag: string): string {
  return tag.replace(/^#/, '').normalize('NFKC').toLowerCase();
}

/** What an account says about being found: never collected when any of these opts out. */
export interface Discovery {
  discoverable?: boolean | null | undefined;
  indexable?: boolean | null | undefined;
  noindex?: boolean | null | undefined;
  bot?: boolean | null | undefined;
}

/**
 * Whether an account may be collected: not when it opted out of discovery (`discoverable: false`), of
 * search (`indexable: false`), of search engines (`noindex: true`), or is a bot. An account that says
 * nothing (software without these fields) may be collected: nothing is shown before its author consents.
 */
export function mayCollect(account: Discovery): boolean {
  return (
    account.discoverable !== false && account.indexable !== false && account.noindex !== true && account.bot !== true
  );
}

/** A short code for keyword answers (`YES-7Q4K`): letters and digits that cannot be mistaken for others. */
export function keywordCode(random: Uint8Array): string {
  const alphabet = 'ACDEFGHJKMNPQRTUVWXY34679';
  return [...random.slice(0, 4)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** The answer a text gives to a keyword (`YES-7Q4K`, `NO-7Q4K`, `NEVER-7Q4K`), if any. */
export function keywordAnswer(text: string, code: string): 'consented' | 'declined' | 'never' | undefined {
  const upper = text.toUpperCase();
  const has = (word: string) => new RegExp(`(^|[^A-Z0-9])${word}[-\\s]+${code}($|[^A-Z0-9])`).test(upper);
  if (has('NEVER')) return 'never';
  if (has('NO')) return 'declined';
  if (has('YES')) return 'consented';
  return undefined;
}

/** An address kept only when it is http(s): a remote server's `javascript:` link never reaches a page. */
export function httpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
