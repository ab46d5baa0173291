import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage as HttpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { findChannelRecord, insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { ChannelError, type ChannelRecord } from '../../src/modules/inbox/channels/channel.ts';
import { parseCsv } from '../../src/modules/inbox/channels/csv.ts';
import { pollFeed } from '../../src/modules/inbox/channels/feed.ts';
import { facebookAdapter } from '../../src/modules/inbox/channels/facebook.ts';
import { parseImportDate } from '../../src/modules/inbox/channels/import.ts';
import { parseXml } from '../../src/modules/inbox/channels/xml.ts';
import type { ChannelKind } from '../../src/modules/inbox/inbox.schema.ts';
import { pollChannels } from '../../src/modules/inbox/polling.ts';
import { deliverReply, queueReply } from '../../src/modules/inbox/replies.ts';
import { buildUser, signedInClient } from '../support/factories.ts';
import type { TestClient } from '../support/client.ts';
import { contextAllowing, startTestServer, type TestServer } from '../support/server.ts';

const FIXTURES = new URL('../fixtures/inbox/', import.meta.url);
const fixture = (path: string) => readFileSync(new URL(path, FIXTURES));
const sign = (secret: string, body: string | Buffer) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The value, or a failed test when it is missing. */
function must<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing`);
  return value;
}

/** What the webhook routes answer. */
interface WebhookAnswer {
  received?: number;
  stored?: number;
  duplicates?: number;
  error?: {
    code: string;
    message: string;
    details?: { item: number | null; problems: Array<{ item: number | null; field: string }> };
  };
}

let server: TestServer;
let organisationId: number;
let staffId: number;

/** A local HTTP server whose answers the test decides; it records every request with its body. */
interface Fake {
  url: string;
  requests: Array<{ method: string; path: string; headers: HttpRequest['headers']; body: string }>;
  handle: (request: HttpRequest, body: string, response: ServerResponse) => void;
  close(): Promise<void>;
}

async function startFake(handle: Fake['handle']): Promise<Fake> {
  const fake = { requests: [], handle } as unknown as Fake;
  const http: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      fake.requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
      fake.handle(request, body, response);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  fake.close = () => new Promise<void>((resolve) => http.close(() => resolve()));
  return fake;
}

function json(response: ServerResponse, status: number, body: unknown): ServerResponse {
  return response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function channelOf(
  kind: ChannelKind,
  settings: Record<string, unknown>,
  secrets: Record<string, string>,
): Promise<ChannelRecord> {
  const id = await insertChannel(server.ctx.db, server.config.secretKey, {
    organisationId,
    kind,
    name: `${kind} test`,
    settings,
    secrets,
  });
  return must(await findChannelRecord(server.ctx.db, server.config.secretKey, organisationId, id));
}

async function messagesOf(channelId: number) {
  return server.ctx.db
    .selectFrom('inbox_message')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('direction', '=', 'in')
    .orderBy('id')
    .execute();
}

async function post(path: string, body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: response.status, body: (await response.json()) as WebhookAnswer };
}

/** Queues an answer on a conversation and runs the delivery job once, as the worker would. */
async function answer(conversationId: number, text: string, attempts = 1) {
  const messageId = await queueReply(server.ctx, { organisationId, conversationId, userId: staffId, text });
  let thrown: unknown;
  try {
    await deliverReply(server.ctx, { id: 0, organisationId, kind: 'inbox.deliver', payload: { messageId }, attempts });
  } catch (error) {
    thrown = error;
  }
  const row = await server.ctx.db
    .selectFrom('inbox_message')
    .selectAll()
    .where('id', '=', messageId)
    .executeTakeFirstOrThrow();
  return { row, thrown };
}

/** The fakes of the Graph API, a news site and a webhook's reply address; each describe gives its answers. */
const fakes: Record<'graph' | 'site' | 'answers', Fake> = {} as never;

before(async () => {
  // started before the server, whose outbound guard is told to allow exactly these (as an operator would)
  for (const name of ['graph', 'site', 'answers'] as const)
    fakes[name] = await startFake((_request, _body, response) => void response.writeHead(404).end());
  server = await startTestServer({ allowOutbound: Object.values(fakes).map((fake) => fake.url) });
  organisationId = must((await server.organisations.findAll())[0]).id;
  staffId = (await buildUser(server, { role: 'staff' })).id;
});
after(async () => {
  await server.close();
  for (const fake of Object.values(fakes)) await fake.close();
});

describe('Facebook and Instagram pages (Graph API webhooks)', () => {
  const APP_SECRET = 'meta-app-secret-4f9a';
  let graph: Fake;
  let graphMode: 'ok' | 'expired' | 'down' = 'ok';
  let facebook: ChannelRecord;
  let instagram: ChannelRecord;

  before(async () => {
    graph = fakes.graph;
    graph.handle = (request, _body, response) => {
      if (graphMode === 'expired')
        return json(response, 400, {
          error: {
            message: 'Error validating access token: Session has expired on Thursday, 20-Nov-25 10:00:00 PST.',
            type: 'OAuthException',
            code: 190,
            error_subcode: 463,
            fbtrace_id: 'AbCdEf',
          },
        });
      if (graphMode === 'down')
        return json(response, 500, {
          error: { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1, fbtrace_id: 'XyZ' },
        });
      if (request.url?.startsWith('/v21.0/me?'))
        return json(response, 200, { id: '104857392018475', name: 'Primăria Alba Iulia' });
      if (request.url === '/v21.0/me/messages')
        return json(response, 200, { recipient_id: '6283947102938475', message_id: 'm_reply_1' });
      return json(response, 200, { id: `reply_${graph.requests.length}` });
    };
    const secrets = { appSecret: APP_SECRET, verifyToken: 'verify-me-please', pageAccessToken: 'EAAG-page-token' };
    facebook = await channelOf('facebook', { graphBase: graph.url }, secrets);
    instagram = await channelOf('instagram', { graphBase: `${graph.url}/` }, secrets);
  });

  const deliver = (channel: ChannelRecord, body: string | Buffer, signature = sign(APP_SECRET, body)) =>
    post(`/inbox/meta/${channel.id}`, body, { 'x-hub-signature-256': signature });

  test('answers the verification handshake only with the right verify token', async () => {
    const good = await fetch(
      `${server.url}/inbox/meta/${facebook.id}?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=1158201444`,
    );
    assert.equal(good.status, 200);
    assert.equal(await good.text(), '1158201444');
    const wrong = await fetch(
      `${server.url}/inbox/meta/${facebook.id}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`,
    );
    assert.equal(wrong.status, 403);
    const instagramChannel = await fetch(
      `${server.url}/inbox/meta/${instagram.id}?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=42`,
    );
    assert.equal(await instagramChannel.text(), '42');
  });

  test('refuses a forged or missing signature and stores nothing', async () => {
    const body = fixture('meta/feed-comment.json');
    const forged = await deliver(facebook, body, sign('not-the-app-secret', body));
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error?.code, 'INBOX_WEBHOOK_SIGNATURE');
    const tampered = await deliver(
      facebook,
      Buffer.from(body.toString('utf8').replace('groapă', 'gaură')),
      sign(APP_SECRET, body),
    );
    assert.equal(tampered.status, 401);
    const missing = await post(`/inbox/meta/${facebook.id}`, body, {});
    assert.equal(missing.status, 401);
    assert.equal((await messagesOf(facebook.id)).length, 0);
  });

  test('refuses a malformed payload with 400 and stores nothing', async () => {
    for (const body of [
      '{"object":"page"}',
      '{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{"item":"comment","verb":"add","post_id":"1_2"}}]}]}',
      'not json',
    ]) {
      const refused = await deliver(facebook, body);
      assert.equal(refused.status, 400, body);
      assert.equal(refused.body.error?.code, 'INBOX_WEBHOOK_PAYLOAD');
    }
    assert.equal((await messagesOf(facebook.id)).length, 0);
  });

  test('stores a Page comment once, however often Meta delivers it', async () => {
    const body = fixture('meta/feed-comment.json');
    const first = await deliver(facebook, body);
    const again = await deliver(facebook, body);
    assert.deepEqual(
      [first.status, first.body.stored, again.status, again.body.stored, again.body.duplicates],
      [200, 1, 200, 0, 1],
    );
    const stored = must((await messagesOf(facebook.id))[0]);
    assert.equal(stored.external_id, '893746251029384_1029384756102938');
    assert.match(stored.body, /groapă uriașă/);
    assert.equal(stored.url, 'https://www.facebook.com/104857392018475/posts/pfbid02Xk7d9QmRb');
    assert.equal(stored.sent_at.toISOString(), new Date(1763631125 * 1000).toISOString());
    const author = await server.ctx.db
      .selectFrom('inbox_author')
      .selectAll()
      .where('id', '=', must(stored.author_id))
      .executeTakeFirstOrThrow();
    assert.deepEqual([author.external_id, author.display_name], ['7394810293847561', 'Maria Popescu']);
  });

  test("stores Messenger messages with attachments, Instagram comments and Instagram messages, but not the page's echoes", async () => {
    assert.equal((await deliver(facebook, fixture('meta/messenger-message.json'))).body.stored, 1);
    assert.equal((await deliver(instagram, fixture('meta/instagram-comment.json'))).body.stored, 1);
    const direct = await deliver(instagram, fixture('meta/instagram-message.json'));
    assert.deepEqual([direct.body.received, direct.body.stored], [1, 1]);
    const messenger = must((await messagesOf(facebook.id)).find((m) => m.external_id?.startsWith('m_')));
    assert.match(messenger.body, /gunoiul/);
    assert.equal(
      (messenger.attachments as Array<{ url?: string }>)[0]?.url,
      'https://scontent.xx.fbcdn.net/v/t1.15752-9/468213_n.jpg',
    );
    const insta = await messagesOf(instagram.id);
    assert.deepEqual(
      insta.map((m) => m.external_id).sort(),
      ['17865799348089039', 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0'].sort(),
    );
  });

  test('answers a comment, a Messenger chat and an Instagram comment on the right Graph endpoints', async () => {
    const conversationOf = async (externalId: string) =>
      (
        await server.ctx.db
          .selectFrom('inbox_message')
          .select('conversation_id')
          .where('external_id', '=', externalId)
          .executeTakeFirstOrThrow()
      ).conversation_id;
    graph.requests.length = 0;
    const comment = await answer(
      await conversationOf('893746251029384_1029384756102938'),
      'Echipa de drumuri ajunge mâine.',
    );
    const chat = await answer(
      await conversationOf('m_Xk3bQ9s8dN2vL7pR1tY6uW0aZc4eF5gH8iJ2kM3nO6qS9vU1xB4yD7zA0cE3fG'),
      'De luni, în fiecare marți.',
    );
    const insta = await answer(await conversationOf('17865799348089039'), 'Mulțumim!');
    assert.deepEqual([comment.row.delivery, chat.row.delivery, insta.row.delivery], ['sent', 'sent', 'sent']);
    assert.equal(chat.row.external_id, 'm_reply_1');
    const [onComment, onChat, onInsta] = graph.requests;
    assert.deepEqual(
      [onComment?.method, onComment?.path, JSON.parse(onComment?.body ?? '{}')],
      ['POST', '/v21.0/893746251029384_1029384756102938/comments', { message: 'Echipa de drumuri ajunge mâine.' }],
    );
    assert.equal(onComment?.headers.authorization, 'Bearer EAAG-page-token');
    assert.deepEqual(
      [onChat?.path, JSON.parse(onChat?.body ?? '{}')],
      [
        '/v21.0/me/messages',
        {
          recipient: { id: '6283947102938475' },
          messaging_type: 'RESPONSE',
          message: { text: 'De luni, în fiecare marți.' },
        },
      ],
    );
    assert.deepEqual(
      [onInsta?.path, JSON.parse(onInsta?.body ?? '{}')],
      ['/v21.0/17865799348089039/replies', { message: 'Mulțumim!' }],
    );
  });

  test('an expired token (Graph error 190) fails the answer at once; a Graph 500 is retried', async () => {
    const conversationId = (
      await server.ctx.db
        .selectFrom('inbox_message')
        .select('conversation_id')
        .where('external_id', '=', '893746251029384_1029384756102938')
        .executeTakeFirstOrThrow()
    ).conversation_id;
    graphMode = 'expired';
    const expired = await answer(conversationId, 'Try with an expired token');
    assert.equal(expired.thrown, undefined);
    assert.equal(expired.row.delivery, 'failed');
    assert.match(expired.row.delivery_error ?? '', /code 190/);
    assert.doesNotMatch(expired.row.delivery_error ?? '', /EAAG/);
    graphMode = 'down';
    const down = await answer(conversationId, 'Try while Graph is down');
    assert.ok(down.thrown instanceof ChannelError && down.thrown.retryable);
    assert.equal(down.row.delivery, 'queued');
    graphMode = 'ok';
  });

  test('health asks Graph who the token belongs to', async () => {
    graph.requests.length = 0;
    const health = await facebookAdapter.health(facebook, AbortSignal.timeout(5000), server.ctx);
    assert.equal(health.ok, true);
    assert.equal(graph.requests[0]?.path, '/v21.0/me?fields=id,name');
  });
});

describe('feeds (RSS and Atom)', () => {
  let site: Fake;
  let rssVersion = 1;
  const news = fixture('feeds/news-rss.xml').toString('utf8');
  const extra = `<item><title>Al treilea articol</title><link>https://ziarulunirea.example/3</link><guid>https://ziarulunirea.example/?p=48300</guid><description>Text nou</description></item>`;

  before(async () => {
    site = fakes.site;
    site.handle = (request, _body, response) => {
      const etag = `"news-v${rssVersion}"`;
      if (request.url === '/news.xml') {
        if (request.headers['if-none-match'] === etag) return void response.writeHead(304).end();
        return void response
          .writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag })
          .end(rssVersion === 1 ? news : news.replace('</channel>', `${extra}</channel>`));
      }
      const files: Record<string, string> = {
        '/atom.xml': 'feeds/blog-atom.xml',
        '/latin1.xml': 'feeds/latin1-rss.xml',
        '/broken.xml': 'feeds/broken.xml',
        '/page.html': 'feeds/not-a-feed.html',
      };
      const file = files[request.url ?? ''];
      if (file)
        return void response
          .writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html' : 'application/xml' })
          .end(fixture(file));
      response.writeHead(503).end('maintenance');
    };
  });

  /** Polls one feed channel now, through the adapter and the same ingestion as the worker. */
  async function pollNow(channel: ChannelRecord) {
    const fresh = must(await findChannelRecord(server.ctx.db, server.config.secretKey, organisationId, channel.id));
    const result = await pollFeed(
      fresh,
      AbortSignal.timeout(5000),
      server.ctx.outbound,
      new Date(Date.now() + 3_600_000 * ++polls),
    );
    const { ingestMessages } = await import('../../src/modules/inbox/ingest.ts');
    return ingestMessages(server.ctx.db, server.ctx.jobs, fresh, result.messages, { cursor: result.cursor });
  }
  let polls = 0;

  test('reads an RSS feed through the polling worker, then sends a conditional GET and gets a 304', async () => {
    const channel = await channelOf('feed', { url: `${site.url}/news.xml` }, {});
    const worker = await pollChannels(server.ctx);
    assert.equal(worker.failed, 0);
    const stored = await messagesOf(channel.id);
    assert.equal(stored.length, 2);
    const works = must(stored.find((m) => m.external_id === 'https://ziarulunirea.example/?p=48213'));
    assert.equal(works.subject, 'Lucrări pe strada Mihai Viteazu: trafic restricționat până vineri');
    assert.match(works.body, /închisă parțial până vineri\.\n\nȘoferii/);
    assert.doesNotMatch(works.body, /alert/);
    assert.equal(works.url, 'https://ziarulunirea.example/2025/11/20/lucrari-mihai-viteazu/');
    assert.equal(works.sent_at.toISOString(), '2025-11-20T07:30:00.000Z');
    site.requests.length = 0;
    const again = await pollNow(channel);
    assert.equal(again.stored, 0);
    assert.equal(site.requests[0]?.headers['if-none-match'], '"news-v1"');
    rssVersion = 2;
    const third = await pollNow(channel);
    assert.deepEqual([third.stored, (await messagesOf(channel.id)).length], [1, 3]);
  });

  test('reads an Atom feed polled twice without validators and stores each entry once', async () => {
    const channel = await channelOf('feed', { url: `${site.url}/atom.xml` }, {});
    const first = await pollNow(channel);
    const second = await pollNow(channel);
    assert.deepEqual([first.stored, second.stored], [2, 0]);
    const [lane, winter] = (await messagesOf(channel.id)).map((m) => m);
    if (!lane || !winter) throw new Error('two entries expected');
    assert.equal(lane.subject, 'New bike lane on Bulevardul Transilvaniei');
    assert.equal(lane.url, `${site.url}/2025/11/new-bike-lane`); // relative links resolve against the feed's address
    assert.match(lane.body, /The new lane is great\.\n\nBut the crossing/);
    assert.equal(lane.sent_at.toISOString(), '2025-11-18T06:00:00.000Z');
    const authors = await server.ctx.db
      .selectFrom('inbox_author')
      .select(['id', 'display_name'])
      .where('id', 'in', [must(lane.author_id), must(winter.author_id)])
      .execute();
    assert.deepEqual(authors.map((a) => a.display_name).sort(), ['Elena Pop', 'Radu Ionescu']);
  });

  test('decodes a feed declared as ISO-8859-1 in its XML prologue', async () => {
    const channel = await channelOf('feed', { url: `${site.url}/latin1.xml` }, {});
    await pollNow(channel);
    const entry = must((await messagesOf(channel.id))[0]);
    assert.equal(entry.subject, 'Fête de la rue Émile-Zola : près de 2 000 visiteurs');
    assert.match(entry.body, /Très belle journée.*Déçus/);
    const author = await server.ctx.db
      .selectFrom('inbox_author')
      .selectAll()
      .where('id', '=', must(entry.author_id))
      .executeTakeFirstOrThrow();
    assert.deepEqual([author.display_name, author.email], ['Hélène Müller', 'redaction@quartier.example']);
  });

  test('malformed XML and pages that are not feeds fail for good with a clear message; a feed that is down is retried', async () => {
    const channels: number[] = [];
    const attempt = async (path: string) => {
      const channel = await channelOf('feed', { url: `${site.url}${path}` }, {});
      channels.push(channel.id);
      try {
        await pollFeed(channel, AbortSignal.timeout(5000), server.ctx.outbound);
      } catch (error) {
        return error as ChannelError;
      }
      throw new Error('the poll should have failed');
    };
    const broken = await attempt('/broken.xml');
    assert.deepEqual(
      [broken.retryable, /not well-formed XML: <\/channel> does not close <item> \(line 8\)/.test(broken.message)],
      [false, true],
    );
    const page = await attempt('/page.html');
    assert.deepEqual([page.retryable, /HTML page, not an RSS or Atom feed/.test(page.message)], [false, true]);
    const down = await attempt('/gone-for-maintenance.xml');
    assert.deepEqual([down.retryable, down.message], [true, 'Feed: HTTP 503 from the site']);
    const closed = await channelOf('feed', { url: 'http://127.0.0.1:9/feed.xml' }, {});
    const reachable = contextAllowing(server, '127.0.0.1:9').outbound;
    await assert.rejects(
      pollFeed(closed, AbortSignal.timeout(5000), reachable),
      (error: ChannelError) => error.retryable,
    );
    const worker = await pollChannels(server.ctx, new Date(Date.now() + 86_400_000));
    assert.ok(worker.failed >= 4);
    const broke = await server.ctx.db
      .selectFrom('inbox_channel')
      .select(['status', 'last_error'])
      .where('id', '=', must(channels[0]))
      .executeTakeFirstOrThrow();
    assert.equal(broke.status, 'failing');
    assert.match(broke.last_error ?? '', /not well-formed XML/);
  });

  test('the XML reader refuses what is not well-formed and never expands declared entities', () => {
    assert.throws(() => parseXml('<a><b></a>'), /does not close <b>/);
    assert.throws(() => parseXml('<a>'), /never closed/);
    assert.throws(() => parseXml('<a/><b/>'), /second root/);
    const doc = parseXml('<!DOCTYPE x [<!ENTITY lol "lol">]><x a="1 &amp; 2">&lol;<![CDATA[<b>]]>&#233;</x>');
    assert.deepEqual(
      [doc.attributes.a, doc.children.map((child) => (typeof child === 'string' ? child : `<${child.name}>`)).join('')],
      ['1 & 2', '&lol;<b>é'],
    );
  });
});

/** Posts a multipart form like a browser with a file input. */
async function postFile(
  client: TestClient,
  path: string,
  fields: Record<string, string>,
  file?: { name: string; content: Buffer | string },
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file)
    form.append(
      'file',
      new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)]),
      file.name,
    );
  const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    body: form,
    headers: { cookie },
    redirect: 'manual',
  });
  return { status: response.status, html: await response.text() };
}

describe('file import (CSV and JSON exports)', () => {
  let admin: TestClient;
  let csrf: string;

  before(async () => {
    admin = (await signedInClient(server, { role: 'admin' })).client;
    csrf = (await admin.page('/staff/inbox/import')).csrf;
  });

  const importedCount = async () =>
    Number(
      (
        await server.ctx.db
          .selectFrom('inbox_message as m')
          .innerJoin('inbox_channel as c', 'c.id', 'm.channel_id')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('c.kind', '=', 'import')
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('is for administrators only', async () => {
    const { client: staff } = await signedInClient(server, { role: 'staff' });
    assert.equal((await staff.get('/staff/inbox/import')).status, 403);
    const page = await admin.page('/staff/inbox/import');
    assert.equal(page.response.status, 200);
    assert.match(page.html, /enctype="multipart\/form-data"/);
  });

  test('reads quotes, commas and line breaks inside quotes, a BOM and semicolons', () => {
    const document = parseCsv('\uFEFFa;b;c\r\n1;"x; ""y""\r\nz";3\n\n4;5;6');
    assert.equal(document.delimiter, ';');
    assert.deepEqual(
      document.records.map((r) => [r.line, ...r.fields]),
      [
        [1, 'a', 'b', 'c'],
        [2, '1', 'x; "y"\nz', '3'],
        [5, '4', '5', '6'],
      ],
    );
    assert.equal(parseCsv('a,b\n1,"open').unterminatedAt, 2);
    assert.equal(parseImportDate('20/11/2025 08:00')?.toISOString(), '2025-11-20T08:00:00.000Z');
    assert.equal(parseImportDate('31/04/2025'), undefined);
  });

  test('previews a Hootsuite-like CSV, imports the good rows, reports bad ones by line, and finds duplicates the second time', async () => {
    const file = { name: 'hootsuite-export.csv', content: fixture('import/hootsuite-export.csv') };
    const preview = await postFile(admin, '/staff/inbox/import/preview', { _csrf: csrf }, file);
    assert.equal(preview.status, 200);
    assert.match(preview.html, /Rows read: 5\. Ready to import: 3\. Refused: 2\./);
    assert.match(preview.html, /Line 5: the text is empty/);
    assert.match(preview.html, /Line 6: the date is missing or cannot be read/);
    assert.match(preview.html, /Ionescu, Mihai/);
    assert.equal(await importedCount(), 0);
    const content = fixture('import/hootsuite-export.csv').toString('utf8');
    const done = await postFile(admin, '/staff/inbox/import', {
      _csrf: csrf,
      content,
      fileName: file.name,
      channelId: 'new',
      newChannelName: 'Hootsuite',
    });
    assert.match(done.html, /Imported: 3\. Already in the inbox: 0\. Refused: 2\./);
    const channel = await server.ctx.db
      .selectFrom('inbox_channel')
      .select('id')
      .where('kind', '=', 'import')
      .where('name', '=', 'Hootsuite')
      .executeTakeFirstOrThrow();
    const again = await postFile(admin, '/staff/inbox/import', {
      _csrf: csrf,
      content,
      fileName: file.name,
      channelId: String(channel.id),
    });
    assert.match(again.html, /Imported: 0\. Already in the inbox: 3\./);
    const stored = await messagesOf(channel.id);
    assert.equal(stored.length, 3);
    assert.ok(stored.some((m) => m.body === 'Thank you for the new playground!\nThe kids love it.'));
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .selectAll()
      .where('action', '=', 'inbox.import')
      .execute();
    assert.equal(audit.length, 2);
  });

  test('imports a Brandwatch-like export with a BOM, semicolons, ids and coordinates, and a JSON export', async () => {
    const csv = await postFile(admin, '/staff/inbox/import', {
      _csrf: csrf,
      content: fixture('import/brandwatch-export.csv').toString('utf8'),
      fileName: 'brandwatch.csv',
      channelId: 'new',
      newChannelName: 'Brandwatch',
    });
    assert.match(csv.html, /Imported: 2\. Already in the inbox: 0\. Refused: 1\./);
    assert.match(csv.html, /Line 4: the coordinates are incomplete or out of range/);
    const park = await server.ctx.db
      .selectFrom('inbox_message')
      .selectAll()
      .where('external_id', '=', 'news:br-10001')
      .executeTakeFirstOrThrow();
    assert.deepEqual([park.lat, park.lng, park.body], [46.0677, 23.57, 'Parcul Unirii este foarte curat; felicitări!']);
    const jsonFile = await postFile(
      admin,
      '/staff/inbox/import',
      { _csrf: csrf, fileName: 'messages.json', channelId: 'new', newChannelName: 'App' },
      { name: 'messages.json', content: fixture('import/messages.json') },
    );
    assert.match(jsonFile.html, /Imported: 2\. Already in the inbox: 0\. Refused: 2\./);
    const dutch = await server.ctx.db
      .selectFrom('inbox_message')
      .selectAll()
      .where('external_id', '=', '502')
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [dutch.body, dutch.sent_at.toISOString(), dutch.lat],
      ['De fietsenstalling bij het station is vol.', '2025-11-20T08:30:00.000Z', 46.07],
    );
  });

  test('previews a JSON export by item and refuses a file over the size limit with a clear message', async () => {
    const json = await postFile(
      admin,
      '/staff/inbox/import/preview',
      { _csrf: csrf },
      { name: 'messages.json', content: fixture('import/messages.json') },
    );
    assert.match(json.html, /Rows read: 4\. Ready to import: 2\. Refused: 2\./);
    assert.match(json.html, /Item 3: the text is empty/);
    assert.match(json.html, /Item 4: this item is not an object/);
    const big = `Date,Author,Text\n${'2025-11-20,A,x\n'.repeat(400_000)}`;
    const tooLarge = await postFile(
      admin,
      '/staff/inbox/import/preview',
      { _csrf: csrf },
      { name: 'big.csv', content: big },
    );
    assert.equal(tooLarge.status, 422);
    assert.match(tooLarge.html, /larger than the import limit of 5 MB/);
    const noText = await postFile(admin, '/staff/inbox/import/preview', {
      _csrf: csrf,
      content: 'Date,Author\n2025-11-20,A\n',
    });
    assert.match(noText.html, /No column holds the text/);
  });
});

describe('generic signed JSON webhook', () => {
  const SECRET = 'city-call-centre-secret';
  let channel: ChannelRecord;
  let strict: ChannelRecord;
  let answers: Fake;
  const item = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    text: `Message ${id}`,
    author: { id: 'caller-7', name: 'Giulia', email: 'giulia@example.org' },
    sent_at: '2025-11-20T09:30:00Z',
    ...extra,
  });
  const send = (target: ChannelRecord, payload: unknown, headers: Record<string, string> = {}) => {
    const body = JSON.stringify(payload);
    return post(`/api/v1/inbox/webhook/${target.id}`, body, { 'x-signature-256': sign(SECRET, body), ...headers });
  };

  before(async () => {
    answers = fakes.answers;
    answers.handle = (_request, _body, response) => void json(response, 200, { id: 'ticket-99' });
    channel = await channelOf('webhook', { reply_url: `${answers.url}/answers` }, { secret: SECRET });
    strict = await channelOf('webhook', { requireTimestamp: true }, { secret: SECRET });
  });

  test('stores a signed message once and a batch in one go', async () => {
    const first = await send(channel, item('cc-1', { lat: 46.07, lng: 23.58, thread_id: 'case-1' }));
    const again = await send(channel, item('cc-1'));
    assert.deepEqual([first.status, first.body.stored, again.body.stored, again.body.duplicates], [200, 1, 0, 1]);
    const batch = await send(channel, [item('cc-2', { thread_id: 'case-1' }), item('cc-3')]);
    assert.deepEqual([batch.status, batch.body.stored], [200, 2]);
    const stored = await messagesOf(channel.id);
    assert.equal(stored.length, 3);
    assert.equal(stored[0]?.conversation_id, stored[1]?.conversation_id);
    assert.deepEqual([stored[0]?.lat, stored[0]?.lng], [46.07, 23.58]);
  });

  test('refuses a whole batch with the index of each bad item and stores nothing from it', async () => {
    const before = (await messagesOf(channel.id)).length;
    const refused = await send(channel, [
      item('cc-10'),
      { ...item('cc-11'), text: '' },
      { ...item('cc-12'), sent_at: 'yesterday', colour: 'red' },
    ]);
    assert.equal(refused.status, 400);
    const error = must(refused.body.error);
    const details = must(error.details);
    assert.equal(error.code, 'INBOX_WEBHOOK_PAYLOAD');
    assert.equal(details.item, 1);
    assert.deepEqual(
      details.problems.map((p) => `${String(p.item)}:${p.field}`),
      ['1:text', '2:colour', '2:sent_at'],
    );
    assert.match(error.message, /item 1: text is required/);
    const tooMany = await send(
      channel,
      Array.from({ length: 101 }, (_, i) => item(`many-${i}`)),
    );
    assert.equal(tooMany.status, 400);
    assert.equal((await messagesOf(channel.id)).length, before);
  });

  test('refuses bad signatures and requests outside the five-minute window', async () => {
    const body = JSON.stringify(item('cc-20'));
    assert.equal(
      (await post(`/api/v1/inbox/webhook/${channel.id}`, body, { 'x-signature-256': sign('wrong', body) })).status,
      401,
    );
    assert.equal(
      (await post(`/api/v1/inbox/webhook/${channel.id}`, body, {})).body.error?.code,
      'INBOX_WEBHOOK_SIGNATURE',
    );
    const now = String(Math.floor(Date.now() / 1000));
    const stamped = await post(`/api/v1/inbox/webhook/${channel.id}`, body, {
      'x-timestamp': now,
      'x-signature-256': sign(SECRET, `${now}.${body}`),
    });
    assert.equal(stamped.status, 200);
    const old = String(Math.floor(Date.now() / 1000) - 600);
    const replayed = await post(`/api/v1/inbox/webhook/${channel.id}`, body, {
      'x-timestamp': old,
      'x-signature-256': sign(SECRET, `${old}.${body}`),
    });
    assert.deepEqual([replayed.status, replayed.body.error?.code], [401, 'INBOX_WEBHOOK_TIMESTAMP']);
    const moved = await post(`/api/v1/inbox/webhook/${channel.id}`, body, {
      'x-timestamp': now,
      'x-signature-256': sign(SECRET, `${old}.${body}`),
    });
    assert.equal(moved.body.error?.code, 'INBOX_WEBHOOK_SIGNATURE');
    const unstamped = await send(strict, item('strict-1'));
    assert.equal(unstamped.body.error?.code, 'INBOX_WEBHOOK_TIMESTAMP');
    assert.equal(
      (await post('/api/v1/inbox/webhook/999999', body, { 'x-signature-256': sign(SECRET, body) })).status,
      404,
    );
  });

  test('is documented in the OpenAPI document and keeps JSON parsing elsewhere unchanged', async () => {
    const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    assert.deepEqual(document.paths['/api/v1/inbox/webhook/{channelId}']?.post?.tags, ['inbox']);
    const elsewhere = await fetch(`${server.url}/api/v1/me/verification`, {
      method: 'POST',
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(((await elsewhere.json()) as { error: { code: string } }).error.code, 'INVALID_JSON');
  });

  test('answers by posting signed JSON to the reply address, and fails without one', async () => {
    const conversation = must((await messagesOf(channel.id))[0]).conversation_id;
    const sent = await answer(conversation, 'We have sent a crew.');
    assert.deepEqual([sent.row.delivery, sent.row.external_id], ['sent', 'ticket-99']);
    const request = must(answers.requests.at(-1));
    assert.equal(request.path, '/answers');
    assert.equal(
      request.headers['x-signature-256'],
      sign(SECRET, `${String(request.headers['x-timestamp'])}.${request.body}`),
    );
    const sentBody = JSON.parse(request.body) as { thread_id: string; text: string; to: { id: string } };
    assert.deepEqual(
      [sentBody.thread_id, sentBody.text, sentBody.to.id],
      ['case-1', 'We have sent a crew.', 'caller-7'],
    );
    const now = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify(item('strict-3'));
    await post(`/api/v1/inbox/webhook/${strict.id}`, body, {
      'x-timestamp': now,
      'x-signature-256': sign(SECRET, `${now}.${body}`),
    });
    const unanswerable = await answer(must((await messagesOf(strict.id))[0]).conversation_id, 'No reply address');
    assert.equal(unanswerable.row.delivery, 'failed');
  });

  test('a reply address on the loopback address is refused, and nothing is sent there', async () => {
    const inside = await startFake((_request, _body, response) => json(response, 200, { id: 'leaked' }));
    try {
      const port = new URL(inside.url).port;
      const inward = await channelOf('webhook', { reply_url: `http://2130706433:${port}/answers` }, { secret: SECRET });
      assert.equal((await send(inward, item('inward-1'))).status, 200);
      const refused = await answer(must((await messagesOf(inward.id))[0]).conversation_id, 'Sent inside?');
      assert.equal(refused.row.delivery, 'failed');
      assert.match(refused.row.delivery_error ?? '', /^Webhook reply: OUTBOUND_ADDRESS_REFUSED: 127\.0\.0\.1 /);
      assert.deepEqual(inside.requests, []);
    } finally {
      await inside.close();
    }
  });
});
