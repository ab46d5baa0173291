import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/platform/i18n/translate.ts';
import { TestClient } from '../support/client.ts';
import { buildUser, lastMailTo, signedInClient } from '../support/factories.ts';
import { freePort, runScript, TempFolders, waitForHealth } from '../support/process.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const en = translator('en');
let server: TestServer;
let admin: TestClient;
let adminId: number;
let csrf: string;

before(async () => {
  server = await startTestServer();
  const signedIn = await signedInClient(server, { role: 'admin', name: 'Ada Admin' });
  admin = signedIn.client;
  adminId = signedIn.user.id;
  csrf = ((await (await admin.get('/api/v1/me')).json()) as { csrfToken: string }).csrfToken;
});
after(() => server.close());

async function auditRows(action: string) {
  return server.ctx.db.selectFrom('core_audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
}

function parse(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

describe('who may administer', () => {
  test('nobody signed in is asked to sign in; a resident is refused on every page and API', async () => {
    const anonymous = await fetch(`${server.url}/admin/departments`);
    assert.equal(anonymous.status, 401);
    assert.match(await anonymous.text(), /href="\/sign-in\?next=%2Fadmin%2Fdepartments"/);
    const { client: resident } = await signedInClient(server);
    for (const path of [
      '/admin',
      '/admin/organisation',
      '/admin/departments',
      '/admin/users',
      '/admin/audit',
      '/admin/outbox',
      '/admin/api-keys',
    ]) {
      assert.equal((await resident.get(path)).status, 403, path);
    }
    const residentCsrf = ((await (await resident.get('/api/v1/me')).json()) as { csrfToken: string }).csrfToken;
    const response = await resident.json(
      'POST',
      '/api/v1/admin/api-keys',
      { name: 'mine', scopes: ['open311'] },
      { 'x-csrf-token': residentCsrf },
    );
    assert.equal(response.status, 403);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
  });

  test('staff open the administration front page but not the city settings', async () => {
    const { client: staff } = await signedInClient(server, { role: 'staff' });
    const hub = await staff.get('/admin');
    assert.equal(hub.status, 200);
    const page = await hub.text();
    assert.ok(!page.includes('href="/admin/organisation"'), 'no link to what they may not open');
    assert.equal((await staff.get('/admin/organisation')).status, 403);
  });

  test('an API key does not administer', async () => {
    const created = (await (
      await admin.json(
        'POST',
        '/api/v1/admin/api-keys',
        { name: 'city app', scopes: ['reports.read', 'reports.write'] },
        { 'x-csrf-token': csrf },
      )
    ).json()) as { key: string };
    const response = await fetch(`${server.url}/api/v1/admin/api-keys`, {
      headers: { authorization: `Bearer ${created.key}` },
    });
    assert.equal(response.status, 401);
  });
});

describe('city settings', () => {
  test('an administrator renames the city; residents see it at once and the audit log keeps before and after', async () => {
    const { csrf: token } = await admin.page('/admin/organisation');
    const organisation = (await server.organisations.findAll())[0];
    assert.ok(organisation);
    const response = await admin.request('POST', '/admin/organisation', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([
        ['_csrf', token],
        ['name_en', 'Riverton'],
        ['name_it', 'Fiumara'],
        ['languages', 'en'],
        ['languages', 'it'],
        ['defaultLanguage', 'en'],
        ['timeZone', 'Europe/Rome'],
        ['lat', '45.1'],
        ['lng', '9.2'],
        ['zoom', '12'],
        ['primaryColor', '#1a4d2e'],
        ['tagline_en', 'A city that listens'],
      ]).toString(),
    });
    assert.equal(response.status, 303);
    const home = await (await fetch(`${server.url}/?lang=it`)).text();
    assert.match(home, /Fiumara/);
    const [entry] = (await auditRows('organisation.update')).slice(-1);
    assert.ok(entry);
    assert.equal(entry.actor_user_id, adminId);
    assert.deepEqual((parse(entry.before) as { name: unknown }).name, organisation.name);
    assert.deepEqual((parse(entry.after) as { name: unknown }).name, { en: 'Riverton', it: 'Fiumara' });
    assert.deepEqual((await server.organisations.findById(organisation.id))?.languages, ['en', 'it']);
  });

  test('a colour too light for white text, an unknown time zone and a missing name are refused, with nothing changed', async () => {
    const beforeRows = (await auditRows('organisation.update')).length;
    const beforeOrganisation = (await server.organisations.findAll())[0];
    const response = await admin.submit('/admin/organisation', '/admin/organisation', {
      name_en: '',
      languages: 'en',
      defaultLanguage: 'en',
      timeZone: 'Mars/Olympus',
      lat: '45',
      lng: '9',
      zoom: '12',
      primaryColor: '#ffff00',
    });
    assert.equal(response.status, 400);
    const page = await response.text();
    assert.match(page, /href="#primaryColor"/);
    assert.match(page, /href="#timeZone"/);
    assert.match(page, /href="#name_en"/);
    assert.equal((await auditRows('organisation.update')).length, beforeRows);
    assert.deepEqual((await server.organisations.findAll())[0], beforeOrganisation);
  });
});

describe('departments', () => {
  test('an administrator creates a department, refuses a taken short name, adds a member who then acts as staff', async () => {
    const created = await admin.submit('/admin/departments', '/admin/departments', {
      name_en: 'Parks and green spaces',
      slug: 'parks',
      email: 'parks@city.example',
    });
    assert.equal(created.status, 303);
    const location = created.headers.get('location') ?? '';
    assert.match(location, /^\/admin\/departments\/\d+$/);
    const again = await admin.submit('/admin/departments', '/admin/departments', {
      name_en: 'Parks again',
      slug: 'parks',
      email: '',
    });
    assert.equal(again.status, 400);
    assert.match(await again.text(), /Another department already uses this short name/);
    assert.equal(
      (await server.ctx.db.selectFrom('core_department').select('id').where('slug', '=', 'parks').execute()).length,
      1,
    );

    const gardener = await buildUser(server, { name: 'Gardener' });
    const added = await admin.submit(location, `${location}/members`, { memberEmail: gardener.email });
    assert.equal(added.status, 303);
    const unknown = await admin.submit(location, `${location}/members`, { memberEmail: 'nobody@example.org' });
    assert.equal(unknown.status, 400);
    const page = await (await admin.get(location)).text();
    assert.match(page, /Gardener/);
    const members = await server.ctx.db
      .selectFrom('core_department_member')
      .select('user_id')
      .where('department_id', '=', Number(location.split('/').pop()))
      .execute();
    assert.deepEqual(
      members.map((m) => m.user_id),
      [gardener.id],
    );
    assert.equal((await auditRows('department.member.add')).length, 1);
  });

  test('the departments API validates, creates and archives', async () => {
    const invalid = await admin.json(
      'POST',
      '/api/v1/admin/departments',
      { slug: 'Not A Slug!', name: { en: 'Waste' } },
      { 'x-csrf-token': csrf },
    );
    assert.equal(invalid.status, 400);
    const body = (await invalid.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'VALIDATION_FAILED');
    assert.match(body.error.message, /slug/);
    const created = await admin.json(
      'POST',
      '/api/v1/admin/departments',
      { slug: 'waste', name: { en: 'Waste collection', it: 'Raccolta rifiuti' } },
      { 'x-csrf-token': csrf },
    );
    assert.equal(created.status, 201);
    const department = (await created.json()) as { id: number; archived: boolean };
    const archived = await admin.json(
      'PATCH',
      `/api/v1/admin/departments/${department.id}`,
      { archived: true },
      { 'x-csrf-token': csrf },
    );
    assert.equal(((await archived.json()) as { archived: boolean }).archived, true);
    const list = (await (await admin.get('/api/v1/admin/departments')).json()) as Array<{
      slug: string;
      archived: boolean;
    }>;
    assert.equal(list.find((d) => d.slug === 'waste')?.archived, true);
  });
});

describe('people and roles', () => {
  test('an administrator makes someone a moderator in a department; the audit log has before and after', async () => {
    const person = await buildUser(server, { name: 'Mara Moderator' });
    const department = (
      await server.ctx.db.selectFrom('core_department').select('id').orderBy('id').executeTakeFirstOrThrow()
    ).id;
    const response = await admin.submit(`/admin/users/${person.id}`, `/admin/users/${person.id}`, {
      role: 'moderator',
      departmentIds: String(department),
    });
    assert.equal(response.status, 303);
    const row = await server.ctx.db
      .selectFrom('core_user')
      .select('role')
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.role, 'moderator');
    const [entry] = (await auditRows('user.update')).slice(-1);
    assert.deepEqual(parse(entry?.before), { role: 'resident', departmentIds: [] });
    assert.deepEqual(parse(entry?.after), { role: 'moderator', departmentIds: [department] });
    const search = await (await admin.get('/admin/users?q=Mara')).text();
    assert.match(search, /Mara Moderator/);
    assert.ok(!search.includes(`href="/admin/users/${adminId}"`), 'only people matching the search');
  });

  test('the last administrator cannot give up the role', async () => {
    const others = await server.ctx.db
      .selectFrom('core_user')
      .select('id')
      .where('role', '=', 'admin')
      .where('id', '!=', adminId)
      .execute();
    assert.equal(others.length, 0, 'the only administrator');
    const response = await admin.json(
      'PATCH',
      `/api/v1/admin/users/${adminId}`,
      { role: 'resident', departmentIds: [] },
      { 'x-csrf-token': csrf },
    );
    assert.equal(response.status, 409);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'LAST_ADMIN');
    const row = await server.ctx.db
      .selectFrom('core_user')
      .select('role')
      .where('id', '=', adminId)
      .executeTakeFirstOrThrow();
    assert.equal(row.role, 'admin');
  });
});

describe('API keys', () => {
  test('a key is shown once, stored hashed, works, and stops working when revoked', async () => {
    const unticked = await admin.submit('/admin/api-keys', '/admin/api-keys', { name: 'Open311 app' });
    assert.equal(unticked.status, 400);
    assert.match(
      await unticked.text(),
      new RegExp(en('error.API_KEY_SCOPES_REQUIRED')),
      'a key must be allowed something',
    );
    assert.equal(
      (await server.ctx.db.selectFrom('core_api_key').select('id').where('name', '=', 'Open311 app').execute()).length,
      0,
      'nothing stored',
    );
    const response = await admin.submit('/admin/api-keys', '/admin/api-keys', {
      name: 'Open311 app',
      scopes: 'open311',
    });
    assert.equal(response.status, 201);
    const page = await response.text();
    const shown = /id="new-key">(ic_[0-9a-f]{12}_([A-Za-z0-9_-]{32}))</.exec(page);
    const key = shown?.[1];
    const secret = shown?.[2];
    assert.ok(key && secret, 'the key is on the answer to the form');
    const list = await (await admin.get('/admin/api-keys')).text();
    assert.ok(!list.includes(key), 'and never again');
    const stored = await server.ctx.db
      .selectFrom('core_api_key')
      .selectAll()
      .where('name', '=', 'Open311 app')
      .executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(stored).includes(secret), 'only a hash is stored');
    assert.deepEqual(stored.scopes, ['open311'], 'only what was ticked');
    assert.match(
      list,
      new RegExp(en('admin.apiKeys.scope.open311').replace(/[()]/g, '.')),
      'the list says what each key may do',
    );

    const districts = await fetch(`${server.url}/api/v1/districts`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(districts.status, 200);
    const revoked = await admin.submit('/admin/api-keys', `/admin/api-keys/${stored.id}/revoke`, {});
    assert.equal(revoked.status, 303);
    const refused = await fetch(`${server.url}/api/v1/districts`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(refused.status, 401);
    assert.deepEqual(
      (await auditRows('api-key.revoke')).map((r) => r.subject_id),
      [String(stored.id)],
    );
  });
});

describe('audit log and outbox pages', () => {
  test('the outbox shows the confirmation mail of a new account with its link; the audit page lists actions', async () => {
    const email = `new-${Date.now()}@example.org`;
    const anonymous = new TestClient(server.url);
    await anonymous.submit('/sign-up', '/sign-up', {
      displayName: 'Newcomer',
      email,
      password: 'a long enough password',
      acceptTerms: 'yes',
    });
    const mail = await lastMailTo(server, email);
    assert.ok(mail);
    const outbox = await (await admin.get('/admin/outbox')).text();
    assert.ok(outbox.includes(email));
    const detail = await (await admin.get(`/admin/outbox/${mail.id}`)).text();
    assert.match(detail, /\/confirm\?token=|\/confirm\//);
    const audit = await (await admin.get('/admin/audit?action=user.update')).text();
    assert.match(audit, /<code>user.update<\/code>/);
    assert.doesNotMatch(audit, /<code>department.create<\/code>/);
  });
});

describe('npm run admin', () => {
  // each command opens the embedded database in its own process: minutes on a busy machine, hence the deadline
  test('creates an administrator in an existing city and lists them', { timeout: 300_000 }, async () => {
    const folders = new TempFolders();
    const dataDir = folders.make('ic-admin-cli-');
    const run = (script: string, args: string[], extra: Record<string, string> = {}) =>
      runScript(script, args, { DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra });
    try {
      const empty = run('src/cli/admin.ts', ['create', '--email', 'chief@example.org']);
      assert.equal(await empty.exit, 1);
      assert.match(empty.output(), /No city yet/);

      const port = await freePort();
      const serverProcess = run('src/server.ts', ['--no-demo'], { PORT: String(port), LOG_LEVEL: 'info' });
      await waitForHealth(`http://127.0.0.1:${port}`, serverProcess, 180_000);
      serverProcess.child.kill('SIGTERM');
      assert.equal(await serverProcess.exit, 0);

      const created = run('src/cli/admin.ts', ['create', '--email', 'Chief@Example.org', '--name', 'Chief']);
      assert.equal(await created.exit, 0, created.output());
      assert.match(created.output(), /Created the administrator Chief@Example.org/);
      assert.match(created.output(), /Password \(shown once/);
      const listed = run('src/cli/admin.ts', ['list']);
      assert.equal(await listed.exit, 0);
      assert.match(listed.output(), /chief@example\.org\s+Chief/);
      const usage = run('src/cli/admin.ts', ['create']);
      assert.equal(await usage.exit, 2);
      assert.match(usage.output(), /Usage:/);
    } finally {
      folders.removeAll();
    }
  });
});
