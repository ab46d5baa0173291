import { createHash } from 'node:crypto';
import { constants as zlib, crc32, deflateRawSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The page cache: what every anonymous visitor sees, rendered once per few seconds instead of once per
 * request, so that a spike of visitors (a link shared widely, a storm, a vote closing) costs little.
 *
 * What is cached: a GET answer of 200 to a visitor who is not signed in (no session cookie, no API key, no
 * cookie but the anonymous one and the language switch's), without a query string other than `lang=`, that
 * is either a page `renderPage` rendered as public (not `noIndex`, no Cache-Control of its own) or a feed or
 * other text answer its route declared `public` in Cache-Control. The key is the city, scheme, host,
 * language and URL, so cities and languages never share an entry.
 *
 * A cached page never carries another visitor's data: signed-in visitors, flash notices and any other
 * cookie bypass the cache; every occurrence of the visitor's CSRF token is cut out of the stored body and
 * the reader's own token put back in its place on every hit (the language switch and any form stay valid
 * for them), and an answer that sets a cookie other than the anonymous one is never stored.
 *
 * Freshness: an entry lives `ttlMs` (5 s). Any statement sent through this process's database handle that
 * changes rows of a table other than book-keeping ones (`db/write-watch.ts`: sessions, rate limits, jobs,
 * mail, queues) makes every entry stale, whoever sent it (a use case, a job, a command run in the process);
 * a write request (POST, PUT, PATCH, DELETE) makes its city's entries stale once answered, after its
 * transaction committed. So a resident sees their new report at once. A write by another server process
 * (or hidden in a database function, or a race between a render and a transaction still open) shows within
 * the TTL: nothing is shared between processes, so several processes stay correct within that bound.
 *
 * Pages and feeds carry a weak ETag (from the stored body and the reader's token, so it changes with
 * either); If-None-Match with it answers 304. Public pages say `private, no-cache` (a browser may keep
 * them but asks again; shared caches may not keep them, as they carry the visitor's token). Hits are sent
 * gzip-compressed from bytes compressed once when stored: the token travels in a stored deflate block
 * spliced between the compressed pieces, so a hit costs a CRC over the page and no compression.
 */

export const PAGE_CACHE_TTL_MS = 5000;
const MAX_ENTRIES = 1000;
const MAX_BODY_CHARS = 1_000_000;
/** How long a request waits for the same page another request is rendering, before rendering it itself. */
const COALESCE_WAIT_MS = 3000;
const ALLOWED_QUERY = new Set(['lang']);
const HTML = /^text\/html\b/i;
/** Text answers a route may declare public: feeds (RSS, Atom, JSON Feed), iCalendar, GeoJSON, XML, CSV. */
const PUBLIC_TEXT = /^(?:text\/(?:xml|calendar|csv|plain)|application\/(?:xml|json|[\w.-]+\+(?:json|xml)))\s*(?:;|$)/i;
const PAGE_CACHE_CONTROL = 'private, no-cache';
const PAGE_VARY = 'Cookie, Accept-Language';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Entry {
  /** The stored body cut at every occurrence of the token it was rendered with (one part when none). */
  parts: string[];
  /** The parts as UTF-8 bytes, and each compressed alone (raw deflate ending on a byte boundary). */
  bytes: Buffer[];
  deflated: Buffer[] | null;
  hash: string;
  type: string;
  language: string | undefined;
  cacheControl: string;
  vary: string | undefined;
  version: string;
  expires: number;
}

interface RequestState {
  key: string;
  version: string;
  hit: boolean;
  settle: ((entry: Entry | undefined) => void) | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `renderPage` for a page that may be shown to any anonymous visitor (not `noIndex`). */
    publicPage: boolean;
    pageCacheState: RequestState | null;
  }
  interface FastifyInstance {
    pageCache: PageCache;
  }
}

/** The entries of one process, and a version per city that a write bumps. */
export class PageCache {
  ttlMs = PAGE_CACHE_TTL_MS;
  readonly stats = { hits: 0, misses: 0, stored: 0 };
  readonly #entries = new Map<string, Entry>();
  readonly #versions = new Map<number, number>();
  /** Bumped by any write through this process's database handle, whatever city it concerns. */
  #everything = 0;
  readonly #pending = new Map<string, Promise<Entry | undefined>>();
  /** Keys whose last answer could not be stored (a private page, a redirect, a 404), until when. */
  readonly #uncacheable = new Map<string, number>();

  version(organisationId: number): string {
    return `${this.#everything}.${this.#versions.get(organisationId) ?? 0}`;
  }

  /** Makes every entry of the city stale (after a request that writes). */
  invalidate(organisationId: number): void {
    this.#versions.set(organisationId, (this.#versions.get(organisationId) ?? 0) + 1);
  }

  /** Makes every entry stale (a statement wrote a table). */
  invalidateAll(): void {
    this.#everything++;
  }

  clear(): void {
    this.#entries.clear();
    this.#uncacheable.clear();
  }

  /** Requests for `key` neither wait for one another nor fill the cache for a TTL (its answer is not stored). */
  markUncacheable(key: string): void {
    if (this.#uncacheable.size >= MAX_ENTRIES) this.#uncacheable.clear();
    this.#uncacheable.set(key, Date.now() + this.ttlMs);
  }

  uncacheable(key: string): boolean {
    const until = this.#uncacheable.get(key);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.#uncacheable.delete(key);
    return false;
  }

  fresh(key: string, version: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.version === version && entry.expires > Date.now()) return entry;
    this.#entries.delete(key);
    return undefined;
  }

  store(key: string, entry: Entry): void {
    if (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.stats.stored++;
  }

  /** The render of `key` under way in another request, if any; else marks this request as rendering it. */
  claim(key: string): { wait: Promise<Entry | undefined> } | { settle: (entry: Entry | undefined) => void } {
    const pending = this.#pending.get(key);
    if (pending) return { wait: pending };
    let settle: (entry: Entry | undefined) => void = () => {};
    const promise = new Promise<Entry | undefined>((resolve) => {
      settle = (entry) => {
        if (this.#pending.get(key) === promise) this.#pending.delete(key);
        resolve(entry);
      };
    });
    this.#pending.set(key, promise);
    return { settle };
  }
}

/** Whether If-None-Match names this tag (or `*`), compared weakly as RFC 9110 asks for GET. */
function matchesIfNoneMatch(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = tag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}

/** The cache key of a request, or null when the request may not be answered from (or fill) the cache. */
function cacheKey(request: FastifyRequest, allowedCookies: ReadonlySet<string>): string | null {
  if (request.method !== 'GET' || request.viewer || request.sessionToken || request.apiClient) return null;
  if (request.headers.authorization) return null;
  for (const name of Object.keys(request.cookies)) if (!allowedCookies.has(name)) return null;
  const url = request.url;
  if (url.startsWith('/api/') || url.startsWith('/assets/')) return null;
  const question = url.indexOf('?');
  if (question >= 0) {
    for (const name of new URLSearchParams(url.slice(question + 1)).keys()) if (!ALLOWED_QUERY.has(name)) return null;
  }
  return `${request.organisation.id} ${request.protocol} ${request.hostname} ${request.lang} ${url}`;
}

function hashOf(text: string): string {
  return createHash('sha1').update(text).digest('base64url').slice(0, 22);
}

/** The ETag a reader gets: the stored body's hash, with their token when the body carries one. */
function tagFor(entry: Entry, token: string): string {
  return entry.parts.length > 1 ? `W/"${hashOf(`${entry.hash}:${token}`)}"` : `W/"${entry.hash}"`;
}

function buildEntry(
  body: string,
  token: string,
  reply: FastifyReply,
  version: string,
  ttlMs: number,
  cacheControl: string,
): Entry {
  const parts = token ? body.split(token) : [body];
  const bytes = parts.map((part) => Buffer.from(part, 'utf8'));
  const deflated =
    body.length >= 1024
      ? bytes.map((part, index) =>
          deflateRawSync(part, {
            level: 6,
            finishFlush: index === bytes.length - 1 ? zlib.Z_FINISH : zlib.Z_SYNC_FLUSH,
          }),
        )
      : null;
  const language = reply.getHeader('content-language');
  const vary = reply.getHeader('vary');
  return {
    parts,
    bytes,
    deflated,
    hash: hashOf(parts.join('\u0000')),
    type: String(reply.getHeader('content-type')),
    language: typeof language === 'string' ? language : undefined,
    cacheControl,
    vary: typeof vary === 'string' ? vary : undefined,
    version,
    expires: Date.now() + ttlMs,
  };
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/**
 * The gzip member of the entry's body with `token` between its parts: the parts compressed when stored,
 * the token in stored (uncompressed) deflate blocks, and the CRC and length of the whole.
 */
function gzipWithToken(entry: Entry, token: string): Buffer {
  const deflated = entry.deflated as Buffer[];
  const tokenBytes = Buffer.from(token, 'latin1');
  const stored = Buffer.alloc(5 + tokenBytes.length);
  // BFINAL 0, BTYPE 00 (stored), then LEN and its one's complement, then the bytes
  stored.writeUInt8(0, 0);
  stored.writeUInt16LE(tokenBytes.length, 1);
  stored.writeUInt16LE(~tokenBytes.length & 0xffff, 3);
  tokenBytes.copy(stored, 5);
  const pieces: Buffer[] = [GZIP_HEADER];
  let crc = 0;
  let size = 0;
  entry.bytes.forEach((part, index) => {
    if (index > 0) {
      pieces.push(stored);
      crc = crc32(tokenBytes, crc);
      size += tokenBytes.length;
    }
    pieces.push(deflated[index] as Buffer);
    crc = crc32(part, crc);
    size += part.length;
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  pieces.push(trailer);
  return Buffer.concat(pieces);
}

/** Whether the client takes gzip (listed, and not with q=0). */
function acceptsGzip(header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  return header.split(',').some((item) => {
    const [name, ...params] = item.trim().split(';');
    if (name?.trim().toLowerCase() !== 'gzip' && name?.trim() !== '*') return false;
    return !params.some((param) => /^\s*q\s*=\s*0(?:\.0*)?\s*$/i.test(param));
  });
}

function serve(request: FastifyRequest, reply: FastifyReply, entry: Entry): FastifyReply {
  const token = request.csrfToken;
  const tag = tagFor(entry, token);
  reply.header('etag', tag).header('cache-control', entry.cacheControl);
  if (entry.vary) reply.header('vary', entry.vary);
  if (entry.language) reply.header('content-language', entry.language);
  if (matchesIfNoneMatch(request.headers['if-none-match'], tag)) return reply.code(304).send();
  reply.type(entry.type);
  if (entry.deflated && acceptsGzip(request.headers['accept-encoding'])) {
    reply.header('content-encoding', 'gzip').header('vary', `${entry.vary ? `${entry.vary}, ` : ''}Accept-Encoding`);
    return reply.send(gzipWithToken(entry, token));
  }
  return reply.send(entry.parts.length > 1 ? entry.parts.join(token) : entry.parts[0]);
}

/** Names of the cookies whose every value the set-cookie header of an answer may carry and still be stored. */
function setsOnlyAllowedCookies(reply: FastifyReply, allowed: ReadonlySet<string>): boolean {
  const header = reply.getHeader('set-cookie');
  if (header === undefined) return true;
  const list = Array.isArray(header) ? header : [String(header)];
  return list.every((cookie) => allowed.has(cookie.split('=')[0]?.trim() ?? ''));
}

/**
 * Registers the cache: its look-up runs as an onRequest hook, so call this after the hook that sets the
 * city, viewer, language and CSRF token; its onSend hook must run before the security headers' (which set
 * `no-store` on HTML without a Cache-Control of its own).
 */
export function registerPageCache(
  app: FastifyInstance,
  options: { queryCookies: readonly string[]; storedCookies: readonly string[] },
): PageCache {
  const cache = new PageCache();
  const allowedCookies = new Set(options.queryCookies);
  const storedCookies = new Set(options.storedCookies);
  app.decorate('pageCache', cache);
  app.decorateRequest('publicPage', false);
  app.decorateRequest('pageCacheState', null);

  app.addHook('onRequest', async (request, reply) => {
    const key = cacheKey(request, allowedCookies);
    if (key === null || cache.uncacheable(key)) return;
    const version = cache.version(request.organisation.id);
    let entry = cache.fresh(key, version);
    if (!entry) {
      const claim = cache.claim(key);
      if ('settle' in claim) {
        cache.stats.misses++;
        request.pageCacheState = { key, version, hit: false, settle: claim.settle };
        return;
      }
      let timer: Parameters<typeof clearTimeout>[0];
      const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, COALESCE_WAIT_MS)));
      entry = await Promise.race([claim.wait, timeout]);
      clearTimeout(timer);
      if (!entry || entry.version !== cache.version(request.organisation.id)) {
        cache.stats.misses++;
        request.pageCacheState = { key, version, hit: false, settle: null };
        return;
      }
    }
    cache.stats.hits++;
    request.pageCacheState = { key, version, hit: true, settle: null };
    return serve(request, reply, entry);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const state = request.pageCacheState;
    if (state?.hit) return payload;
    let entry: Entry | undefined;
    try {
      if (request.method !== 'GET' || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
      if (payload.length > MAX_BODY_CHARS) return payload;
      const type = String(reply.getHeader('content-type') ?? '');
      const ownCacheControl = reply.getHeader('cache-control');
      let cacheControl: string;
      if (HTML.test(type)) {
        if (!request.publicPage || ownCacheControl !== undefined || !state) return payload;
        if (!setsOnlyAllowedCookies(reply, storedCookies)) return payload;
        cacheControl = PAGE_CACHE_CONTROL;
        reply.header('cache-control', cacheControl).header('vary', PAGE_VARY);
      } else if (
        PUBLIC_TEXT.test(type) &&
        !request.url.startsWith('/api/') &&
        /\bpublic\b/.test(String(ownCacheControl ?? ''))
      ) {
        cacheControl = String(ownCacheControl);
      } else return payload;

      const token = HTML.test(type) ? request.csrfToken : '';
      if (state && setsOnlyAllowedCookies(reply, storedCookies)) {
        entry = buildEntry(payload, token, reply, state.version, cache.ttlMs, cacheControl);
        cache.store(state.key, entry);
      }
      const tag = entry
        ? tagFor(entry, request.csrfToken)
        : `W/"${hashOf(token ? payload.split(token).join('\u0000') : payload)}"`;
      reply.header('etag', tag);
      if (!matchesIfNoneMatch(request.headers['if-none-match'], tag)) return payload;
      reply.code(304).removeHeader('content-type').removeHeader('content-length');
      return '';
    } finally {
      if (state && !state.hit && !entry) cache.markUncacheable(state.key);
      state?.settle?.(entry);
      if (state) state.settle = null;
    }
  });

  // An answer that never reaches onSend (an error thrown, the client gone) still lets the waiting requests go.
  app.addHook('onResponse', async (request) => {
    const state = request.pageCacheState;
    state?.settle?.(undefined);
    if (state) state.settle = null;
    // a write, whatever its outcome (a failed one rarely changed anything; dropping the city's pages is cheap)
    // (no city when none is configured yet: the request was refused before one was set)
    const organisation = request.organisation as { id: number } | null;
    if (UNSAFE_METHODS.has(request.method) && organisation) cache.invalidate(organisation.id);
  });
  app.addHook('onRequestAbort', async (request) => {
    request.pageCacheState?.settle?.(undefined);
  });
  return cache;
}
