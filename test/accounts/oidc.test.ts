import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../support/client.ts';
import { buildUser, signedInClient } from '../support/factories.ts';
import { startFakeOidc, type FakeOidc, type TestIdentity } from '../support/fake-oidc.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Sign-in with a city's OpenID Connect provider against a real provider (`oidc-provider`) on a local
 * port, over real HTTP: the administrators' page, the whole code flow with PKCE, state and nonce, the
 * refusals (state, nonce, expiry, a tampered ID token, consent refused, provider down), linking by a
 * verified address, a provider for staff only, residence vouched for, unlinking, the data export.
 */

const CALLBACK = 'http://localhost:3000/sign-in/oidc/callback';
let server: TestServer;
let idp: FakeOidc;
let idpDown: FakeOidc;
let admin: TestClient;
let counter = 0;

before(async () => {
  idp = await startFakeOidc(CALLBACK);
  idpDown = await startFakeOidc(CALLBACK);
  server = await startTestServer({ allowOutbound: [idp.issuer, idpDown.issuer] });
  ({ client: admin } = await signedInClient(server, { role: 'admin' }));
});
after(async () => {
  await server.close();
  await idp.close();
  await idpDown.close();
});

function unique(): string {
  return `${++counter}-${Date.now()}`;
}

interface ProviderOptions {
  name?: string;
  issuer?: string;
  audience?: 'staff' | 'residents';
  grantsLevel?: 'none' | 'verified';
  linkByEmail?: boolean;
}

/** Posts the administrators' form; answers the response. */
async function postProvider(fields: Record<string, string>, path = '/admin/identity-providers') {
  const { csrf } = await admin.page('/admin/identity-providers/new');
  return admin.postForm(path, { _csrf: csrf, ...fields });
}

function providerFields(options: ProviderOptions = {}): Record<string, string> {
  return {
    name_en: options.name ?? `City login ${unique()}`,
    issuer: options.issuer ?? idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    scopes: 'openid email profile',
    audience: options.audience ?? 'residents',
    grantsLevel: options.grantsLevel ?? 'none',
    ...(options.linkByEmail ? { linkByEmail: 'yes' } : {}),
    enabled: 'yes',
  };
}

/** A provider saved through the administrators' page (one issuer + client id per city: the others are changed). */
async function configureProvider(options: ProviderOptions = {}): Promise<number> {
  const existing = await server.ctx.db
    .selectFrom('identity_providers_provider')
    .select('id')
    .where('issuer', '=', options.issuer ?? idp.issuer)
    .executeTakeFirst();
  const response = existing
    ? await postProvider(providerFields(options), `/admin/identity-providers/${existing.id}`)
    : await postProvider(providerFields(options));
  assert.equal(response.status, 303, await response.text());
  const row = await server.ctx.db
    .selectFrom('identity_providers_provider')
    .select('id')
    .where('issuer', '=', options.issuer ?? idp.issuer)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Starts the sign-in and follows the provider's redirects; answers the callback's path and query. */
async function throughProvider(client: TestClient, providerId: number, link = false): Promise<string> {
  const path = link ? `/account/identity-providers/${providerId}/link` : `/sign-in/oidc/${providerId}?next=/account`;
  const start = await client.get(path);
  assert.equal(start.status, 303, await start.text());
  let location = start.headers.get('location') ?? '';
  const authorize = new URL(location);
  assert.equal(authorize.origin, idp.issuer);
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce'));
  const browserAtIdp = new TestClient(idp.issuer);
  for (let hop = 0; hop < 10 && new URL(location, idp.issuer).origin === idp.issuer; hop++) {
    const response = await browserAtIdp.get(new URL(location, idp.issuer).toString());
    assert.ok([302, 303].includes(response.status), `provider answered ${response.status}: ${await response.text()}`);
    location = response.headers.get('location') ?? '';
  }
  const callback = new URL(location, idp.issuer);
  assert.equal(`${callback.origin}${callback.pathname}`, CALLBACK);
  return `${callback.pathname}${callback.search}`;
}

/** A whole sign-in as this identity; answers the callback's response. */
async function signIn(client: TestClient, providerId: number, identity: TestIdentity) {
  idp.signInAs(identity);
  return client.get(await throughProvider(client, providerId));
}

async function userByEmail(email: string) {
  return server.ctx.db.selectFrom('core_user').selectAll().where('email', '=', email).executeTakeFirst();
}

async function linksOf(userId: number) {
  return server.ctx.db.selectFrom('identity_providers_link').selectAll().where('user_id', '=', userId).execute();
}

async function countUsers() {
  const row = await server.ctx.db
    .selectFrom('core_user')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('the administrators’ page', () => {
  test('only administrators see it', async () => {
    const anonymous = new TestClient(server.url);
    assert.equal((await anonymous.get('/admin/identity-providers')).status, 401);
    const { client: staff } = await signedInClient(server, { role: 'staff' });
    assert.equal((await staff.get('/admin/identity-providers')).status, 403);
    const { csrf } = await staff.page('/account');
    const post = await staff.postForm('/admin/identity-providers', { _csrf: csrf, ...providerFields() });
    assert.equal(post.status, 403);
    assert.equal((await admin.get('/admin/identity-providers')).status, 200);
  });

  test('bad input is refused field by field, with the issuer checked by discovery', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ name_en: '' }, 'Fill this in.'],
      [{ issuer: 'not a url' }, 'Give the issuer as an address'],
      [{ issuer: 'http://login.example.org' }, 'The issuer must be an https address.'],
      [{ issuer: `${idp.issuer}/elsewhere` }, 'No OpenID Connect provider answers at this address'],
      [{ issuer: 'https://127.0.0.1:1' }, 'The provider could not be reached at this address.'],
      [{ audience: 'everyone' }, 'Choose one of the options.'],
      [{ scopes: 'openid "quoted"' }, 'Scopes are words without spaces or quotes'],
      [{ clientId: 'x'.repeat(301) }, 'This is too long.'],
    ];
    for (const [change, message] of cases) {
      const response = await postProvider({ ...providerFields(), ...change });
      const html = await response.text();
      assert.equal(response.status, 400, JSON.stringify(change));
      assert.ok(html.includes(message), `${JSON.stringify(change)} → ${message}`);
    }
    const count = await server.ctx.db
      .selectFrom('identity_providers_provider')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
  });

  test('a provider is saved with its secret sealed and listed with the redirect URI', async () => {
    const id = await configureProvider({ name: 'Comune Login' });
    const row = await server.ctx.db
      .selectFrom('identity_providers_provider')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.ok(row.client_secret_sealed?.startsWith('v1.'));
    assert.ok(!row.client_secret_sealed?.includes(idp.clientSecret));
    const list = await (await admin.get('/admin/identity-providers')).text();
    assert.ok(list.includes('Comune Login'));
    assert.ok(list.includes(CALLBACK));
    const signInPage = await (await new TestClient(server.url).get('/sign-in')).text();
    assert.ok(signInPage.includes('Sign in with Comune Login'));
    assert.ok(signInPage.includes(`href="/sign-in/oidc/${id}?next=%2F"`));
  });
});

describe('signing in', () => {
  test('a first sign-in creates a resident with the verified address; the next finds the same account', async () => {
    const id = await configureProvider();
    const email = `new-${unique()}@example.org`;
    const sub = `sub-${unique()}`;
    const client = new TestClient(server.url);
    const response = await signIn(client, id, { sub, email, email_verified: true, name: 'Ada Resident' });
    assert.equal(response.status, 303, await response.text());
    assert.equal(response.headers.get('location'), '/account');
    const account = await client.get('/account');
    assert.equal(account.status, 200);
    const user = await userByEmail(email);
    assert.ok(user);
    assert.equal(user.role, 'resident');
    assert.equal(user.display_name, 'Ada Resident');
    assert.equal(user.password_hash, null);
    assert.ok(user.email_confirmed_at);
    const [link] = await linksOf(user.id);
    assert.equal(link?.subject, sub);
    assert.equal(link.issuer, idp.issuer);

    const before = await countUsers();
    const again = new TestClient(server.url);
    assert.equal((await signIn(again, id, { sub, email, email_verified: true })).status, 303);
    assert.equal(await countUsers(), before);
    assert.ok((await (await again.get('/account')).text()).includes(email));
  });

  test('an account with the same verified address is linked when the city allows it', async () => {
    const id = await configureProvider({ linkByEmail: true });
    const existing = await buildUser(server);
    const client = new TestClient(server.url);
    const response = await signIn(client, id, { sub: `sub-${unique()}`, email: existing.email, email_verified: true });
    assert.equal(response.status, 303);
    assert.equal((await linksOf(existing.id)).length, 1);
    assert.ok((await (await client.get('/account')).text()).includes(existing.email));
  });

  test('an address the provider did not verify links nothing and creates nothing', async () => {
    const id = await configureProvider({ linkByEmail: true });
    const existing = await buildUser(server);
    const before = await countUsers();
    const client = new TestClient(server.url);
    const response = await signIn(client, id, { sub: `sub-${unique()}`, email: existing.email, email_verified: false });
    assert.equal(response.status, 409);
    assert.ok((await response.text()).includes('OIDC_EMAIL_IN_USE'));
    assert.equal((await linksOf(existing.id)).length, 0);
    assert.equal(await countUsers(), before);
    assert.equal((await client.get('/account')).status, 303);
  });

  test('a provider for staff signs in a staff member by verified address, and refuses a new resident', async () => {
    const id = await configureProvider({ audience: 'staff', linkByEmail: true });
    const staff = await buildUser(server, { role: 'staff' });
    const ok = await signIn(new TestClient(server.url), id, {
      sub: `staff-${unique()}`,
      email: staff.email,
      email_verified: true,
    });
    assert.equal(ok.status, 303);
    assert.equal((await linksOf(staff.id)).length, 1);

    const before = await countUsers();
    const refused = await signIn(new TestClient(server.url), id, {
      sub: `resident-${unique()}`,
      email: `resident-${unique()}@example.org`,
      email_verified: true,
    });
    assert.equal(refused.status, 403);
    assert.ok((await refused.text()).includes('OIDC_STAFF_ONLY'));
    assert.equal(await countUsers(), before);

    const resident = await buildUser(server);
    const residentRefused = await signIn(new TestClient(server.url), id, {
      sub: `resident-${unique()}`,
      email: resident.email,
      email_verified: true,
    });
    assert.equal(residentRefused.status, 403);
    assert.equal((await linksOf(resident.id)).length, 0);
  });

  test('a provider the city trusts for residence makes the account a verified resident', async () => {
    const id = await configureProvider({ grantsLevel: 'verified' });
    const email = `eid-${unique()}@example.org`;
    const response = await signIn(new TestClient(server.url), id, {
      sub: `eid-${unique()}`,
      email,
      email_verified: true,
      birthdate: '1980-05-17',
    });
    assert.equal(response.status, 303);
    const user = await userByEmail(email);
    assert.ok(user);
    const verification = await server.ctx.db
      .selectFrom('verification_identity')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    assert.equal(verification?.method, 'identity_provider');
    assert.equal(verification.birth_year, 1980);

    // a provider that does not give the date of birth verifies nobody, and the person is told why
    const noDate = `nodate-${unique()}@example.org`;
    const client = new TestClient(server.url);
    const undated = await signIn(client, id, { sub: `nodate-${unique()}`, email: noDate, email_verified: true });
    assert.equal(undated.status, 303);
    const landed = await client.page(undated.headers.get('location') ?? '/');
    assert.match(landed.html, /the identity provider did not give your date of birth/);
    const undatedUser = await userByEmail(noDate);
    assert.ok(undatedUser);
    const unverified = await server.ctx.db
      .selectFrom('verification_identity')
      .select('user_id')
      .where('user_id', '=', undatedUser.id)
      .executeTakeFirst();
    assert.equal(unverified, undefined);

    // without the trust, the same kind of sign-in verifies nobody
    await configureProvider({ grantsLevel: 'none' });
    const other = `plain-${unique()}@example.org`;
    await signIn(new TestClient(server.url), id, {
      sub: `plain-${unique()}`,
      email: other,
      email_verified: true,
      birthdate: '1990-01-01',
    });
    const plain = await userByEmail(other);
    assert.ok(plain);
    const none = await server.ctx.db
      .selectFrom('verification_identity')
      .select('user_id')
      .where('user_id', '=', plain.id)
      .executeTakeFirst();
    assert.equal(none, undefined);
  });
});

describe('refusals change nothing', () => {
  async function refused(response: Response, status: number, code: string, client: TestClient) {
    const html = await response.text();
    assert.equal(response.status, status, html);
    assert.ok(html.includes(code), code);
    assert.equal((await client.get('/account')).status, 303, 'not signed in');
  }

  test('a changed state, a second use, no cookie, an expired attempt', async () => {
    const id = await configureProvider();
    idp.signInAs({ sub: `s-${unique()}`, email: `s-${unique()}@example.org`, email_verified: true });
    const before = await countUsers();

    const client = new TestClient(server.url);
    const callback = await throughProvider(client, id);
    const changed = callback.replace(/state=[^&]+/, 'state=forged');
    await refused(await client.get(changed), 400, 'OIDC_STATE_INVALID', client);
    // the attempt was taken by the refused answer: the real one cannot be used after it
    await refused(await client.get(callback), 400, 'OIDC_STATE_INVALID', client);

    const other = new TestClient(server.url);
    const fromElsewhere = await throughProvider(other, id);
    await refused(await new TestClient(server.url).get(fromElsewhere), 400, 'OIDC_STATE_INVALID', other);

    const late = new TestClient(server.url);
    const lateCallback = await throughProvider(late, id);
    await server.ctx.db
      .updateTable('identity_providers_attempt')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    await refused(await late.get(lateCallback), 400, 'OIDC_EXPIRED', late);
    assert.equal(await countUsers(), before);
  });

  test('a wrong nonce and a tampered ID token are refused', async () => {
    const id = await configureProvider();
    const before = await countUsers();
    idp.signInAs({ sub: `n-${unique()}`, email: `n-${unique()}@example.org`, email_verified: true });
    const client = new TestClient(server.url);
    const callback = await throughProvider(client, id);
    await server.ctx.db.updateTable('identity_providers_attempt').set({ nonce: 'another-nonce' }).execute();
    await refused(await client.get(callback), 400, 'OIDC_RESPONSE_INVALID', client);

    const tampered = new TestClient(server.url);
    const tamperedCallback = await throughProvider(tampered, id);
    idp.tamperNext();
    await refused(await tampered.get(tamperedCallback), 400, 'OIDC_RESPONSE_INVALID', tampered);
    assert.equal(await countUsers(), before);
  });

  test('consent refused at the provider, and a provider that is down', async () => {
    const id = await configureProvider();
    idp.refuseNext();
    const client = new TestClient(server.url);
    await refused(await client.get(await throughProvider(client, id)), 403, 'OIDC_DENIED', client);

    // a provider saved while it answered, then gone
    const downId = await configureProvider({ issuer: idpDown.issuer });
    await idpDown.close();
    const start = await client.get(`/sign-in/oidc/${downId}`);
    assert.equal(start.status, 502);
    assert.ok((await start.text()).includes('OIDC_PROVIDER_UNAVAILABLE'));
    const missing = await client.get('/sign-in/oidc/999999');
    assert.equal(missing.status, 404);
  });
});

describe('starting a sign-in is a public write', () => {
  test('one address starting more sign-ins than the public-write limit is stopped with 429', async () => {
    const id = await configureProvider();
    const { limit } = server.ctx.config.rateLimits.publicWrite;
    const client = new TestClient(server.url);
    const countAttempts = async () =>
      Number(
        (
          await server.ctx.db
            .selectFrom('identity_providers_attempt')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await countAttempts();
    try {
      let started = 0;
      let stopped: Response | undefined;
      for (let attempt = 0; attempt <= limit + 5 && !stopped; attempt++) {
        const response = await client.get(`/sign-in/oidc/${id}`);
        if (response.status === 303) started++;
        else stopped = response;
      }
      assert.ok(stopped, 'stopped');
      assert.equal(stopped.status, 429);
      assert.ok(started <= limit, `${started} started`);
      assert.equal(await countAttempts(), before + started, 'the refused start stored no attempt');
    } finally {
      // the other tests start sign-ins from the same address
      await server.ctx.db.deleteFrom('core_rate_limit').where('key', 'like', 'oidc-start:%').execute();
    }
  });
});

describe('links on the account page', () => {
  test('a resident with a password sees the link and unlinks it; the export lists links', async () => {
    const id = await configureProvider({ linkByEmail: true });
    const { client, user } = await signedInClient(server);
    assert.equal(
      (await signIn(new TestClient(server.url), id, { sub: `u-${unique()}`, email: user.email, email_verified: true }))
        .status,
      303,
    );
    const page = await (await client.get('/account')).text();
    assert.ok(page.includes('Sign-in with identity providers'));
    const [link] = await linksOf(user.id);
    assert.ok(link);
    const exported = (await (await client.get('/account/export')).json()) as {
      'identity-providers': { identityProviderLinks: Array<{ subject: string; issuer: string }> };
    };
    assert.equal(exported['identity-providers'].identityProviderLinks[0]?.subject, link.subject);
    assert.equal(exported['identity-providers'].identityProviderLinks[0].issuer, idp.issuer);
    const { csrf } = await client.page('/account');
    const unlinked = await client.postForm(`/account/identity-providers/links/${link.id}/unlink`, { _csrf: csrf });
    assert.equal(unlinked.status, 303);
    assert.equal((await linksOf(user.id)).length, 0);
  });

  test('the only way into an account cannot be unlinked; another person’s link is not found', async () => {
    const id = await configureProvider();
    const client = new TestClient(server.url);
    const email = `only-${unique()}@example.org`;
    await signIn(client, id, { sub: `o-${unique()}`, email, email_verified: true });
    const user = await userByEmail(email);
    assert.ok(user);
    const [link] = await linksOf(user.id);
    assert.ok(link);
    const { csrf } = await client.page('/account');
    const refused = await client.postForm(`/account/identity-providers/links/${link.id}/unlink`, { _csrf: csrf });
    assert.equal(refused.status, 409);
    assert.equal((await linksOf(user.id)).length, 1);

    const { client: someoneElse } = await signedInClient(server);
    const other = await someoneElse.submit('/account', `/account/identity-providers/links/${link.id}/unlink`, {});
    assert.equal(other.status, 404);
  });

  test('a signed-in person links a provider from the account page', async () => {
    const id = await configureProvider();
    const { client, user } = await signedInClient(server);
    idp.signInAs({ sub: `l-${unique()}`, email: `elsewhere-${unique()}@example.org`, email_verified: false });
    const callback = await throughProvider(client, id, true);
    const response = await client.get(callback);
    assert.equal(response.status, 303, await response.text());
    assert.equal((await linksOf(user.id)).length, 1);
  });
});

test('deleting an account erases its links', async () => {
  const id = await configureProvider({ linkByEmail: true });
  const { client, user } = await signedInClient(server);
  idp.signInAs({ sub: `d-${unique()}`, email: user.email, email_verified: true });
  assert.equal(
    (await new TestClient(server.url).get(await throughProvider(new TestClient(server.url), id))).status,
    400,
  );
  // the callback belongs to the browser that started: sign in again properly
  assert.equal(
    (await signIn(new TestClient(server.url), id, { sub: `d2-${unique()}`, email: user.email, email_verified: true }))
      .status,
    303,
  );
  assert.equal((await linksOf(user.id)).length, 1);
  const deleted = await client.submit('/account', '/account/delete', { deletePassword: user.password });
  assert.equal(deleted.status, 303);
  assert.equal((await linksOf(user.id)).length, 0);
});
