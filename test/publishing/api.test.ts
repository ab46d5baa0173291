import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApiKey } from '../../src/platform/auth/api-keys.ts';
import { TestClient } from '../support/client.ts';
import { buildUser, firstOrganisationId, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The posts API over real HTTP on the demo city: only published posts, keyset pages, fields=, lang=,
// ETags; drafts written by staff with a session or an API key with the publishing.write scope.

let server: TestServer;
let organisationId: number;
const anonymous = () => new TestClient(server.url);

interface ApiPost {
  id?: number;
  kind?: string;
  title?: unknown;
  body?: unknown;
  published_at?: string;
  path?: string | null;
  [key: string]: unknown;
}

before(async () => {
  server = await startTestServer({ demo: true });
  organisationId = await firstOrganisationId(server);
});
after(() => server.close());

async function publishedIds(): Promise<number[]> {
  const rows = await server.ctx.db
    .selectFrom('publishing_post')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('state', '=', 'published')
    .where('withdrawn_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

test('the list holds every published post once, in pages followed by next, and nothing else', async () => {
  const expected = await publishedIds();
  assert.ok(expected.length >= 5, 'the demo city has published posts');
  const seen: ApiPost[] = [];
  let address: string | null = '/api/v1/posts?limit=3';
  let pages = 0;
  while (address) {
    const response = await anonymous().get(address);
    assert.equal(response.status, 200);
    const page = (await response.json()) as { posts: ApiPost[]; next: string | null };
    assert.ok(page.posts.length <= 3);
    if (page.next) assert.equal(response.headers.get('link'), `<${page.next}>; rel="next"`);
    seen.push(...page.posts);
    address = page.next;
    pages += 1;
  }
  assert.ok(pages >= 2, 'more than one page');
  assert.deepEqual(
    seen.map((post) => post.id),
    expected,
  );
  const drafts = await server.ctx.db
    .selectFrom('publishing_post')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('state', '<>', 'published')
    .execute();
  assert.ok(drafts.length > 0, 'the demo city has posts not yet published');
  for (const draft of drafts) assert.ok(!seen.some((post) => post.id === draft.id), `post ${draft.id} is not public`);

  // no people: the fields are those documented, and no author, reviewer or e-mail address appears
  const text = JSON.stringify(seen);
  assert.doesNotMatch(text, /author|reviewer|approv|@valmora\.example/i);
  for (const post of seen)
    assert.deepEqual(Object.keys(post), [
      'id',
      'kind',
      'languages',
      'title',
      'summary',
      'body',
      'content_warning',
      'department',
      'campaign',
      'published_at',
      'corrected_at',
      'path',
    ]);
  const onPage = seen.find((post) => post.path);
  const path = onPage?.path;
  if (!path) return assert.fail('a published post has a page on the news pages');
  assert.ok(path.startsWith('/news/'));
  assert.equal((await anonymous().get(path)).status, 200, 'the path is the post’s public page');
});

test('fields= and lang= shape each post; unknown fields and foreign cursors answer 400', async () => {
  const [first] = await publishedIds();
  const all = (await (await anonymous().get(`/api/v1/posts/${first}`)).json()) as ApiPost;
  assert.equal(typeof all.body, 'object', 'without lang=, one text per language');
  const languages = Object.keys(all.body as Record<string, string>);
  const language = languages[0] as string;
  const one = (await (
    await anonymous().get(`/api/v1/posts/${first}?lang=${language}&fields=id,body`)
  ).json()) as ApiPost;
  assert.deepEqual(one, { id: first, body: (all.body as Record<string, string>)[language] });

  const unknown = await anonymous().get('/api/v1/posts?fields=id,author');
  assert.equal(unknown.status, 400);
  const error = (await unknown.json()) as { error: { code: string; details: { fields: string[] } } };
  assert.equal(error.error.code, 'PUBLISHING_FIELD_UNKNOWN');
  assert.deepEqual(error.error.details.fields, ['author']);

  const foreign = Buffer.from(JSON.stringify({ dataset: 'reports', after: 1 })).toString('base64url');
  const refused = await anonymous().get(`/api/v1/posts?cursor=${foreign}`);
  assert.equal(refused.status, 400);
  assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'PUBLISHING_CURSOR_INVALID');
});

test('a list answer carries an ETag and answers 304 to it', async () => {
  const response = await anonymous().get('/api/v1/posts?limit=5');
  const tag = response.headers.get('etag');
  assert.ok(tag);
  const again = await anonymous().get('/api/v1/posts?limit=5', { 'if-none-match': tag });
  assert.equal(again.status, 304);
});

test('a draft, a post waiting for approval, a withdrawn post and another city’s id answer 404', async () => {
  const hidden = await server.ctx.db
    .selectFrom('publishing_post')
    .select(['id', 'state'])
    .where('organisation_id', '=', organisationId)
    .where('state', 'in', ['in_review', 'scheduled', 'changes_requested'])
    .execute();
  assert.ok(hidden.length > 0);
  for (const post of hidden) {
    const response = await anonymous().get(`/api/v1/posts/${post.id}`);
    assert.equal(response.status, 404, `${post.state} post`);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'PUBLISHING_POST_NOT_FOUND');
  }
  const [, second] = await publishedIds();
  assert.ok(second);
  assert.equal((await anonymous().get(`/api/v1/posts/${second}`)).status, 200);
  await server.ctx.db
    .updateTable('publishing_post')
    .set({ state: 'withdrawn', withdrawn_at: new Date(), withdrawn_reason: 'test' })
    .where('id', '=', second)
    .execute();
  assert.equal((await anonymous().get(`/api/v1/posts/${second}`)).status, 404);
  assert.ok(!(await publishedIds()).includes(second));
  const list = (await (await anonymous().get('/api/v1/posts?limit=200&fields=id')).json()) as { posts: ApiPost[] };
  assert.ok(!list.posts.some((post) => post.id === second));
  assert.equal((await anonymous().get('/api/v1/posts/2147483647')).status, 404);
});

test('staff write a draft with a session or an API key with the publishing.write scope; others are refused', async () => {
  const body = { texts: { en: { title: 'Road works on Via Roma', body: 'From Monday the road is closed at night.' } } };
  const json = { 'content-type': 'application/json' };

  // anonymous (with a valid CSRF token): 401; a resident's session: 403
  const visitor = anonymous();
  const { csrf: visitorCsrf } = await visitor.page('/sign-in');
  const nobody = await visitor.json('POST', '/api/v1/posts', body, { 'x-csrf-token': visitorCsrf });
  assert.equal(nobody.status, 401);
  assert.equal(((await nobody.json()) as { error: { code: string } }).error.code, 'AUTHENTICATION_REQUIRED');
  const resident = await signedInClient(server, { role: 'resident' });
  const residentCsrf = ((await (await resident.client.get('/api/v1/me')).json()) as { csrfToken: string }).csrfToken;
  const refused = await resident.client.json('POST', '/api/v1/posts', body, { 'x-csrf-token': residentCsrf });
  assert.equal(refused.status, 403);

  // a member of staff signed in, with the CSRF header
  const staff = await signedInClient(server, { role: 'staff', name: 'Press officer' });
  const csrf = ((await (await staff.client.get('/api/v1/me')).json()) as { csrfToken: string }).csrfToken;
  assert.equal((await staff.client.json('POST', '/api/v1/posts', body)).status, 403, 'no CSRF header');
  const created = await staff.client.json('POST', '/api/v1/posts', body, { 'x-csrf-token': csrf });
  assert.equal(created.status, 201, await created.clone().text());
  const draft = (await created.json()) as { id: number; state: string; page: string };
  assert.equal(draft.state, 'draft');
  assert.match(draft.page, new RegExp(`/staff/publishing/posts/${draft.id}$`));
  const row = await server.ctx.db
    .selectFrom('publishing_post')
    .select(['state', 'author_id'])
    .where('id', '=', draft.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, { state: 'draft', author_id: staff.user.id });
  assert.equal((await anonymous().get(`/api/v1/posts/${draft.id}`)).status, 404, 'a draft is not public');
  // the editor shows it, as if written there
  const editor = await staff.client.get(`/staff/publishing/posts/${draft.id}`);
  assert.equal(editor.status, 200);
  assert.match(await editor.text(), /Road works on Via Roma/);

  // an API key: with the scope it acts for its issuer; without it, API_KEY_SCOPE
  const issuer = await buildUser(server, { role: 'admin', name: 'Key issuer' });
  const writer = await createApiKey(server.ctx.db, organisationId, 'press tool', issuer.id, ['publishing.write']);
  const reader = await createApiKey(server.ctx.db, organisationId, 'queue reader', issuer.id, ['reports.read']);
  const byKey = await anonymous().request('POST', '/api/v1/posts', {
    body: JSON.stringify(body),
    headers: { ...json, authorization: `Bearer ${writer.key}` },
  });
  assert.equal(byKey.status, 201, await byKey.clone().text());
  const keyed = (await byKey.json()) as { id: number };
  const audit = await server.ctx.db
    .selectFrom('core_audit_log')
    .selectAll()
    .where('subject_type', '=', 'publishing_post')
    .where('subject_id', '=', String(keyed.id) as never)
    .execute();
  assert.ok(
    audit.some((entry) => JSON.stringify(entry).includes('press tool')),
    'the audit names the key',
  );
  const scoped = await anonymous().request('POST', '/api/v1/posts', {
    body: JSON.stringify(body),
    headers: { ...json, authorization: `Bearer ${reader.key}` },
  });
  assert.equal(scoped.status, 403);
  assert.equal(((await scoped.json()) as { error: { code: string } }).error.code, 'API_KEY_SCOPE');

  // the editor's checks: a language the city does not use, no body
  const invalid = await anonymous().request('POST', '/api/v1/posts', {
    body: JSON.stringify({ texts: { xx: { body: 'x' } } }),
    headers: { ...json, authorization: `Bearer ${writer.key}` },
  });
  assert.equal(invalid.status, 400);
  const problem = (await invalid.json()) as { error: { code: string; details: { problems: Record<string, string> } } };
  assert.equal(problem.error.code, 'PUBLISHING_POST_INVALID');
  assert.ok(problem.error.details.problems.body_xx);
  const before = await server.ctx.db
    .selectFrom('publishing_post')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const extra = await anonymous().request('POST', '/api/v1/posts', {
    body: JSON.stringify({ ...body, authorId: 1 }),
    headers: { ...json, authorization: `Bearer ${writer.key}` },
  });
  assert.equal(extra.status, 400, 'an unknown property is refused');
  const afterCount = await server.ctx.db
    .selectFrom('publishing_post')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  assert.equal(Number(afterCount.n), Number(before.n));
});
