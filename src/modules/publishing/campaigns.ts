import { LINK_PATTERN } from './limits.ts';

/** A campaign's link tracking: the UTM parameters its posts' links carry on each destination. */
export interface UtmSettings {
  source: string | null;
  medium: string | null;
  campaign: string | null;
}

/**
 * Appends the campaign's UTM parameters to every link of a text, for one destination kind
 * (`utm_source` is the destination's kind unless the campaign sets one). Parameters a link already has
 * are kept as they are; a link to another site gets them too (the point of tracking where readers come
 * from). Trailing punctuation stays outside the link.
 */
export function withUtm(text: string, utm: UtmSettings, destinationKind: string): string {
  if (!utm.campaign) return text;
  const parameters: Array<[string, string]> = [
    ['utm_source', utm.source ?? destinationKind],
    ['utm_medium', utm.medium ?? 'social'],
    ['utm_campaign', utm.campaign],
  ];
  return text.replace(LINK_PATTERN, (match) => {
    const trailing = /[.,;:!?)\]]+$/.exec(match)?.[0] ?? '';
    const link = match.slice(0, match.length - trailing.length);
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      return match;
    }
    for (const [name, value] of parameters) if (!url.searchParams.has(name)) url.searchParams.set(name, value);
    return url.toString() + trailing;
  });
}

/** Hashtags as stored: without `#`, letters, digits and underscores only. */
export function normaliseHashtag(tag: string): string | undefined {
  const clean = tag.trim().replace(/^#+/, '');
  return /^[\p{L}\p{N}_]{1,100}$/u.test(clean) ? clean : undefined;
}
