import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/database.ts';
import { addCity } from '../../src/platform/organisations/operator.ts';
import { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let port: string;
before(async () => {
  server = await startTestServer();
  port = new URL(server.url).port;
  const added = await addCity(
    server.ctx.db,
    server.organisations,
    { slug: 'brugmont', name: 'Brugmont', url: `http://brugmont.example:${port}`, language: 'nl' },
    'test',
  );
  assert.ok(added.ok);
});
after(() => server.close());

/** A GET with node:http: it sets Host and hands back the bytes as sent (still compressed). */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(new URL(path, server.url), { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, text: body.toString('utf8') });
      });
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** A visitor with their own anonymous cookie (taken from a first page view). */
async function visitor(): Promise<{ cookie: string; token: string }> {
  const first = await rawGet('/sign-in');
  const setCookie = first.headers['set-cookie']?.find((cookie) => cookie.startsWith('ic_anon='));
  assert.ok(setCookie, 'a first visit sets the anonymous cookie');
  const cookie = setCookie.split(';')[0] as string;
  const token = /name="_csrf" value="([^"]+)"/.exec(first.text)?.[1];
  assert.ok(token);
  return { cookie, token };
}

const tokens = (html: string) => [...html.matchAll(/name="_csrf" value="([^"]+)"/g)].map((match) => match[1]);

/** A district of the default city, stored through `db` (watched by the page cache, or not). */
async function insertDistrict(db: Db, name: string): Promise<void> {
  const [city] = await server.organisations.findAll();
  assert.ok(city);
  const code = name.toLowerCase().replace(/\W+/g, '-');
  const square = {
    type: 'Polygon',
    coordinates: [
      [
        [4, 50],
        [4.01, 50],
        [4.01, 50.01],
        [4, 50],
      ],
    ],
  };
  await sql`insert into places_district (organisation_id, kind, code, name, geometry, min_lng, min_lat, max_lng, max_lat)
    values (${city.id}, 'district', ${code}, ${JSON.stringify({ en: name })}, ${JSON.stringify(square)}, 4, 50, 4.01, 50.01)`.execute(
    db,
  );
}

describe('page cache', () => {
  test('serves an anonymous page once rendered, each visitor with their own CSRF token, which their forms accept', async () => {
    const first = await visitor();
    const second = await visitor();
    assert.notEqual(first.token, second.token);
    await rawGet('/', { cookie: first.cookie });
    const hits = server.app.pageCache.stats.hits;
    const seenBySecond = await rawGet('/', { cookie: second.cookie });
    assert.equal(seenBySecond.status, 200);
    assert.equal(server.app.pageCache.stats.hits, hits + 1, 'the second visitor got the stored page');
    assert.ok(!seenBySecond.text.includes(first.token), 'never the first visitor’s token');
    assert.ok(tokens(seenBySecond.text).length > 0);
    for (const token of tokens(seenBySecond.text)) assert.equal(token, second.token);
    assert.equal(seenBySecond.headers['cache-control'], 'private, no-cache');

    // the language switch on the stored page works for the visitor it was served to, not for another
    const client = new TestClient(server.url);
    const [name = '', value = ''] = second.cookie.split('=');
    client.cookies.set(name, value);
    const switched = await client.postForm('/language', { _csrf: second.token, lang: 'fr', next: '/' });
    assert.equal(switched.status, 303);
    const refused = await client.postForm('/language', { _csrf: first.token, lang: 'fr', next: '/' });
    assert.equal(refused.status, 403);
  });

  test('a signed-in resident never gets the anonymous page, and their page is never served to anyone', async () => {
    const { client } = await signedInClient(server, { name: 'Rosalind Example' });
    const anonymous = await visitor();
    await rawGet('/', { cookie: anonymous.cookie });
    const hits = server.app.pageCache.stats.hits;
    const mine = await client.page('/');
    assert.match(mine.html, /Rosalind Example/);
    assert.match(mine.html, /action="\/sign-out"/);
    assert.equal(mine.response.headers.get('cache-control'), 'no-store');
    const again = await rawGet('/', { cookie: anonymous.cookie });
    assert.equal(server.app.pageCache.stats.hits, hits + 1, 'only the anonymous view came from the cache');
    assert.doesNotMatch(again.text, /Rosalind Example|sign-out/);
  });

  test('a one-time notice is shown to its visitor only, never stored', async () => {
    const anonymous = await visitor();
    await rawGet('/', { cookie: anonymous.cookie });
    const noticed = await rawGet('/', { cookie: `${anonymous.cookie}; ic_notice=reports.notice.confirmed` });
    assert.match(noticed.text, /class="notice"/);
    const after = await rawGet('/', { cookie: anonymous.cookie });
    assert.doesNotMatch(after.text, /class="notice"/);
  });

  test('answers 304 to If-None-Match with the visitor’s current tag, 200 to another visitor sending it', async () => {
    const one = await visitor();
    const other = await visitor();
    const page = await rawGet('/news', { cookie: one.cookie });
    const tag = page.headers.etag;
    assert.match(String(tag), /^W\/"/);
    const again = await rawGet('/news', { cookie: one.cookie, 'if-none-match': String(tag) });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const elsewhere = await rawGet('/news', { cookie: other.cookie, 'if-none-match': String(tag) });
    assert.equal(elsewhere.status, 200, 'the tag covers the token: another visitor gets their own page');
  });

  test('feeds carry an ETag and answer 304', async () => {
    const feed = await rawGet('/reports/feed.atom');
    assert.equal(feed.status, 200);
    const tag = String(feed.headers.etag);
    assert.match(tag, /^W\/"/);
    assert.equal((await rawGet('/reports/feed.atom', { 'if-none-match': tag })).status, 304);
  });

  test('a stored page is sent gzip-compressed and decodes to the page with the visitor’s token', async () => {
    const one = await visitor();
    const plain = await rawGet('/', { cookie: one.cookie });
    const zipped = await rawGet('/', { cookie: one.cookie, 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.match(String(zipped.headers.vary), /accept-encoding/i);
    assert.equal(gunzipSync(zipped.body).toString('utf8'), plain.text);
    assert.ok(zipped.body.length < plain.body.length / 2);
    const refused = await rawGet('/', { cookie: one.cookie, 'accept-encoding': 'gzip;q=0' });
    assert.equal(refused.headers['content-encoding'], undefined);
  });

  test('cities and languages each have their own pages', async () => {
    const one = await visitor();
    const home = await rawGet('/', { cookie: one.cookie });
    const brugmont = await rawGet('/', { cookie: one.cookie, host: `brugmont.example:${port}` });
    assert.match(brugmont.text, /Brugmont/);
    assert.notEqual(brugmont.text, home.text);
    assert.doesNotMatch(home.text, /Brugmont/);
    const french = await rawGet('/?lang=fr', { cookie: one.cookie });
    assert.match(french.text, /<html lang="fr"/);
    const german = await rawGet('/', { cookie: one.cookie, 'accept-language': 'de' });
    assert.match(german.text, /<html lang="de"/);
    assert.match((await rawGet('/', { cookie: one.cookie })).text, /<html lang="en"/);
  });

  test('a write shows at once on this server; a change the server did not see shows within the TTL', async () => {
    const one = await visitor();
    await rawGet('/', { cookie: one.cookie });
    // through the platform's database handle (a use case, a job): the next view is fresh
    await insertDistrict(server.ctx.db, 'Northbank Quarter');
    assert.match((await rawGet('/', { cookie: one.cookie })).text, /Northbank Quarter/);

    // another server process (here: the same database without the platform's watch) changes the data
    const stored = await rawGet('/', { cookie: one.cookie });
    assert.doesNotMatch(stored.text, /Southgate Meadows/);
    const started = Date.now();
    await insertDistrict(server.ctx.db.withoutPlugins(), 'Southgate Meadows');
    assert.doesNotMatch((await rawGet('/', { cookie: one.cookie })).text, /Southgate Meadows/, 'still the stored page');
    let seen = false;
    while (!seen && Date.now() - started < server.app.pageCache.ttlMs + 2000) {
      seen = /Southgate Meadows/.test((await rawGet('/', { cookie: one.cookie })).text);
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(seen, `shown within ${Date.now() - started} ms`);
  });

  test('book-keeping writes and statements that change no row leave stored pages alone', async () => {
    const [city] = await server.organisations.findAll();
    assert.ok(city);
    const cache = server.app.pageCache;
    const before = cache.version(city.id);
    await sql`update places_district set population = 1 where false`.execute(server.ctx.db);
    await sql`select id from places_district for update skip locked`.execute(server.ctx.db);
    await sql`delete from core_rate_limit where false`.execute(server.ctx.db);
    await sql`insert into core_rate_limit (organisation_id, key, window_start, hits) values (${city.id}, 'page-cache-test', now(), 1)`.execute(
      server.ctx.db,
    );
    assert.equal(cache.version(city.id), before);
    await sql`update places_district set population = 2 where code = 'northbank-quarter'`.execute(server.ctx.db);
    assert.notEqual(cache.version(city.id), before, 'a change to a public table does');
  });
});
