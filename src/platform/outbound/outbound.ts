import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { Logger } from 'pino';
import { normaliseHost, refusedRange } from './addresses.ts';

/**
 * The one door through which the server contacts hosts that someone other than the operator named:
 * feed addresses, Mastodon instances, IMAP and SMTP servers of e-mail channels, Graph and Telegram API
 * bases, webhook reply addresses. A city administrator must not be able to make the server reach into
 * the network it runs in (server-side request forgery), so every host is resolved, every address it
 * resolves to is checked (addresses.ts), and the connection is made to the address that was checked,
 * never looked up again (a name whose DNS answer changes in between cannot slip through). Redirects are
 * followed by hand and each target is checked the same way. Hosts the operator names in
 * OUTBOUND_ALLOW_HOSTS are reached even on private addresses (an IMAP server in the city's network).
 *
 * Every failure to connect or to get an answer — refused, timed out, reset, not the expected protocol,
 * a TLS certificate not accepted, a name that does not resolve — is one error with one message, so the
 * result of a channel check does not tell an open port from a closed one. The operator finds the real
 * cause in the server's log.
 */

export type OutboundCode =
  | 'OUTBOUND_ADDRESS_REFUSED'
  | 'OUTBOUND_UNREACHABLE'
  | 'OUTBOUND_URL_INVALID'
  | 'OUTBOUND_TOO_MANY_REDIRECTS'
  | 'OUTBOUND_RESPONSE_TOO_LARGE';

/** The messages of the codes; the refusal names the host it was given, nothing else varies. */
const MESSAGES: Record<Exclude<OutboundCode, 'OUTBOUND_ADDRESS_REFUSED'>, string> = {
  OUTBOUND_UNREACHABLE: 'the server could not be reached or did not answer as expected',
  OUTBOUND_URL_INVALID: 'the address is not an http(s) address or host name the server can contact',
  OUTBOUND_TOO_MANY_REDIRECTS: 'the address redirects too many times',
  OUTBOUND_RESPONSE_TOO_LARGE: 'the answer is larger than the server accepts',
};

/** A refused or failed outbound connection, with a stable code at the start of its message. */
export class OutboundError extends Error {
  readonly code: OutboundCode;
  /** Whether trying again later can help: only when the server could not be reached. */
  readonly retryable: boolean;
  constructor(code: OutboundCode, message: string, options: { cause?: unknown } = {}) {
    super(`${code}: ${message}`, { cause: options.cause });
    this.name = 'OutboundError';
    this.code = code;
    this.retryable = code === 'OUTBOUND_UNREACHABLE';
  }
}

function failure(code: Exclude<OutboundCode, 'OUTBOUND_ADDRESS_REFUSED'>, cause?: unknown): OutboundError {
  return new OutboundError(code, MESSAGES[code], { cause });
}

/** A host (name or IP address) the operator allows on any address, on one port or on all. */
export interface AllowEntry {
  host: string;
  port?: number;
}

/**
 * Reads OUTBOUND_ALLOW_HOSTS: host names or IP addresses, each optionally with a port
 * (`imap.city.local, 127.0.0.1:1143, [fd00::5]:993`), separated by commas or spaces.
 */
export function parseAllowList(text: string): { ok: true; entries: AllowEntry[] } | { ok: false; problems: string[] } {
  const entries: AllowEntry[] = [];
  const problems: string[] = [];
  for (const item of text.split(/[\s,]+/).filter(Boolean)) {
    const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(item) ?? /^([^:]+)(?::(\d+))?$/.exec(item);
    const [hostText, portText] = match ? [match[1] ?? '', match[2]] : [item, undefined];
    const host = normaliseHost(hostText);
    const port = portText === undefined ? undefined : Number(portText);
    if (host === undefined || (port !== undefined && (port < 1 || port > 65535)))
      problems.push(`"${item}" is not a host name or IP address with an optional port (1 to 65535)`);
    else entries.push(port === undefined ? { host } : { host, port });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, entries };
}

/** Looks a name up to all its addresses (dns.lookup by default; tests give their own). */
export type ResolveAll = (name: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolve: ResolveAll = (name) => lookup(name, { all: true, order: 'verbatim' });

/** A checked destination: connect to one of `addresses`, speaking to `servername` for TLS. */
export interface Destination {
  /** The host as given, normalised (lower case, IPv4 forms written as a.b.c.d, IPv6 without brackets). */
  host: string;
  port: number;
  /** Every address the host resolved to, all allowed; the first is the one to connect to. */
  addresses: Array<{ address: string; family: 4 | 6 }>;
  /** The name for TLS (SNI and the certificate check); absent when the host is an IP address. */
  servername?: string;
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Text, or bytes (a multipart upload of a picture). */
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** The whole exchange, redirects included (default 30 s). */
  timeoutMs?: number;
  /** At most this many redirects are followed (default 5); 'manual' answers the redirect itself. */
  redirect?: 'follow' | 'manual';
  maxRedirects?: number;
  /** The largest answer body, decoded (default 10 MB): more is OUTBOUND_RESPONSE_TOO_LARGE. */
  maxBytes?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

export class Outbound {
  readonly #allow: readonly AllowEntry[];
  readonly #resolve: ResolveAll;
  readonly #log: Logger | undefined;

  constructor(options: { allow?: readonly AllowEntry[]; resolve?: ResolveAll; log?: Logger } = {}) {
    this.#allow = options.allow ?? [];
    this.#resolve = options.resolve ?? systemResolve;
    this.#log = options.log;
  }

  #allowed(host: string, address: string, port: number): boolean {
    const plain = normaliseHost(address) ?? address;
    return this.#allow.some(
      (entry) => (entry.host === host || entry.host === plain) && (entry.port === undefined || entry.port === port),
    );
  }

  /**
   * Resolves a host and checks every address it resolves to. Answers the destination to connect to,
   * or throws OUTBOUND_ADDRESS_REFUSED (an address that is not public and not allowed),
   * OUTBOUND_UNREACHABLE (the name does not resolve) or OUTBOUND_URL_INVALID (not a host).
   */
  async destination(host: string, port: number): Promise<Destination> {
    const name = normaliseHost(host);
    if (name === undefined || !Number.isInteger(port) || port < 1 || port > 65535)
      throw failure('OUTBOUND_URL_INVALID');
    const literal = isIP(name);
    let found: Array<{ address: string; family: number }>;
    if (literal !== 0) found = [{ address: name, family: literal }];
    else {
      try {
        found = await this.#resolve(name);
      } catch (error) {
        throw this.unreachable(error, name, port);
      }
      if (found.length === 0) throw this.unreachable(new Error('no address'), name, port);
    }
    for (const { address } of found) {
      if (this.#allowed(name, address, port)) continue;
      const range = refusedRange(address);
      if (range === undefined) continue;
      this.#log?.info({ host: name, port, range }, 'outbound connection refused: the address is not public');
      throw new OutboundError(
        'OUTBOUND_ADDRESS_REFUSED',
        `${name} is not contacted: it is or resolves to a loopback, private, link-local or reserved address (the operator can allow a host in OUTBOUND_ALLOW_HOSTS)`,
      );
    }
    return {
      host: name,
      port,
      addresses: found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 })),
      ...(literal === 0 ? { servername: name } : {}),
    };
  }

  /**
   * The one answer for every failure to reach a checked destination (for the IMAP and SMTP clients,
   * which connect themselves); the real cause goes to the server's log, for the operator.
   */
  unreachable(cause: unknown, host: string, port: number): OutboundError {
    if (cause instanceof OutboundError) return cause;
    this.#log?.info({ host, port, cause: describeCause(cause) }, 'outbound connection failed');
    return failure('OUTBOUND_UNREACHABLE', cause);
  }

  /**
   * Fetches an http(s) address like `fetch`, through the checks: each hop of a redirect is resolved
   * and checked again, the connection goes to the checked address, and the whole answer is read
   * (at most `maxBytes`) before the Response is returned, so reading it cannot fail afterwards.
   * Authorization and Cookie headers are not sent on to another origin.
   */
  async fetch(input: string | URL, request: OutboundRequest = {}): Promise<Response> {
    let url = httpUrl(input);
    let method = (request.method ?? 'GET').toUpperCase();
    let body = request.body;
    const headers: Record<string, string> = {
      'user-agent': 'InteractiveCity/1',
      'accept-encoding': 'gzip, deflate, br',
    };
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    const timeout = AbortSignal.timeout(request.timeoutMs ?? 30_000);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const maxBytes = request.maxBytes ?? 10 * 1024 * 1024;
    for (let hop = 0; ; hop += 1) {
      const destination = await this.destination(url.hostname, Number(url.port) || defaultPort(url));
      let response: Response;
      try {
        signal.throwIfAborted();
        response = await send(url, destination, { method, headers, body }, signal, maxBytes);
      } catch (error) {
        throw this.unreachable(error, destination.host, destination.port);
      }
      const location = response.headers.get('location');
      if (request.redirect === 'manual' || !REDIRECT_STATUSES.has(response.status) || location === null)
        return response;
      if (hop >= (request.maxRedirects ?? 5)) throw failure('OUTBOUND_TOO_MANY_REDIRECTS');
      let next: URL;
      try {
        next = httpUrl(new URL(location, url));
      } catch (error) {
        throw error instanceof OutboundError ? error : failure('OUTBOUND_URL_INVALID', error);
      }
      if ((response.status === 303 && method !== 'HEAD') || (response.status <= 302 && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      if (next.origin !== url.origin) {
        delete headers.authorization;
        delete headers.cookie;
      }
      url = next;
    }
  }
}

/** An http(s) URL without credentials in it, or OUTBOUND_URL_INVALID. */
function httpUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch (error) {
    throw failure('OUTBOUND_URL_INVALID', error);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '')
    throw failure('OUTBOUND_URL_INVALID');
  return url;
}

function defaultPort(url: URL): number {
  return url.protocol === 'https:' ? 443 : 80;
}

/** A lookup that answers the destination's checked addresses whatever name the socket asks for. */
function pinnedLookup(destination: Destination): LookupFunction {
  return (_name, options, callback) => {
    const wanted = destination.addresses.filter((entry) => !options.family || entry.family === options.family);
    const addresses = wanted.length > 0 ? wanted : destination.addresses;
    const first = addresses[0];
    if (options.all) callback(null, addresses);
    else if (first) callback(null, first.address, first.family);
    else callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 0);
  };
}

/** One request and its whole answer, decoded; any failure rejects (the caller turns it into one error). */
function send(
  url: URL,
  destination: Destination,
  request: { method: string; headers: Record<string, string>; body: string | Uint8Array | undefined },
  signal: AbortSignal,
  maxBytes: number,
): Promise<Response> {
  const client = url.protocol === 'https:' ? https : http;
  const headers = { ...request.headers };
  if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
  return new Promise<Response>((resolve, reject) => {
    const outgoing = client.request(
      url,
      {
        method: request.method,
        headers,
        agent: false,
        lookup: pinnedLookup(destination),
        ...(destination.servername ? { servername: destination.servername } : {}),
      },
      (incoming) => {
        // once the answer has begun, a failure is settled here: destroying the request may not report it
        const fail = (error: Error) => {
          reject(error);
          outgoing.destroy();
        };
        const status = incoming.statusCode ?? 0;
        if (status < 200 || status > 599) {
          fail(new Error(`status ${status}`));
          return;
        }
        if (Number(incoming.headers['content-length']) > maxBytes) {
          fail(failure('OUTBOUND_RESPONSE_TOO_LARGE'));
          return;
        }
        const answer = new Headers();
        for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) {
          try {
            answer.append(incoming.rawHeaders[i] ?? '', incoming.rawHeaders[i + 1] ?? '');
          } catch {
            // a header value fetch would refuse is left out
          }
        }
        if (request.method === 'HEAD' || NULL_BODY_STATUSES.has(status)) {
          incoming.resume();
          resolve(new Response(null, { status, statusText: incoming.statusMessage ?? '', headers: answer }));
          return;
        }
        const decoded = decode(incoming, incoming.headers['content-encoding']);
        const chunks: Buffer[] = [];
        let size = 0;
        decoded.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) fail(failure('OUTBOUND_RESPONSE_TOO_LARGE'));
          else chunks.push(chunk);
        });
        decoded.on('error', fail);
        incoming.on('error', fail);
        incoming.on('close', () => {
          if (!incoming.complete) fail(new Error('the answer was cut off'));
        });
        decoded.on('end', () => {
          if (size > maxBytes) return;
          const body = new Uint8Array(Buffer.concat(chunks));
          resolve(new Response(body, { status, statusText: incoming.statusMessage ?? '', headers: answer }));
        });
      },
    );
    const abort = () => outgoing.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', abort, { once: true });
    outgoing.on('close', () => signal.removeEventListener('abort', abort));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** The body stream decoded by its Content-Encoding (gzip, deflate, br), or as it is. */
function decode(stream: Readable, encoding: string | undefined): Readable {
  const name = encoding?.trim().toLowerCase();
  if (name === 'gzip' || name === 'x-gzip') return stream.pipe(zlib.createGunzip());
  if (name === 'deflate') return stream.pipe(zlib.createInflate());
  if (name === 'br') return stream.pipe(zlib.createBrotliDecompress());
  return stream;
}

/** What went wrong, for the log: an error's code (ECONNREFUSED, CERT_HAS_EXPIRED…) or name and message. */
function describeCause(cause: unknown): string {
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string')
    return cause.code;
  return cause instanceof Error ? `${cause.name}: ${cause.message}`.slice(0, 200) : String(cause).slice(0, 200);
}
