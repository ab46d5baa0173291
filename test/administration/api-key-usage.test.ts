import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApiKey } from '../../src/platform/auth/api-keys.ts';
import { buildUser, firstOrganisationId, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The page of an API key's use of its quota: what is used and left this hour and this day.

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** The cells of the table's row whose header is `label`. */
function row(page: string, label: string): string[] {
  const match = new RegExp(`<th scope="row">${label}</th>([\\s\\S]*?)</tr>`).exec(page);
  assert.ok(match, `a row for ${label}`);
  return [...(match[1] as string).matchAll(/<td>([^<]*)<\/td>/g)].map((cell) => (cell[1] as string).trim());
}

test('an administrator sees what a key used and has left this hour and day; others may not look', async () => {
  const organisationId = await firstOrganisationId(server);
  const issuer = await buildUser(server, { role: 'admin' });
  const key = await createApiKey(server.ctx.db, organisationId, 'Partner app', issuer.id, ['open311'], {
    perHour: 10,
    perDay: 100,
  });
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`${server.url}/api/v1/districts`, { headers: { authorization: `Bearer ${key.key}` } });
    assert.equal(response.status, 200);
  }
  const admin = await signedInClient(server, { role: 'admin' });
  const list = await admin.client.page('/admin/api-keys');
  assert.match(list.html, new RegExp(`<a href="/admin/api-keys/${key.id}">Partner app</a>`));
  const { response, html } = await admin.client.page(`/admin/api-keys/${key.id}`);
  assert.equal(response.status, 200);
  assert.match(html, /Use of the key “Partner app”/);
  const [hourQuota, hourUsed, hourLeft] = row(html, 'This hour');
  const [dayQuota, dayUsed, dayLeft] = row(html, 'This day');
  assert.deepEqual([hourQuota, dayQuota], ['10', '100']);
  // a quota of 10 is counted request by request (blocks of one), so the hour's count is exact; the day's
  // (blocks of 5) counts the reserved block: ahead of the 3 requests by less than a block, never behind
  assert.deepEqual([hourUsed, hourLeft], ['3', '7']);
  assert.ok(Number(dayUsed) >= 3 && Number(dayUsed) < 3 + 5, `day used ${dayUsed}`);
  assert.equal(Number(dayLeft), 100 - Number(dayUsed));

  const staff = await signedInClient(server, { role: 'staff' });
  assert.equal((await staff.client.get(`/admin/api-keys/${key.id}`)).status, 403);
  assert.equal((await admin.client.get('/admin/api-keys/2147483647')).status, 404);
});
