import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import type { AttachmentInfo, ChannelKind } from '../inbox.schema.ts';

/** A person as a channel knows them. `externalId` is stable on that channel (an address, a user id). */
export interface IncomingAuthor {
  externalId: string;
  name?: string | undefined;
  handle?: string | undefined;
  email?: string | undefined;
}

/** One message a channel delivered to us, in the shape every adapter produces. */
export interface IncomingMessage {
  /** The channel's own id of the message (Message-ID, update id, status id, feed entry id); unique per channel. */
  externalId: string;
  /** The channel's id of the conversation (a chat, a thread root, a post). Absent: the thread of `inReplyTo`, else a new one. */
  threadKey?: string | undefined;
  /** The external id of the message this one answers, when the channel says so. */
  inReplyTo?: string | undefined;
  author: IncomingAuthor;
  subject?: string | undefined;
  text: string;
  /** A public address of the message (a toot, a comment, a blog post). */
  url?: string | undefined;
  location?: { lat: number; lng: number } | undefined;
  attachments?: AttachmentInfo[] | undefined;
  sentAt: Date;
  /** The payload as received, kept for audit until the retention period ends. */
  raw?: unknown;
  /** The report the message filed (a bot's report dialogue, stored as this one message). */
  reportId?: number | undefined;
}

/** A configured channel as adapters see it, with its credentials opened. */
export interface ChannelRecord {
  id: number;
  organisationId: number;
  kind: ChannelKind;
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  cursor: unknown;
}

/** An answer to send on a channel, in reply to a conversation. */
export interface OutgoingReply {
  text: string;
  subject: string | null;
  /** The conversation's key on the channel (chat id, thread root). */
  threadKey: string;
  /** The external id of the latest incoming message, which the answer replies to. */
  inReplyTo: string | null;
  /** External ids of the thread's messages, oldest first (e-mail References). */
  references: string[];
  to: IncomingAuthor;
}

/** What a channel said about sending an answer. */
export interface SentReply {
  externalId: string;
  url?: string | undefined;
}

/** A field of a channel's settings form. Secret fields are stored sealed and never shown again. */
export interface ChannelField {
  name: string;
  label: MessageKey;
  hint?: MessageKey;
  secret?: boolean;
  required?: boolean;
  type?: 'text' | 'url' | 'number' | 'email' | 'textarea' | 'checkbox';
}

/** Everything a webhook route of an adapter needs from the inbox. */
export interface InboxChannels {
  /** Finds an enabled channel of this kind by id (webhook paths carry the channel id), credentials opened. */
  findChannel(kind: ChannelKind, channelId: number): Promise<ChannelRecord | undefined>;
  /** Stores delivered messages once each and queues their analysis; safe to call twice with the same ones. */
  ingest(channel: ChannelRecord, messages: IncomingMessage[]): Promise<IngestOutcome>;
}

export interface IngestOutcome {
  stored: number;
  duplicates: number;
  conversationIds: number[];
}

/**
 * A channel adapter: the same shape for every channel. Pull channels implement `poll` (the worker calls
 * it with the cursor it saved, and saves the new cursor only together with the messages, so a crash
 * between the two re-reads instead of losing); push channels add webhook routes. Every adapter sends
 * answers (`reply`) unless the channel cannot (feeds, imports) and reports its `health`.
 */
export interface ChannelAdapter {
  kind: ChannelKind;
  fields: ChannelField[];
  /** Seconds between polls, when the adapter polls. */
  pollEverySeconds?: number;
  /** `ctx` gives the platform's outbound guard (`ctx.outbound`), the only way an adapter contacts a host. */
  poll?(
    channel: ChannelRecord,
    signal: AbortSignal,
    ctx: AppContext,
  ): Promise<{ messages: IncomingMessage[]; cursor: unknown }>;
  routes?(app: App, ctx: AppContext, inbox: InboxChannels): void;
  /** The path of a push channel's webhook for one channel (what administrators give the service). */
  webhookPath?(channelId: number): string;
  /** `ctx` is the platform's context, for adapters that answer through it (the contact form answers by the platform mailer). */
  reply?(channel: ChannelRecord, reply: OutgoingReply, signal: AbortSignal, ctx: AppContext): Promise<SentReply>;
  health(channel: ChannelRecord, signal: AbortSignal, ctx: AppContext): Promise<{ ok: boolean; detail?: string }>;
}

/**
 * A failure talking to a channel. `retryable` says whether trying again later can help (a timeout, a 5xx,
 * a rate limit) or not (a wrong token, a deleted chat). The message must never contain credentials.
 */
export class ChannelError extends Error {
  readonly retryable: boolean;
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'ChannelError';
    this.retryable = options.retryable;
  }
}
