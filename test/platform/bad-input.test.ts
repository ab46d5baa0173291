import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: TestClient;
let csrf: string;

before(async () => {
  server = await startTestServer();
  ({ client: admin } = await signedInClient(server, { role: 'admin' }));
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
