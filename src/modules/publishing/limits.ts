import type { ChannelProblem, PublishingLimits } from '../../platform/publishing.ts';

/**
 * Counting a post as the services count it, the same on the server and in the editor's script
 * (pages/assets/publishing-limits.js repeats these few lines): user-perceived characters (grapheme
 * clusters, so an emoji with its modifiers or a letter with combining accents is one), and every link as
 * `linkCharacters` when the service shortens links (Mastodon counts each as 23).
 */
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Links as the services see them: an http(s) address up to the next space. */
export const LINK_PATTERN = /https?:\/\/[^\s<>"]+/g;

export function countGraphemes(text: string): number {
  let count = 0;
  for (const _ of segmenter.segment(text)) count++;
  return count;
}

/** The length of a text for a channel: graphemes, with each link counted as the channel counts it. */
export function countForChannel(text: string, limits: Pick<PublishingLimits, 'linkCharacters'>): number {
  if (limits.linkCharacters === undefined) return countGraphemes(text);
  let count = 0;
  let last = 0;
  for (const match of text.matchAll(LINK_PATTERN)) {
    count += countGraphemes(text.slice(last, match.index)) + limits.linkCharacters;
    last = match.index + match[0].length;
  }
  return count + countGraphemes(text.slice(last));
}

/** What one channel receives of a post in one language, as far as its limits care. */
export interface CountedPost {
  text: string;
  contentWarning: string | null;
  media: Array<{ alt: string }>;
}

/**
 * The problems of a post for one channel, from its limits: the text with its content warning (Mastodon
 * counts the warning within its 500) too long, no text, too many or missing pictures, a picture without
 * alternative text. Stable codes: EMPTY_TEXT, TOO_LONG, TOO_MANY_MEDIA, MEDIA_REQUIRED, ALT_TEXT_MISSING.
 */
export function checkLimits(post: CountedPost, limits: PublishingLimits): ChannelProblem[] {
  const problems: ChannelProblem[] = [];
  if (post.text.trim() === '') problems.push({ code: 'EMPTY_TEXT', field: 'text' });
  if (limits.maxCharacters !== null) {
    const count = countForChannel(post.text, limits) + warningLength(post.contentWarning, limits);
    if (count > limits.maxCharacters)
      problems.push({ code: 'TOO_LONG', field: 'text', limit: limits.maxCharacters, count });
  }
  if (post.media.length > limits.maxMedia)
    problems.push({ code: 'TOO_MANY_MEDIA', field: 'media', limit: limits.maxMedia, count: post.media.length });
  if (limits.mediaRequired && post.media.length === 0) problems.push({ code: 'MEDIA_REQUIRED', field: 'media' });
  if (post.media.some((media) => media.alt.trim() === '')) problems.push({ code: 'ALT_TEXT_MISSING', field: 'media' });
  return problems;
}

/** A channel without content warnings gets the warning in front of the text, followed by a blank line. */
function warningLength(warning: string | null, limits: PublishingLimits): number {
  if (!warning) return 0;
  return countGraphemes(warning) + (limits.contentWarning ? 0 : 2);
}

/** The text a channel without content warnings receives. */
export function withWarning(text: string, warning: string | null, limits: PublishingLimits): string {
  return warning && !limits.contentWarning ? `${warning}\n\n${text}` : text;
}
