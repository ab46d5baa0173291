import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../../src/platform/config.ts';
import { normaliseHost, refusedRange } from '../../src/platform/outbound/addresses.ts';
import {
  Outbound,
  OutboundError,
  parseAllowList,
  type OutboundCode,
  type ResolveAll,
} from '../../src/platform/outbound/outbound.ts';

/** The guard's refusal or failure, checked by code (and returned for more checks). */
async function refusal(promise: Promise<unknown>, code: OutboundCode): Promise<OutboundError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OutboundError, `an OutboundError, not ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

/** A resolver answering from a table, counting the look-ups; an unknown name does not resolve. */
function table(entries: Record<string, string[]>): ResolveAll & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (name: string) => {
    calls.push(name);
    const addresses = entries[name];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

describe('which addresses are public', () => {
  test('loopback, private, shared, link-local, unique-local, multicast, reserved and their IPv6 forms are refused', () => {
    const refused: Record<string, string> = {
      '127.0.0.1': 'loopback',
      '127.255.0.9': 'loopback',
      '10.20.30.40': 'private',
      '172.16.0.1': 'private',
      '172.31.255.254': 'private',
      '192.168.1.1': 'private',
      '100.64.0.1': 'shared (CGNAT)',
      '100.127.255.255': 'shared (CGNAT)',
      '169.254.169.254': 'link-local',
      '0.0.0.0': 'unspecified',
      '224.0.0.251': 'multicast',
      '239.255.255.250': 'multicast',
      '240.0.0.1': 'reserved',
      '255.255.255.255': 'reserved',
      '192.0.2.10': 'documentation',
      '198.18.0.1': 'benchmarking',
      '::': 'unspecified',
      '::1': 'loopback',
      '::ffff:127.0.0.1': 'loopback (IPv4-mapped)',
      '::ffff:a9fe:a9fe': 'link-local (IPv4-mapped)',
      '::ffff:0:10.0.0.1': 'private (IPv4-translated)',
      '::127.0.0.1': 'reserved (IPv4-compatible)',
      '64:ff9b::a9fe:a9fe': 'link-local (NAT64)',
      '64:ff9b:1::1': 'local-use NAT64',
      '2002:c0a8:101::1': 'private (6to4)',
      'fe80::1': 'link-local',
      'fe80::1%eth0': 'link-local',
      'fc00::1': 'unique-local',
      'fd12:3456::1': 'unique-local',
      'fec0::1': 'site-local',
      'ff02::1': 'multicast',
      '2001:db8::1': 'documentation',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2': 'reserved (IETF protocol assignments, Teredo)',
      '100::1': 'discard-only',
      '4000::1': 'reserved',
      'intranet.example': 'not an IP address',
    };
    for (const [address, range] of Object.entries(refused)) assert.equal(refusedRange(address), range, address);
  });

  test('public IPv4 and global unicast IPv6 addresses are not refused', () => {
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '93.184.215.14',
      '100.63.255.255',
      '100.128.0.0',
      '172.15.255.255',
      '172.32.0.0',
      '169.253.255.255',
      '223.255.255.255',
      '2606:4700:4700::1111',
      '2a00:1450:4001:80b::200e',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
      '2002:808:808::1',
    ])
      assert.equal(refusedRange(address), undefined, address);
  });

  test('a host is read as the URL parser reads it: decimal, hexadecimal and octal forms are 127.0.0.1', () => {
    for (const host of ['0x7f000001', '2130706433', '0177.0.0.1', '127.1', '0x7f.0.0.1', '127.000.000.001'])
      assert.equal(normaliseHost(host), '127.0.0.1', host);
    assert.equal(normaliseHost('[::ffff:127.0.0.1]'), '::ffff:7f00:1');
    assert.equal(normaliseHost('::1'), '::1');
    assert.equal(normaliseHost('IMAP.City.Example.'), 'imap.city.example');
    for (const host of ['', 'a b', 'user@host', 'host:25', 'host/path', 'exa mple.org', '[::1'])
      assert.equal(normaliseHost(host), undefined, host);
  });
});

describe('the operator allow-list (OUTBOUND_ALLOW_HOSTS)', () => {
  test('reads names, addresses and ports, and refuses what is neither', () => {
    assert.deepEqual(parseAllowList('imap.city.local, 127.0.0.1:1143 [fd00::5]:993\n0x0a000001'), {
      ok: true,
      entries: [
        { host: 'imap.city.local' },
        { host: '127.0.0.1', port: 1143 },
        { host: 'fd00::5', port: 993 },
        { host: '10.0.0.1' },
      ],
    });
    const config = loadConfig({ OUTBOUND_ALLOW_HOSTS: 'feeds.city.local:8080', DATA_DIR: '/tmp/ic-config-test' });
    assert.ok(config.ok);
    assert.deepEqual(config.config.outbound.allowHosts, [{ host: 'feeds.city.local', port: 8080 }]);
    const bad = loadConfig({ OUTBOUND_ALLOW_HOSTS: 'ok.example, host:70000, a/b', DATA_DIR: '/tmp/ic-config-test' });
    assert.ok(!bad.ok);
    assert.deepEqual(bad.problems, [
      'OUTBOUND_ALLOW_HOSTS: "host:70000" is not a host name or IP address with an optional port (1 to 65535)',
      'OUTBOUND_ALLOW_HOSTS: "a/b" is not a host name or IP address with an optional port (1 to 65535)',
    ]);
    const none = loadConfig({ DATA_DIR: '/tmp/ic-config-test' });
    assert.deepEqual(none.ok && none.config.outbound.allowHosts, []);
  });
});

describe('the outbound guard resolves, checks and pins', () => {
  const resolve = table({
    'intranet.example': ['10.0.0.7'],
    'metadata.example': ['64:ff9b::a9fe:a9fe'],
    'mixed.example': ['93.184.215.14', '192.168.1.5'],
    'public.example': ['2606:4700:4700::1111', '93.184.215.14'],
    'imap.city.local': ['10.1.2.3'],
  });
  const guard = new Outbound({
    resolve,
    allow: [{ host: 'imap.city.local', port: 993 }, { host: '127.0.0.1', port: 1143 }, { host: 'smtp.city.local' }],
  });

  test('a name resolving to a private address is refused, also when another address is public', async () => {
    const error = await refusal(guard.destination('intranet.example', 443), 'OUTBOUND_ADDRESS_REFUSED');
    assert.equal(
      error.message,
      'OUTBOUND_ADDRESS_REFUSED: intranet.example is not contacted: it is or resolves to a loopback, private, link-local or reserved address (the operator can allow a host in OUTBOUND_ALLOW_HOSTS)',
    );
    assert.equal(error.retryable, false);
    await refusal(guard.destination('mixed.example', 443), 'OUTBOUND_ADDRESS_REFUSED');
    await refusal(guard.destination('metadata.example', 80), 'OUTBOUND_ADDRESS_REFUSED');
    await refusal(guard.destination('0x7f000001', 80), 'OUTBOUND_ADDRESS_REFUSED');
    await refusal(guard.destination('[::ffff:127.0.0.1]', 80), 'OUTBOUND_ADDRESS_REFUSED');
  });

  test('a public name gives every address it resolved to and its name for TLS', async () => {
    assert.deepEqual(await guard.destination('Public.Example', 993), {
      host: 'public.example',
      port: 993,
      addresses: [
        { address: '2606:4700:4700::1111', family: 6 },
        { address: '93.184.215.14', family: 4 },
      ],
      servername: 'public.example',
    });
    assert.deepEqual(await guard.destination('8.8.8.8', 25), {
      host: '8.8.8.8',
      port: 25,
      addresses: [{ address: '8.8.8.8', family: 4 }],
    });
  });

  test('the allow-list opens a name or an address, on its port only when it names one', async () => {
    assert.equal((await guard.destination('imap.city.local', 993)).addresses[0]?.address, '10.1.2.3');
    await refusal(guard.destination('imap.city.local', 143), 'OUTBOUND_ADDRESS_REFUSED');
    assert.equal((await guard.destination('0x7f000001', 1143)).host, '127.0.0.1');
    await refusal(guard.destination('127.0.0.1', 1144), 'OUTBOUND_ADDRESS_REFUSED');
    await refusal(new Outbound({ resolve }).destination('imap.city.local', 993), 'OUTBOUND_ADDRESS_REFUSED');
  });

  test('a name that does not resolve and a host that is not one are refused without detail', async () => {
    const error = await refusal(guard.destination('smtp.city.local', 25), 'OUTBOUND_UNREACHABLE');
    assert.equal(error.message, 'OUTBOUND_UNREACHABLE: the server could not be reached or did not answer as expected');
    assert.equal(error.retryable, true);
    await refusal(guard.destination('mail.example:25', 25), 'OUTBOUND_URL_INVALID');
    await refusal(guard.destination('public.example', 70000), 'OUTBOUND_URL_INVALID');
    await refusal(guard.fetch('ftp://public.example/feed.xml'), 'OUTBOUND_URL_INVALID');
    await refusal(guard.fetch('http://user:secret@public.example/'), 'OUTBOUND_URL_INVALID');
  });
});

describe('fetching through the guard', () => {
  const seen: Array<{ port: number; url: string; host: string | undefined; authorization: string | undefined }> = [];
  let site: Server;
  let other: Server;
  let banner: Server;
  let reset: Server;
  let silent: Server;
  let closed: number;
  const sockets = new Set<Socket>();
  const port = (server: Server) => (server.address() as AddressInfo).port;

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const own = request.socket.localPort ?? 0;
    seen.push({
      port: own,
      url: request.url ?? '',
      host: request.headers.host,
      authorization: request.headers.authorization,
    });
    if (request.url === '/feed.xml') return void response.writeHead(200, { 'content-type': 'text/xml' }).end('<rss/>');
    if (request.url === '/gzip')
      return void response.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('squeezed text'));
    if (request.url === '/large') return void response.writeHead(200).end('x'.repeat(4096));
    if (request.url === '/to-metadata')
      return void response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (request.url === '/to-mapped')
      return void response.writeHead(307, { location: `http://[::ffff:127.0.0.1]:${port(other)}/feed.xml` }).end();
    if (request.url === '/to-other')
      return void response.writeHead(302, { location: `http://127.0.0.1:${port(other)}/feed.xml` }).end();
    if (request.url === '/to-self') return void response.writeHead(301, { location: '/feed.xml' }).end();
    if (request.url === '/post') return void response.writeHead(303, { location: '/feed.xml' }).end();
    response.writeHead(404).end();
  }

  const tcp = async (onSocket: (socket: Socket) => void): Promise<Server> => {
    const server = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
      onSocket(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  };

  before(async () => {
    site = createServer(handle);
    other = createServer(handle);
    for (const server of [site, other]) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    banner = await tcp((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    reset = await tcp((socket) => socket.resetAndDestroy());
    silent = await tcp(() => undefined);
    const probe = await tcp(() => undefined);
    closed = port(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    for (const server of [site, other, banner, reset, silent])
      await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const allowing = (...ports: number[]) =>
    new Outbound({ allow: ports.map((allowed) => ({ host: '127.0.0.1', port: allowed })) });

  test('connects to the checked address, never looking the name up again', async () => {
    // feeds.city.test exists in no DNS: the request only arrives if the socket uses the checked address
    const resolve = table({ 'feeds.city.test': ['127.0.0.1'] });
    const guard = new Outbound({ resolve, allow: [{ host: 'feeds.city.test' }] });
    const response = await guard.fetch(`http://feeds.city.test:${port(site)}/feed.xml`);
    assert.deepEqual([response.status, await response.text()], [200, '<rss/>']);
    assert.equal(seen.at(-1)?.host, `feeds.city.test:${port(site)}`);
    assert.deepEqual(resolve.calls, ['feeds.city.test']);
  });

  test('refuses a loopback address the operator did not allow, before connecting', async () => {
    const before = seen.length;
    await refusal(new Outbound().fetch(`http://127.0.0.1:${port(site)}/feed.xml`), 'OUTBOUND_ADDRESS_REFUSED');
    await refusal(new Outbound().fetch(`http://0x7f000001:${port(site)}/feed.xml`), 'OUTBOUND_ADDRESS_REFUSED');
    await refusal(new Outbound().fetch(`http://localhost:${port(site)}/feed.xml`), 'OUTBOUND_ADDRESS_REFUSED');
    assert.equal(seen.length, before);
  });

  test('checks every redirect again and follows at most five', async () => {
    const guard = allowing(port(site));
    const error = await refusal(guard.fetch(`http://127.0.0.1:${port(site)}/to-metadata`), 'OUTBOUND_ADDRESS_REFUSED');
    assert.match(error.message, /^OUTBOUND_ADDRESS_REFUSED: 169\.254\.169\.254 is not contacted/);
    await refusal(guard.fetch(`http://127.0.0.1:${port(site)}/to-other`), 'OUTBOUND_ADDRESS_REFUSED');
    await refusal(
      allowing(port(site), port(other)).fetch(`http://127.0.0.1:${port(site)}/to-mapped`),
      'OUTBOUND_ADDRESS_REFUSED',
    );
    assert.ok(!seen.some((request) => request.port === port(other)), 'the other server was never reached');
    const manual = await guard.fetch(`http://127.0.0.1:${port(site)}/to-metadata`, { redirect: 'manual' });
    assert.equal(manual.status, 302);
    await refusal(
      guard.fetch(`http://127.0.0.1:${port(site)}/to-self`, { maxRedirects: 0 }),
      'OUTBOUND_TOO_MANY_REDIRECTS',
    );
  });

  test('sends Authorization on a redirect within the origin only, and a POST answered 303 becomes a GET', async () => {
    const guard = allowing(port(site), port(other));
    const headers = { authorization: 'Bearer city-token' };
    await guard.fetch(`http://127.0.0.1:${port(site)}/to-self`, { headers });
    assert.equal(seen.at(-1)?.authorization, 'Bearer city-token');
    await guard.fetch(`http://127.0.0.1:${port(site)}/to-other`, { headers });
    assert.deepEqual([seen.at(-1)?.port, seen.at(-1)?.authorization], [port(other), undefined]);
    const posted = await guard.fetch(`http://127.0.0.1:${port(site)}/post`, { method: 'POST', body: '{}' });
    assert.deepEqual([posted.status, await posted.text()], [200, '<rss/>']);
  });

  test('decodes gzip and refuses an answer above the size limit', async () => {
    const guard = allowing(port(site));
    assert.equal(await (await guard.fetch(`http://127.0.0.1:${port(site)}/gzip`)).text(), 'squeezed text');
    await refusal(
      guard.fetch(`http://127.0.0.1:${port(site)}/large`, { maxBytes: 1024 }),
      'OUTBOUND_RESPONSE_TOO_LARGE',
    );
  });

  test('sends each request on a connection of its own: a server closing an idle keep-alive connection never resets one', async () => {
    // A client that keeps connections alive may send a request on a connection at the instant the server
    // closes it as idle (its keep-alive timeout): the request dies with ECONNRESET. A busy machine makes
    // the instants meet. The guard asks the server to close each connection after its answer instead.
    const asked: string[] = [];
    const keeper = createServer((request, response) => {
      asked.push(request.headers.connection ?? '');
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    keeper.keepAliveTimeout = 40;
    let connections = 0;
    keeper.on('connection', () => connections++);
    await new Promise<void>((resolve) => keeper.listen(0, '127.0.0.1', resolve));
    try {
      const guard = allowing(port(keeper));
      for (const gap of [0, 35, 40, 45, 0]) {
        await new Promise((resolve) => setTimeout(resolve, gap));
        const response = await guard.fetch(`http://127.0.0.1:${port(keeper)}/bot1:T/sendMessage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"chat_id":"1","text":"x"}',
        });
        assert.equal(await response.text(), '{"ok":true}');
      }
      assert.deepEqual(
        asked,
        ['close', 'close', 'close', 'close', 'close'],
        'each request asks for its connection to be closed',
      );
      assert.equal(connections, 5, 'no connection is used twice');
    } finally {
      keeper.closeAllConnections();
      await new Promise<void>((resolve) => keeper.close(() => resolve()));
    }
  });

  test('a closed port, an open one that speaks something else, a reset and a silence give one answer', async () => {
    const guard = allowing(closed, port(banner), port(reset), port(silent));
    const messages = new Set<string>();
    for (const target of [closed, port(banner), port(reset)]) {
      const error = await refusal(guard.fetch(`http://127.0.0.1:${target}/feed.xml`), 'OUTBOUND_UNREACHABLE');
      messages.add(error.message);
    }
    const timedOut = await refusal(
      guard.fetch(`http://127.0.0.1:${port(silent)}/feed.xml`, { timeoutMs: 300 }),
      'OUTBOUND_UNREACHABLE',
    );
    messages.add(timedOut.message);
    assert.deepEqual(
      [...messages],
      ['OUTBOUND_UNREACHABLE: the server could not be reached or did not answer as expected'],
    );
  });
});
