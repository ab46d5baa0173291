import type { PublishingAdapter } from '../../../platform/publishing.ts';
import { facebookPublishing } from './facebook.ts';
import { instagramPublishing } from './instagram.ts';
import { mastodonPublishing } from './mastodon.ts';
import { telegramPublishing } from './telegram.ts';

/** The social accounts a post goes out on (Mastodon, Telegram, Facebook, Instagram): one adapter each. */
export const socialAdapters: readonly PublishingAdapter[] = [
  mastodonPublishing,
  telegramPublishing,
  facebookPublishing,
  instagramPublishing,
];
