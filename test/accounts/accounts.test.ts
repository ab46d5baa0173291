import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../support/client.ts';
import { buildUser, lastMailTo, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ adjust: (config) => (config.rateLimits.signUp.limit = 1000) });
});
after(() => server.close());

describe('signing up, confirming, signing in and out', () => {
  test('a new resident confirms their address by the mailed link and can then sign in', async () => {
    const client = new TestClient(server.url);
    const email = 'new.resident@example.org';
    const signUp = await client.submit('/sign-up', '/sign-up', {
      displayName: 'Nora Resident',
      email,
      password: 'a long enough password',
      acceptTerms: 'yes',
    });
    assert.equal(signUp.status, 200);
    assert.match(await signUp.text(), /new\.resident@example\.org/);

    const early = await client.submit('/sign-in', '/sign-in', { email, password: 'a long enough password' });
    assert.equal(early.status, 403, 'an unconfirmed account cannot sign in');

    const mail = await lastMailTo(server, email);
    assert.ok(mail, 'a confirmation mail is in the outbox');
    const link = /\/confirm\?token=([\w-]+)/.exec(mail.text_body);
    assert.ok(link, 'the mail carries a confirmation link');
    const confirm = await client.get(`/confirm?token=${link[1]}`);
    assert.equal(confirm.status, 200);
    const again = await client.get(`/confirm?token=${link[1]}`);
    assert.equal(again.status, 400, 'a confirmation link works once');

    const signIn = await client.submit('/sign-in', '/sign-in', {
      email: 'New.Resident@example.org',
      password: 'a long enough password',
    });
    assert.equal(signIn.status, 303);
    const account = await client.get('/account');
    assert.equal(account.status, 200);
    assert.match(await account.text(), /Nora Resident/);

    const signOut = await client.submit('/account', '/sign-out', {});
    assert.equal(signOut.status, 303);
    const afterSignOut = await client.get('/account');
    assert.equal(afterSignOut.status, 303, 'the account page sends a signed-out visitor to sign in');
  });

  test('rejects a sign-up with missing and invalid fields, listing each, and stores nothing', async () => {
    const client = new TestClient(server.url);
    const before = await server.ctx.db
      .selectFrom('core_user')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const response = await client.submit('/sign-up', '/sign-up', {
      displayName: '',
      email: 'not-an-address',
      password: 'short',
    });
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.match(html, /href="#displayName"/);
    assert.match(html, /href="#email"/);
    assert.match(html, /href="#password"/);
    assert.match(html, /href="#acceptTerms"/);
    const afterCount = await server.ctx.db
      .selectFrom('core_user')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(afterCount.n, before.n);
  });

  test('escapes HTML sent in a name instead of rendering it', async () => {
    const client = new TestClient(server.url);
    const response = await client.submit('/sign-up', '/sign-up', {
      displayName: '<script>alert(1)</script>',
      email: 'bad',
      password: 'x',
    });
    const html = await response.text();
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  test('signing up again with a taken address says the same and mails the owner instead', async () => {
    const user = await buildUser(server);
    const client = new TestClient(server.url);
    const response = await client.submit('/sign-up', '/sign-up', {
      displayName: 'Someone',
      email: user.email,
      password: 'another long password',
      acceptTerms: 'yes',
    });
    assert.equal(response.status, 200);
    const count = await server.ctx.db
      .selectFrom('core_user')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('email', '=', user.email)
      .executeTakeFirstOrThrow();
    assert.equal(count.n, 1);
    const mail = await lastMailTo(server, user.email);
    assert.match(mail?.text_body ?? '', /password-reset/);
  });
});

describe('sign-in protection', () => {
  test('rejects a wrong password, and slows sign-in for the address after repeated failures', async () => {
    const user = await buildUser(server);
    const client = new TestClient(server.url);
    for (let attempt = 1; attempt <= server.config.rateLimits.signInAddress.limit; attempt++) {
      const response = await client.submit('/sign-in', '/sign-in', { email: user.email, password: 'wrong password!' });
      assert.equal(response.status, 401);
    }
    const slowed = await client.submit('/sign-in', '/sign-in', { email: user.email, password: user.password });
    assert.equal(slowed.status, 429, 'from a network the owner never used, the password is not even checked');
    assert.ok(Number(slowed.headers.get('retry-after')) > 0);
    assert.match(await slowed.text(), /Too many wrong passwords/);
  });

  test('limits how often one address may ask for password resets', async () => {
    const rule = server.config.rateLimits.passwordReset;
    const saved = rule.limit;
    rule.limit = 2;
    try {
      const client = new TestClient(server.url);
      for (let attempt = 0; attempt < 2; attempt++) {
        assert.equal(
          (await client.submit('/password-reset', '/password-reset', { email: 'someone@example.org' })).status,
          200,
        );
      }
      const limited = await client.submit('/password-reset', '/password-reset', { email: 'someone@example.org' });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.match(await limited.text(), /RATE_LIMITED/);
    } finally {
      rule.limit = saved;
    }
  });

  test('refuses a form posted with a wrong CSRF token and changes nothing', async () => {
    const user = await buildUser(server);
    const client = new TestClient(server.url);
    await client.get('/sign-in');
    const response = await client.postForm('/sign-in', { _csrf: 'forged', email: user.email, password: user.password });
    assert.equal(response.status, 403);
    assert.match(await response.text(), /CSRF_TOKEN_INVALID/);
    assert.equal(client.cookies.has('ic_session'), false);
  });

  test('an expired session is told apart from never having signed in', async () => {
    const client = new TestClient(server.url);
    client.cookies.set('ic_session', 'expired-or-unknown-token');
    const response = await client.get('/api/v1/me');
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'SESSION_EXPIRED');
    const anonymous = await new TestClient(server.url).get('/api/v1/me');
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'AUTHENTICATION_REQUIRED');
  });
});

describe('personal data', () => {
  test('a resident downloads everything held about them as JSON', async () => {
    const { client, user } = await signedInClient(server, { name: 'Export Me' });
    const response = await client.get('/account/export');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="my-data-/);
    const data = (await response.json()) as { account: { email: string; display_name: string }; sessions: unknown[] };
    assert.equal(data.account.email, user.email);
    assert.equal(data.account.display_name, 'Export Me');
    assert.equal(data.sessions.length, 1);
  });

  test('deleting an account needs the password, erases personal fields and ends the sessions', async () => {
    const { client, user } = await signedInClient(server, { name: 'Leaving Soon' });
    const { csrf } = await client.page('/account');
    const wrong = await client.postForm('/account/delete', { _csrf: csrf, deletePassword: 'not my password' });
    assert.equal(wrong.status, 403);
    const stillThere = await server.ctx.db
      .selectFrom('core_user')
      .select(['email'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.equal(stillThere.email, user.email);

    const deleted = await client.postForm('/account/delete', { _csrf: csrf, deletePassword: user.password });
    assert.equal(deleted.status, 303);
    const row = await server.ctx.db
      .selectFrom('core_user')
      .select(['email', 'display_name', 'password_hash', 'deleted_at'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.email, null);
    assert.equal(row.password_hash, null);
    assert.equal(row.display_name, 'Deleted account');
    assert.ok(row.deleted_at);
    const sessions = await server.ctx.db
      .selectFrom('core_session')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    assert.equal(sessions.length, 0);
    const again = await new TestClient(server.url).submit('/sign-in', '/sign-in', {
      email: user.email,
      password: user.password,
    });
    assert.equal(again.status, 401);
  });

  test('an account without a password (made through an identity provider) is deleted by typing its e-mail', async () => {
    const { client, user } = await signedInClient(server, { name: 'No Password' });
    await server.ctx.db.updateTable('core_user').set({ password_hash: null }).where('id', '=', user.id).execute();
    const { html, csrf } = await client.page('/account');
    assert.match(html, /Type your e-mail address to confirm/);
    assert.doesNotMatch(html, /Type your password to confirm/);
    for (const typed of ['', 'someone.else@example.org']) {
      const refused = await client.postForm('/account/delete', { _csrf: csrf, deletePassword: typed });
      assert.equal(refused.status, 403, `confirmation "${typed}"`);
    }
    const wrong = await client.postForm('/account/delete', { _csrf: csrf, deletePassword: 'someone.else@example.org' });
    assert.match(await wrong.text(), /This is not the e-mail address of your account/);
    const kept = await server.ctx.db
      .selectFrom('core_user')
      .select(['deleted_at'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.equal(kept.deleted_at, null, 'nothing erased on a wrong confirmation');
    const deleted = await client.postForm('/account/delete', {
      _csrf: csrf,
      deletePassword: ` ${user.email.toUpperCase()} `,
    });
    assert.equal(deleted.status, 303);
    const row = await server.ctx.db
      .selectFrom('core_user')
      .select(['email', 'deleted_at'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.email, null);
    assert.ok(row.deleted_at);
  });

  test('a password reset link sets a new password once and ends other sessions', async () => {
    const { client: otherDevice, user } = await signedInClient(server);
    const client = new TestClient(server.url);
    await client.submit('/password-reset', '/password-reset', { email: user.email });
    const mail = await lastMailTo(server, user.email);
    const token = /password-reset\/new\?token=([\w-]+)/.exec(mail?.text_body ?? '')?.[1];
    assert.ok(token);
    const short = await client.submit(`/password-reset/new?token=${token}`, '/password-reset/new', {
      token,
      password: 'short',
    });
    assert.equal(short.status, 400);
    const done = await client.submit(`/password-reset/new?token=${token}`, '/password-reset/new', {
      token,
      password: 'a brand new password',
    });
    assert.equal(done.status, 303);
    const reused = await client.get(`/password-reset/new?token=${token}`);
    assert.equal(reused.status, 400);
    assert.equal((await otherDevice.get('/account')).status, 303, 'the other device was signed out');
    const signIn = await client.submit('/sign-in', '/sign-in', { email: user.email, password: 'a brand new password' });
    assert.equal(signIn.status, 303);
  });
});
