import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateCryptoKeyPair, signRequest, verifyRequest } from '@fedify/fedify';
import { exportSpki, getDocumentLoader } from '@fedify/vocab-runtime';

const FIXTURES = new URL('./fixtures/', import.meta.url);

/** A fixture's text with its placeholders filled. */
export function fixture(name: string, values: Record<string, string>): string {
  let text = readFileSync(new URL(name, FIXTURES), 'utf8');
  for (const [key, value] of Object.entries(values)) text = text.replaceAll(`{{${key}}}`, value);
  return text;
}

export interface Received {
  path: string;
  activity: Record<string, unknown>;
  /** Whether the HTTP signature checked out against the sender's published key. */
  verified: boolean;
  keyId: string | null;
}

/**
 * A remote Mastodon server, as far as the city's actors meet one: it serves @alice's actor document (the
 * recorded Mastodon shape) and WebFinger, receives deliveries in her inbox and the shared inbox (checking each
 * HTTP signature with Fedify against the key the sender publishes), and signs what it sends with her RSA
 * key, as Mastodon does (draft-cavage HTTP signatures with a Digest).
 */
export async function startFakeMastodon() {
  const keys = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
  const publicKeyPem = (await exportSpki(keys.publicKey)).replace(/\n/g, '\\n');
  const received: Received[] = [];
  const loader = getDocumentLoader({ allowPrivateAddress: true });
  const state = { gone: false, origin: '' };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const url = new URL(request.url ?? '/', state.origin);
        if (request.method === 'GET' && url.pathname === '/users/alice') {
          if (state.gone) {
            response.writeHead(410).end();
            return;
          }
          response.writeHead(200, { 'content-type': 'application/activity+json; charset=utf-8' });
          response.end(fixture('mastodon-actor.json', { origin: state.origin, publicKeyPem }));
          return;
        }
        if (request.method === 'GET' && url.pathname === '/.well-known/webfinger') {
          response.writeHead(200, { 'content-type': 'application/jrd+json' });
          response.end(
            JSON.stringify({
              subject: `acct:alice@${url.host}`,
              links: [{ rel: 'self', type: 'application/activity+json', href: `${state.origin}/users/alice` }],
            }),
          );
          return;
        }
        if (request.method === 'POST' && (url.pathname === '/inbox' || url.pathname === '/users/alice/inbox')) {
          const body = Buffer.concat(chunks);
          const headers = new Headers();
          for (const [name, value] of Object.entries(request.headers))
            if (typeof value === 'string') headers.set(name, value);
          const copy = new Request(url, { method: 'POST', headers, body });
          const key = await verifyRequest(copy, { documentLoader: loader, contextLoader: loader }).catch(() => null);
          received.push({
            path: url.pathname,
            activity: JSON.parse(body.toString('utf8')) as Record<string, unknown>,
            verified: key !== null,
            keyId: key?.id?.href ?? null,
          });
          response.writeHead(key ? 202 : 401).end();
          return;
        }
        response.writeHead(404).end();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${port}`;
  const actorId = `${state.origin}/users/alice`;

  return {
    origin: state.origin,
    host: `127.0.0.1:${port}`,
    actorId,
    received,
    state,
    /** POSTs an activity to a URL as Mastodon does, signed with alice's key (or `withKey`'s, to forge). */
    async send(target: string, body: string, options: { withKey?: CryptoKey; unsigned?: boolean } = {}) {
      const request = new Request(target, {
        method: 'POST',
        headers: { 'content-type': 'application/activity+json', accept: 'application/activity+json' },
        body,
      });
      const signed = options.unsigned
        ? request
        : await signRequest(request, options.withKey ?? keys.privateKey, new URL(`${actorId}#main-key`));
      return fetch(signed);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeMastodon = Awaited<ReturnType<typeof startFakeMastodon>>;
