import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Organisation } from '../organisations/organisations.ts';

const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Headers on every response: a strict Content-Security-Policy (scripts and styles only from this
 * site; map tiles from the configured tile host), no MIME sniffing, no framing, no referrer leak.
 * JSON answers get the shortest policy that forbids everything, and none of the headers that only
 * documents use.
 */
export function registerSecurityHeaders(app: FastifyInstance, config: Config): void {
  const policies = new Map<string, string>();
  /** The policy of a page whose map shows tiles from `tileUrl` (the city's own, else MAP_TILE_URL): that host only. */
  const policyFor = (tileUrl: string | undefined): string => {
    const key = tileUrl ?? '';
    let policy = policies.get(key);
    if (policy === undefined) {
      policy = documentPolicy(tileUrl ? tileSource(tileUrl) : '');
      if (policies.size > 1000) policies.clear();
      policies.set(key, policy);
    }
    return policy;
  };
  app.addHook('onSend', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    if (type.startsWith('application/json')) {
      // An API answer is never a document: nothing may load from it or frame it (OWASP's REST headers).
      reply.header('content-security-policy', API_CSP);
    } else {
      reply.header('referrer-policy', 'strict-origin-when-cross-origin');
      reply.header('cross-origin-opener-policy', 'same-origin');
      // request.organisation is unset when no city answers (503) or before the host was resolved
      const tiles = (request.organisation as Organisation | null)?.tiles;
      reply.header('content-security-policy', policyFor(tiles ? tiles.tileUrl : config.map.tileUrl));
    }
    if (request.protocol === 'https' || config.publicUrl.protocol === 'https:') {
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    }
    if (type.startsWith('text/html') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

/** The Content-Security-Policy of a document whose images may come from `tileOrigin` besides this site. */
function documentPolicy(tileOrigin: string): string {
  return [
    "default-src 'self'",
    `img-src 'self' data: blob: ${tileOrigin}`.trim(),
    "style-src 'self'",
    "script-src 'self'",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The CSP source of a tile URL template: its origin (`https://tiles.example:8443`), with the `{s}` label as a
 * wildcard (`https://*.tile.example`) when the provider spreads tiles over sub-domains; '' when it has none.
 */
export function tileSource(tileUrl: string): string {
  try {
    const url = new URL(tileUrl.replace(/\{s\}/g, 'tile-subdomain').replace(/\{-?[a-z]\}/g, '0'));
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return '';
    const host = url.host.replace(/^tile-subdomain\./, '*.');
    return host.includes('tile-subdomain') ? '' : `${url.protocol}//${host}`;
  } catch {
    return '';
  }
}
