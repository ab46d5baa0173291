import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createBudget } from '../../src/modules/budgets/budget-admin.use-cases.ts';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { submitReport } from '../../src/modules/reports/index.ts';
import { findViewer } from '../../src/platform/auth/users.ts';
import { TestClient } from '../support/client.ts';
import { firstOrganisationId, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: TestClient;
let csrf: string;
let adminId: number;

before(async () => {
  server = await startTestServer();
  let user: { id: number };
  ({ client: admin, user } = await signedInClient(server, { role: 'admin' }));
  adminId = user.id;
  csrf = ((await (await admin.get('/api/v1/me')).json()) as { csrfToken: string }).csrfToken;
});
after(() => server.close());

async function keyCount(): Promise<number> {
  const row = await server.ctx.db
    .selectFrom('core_api_key')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  assert.ok(body.error.message.length > 0, 'a readable message');
  assert.doesNotMatch(JSON.stringify(body), /at .*\.ts:\d+/, 'no stack trace');
  return { status: response.status, code: body.error.code, message: body.error.message };
}

describe('bad input to the JSON API changes nothing', () => {
  test('malformed JSON', async () => {
    const before = await keyCount();
    const response = await admin.json('POST', '/api/v1/admin/api-keys', '{"name": "half', { 'x-csrf-token': csrf });
    assert.deepEqual(await errorOf(response).then((e) => [e.status, e.code]), [400, 'INVALID_JSON']);
    assert.equal(await keyCount(), before);
  });

  test('wrong types and unknown fields', async () => {
    const before = await keyCount();
    const wrongType = await errorOf(
      await admin.json('POST', '/api/v1/admin/api-keys', { name: 42, scopes: ['open311'] }, { 'x-csrf-token': csrf }),
    );
    assert.deepEqual([wrongType.status, wrongType.code], [400, 'VALIDATION_FAILED']);
    const unknown = await errorOf(
      await admin.json(
        'POST',
        '/api/v1/admin/api-keys',
        { name: 'ok', scopes: ['open311'], isAdmin: true },
        { 'x-csrf-token': csrf },
      ),
    );
    assert.deepEqual([unknown.status, unknown.code], [400, 'VALIDATION_FAILED']);
    assert.match(unknown.message, /isAdmin/);
    assert.equal(await keyCount(), before);
  });

  test('an oversized body', async () => {
    const before = await keyCount();
    const response = await admin.json(
      'POST',
      '/api/v1/admin/api-keys',
      { name: 'x'.repeat(2_000_000), scopes: ['open311'] },
      { 'x-csrf-token': csrf },
    );
    assert.deepEqual(await errorOf(response).then((e) => [e.status, e.code]), [413, 'BODY_TOO_LARGE']);
    assert.equal(await keyCount(), before);
  });

  test('a session write without the CSRF header', async () => {
    const before = await keyCount();
    const response = await admin.json('POST', '/api/v1/admin/api-keys', { name: 'no token', scopes: ['open311'] });
    assert.deepEqual(await errorOf(response).then((e) => [e.status, e.code]), [403, 'CSRF_TOKEN_INVALID']);
    assert.equal(await keyCount(), before);
  });

  test('SQL and HTML in text fields are stored as text and shown escaped', async () => {
    const name = `'); drop table core_user; -- <img src=x onerror=alert(1)>`;
    const response = await admin.json(
      'POST',
      '/api/v1/admin/api-keys',
      { name, scopes: ['open311'] },
      { 'x-csrf-token': csrf },
    );
    assert.equal(response.status, 201);
    const stored = await server.ctx.db
      .selectFrom('core_api_key')
      .select('name')
      .where('name', '=', name)
      .executeTakeFirst();
    assert.equal(stored?.name, name);
    assert.ok(
      await server.ctx.db.selectFrom('core_user').select('id').executeTakeFirst(),
      'the users table is still there',
    );
    const page = await (await admin.get('/admin/api-keys')).text();
    assert.ok(!page.includes('<img src=x onerror=alert(1)>'));
    assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });

  test('an unknown or revoked API key', async () => {
    const response = await fetch(`${server.url}/api/v1/admin/api-keys`, {
      headers: { authorization: 'Bearer ic_000000000000_notarealkeynotarealkeynotarealkey' },
    });
    assert.deepEqual(await errorOf(response).then((e) => [e.status, e.code]), [401, 'INVALID_API_KEY']);
  });
});

/** The JSON error of an API answer, checked for its shape: `{ error: { code, message } }`, and nothing of the URL. */
async function apiError(response: Response, path: string): Promise<{ status: number; code: string; message: string }> {
  const text = await response.text();
  const body = JSON.parse(text) as { error: { code: unknown; message: unknown } };
  assert.equal(typeof body.error.code, 'string', text);
  assert.equal(typeof body.error.message, 'string', text);
  assert.ok(!text.includes(path.slice(8, 40)), `the answer does not repeat the address: ${text}`);
  return { status: response.status, code: body.error.code as string, message: body.error.message as string };
}

describe('text PostgreSQL cannot store is refused, never a server error', () => {
  test('a NUL in a query string, a path or a form field', async () => {
    const query = await errorOf(await fetch(`${server.url}/api/v1/reports?category=%00`));
    assert.deepEqual([query.status, query.code], [400, 'VALIDATION_FAILED']);
    assert.match(query.message, /category contains a character that cannot be stored/);
    assert.equal((await fetch(`${server.url}/processes/%00`)).status, 404);
    assert.equal((await fetch(`${server.url}/news/a%00b`)).status, 404);
    const visitor = new TestClient(server.url);
    const signIn = await visitor.submit('/sign-in', '/sign-in', { email: 'a\u0000', password: 'whatever it is' });
    assert.equal(signIn.status, 400);
    assert.match(await signIn.text(), /VALIDATION_FAILED/);
  });

  test('an unpaired surrogate or bytes that are not UTF-8 in a JSON body name the field', async () => {
    const before = await keyCount();
    const surrogate = await errorOf(
      await admin.json('POST', '/api/v1/admin/api-keys', '{"name": "a\\ud800", "scopes": ["open311"]}', {
        'x-csrf-token': csrf,
      }),
    );
    assert.deepEqual([surrogate.status, surrogate.code], [400, 'VALIDATION_FAILED']);
    assert.match(surrogate.message, /name contains a character that cannot be stored/);
    const bytes = Buffer.concat([
      Buffer.from('{"name": "a'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('", "scopes": ["open311"]}'),
    ]);
    const invalid = await errorOf(await admin.json('POST', '/api/v1/admin/api-keys', bytes, { 'x-csrf-token': csrf }));
    assert.deepEqual([invalid.status, invalid.code], [400, 'VALIDATION_FAILED']);
    assert.match(invalid.message, /name contains a character that cannot be stored/);
    assert.equal(await keyCount(), before);
  });

  test('a NUL in a multipart form field', async () => {
    const organisationId = await firstOrganisationId(server);
    const city = await server.organisations.findById(organisationId);
    assert.ok(city);
    await server.ctx.db
      .insertInto('reports_category')
      .values({
        organisation_id: organisationId,
        code: 'pothole',
        group_name: JSON.stringify({ en: 'Streets' }),
        name: JSON.stringify({ en: 'Pothole' }),
        description: '{}',
        keywords: '',
        expected_hours: 72,
        default_department_id: null,
        sort: 0,
      })
      .execute();
    const report = await submitReport(server.ctx, city, {
      categoryCode: 'pothole',
      lat: city.map.lat,
      lng: city.map.lng,
      description: 'A hole in the road.',
      source: 'web',
    });
    assert.ok('ok' in report, JSON.stringify(report));
    const { client: resident } = await signedInClient(server);
    const { csrf: token } = await resident.page(`/reports/${report.id}`);
    const response = await resident.multipart(`/reports/${report.id}/updates`, { _csrf: token, text: 'a\u0000b' });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /VALIDATION_FAILED/);
  });

  test('Open311 answers in its own format', async () => {
    const response = await fetch(`${server.url}/open311/v2/requests.json?service_code=%00`);
    assert.equal(response.status, 400);
    const [first] = (await response.json()) as Array<{ code: number; description: string }>;
    assert.equal(first?.code, 400);
  });

  test('a CSV download is refused before its headers are sent', async () => {
    const response = await admin.get('/staff/reports.csv?q=%00');
    assert.equal(response.status, 400);
    assert.doesNotMatch(response.headers.get('content-type') ?? '', /text\/csv/);
    await response.text();
  });
});

describe('numbers and dates no column can hold are bad input', () => {
  test('integers out of range, infinity and NaN in a path or a query', async () => {
    for (const path of [
      '/api/v1/budgets/9999999999999999999',
      '/api/v1/budgets/2147483648',
      '/api/v1/budgets/1e309',
      '/api/v1/proposals/1e309/support',
      '/api/v1/proposals?limit=NaN',
      '/api/v1/proposals?limit=1e309',
      '/api/v1/admin/audit?before=1e309',
      '/api/v1/admin/users?before=9999999999999999999',
    ]) {
      const refusal = await apiError(await admin.get(path), path);
      assert.deepEqual([refusal.status, refusal.code], [400, 'VALIDATION_FAILED'], path);
    }
  });

  test('integers out of range and infinity in a JSON body', async () => {
    for (const departmentId of ['9999999999999999999', '2147483648', '1e309']) {
      const refusal = await errorOf(
        await admin.json(
          'POST',
          '/api/v1/staff/reports/1/reroute',
          `{"departmentId": ${departmentId}, "reason": "r"}`,
          {
            'x-csrf-token': csrf,
          },
        ),
      );
      assert.deepEqual([refusal.status, refusal.code], [400, 'VALIDATION_FAILED'], departmentId);
      assert.match(refusal.message, /departmentId/);
    }
  });

  test('dates of the year 0 or beyond 9999', async () => {
    for (const day of ['0000-01-01', '275760-09-13', '2026-02-30']) {
      const refusal = await errorOf(await admin.get(`/api/v1/reports?from=${day}`));
      assert.deepEqual([refusal.status, refusal.code], [400, 'VALIDATION_FAILED'], day);
      assert.ok((await admin.get(`/reports?from=${day}`)).status < 500, day);
      assert.ok((await admin.get(`/staff/inbox?from=${day}`)).status < 500, day);
    }
    for (const start of ['0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z']) {
      const response = await fetch(`${server.url}/open311/v2/requests.json?start_date=${encodeURIComponent(start)}`);
      assert.equal(response.status, 400, start);
    }
  });

  test('Open311 ids out of range', async () => {
    assert.equal((await fetch(`${server.url}/open311/v2/requests.json?service_request_id=9999999999999`)).status, 400);
    assert.equal((await fetch(`${server.url}/open311/v2/requests/9999999999999.json`)).status, 404);
  });
});

describe('administration selects refuse what is not an id', () => {
  test('the process, district and heading of a budget', async () => {
    const organisationId = await firstOrganisationId(server);
    const organisation = await server.organisations.findById(organisationId);
    const viewer = await findViewer(server.ctx.db, organisationId, adminId);
    assert.ok(organisation && viewer);
    const created = await createBudget(server.ctx, viewer, organisation, {
      title: { en: 'Budget' },
      description: {},
      processId: null,
      votingRule: 'approval',
      maxProjects: 2,
      maxVotes: null,
      maxVotesPerProject: null,
      minShare: null,
      resultsMethod: 'votes',
      eligibilityLevel: 'verified',
      minAge: 14,
      maxAge: null,
      districtResidentsOnly: false,
      phaseOverride: 'balloting',
    });
    assert.ok(created.ok);
    const page = `/admin/budgets/${created.id}`;
    for (const bad of ['abc', '9999999999999999999', '1e309']) {
      const budget = await admin.submit(page, page, { title_en: 'Budget', votingRule: 'approval', processId: bad });
      assert.equal(budget.status, 400, `processId=${bad}`);
      const heading = await admin.submit(page, `${page}/headings`, {
        name_en: 'North',
        amount: '100',
        districtId: bad,
      });
      assert.equal(heading.status, 400, `districtId=${bad}`);
      const project = await admin.submit(`${page}/projects/new`, `${page}/projects/new`, {
        title_en: 'Project',
        cost: '10',
        headingId: bad,
      });
      assert.equal(project.status, 400, `headingId=${bad}`);
    }
  });
});

describe('a correctly signed webhook with text that cannot be stored', () => {
  test('is refused naming the item, and nothing is stored', async () => {
    const secret = 'bad-input-secret';
    const organisationId = await firstOrganisationId(server);
    const channelId = await insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind: 'webhook',
      name: 'bad input',
      settings: {},
      secrets: { secret },
    });
    const item = (id: string, text: string) =>
      `{"id":"${id}","text":"${text}","author":{"id":"a"},"sent_at":"2026-01-05T10:00:00Z"}`;
    const cases: Array<[string, Buffer, string]> = [
      ['NUL', Buffer.from(`[${item('1', 'fine')},${item('2', 'a\\u0000b')}]`), 'text'],
      ['unpaired surrogate', Buffer.from(`[${item('1', 'fine')},${item('2', 'a\\udc00b')}]`), 'text'],
      [
        'bytes that are not UTF-8',
        Buffer.concat([
          Buffer.from(`[${item('1', 'fine')},{"id":"2","text":"a`),
          Buffer.from([0xc3, 0x28]),
          Buffer.from(`b","author":{"id":"a"},"sent_at":"2026-01-05T10:00:00Z"}]`),
        ]),
        'text',
      ],
      [
        'the year 0',
        Buffer.from(`[${item('1', 'fine')},${item('2', 'fine').replace('2026-01-05', '0000-01-05')}]`),
        'sent_at',
      ],
    ];
    for (const [what, body, field] of cases) {
      const response = await fetch(`${server.url}/api/v1/inbox/webhook/${channelId}`, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: {
          'content-type': 'application/json',
          'x-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
      });
      const answer = (await response.json()) as {
        error: { code: string; details: { item: number; problems: Array<{ item: number; field: string }> } };
      };
      assert.equal(response.status, 400, what);
      assert.equal(answer.error.code, 'INBOX_WEBHOOK_PAYLOAD', what);
      assert.equal(answer.error.details.item, 1, what);
      assert.equal(answer.error.details.problems[0]?.field, field, what);
    }
    const stored = await server.ctx.db
      .selectFrom('inbox_message')
      .select('id')
      .where('channel_id', '=', channelId)
      .execute();
    assert.equal(stored.length, 0);
  });
});

describe('broken bodies and addresses', () => {
  test('a multipart body cut off early', async () => {
    const { client: resident } = await signedInClient(server);
    const { csrf: token } = await resident.page('/reports/new');
    const boundary = '----cut0ff';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\nThe pavement is bro`;
    const response = await resident.request('POST', '/reports', {
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    assert.equal(response.status, 400);
  });

  test("the framework's own refusals under /api/ have the one error shape", async () => {
    const broken = '/api/v1/reports/%E0%A4%A';
    assert.deepEqual(await apiError(await fetch(server.url + broken), broken).then((e) => [e.status, e.code]), [
      400,
      'VALIDATION_FAILED',
    ]);
    const long = `/api/v1/budgets/${'1'.repeat(300)}`;
    assert.deepEqual(await apiError(await fetch(server.url + long), long).then((e) => [e.status, e.code]), [
      404,
      'NOT_FOUND',
    ]);
    const huge = `/api/v1/reports?q=${'x'.repeat(20_000)}`;
    assert.deepEqual(await apiError(await fetch(server.url + huge), huge).then((e) => [e.status, e.code]), [
      431,
      'HEADERS_TOO_LARGE',
    ]);
    const unknown = '/api/v1/no-such-thing';
    for (const method of ['GET', 'PROPFIND', 'PATCH']) {
      assert.deepEqual(
        await apiError(await fetch(server.url + unknown, { method }), unknown).then((e) => [e.status, e.code]),
        [404, 'NOT_FOUND'],
        method,
      );
    }
  });
});
