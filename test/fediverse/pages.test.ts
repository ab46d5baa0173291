import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

test('administrators edit an actor’s profile fields, which every server then reads', async () => {
  const { client } = await signedInClient(server, { role: 'admin' });
  const list = await client.page('/admin/fediverse');
  assert.equal(list.response.status, 200);
  assert.match(list.html, /@news/);
  const saved = await client.submit('/admin/fediverse/actors/news', '/admin/fediverse/actors/news', {
    address: 'Town hall, Market Square 1',
    openingHours: 'Mon–Fri 8:30–16:30',
    accessibility: 'Step-free entrance',
  });
  assert.equal(saved.status, 303);
  const actor = (await (
    await fetch(`${server.url}/ap/actors/news`, { headers: { accept: 'application/activity+json' } })
  ).json()) as { attachment: Array<{ name: string; value: string }> };
  assert.deepEqual(
    actor.attachment.map((field) => field.name),
    ['Address', 'Opening hours', 'Accessibility', 'Website'],
  );
  assert.equal(actor.attachment[1]?.value, 'Mon–Fri 8:30–16:30');
  const tooLong = await client.submit('/admin/fediverse/actors/news', '/admin/fediverse/actors/news', {
    address: 'x'.repeat(501),
    openingHours: '',
    accessibility: '',
  });
  assert.equal(tooLong.status, 400);
});

test('moderators block a server from the page; residents may not', async () => {
  const { client } = await signedInClient(server, { role: 'moderator' });
  const blocked = await client.submit('/admin/fediverse', '/admin/fediverse/blocked', {
    domain: 'https://Spam.Example/',
  });
  assert.equal(blocked.status, 303);
  const page = await client.page('/admin/fediverse');
  assert.match(page.html, /<code>spam\.example<\/code>/);
  const invalid = await client.submit('/admin/fediverse', '/admin/fediverse/blocked', { domain: 'not a server' });
  assert.equal(invalid.status, 400);
  const profile = await client.page('/admin/fediverse/actors/news');
  assert.equal(profile.response.status, 403, 'profile fields are for administrators');
  const { client: resident } = await signedInClient(server, { role: 'resident' });
  assert.equal((await resident.page('/admin/fediverse')).response.status, 403);
});
