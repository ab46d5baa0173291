import type { PublishingAdapter } from '../../../platform/publishing.ts';

/** The social accounts a post goes out on (Mastodon, Telegram, Facebook, Instagram): one adapter each. */
export const socialAdapters: readonly PublishingAdapter[] = [];
