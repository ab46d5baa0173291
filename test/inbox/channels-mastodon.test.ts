import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage as HttpRequest, type Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { mastodonAdapter, statusText } from '../../src/modules/inbox/channels/mastodon.ts';
import { ChannelError } from '../../src/modules/inbox/channels/channel.ts';
import { pollChannels } from '../../src/modules/inbox/polling.ts';
import { queueReply } from '../../src/modules/inbox/replies.ts';
import { buildUser, firstOrganisationId } from '../support/factories.ts';
import { loadChannel, runUntilDelivered } from '../support/inbox.ts';
import { Recorder } from '../support/recorder.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'inbox', 'mastodon');
const load = (name: string) =>
  JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as Array<Record<string, unknown>>;

/** A fake Mastodon server: the real endpoint paths, since_id honoured, fixtures as answers. */
function fakeMastodon() {
  const state = {
    down: false,
    requests: new Recorder<{ method: string; url: string; auth: string | undefined; body: unknown }>(),
  };
  const notifications = load('notifications.json');
  const timeline = load('tag-timeline.json');
  const statuses = [...timeline, ...notifications.map((n) => n.status as Record<string, unknown>)];
  const since = (items: Array<Record<string, unknown>>, url: URL) => {
    const id = url.searchParams.get('since_id');
    return id ? items.filter((item) => BigInt(item.id as string) > BigInt(id)) : items;
  };
  const server: Server = createServer(
    (request: HttpRequest, response) =>
      void (async () => {
        let body = '';
        for await (const chunk of request) body += String(chunk);
        const url = new URL(request.url ?? '/', 'http://fake');
        state.requests.record({
          method: request.method ?? '',
          url: url.pathname + url.search,
          auth: request.headers.authorization,
          body: body ? JSON.parse(body) : undefined,
        });
        const send = (status: number, value: unknown, headers: Record<string, string> = {}) =>
          response
            .writeHead(status, {
              'content-type': 'application/json',
              'x-ratelimit-limit': '300',
              'x-ratelimit-remaining': '299',
              ...headers,
            })
            .end(JSON.stringify(value));
        if (state.down) return send(503, { error: 'Service Unavailable' });
        if (request.headers.authorization !== 'Bearer city-token')
          return send(401, { error: 'The access token is invalid' });
        if (url.pathname === '/api/v1/notifications') return send(200, since(notifications, url));
        if (url.pathname === '/api/v1/timelines/tag/albaiulia') return send(200, since(timeline, url));
        if (url.pathname === '/api/v1/accounts/verify_credentials') return send(200, load('verify-credentials.json'));
        const statusMatch = /^\/api\/v1\/statuses\/(\d+)$/.exec(url.pathname);
        if (statusMatch && request.method === 'GET') {
          const found = statuses.find((status) => status.id === statusMatch[1]);
          return found ? send(200, found) : send(404, { error: 'Record not found' });
        }
        if (url.pathname === '/api/v1/statuses' && request.method === 'POST') {
          const posted = JSON.parse(body) as { status: string; in_reply_to_id: string; visibility: string };
          return send(200, {
            id: '113520999000000001',
            uri: 'https://example.social/users/primaria/statuses/113520999000000001',
            url: 'https://example.social/@primaria/113520999000000001',
            created_at: new Date().toISOString(),
            in_reply_to_id: posted.in_reply_to_id,
            visibility: posted.visibility,
            language: null,
            content: `<p>${posted.status}</p>`,
            account: { id: '1', username: 'primaria', acct: 'primaria', display_name: 'Primăria' },
          });
        }
        return send(404, { error: 'Record not found' });
      })(),
  );
  return { server, state };
}

describe('Mastodon channel', () => {
  let server: TestServer;
  let fake: ReturnType<typeof fakeMastodon>;
  let channelId: number;
  let organisationId: number;
  let clock = Date.now();
  const later = () => new Date((clock += 3 * 3600_000));

  before(async () => {
    fake = fakeMastodon();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const address = fake.server.address();
    const instance = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    server = await startTestServer({ allowOutbound: [instance] });
    organisationId = await firstOrganisationId(server);
    channelId = await insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind: 'mastodon',
      name: 'City account',
      settings: { instance, hashtags: '#AlbaIulia' },
      secrets: { token: 'city-token' },
    });
  });
  after(async () => {
    await server.close();
    fake.server.close();
  });

  test('turns a status into text: tags dropped, entities decoded, paragraphs kept', () => {
    assert.equal(
      statusText('<p>a &amp; b&#39;s <a href="x">#<span>tag</span></a></p><p>second<br>line</p>'),
      "a & b's #tag\n\nsecond\nline",
    );
  });

  test('polls mentions and hashtags, stores each status once and threads replies', async () => {
    const first = await pollChannels(server.ctx, later());
    assert.deepEqual([first.polled, first.stored, first.failed], [1, 2, 0]);
    const again = await pollChannels(server.ctx, later());
    assert.deepEqual([again.polled, again.stored], [1, 0]);
    assert.ok(
      fake.state.requests.items.some(
        (r) =>
          r.url.includes('/api/v1/notifications') &&
          r.url.includes('since_id=34975861') &&
          r.url.includes('types%5B%5D=mention'),
      ),
    );
    assert.ok(
      fake.state.requests.items.some(
        (r) => r.url.startsWith('/api/v1/timelines/tag/albaiulia') && r.url.includes('since_id=113520220000000002'),
      ),
    );
    const messages = await server.ctx.db
      .selectFrom('inbox_message')
      .selectAll()
      .where('channel_id', '=', channelId)
      .orderBy('id')
      .execute();
    assert.equal(messages.length, 2);
    const [mention, reply] = messages;
    assert.ok(mention && reply);
    assert.equal(mention.conversation_id, reply.conversation_id, 'the reply is in the thread of the status it answers');
    assert.match(
      mention.body,
      /^@primaria Groapa de pe strada Moților e tot acolo & s-a adâncit după ploaie\.\n\nPoză atașată\.$/,
    );
    assert.equal(mention.url, 'https://social.example.ro/@mariana/113520117800000001');
    assert.equal((mention.attachments as unknown as unknown[]).length, 1);
    const authorId = mention.author_id;
    assert.ok(authorId !== null);
    const author = await server.ctx.db
      .selectFrom('inbox_author')
      .selectAll()
      .where('id', '=', authorId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [author.external_id, author.display_name, author.handle],
      ['mariana@social.example.ro', 'Mariana Pop', '@mariana@social.example.ro'],
    );
  });

  test('answers in reply to the resident, mentioning them, with their visibility', async () => {
    const conversation = await server.ctx.db
      .selectFrom('inbox_conversation')
      .select('id')
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow();
    const staff = await buildUser(server, { role: 'staff' });
    const mark = fake.state.requests.mark();
    const messageId = await queueReply(server.ctx, {
      organisationId,
      conversationId: conversation.id,
      userId: staff.id,
      text: 'Thank you, a crew is on its way.',
    });
    // other modules' jobs (the analysis) may be due too; run until the answer has left
    assert.equal(await runUntilDelivered(server, messageId), 'sent');
    // the answer the fake received, whenever it arrives; not whatever came last
    const post = await fake.state.requests.waitFor((r) => r.method === 'POST' && r.url === '/api/v1/statuses', {
      after: mark,
      what: 'the answer (POST /api/v1/statuses)',
    });
    assert.deepEqual(post.body, {
      status: '@tom@fedi.example.org Thank you, a crew is on its way.',
      in_reply_to_id: '113520220000000002',
      visibility: 'unlisted',
    });
    const sent = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['delivery', 'external_id', 'url'])
      .where('id', '=', messageId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(sent, {
      delivery: 'sent',
      external_id: '113520999000000001',
      url: 'https://example.social/@primaria/113520999000000001',
    });
  });

  test('a server that is down marks the channel failing, keeps the cursor, and recovers', async () => {
    const before = await server.ctx.db
      .selectFrom('inbox_channel')
      .select('cursor')
      .where('id', '=', channelId)
      .executeTakeFirstOrThrow();
    fake.state.down = true;
    const failed = await pollChannels(server.ctx, later());
    assert.equal(failed.failed, 1);
    const failing = await server.ctx.db
      .selectFrom('inbox_channel')
      .select(['status', 'failures', 'last_error', 'cursor'])
      .where('id', '=', channelId)
      .executeTakeFirstOrThrow();
    assert.equal(failing.status, 'failing');
    assert.equal(failing.failures, 1);
    assert.match(failing.last_error ?? '', /HTTP 503/);
    assert.ok(!(failing.last_error ?? '').includes('city-token'));
    assert.deepEqual(failing.cursor, before.cursor);
    const channel = await loadChannel(server, organisationId, channelId);
    await assert.rejects(
      async () => mastodonAdapter.poll?.(channel, AbortSignal.timeout(5000), server.ctx),
      (error: unknown) => error instanceof ChannelError && error.retryable,
    );
    fake.state.down = false;
    const recovered = await pollChannels(server.ctx, later());
    assert.deepEqual([recovered.failed, recovered.stored], [0, 0]);
    const ok = await server.ctx.db
      .selectFrom('inbox_channel')
      .select(['status', 'failures'])
      .where('id', '=', channelId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(ok, { status: 'ok', failures: 0 });
  });

  test('checks the token with verify_credentials', async () => {
    const channel = await loadChannel(server, organisationId, channelId);
    assert.deepEqual(await mastodonAdapter.health(channel, AbortSignal.timeout(5000), server.ctx), {
      ok: true,
      detail: '@primaria',
    });
    const wrong = await mastodonAdapter.health(
      { ...channel, secrets: { token: 'wrong' } },
      AbortSignal.timeout(5000),
      server.ctx,
    );
    assert.equal(wrong.ok, false);
  });
});
