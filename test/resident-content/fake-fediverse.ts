import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateCryptoKeyPair, signRequest } from '@fedify/fedify';
import { exportSpki } from '@fedify/vocab-runtime';
import { fixture } from '../fediverse/fake-mastodon.ts';

export interface FakeAuthor {
  name: string;
  discoverable: boolean;
  indexable: boolean;
}

/**
 * A remote Mastodon server with several residents, as the city's actors meet them: each actor served in
 * the recorded Mastodon shape (test/fediverse/fixtures/mastodon-actor.json) with its own `discoverable`
 * and `indexable`, its own RSA key signing what it sends (draft-cavage HTTP signatures, as Mastodon),
 * and inboxes that record what the city delivers.
 */
export async function startFakeFediverse(authors: FakeAuthor[]) {
  const state = { origin: '' };
  const keys = new Map<string, CryptoKeyPair>();
  const pems = new Map<string, string>();
  for (const author of authors) {
    const pair = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
    keys.set(author.name, pair);
    pems.set(author.name, (await exportSpki(pair.publicKey)).replace(/\n/g, '\\n'));
  }
  const received: Array<{ path: string; activity: Record<string, unknown> }> = [];
  const actorDocument = (author: FakeAuthor) => {
    const document = JSON.parse(
      fixture('mastodon-actor.json', { origin: state.origin, publicKeyPem: pems.get(author.name) ?? '' })
        .replaceAll('/users/alice', `/users/${author.name}`)
        .replaceAll('/@alice', `/@${author.name}`),
    ) as Record<string, unknown>;
    return JSON.stringify({
      ...document,
      preferredUsername: author.name,
      name: `${author.name[0]?.toUpperCase() ?? ''}${author.name.slice(1)} Resident`,
      discoverable: author.discoverable,
      indexable: author.indexable,
    });
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', state.origin);
      const actor = /^\/users\/([a-z]+)$/.exec(url.pathname);
      const author = authors.find((a) => a.name === actor?.[1]);
      if (request.method === 'GET' && author) {
        response.writeHead(200, { 'content-type': 'application/activity+json; charset=utf-8' });
        response.end(actorDocument(author));
        return;
      }
      if (request.method === 'POST' && (url.pathname === '/inbox' || /^\/users\/[a-z]+\/inbox$/.test(url.pathname))) {
        received.push({
          path: url.pathname,
          activity: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
        response.writeHead(202).end();
        return;
      }
      response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get origin() {
      return state.origin;
    },
    received,
    actorId: (name: string) => `${state.origin}/users/${name}`,
    setAuthor(name: string, values: Partial<FakeAuthor>) {
      const author = authors.find((a) => a.name === name);
      if (author) Object.assign(author, values);
    },
    /** POSTs an activity as `name` would send it, signed with that actor's key. */
    async send(name: string, target: string, activity: Record<string, unknown>) {
      const pair = keys.get(name);
      if (!pair) throw new Error(`no actor ${name}`);
      const request = new Request(target, {
        method: 'POST',
        headers: { 'content-type': 'application/activity+json', accept: 'application/activity+json' },
        body: JSON.stringify(activity),
      });
      return fetch(await signRequest(request, pair.privateKey, new URL(`${state.origin}/users/${name}#main-key`)));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeFediverse = Awaited<ReturnType<typeof startFakeFediverse>>;

let statusCounter = 113_800_000_000_000_000n;

/**
 * A `Create` of a Note as Mastodon 4.3 delivers it (the recorded shape of mastodon-create-reply.json):
 * public (to the public collection), unlisted (the public in copy) or a reply; hashtags as `Hashtag`
 * tags, pictures as `Document` attachments with their `name` (the alt text).
 */
export function createNote(
  fake: FakeFediverse,
  name: string,
  options: {
    html: string;
    hashtags?: string[];
    visibility?: 'public' | 'unlisted';
    inReplyTo?: string;
    mention?: string;
    pictures?: Array<{ url: string; alt: string | null }>;
  },
): { activity: Record<string, unknown>; noteId: string } {
  const id = String((statusCounter += 1n));
  const actor = fake.actorId(name);
  const noteId = `${actor}/statuses/${id}`;
  const publicAddress = 'https://www.w3.org/ns/activitystreams#Public';
  const followers = `${actor}/followers`;
  const to = options.visibility === 'unlisted' ? [followers] : [publicAddress];
  const cc = options.visibility === 'unlisted' ? [publicAddress] : [followers];
  if (options.mention) cc.push(options.mention);
  const tags = [
    ...(options.hashtags ?? []).map((tag) => ({
      type: 'Hashtag',
      href: `${fake.origin}/tags/${tag.toLowerCase()}`,
      name: `#${tag.toLowerCase()}`,
    })),
    ...(options.mention ? [{ type: 'Mention', href: options.mention, name: '@news' }] : []),
  ];
  const note = {
    id: noteId,
    type: 'Note',
    summary: null,
    inReplyTo: options.inReplyTo ?? null,
    published: new Date().toISOString(),
    url: `${fake.origin}/@${name}/${id}`,
    attributedTo: actor,
    to,
    cc,
    sensitive: false,
    atomUri: noteId,
    content: options.html,
    contentMap: { en: options.html },
    attachment: (options.pictures ?? []).map((p) => ({
      type: 'Document',
      mediaType: 'image/jpeg',
      url: p.url,
      name: p.alt,
      blurhash: 'UFBWY:8_0Jxv4mRj',
      width: 1200,
      height: 800,
    })),
    tag: tags,
  };
  return {
    noteId,
    activity: {
      '@context': [
        'https://www.w3.org/ns/activitystreams',
        {
          ostatus: 'http://ostatus.org#',
          atomUri: 'ostatus:atomUri',
          sensitive: 'as:sensitive',
          toot: 'http://joinmastodon.org/ns#',
          Hashtag: 'as:Hashtag',
        },
      ],
      id: `${noteId}/activity`,
      type: 'Create',
      actor,
      published: note.published,
      to,
      cc,
      object: note,
    },
  };
}
