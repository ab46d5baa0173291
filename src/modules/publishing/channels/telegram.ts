import type { AppContext } from '../../../platform/context.ts';
import type {
  ChannelPost,
  ChannelProblem,
  DeliveryOutcome,
  DeliveryRef,
  PublishingAdapter,
  PublishingDestination,
} from '../../../platform/publishing.ts';
import {
  callApi,
  deferred,
  lengthProblem,
  numberOf,
  objectOf,
  outboundOutcome,
  PublishDoubt,
  redact,
  refused,
  settingOf,
  statusError,
  StatusUnknown,
  textOf,
  type ApiAnswer,
} from './social-api.ts';
import { rememberAdapterState } from './social.repository.ts';

/**
 * The city's Telegram channel, through the Bot API of a bot that is one of its administrators (the same
 * bot as the inbox's Telegram channel when the destination shares it). A post is `sendMessage`,
 * `sendPhoto` (one picture, by its public address) or `sendMediaGroup` (up to ten), as plain text or as
 * HTML with everything escaped. The ids Telegram answers are the record: `remoteId` is
 * `<chat id>:<message id>`, the id the inbox links discussion comments to.
 *
 * Telegram has no way to read a channel's posts, and no idempotency key: a publish that left doubt
 * (a timeout after sending) cannot be checked. It is never sent again automatically: `status` answers
 * that staff must look at the channel and confirm (StatusUnknown, not retryable). Comments of the linked
 * discussion group reach the bot's webhook (the inbox's Telegram channel), as replies to the automatic
 * forward of the post, and become inbox conversations linked to the post.
 */

const API_BASE = 'https://api.telegram.org';
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const MAX_MEDIA = 10;

interface Bot {
  base: string;
  token: string;
  chatId: string;
  html: boolean;
}

function botOf(destination: PublishingDestination): Bot | string {
  const token = destination.secrets.token;
  if (!token) return 'Telegram: the bot token is not set';
  const chatId = settingOf(destination, 'chatId');
  if (!/^(@[A-Za-z][\w]{3,}|-?\d{1,20})$/.test(chatId)) return 'Telegram: the channel (chat id or @name) is not set';
  const base = (settingOf(destination, 'apiBase') || API_BASE).replace(/\/+$/, '');
  return { base, token, chatId, html: settingOf(destination, 'parseMode').toUpperCase() === 'HTML' };
}

/** Escapes a text for parse_mode HTML: only `&`, `<` and `>` are special. */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The text as sent: the content warning first, the rest behind a spoiler in HTML mode. */
function compose(post: ChannelPost, html: boolean): string {
  if (!html) return post.contentWarning ? `⚠ ${post.contentWarning}\n\n${post.text}` : post.text;
  const body = escapeTelegramHtml(post.text);
  return post.contentWarning
    ? `⚠ ${escapeTelegramHtml(post.contentWarning)}\n\n<tg-spoiler>${body}</tg-spoiler>`
    : body;
}

/** Calls a Bot API method (the token is in the path, never in a message). */
function call(ctx: AppContext, bot: Bot, method: string, body: Record<string, unknown>, signal: AbortSignal) {
  return callApi(ctx, `${bot.base}/bot${bot.token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
}

/** The Bot API's answer `{ ok, result }` or `{ ok: false, error_code, description, parameters }`. */
function answerOf(answer: ApiAnswer): {
  ok: boolean;
  result: unknown;
  code: number;
  description: string;
  retryAfter?: number;
} {
  const body = objectOf(answer.json);
  const retryAfter = numberOf(objectOf(body.parameters).retry_after);
  return {
    ok: body.ok === true && answer.status === 200,
    result: body.result,
    code: numberOf(body.error_code) ?? answer.status,
    description: textOf(body.description) ?? answer.text.slice(0, 200),
    ...(retryAfter === undefined ? {} : { retryAfter }),
  };
}

function failure(what: string, answer: ReturnType<typeof answerOf>): string {
  return `Telegram ${what}: ${answer.code} ${answer.description}${answer.retryAfter ? ` (retry after ${answer.retryAfter} s)` : ''}`;
}

async function publish(
  destination: PublishingDestination,
  post: ChannelPost,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const bot = botOf(destination);
  if (typeof bot === 'string') return refused(bot, destination);
  const text = compose(post, bot.html);
  const format = bot.html ? { parse_mode: 'HTML' } : {};
  const media = post.media.slice(0, MAX_MEDIA);
  const [method, body]: [string, Record<string, unknown>] =
    media.length === 0
      ? ['sendMessage', { chat_id: bot.chatId, text, ...format }]
      : media.length === 1
        ? [
            'sendPhoto',
            { chat_id: bot.chatId, photo: media[0]?.url, caption: text, has_spoiler: !!post.contentWarning, ...format },
          ]
        : [
            'sendMediaGroup',
            {
              chat_id: bot.chatId,
              media: media.map((item, index) => ({
                type: 'photo',
                media: item.url,
                ...(index === 0 ? { caption: text, ...format } : {}),
                ...(post.contentWarning ? { has_spoiler: true } : {}),
              })),
            },
          ];
  await rememberAdapterState(ctx.db, post.organisationId, post.deliveryId, {
    method,
    requestedAt: new Date().toISOString(),
  });
  let raw: ApiAnswer;
  try {
    raw = await call(ctx, bot, method, body, signal);
  } catch (error) {
    return outboundOutcome(error, destination, `Telegram ${method}`, true);
  }
  const answer = answerOf(raw);
  if (!answer.ok) {
    if (answer.code >= 500) throw new PublishDoubt(redact(failure(method, answer), destination));
    const detail = failure(method, answer);
    return answer.code === 429 ? deferred(detail, destination) : refused(detail, destination);
  }
  const messages = (Array.isArray(answer.result) ? answer.result : [answer.result]).map(objectOf);
  const first = messages[0] ?? {};
  const chat = objectOf(first.chat);
  const chatId = textOf(chat.id);
  const messageIds = messages.map((message) => numberOf(message.message_id)).filter((id) => id !== undefined);
  if (!chatId || messageIds.length === 0) throw new PublishDoubt(`Telegram ${method}: the answer has no message id`);
  const username = textOf(chat.username);
  if (post.crisis)
    // a crisis broadcast is pinned; the post is out whether or not the pin works
    await call(ctx, bot, 'pinChatMessage', { chat_id: chatId, message_id: messageIds[0] }, signal).catch(() => {});
  await rememberAdapterState(ctx.db, post.organisationId, post.deliveryId, {
    chatId,
    messageIds,
    caption: media.length > 0,
  });
  return {
    state: 'published',
    remoteId: `${chatId}:${messageIds[0]}`,
    url: username ? `https://t.me/${username}/${messageIds[0]}` : undefined,
  };
}

/** `<chat id>:<message id>` split, or undefined. */
function remoteParts(remoteId: string | null): { chatId: string; messageId: number } | undefined {
  const match = /^(-?\d+):(\d+)$/.exec(remoteId ?? '');
  return match ? { chatId: match[1] ?? '', messageId: Number(match[2]) } : undefined;
}

/**
 * A delivery with a message id is published: Telegram answered it, and the Bot API cannot read a channel
 * post back. Without one, no request sent means not found; a request sent with no answer cannot be
 * checked, and is left to staff (never sent again blindly).
 */
async function status(destination: PublishingDestination, delivery: DeliveryRef): Promise<DeliveryOutcome> {
  const parts = remoteParts(delivery.remoteId);
  if (parts) {
    const username = settingOf(destination, 'chatId').startsWith('@') ? settingOf(destination, 'chatId').slice(1) : '';
    return {
      state: 'published',
      remoteId: delivery.remoteId ?? undefined,
      url: username ? `https://t.me/${username}/${parts.messageId}` : undefined,
    };
  }
  if (!delivery.state.requestedAt) return { state: 'not_found' };
  throw new StatusUnknown(
    'Telegram: the post may or may not have reached the channel, and the Bot API cannot read channel posts; staff must check the channel and confirm (it is not sent again automatically)',
    { retryable: false },
  );
}

async function update(
  destination: PublishingDestination,
  delivery: DeliveryRef,
  post: ChannelPost,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const bot = botOf(destination);
  if (typeof bot === 'string') throw new StatusUnknown(bot, { retryable: false });
  const parts = remoteParts(delivery.remoteId ?? post.remoteId ?? null);
  if (!parts) return { state: 'not_found' };
  const captioned = delivery.state.caption === true || post.media.length > 0;
  const text = compose(post, bot.html);
  const method = captioned ? 'editMessageCaption' : 'editMessageText';
  try {
    const answer = answerOf(
      await call(
        ctx,
        bot,
        method,
        {
          chat_id: parts.chatId,
          message_id: parts.messageId,
          ...(captioned ? { caption: text } : { text }),
          ...(bot.html ? { parse_mode: 'HTML' } : {}),
        },
        signal,
      ),
    );
    if (answer.ok || /message is not modified/i.test(answer.description))
      return { state: 'published', remoteId: `${parts.chatId}:${parts.messageId}` };
    if (/message to edit not found/i.test(answer.description)) return { state: 'not_found' };
    const detail = failure(method, answer);
    return answer.code === 429 || answer.code >= 500 ? deferred(detail, destination) : refused(detail, destination);
  } catch (error) {
    return statusError(error, destination, `Telegram ${method}`);
  }
}

async function remove(
  destination: PublishingDestination,
  delivery: DeliveryRef,
  ctx: AppContext,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const bot = botOf(destination);
  if (typeof bot === 'string') throw new StatusUnknown(bot, { retryable: false });
  const parts = remoteParts(delivery.remoteId);
  if (!parts) return { state: 'not_found' };
  const ids = Array.isArray(delivery.state.messageIds)
    ? delivery.state.messageIds.filter((id): id is number => typeof id === 'number')
    : [parts.messageId];
  try {
    for (const messageId of ids) {
      const answer = answerOf(
        await call(ctx, bot, 'deleteMessage', { chat_id: parts.chatId, message_id: messageId }, signal),
      );
      if (answer.ok || /message to delete not found/i.test(answer.description)) continue;
      const detail = failure('deleteMessage', answer);
      return answer.code === 429 || answer.code >= 500 ? deferred(detail, destination) : refused(detail, destination);
    }
    return { state: 'not_found' };
  } catch (error) {
    return statusError(error, destination, 'Telegram deleteMessage');
  }
}

/** Telegram counts UTF-16 code units after entities are parsed: 4,096 for a message, 1,024 for a caption. */
function validate(post: ChannelPost): ChannelProblem[] {
  const count = compose(post, false).length;
  return lengthProblem(count, post.media.length > 0 ? MAX_CAPTION : MAX_TEXT);
}

export const telegramPublishing: PublishingAdapter = {
  kind: 'telegram',
  label: 'publishing.social.telegram',
  limits: {
    maxCharacters: MAX_TEXT,
    maxMedia: MAX_MEDIA,
    contentWarning: false,
    title: false,
    edit: true,
    remove: true,
  },
  fields: [
    {
      name: 'chatId',
      label: 'publishing.social.field.chatId',
      hint: 'publishing.social.field.chatIdHint',
      required: true,
    },
    { name: 'parseMode', label: 'publishing.social.field.parseMode', hint: 'publishing.social.field.parseModeHint' },
    { name: 'apiBase', label: 'publishing.social.field.apiBase', type: 'url' },
    { name: 'token', label: 'publishing.social.field.botToken', secret: true, required: true },
  ],
  sharesInboxAccount: 'telegram',
  validate,
  publish,
  status: (destination, delivery) => status(destination, delivery),
  update,
  remove,
};
