import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { argon2Verify } from 'hash-wasm';
import { pino } from 'pino';
import { hashPassword } from '../../src/platform/auth/passwords.ts';
import { createLogger, loggerOptions } from '../../src/platform/logger.ts';
import { TestClient } from '../support/client.ts';
import { buildUser, lastMailTo, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// Behind a trusted proxy, so that each test can come from the network it needs (X-Forwarded-For).
const logLines: string[] = [];
let server: TestServer;
before(async () => {
  server = await startTestServer({
    env: { TRUST_PROXY: '1', LOG_LEVEL: 'info' },
    adjust: (config) => {
      config.env = 'production';
    },
    log: pino(
      loggerOptions({ logLevel: 'info', env: 'production' }),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString());
          done();
        },
      }),
    ),
  });
});
after(() => server.close());

let nextSender = 0;
/** A client coming from its own address: 203.0.113.<n> unless given. */
function clientFrom(ip = `203.0.113.${++nextSender}`): TestClient {
  const client = new TestClient(server.url);
  client.headers['x-forwarded-for'] = ip;
  return client;
}

const signIn = (client: TestClient, email: string, password: string) =>
  client.submit('/sign-in', '/sign-in', { email, password });

describe('sign-in slowing without locks', () => {
  test('a stranger typing wrong passwords cannot keep the owner out from the usual network', async () => {
    const user = await buildUser(server);
    assert.equal(
      (await signIn(clientFrom('198.51.100.7'), user.email, user.password)).status,
      303,
      'the owner signs in at home',
    );
    const attacker = clientFrom('192.0.2.66');
    for (let attempt = 0; attempt < server.config.rateLimits.signInAddress.limit; attempt++)
      assert.equal((await signIn(attacker, user.email, `guess ${attempt}`)).status, 401);
    assert.equal(
      (await signIn(attacker, user.email, user.password)).status,
      429,
      'the attacker now waits, even with the right password',
    );
    assert.equal(
      (await signIn(clientFrom('198.51.100.201'), user.email, 'a typo')).status,
      401,
      'a typo at home is just a typo',
    );
    assert.equal(
      (await signIn(clientFrom('198.51.100.201'), user.email, user.password)).status,
      303,
      'the owner signs in from the usual network (same /24) despite the attack',
    );
  });

  test('unknown and known addresses get the same answers', async () => {
    const user = await buildUser(server);
    const answers = async (email: string) => {
      const client = clientFrom();
      const statuses: number[] = [];
      for (let attempt = 0; attempt <= server.config.rateLimits.signInAddress.limit; attempt++)
        statuses.push((await signIn(client, email, `guess ${attempt}`)).status);
      return statuses;
    };
    const known = await answers(user.email);
    const unknown = await answers(`nobody-${Date.now()}@example.org`);
    assert.deepEqual(unknown, known);
    assert.deepEqual(known.slice(-2), [401, 429]);
  });

  test('one sender trying many addresses is slowed for every address', async () => {
    const sender = clientFrom();
    const limit = server.config.rateLimits.signIn.limit;
    for (let attempt = 0; attempt < limit; attempt++)
      assert.equal((await signIn(sender, `spray${attempt}@example.org`, 'Summer2026!')).status, 401);
    const user = await buildUser(server);
    assert.equal((await signIn(sender, user.email, user.password)).status, 429);
    assert.equal((await signIn(clientFrom(), user.email, user.password)).status, 303, 'another sender is not slowed');
  });

  test('an administrator clears the wrong passwords of an address', async () => {
    const user = await buildUser(server);
    const attacker = clientFrom();
    for (let attempt = 0; attempt < server.config.rateLimits.signInAddress.limit; attempt++)
      await signIn(attacker, user.email, `guess ${attempt}`);
    const { client: admin } = await signedInClient(server, { role: 'admin' });
    admin.headers['x-forwarded-for'] = '198.18.0.1';
    const page = await admin.page(`/admin/users/${user.id}`);
    assert.match(page.html, /sign-in slowed/);
    const cleared = await admin.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/unlock`, {});
    assert.equal(cleared.status, 303);
    assert.equal((await signIn(clientFrom(), user.email, user.password)).status, 303);
  });
});

describe('password hashes', () => {
  test('new passwords are hashed with Argon2id in the PHC format another implementation verifies', async () => {
    const hash = await hashPassword('correct horse battery');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await argon2Verify({ password: 'correct horse battery', hash }), true);
    assert.equal(await argon2Verify({ password: 'wrong horse battery', hash }), false);
  });

  test('an older scrypt hash is replaced with Argon2id at the next sign-in', async () => {
    const user = await buildUser(server);
    const salt = randomBytes(16);
    const key = scryptSync('correct horse battery'.normalize('NFKC'), salt, 64, { N: 16384, r: 8, p: 1 });
    const old = `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    await server.ctx.db.updateTable('core_user').set({ password_hash: old }).where('id', '=', user.id).execute();
    assert.equal((await signIn(clientFrom(), user.email, 'correct horse battery')).status, 303);
    const row = await server.ctx.db
      .selectFrom('core_user')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.match(row.password_hash ?? '', /^\$argon2id\$/);
    assert.equal(await argon2Verify({ password: 'correct horse battery', hash: row.password_hash ?? '' }), true);
    assert.equal((await signIn(clientFrom(), user.email, 'correct horse battery')).status, 303);
  });
});

describe('one-time links', () => {
  test('a newer password reset link ends the older one', async () => {
    const user = await buildUser(server);
    const client = clientFrom();
    const tokenOf = async () =>
      /password-reset\/new\?token=([\w-]+)/.exec((await lastMailTo(server, user.email))?.text_body ?? '')?.[1];
    await client.submit('/password-reset', '/password-reset', { email: user.email });
    const first = await tokenOf();
    await client.submit('/password-reset', '/password-reset', { email: user.email });
    const second = await tokenOf();
    assert.ok(first && second && first !== second);
    assert.equal((await client.get(`/password-reset/new?token=${first}`)).status, 400, 'the older link is dead');
    assert.equal((await client.get(`/password-reset/new?token=${second}`)).status, 200);
  });
});

describe('personal data stays out of the logs', () => {
  test('no e-mail address, token or password reaches the production log', async () => {
    const user = await buildUser(server);
    const client = clientFrom();
    await signIn(client, user.email, 'a wrong password');
    await signIn(client, 'a\u0000b@example.org', 'a wrong password');
    await client.submit('/password-reset', '/password-reset', { email: user.email });
    await client.submit('/sign-up', '/sign-up', {
      displayName: 'Logged Nobody',
      email: 'logged.nobody@example.org',
      password: 'a long enough password',
      acceptTerms: 'on',
    });
    const { client: admin } = await signedInClient(server, { role: 'admin' });
    await admin.get(`/admin/users?q=${encodeURIComponent(user.email)}`);
    const token = /token=([\w-]+)/.exec((await lastMailTo(server, user.email))?.text_body ?? '')?.[1];
    assert.ok(token);
    await client.get(`/password-reset/new?token=${token}`);
    const log = logLines.join('');
    assert.ok(logLines.length > 5, 'the server logged its requests');
    for (const secret of [user.email, 'logged.nobody@example.org', 'a wrong password', token, 'b@example.org'])
      assert.equal(log.includes(secret), false, `the log holds ${secret}`);
  });

  test('an unexpected database error is logged without its parameters or values', () => {
    const lines: string[] = [];
    const log = createLogger(
      { logLevel: 'info', logFormat: 'json', env: 'production' },
      {
        write: (line: string) => {
          lines.push(line);
        },
      },
    );
    const error = Object.assign(new Error('duplicate key value violates unique constraint "core_user_email"'), {
      code: '23505',
      detail: 'Key (organisation_id, lower(email))=(1, mayor@city.example) already exists.',
      query: 'insert into core_user (email) values ($1)',
      params: ['mayor@city.example'],
      cause: new Error('while storing mayor@city.example'),
    });
    log.error({ err: error }, 'unexpected error');
    log.warn({ error: 'delivery to mayor@city.example refused' }, 'inbox answer not delivered');
    const text = lines.join('');
    assert.match(text, /duplicate key value/);
    assert.match(text, /23505/);
    assert.equal(text.includes('mayor@city.example'), false, text);
  });
});

describe('going back after a form', () => {
  test('a backslash path, read by browsers as another site, is refused like any off-site address', async () => {
    const client = clientFrom();
    for (const next of ['/\\evil.example', '//evil.example', '/\\/evil.example', 'https://evil.example/']) {
      const language = await client.submit('/', '/language', { lang: 'it', next });
      assert.equal(language.status, 303);
      assert.equal(language.headers.get('location'), '/', `language switch with next=${next}`);
    }
    const user = await buildUser(server);
    const signedIn = await client.submit('/sign-in', '/sign-in', {
      email: user.email,
      password: user.password,
      next: '/\\evil.example',
    });
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.get('location'), '/');
    const language = await client.submit('/', '/language', { lang: 'en', next: '/reports?district=old-town' });
    assert.equal(language.headers.get('location'), '/reports?district=old-town', 'a path of the site is kept');
  });
});
