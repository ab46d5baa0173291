import { createServer, type Server, type ServerResponse } from 'node:http';
import { Recorder } from './recorder.ts';

/** How the fake misbehaves on the next request to `METHOD path` (path without the version), once. */
export type GraphFailure =
  /** Does the work, then never answers. */
  | 'hang-after-accept'
  /** Does the work, then answers 500 with a transient Graph error (code 2). */
  | 'error-after-accept'
  /** Answers a transient error (code 2, HTTP 500) without doing anything. */
  | 'unavailable'
  /** Answers the page rate limit (code 32, HTTP 400) without doing anything. */
  | 'rate-limited'
  /** Instagram's daily publishing limit (code 9, subcode 2207042). */
  | 'publishing-limit';

export interface GraphRequest {
  method: string;
  /** The path without the version (`123/feed`), and the query. */
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface FakeGraph {
  url: string;
  version: string;
  token: string;
  pageId: string;
  igUserId: string;
  requests: Recorder<GraphRequest>;
  /** Page posts, photos, Instagram containers and media, by id. */
  objects: Map<string, Record<string, unknown>>;
  /** How many status checks a new container stays IN_PROGRESS (0: FINISHED at once). */
  containerDelay: number;
  /** Instagram's publishing quota in the rolling day. */
  quota: { usage: number; total: number };
  failNext(method: string, path: string, failure: GraphFailure): void;
  close(): Promise<void>;
}

let trace = 0;
const fbtrace = () => `A${(trace += 1).toString(36).padStart(10, 'x')}`;

/** The Graph API error object, as Meta sends it. */
function graphError(code: number, message: string, extra: Record<string, unknown> = {}) {
  return { error: { message, type: 'OAuthException', code, fbtrace_id: fbtrace(), ...extra } };
}

/**
 * A fake of Meta's Graph API (`/<version>/…`) for one Facebook page and its Instagram professional
 * account, with the answers and error objects the real API gives: bearer page token (code 190 otherwise),
 * `POST /{page}/feed` and `/{page}/photos` (unpublished photos attached with `attached_media`), posts read
 * (`code 100, error_subcode 33` when missing), edited (`POST /{post}`), deleted, listed
 * (`/{page}/published_posts`), their insights; Instagram containers (`POST /{ig}/media`, carousels),
 * `GET /{container}?fields=status_code` (IN_PROGRESS, FINISHED, PUBLISHED), `POST /{ig}/media_publish`
 * (code 9007 when not ready), media read and listed, and `content_publishing_limit`.
 */
export async function startFakeGraph(
  options: { token?: string; pageId?: string; igUserId?: string; version?: string } = {},
): Promise<FakeGraph> {
  const token = options.token ?? 'EAAGpage-token-of-the-city';
  const pageId = options.pageId ?? '104412345678901';
  const igUserId = options.igUserId ?? '17841400000000001';
  const version = options.version ?? 'v21.0';
  const requests = new Recorder<GraphRequest>();
  const objects = new Map<string, Record<string, unknown>>();
  const failures = new Map<string, GraphFailure>();
  const hanging = new Set<ServerResponse>();
  let next = 500_000_000;
  const newId = () => String((next += 1));
  const state = { containerDelay: 0, quota: { usage: 0, total: 100 } };
  const missing = (id: string) =>
    graphError(
      100,
      `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
      { type: 'GraphMethodException', error_subcode: 33 },
    );

  const server: Server = createServer(
    (request, response) =>
      void (async () => {
        let raw = '';
        for await (const chunk of request) raw += String(chunk);
        const url = new URL(request.url ?? '/', 'http://fake');
        const method = request.method ?? 'GET';
        const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        const prefix = `/${version}/`;
        const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
        const query = Object.fromEntries(url.searchParams);
        requests.record({ method, path, query, authorization: request.headers.authorization, body });
        const send = (status: number, value: unknown) =>
          response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(value));
        const failure = failures.get(`${method} ${path}`);
        failures.delete(`${method} ${path}`);
        if (failure === 'unavailable')
          return send(
            500,
            graphError(2, 'An unexpected error has occurred. Please retry your request later.', { is_transient: true }),
          );
        if (failure === 'rate-limited')
          return send(400, graphError(32, 'Page request limit reached', { is_transient: true }));
        if (failure === 'publishing-limit')
          return send(
            400,
            graphError(9, 'Application request limit reached', {
              error_subcode: 2207042,
              is_transient: false,
              error_user_title: 'Reached publishing limit',
              error_user_msg:
                'You have reached the maximum number of posts that is allowed to be published by Content Publishing API.',
            }),
          );
        if (!url.pathname.startsWith(prefix)) return send(400, graphError(2500, 'Unknown path components: ' + path));
        if (request.headers.authorization !== `Bearer ${token}`)
          return send(
            400,
            graphError(190, 'Invalid OAuth access token - Cannot parse access token', { type: 'OAuthException' }),
          );
        const answer = (status: number, value: unknown) => {
          if (failure === 'hang-after-accept') {
            hanging.add(response);
            return;
          }
          if (failure === 'error-after-accept')
            return send(
              500,
              graphError(2, 'An unexpected error has occurred. Please retry your request later.', {
                is_transient: true,
              }),
            );
          return send(status, value);
        };
        const [first = '', second] = path.split('/');
        const now = new Date().toISOString().replace(/\.\d+Z$/, '+0000');

        // Facebook page
        if (first === pageId && method === 'POST' && second === 'feed') {
          if (typeof body.message !== 'string' && !body.link)
            return send(400, graphError(100, '(#100) Missing message or attachment'));
          const id = `${pageId}_${newId()}`;
          objects.set(id, {
            id,
            kind: 'post',
            message: body.message,
            link: body.link,
            attached_media: body.attached_media,
            created_time: now,
            permalink_url: `https://www.facebook.com/${pageId}/posts/${id.split('_')[1]}`,
            shares: { count: 0 },
            reactions: 0,
            comments: 0,
          });
          return answer(200, { id });
        }
        if (first === pageId && method === 'POST' && second === 'photos') {
          if (typeof body.url !== 'string') return send(400, graphError(324, '(#324) Requires upload file'));
          const photoId = newId();
          objects.set(photoId, { id: photoId, kind: 'photo', url: body.url, alt_text_custom: body.alt_text_custom });
          if (body.published === false) return answer(200, { id: photoId });
          const postId = `${pageId}_${photoId}`;
          objects.set(postId, {
            id: postId,
            kind: 'post',
            message: body.message,
            photo: photoId,
            created_time: now,
            permalink_url: `https://www.facebook.com/photo.php?fbid=${photoId}`,
            shares: { count: 0 },
            reactions: 0,
            comments: 0,
          });
          return answer(200, { id: photoId, post_id: postId });
        }
        if (first === pageId && method === 'GET' && second === 'published_posts') {
          const since = Number(query.since ?? 0);
          const data = [...objects.values()]
            .filter((item) => item.kind === 'post' && Date.parse(String(item.created_time)) / 1000 >= since)
            .reverse()
            .map((item) => ({
              id: item.id,
              message: item.message,
              permalink_url: item.permalink_url,
              created_time: item.created_time,
            }));
          return send(200, { data, paging: { cursors: { before: 'QVFIUj', after: 'QVFIUk' } } });
        }

        // Instagram account
        if (first === igUserId && method === 'POST' && second === 'media') {
          if (body.media_type === 'CAROUSEL') {
            const children = (typeof body.children === 'string' ? body.children : '').split(',').filter(Boolean);
            if (children.length < 2 || children.some((child) => !objects.has(child)))
              return send(400, graphError(100, 'Invalid parameter', { error_subcode: 2207028 }));
          } else if (typeof body.image_url !== 'string')
            return send(400, graphError(100, 'The parameter image_url is required.'));
          const id = newId();
          objects.set(id, { id, kind: 'container', ...body, checks: 0, status_code: 'IN_PROGRESS' });
          return answer(200, { id });
        }
        if (first === igUserId && method === 'POST' && second === 'media_publish') {
          const container = objects.get(String(body.creation_id));
          if (!container || container.kind !== 'container') return send(400, missing(String(body.creation_id)));
          if (container.status_code === 'PUBLISHED')
            return send(400, graphError(9007, 'Media ID is not available', { error_subcode: 2207027 }));
          if (container.status_code !== 'FINISHED')
            return send(
              400,
              graphError(9007, 'Media ID is not available', {
                error_subcode: 2207027,
                error_user_title: 'Media not ready for publishing',
                error_user_msg: 'The media is not ready for publishing, please wait for a moment',
              }),
            );
          if (state.quota.usage >= state.quota.total)
            return send(400, graphError(9, 'Application request limit reached', { error_subcode: 2207042 }));
          const mediaId = newId();
          container.status_code = 'PUBLISHED';
          state.quota.usage += 1;
          objects.set(mediaId, {
            id: mediaId,
            kind: 'media',
            caption: container.caption,
            container: container.id,
            permalink: `https://www.instagram.com/p/C${mediaId}/`,
            timestamp: now,
            like_count: 0,
            comments_count: 0,
          });
          return answer(200, { id: mediaId });
        }
        if (first === igUserId && method === 'GET' && second === 'content_publishing_limit')
          return send(200, {
            data: [
              { quota_usage: state.quota.usage, config: { quota_total: state.quota.total, quota_duration: 86400 } },
            ],
          });
        if (first === igUserId && method === 'GET' && second === 'media') {
          const data = [...objects.values()]
            .filter((item) => item.kind === 'media')
            .reverse()
            .map((item) => ({
              id: item.id,
              caption: item.caption,
              permalink: item.permalink,
              timestamp: item.timestamp,
            }));
          return send(200, { data, paging: {} });
        }

        // any object
        const object = objects.get(first);
        if (!object) return send(400, missing(first));
        if (method === 'GET' && second === 'insights') {
          const metric = query.metric ?? '';
          return send(200, {
            data: [
              {
                name: metric,
                period: 'lifetime',
                values: [{ value: 42 }],
                title: metric,
                description: '',
                id: `${first}/insights/${metric}/lifetime`,
              },
            ],
          });
        }
        if (method === 'GET' && second === undefined) {
          if (object.kind === 'container') {
            object.checks = Number(object.checks) + 1;
            if (object.status_code === 'IN_PROGRESS' && Number(object.checks) > state.containerDelay)
              object.status_code = 'FINISHED';
            return answer(200, {
              status_code: object.status_code,
              status:
                object.status_code === 'FINISHED'
                  ? 'Finished: Media has been uploaded and it is ready to be published.'
                  : 'In Progress: Media is still being processed.',
              id: object.id,
            });
          }
          if (object.kind === 'post')
            return answer(200, {
              id: object.id,
              message: object.message,
              created_time: object.created_time,
              permalink_url: object.permalink_url,
              shares: object.shares,
              reactions: { data: [], summary: { total_count: object.reactions, viewer_reaction: 'NONE' } },
              comments: { data: [], summary: { order: 'ranked', total_count: object.comments, can_comment: true } },
            });
          return answer(200, object);
        }
        if (method === 'POST' && second === undefined && object.kind === 'post') {
          if (typeof body.message === 'string') object.message = body.message;
          return answer(200, { success: true });
        }
        if (method === 'DELETE' && second === undefined) {
          objects.delete(first);
          return answer(200, { success: true });
        }
        return send(400, graphError(100, 'Unsupported request - method type: ' + method.toLowerCase()));
      })(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    version,
    token,
    pageId,
    igUserId,
    requests,
    objects,
    get containerDelay() {
      return state.containerDelay;
    },
    set containerDelay(value: number) {
      state.containerDelay = value;
    },
    quota: state.quota,
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
