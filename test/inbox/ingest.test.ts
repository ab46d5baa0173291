import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { ingestMessages } from '../../src/modules/inbox/ingest.ts';
import type { ChannelRecord, IncomingMessage } from '../../src/modules/inbox/channels/channel.ts';
import { openSecrets, sealSecrets } from '../../src/modules/inbox/channels/secrets.ts';
import { firstOrganisationId, signedInClient } from '../support/factories.ts';
import { loadChannel } from '../support/inbox.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let channel: ChannelRecord;

function message(externalId: string, extra: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    externalId,
    author: { externalId: 'resident-1', name: 'Ana' },
    text: `Message ${externalId}`,
    sentAt: new Date('2026-11-20T10:00:00Z'),
    ...extra,
  };
}

describe('inbox ingestion', () => {
  before(async () => {
    server = await startTestServer();
    const organisationId = await firstOrganisationId(server);
    const id = await insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind: 'webhook',
      name: 'Test source',
      settings: {},
      secrets: { token: 'top-secret-token' },
    });
    channel = await loadChannel(server, organisationId, id);
  });
  after(async () => server.close());

  test('keeps credentials sealed in the database and opens them with the key only', async () => {
    const row = await server.ctx.db
      .selectFrom('inbox_channel')
      .select('secrets')
      .where('id', '=', channel.id)
      .executeTakeFirstOrThrow();
    assert.ok(row.secrets && !row.secrets.includes('top-secret-token'));
    assert.deepEqual(channel.secrets, { token: 'top-secret-token' });
    assert.throws(() => openSecrets('another key of the right length', row.secrets));
    assert.deepEqual(openSecrets('k', sealSecrets('k', { a: 'b' })), { a: 'b' });
  });

  test('stores a delivered message once, however often it is delivered', async () => {
    const first = await ingestMessages(server.ctx.db, server.ctx.jobs, channel, [message('m-1')]);
    const again = await ingestMessages(server.ctx.db, server.ctx.jobs, channel, [message('m-1'), message('m-1')]);
    assert.deepEqual([first.stored, first.duplicates, again.stored, again.duplicates], [1, 0, 0, 2]);
    const racing = await Promise.all(
      Array.from({ length: 8 }, () => ingestMessages(server.ctx.db, server.ctx.jobs, channel, [message('m-race')])),
    );
    assert.equal(
      racing.reduce((sum, outcome) => sum + outcome.stored, 0),
      1,
    );
    const count = await server.ctx.db
      .selectFrom('inbox_message')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('external_id', 'in', ['m-1', 'm-race'])
      .executeTakeFirstOrThrow();
    assert.equal(count.n, 2);
  });

  test('threads a reply into the conversation of the message it answers and reopens a done one', async () => {
    const start = await ingestMessages(server.ctx.db, server.ctx.jobs, channel, [
      message('t-1', { subject: 'Broken bench' }),
    ]);
    const [conversationId] = start.conversationIds;
    assert.ok(conversationId !== undefined);
    await server.ctx.db
      .updateTable('inbox_conversation')
      .set({ status: 'done', done_at: new Date() })
      .where('id', '=', conversationId)
      .execute();
    const reply = await ingestMessages(server.ctx.db, server.ctx.jobs, channel, [
      message('t-2', { inReplyTo: 't-1', sentAt: new Date('2026-11-21T10:00:00Z') }),
    ]);
    assert.deepEqual(reply.conversationIds, [conversationId]);
    const conversation = await server.ctx.db
      .selectFrom('inbox_conversation')
      .selectAll()
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    assert.equal(conversation.status, 'open');
    assert.equal(conversation.message_count, 2);
    assert.equal(conversation.subject, 'Broken bench');
    assert.equal(conversation.last_message_at.toISOString(), '2026-11-21T10:00:00.000Z');
  });

  test('cuts what does not fit instead of losing the message, and queues its analysis', async () => {
    const outcome = await ingestMessages(server.ctx.db, server.ctx.jobs, channel, [
      message('x'.repeat(1000), {
        text: 'a'.repeat(30_000),
        location: { lat: 200, lng: 5 },
        sentAt: new Date('nonsense'),
      }),
    ]);
    assert.equal(outcome.stored, 1);
    const stored = await server.ctx.db
      .selectFrom('inbox_message')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    assert.equal(stored.body.length, 20_000);
    assert.equal(stored.lat, null);
    assert.match(stored.external_id ?? '', /^sha256:/);
    const waiting = () =>
      server.ctx.db
        .selectFrom('core_job')
        .select('id')
        .where('kind', '=', 'inbox.analyse')
        .where('status', '=', 'queued')
        .execute();
    assert.equal((await waiting()).length, 1, 'the analysis is queued');
    await ingestMessages(server.ctx.db, server.ctx.jobs, channel, [message('burst-1'), message('burst-2')]);
    await ingestMessages(server.ctx.db, server.ctx.jobs, channel, [message('burst-3')]);
    assert.equal((await waiting()).length, 1, 'a burst of arrivals queues one analysis run, not one per arrival');
  });

  test('a post address that is not http(s) never becomes a link in the staff inbox', async () => {
    const outcome = await ingestMessages(server.ctx.db, server.ctx.jobs, channel, [
      message('evil-link', { url: 'javascript:alert(document.cookie)' }),
      message('data-link', { url: 'data:text/html,<script>alert(1)</script>' }),
      message('fine-link', { url: 'https://social.example/@ana/113' }),
    ]);
    assert.equal(outcome.stored, 3);
    const stored = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['external_id', 'url'])
      .where('external_id', 'in', ['evil-link', 'data-link', 'fine-link'])
      .orderBy('external_id')
      .execute();
    assert.deepEqual(
      stored.map((row) => [row.external_id, row.url]),
      [
        ['data-link', null],
        ['evil-link', null],
        ['fine-link', 'https://social.example/@ana/113'],
      ],
    );
    // one stored before the check existed is not linked either
    await server.ctx.db
      .updateTable('inbox_message')
      .set({ url: 'javascript:alert(1)' })
      .where('external_id', '=', 'evil-link')
      .execute();
    const { client } = await signedInClient(server, { role: 'admin' });
    let pages = '';
    for (const id of outcome.conversationIds) {
      const response = await client.get(`/staff/inbox/${id}`);
      assert.equal(response.status, 200);
      pages += await response.text();
    }
    for (const text of ['Message evil-link', 'Message data-link', 'href="https://social.example/@ana/113"'])
      assert.ok(pages.includes(text), text);
    assert.doesNotMatch(pages, /href="(javascript|data):/i);
  });
});
