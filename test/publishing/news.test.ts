import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MODULES } from '../../src/main.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { platformMigrations } from '../../src/platform/db/migrations/index.ts';
import { migrate } from '../../src/platform/db/migrator.ts';
import { collectMigrations } from '../../src/platform/module.ts';
import type { PublishingAdapter, PublishingDestination } from '../../src/platform/publishing.ts';
import { sql } from 'kysely';
import { firstOrganisationId } from '../support/factories.ts';
import { buildPost, webDestination } from '../support/publishing-posts.ts';
import { createScratchDatabase, startTestServer, type TestServer } from '../support/server.ts';

// The city's news as published posts: the migration that moved city_news, the news pages reading posts on
// the `web` channel, and the web adapter that puts posts there.
let server: TestServer;
let organisationId: number;

before(async () => {
  server = await startTestServer();
  organisationId = await firstOrganisationId(server);
});
after(() => server.close());

test('the migration moves city_news into published posts with their texts per language, then drops it', async () => {
  const scratch = process.env.DATABASE_URL
    ? await createScratchDatabase(process.env.DATABASE_URL, 'ic_test')
    : undefined;
  const handle = await openDatabase({ databaseUrl: scratch?.url });
  try {
    const all = collectMigrations(platformMigrations, MODULES);
    const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < '20261216_0302'));
    await migrate(handle.db, before);
    const org = await sql<{ id: number }>`
      insert into core_organisation (slug, name, languages, default_language, time_zone, map_center_lat, map_center_lng, map_zoom, branding, is_default)
      values ('old', '{"en":"Old town"}', '{en,it}', 'it', 'Europe/Rome', 45, 9, 12, '{}', true) returning id`.execute(
      handle.db,
    );
    const orgId = org.rows[0]?.id;
    assert.ok(orgId);
    await sql`
      insert into city_news (organisation_id, slug, title, summary, body, published_at) values
      (${orgId}, 'bridge-open', '{"en":"Bridge open","it":"Ponte aperto"}', '{"en":"Short","it":"Breve"}',
       '{"en":"Long text.","it":"Testo lungo."}', '2026-11-01T10:00:00Z'),
      (${orgId}, 'draft-news', '{"en":"Never out"}', '{"en":"-"}', '{"en":"Draft."}', null)`.execute(handle.db);
    await migrate(handle.db, all);
    const posts = await handle.db
      .selectFrom('publishing_post')
      .select(['id', 'slug', 'kind', 'state', 'published_at'])
      .where('organisation_id', '=', orgId)
      .orderBy('slug')
      .execute();
    assert.deepEqual(
      posts.map((post) => [post.slug, post.kind, post.state]),
      [
        ['bridge-open', 'article', 'published'],
        ['draft-news', 'article', 'draft'],
      ],
    );
    assert.equal(new Date(posts[0]?.published_at ?? 0).toISOString(), '2026-11-01T10:00:00.000Z');
    const texts = await handle.db
      .selectFrom('publishing_post_text')
      .select(['language', 'title', 'summary', 'body'])
      .where('post_id', '=', posts[0]?.id ?? 0)
      .orderBy('language')
      .execute();
    assert.deepEqual(texts, [
      { language: 'en', title: 'Bridge open', summary: 'Short', body: 'Long text.' },
      { language: 'it', title: 'Ponte aperto', summary: 'Breve', body: 'Testo lungo.' },
    ]);
    const pages = await handle.db.selectFrom('publishing_web_page').select('post_id').execute();
    assert.deepEqual(
      pages.map((page) => page.post_id),
      [posts[0]?.id],
      'only the published one is on the news pages',
    );
    const delivery = await handle.db
      .selectFrom('publishing_delivery')
      .select(['state', 'language', 'remote_url'])
      .executeTakeFirstOrThrow();
    assert.deepEqual(delivery, { state: 'published', language: 'it', remote_url: '/news/bridge-open' });
    const table = await sql<{ name: string | null }>`select to_regclass('city_news')::text as name`.execute(handle.db);
    assert.equal(table.rows[0]?.name, null, 'city_news is gone');
  } finally {
    await handle.close();
    await scratch?.drop();
  }
});

test('the news pages show posts on the web channel, in the reader’s language, with feeds advertised', async () => {
  const shown = await buildPost(server, organisationId, {
    onWeb: true,
    texts: {
      en: { title: 'Tram line <7> opens', summary: 'From Monday & on weekends.', body: 'First.\n\nSecond.' },
      it: { title: 'Apre la linea del tram 7', summary: 'Da lunedì.', body: 'Primo.\n\nSecondo.' },
    },
  });
  const draft = await buildPost(server, organisationId, {
    state: 'draft',
    texts: { en: { title: 'Secret', body: 'x' } },
  });
  const withdrawn = await buildPost(server, organisationId, {
    onWeb: true,
    state: 'withdrawn',
    texts: { en: { title: 'Withdrawn one', body: 'x' } },
  });
  const future = await buildPost(server, organisationId, {
    onWeb: true,
    publishedAt: new Date(Date.now() + 86_400_000),
    texts: { en: { title: 'Tomorrow’s', body: 'x' } },
  });
  const list = await (await fetch(`${server.url}/news?lang=en`)).text();
  assert.match(list, /Tram line &lt;7&gt; opens/);
  assert.match(list, /From Monday &amp; on weekends\./);
  assert.doesNotMatch(list, /Secret|Withdrawn one|Tomorrow’s/);
  assert.match(
    list,
    /<link rel="alternate" type="application\/rss\+xml" href="http:\/\/localhost:3000\/news\/feed\.rss\?lang=en"/,
  );
  assert.match(
    list,
    /<link rel="alternate" type="application\/atom\+xml" href="http:\/\/localhost:3000\/news\/feed\.atom\?lang=en"/,
  );
  assert.match(
    list,
    /<link rel="alternate" type="application\/feed\+json" href="http:\/\/localhost:3000\/news\/feed\.json\?lang=en"/,
  );

  const italian = await (await fetch(`${server.url}/news/${shown.slug}?lang=it`)).text();
  assert.match(italian, /<h1>Apre la linea del tram 7<\/h1>/);
  assert.match(italian, /<p>Primo\.<\/p><p>Secondo\.<\/p>/);
  assert.match(italian, new RegExp(`<link rel="canonical" href="http://localhost:3000/news/${shown.slug}">`));
  const german = await (await fetch(`${server.url}/news/${shown.slug}?lang=de`)).text();
  assert.match(german, /<h1 lang="en">Tram line &lt;7&gt; opens<\/h1>/, 'a missing language falls back, marked');

  for (const hidden of [draft, withdrawn, future])
    assert.equal((await fetch(`${server.url}/news/${hidden.slug}`)).status, 404);
  assert.equal((await fetch(`${server.url}/news/no-such-news`)).status, 404);
  assert.equal((await fetch(`${server.url}/news?department=nowhere`)).status, 404);

  const home = await (await fetch(`${server.url}/?lang=en`)).text();
  assert.match(home, /Tram line &lt;7&gt; opens/);
});

test('a content warning hides the text behind a disclosure that works without JavaScript', async () => {
  const post = await buildPost(server, organisationId, {
    onWeb: true,
    contentWarning: { en: 'Flood images' },
    texts: { en: { title: 'After the flood', body: 'What happened.' } },
    media: [{ contentType: 'image/jpeg', bytes: 1234, alt: { en: 'A flooded square' } }],
  });
  const page = await (await fetch(`${server.url}/news/${post.slug}?lang=en`)).text();
  assert.match(
    page,
    /<details class="content-warning"><summary>Content warning: Flood images<\/summary><div><p>What happened\.<\/p>/,
  );
  assert.match(page, /<img src="\/publishing\/media\/\d+" alt="A flooded square" width="800" height="600">/);
});

test('the web adapter puts a post on the news pages, answers its status from the database and removes it', async () => {
  const adapter = server.ctx.registry.publishingAdapters.find((a): a is PublishingAdapter => a.kind === 'web');
  assert.ok(adapter, 'the web adapter is registered');
  assert.equal(adapter.limits.maxCharacters, null);
  assert.equal(adapter.limits.title, true);
  assert.deepEqual(await adapter.builtInDestinations?.(server.ctx, organisationId), [
    { key: 'news', name: 'News pages', departmentId: null },
  ]);
  const destinationId = await webDestination(server, organisationId);
  const destination: PublishingDestination = {
    id: destinationId,
    organisationId,
    kind: 'web',
    key: 'news',
    name: 'News pages',
    departmentId: null,
    settings: {},
    secrets: {},
  };
  const post = await buildPost(server, organisationId, {
    state: 'publishing',
    texts: { en: { title: 'Adapter news', body: 'Body.' } },
  });
  const delivery = await server.ctx.db
    .insertInto('publishing_delivery')
    .values({
      organisation_id: organisationId,
      post_id: post.id,
      destination_id: destinationId,
      language: 'en',
      idempotency_key: `test-${post.id}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ref = { deliveryId: delivery.id, idempotencyKey: `test-${post.id}`, remoteId: null, state: {} };
  const signal = new AbortController().signal;
  assert.equal((await fetch(`${server.url}/news/${post.slug}`)).status, 404);
  assert.deepEqual(await adapter.status(destination, ref, server.ctx, signal), { state: 'not_found' });
  const outcome = await adapter.publish(
    destination,
    {
      postId: post.id,
      deliveryId: delivery.id,
      idempotencyKey: `test-${post.id}`,
      organisationId,
      language: 'en',
      title: 'Adapter news',
      text: 'Body.',
      contentWarning: null,
      media: [],
      url: `http://localhost:3000/news/${post.slug}`,
      hashtags: [],
      crisis: false,
      publishedAt: new Date(Date.now() - 1000),
    },
    server.ctx,
    signal,
  );
  const url = `http://localhost:3000/news/${post.slug}`;
  assert.deepEqual(outcome, { state: 'published', remoteId: String(post.id), url });
  assert.equal((await fetch(`${server.url}/news/${post.slug}`)).status, 200);
  // asked without the remote id (a publish that ended in doubt), the delivery's own row finds the post
  assert.deepEqual(await adapter.status(destination, ref, server.ctx, signal), outcome);
  const published = { ...ref, remoteId: String(post.id) };
  assert.ok(adapter.remove !== undefined);
  assert.deepEqual(await adapter.remove(destination, published, server.ctx, signal), { state: 'not_found' });
  assert.deepEqual(await adapter.status(destination, published, server.ctx, signal), { state: 'not_found' });
  assert.equal((await fetch(`${server.url}/news/${post.slug}`)).status, 404);
  assert.deepEqual(adapter.validate?.({ title: ' ' } as never), [{ code: 'TITLE_REQUIRED', field: 'title' }]);
});
