import { createServer, type Server, type ServerResponse } from 'node:http';
import { Recorder } from './recorder.ts';

/** The city's channel: `@city_news`, whose numeric chat id is this. */
export const CHANNEL_ID = -1001987654321;

/** One Bot API call the fake received: the method and its JSON parameters. */
export interface TelegramCall {
  method: string;
  body: Record<string, unknown>;
  /** The id the fake gave the message it sent (`sendMessage`), to press its buttons. */
  messageId?: number;
}

export interface FakeTelegram {
  /** The Bot API base to put in the channel's settings (`http://127.0.0.1:<port>`). */
  apiBase: string;
  token: string;
  /** Every call, in the order it arrived. */
  calls: Recorder<TelegramCall>;
  /** Every file downloaded (its `file_path`). */
  downloads: Recorder<string>;
  /** Files the bot may download, by `file_id`. */
  files: Map<string, Buffer>;
  /** Methods answered with a refusal instead (`{ ok: false, error_code, description }`) while set. */
  refuse: Map<string, { status: number; description: string; retryAfter?: number }>;
  /** Methods carried out but never answered (the client times out) while set. */
  hang: Set<string>;
  /** Messages sent to the channel (`@city_news` or CHANNEL_ID), by message id, with the method that sent them. */
  channelPosts: Map<number, { chatId: number; method: string; body: Record<string, unknown> }>;
  /** Waits for a `sendMessage` (since `after`) whose text matches. */
  waitForMessage(text: RegExp | ((call: TelegramCall) => boolean), after?: number): Promise<TelegramCall>;
  close(): Promise<void>;
}

/**
 * A fake Telegram Bot API speaking the real protocol: `POST /bot<token>/<method>` with JSON parameters
 * answered `{ ok, result }` (or `{ ok: false, error_code, description }`), and file downloads at
 * `GET /file/bot<token>/<file_path>` for the paths `getFile` gave. Only the bot's own token is accepted.
 */
export async function startFakeTelegram(token = '123456:CITY-BOT-TOKEN'): Promise<FakeTelegram> {
  const calls = new Recorder<TelegramCall>();
  const downloads = new Recorder<string>();
  const files = new Map<string, Buffer>();
  const refuse = new Map<string, { status: number; description: string; retryAfter?: number }>();
  const hang = new Set<string>();
  const channelPosts = new Map<number, { chatId: number; method: string; body: Record<string, unknown> }>();
  const hanging = new Set<ServerResponse>();
  /** A channel named `@name` has this numeric id and these fields in messages. */
  const channelChat = () => ({ id: CHANNEL_ID, type: 'channel', title: 'City news', username: 'city_news' });
  const paths = new Map<string, string>();
  let nextMessageId = 900;
  const server: Server = createServer(
    (request, response) =>
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks).toString('utf8');
        const send = (status: number, value: unknown) =>
          response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(request.url ?? '');
        if (download && request.method === 'GET') {
          const fileId = download[1] === token ? paths.get(download[2] ?? '') : undefined;
          const data = fileId === undefined ? undefined : files.get(fileId);
          if (!data) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
          downloads.record(download[2] ?? '');
          return response
            .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length })
            .end(data);
        }
        const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url ?? '');
        if (!match || match[1] !== token) return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
        const method = match[2] ?? '';
        const parsed = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
        const refusal = refuse.get(method);
        const messageId =
          (method === 'sendMessage' || method === 'sendPhoto') && !refusal ? nextMessageId++ : undefined;
        calls.record({ method, body: parsed, ...(messageId === undefined ? {} : { messageId }) });
        if (refusal)
          return send(refusal.status, {
            ok: false,
            error_code: refusal.status,
            description: refusal.description,
            ...(refusal.retryAfter === undefined ? {} : { parameters: { retry_after: refusal.retryAfter } }),
          });
        const toChannel = parsed.chat_id === '@city_news' || String(parsed.chat_id) === String(CHANNEL_ID);
        const chat = toChannel ? channelChat() : undefined;
        const channelMessage = (id: number, extra: Record<string, unknown>) => {
          channelPosts.set(id, { chatId: chat?.id ?? 0, method, body: parsed });
          return { message_id: id, sender_chat: chat, chat, date: Math.floor(Date.now() / 1000), ...extra };
        };
        const answer = (value: unknown): void => {
          if (hang.has(method)) hanging.add(response);
          else send(200, { ok: true, result: value });
        };
        if (toChannel && method === 'sendMessage' && messageId !== undefined) {
          answer(channelMessage(messageId, { text: parsed.text }));
          return;
        }
        if (toChannel && method === 'sendPhoto' && messageId !== undefined) {
          answer(
            channelMessage(messageId, {
              photo: [{ file_id: `AgAC${messageId}`, file_unique_id: `AQAD${messageId}`, width: 1280, height: 853 }],
              caption: parsed.caption,
              ...(parsed.has_spoiler ? { has_media_spoiler: true } : {}),
            }),
          );
          return;
        }
        if (toChannel && method === 'sendMediaGroup') {
          const items = Array.isArray(parsed.media) ? (parsed.media as Array<Record<string, unknown>>) : [];
          if (items.length < 2 || items.length > 10)
            return send(400, {
              ok: false,
              error_code: 400,
              description: 'Bad Request: wrong number of media in the group',
            });
          const group = String(nextMessageId);
          answer(
            items.map((item) =>
              channelMessage(nextMessageId++, {
                media_group_id: group,
                photo: [{ file_id: 'AgAC', file_unique_id: 'AQAD', width: 1280, height: 853 }],
                ...(item.caption ? { caption: item.caption } : {}),
              }),
            ),
          );
          return;
        }
        if (method === 'deleteMessage' && (toChannel || channelPosts.has(Number(parsed.message_id)))) {
          if (!channelPosts.delete(Number(parsed.message_id)))
            return send(400, { ok: false, error_code: 400, description: 'Bad Request: message to delete not found' });
          answer(true);
          return;
        }
        if (
          toChannel &&
          (method === 'editMessageText' || method === 'editMessageCaption') &&
          !channelPosts.has(Number(parsed.message_id))
        )
          return send(400, { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' });
        if (method === 'pinChatMessage') {
          answer(true);
          return;
        }
        switch (method) {
          case 'getMe':
            return send(200, {
              ok: true,
              result: {
                id: 123456,
                is_bot: true,
                first_name: 'City',
                username: 'city_bot',
                can_join_groups: true,
                can_read_all_group_messages: false,
                supports_inline_queries: false,
              },
            });
          case 'setWebhook':
            return send(200, { ok: true, result: true, description: 'Webhook was set' });
          case 'sendMessage':
            return send(200, {
              ok: true,
              result: {
                message_id: messageId,
                from: { id: 123456, is_bot: true, first_name: 'City', username: 'city_bot' },
                chat: { id: Number(parsed.chat_id), type: 'private' },
                date: Math.floor(Date.now() / 1000),
                text: parsed.text,
                ...(parsed.reply_markup ? { reply_markup: parsed.reply_markup } : {}),
              },
            });
          case 'answerCallbackQuery':
            return send(200, { ok: true, result: true });
          case 'editMessageReplyMarkup':
          case 'editMessageCaption':
          case 'editMessageText':
            return send(200, {
              ok: true,
              result: {
                message_id: Number(parsed.message_id),
                chat: { id: Number(parsed.chat_id), type: 'private' },
                date: Math.floor(Date.now() / 1000),
                text: typeof parsed.text === 'string' ? parsed.text : '',
              },
            });
          case 'getFile': {
            const fileId = typeof parsed.file_id === 'string' ? parsed.file_id : '';
            const data = files.get(fileId);
            if (!data) return send(400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
            const filePath = `photos/file_${paths.size}.jpg`;
            paths.set(filePath, fileId);
            return send(200, {
              ok: true,
              result: {
                file_id: fileId,
                file_unique_id: `u${paths.size}`,
                file_size: data.length,
                file_path: filePath,
              },
            });
          }
          default:
            return send(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
        }
      })(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const apiBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    apiBase,
    token,
    calls,
    downloads,
    files,
    refuse,
    hang,
    channelPosts,
    waitForMessage(text, after = 0) {
      const predicate =
        typeof text === 'function'
          ? text
          : (call: TelegramCall) => call.method === 'sendMessage' && text.test(String(call.body.text));
      return calls.waitFor((call) => call.method === 'sendMessage' && predicate(call), {
        after,
        what: `a message ${String(text)}`,
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
