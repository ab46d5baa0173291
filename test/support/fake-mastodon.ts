import { createServer, type ServerResponse, type Server } from 'node:http';
import { Recorder } from './recorder.ts';

/** How the fake misbehaves on the next request to a path (`POST /api/v1/statuses`), once. */
export type MastodonFailure =
  /** Does the work (the status is made), then never answers: the client times out. */
  | 'hang-after-accept'
  /** Does the work, then answers 502 as a proxy in front of a slow server would. */
  | 'bad-gateway-after-accept'
  /** Answers 503 without doing anything. */
  | 'unavailable'
  /** Answers 429 with Mastodon's rate-limit headers, without doing anything. */
  | 'rate-limited';

export interface MastodonRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  /** The JSON body, or the multipart fields (a file as `{ filename, contentType, bytes }`). */
  body: Record<string, unknown>;
}

export interface FakeMastodon {
  url: string;
  token: string;
  requests: Recorder<MastodonRequest>;
  /** Statuses by id, as the API shows them. */
  statuses: Map<string, Record<string, unknown>>;
  /** Media attachments by id, with the description they were given. */
  media: Map<string, Record<string, unknown>>;
  failNext(method: string, path: string, failure: MastodonFailure): void;
  close(): Promise<void>;
}

/**
 * What residents' content reads (Mastodon 4.3 REST API): the city's own account
 * (`GET /api/v1/accounts/verify_credentials`), a hashtag timeline (`GET /api/v1/timelines/tag/:hashtag`:
 * public statuses carrying the tag, newest first, `since_id` and `limit`), and the answers under a status
 * (`GET /api/v1/statuses/:id/context`). Residents' statuses are put in `statuses` with `residentStatus`.
 */
function residentRoutes(
  method: string,
  url: URL,
  statuses: Map<string, Record<string, unknown>>,
  own: Record<string, unknown>,
): { status: number; body: unknown } | undefined {
  if (method !== 'GET') return undefined;
  if (url.pathname === '/api/v1/accounts/verify_credentials')
    return { status: 200, body: { ...own, source: { privacy: 'public', sensitive: false, language: 'ro', note: '' } } };
  const tag = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(url.pathname);
  if (tag) {
    const name = decodeURIComponent(tag[1] ?? '').toLowerCase();
    const since = url.searchParams.get('since_id');
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 20) || 20, 40);
    const found = [...statuses.values()]
      .filter((s) => s.visibility === 'public')
      .filter((s) => (s.tags as Array<{ name: string }>).some((t) => t.name.toLowerCase() === name))
      .filter((s) => !since || BigInt(String(s.id)) > BigInt(since))
      .sort((a, b) => (BigInt(String(b.id)) > BigInt(String(a.id)) ? 1 : -1))
      .slice(0, limit);
    return { status: 200, body: found };
  }
  const context = /^\/api\/v1\/statuses\/(\d+)\/context$/.exec(url.pathname);
  if (context) {
    if (!statuses.has(context[1] ?? '')) return { status: 404, body: { error: 'Record not found' } };
    const descendants: Array<Record<string, unknown>> = [];
    const walk = (id: string) => {
      for (const s of statuses.values())
        if (s.in_reply_to_id === id) {
          descendants.push(s);
          walk(String(s.id));
        }
    };
    walk(context[1] ?? '');
    return { status: 200, body: { ancestors: [], descendants } };
  }
  return undefined;
}

let residentIds = 113_700_000_000_000_000n;

/**
 * A resident's status as Mastodon 4.3 shows it (recorded shape of the Status and Account entities): the
 * account's `discoverable`, `indexable`, `noindex` and `bot` say whether it may be collected.
 */
export function residentStatus(options: {
  username: string;
  host?: string;
  text: string;
  tags: string[];
  account?: Partial<{
    discoverable: boolean | null;
    indexable: boolean;
    noindex: boolean;
    bot: boolean;
    display_name: string;
  }>;
  visibility?: 'public' | 'unlisted' | 'private' | 'direct';
  inReplyToId?: string;
  media?: Array<{ url: string; description: string | null }>;
  language?: string;
}): Record<string, unknown> {
  const host = options.host ?? 'mastodon.example';
  const id = String((residentIds += 1n));
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const tagLinks = options.tags
    .map((t) => ` <a href="https://${host}/tags/${t}" class="mention hashtag" rel="tag">#<span>${t}</span></a>`)
    .join('');
  return {
    id,
    created_at: new Date().toISOString(),
    in_reply_to_id: options.inReplyToId ?? null,
    in_reply_to_account_id: null,
    sensitive: false,
    spoiler_text: '',
    visibility: options.visibility ?? 'public',
    language: options.language ?? 'en',
    uri: `https://${host}/users/${options.username}/statuses/${id}`,
    url: `https://${host}/@${options.username}/${id}`,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    edited_at: null,
    content: `<p>${escape(options.text)}${tagLinks}</p>`,
    reblog: null,
    application: null,
    account: {
      id: String(options.username.length * 7919),
      username: options.username,
      acct: `${options.username}@${host}`,
      display_name: options.account?.display_name ?? options.username,
      locked: false,
      bot: options.account?.bot ?? false,
      discoverable: options.account?.discoverable ?? true,
      indexable: options.account?.indexable ?? true,
      group: false,
      created_at: '2023-02-01T00:00:00.000Z',
      note: '',
      url: `https://${host}/@${options.username}`,
      uri: `https://${host}/users/${options.username}`,
      avatar: `https://${host}/avatars/original/missing.png`,
      followers_count: 10,
      following_count: 10,
      statuses_count: 42,
      noindex: options.account?.noindex ?? false,
      emojis: [],
      fields: [],
    },
    media_attachments: (options.media ?? []).map((m, i) => ({
      id: `${id}${i}`,
      type: 'image',
      url: m.url,
      preview_url: m.url,
      remote_url: m.url,
      description: m.description,
      meta: { original: { width: 1200, height: 800, size: '1200x800', aspect: 1.5 } },
      blurhash: 'UFBWY:8_0Jxv4mRj',
    })),
    mentions: [],
    tags: options.tags.map((t) => ({ name: t.toLowerCase(), url: `https://${host}/tags/${t.toLowerCase()}` })),
    emojis: [],
    card: null,
    poll: null,
  };
}

const ACCOUNT = {
  id: '109302',
  username: 'primaria',
  acct: 'primaria',
  display_name: 'Primăria Alba Iulia',
  locked: false,
  bot: false,
  discoverable: true,
  group: false,
  created_at: '2022-11-08T00:00:00.000Z',
  note: '<p>The city hall</p>',
  url: 'https://social.example/@primaria',
  avatar: 'https://social.example/avatars/original/missing.png',
  followers_count: 1200,
  following_count: 10,
  statuses_count: 300,
  emojis: [],
  fields: [],
};

/** Splits a multipart/form-data body into fields (text) and files (bytes). */
function parseMultipart(body: Buffer, contentType: string): Record<string, unknown> {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (!boundary) return {};
  const fields: Record<string, unknown> = {};
  const text = body.toString('latin1');
  for (const part of text.split(`--${boundary}`).slice(1, -1)) {
    const [head = '', ...rest] = part.replace(/^\r\n/, '').split('\r\n\r\n');
    const value = rest.join('\r\n\r\n').replace(/\r\n$/, '');
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (filename !== undefined)
      fields[name] = {
        filename,
        contentType: /Content-Type: (.+)/i.exec(head)?.[1]?.trim(),
        bytes: Buffer.from(value, 'latin1').length,
      };
    else fields[name] = Buffer.from(value, 'latin1').toString('utf8');
  }
  return fields;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Mastodon's count: links as 23, remote mentions by their local part. */
function mastodonLength(text: string): number {
  const counted = text.replace(/https?:\/\/\S+/g, 'x'.repeat(23)).replace(/(@[\p{L}\p{N}_]+)@[\w.-]+\.\w+/gu, '$1');
  return [...graphemes.segment(counted)].length;
}

/**
 * A fake Mastodon server speaking REST API v1/v2 as Mastodon 4 does: bearer tokens (401
 * `{"error":"The access token is invalid"}`), `POST /api/v2/media` answering 202 with `url: null` and
 * `GET /api/v1/media/:id` answering 206 once then 200, `POST /api/v1/statuses` with Idempotency-Key
 * (a repeated key answers the status already made), 422 for a text over 500 characters, statuses read,
 * edited and deleted at `/api/v1/statuses/:id` (404 `{"error":"Record not found"}`).
 */
export async function startFakeMastodon(token = 'city-mastodon-token'): Promise<FakeMastodon> {
  const requests = new Recorder<MastodonRequest>();
  const statuses = new Map<string, Record<string, unknown>>();
  const media = new Map<string, Record<string, unknown>>();
  const idempotency = new Map<string, string>();
  const failures = new Map<string, MastodonFailure>();
  const hanging = new Set<ServerResponse>();
  let nextId = 113_600_000_000_000_000n;
  const newId = () => String((nextId += 1n));
  let origin = '';

  const server: Server = createServer(
    (request, response) =>
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const raw = Buffer.concat(chunks);
        const url = new URL(request.url ?? '/', 'http://fake');
        const method = request.method ?? 'GET';
        const contentType = request.headers['content-type'] ?? '';
        const body = contentType.startsWith('multipart/form-data')
          ? parseMultipart(raw, contentType)
          : raw.length > 0
            ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>)
            : {};
        const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
        requests.record({
          method,
          path: url.pathname,
          authorization: request.headers.authorization,
          idempotencyKey,
          body,
        });
        const send = (status: number, value: unknown, headers: Record<string, string> = {}) =>
          response
            .writeHead(status, {
              'content-type': 'application/json; charset=utf-8',
              'x-ratelimit-limit': '300',
              'x-ratelimit-remaining': '299',
              ...headers,
            })
            .end(JSON.stringify(value));
        const failure = failures.get(`${method} ${url.pathname}`);
        failures.delete(`${method} ${url.pathname}`);
        if (failure === 'unavailable') return send(503, { error: 'Service Unavailable' });
        if (failure === 'rate-limited')
          return send(
            429,
            { error: 'Too many requests' },
            { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': new Date(Date.now() + 300_000).toISOString() },
          );
        if (request.headers.authorization !== `Bearer ${token}`)
          return send(401, { error: 'The access token is invalid' });
        const answer = (status: number, value: unknown) => {
          if (failure === 'hang-after-accept') {
            hanging.add(response);
            return;
          }
          if (failure === 'bad-gateway-after-accept')
            return response.writeHead(502, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
          return send(status, value);
        };

        if (method === 'POST' && url.pathname === '/api/v2/media') {
          const file = body.file as { filename: string; contentType: string; bytes: number } | undefined;
          if (!file || file.bytes === 0) return send(422, { error: 'Validation failed: File is invalid' });
          const id = newId();
          media.set(id, {
            id,
            type: 'image',
            url: null,
            preview_url: `${origin}/system/media/small/${id}.jpg`,
            remote_url: null,
            preview_remote_url: null,
            text_url: null,
            meta: { original: { width: 1200, height: 800, size: '1200x800', aspect: 1.5 } },
            description: typeof body.description === 'string' ? body.description : null,
            blurhash: 'UFBWY:8_0Jxv4mRj',
            polls: 0,
            file,
          });
          const { file: _file, polls: _polls, ...shown } = media.get(id) ?? {};
          return answer(202, shown);
        }
        const mediaMatch = /^\/api\/v1\/media\/(\d+)$/.exec(url.pathname);
        if (method === 'GET' && mediaMatch) {
          const item = media.get(mediaMatch[1] ?? '');
          if (!item) return send(404, { error: 'Record not found' });
          item.polls = Number(item.polls) + 1;
          if (Number(item.polls) >= 2) item.url = `${origin}/system/media/original/${String(item.id)}.jpg`;
          const { file: _file, polls: _polls, ...shown } = item;
          return send(item.url ? 200 : 206, shown);
        }
        if (method === 'POST' && url.pathname === '/api/v1/statuses') {
          const key = idempotencyKey ? `${token}:${idempotencyKey}` : undefined;
          const known = key ? idempotency.get(key) : undefined;
          if (known && statuses.has(known)) return answer(200, statuses.get(known));
          const text = typeof body.status === 'string' ? body.status : '';
          const spoiler = typeof body.spoiler_text === 'string' ? body.spoiler_text : '';
          if (mastodonLength(text) + mastodonLength(spoiler) > 500)
            return send(422, { error: 'Validation failed: Text character limit of 500 exceeded' });
          const mediaIds = Array.isArray(body.media_ids) ? body.media_ids.map(String) : [];
          if (text === '' && mediaIds.length === 0)
            return send(422, { error: "Validation failed: Text can't be blank" });
          if (mediaIds.some((id) => !media.get(id)?.url))
            return send(422, {
              error: 'Cannot attach files that have not finished processing. Try again in a moment!',
            });
          const id = newId();
          const status = {
            id,
            created_at: new Date().toISOString(),
            in_reply_to_id: typeof body.in_reply_to_id === 'string' ? body.in_reply_to_id : null,
            in_reply_to_account_id: null,
            sensitive: body.sensitive === true,
            spoiler_text: spoiler,
            visibility: typeof body.visibility === 'string' ? body.visibility : 'public',
            language: typeof body.language === 'string' ? body.language : null,
            uri: `${origin}/users/primaria/statuses/${id}`,
            url: `${origin}/@primaria/${id}`,
            replies_count: 0,
            reblogs_count: 0,
            favourites_count: 0,
            edited_at: null,
            content: `<p>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`,
            reblog: null,
            application: { name: 'Interactive City', website: null },
            account: ACCOUNT,
            media_attachments: mediaIds.map((mediaId) => {
              const { file: _file, polls: _polls, ...shown } = media.get(mediaId) ?? {};
              return shown;
            }),
            mentions: [],
            tags: [],
            emojis: [],
            card: null,
            poll: null,
          };
          statuses.set(id, status);
          if (key) idempotency.set(key, id);
          return answer(200, status);
        }
        const residents = residentRoutes(method, url, statuses, ACCOUNT);
        if (residents) return send(residents.status, residents.body);
        const statusMatch = /^\/api\/v1\/statuses\/(\d+)$/.exec(url.pathname);
        if (statusMatch) {
          const status = statuses.get(statusMatch[1] ?? '');
          if (!status) return send(404, { error: 'Record not found' });
          if (method === 'GET') return answer(200, status);
          if (method === 'PUT') {
            const text = typeof body.status === 'string' ? body.status : '';
            if (mastodonLength(text) > 500)
              return send(422, { error: 'Validation failed: Text character limit of 500 exceeded' });
            status.content = `<p>${text}</p>`;
            if (typeof body.spoiler_text === 'string') status.spoiler_text = body.spoiler_text;
            status.edited_at = new Date().toISOString();
            return answer(200, status);
          }
          if (method === 'DELETE') {
            statuses.delete(statusMatch[1] ?? '');
            return answer(200, { ...status, text: 'deleted' });
          }
        }
        return send(404, { error: 'Record not found' });
      })(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url: origin,
    token,
    requests,
    statuses,
    media,
    failNext(method, path, failure) {
      failures.set(`${method} ${path}`, failure);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
