import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { checkSecretKey, secretKeyCheckValue, StartRefused } from '../../src/platform/secret-key.ts';
import { firstOrganisationId, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('SECRET_KEY', () => {
  test('the first start stores a check value of the key, not the key; a later start compares', async () => {
    const stored = await server.ctx.db.selectFrom('core_installation').selectAll().execute();
    assert.deepEqual(
      stored.map(({ name, value }) => ({ name, value })),
      [{ name: 'secret_key_check', value: secretKeyCheckValue(server.config.secretKey) }],
    );
    assert.ok(!stored[0]?.value.includes(server.config.secretKey));
    assert.equal(await checkSecretKey(server.ctx.db, server.config.secretKey), 'matches');
    await assert.rejects(checkSecretKey(server.ctx.db, 'another-key-of-at-least-32-characters!!'), StartRefused);
  });

  test('a channel whose credentials another key sealed: its pages say so instead of failing, its webhook is refused', async () => {
    const organisationId = await firstOrganisationId(server);
    const id = await insertChannel(server.ctx.db, 'a-key-from-another-installation-32-chars', {
      organisationId,
      kind: 'telegram',
      name: 'Copied bot',
      settings: {},
      secrets: { botToken: '123:abc', webhookSecret: 'w' },
    });
    const { client } = await signedInClient(server, { role: 'admin' });
    for (const path of ['/admin/inbox/channels', `/admin/inbox/channels/${id}`]) {
      const response = await client.get(path);
      assert.equal(response.status, 200, path);
      assert.match(await response.text(), /Credentials unreadable: they were sealed with another SECRET_KEY/);
    }
    const webhook = await fetch(`${server.url}/inbox/telegram/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'w' },
      body: JSON.stringify({ update_id: 1 }),
    });
    assert.equal(webhook.status, 404, 'credentials that cannot be opened cannot check the webhook');

    // entering the credentials again seals them under the current key
    const saved = await client.submit(`/admin/inbox/channels/${id}`, `/admin/inbox/channels/${id}`, {
      name: 'Copied bot',
      secret_token: '456:def',
      secret_webhookSecret: 'w2',
    });
    assert.equal(saved.status, 303, await saved.text());
    const page = await (await client.get(`/admin/inbox/channels/${id}`)).text();
    assert.doesNotMatch(page, /Credentials unreadable/);
  });
});
