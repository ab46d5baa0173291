import { randomUUID } from 'node:crypto';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { Logger } from 'pino';
import { verifyApiKey, type ApiKeyScope } from '../auth/api-keys.ts';
import { ApiQuotas } from '../auth/api-quota.ts';
import { findSessionViewer, SESSION_COOKIE } from '../auth/sessions.ts';
import { hashToken, hmac, randomToken, safeEqual } from '../auth/tokens.ts';
import type { Viewer } from '../auth/users.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { WriteWatch } from '../db/write-watch.ts';
import { AppError } from '../errors.ts';
import { isLanguage, LANGUAGE_CODES, negotiateLanguage, type Language } from '../i18n/languages.ts';
import { translator, type Translate } from '../i18n/translate.ts';
import type { Organisation, OrganisationRepository } from '../organisations/organisations.ts';
import { cityUrl, type CityAddress } from '../organisations/urls.ts';
import { RequestLogController } from '../logger.ts';
import {
  decodeUtf8Marked,
  EMAIL_FORMAT,
  isEmail,
  isStorableIsoDate,
  isStorableIsoDateTime,
  UNSTORABLE_TEXT_MESSAGE,
  unstorableTextPath,
  withStorableIntegers,
} from '../validation.ts';
import { answerClientError, frameworkError, registerErrorHandling, sendError } from './errors.ts';
import { registerPageCache } from './page-cache.ts';
import { registerSecurityHeaders } from './security-headers.ts';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    organisation: Organisation;
    viewer: Viewer | null;
    /** The session cookie's value, even when the session has expired (to tell "expired" from "never signed in"). */
    sessionToken: string | null;
    apiClient: { id: number; name: string; scopes: readonly ApiKeyScope[] } | null;
    lang: Language;
    t: Translate;
    csrfToken: string;
    /**
     * On a route with `config: { session: 'deferred' }`, when `viewer` was taken from the session
     * remembered by an earlier request instead of being read now: how the route confirms it. Null
     * when the viewer was read for this request (or there is none).
     */
    deferredSession: DeferredSession | null;
  }
  interface FastifyContextConfig {
    /** Set false on routes that authenticate by other means (signed webhooks). */
    csrf?: boolean;
    /**
     * 'deferred': the route confirms the session itself, in the statement that does its work
     * (`liveSessionSql`), so the platform may hand it the viewer it remembered from a recent request
     * without a database round trip. Only for a write whose every effect is guarded that way, and
     * that calls `deferredSession.confirm()` before anything else that depends on who the viewer is
     * (a refusal, a read, another write).
     */
    session?: 'deferred';
  }
  interface FastifyInstance {
    /** Every route registered on the app, in order (tests walk it to reach every route without listing them). */
    registeredRoutes: readonly RegisteredRoute[];
  }
}

/** A registered route as `registeredRoutes` lists it. */
export interface RegisteredRoute {
  method: string;
  url: string;
  /** Whether the route is an operation of the API document (its schema has tags and is not hidden). */
  documented: boolean;
}

/** A viewer remembered from a recent request, not yet confirmed for this one. */
export interface DeferredSession {
  /** The session's stored id (the hash of its cookie), for `liveSessionSql`. */
  id: string;
  /** Reads the session now: the viewer (also set on the request, with its language), or null when it has ended. */
  confirm(): Promise<Viewer | null>;
}

/**
 * Answers compressed when the client accepts it: text (HTML, CSS, JavaScript, CSV, plain text, XML, JSON and
 * their `+json`/`+xml` kinds such as GeoJSON and Atom, SVG) of at least 1 KB; the plugin adds the types mime-db
 * marks compressible. PNG, JPEG and other binary files are already compressed; smaller answers gain less than the
 * work costs. Brotli runs at quality 4 (the plugin's default), about as fast as gzip.
 */
const COMPRESSIBLE_TYPES =
  /^(?:text\/(?:html|css|csv|plain|xml|javascript|calendar)|application\/(?:json|javascript|xml|[\w.-]+\+(?:json|xml))|image\/svg\+xml)\s*(?:;|$)/i;
const COMPRESS_THRESHOLD_BYTES = 1024;

/** How long a session read for a deferred route is remembered, and how many are. */
const REMEMBERED_SESSION_MS = 60_000;
const REMEMBERED_SESSIONS = 20_000;

/**
 * Values computed from a cookie that are the same on every request carrying it: the CSRF token (an
 * HMAC, the dearest part of a request's set-up) and, for deferred routes, the viewer last read. Both
 * are bounded and simply emptied when full.
 */
class CookieMemory {
  private readonly csrf = new Map<string, string>();
  private readonly sessions = new Map<
    string,
    { organisationId: number; viewer: Viewer; sessionId: string; readAt: number }
  >();

  private readonly secret: string;

  constructor(secret: string) {
    this.secret = secret;
  }

  csrfToken(sessionOrAnonId: string): string {
    let token = this.csrf.get(sessionOrAnonId);
    if (token === undefined) {
      if (this.csrf.size >= REMEMBERED_SESSIONS) this.csrf.clear();
      token = csrfTokenFor(this.secret, sessionOrAnonId);
      this.csrf.set(sessionOrAnonId, token);
    }
    return token;
  }

  rememberedViewer(organisationId: number, sessionToken: string): { viewer: Viewer; sessionId: string } | undefined {
    const entry = this.sessions.get(sessionToken);
    if (!entry || entry.organisationId !== organisationId || Date.now() - entry.readAt > REMEMBERED_SESSION_MS)
      return undefined;
    return entry;
  }

  remember(organisationId: number, sessionToken: string, viewer: Viewer | null): void {
    if (!viewer) {
      this.sessions.delete(sessionToken);
      return;
    }
    if (this.sessions.size >= REMEMBERED_SESSIONS) this.sessions.clear();
    this.sessions.set(sessionToken, { organisationId, viewer, sessionId: hashToken(sessionToken), readAt: Date.now() });
  }
}

export const ANON_COOKIE = 'ic_anon';
export const LANGUAGE_COOKIE = 'ic_lang';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface HttpDependencies {
  config: Config;
  db: Db;
  log: Logger;
  organisations: OrganisationRepository;
  /** Writes through the database handle, which empty the page cache; none when absent (a bare app). */
  writes?: WriteWatch;
}

/** The expected CSRF token for a visitor: bound to their session, or to an anonymous cookie before sign-in. */
export function csrfTokenFor(secret: string, sessionOrAnonId: string): string {
  return hmac(secret, `csrf:${sessionOrAnonId}`);
}

const validatorPool = AjvCompiler();
const AJV_OPTIONS = { removeAdditional: false, allErrors: true, useDefaults: true } as const;

/**
 * Query strings, path parameters and headers arrive as text, so their values are coerced to the
 * schema's types (`?page=2` → 2). A JSON body is not: `{"name": 42}` where a text is expected is an
 * error, never quietly stored as "42".
 */
export function buildValidators(externalSchemas: unknown, options: { customOptions?: object } = {}) {
  // The platform's e-mail and date rules replace ajv-formats' own, so the API and the forms agree (and a
  // date is one PostgreSQL can store: no year 0, no year 275760).
  const onCreate = (ajv: { addFormat(name: string, check: (value: string) => boolean): unknown }) => {
    ajv.addFormat(EMAIL_FORMAT, isEmail);
    ajv.addFormat('date', isStorableIsoDate);
    ajv.addFormat('date-time', isStorableIsoDateTime);
  };
  const coercing = validatorPool(
    externalSchemas as never,
    { ...options, onCreate, customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' } } as never,
  );
  const strict = validatorPool(externalSchemas as never, {
    ...options,
    onCreate,
    customOptions: { ...AJV_OPTIONS, coerceTypes: false },
  });
  // Integers without bounds of their own are bounded to a PostgreSQL `integer` (withStorableIntegers).
  return (route: { httpPart?: string; schema?: unknown }) => {
    const bounded = { ...route, schema: withStorableIntegers(route.schema) };
    return route.httpPart === 'body' ? strict(bounded) : finiteOnly(coercing(bounded) as Validate);
  };
}

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

/** The path (`a`, `a.0`) of the first number in a value that is not finite, or undefined. */
function nonFinitePath(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : '';
  if (typeof value !== 'object' || value === null || depth > 8) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const inner = nonFinitePath(item, depth + 1);
    if (inner !== undefined) return inner === '' ? key : `${key}.${inner}`;
  }
  return undefined;
}

/**
 * Ajv coerces `1e309` or `Infinity` in a query string or path to Infinity and then skips its bound
 * checks (they apply to finite numbers only), so such a value passed as a valid integer. After a
 * coercing validator succeeds, a number that is not finite is refused as the type error it is.
 */
function finiteOnly(validate: Validate): Validate {
  const checked: Validate = (data) => {
    const valid = validate(data);
    const at = valid ? nonFinitePath(data) : undefined;
    checked.errors =
      at === undefined
        ? validate.errors
        : [
            {
              instancePath: `/${at.replace(/\./g, '/')}`,
              keyword: 'type',
              params: {},
              message: 'must be a finite number',
            },
          ];
    return valid && at === undefined;
  };
  return checked;
}

/**
 * Refuses text PostgreSQL cannot store (a NUL, an unpaired surrogate) wherever a request carries it
 * — path, query string, form fields, JSON — before any handler can hand it to the database: in the
 * path it names nothing (404), elsewhere it is bad input (400 naming the field).
 */
function refuseUnstorableText(request: FastifyRequest): void {
  if (unstorableTextPath(request.params) !== undefined) throw new AppError('NOT_FOUND');
  for (const [part, value] of [
    ['querystring', request.query],
    ['body', request.body],
  ] as const) {
    const path = unstorableTextPath(value);
    if (path === undefined) continue;
    const field = path === '' ? part : path;
    throw new AppError('VALIDATION_FAILED', `The request is not valid: ${field} ${UNSTORABLE_TEXT_MESSAGE}.`, {
      problems: [{ field, message: UNSTORABLE_TEXT_MESSAGE }],
    });
  }
}

/**
 * Builds the Fastify instance with everything every route relies on: request ids, the organisation
 * chosen by host name, the signed-in viewer, the language, CSRF protection, security headers and
 * one error format.
 */
export async function createHttpApp(deps: HttpDependencies): Promise<App> {
  const { config, db, organisations } = deps;
  // Widened on purpose: with pino's own Logger type Fastify would infer a logger-specific instance type
  // that routes and plugins typed against FastifyInstance do not accept.
  const loggerInstance: FastifyBaseLogger = deps.log;
  const app = Fastify({
    loggerInstance,
    // one line per request, written when the answer is sent
    logController: new RequestLogController(),
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    },
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: 1_048_576,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    schemaController: { compilersFactory: { buildValidator: buildValidators as never } },
    // Node's and the router's own refusals (headers too long, a broken percent-encoding, an overlong path
    // parameter) in the one error format.
    clientErrorHandler: answerClientError,
    frameworkErrors: (error, request, reply) => {
      void sendError(request, reply, frameworkError(error, request));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON bodies are read as UTF-8 with bytes that are not kept as unpaired surrogates (not as U+FFFD), so
  // that refuseUnstorableText refuses the field holding them.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) =>
    parseJson(request, decodeUtf8Marked(body as Buffer), done),
  );

  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { tags?: unknown; hide?: boolean } | undefined;
    const documented = Array.isArray(schema?.tags) && schema.hide !== true;
    for (const method of Array.isArray(route.method) ? route.method : [route.method])
      routes.push({ method, url: route.url, documented });
  });

  // Before any route: the plugin adds its hook to each route as it is declared.
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: COMPRESS_THRESHOLD_BYTES,
    customTypes: COMPRESSIBLE_TYPES,
    // requests are read as they come, as before: a compressed request body is not unpacked
    globalDecompression: false,
  });
  await app.register(cookie, { secret: config.secretKey });
  await app.register(formbody, { bodyLimit: 262_144 });

  app.decorateRequest('organisation', null as unknown as Organisation);
  app.decorateRequest('viewer', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('apiClient', null);
  app.decorateRequest('lang', 'en');
  app.decorateRequest('t', null as unknown as Translate);
  app.decorateRequest('csrfToken', '');
  app.decorateRequest('deferredSession', null);
  const memory = new CookieMemory(config.secretKey);
  const quotas = new ApiQuotas();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const organisation = await organisations.findForHost(request.hostname.split(':')[0] ?? '');
    if (!organisation) {
      reply.code(503).send({ error: { code: 'SERVICE_UNAVAILABLE', message: 'No city is configured yet.' } });
      return reply;
    }
    request.organisation = organisation;

    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      const key = await verifyApiKey(db, authorization.slice(7).trim());
      if (!key || key.organisationId !== organisation.id) {
        reply.code(401).send({ error: { code: 'INVALID_API_KEY', message: 'The API key is not valid.' } });
        return reply;
      }
      request.apiClient = { id: key.id, name: key.name, scopes: key.scopes };
      const quota = await quotas.take(db, organisation.id, key);
      reply.headers(quota.headers);
      if (!quota.allowed) {
        const refusal = new AppError('API_QUOTA_EXCEEDED', undefined, { retryAfterSeconds: quota.retryAfterSeconds });
        reply
          .code(429)
          .header('retry-after', String(quota.retryAfterSeconds))
          .send({ error: { code: refusal.code, message: refusal.message, details: refusal.details } });
        return reply;
      }
    }

    const sessionToken = request.cookies[SESSION_COOKIE];
    if (sessionToken) {
      request.sessionToken = sessionToken;
      const deferred = request.routeOptions.config.session === 'deferred';
      const remembered = deferred ? memory.rememberedViewer(organisation.id, sessionToken) : undefined;
      if (remembered) {
        request.viewer = remembered.viewer;
        request.deferredSession = {
          id: remembered.sessionId,
          confirm: async () => {
            request.deferredSession = null;
            request.viewer = (await findSessionViewer(db, organisation.id, sessionToken, config.sessionDays)) ?? null;
            memory.remember(organisation.id, sessionToken, request.viewer);
            request.lang = chooseLanguage(
              request.viewer,
              request.query,
              request.cookies[LANGUAGE_COOKIE],
              request.headers['accept-language'],
              organisation,
            );
            request.t = translator(request.lang);
            return request.viewer;
          },
        };
      } else {
        request.viewer = (await findSessionViewer(db, organisation.id, sessionToken, config.sessionDays)) ?? null;
        if (deferred) memory.remember(organisation.id, sessionToken, request.viewer);
      }
    }

    let anonId = request.cookies[ANON_COOKIE];
    if (!sessionToken && !anonId) {
      anonId = randomToken();
      reply.setCookie(ANON_COOKIE, anonId, cookieOptions(config, request));
    }
    request.csrfToken = memory.csrfToken(sessionToken ?? anonId ?? '');

    request.lang = chooseLanguage(
      request.viewer,
      request.query,
      request.cookies[LANGUAGE_COOKIE],
      request.headers['accept-language'],
      organisation,
    );
    request.t = translator(request.lang);
  });

  // After the hook above (it needs the city, viewer, language and token) and before the security headers.
  const pageCache = registerPageCache(app, {
    queryCookies: [ANON_COOKIE, LANGUAGE_COOKIE],
    storedCookies: [ANON_COOKIE],
  });
  const stopWatching = deps.writes?.onWrite(() => pageCache.invalidateAll());
  if (stopWatching)
    app.addHook('onClose', async () => {
      stopWatching();
    });

  // preHandler rather than preValidation: multipart fields reach the body in the upload plugin's preValidation.
  app.addHook('preHandler', async (request) => refuseUnstorableText(request));

  app.addHook('preHandler', async (request) => {
    // an address with no route answers 404 whatever the method, not "form expired"
    if (!UNSAFE_METHODS.has(request.method) || request.apiClient || request.is404) return;
    if (request.routeOptions.config.csrf === false) return;
    const body = request.body as Record<string, unknown> | undefined;
    const sent = request.headers['x-csrf-token'] ?? (body && typeof body === 'object' ? body._csrf : undefined);
    const cookieValue = request.cookies[SESSION_COOKIE] ?? request.cookies[ANON_COOKIE];
    // When the request carries a cookie, onRequest derived request.csrfToken from this same value
    // (the session cookie, else the anonymous one): compare with it instead of computing the HMAC again.
    if (typeof sent !== 'string' || !cookieValue || !safeEqual(sent, request.csrfToken)) {
      throw new AppError('CSRF_TOKEN_INVALID');
    }
  });

  registerSecurityHeaders(app, config);
  registerErrorHandling(app);
  return app;
}

/** The language order the city asked for: the account's, then `?lang=`, then the switcher's cookie, then the browser's. */
function chooseLanguage(
  viewer: Viewer | null,
  query: unknown,
  cookieLanguage: string | undefined,
  acceptLanguage: string | undefined,
  organisation: Organisation,
): Language {
  if (viewer?.language && isLanguage(viewer.language)) return viewer.language;
  const param = (query as Record<string, unknown> | undefined)?.lang;
  if (isLanguage(param)) return param;
  if (isLanguage(cookieLanguage)) return cookieLanguage;
  const negotiated = negotiateLanguage(acceptLanguage, LANGUAGE_CODES);
  if (negotiated) return negotiated;
  return isLanguage(organisation.defaultLanguage) ? organisation.defaultLanguage : 'en';
}

/**
 * TRUST_PROXY as Fastify takes it. A hop count becomes "believe the nearest N hops" (the peer and the
 * N - 1 addresses X-Forwarded-For names before it), as Express counts: Fastify itself trusts nothing for a
 * number, since the peer might not be a proxy — so with a count the server must be reachable only through
 * its proxies (README, Configuration).
 */
export function trustProxyOption(
  trust: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust;
}

/**
 * Cookie attributes used for every cookie the platform sets. `Secure` when the request came over HTTPS or
 * the city it is for is served over HTTPS (its own public URL, not only PUBLIC_URL: a second city behind
 * a TLS proxy gets secure cookies even when the default city is plain HTTP).
 */
export function cookieOptions(
  config: Config,
  request: { protocol: string; organisation: CityAddress },
  maxAgeSeconds?: number,
) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.protocol === 'https' || cityUrl(config, request.organisation).protocol === 'https:',
    ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
  };
}
