import { signRequest } from '@fedify/fedify';
import { FetchError, preloadedContexts, type DocumentLoader, type RemoteDocument } from '@fedify/vocab-runtime';
import type { AppContext } from '../../platform/context.ts';

const ACCEPT =
  'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams", application/json;q=0.5';
/** A remote actor or note larger than this is refused. */
const MAX_DOCUMENT_BYTES = 1_000_000;
const MAX_HOPS = 5;

/**
 * Fedify's document loader through the platform's outbound guard (`ctx.outbound`): every remote actor,
 * key and note is fetched from a public address only (unless OUTBOUND_ALLOW_HOSTS allows a local one),
 * each redirect checked again, the answer's size bounded. With an identity the GET is signed (servers in
 * Mastodon's secure mode answer only signed fetches).
 */
export function outboundDocumentLoader(
  ctx: AppContext,
  identity?: { keyId: URL; privateKey: CryptoKey },
): DocumentLoader {
  return async (url, options): Promise<RemoteDocument> => {
    // the JSON-LD contexts every server uses come with Fedify: never fetched
    const preloaded = preloadedContexts[url];
    if (preloaded !== undefined) return { contextUrl: null, documentUrl: url, document: preloaded };
    let current = new URL(url);
    for (let hop = 0; hop <= MAX_HOPS; hop += 1) {
      const headers: Record<string, string> = { accept: ACCEPT };
      if (identity) {
        const signed = await signRequest(
          new Request(current, { headers: { accept: ACCEPT } }),
          identity.privateKey,
          identity.keyId,
        );
        signed.headers.forEach((value, name) => {
          headers[name] = value;
        });
      }
      let response: Response;
      try {
        response = await ctx.outbound.fetch(current, {
          headers,
          redirect: 'manual',
          maxBytes: MAX_DOCUMENT_BYTES,
          timeoutMs: 15_000,
          ...(options?.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        throw new FetchError(current, error instanceof Error ? error.message : 'unreachable');
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current);
        continue;
      }
      if (!response.ok) throw new FetchError(current, `HTTP ${response.status}`, response);
      let document: unknown;
      try {
        document = JSON.parse(await response.text()) as unknown;
      } catch {
        throw new FetchError(current, 'not JSON');
      }
      return { contextUrl: null, documentUrl: current.href, document };
    }
    throw new FetchError(current, 'too many redirects');
  };
}
