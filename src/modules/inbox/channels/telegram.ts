import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { AttachmentInfo } from '../inbox.schema.ts';
import {
  ChannelError,
  type ChannelAdapter,
  type ChannelRecord,
  type InboxChannels,
  type IncomingMessage,
  type OutgoingReply,
  type SentReply,
} from './channel.ts';
import { callChannelApi } from './http.ts';
import { continueDialogue, pressButton } from './telegram-dialogue.ts';
import { parseId } from '../../../platform/validation.ts';
import { Type } from 'typebox';
import { OutboundError, type Outbound } from '../../../platform/outbound/outbound.ts';

/** The parts of the Bot API's User object the inbox reads. */
export interface TelegramUser {
  id: number;
  is_bot?: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** The parts of the Bot API's Message object the inbox reads. */
export interface TelegramMessage {
  message_id: number;
  from?: TelegramUser;
  chat: { id: number; type: string; title?: string; username?: string; first_name?: string };
  date: number;
  text?: string;
  caption?: string;
  location?: { latitude: number; longitude: number };
  photo?: Array<{ file_id: string; file_unique_id: string; width: number; height: number; file_size?: number }>;
  document?: { file_id: string; file_name?: string; mime_type?: string; file_size?: number };
  reply_to_message?: {
    message_id: number;
    /** The copy of a channel post in its discussion group (comments reply to it). */
    is_automatic_forward?: boolean;
    forward_from_chat?: { id: number };
    forward_from_message_id?: number;
    forward_origin?: { type: string; chat?: { id: number }; message_id?: number };
  };
  /** In a channel's discussion group: the thread of comments under one channel post. */
  message_thread_id?: number;
  is_automatic_forward?: boolean;
}

/** The parts of the Bot API's CallbackQuery object (a press on an inline keyboard's button) the bot reads. */
export interface TelegramCallbackQuery {
  id: string;
  from?: TelegramUser;
  /** The bot's message whose button was pressed. */
  message?: { message_id: number; chat: { id: number }; text?: string };
  data?: string;
}

/** The Bot API's Update object: one of its optional fields is set. */
export interface TelegramUpdate {
  update_id: number;
  message?: TelegramMessage;
  callback_query?: TelegramCallbackQuery;
}

/** Telegram's ids need up to 52 bits: more than a PostgreSQL `integer`, within a JavaScript number. */
const TelegramId = Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
const Text = Type.Optional(Type.String());

/**
 * The fields of an Update the inbox reads, with their types: an Update that has them of another type
 * (no Telegram server sends one) is refused (400) before it is read. Other fields pass unread.
 */
const UpdateBody = Type.Object({
  update_id: TelegramId,
  message: Type.Optional(
    Type.Object({
      message_id: Type.Optional(TelegramId),
      date: Type.Optional(Type.Integer({ minimum: 0, maximum: 253_402_300_799 })), // until 9999-12-31
      chat: Type.Optional(
        Type.Object({ id: Type.Optional(TelegramId), type: Text, title: Text, username: Text, first_name: Text }),
      ),
      from: Type.Optional(
        Type.Object({
          id: Type.Optional(TelegramId),
          first_name: Text,
          last_name: Text,
          username: Text,
          language_code: Text,
        }),
      ),
      text: Text,
      caption: Text,
      location: Type.Optional(
        Type.Object({
          latitude: Type.Number({ minimum: -90, maximum: 90 }),
          longitude: Type.Number({ minimum: -180, maximum: 180 }),
        }),
      ),
      photo: Type.Optional(
        Type.Array(Type.Object({ file_id: Text, file_unique_id: Text, file_size: Type.Optional(TelegramId) })),
      ),
      document: Type.Optional(
        Type.Object({ file_id: Text, file_name: Text, mime_type: Text, file_size: Type.Optional(TelegramId) }),
      ),
      reply_to_message: Type.Optional(Type.Object({ message_id: Type.Optional(TelegramId) })),
    }),
  ),
  callback_query: Type.Optional(
    Type.Object({
      id: Text,
      from: Type.Optional(Type.Object({ id: Type.Optional(TelegramId), language_code: Text })),
      message: Type.Optional(
        Type.Object({
          message_id: Type.Optional(TelegramId),
          chat: Type.Optional(Type.Object({ id: Type.Optional(TelegramId) })),
          text: Text,
        }),
      ),
      data: Text,
    }),
  ),
});

const API_BASE = 'https://api.telegram.org';
const MAX_MESSAGE = 4096;

/** The Bot API's base address for this channel and its bot's token. */
function apiOf(channel: ChannelRecord): { base: string; token: string } {
  const token = channel.secrets.token;
  if (!token) throw new ChannelError('Telegram: the bot token is not set', { retryable: false });
  const base = (
    typeof channel.settings.apiBase === 'string' && channel.settings.apiBase ? channel.settings.apiBase : API_BASE
  ).replace(/\/+$/, '');
  return { base, token };
}

/** The Bot API address of a method for this channel's bot; the token is part of the path. */
function methodUrl(channel: ChannelRecord, method: string): string {
  const { base, token } = apiOf(channel);
  return `${base}/bot${token}/${method}`;
}

/** Calls a Bot API method; Telegram answers `{ ok, result }` and `{ ok: false, description }`. */
export async function callTelegram<T>(
  outbound: Outbound,
  channel: ChannelRecord,
  method: string,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<T> {
  const answer = await callChannelApi<{ ok: boolean; result?: T; description?: string }>(
    outbound,
    methodUrl(channel, method),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
      what: `Telegram ${method}`,
    },
  );
  if (!answer.ok)
    throw new ChannelError(`Telegram ${method}: ${(answer.description ?? 'refused').slice(0, 200)}`, {
      retryable: false,
    });
  return answer.result as T;
}

/** Sends a text to a chat (cut to Telegram's 4096 characters), with an optional keyboard. */
export async function sendTelegramMessage(
  outbound: Outbound,
  channel: ChannelRecord,
  chatId: string,
  text: string,
  extra: Record<string, unknown> = {},
  signal = AbortSignal.timeout(15_000),
): Promise<TelegramMessage> {
  return callTelegram<TelegramMessage>(
    outbound,
    channel,
    'sendMessage',
    { chat_id: chatId, text: text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text, ...extra },
    signal,
  );
}

/** A file the bot received, downloaded; or why not (larger than allowed, or not to be had). */
export type DownloadedFile = { ok: true; data: Buffer } | { ok: false; reason: 'too_large' | 'unavailable' };

/**
 * Downloads a file a resident sent the bot, as the Bot API gives it: `getFile` answers the file's path
 * (and size), then the file is fetched from `<api>/file/bot<token>/<path>` — both through the outbound
 * guard. At most `maxBytes` are read; a larger file is not downloaded at all when Telegram gives its size.
 */
export async function downloadTelegramFile(
  outbound: Outbound,
  channel: ChannelRecord,
  fileId: string,
  maxBytes: number,
  signal = AbortSignal.timeout(30_000),
): Promise<DownloadedFile> {
  let file: { file_path?: string; file_size?: number };
  try {
    file = await callTelegram(outbound, channel, 'getFile', { file_id: fileId }, signal);
  } catch {
    return { ok: false, reason: 'unavailable' };
  }
  if (typeof file.file_size === 'number' && file.file_size > maxBytes) return { ok: false, reason: 'too_large' };
  const filePath = file.file_path;
  if (typeof filePath !== 'string' || !/^[\w.-]+(?:\/[\w.-]+)*$/.test(filePath) || filePath.includes('..'))
    return { ok: false, reason: 'unavailable' };
  const { base, token } = apiOf(channel);
  let response: Response;
  try {
    response = await outbound.fetch(`${base}/file/bot${token}/${filePath}`, { signal, maxBytes, timeoutMs: 30_000 });
  } catch (error) {
    return {
      ok: false,
      reason:
        error instanceof OutboundError && error.code === 'OUTBOUND_RESPONSE_TOO_LARGE' ? 'too_large' : 'unavailable',
    };
  }
  if (response.status !== 200) return { ok: false, reason: 'unavailable' };
  return { ok: true, data: Buffer.from(await response.arrayBuffer()) };
}

/**
 * The thread of comments a message belongs to in a channel's discussion group: the id (in the group) of
 * the automatic forward of the channel post, which comments reply to and which names their thread.
 */
function discussionThread(message: TelegramMessage): number | undefined {
  if (message.chat.type === 'private') return undefined;
  if (message.reply_to_message?.is_automatic_forward) return message.reply_to_message.message_id;
  return message.message_thread_id;
}

/**
 * A Telegram message as an inbox message: the chat is the conversation, `chat:message` the id. Comments
 * under a channel post (in its discussion group) are a conversation of their own per post,
 * `chat:t<thread>`; the post they answer stays in `raw` (reply_to_message's forward_from_message_id).
 */
export function telegramToMessage(update: TelegramUpdate, message: TelegramMessage): IncomingMessage {
  const chatId = String(message.chat.id);
  const thread = discussionThread(message);
  const from = message.from;
  const attachments: AttachmentInfo[] = [];
  const photo = message.photo?.at(-1);
  if (photo)
    attachments.push({
      filename: `photo-${photo.file_unique_id}.jpg`,
      contentType: 'image/jpeg',
      size: photo.file_size ?? 0,
    });
  if (message.document)
    attachments.push({
      filename: message.document.file_name ?? 'document',
      contentType: message.document.mime_type ?? 'application/octet-stream',
      size: message.document.file_size ?? 0,
    });
  return {
    externalId: `${chatId}:${message.message_id}`,
    threadKey: thread === undefined ? chatId : `${chatId}:t${thread}`,
    inReplyTo: message.reply_to_message ? `${chatId}:${message.reply_to_message.message_id}` : undefined,
    author: {
      externalId: String(from?.id ?? chatId),
      name: [from?.first_name, from?.last_name].filter(Boolean).join(' ') || message.chat.title || undefined,
      handle: from?.username ? `@${from.username}` : undefined,
    },
    text: message.text ?? message.caption ?? '',
    location: message.location ? { lat: message.location.latitude, lng: message.location.longitude } : undefined,
    attachments,
    sentAt: new Date(message.date * 1000),
    raw: update,
  };
}

/** Compares the secret header with the channel's secret in constant time (hashes have equal lengths). */
function secretMatches(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The bot's webhook. Telegram sends each Update with the secret given to setWebhook in the
 * `X-Telegram-Bot-Api-Secret-Token` header; anything else is refused before it is read. A message to
 * the bot's dialogue (a command, a step of a report, a button pressed) is answered by the dialogue and
 * not stored: the report it files is, as one message of the chat's conversation. Any other message is
 * stored once (Telegram retries deliveries) for staff to read and answer.
 */
function routes(app: App, ctx: AppContext, inbox: InboxChannels): void {
  app.post<{ Params: { channelId: string } }>(
    '/inbox/telegram/:channelId',
    { schema: { hide: true, body: UpdateBody }, bodyLimit: 1024 * 1024, config: { csrf: false } },
    async (request) => {
      const channelId = parseId(request.params.channelId);
      const channel = channelId === undefined ? undefined : await inbox.findChannel('telegram', channelId);
      if (!channel) throw new AppError('INBOX_CHANNEL_NOT_FOUND');
      if (!secretMatches(request.headers['x-telegram-bot-api-secret-token'], channel.secrets.webhookSecret))
        throw new AppError('INBOX_WEBHOOK_SIGNATURE');
      const update = request.body as TelegramUpdate | undefined;
      if (!update || typeof update !== 'object' || typeof update.update_id !== 'number')
        throw new AppError('INBOX_WEBHOOK_PAYLOAD');
      const query = update.callback_query;
      if (query && typeof query.id === 'string') {
        await pressButton(ctx, channel, update.update_id, query);
        return { ok: true };
      }
      const message = update.message;
      // other updates (edits, channel posts, the copy of a channel post in its discussion group) are
      // acknowledged and not stored
      if (
        !message ||
        typeof message !== 'object' ||
        typeof message.message_id !== 'number' ||
        typeof (message.chat as TelegramMessage['chat'] | undefined)?.id !== 'number' ||
        typeof message.date !== 'number' ||
        message.is_automatic_forward === true
      )
        return { ok: true };
      // comments under a channel post are stored, never taken for the bot's dialogue
      if (discussionThread(message) === undefined && (await continueDialogue(ctx, channel, update, message)))
        return { ok: true };
      await inbox.ingest(channel, [telegramToMessage(update, message)]);
      return { ok: true };
    },
  );
}

/** Answers in the chat, as a reply to the resident's last message when there is one. */
async function reply(
  channel: ChannelRecord,
  answer: OutgoingReply,
  signal: AbortSignal,
  ctx: AppContext,
): Promise<SentReply> {
  // the chat is the thread key, or its first part for comments under a channel post (`chat:t<thread>`)
  const chatId = answer.threadKey.split(':')[0] ?? answer.threadKey;
  const replyTo = answer.inReplyTo?.startsWith(`${chatId}:`)
    ? Number(answer.inReplyTo.slice(chatId.length + 1))
    : undefined;
  const sent = await sendTelegramMessage(
    ctx.outbound,
    channel,
    chatId,
    answer.text,
    replyTo ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {},
    signal,
  );
  return { externalId: `${chatId}:${sent.message_id}` };
}

/** Checks the bot token with getMe. */
async function health(
  channel: ChannelRecord,
  signal: AbortSignal,
  ctx: AppContext,
): Promise<{ ok: boolean; detail?: string }> {
  try {
    const me = await callTelegram<TelegramUser>(ctx.outbound, channel, 'getMe', {}, signal);
    return { ok: true, detail: me.username ? `@${me.username}` : me.first_name };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Tells Telegram where to send updates, with the secret it must put in each request's header. */
export async function setTelegramWebhook(
  outbound: Outbound,
  channel: ChannelRecord,
  url: string,
  signal: AbortSignal,
): Promise<void> {
  if (!channel.secrets.webhookSecret)
    throw new ChannelError('Telegram: the webhook secret is not set', { retryable: false });
  await callTelegram<boolean>(
    outbound,
    channel,
    'setWebhook',
    { url, secret_token: channel.secrets.webhookSecret, allowed_updates: ['message', 'callback_query'] },
    signal,
  );
}

/** Telegram bot: residents chat with the city and file reports step by step. */
export const telegramAdapter: ChannelAdapter = {
  kind: 'telegram',
  fields: [
    {
      name: 'token',
      label: 'inbox.channels.field.botToken',
      hint: 'inbox.channels.field.botTokenHint',
      secret: true,
      required: true,
    },
    {
      name: 'webhookSecret',
      label: 'inbox.channels.field.webhookSecret',
      hint: 'inbox.channels.field.webhookSecretHint',
      secret: true,
    },
    { name: 'apiBase', label: 'inbox.channels.field.apiBase', hint: 'inbox.channels.field.apiBaseHint', type: 'url' },
  ],
  routes,
  webhookPath: (channelId: number) => `/inbox/telegram/${channelId}`,
  reply,
  health,
};
