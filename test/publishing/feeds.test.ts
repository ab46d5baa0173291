import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { parseFeed } from '../../src/modules/inbox/channels/feed-parse.ts';
import { firstOrganisationId } from '../support/factories.ts';
import { buildCampaign, buildPost } from '../support/publishing-posts.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The feeds of published posts checked by outside validators: a strict XML 1.0 parser with namespaces
// (saxes, as for Open311) reading RSS 2.0 and Atom 1.0 into elements whose required children, namespaces and
// date formats are checked; a JSON Schema of JSON Feed 1.1 (written from the spec) checked by ajv; and the
// inbox's own feed reader as a second reading.

interface Element {
  uri: string;
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

/** Parses strictly (the first complaint fails the test) into a tree of namespaced elements. */
function parseStrict(xml: string): Element {
  const parser = new SaxesParser({ xmlns: true });
  const stack: Element[] = [];
  let root: Element | undefined;
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const element: Element = {
      uri: tag.uri,
      name: tag.local,
      attributes: Object.fromEntries(Object.values(tag.attributes).map((a) => [a.name, a.value])),
      children: [],
      text: '',
    };
    stack.at(-1)?.children.push(element);
    stack.push(element);
    root ??= element;
  });
  parser.on('text', (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  assert.ok(root);
  return root;
}

const child = (element: Element, name: string, uri?: string) =>
  element.children.find((c) => c.name === name && (uri === undefined || c.uri === uri));
const children = (element: Element, name: string) => element.children.filter((c) => c.name === name);

const RFC822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ATOM = 'http://www.w3.org/2005/Atom';
const MEDIA = 'http://search.yahoo.com/mrss/';

let server: TestServer;
let organisationId: number;
let departmentSlug: string;
let campaignSlug: string;
const PUBLISHED = new Date('2026-11-20T08:30:00Z');
const TITLE = 'Bus & tram: <new> "lines" ]]> from 1 December\u0007';

before(async () => {
  server = await startTestServer();
  organisationId = await firstOrganisationId(server);
  // before any request (the host lookup caches the city for a few seconds): a city in English and Italian
  await server.ctx.db
    .updateTable('core_organisation')
    .set({ languages: ['en', 'it'] })
    .where('id', '=', organisationId)
    .execute();
  const department = await server.ctx.db
    .insertInto('core_department')
    .values({
      organisation_id: organisationId,
      slug: `mobility-${Date.now()}`,
      name: JSON.stringify({ en: 'Mobility' }),
    })
    .returning(['id', 'slug'])
    .executeTakeFirstOrThrow();
  departmentSlug = department.slug;
  const campaign = await buildCampaign(server, organisationId, {
    name: { en: 'Move green' },
    hashtags: ['#MoveGreen'],
  });
  campaignSlug = campaign.slug;
  await buildPost(server, organisationId, {
    onWeb: true,
    publishedAt: PUBLISHED,
    departmentId: department.id,
    campaignId: campaign.id,
    contentWarning: { en: 'Roadworks noise', it: 'Rumore dei cantieri' },
    texts: {
      en: { title: TITLE, summary: 'Two new lines.', body: 'Line 8 & line 9.\n\nTimetables <soon>.' },
      it: { title: 'Bus e tram: nuove linee', summary: 'Due linee nuove.', body: 'Linea 8 e linea 9.' },
    },
    media: [{ contentType: 'image/jpeg', bytes: 48213, alt: { en: 'Map of "line 8" & 9', it: 'Mappa delle linee' } }],
  });
  await buildPost(server, organisationId, {
    onWeb: true,
    publishedAt: new Date('2026-11-18T10:00:00Z'),
    texts: { en: { title: 'Only in English', body: 'Library hours.' } },
  });
});
after(() => server.close());

async function get(path: string): Promise<{ type: string; body: string }> {
  const response = await fetch(`${server.url}${path}`);
  assert.equal(response.status, 200, path);
  return { type: response.headers.get('content-type') ?? '', body: await response.text() };
}

test('RSS 2.0: well-formed, required elements, RFC 822 dates, escaped texts, warning first, enclosure with alt text', async () => {
  const { type, body } = await get('/news/feed.rss?lang=en');
  assert.equal(type, 'application/rss+xml; charset=utf-8');
  const rss = parseStrict(body);
  assert.equal(rss.name, 'rss');
  assert.equal(rss.attributes.version, '2.0');
  const channel = child(rss, 'channel');
  assert.ok(channel);
  for (const required of ['title', 'link', 'description']) assert.ok(child(channel, required)?.text, required);
  assert.equal(child(channel, 'link')?.text, 'http://localhost:3000/news');
  assert.equal(child(channel, 'language')?.text, 'en');
  assert.match(child(channel, 'lastBuildDate')?.text ?? '', RFC822);
  const self = child(channel, 'link', ATOM);
  assert.deepEqual(
    [self?.attributes.rel, self?.attributes.href],
    ['self', 'http://localhost:3000/news/feed.rss?lang=en'],
  );
  const items = children(channel, 'item');
  const item = items.find((i) => child(i, 'title')?.text.startsWith('Bus'));
  assert.ok(item);
  assert.equal(
    child(item, 'title')?.text,
    'Bus & tram: <new> "lines" ]]> from 1 December',
    'escaped, the bell taken out',
  );
  assert.equal(child(item, 'pubDate')?.text, 'Fri, 20 Nov 2026 08:30:00 GMT');
  assert.match(child(item, 'link')?.text ?? '', /^http:\/\/localhost:3000\/news\/post-/);
  assert.equal(child(item, 'guid')?.attributes.isPermaLink, 'true');
  const description = child(item, 'description')?.text ?? '';
  assert.ok(description.startsWith('<p><strong>Content warning: Roadworks noise</strong></p>'), description);
  assert.match(description, /<p>Line 8 &amp; line 9\.<\/p>\n<p>Timetables &lt;soon&gt;\.<\/p>/);
  const enclosure = child(item, 'enclosure');
  assert.deepEqual(enclosure?.attributes, {
    url: enclosure?.attributes.url,
    length: '48213',
    type: 'image/jpeg',
  });
  assert.ok(enclosure);
  assert.match(enclosure.attributes.url ?? '', /^http:\/\/localhost:3000\/publishing\/media\/\d+$/);
  const media = child(item, 'content', MEDIA);
  assert.equal(child(media ?? item, 'description', MEDIA)?.text, 'Map of "line 8" & 9');
  assert.equal(child(item, 'category')?.text, 'MoveGreen');
  // second reading: the inbox's own feed reader
  const parsed = parseFeed(body, 'http://localhost:3000/news/feed.rss');
  assert.equal(parsed.format, 'rss');
  assert.equal(parsed.entries.length, 2);
  assert.equal(parsed.entries[0]?.published?.toISOString(), PUBLISHED.toISOString());
});

test('Atom 1.0: namespace, ids, RFC 3339 dates, author, html content, enclosure links titled with alt text', async () => {
  const { type, body } = await get('/news/feed.atom?lang=en');
  assert.equal(type, 'application/atom+xml; charset=utf-8');
  const feed = parseStrict(body);
  assert.equal(feed.name, 'feed');
  assert.equal(feed.uri, ATOM);
  for (const required of ['id', 'title', 'updated']) assert.ok(child(feed, required)?.text, required);
  assert.match(child(feed, 'updated')?.text ?? '', RFC3339);
  assert.ok(child(child(feed, 'author') ?? feed, 'name')?.text);
  const links = children(feed, 'link');
  assert.ok(
    links.some(
      (l) => l.attributes.rel === 'self' && l.attributes.href === 'http://localhost:3000/news/feed.atom?lang=en',
    ),
  );
  const entries = children(feed, 'entry');
  assert.equal(entries.length, 2);
  for (const entry of entries) {
    for (const required of ['id', 'title', 'updated', 'published']) assert.ok(child(entry, required)?.text, required);
    assert.match(child(entry, 'updated')?.text ?? '', RFC3339);
    assert.match(child(entry, 'published')?.text ?? '', RFC3339);
    assert.match(child(entry, 'id')?.text ?? '', /^http:\/\/localhost:3000\//);
  }
  const entry = entries[0];
  assert.ok(entry);
  assert.equal(child(entry, 'published')?.text, '2026-11-20T08:30:00Z');
  assert.equal(child(entry, 'content')?.attributes.type, 'html');
  assert.match(child(entry, 'content')?.text ?? '', /^<p><strong>Content warning: Roadworks noise<\/strong><\/p>/);
  const enclosure = children(entry, 'link').find((l) => l.attributes.rel === 'enclosure');
  assert.ok(enclosure);
  assert.equal(enclosure.attributes.title, 'Map of "line 8" & 9');
  assert.equal(enclosure.attributes.length, '48213');
  const parsed = parseFeed(body, 'http://localhost:3000/news/feed.atom');
  assert.equal(parsed.format, 'atom');
  assert.equal(parsed.entries[0]?.url, child(entry, 'id')?.text);
});

test('JSON Feed 1.1: valid against the schema, absolute addresses, attachments with alt text', async () => {
  const { type, body } = await get('/news/feed.json?lang=en');
  assert.equal(type, 'application/feed+json; charset=utf-8');
  const schema = JSON.parse(
    readFileSync(new URL('../fixtures/publishing/jsonfeed-1.1.schema.json', import.meta.url), 'utf8'),
  ) as object;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  const feed = JSON.parse(body) as {
    feed_url: string;
    items: Array<{
      title: string;
      date_published: string;
      content_html: string;
      attachments?: Array<{ title: string; url: string }>;
    }>;
  };
  assert.ok(validate(feed), JSON.stringify(validate.errors));
  assert.equal(feed.feed_url, 'http://localhost:3000/news/feed.json?lang=en');
  const first = feed.items[0];
  assert.ok(first);
  assert.equal(first.date_published, '2026-11-20T08:30:00Z');
  assert.equal(first.title, 'Bus & tram: <new> "lines" ]]> from 1 December');
  assert.match(first.content_html, /^<p><strong>Content warning: Roadworks noise<\/strong><\/p>/);
  assert.equal(first.attachments?.[0]?.title, 'Map of "line 8" & 9');
  // the schema is not a rubber stamp: it refuses what JSON Feed 1.1 does not allow
  assert.equal(validate({ ...feed, version: 'https://jsonfeed.org/version/1' }), false);
  assert.equal(validate({ ...feed, items: [{ id: 'x' }] }), false, 'an item needs content');
  assert.equal(validate({ ...feed, items: [{ id: 'x', content_text: 'y', date_published: '20 Nov 2026' }] }), false);
});

test('feeds per language, department and campaign hold only their posts; bad input gives stable codes', async () => {
  const italian = JSON.parse((await get('/news/feed.json?lang=it')).body) as {
    language: string;
    items: Array<{ title: string; language: string }>;
  };
  assert.equal(italian.language, 'it');
  assert.deepEqual(
    italian.items.map((i) => [i.title, i.language]),
    [['Bus e tram: nuove linee', 'it']],
    'only posts written in Italian, in Italian',
  );
  const department = parseStrict((await get(`/news/departments/${departmentSlug}/feed.atom`)).body);
  assert.equal(children(department, 'entry').length, 1);
  assert.match(child(department, 'title')?.text ?? '', /^Mobility — /);
  const campaign = parseStrict((await get(`/news/campaigns/${campaignSlug}/feed.rss`)).body);
  assert.equal(children(child(campaign, 'channel') ?? campaign, 'item').length, 1);
  const city = JSON.parse((await get('/news/feed.json')).body) as { items: unknown[] };
  assert.equal(city.items.length, 2);

  const badLanguage = await fetch(`${server.url}/news/feed.rss?lang=xx`, { headers: { accept: 'application/json' } });
  assert.equal(badLanguage.status, 400);
  assert.equal(((await badLanguage.json()) as { error: { code: string } }).error.code, 'PUBLISHING_FEED_LANGUAGE');
  const unknown = await fetch(`${server.url}/news/departments/nowhere/feed.json`, {
    headers: { accept: 'application/json' },
  });
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'PUBLISHING_FEED_NOT_FOUND');
  const page = await (await fetch(`${server.url}/news?department=${departmentSlug}&lang=en`)).text();
  assert.match(
    page,
    new RegExp(
      `<link rel="alternate" type="application/atom\\+xml" href="http://localhost:3000/news/departments/${departmentSlug}/feed.atom\\?lang=en"`,
    ),
  );
});
