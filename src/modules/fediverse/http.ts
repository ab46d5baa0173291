import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { toClientError } from '../../platform/http/errors.ts';
import { cityUrl } from '../../platform/organisations/urls.ts';
import { decodeUtf8Marked, unstorableTextPath } from '../../platform/validation.ts';
import { isDomainBlocked } from './received.repository.ts';
import { fediverseRuntime } from './federation.ts';
import { renderActorProfile } from './pages/profile.pages.ts';

/** The largest activity accepted in an inbox (Mastodon's own limit is 1 MB; activities are a few kB). */
export const MAX_ACTIVITY_BYTES = 256 * 1024;
const NOT_HANDLED = 'x-fediverse-not-handled';

/**
 * The Fastify glue of Fedify: the federation's paths (WebFinger, NodeInfo, actors, their inboxes, outboxes,
 * followers, the shared inbox, notes and articles) become web Requests handed to `federation.fetch` with the
 * city of the request's host as context data. URLs are the city's public address (as every absolute link of
 * the platform), so ids match what other servers were told; the Host header is passed as received, for the
 * HTTP signature. Inbox bodies arrive as raw bytes (the Digest covers them) in a scope of their own, and are
 * refused before Fedify when too large (413), not a JSON object with a type and an actor (400), or from a
 * server the city blocked (403). What Fedify does not know answers 404; an actor's address opened in a
 * browser shows the account's HTML page.
 */
export function registerFederationRoutes(app: App, ctx: AppContext): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_ACTIVITY_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler((error, request, reply) => {
      const refusal = toClientError(error, request);
      const code = refusal.status === 413 ? 'FEDIVERSE_ACTIVITY_TOO_LARGE' : refusal.code;
      return reply
        .code(refusal.status)
        .type('application/json; charset=utf-8')
        .send({ error: { code, message: refusal.status === 413 ? new AppError(code).message : refusal.message } });
    });
    const handler = (request: FastifyRequest, reply: FastifyReply) => handle(ctx, request, reply);
    const config = { csrf: false };
    const hidden = { hide: true };
    scope.get('/.well-known/webfinger', { config, schema: hidden }, handler);
    scope.get('/.well-known/nodeinfo', { config, schema: hidden }, handler);
    scope.get('/nodeinfo/2.1', { config, schema: hidden }, handler);
    scope.route({ method: ['GET', 'HEAD', 'POST'], url: '/ap/*', config, schema: hidden, handler });
  });
}

async function handle(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const organisation = request.organisation;
  const url = new URL(request.url, cityUrl(request.server, organisation));
  let body: Buffer | undefined;
  if (request.method === 'POST') {
    body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const actorHost = activityActorHost(body);
    if (actorHost === undefined) throw new AppError('FEDIVERSE_ACTIVITY_MALFORMED');
    if (await isDomainBlocked(ctx.db, organisation.id, actorHost)) throw new AppError('FEDIVERSE_SERVER_BLOCKED');
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      try {
        headers.append(name, one);
      } catch {
        // a header fetch would refuse is left out
      }
    }
  }
  const { federation } = fediverseRuntime(ctx);
  const marker = (status: number) => () => new Response(null, { status, headers: { [NOT_HANDLED]: '1' } });
  const response = await federation.fetch(
    new Request(url, {
      method: request.method,
      headers,
      ...(body ? { body: new Uint8Array(body) } : {}),
    }),
    { contextData: { organisation }, onNotFound: marker(404), onNotAcceptable: marker(406) },
  );
  if (response.headers.has(NOT_HANDLED)) {
    if (response.status === 406 && request.method !== 'POST') {
      const handle = /^\/ap\/actors\/([a-z0-9_-]{1,63})$/.exec(url.pathname)?.[1];
      if (handle) return renderActorProfile(ctx, request, reply, handle);
    }
    throw new AppError('FEDIVERSE_ACTOR_NOT_FOUND');
  }
  reply.code(response.status);
  response.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'transfer-encoding') void reply.header(name, value);
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return reply.send(request.method === 'HEAD' ? undefined : bytes);
}

/**
 * The host of an activity's actor, or undefined when the body is not a JSON object with a string `type`
 * and an `actor` (a URL, or an object with an `id`), or holds text PostgreSQL cannot store.
 */
function activityActorHost(body: Buffer): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeUtf8Marked(body));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  if (unstorableTextPath(parsed) !== undefined) return undefined;
  const activity = parsed as { type?: unknown; actor?: unknown };
  if (typeof activity.type !== 'string' && !Array.isArray(activity.type)) return undefined;
  const actor =
    typeof activity.actor === 'string'
      ? activity.actor
      : typeof activity.actor === 'object' && activity.actor !== null
        ? (activity.actor as { id?: unknown }).id
        : undefined;
  if (typeof actor !== 'string') return undefined;
  try {
    const host = new URL(actor).hostname;
    return host === '' ? undefined : host;
  } catch {
    return undefined;
  }
}
