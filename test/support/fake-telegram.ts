import { createServer, type Server } from 'node:http';
import { Recorder } from './recorder.ts';

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
  refuse: Map<string, { status: number; description: string }>;
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
  const refuse = new Map<string, { status: number; description: string }>();
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
        const messageId = method === 'sendMessage' && !refusal ? nextMessageId++ : undefined;
        calls.record({ method, body: parsed, ...(messageId === undefined ? {} : { messageId }) });
        if (refusal) return send(refusal.status, { ok: false, error_code: refusal.status, ...refusal });
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
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
