import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signedInClient, firstOrganisationId } from '../support/factories.ts';
import { loadChannel } from '../support/inbox.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('inbox channel pages', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  test('administrators add, edit, switch off, check and archive a channel; secrets are never shown or audited', async () => {
    const { client } = await signedInClient(server, { role: 'admin' });
    assert.equal((await client.get('/admin/inbox/channels')).status, 200);
    const form = await client.page('/admin/inbox/channels/new?kind=mastodon');
    assert.match(form.html, /type="password"/);
    const missing = await client.postForm('/admin/inbox/channels/new?kind=mastodon', {
      _csrf: form.csrf,
      name: 'City account',
      setting_instance: 'not a url',
      secret_token: '',
    });
    assert.equal(missing.status, 400);
    const created = await client.postForm('/admin/inbox/channels/new?kind=mastodon', {
      _csrf: form.csrf,
      name: 'City account',
      setting_instance: 'http://127.0.0.1:9',
      setting_hashtags: 'AlbaIulia',
      secret_token: 'very-secret-token',
    });
    assert.equal(created.status, 303);
    const path = created.headers.get('location') ?? '';
    const id = Number(/\/(\d+)$/.exec(path)?.[1]);
    const page = await client.page(path);
    assert.ok(!page.html.includes('very-secret-token'));
    assert.match(page.html, /A value is stored/);

    const saved = await client.postForm(path, {
      _csrf: page.csrf,
      name: 'City account (renamed)',
      setting_instance: 'http://127.0.0.1:9',
      setting_hashtags: 'AlbaIulia, Cetate',
      secret_token: '',
    });
    assert.equal(saved.status, 303);
    const organisationId = await firstOrganisationId(server);
    const channel = await loadChannel(server, organisationId, id);
    assert.deepEqual(
      [channel.name, channel.secrets.token, channel.settings.hashtags],
      ['City account (renamed)', 'very-secret-token', 'AlbaIulia, Cetate'],
    );

    const check = await client.postForm(`${path}/check`, { _csrf: page.csrf });
    assert.equal(check.status, 200);
    assert.match(await check.text(), /The check failed/);
    assert.equal((await client.postForm(`${path}/enabled`, { _csrf: page.csrf, enabled: 'no' })).status, 303);
    assert.equal((await loadChannel(server, organisationId, id)).enabled, false);
    assert.equal((await client.postForm(`${path}/archive`, { _csrf: page.csrf })).status, 303);
    assert.doesNotMatch(await (await client.get('/admin/inbox/channels')).text(), /City account/);

    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select(['action', 'before', 'after'])
      .where('subject_type', '=', 'inbox_channel')
      .where('subject_id', '=', String(id))
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((row) => row.action),
      ['inbox.channel.created', 'inbox.channel.changed', 'inbox.channel.disabled', 'inbox.channel.archived'],
    );
    assert.ok(!JSON.stringify(audit).includes('very-secret-token'));
  });

  test('a Telegram channel gets a webhook secret and shows the address to give to Telegram', async () => {
    const { client } = await signedInClient(server, { role: 'admin' });
    const form = await client.page('/admin/inbox/channels/new?kind=telegram');
    const created = await client.postForm('/admin/inbox/channels/new?kind=telegram', {
      _csrf: form.csrf,
      name: 'City bot',
      secret_token: '123:abc',
      secret_webhookSecret: '',
      setting_apiBase: '',
    });
    assert.equal(created.status, 303);
    const id = Number(/\/(\d+)$/.exec(created.headers.get('location') ?? '')?.[1]);
    const html = await (await client.get(`/admin/inbox/channels/${id}`)).text();
    assert.match(html, new RegExp(`/inbox/telegram/${id}`));
    const organisationId = await firstOrganisationId(server);
    const channel = await loadChannel(server, organisationId, id);
    assert.match(channel.secrets.webhookSecret ?? '', /^[A-Za-z0-9_-]{32}$/);
  });

  test('staff without the administrator role may not configure channels', async () => {
    const { client } = await signedInClient(server, { role: 'staff' });
    assert.equal((await client.get('/admin/inbox/channels')).status, 403);
    assert.equal((await client.get('/admin/inbox/channels/new?kind=email')).status, 403);
  });
});
