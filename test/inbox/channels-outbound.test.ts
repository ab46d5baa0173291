import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { pollChannels } from '../../src/modules/inbox/polling.ts';
import type { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Server-side request forgery through the inbox's channels: a city administrator names the hosts a
 * channel contacts (a feed address, a mailbox, an API base), and must not be able to make the server
 * reach what only it can reach — its own loopback, the cloud's metadata address, the private network —
 * nor learn from the channel check which ports there are open. Everything goes through the admin pages,
 * as an administrator would do it.
 */

const RSS = `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Intranet</title>
<item><title>Internal note</title><guid>note-1</guid><link>http://intranet.example/1</link></item></channel></rss>`;

/** An HTTP server on a loopback address that records what it was asked for, and every connection. */
async function httpFake(host: string, handle: (request: IncomingMessage, response: ServerResponse) => void) {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    handle(request, response);
  });
  const fake = { connections: 0 };
  server.on('connection', () => (fake.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    get connections() {
      return fake.connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const serveFeed = (_request: IncomingMessage, response: ServerResponse) =>
  void response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS);

/** An open port that is neither HTTP, IMAP nor SMTP: it greets as an SSH server and hangs up. */
async function bannerFake(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.end('SSH-2.0-OpenSSH_9.6p1 Debian-4\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port of 127.0.0.1 nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const unescape = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

describe('the server contacts only the hosts it should (SSRF)', () => {
  let server: TestServer;
  let admin: TestClient;
  let internal: Awaited<ReturnType<typeof httpFake>>;
  let internal6: Awaited<ReturnType<typeof httpFake>>;
  let site: Awaited<ReturnType<typeof httpFake>>;
  let banner: Awaited<ReturnType<typeof bannerFake>>;
  let closed: number;

  before(async () => {
    // what only the server can reach: a service on its loopback address, IPv4 and IPv6
    internal = await httpFake('127.0.0.1', serveFeed);
    internal6 = await httpFake('::1', serveFeed);
    // a site that stands for a public one: the operator allows it, as OUTBOUND_ALLOW_HOSTS would
    site = await httpFake('127.0.0.1', (request, response) => {
      const url = request.url ?? '';
      if (url === '/feed.xml') {
        serveFeed(request, response);
        return;
      }
      if (url === '/to-metadata')
        return void response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (url === '/to-internal')
        return void response.writeHead(301, { location: `http://127.0.0.1:${internal.port}/feed.xml` }).end();
      const loop = /^\/loop\/(\d+)$/.exec(url);
      if (loop) return void response.writeHead(302, { location: `/loop/${Number(loop[1]) + 1}` }).end();
      response.writeHead(404).end();
    });
    banner = await bannerFake();
    closed = await closedPort();
    server = await startTestServer({
      allowOutbound: [`127.0.0.1:${site.port}`, `127.0.0.1:${banner.port}`, `127.0.0.1:${closed}`],
    });
    admin = (await signedInClient(server, { role: 'admin' })).client;
  });
  after(async () => {
    await server.close();
    for (const fake of [internal, internal6, site, banner]) await fake.close();
  });

  /** Adds a channel through the settings form; answers its page's path. */
  async function addChannel(kind: string, fields: Record<string, string>): Promise<string> {
    const form = await admin.page(`/admin/inbox/channels/new?kind=${kind}`);
    const created = await admin.postForm(`/admin/inbox/channels/new?kind=${kind}`, {
      _csrf: form.csrf,
      name: `${kind} channel`,
      ...fields,
    });
    assert.equal(created.status, 303, `the ${kind} channel is saved`);
    return created.headers.get('location') ?? '';
  }

  /** Presses "check" on the channel's page: whether it passed, and the detail shown to the administrator. */
  async function check(path: string): Promise<{ ok: boolean; detail: string }> {
    const page = await admin.page(path);
    const html = await (await admin.postForm(`${path}/check`, { _csrf: page.csrf })).text();
    return {
      ok: html.includes('The service answered: the settings work.'),
      detail: unescape(/role="status"><p>[^<]*<code>([^<]*)<\/code>/.exec(html)?.[1] ?? ''),
    };
  }

  const checkFeed = async (url: string) => check(await addChannel('feed', { setting_url: url }));

  test('a host the operator allows is fetched', async () => {
    assert.deepEqual(await checkFeed(`http://127.0.0.1:${site.port}/feed.xml`), { ok: true, detail: 'RSS · 1' });
  });

  test('a feed on the loopback address is refused, however the address is written', async () => {
    const addresses = [
      `http://127.0.0.1:${internal.port}/feed.xml`,
      `http://0x7f000001:${internal.port}/feed.xml`,
      `http://2130706433:${internal.port}/feed.xml`,
      `http://0177.0.0.1:${internal.port}/feed.xml`,
      `http://127.1:${internal.port}/feed.xml`,
      `http://[::1]:${internal6.port}/feed.xml`,
      `http://[::ffff:127.0.0.1]:${internal.port}/feed.xml`,
      `http://localhost:${internal.port}/feed.xml`, // a name that resolves to the loopback address
    ];
    for (const url of addresses) {
      const result = await checkFeed(url);
      assert.equal(result.ok, false, url);
      assert.match(result.detail, /^Feed: OUTBOUND_ADDRESS_REFUSED: /, url);
    }
    assert.deepEqual([internal.connections, internal6.connections], [0, 0], 'nothing reached the loopback services');
  });

  test('the API bases of Mastodon, Telegram and the Graph API are refused on the loopback address', async () => {
    const base = `http://127.0.0.1:${internal.port}`;
    const mastodon = await check(
      await addChannel('mastodon', { setting_instance: base, secret_token: 'mastodon-token' }),
    );
    const telegram = await check(
      await addChannel('telegram', {
        secret_token: '123:telegram-token',
        setting_apiBase: `http://[::1]:${internal6.port}`,
      }),
    );
    const facebook = await check(
      await addChannel('facebook', {
        secret_appSecret: 'app-secret',
        secret_verifyToken: 'verify-token',
        secret_pageAccessToken: 'page-token',
        setting_graphBase: `http://2130706433:${internal.port}`,
      }),
    );
    assert.match(mastodon.detail, /^Mastodon account: OUTBOUND_ADDRESS_REFUSED: 127\.0\.0\.1 is not contacted/);
    assert.match(telegram.detail, /^Telegram getMe: OUTBOUND_ADDRESS_REFUSED: ::1 is not contacted/);
    assert.match(facebook.detail, /^Graph API: OUTBOUND_ADDRESS_REFUSED: 127\.0\.0\.1 is not contacted/);
    assert.deepEqual([internal.connections, internal6.connections], [0, 0]);
  });

  test('the polling worker is refused the same way, and the channel says why', async () => {
    const path = await addChannel('feed', { setting_url: `http://0x7f000001:${internal.port}/feed.xml` });
    const id = Number(/\/(\d+)$/.exec(path)?.[1]);
    await pollChannels(server.ctx, new Date(Date.now() + 86_400_000));
    const channel = await server.ctx.db
      .selectFrom('inbox_channel')
      .select(['status', 'last_error'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(channel.status, 'failing');
    assert.match(channel.last_error ?? '', /^Feed: OUTBOUND_ADDRESS_REFUSED: 127\.0\.0\.1 is not contacted/);
    assert.equal(internal.connections, 0);
  });

  test('each redirect is checked again: an allowed site cannot send the server elsewhere', async () => {
    const metadata = await checkFeed(`http://127.0.0.1:${site.port}/to-metadata`);
    assert.equal(metadata.ok, false);
    assert.match(metadata.detail, /^Feed: OUTBOUND_ADDRESS_REFUSED: 169\.254\.169\.254 is not contacted/);
    const inward = await checkFeed(`http://127.0.0.1:${site.port}/to-internal`);
    assert.match(inward.detail, /^Feed: OUTBOUND_ADDRESS_REFUSED: 127\.0\.0\.1 is not contacted/);
    assert.equal(internal.connections, 0, 'the redirect to the loopback service was not followed');
    const loop = await checkFeed(`http://127.0.0.1:${site.port}/loop/0`);
    assert.match(loop.detail, /^Feed: OUTBOUND_TOO_MANY_REDIRECTS: /);
    assert.equal(site.requests.filter((url) => url.startsWith('/loop/')).length, 6, 'five redirects are followed');
  });

  test('a closed port and an open one give the same answer, for feeds, IMAP and SMTP', async () => {
    const unreachable = 'OUTBOUND_UNREACHABLE: the server could not be reached or did not answer as expected';
    const feedClosed = await checkFeed(`http://127.0.0.1:${closed}/feed.xml`);
    const feedOpen = await checkFeed(`http://127.0.0.1:${banner.port}/feed.xml`);
    assert.deepEqual([feedClosed, feedOpen], [{ ok: false, detail: `Feed: ${unreachable}` }, feedClosed]);

    const mailbox = (port: number) =>
      addChannel('email', {
        setting_address: `contact-${port}@city.example`,
        setting_imapHost: '127.0.0.1',
        setting_imapPort: String(port),
        setting_imapUser: 'contact',
        secret_imapPassword: 'mailbox password',
      });
    const imapClosed = await check(await mailbox(closed));
    const imapOpen = await check(await mailbox(banner.port));
    assert.deepEqual([imapClosed, imapOpen], [{ ok: false, detail: `IMAP: ${unreachable}` }, imapClosed]);

    const outgoing = (port: number) =>
      addChannel('email', {
        setting_address: `reply-${port}@city.example`,
        setting_smtpHost: '127.0.0.1',
        setting_smtpPort: String(port),
      });
    const smtpClosed = await check(await outgoing(closed));
    const smtpOpen = await check(await outgoing(banner.port));
    assert.deepEqual([smtpClosed, smtpOpen], [{ ok: false, detail: `SMTP: ${unreachable}` }, smtpClosed]);
  });

  test('a mailbox or outgoing server on a private address is refused before any connection', async () => {
    const imap = await check(
      await addChannel('email', {
        setting_address: 'imap-private@city.example',
        setting_imapHost: '0x7f000001',
        setting_imapPort: String(internal.port),
      }),
    );
    assert.match(imap.detail, /^IMAP: OUTBOUND_ADDRESS_REFUSED: 127\.0\.0\.1 is not contacted/);
    const smtp = await check(
      await addChannel('email', {
        setting_address: 'smtp-private@city.example',
        setting_smtpHost: 'localhost',
        setting_smtpPort: String(internal.port),
      }),
    );
    assert.match(smtp.detail, /^SMTP: OUTBOUND_ADDRESS_REFUSED: localhost is not contacted/);
    assert.equal(internal.connections, 0);
  });
});
