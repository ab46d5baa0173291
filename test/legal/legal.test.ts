import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/platform/i18n/translate.ts';
import { TestClient } from '../support/client.ts';
import { buildUser, lastMailTo, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The code of conduct and the privacy notice (issue 14 §2): public pages with the platform's standard
 * texts, linked from the footer and the sign-up form; administrators publish new versions (with a
 * preview); sign-up records the versions accepted; a resident who accepted an older version is asked
 * again before they can write.
 */

const en = translator('en');
const HTML = { accept: 'text/html,application/xhtml+xml' };
let server: TestServer;
let admin: Awaited<ReturnType<typeof signedInClient>>;

const escape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&#39;')
    .replace(/"/g, '&quot;');

async function acceptances(userId: number) {
  return server.ctx.db
    .selectFrom('legal_acceptance')
    .select(['kind', 'version'])
    .where('user_id', '=', userId)
    .orderBy('kind')
    .orderBy('version')
    .execute();
}

/** Publishes a text through the administrators' form; returns the response. */
async function publish(kind: 'privacy' | 'conduct', text: string, intent = 'publish') {
  const { csrf } = await admin.client.page(`/admin/legal/${kind}`);
  return admin.client.postForm(`/admin/legal/${kind}`, { _csrf: csrf, text_en: text, intent });
}

async function signUp(client: TestClient, email: string) {
  const response = await client.submit('/sign-up', '/sign-up', {
    displayName: 'Nadia New',
    email,
    password: 'a long enough password',
    acceptTerms: 'yes',
  });
  assert.equal(response.status, 200);
  const user = await server.ctx.db
    .selectFrom('core_user')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return user.id;
}

before(async () => {
  server = await startTestServer();
  admin = await signedInClient(server, { role: 'admin' });
});
after(() => server.close());

describe('the texts before the city writes its own', () => {
  test('/privacy and /code-of-conduct are public, in the reader’s language, and linked from every page’s footer', async () => {
    const visitor = new TestClient(server.url);
    const privacy = await visitor.get('/privacy');
    assert.equal(privacy.status, 200);
    const page = await privacy.text();
    assert.match(page, new RegExp(`<h1>${en('legal.privacy.title')}</h1>`));
    assert.match(page, /<h2>Your rights<\/h2>/);
    assert.match(page, /<a href="\/contact">the contact page<\/a>/);
    assert.ok(page.includes(escape(en('legal.version.standard'))));
    const conduct = await (await visitor.get('/code-of-conduct?lang=de')).text();
    assert.match(conduct, /<h1>Verhaltensregeln<\/h1>/);
    assert.match(conduct, /<h2>Respektvoll bleiben<\/h2>/);
    const home = await (await visitor.get('/')).text();
    const footer = /<footer[^]*<\/footer>/.exec(home)?.[0] ?? '';
    assert.match(footer, new RegExp(`<a href="/privacy">${en('legal.privacy.title')}</a>`));
    assert.match(footer, new RegExp(`<a href="/code-of-conduct">${en('legal.conduct.title')}</a>`));
  });

  test('the sign-up form links to both texts, and a new account records the versions it accepted', async () => {
    const visitor = new TestClient(server.url);
    const form = await (await visitor.get('/sign-up')).text();
    assert.match(form, /id="acceptTerms-hint">[^]*<a href="\/code-of-conduct">[^]*<a href="\/privacy">/);
    assert.match(form, /id="acceptTerms"[^>]*aria-describedby="acceptTerms-hint"/);
    const id = await signUp(visitor, `standard.${Date.now()}@example.org`);
    assert.deepEqual(await acceptances(id), [
      { kind: 'conduct', version: 0 },
      { kind: 'privacy', version: 0 },
    ]);
  });
});

describe('administrators publish a new version', () => {
  test('only administrators; a preview shows the text made safe; an empty main language is refused', async () => {
    const resident = await signedInClient(server);
    assert.equal((await resident.client.get('/admin/legal')).status, 403);
    assert.equal((await resident.client.get('/admin/legal/conduct')).status, 403);
    assert.equal((await admin.client.get('/admin/legal/nonsense')).status, 404);

    const edit = await (await admin.client.get('/admin/legal/conduct')).text();
    assert.ok(edit.includes('# A shared space'), 'the form starts from the text in force');

    const preview = await publish(
      'conduct',
      '# Be kind\nNo <script>alert(1)</script> here.\n\n- [a trap](javascript:alert(1))\n- [a real link](https://example.org/rules)',
      'preview',
    );
    assert.equal(preview.status, 200);
    const html = await preview.text();
    assert.match(html, /<h3>Be kind<\/h3>/);
    assert.match(html, /No &lt;script&gt;alert\(1\)&lt;\/script&gt; here\./);
    assert.doesNotMatch(html, /href="javascript:/);
    assert.match(html, /<li>\[a trap\]\(javascript:alert\(1\)\)<\/li>/);
    assert.match(html, /<li><a href="https:\/\/example.org\/rules">a real link<\/a><\/li>/);
    const stored = () => server.ctx.db.selectFrom('legal_text').select('id').execute();
    assert.equal((await stored()).length, 0, 'a preview stores nothing');

    const empty = await publish('conduct', '   ');
    assert.equal(empty.status, 400);
    assert.ok((await empty.text()).includes(escape(en('legal.error.required'))));
    const tooLong = await publish('conduct', 'x'.repeat(50_001));
    assert.equal(tooLong.status, 400);
    assert.equal((await stored()).length, 0);
  });

  test('a resident who accepted an older version is asked again before writing; accepting records it', async () => {
    const resident = await signedInClient(server);
    const staff = await signedInClient(server, { role: 'moderator' });
    // before any publication nobody is stopped
    assert.equal((await resident.client.get('/', HTML)).status, 200);

    const published = await publish('conduct', '# Be kind\nCity rules, version one.');
    assert.equal(published.status, 303);
    const row = await server.ctx.db.selectFrom('legal_text').selectAll().executeTakeFirstOrThrow();
    assert.deepEqual([row.kind, row.version], ['conduct', 1]);
    assert.ok(
      await server.ctx.db
        .selectFrom('core_audit_log')
        .select('id')
        .where('action', '=', 'legal.publish')
        .executeTakeFirst(),
    );
    const publicPage = await (await new TestClient(server.url).get('/code-of-conduct')).text();
    assert.match(publicPage, /City rules, version one\./);
    assert.match(publicPage, /Version 1, published on/);

    // the next page view is the interstitial; writing is refused (API) or sent there (forms)
    const home = await resident.client.get('/', HTML);
    assert.equal(home.status, 303);
    assert.equal(home.headers.get('location'), '/legal/accept?next=%2F');
    const { csrf } = await resident.client.page('/account');
    const api = await resident.client.request('PUT', '/api/v1/proposals/1/support', {
      headers: { 'x-csrf-token': csrf },
    });
    assert.equal(api.status, 403);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'LEGAL_ACCEPTANCE_REQUIRED');
    const form = await resident.client.request('POST', '/proposals/1/support', {
      body: new URLSearchParams({ _csrf: csrf, support: 'yes' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', referer: `${server.url}/proposals/1` },
    });
    assert.equal(form.status, 303);
    assert.equal(form.headers.get('location'), '/legal/accept?next=%2Fproposals%2F1');
    // reading the texts and one's own account stay open; staff and moderators are not asked
    assert.equal((await resident.client.get('/account', HTML)).status, 200);
    assert.equal((await resident.client.get('/privacy', HTML)).status, 200);
    assert.equal((await staff.client.get('/', HTML)).status, 200);

    const interstitial = await resident.client.page('/legal/accept?next=%2Fproposals');
    assert.equal(interstitial.response.status, 200);
    assert.match(interstitial.html, /City rules, version one\./);
    assert.match(interstitial.html, /<input type="hidden" name="conduct" value="1">/);
    assert.doesNotMatch(interstitial.html, /name="privacy"/, 'only the text that changed is asked for');
    const accepted = await resident.client.postForm('/legal/accept', {
      _csrf: interstitial.csrf,
      next: '/proposals',
      conduct: '1',
    });
    assert.equal(accepted.status, 303);
    assert.equal(accepted.headers.get('location'), '/proposals');
    assert.deepEqual(await acceptances(resident.user.id), [{ kind: 'conduct', version: 1 }]);
    assert.equal((await resident.client.get('/', HTML)).status, 200);
    // nothing left to accept: the interstitial sends back at once
    assert.equal((await resident.client.get('/legal/accept?next=%2Fnews')).headers.get('location'), '/news');

    // a new account accepts the versions in force when it signs up, and is not asked again
    const newcomer = new TestClient(server.url);
    const email = `after.${Date.now()}@example.org`;
    const id = await signUp(newcomer, email);
    assert.deepEqual(await acceptances(id), [
      { kind: 'conduct', version: 1 },
      { kind: 'privacy', version: 0 },
    ]);
    const mail = await lastMailTo(server, email);
    const link = /(\/confirm\?token=[\w-]+)/.exec(mail?.text_body ?? '')?.[1];
    assert.ok(link);
    await newcomer.get(link);
    await newcomer.submit('/sign-in', '/sign-in', { email, password: 'a long enough password' });
    assert.equal((await newcomer.get('/', HTML)).status, 200);
  });

  test('a bad acceptance form changes nothing; the acceptances are exported and erased with the account', async () => {
    const user = await buildUser(server);
    const resident = new TestClient(server.url);
    await resident.submit('/sign-in', '/sign-in', { email: user.email, password: user.password });
    const { csrf } = await resident.page('/legal/accept');
    const bad = await resident.postForm('/legal/accept', { _csrf: csrf, conduct: 'one' });
    assert.equal(bad.status, 400);
    const future = await resident.postForm('/legal/accept', { _csrf: csrf, conduct: '99', next: '//evil.example' });
    assert.equal(future.status, 303);
    assert.equal(future.headers.get('location'), '/');
    assert.deepEqual(await acceptances(user.id), [], 'a version not published is not recorded');
    await resident.postForm('/legal/accept', { _csrf: csrf, conduct: '1', privacy: '0' });
    const exported = (await (await resident.get('/api/v1/me/export')).json()) as {
      legal: { acceptedTexts: Array<{ text: string; version: number }> };
    };
    assert.deepEqual(exported.legal.acceptedTexts.map((entry) => `${entry.text}:${entry.version}`).sort(), [
      'conduct:1',
      'privacy:0',
    ]);
    const deleted = await resident.postForm('/account/delete', { _csrf: csrf, deletePassword: user.password });
    assert.equal(deleted.status, 303);
    assert.deepEqual(await acceptances(user.id), []);
  });

  test('the moderation page shows the code of conduct in force', async () => {
    const moderator = await signedInClient(server, { role: 'moderator' });
    const page = await (await moderator.client.get('/admin/participation/moderation')).text();
    assert.match(
      page,
      new RegExp(`<details class="legal-conduct"><summary>${en('legal.moderation.conduct')}</summary>`),
    );
    assert.match(page, /City rules, version one\./);
  });
});
