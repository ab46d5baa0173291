import type { ChannelKind } from '../inbox.schema.ts';
import type { ChannelAdapter } from './channel.ts';
import { emailAdapter } from './email/email.ts';
import { facebookAdapter } from './facebook.ts';
import { feedAdapter } from './feed.ts';
import { fediverseAdapter } from './fediverse.ts';
import { importAdapter } from './import.ts';
import { instagramAdapter } from './instagram.ts';
import { mastodonAdapter } from './mastodon.ts';
import { telegramAdapter } from './telegram.ts';
import { webhookAdapter } from './webhook.ts';
import { webAdapter } from './web.ts';

/**
 * Every channel adapter of the inbox. An adapter is added here once; the worker, the webhook routes,
 * the channel pages and the answer delivery all find it through `adapterFor`.
 */
const ADAPTERS: ChannelAdapter[] = [
  emailAdapter,
  telegramAdapter,
  mastodonAdapter,
  facebookAdapter,
  instagramAdapter,
  feedAdapter,
  importAdapter,
  webhookAdapter,
  webAdapter,
  fediverseAdapter,
];

const byKind = new Map<ChannelKind, ChannelAdapter>(ADAPTERS.map((adapter) => [adapter.kind, adapter]));

/** The adapter of a channel kind, or undefined when this installation has none. */
export function adapterFor(kind: ChannelKind): ChannelAdapter | undefined {
  return byKind.get(kind);
}

/** All adapters, in a stable order. */
export function allAdapters(): readonly ChannelAdapter[] {
  return ADAPTERS;
}

export {
  ChannelError,
  type ChannelAdapter,
  type ChannelField,
  type ChannelRecord,
  type IncomingMessage,
  type InboxChannels,
  type OutgoingReply,
  type SentReply,
} from './channel.ts';
