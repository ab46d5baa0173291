import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestClient } from '../support/client.ts';
import { buildUser, firstOrganisationId, lastMailTo, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  linkInLastMail,
  makeDigestDue,
  publishToNewsletter,
  runNewsletterJob,
  subscribeByForm,
  subscribeConfirmed,
} from './support.ts';

let server: TestServer;
let organisationId: number;
let departmentId: number;

before(async () => {
  server = await startTestServer({
    adjust: (config) => {
      config.rateLimits.publicWrite = { limit: 1000, windowSeconds: 60 };
    },
  });
  organisationId = await firstOrganisationId(server);
  await server.organisations.update(organisationId, { languages: ['en', 'fr'] });
  const department = await server.ctx.db
    .insertInto('core_department')
    .values({
      organisation_id: organisationId,
      slug: 'roads',
      name: JSON.stringify({ en: 'Roads', fr: 'Voirie' }),
      email: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  departmentId = department.id;
});
after(() => server.close());

async function subscriber(email: string) {
  return server.ctx.db.selectFrom('newsletter_subscriber').selectAll().where('email', '=', email).executeTakeFirst();
}

test('double opt-in: nothing is sent before the address confirms; the link works once and expires', async () => {
  const form = await new TestClient(server.url).page('/newsletter');
  assert.equal(form.response.status, 200);
  assert.match(form.html, /<form method="post" action="\/newsletter"/, 'a plain form: works without JavaScript');
  assert.match(form.html, /name="languages" value="fr"/);
  assert.match(form.html, /name="departments" value="\d+"/);

  const sent = await subscribeByForm(server, {
    email: ' Mila@Example.org ',
    languages: ['fr'],
    departments: [departmentId],
  });
  assert.equal(sent.status, 303);
  assert.equal(sent.headers.get('location'), '/newsletter/sent');
  const row = await subscriber('mila@example.org');
  assert.equal(row?.status, 'pending');
  assert.deepEqual(row.languages, ['fr']);
  assert.deepEqual(row.department_ids.map(Number), [departmentId]);
  assert.equal(row.confirm_token_hash?.length, 43, 'only the hash of the mailed token is stored');
  const mail = await lastMailTo(server, 'mila@example.org');
  assert.match(mail?.subject ?? '', /Confirmez|confirm/i);
  assert.equal(mail?.headers['List-Unsubscribe'], undefined, 'a confirmation is no list mail');

  // a post published before the confirmation is not mailed to the pending address
  await publishToNewsletter(server, organisationId, { language: 'fr', title: 'Travaux', text: 'Rue fermée.' });
  await makeDigestDue(server, organisationId);
  await runNewsletterJob(server);
  assert.doesNotMatch((await lastMailTo(server, 'mila@example.org'))?.subject ?? '', /Travaux|newsletter,/);

  const link = await linkInLastMail(server, 'mila@example.org', '/newsletter/confirm');
  const client = new TestClient(server.url);
  const page = await client.page(link);
  assert.equal(page.response.status, 200, 'the link opens a page with a button (link scanners only GET)');
  assert.equal((await subscriber('mila@example.org'))?.status, 'pending', 'a GET changes nothing');
  const token = /name="token" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
  const confirmed = await client.postForm('/newsletter/confirm', { _csrf: page.csrf, token });
  assert.equal(confirmed.status, 303);
  assert.equal((await subscriber('mila@example.org'))?.status, 'confirmed');
  const again = await client.postForm('/newsletter/confirm', { _csrf: page.csrf, token });
  assert.equal(again.status, 404, 'a link works once');

  await subscribeByForm(server, { email: 'late@example.org', languages: ['en'] });
  const lateLink = await linkInLastMail(server, 'late@example.org', '/newsletter/confirm');
  await server.ctx.db
    .updateTable('newsletter_subscriber')
    .set({ confirm_expires_at: new Date(Date.now() - 1000) })
    .where('email', '=', 'late@example.org')
    .execute();
  const lateToken = new URL(lateLink, server.url).searchParams.get('token') ?? '';
  const late = await client.postForm('/newsletter/confirm', { _csrf: page.csrf, token: lateToken });
  assert.equal(late.status, 404, 'an expired link confirms nothing');
  await runNewsletterJob(server);
  assert.equal(await subscriber('late@example.org'), undefined, 'an address that never confirmed is removed');
});

test("the news page offers the signup: its form subscribes in the reader's language, without JavaScript", async () => {
  const client = new TestClient(server.url);
  const news = await client.page('/news');
  assert.equal(news.response.status, 200);
  assert.match(news.html, /<section class="newsletter-signup" aria-labelledby="newsletter-signup-title">/);
  assert.match(news.html, /<form method="post" action="\/newsletter" class="stack">/);
  assert.match(news.html, /id="newsletter-signup-en" name="languages" value="en" checked/);
  const response = await client.submit('/news', '/newsletter', { email: 'from.news@example.org', languages: 'en' });
  assert.equal(response.status, 303);
  assert.equal(response.headers.get('location'), '/newsletter/sent');
  assert.equal((await subscriber('from.news@example.org'))?.status, 'pending');
});

test('subscribing again: a confirmed address is left as it is and mailed its preferences link', async () => {
  await subscribeConfirmed(server, { email: 'again@example.org', languages: ['en'] });
  const response = await subscribeByForm(server, { email: 'again@example.org', languages: ['fr'] });
  assert.equal(response.status, 303);
  assert.equal(response.headers.get('location'), '/newsletter/sent', 'the same answer: who is subscribed is not told');
  const row = await subscriber('again@example.org');
  assert.equal(row?.status, 'confirmed');
  assert.deepEqual(row.languages, ['en'], 'nothing changes without the owner');
  await linkInLastMail(server, 'again@example.org', '/newsletter/preferences');
});

test('preferences and the visible unsubscribe link, from the signed link of a mail', async () => {
  const preferences = await subscribeConfirmed(server, { email: 'pia@example.org', languages: ['en'] });
  const client = new TestClient(server.url);
  const page = await client.page(preferences);
  assert.equal(page.response.status, 200);
  const token = new URL(preferences, server.url).searchParams.get('token') ?? '';
  const saved = await client.postForm('/newsletter/preferences', {
    _csrf: page.csrf,
    token,
    languages: 'fr',
    departments: String(departmentId),
  });
  assert.equal(saved.status, 303);
  const row = await subscriber('pia@example.org');
  assert.deepEqual(row?.languages, ['fr']);
  assert.deepEqual(row.department_ids.map(Number), [departmentId]);

  const none = await client.postForm('/newsletter/preferences', { _csrf: page.csrf, token });
  assert.equal(none.status, 400);
  assert.match(await none.text(), /Choose at least one language/);
  const forged = await client.get(`/newsletter/preferences?token=${row.id}.${'A'.repeat(43)}`);
  assert.equal(forged.status, 404, 'a token whose signature does not hold opens nothing');

  const unsubscribePage = await client.page(`/newsletter/unsubscribe?token=${encodeURIComponent(token)}`);
  assert.equal(unsubscribePage.response.status, 200);
  const gone = await client.postForm('/newsletter/unsubscribe', { _csrf: unsubscribePage.csrf, token });
  assert.equal(gone.status, 303);
  assert.equal(await subscriber('pia@example.org'), undefined, 'the address is removed');
  assert.equal((await client.get(preferences)).status, 404, 'its links stop working');
});

test('RFC 8058 one-click: a POST without cookie or CSRF token unsubscribes with the signed token only', async () => {
  await subscribeConfirmed(server, { email: 'olga@example.org', languages: ['en'] });
  await publishToNewsletter(server, organisationId, { language: 'en', title: 'One-click', text: 'Text.' });
  await makeDigestDue(server, organisationId);
  await runNewsletterJob(server);
  const mail = await lastMailTo(server, 'olga@example.org');
  assert.match(mail?.subject ?? '', /newsletter,/);
  assert.equal(mail?.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
  const address = /^<(https?:\/\/[^>]+)>$/.exec(mail.headers['List-Unsubscribe'] ?? '')?.[1];
  assert.ok(address, 'List-Unsubscribe holds one https (here http, the test PUBLIC_URL) address');
  const url = new URL(address);
  assert.equal(url.pathname, '/newsletter/unsubscribe/one-click');

  // a wrong token: the same empty 200, nothing removed (a token cannot be probed)
  const wrong = await fetch(new URL(`${url.pathname}?token=1.${'B'.repeat(43)}`, server.url), {
    method: 'POST',
    body: 'List-Unsubscribe=One-Click',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(wrong.status, 200);
  assert.ok(await subscriber('olga@example.org'));

  // a GET (a link scanner, a person) changes nothing
  assert.equal((await fetch(new URL(`${url.pathname}${url.search}`, server.url))).status, 200);
  assert.ok(await subscriber('olga@example.org'));

  // the mail program's POST: no cookie, no CSRF token
  const response = await fetch(new URL(`${url.pathname}${url.search}`, server.url), {
    method: 'POST',
    body: 'List-Unsubscribe=One-Click',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), '', 'nothing for the mail program to show');
  assert.equal(await subscriber('olga@example.org'), undefined, 'unsubscribed at once');
});

test('rate limits: per address and per network, with a stable code', async () => {
  for (let i = 0; i < 3; i++)
    assert.equal((await subscribeByForm(server, { email: 'flood@example.org', languages: ['en'] })).status, 303);
  const limited = await subscribeByForm(server, { email: 'flood@example.org', languages: ['en'] });
  assert.equal(limited.status, 429);
  assert.ok(limited.headers.get('retry-after'));
  const mails = await server.ctx.db
    .selectFrom('core_mail')
    .select('id')
    .where('to_address', '=', 'flood@example.org')
    .execute();
  assert.equal(mails.length, 3, 'an address is not flooded with confirmation mails');
  const json = await new TestClient(server.url).request('POST', '/newsletter', {
    body: new URLSearchParams({ email: 'flood@example.org', languages: 'en' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
  });
  assert.equal(json.status, 403, 'without the CSRF token the form is refused first');

  const small = await startTestServer({
    adjust: (config) => {
      config.rateLimits.publicWrite = { limit: 2, windowSeconds: 60 };
    },
  });
  try {
    const client = new TestClient(small.url);
    for (const n of [1, 2])
      assert.equal(
        (await subscribeByForm(small, { email: `n${n}@example.org`, languages: ['en'] }, client)).status,
        303,
      );
    const page = await client.page('/newsletter');
    const refused = await client.request('POST', '/newsletter', {
      body: new URLSearchParams({ _csrf: page.csrf, email: 'n3@example.org', languages: 'en' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    assert.equal(refused.status, 429);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'RATE_LIMITED');
  } finally {
    await small.close();
  }
});

test('bad input: clear errors with stable codes, never a server error', async () => {
  const client = new TestClient(server.url);
  const bad = await subscribeByForm(server, { email: 'not an address', languages: [] }, client);
  assert.equal(bad.status, 400);
  const text = await bad.text();
  assert.match(text, /Enter a valid e-mail address/);
  assert.match(text, /Choose at least one language/);
  assert.match(text, /aria-invalid="true"/);
  assert.equal(
    (await subscribeByForm(server, { email: 'x@example.org', languages: ['de'] }, client)).status,
    400,
    'a language the city does not publish in',
  );
  assert.equal(
    (await subscribeByForm(server, { email: 'x@example.org', languages: ['en'], departments: [999_999] }, client))
      .status,
    400,
  );
  const page = await client.page('/newsletter');
  const post = (fields: Record<string, string>) =>
    client.request('POST', '/newsletter', {
      body: new URLSearchParams({ _csrf: page.csrf, ...fields }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
  const cases: Array<Record<string, string>> = [
    { email: 'x@example.org', languages: 'en', departments: 'abc' },
    { email: 'x'.repeat(300), languages: 'en' },
    { email: 'x@example.org', languages: 'e\u0000n' },
  ];
  for (const fields of cases) {
    const response = await post(fields);
    assert.equal(response.status, 400, JSON.stringify(fields));
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
  }
  for (const path of [
    '/newsletter/confirm?token=short',
    '/newsletter/preferences?token=',
    '/newsletter/preferences?token=0.x',
    `/newsletter/unsubscribe?token=99999999999.${'A'.repeat(43)}`,
    '/newsletter/unsubscribe/one-click?token=%FF',
  ])
    assert.equal((await client.get(path)).status, 404, path);
  const confirm = await client.postForm('/newsletter/confirm', { _csrf: page.csrf, token: 'x'.repeat(500) });
  assert.equal(confirm.status, 400);
});

test('a signed-in resident’s own address is subscribed at once; export and erasure include it', async () => {
  const { client, user } = await signedInClient(server);
  const page = await client.page('/newsletter');
  assert.match(page.html, new RegExp(`value="${user.email}"`));
  const response = await client.postForm('/newsletter', { _csrf: page.csrf, email: user.email, languages: 'en' });
  assert.equal(response.status, 303);
  assert.equal(response.headers.get('location'), '/newsletter');
  const row = await subscriber(user.email);
  assert.equal(row?.status, 'confirmed');
  assert.equal(row.user_id, user.id);
  // an address subscribed before the account existed is the same person's data too
  const other = await buildUser(server);
  await subscribeConfirmed(server, { email: other.email, languages: ['fr'] });

  const exported = (await (await client.get('/account/export')).json()) as {
    newsletter: { subscriptions: Array<{ email: string; languages: string[]; status: string }> };
  };
  assert.deepEqual(
    exported.newsletter.subscriptions.map((s) => [s.email, s.languages, s.status]),
    [[user.email, ['en'], 'confirmed']],
  );
  const account = await client.page('/account');
  const deleted = await client.postForm('/account/delete', { _csrf: account.csrf, deletePassword: user.password });
  assert.equal(deleted.status, 303);
  assert.equal(await subscriber(user.email), undefined, 'erasing the account removes its newsletter address');
  assert.ok(await subscriber(other.email), 'other people’s subscriptions stay');
});
