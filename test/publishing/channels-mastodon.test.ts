import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mastodonPublishing as adapter } from '../../src/modules/publishing/channels/mastodon.ts';
import { PublishDoubt, StatusUnknown } from '../../src/modules/publishing/channels/social-api.ts';
import type { ChannelPost } from '../../src/platform/publishing.ts';
import { Outbound } from '../../src/platform/outbound/outbound.ts';
import { firstOrganisationId } from '../support/factories.ts';
import { startFakeMastodon, type FakeMastodon } from '../support/fake-mastodon.ts';
import { channelPost, createDelivery, deliveryRef, picture } from '../support/publishing-channels.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('publishing to a Mastodon account', () => {
  let server: TestServer;
  let fake: FakeMastodon;
  let organisationId: number;

  before(async () => {
    fake = await startFakeMastodon();
    server = await startTestServer({ allowOutbound: [fake.url] });
    organisationId = await firstOrganisationId(server);
  });
  after(async () => {
    await server.close();
    await fake.close();
  });

  const made = (secrets: Record<string, string> = { token: fake.token }) =>
    createDelivery(server.ctx, organisationId, { kind: 'mastodon', settings: { instance: fake.url }, secrets });
  const signal = () => AbortSignal.timeout(10_000);

  test('publishes once: pictures uploaded with their alt text and processed, the status with its Idempotency-Key, content warning and language', async () => {
    const delivery = await made();
    const mark = fake.requests.mark();
    const outcome = await adapter.publish(
      delivery.destination,
      channelPost(delivery, {
        contentWarning: 'Road works',
        language: 'ro',
        media: [picture('https://city.example/media/1.jpg', 'The bridge seen from the river, with scaffolding')],
      }),
      server.ctx,
      signal(),
    );
    assert.equal(outcome.state, 'published');
    const status = fake.statuses.get(outcome.remoteId ?? '');
    assert.ok(status, 'the status exists on the server');
    assert.equal(outcome.url, status.url);
    const uploads = fake.requests.filter((r) => r.path === '/api/v2/media', mark);
    assert.equal(uploads.length, 1);
    const [upload] = uploads;
    assert.ok(upload);
    assert.equal(upload.body.description, 'The bridge seen from the river, with scaffolding');
    assert.ok((upload.body.file as { bytes: number }).bytes > 300, 'the picture bytes were sent');
    assert.ok(fake.requests.filter((r) => r.path.startsWith('/api/v1/media/'), mark).length >= 1, 'processing polled');
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses', mark);
    assert.equal(posts.length, 1, 'one POST of the status');
    const [sent] = posts;
    assert.ok(sent);
    assert.equal(sent.idempotencyKey, delivery.idempotencyKey);
    assert.equal(sent.authorization, `Bearer ${fake.token}`);
    assert.equal(sent.body.spoiler_text, 'Road works');
    assert.equal(sent.body.language, 'ro');
    assert.deepEqual(sent.body.media_ids, [(status.media_attachments as Array<{ id: string }>)[0]?.id]);
    assert.equal((status.media_attachments as Array<{ description: string }>)[0]?.description, upload.body.description);
  });

  for (const failure of ['hang-after-accept', 'bad-gateway-after-accept'] as const)
    test(`a publish left in doubt (${failure}) is resolved by status with the same Idempotency-Key, without a second status`, async () => {
      const delivery = await made();
      const before = fake.statuses.size;
      fake.failNext('POST', '/api/v1/statuses', failure);
      await assert.rejects(
        adapter.publish(delivery.destination, channelPost(delivery), server.ctx, AbortSignal.timeout(1500)),
        (error: unknown) => error instanceof PublishDoubt && !error.message.includes(fake.token),
      );
      assert.equal(fake.statuses.size, before + 1, 'the server made the status although the answer was lost');
      const mark = fake.requests.mark();
      const ref = await deliveryRef(server.ctx, delivery.deliveryId);
      const first = await adapter.status(delivery.destination, ref, server.ctx, signal());
      const again = await adapter.status(delivery.destination, ref, server.ctx, signal());
      assert.equal(first.state, 'published');
      assert.equal(again.remoteId, first.remoteId, 'status asked twice finds the same status');
      assert.equal(fake.statuses.size, before + 1, 'no duplicate');
      const repeats = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses', mark);
      assert.ok(repeats.every((r) => r.idempotencyKey === delivery.idempotencyKey));
      const byId = await adapter.status(
        delivery.destination,
        await deliveryRef(server.ctx, delivery.deliveryId, first.remoteId ?? null),
        server.ctx,
        signal(),
      );
      assert.equal(byId.state, 'published');
    });

  test('a 503 before anything was made leaves doubt too; status then makes the status exactly once', async () => {
    const delivery = await made();
    const before = fake.statuses.size;
    fake.failNext('POST', '/api/v1/statuses', 'unavailable');
    await assert.rejects(
      adapter.publish(delivery.destination, channelPost(delivery), server.ctx, signal()),
      PublishDoubt,
    );
    assert.equal(fake.statuses.size, before);
    const ref = await deliveryRef(server.ctx, delivery.deliveryId);
    const resolved = await adapter.status(delivery.destination, ref, server.ctx, signal());
    await adapter.status(delivery.destination, ref, server.ctx, signal());
    assert.equal(resolved.state, 'published');
    assert.equal(fake.statuses.size, before + 1);
  });

  test('status of a delivery whose publish never sent its request is not_found, and asks nothing', async () => {
    const delivery = await made();
    const mark = fake.requests.mark();
    const outcome = await adapter.status(
      delivery.destination,
      await deliveryRef(server.ctx, delivery.deliveryId),
      server.ctx,
      signal(),
    );
    assert.equal(outcome.state, 'not_found');
    assert.equal(fake.requests.filter(() => true, mark).length, 0);
  });

  test('a rate limit (429) fails retryably with nothing made; a wrong token fails for good, without the token in the detail', async () => {
    const delivery = await made();
    const before = fake.statuses.size;
    fake.failNext('POST', '/api/v1/statuses', 'rate-limited');
    const limited = await adapter.publish(delivery.destination, channelPost(delivery), server.ctx, signal());
    assert.equal(limited.state, 'failed');
    assert.equal(limited.retryable, true);
    assert.match(limited.detail ?? '', /429.*rate limited until/);
    const wrong = await made({ token: 'not-the-city-token-123' });
    const refused = await adapter.publish(wrong.destination, channelPost(wrong), server.ctx, signal());
    assert.equal(refused.state, 'failed');
    assert.equal(refused.retryable, false);
    assert.match(refused.detail ?? '', /401 The access token is invalid/);
    assert.ok(!(refused.detail ?? '').includes('not-the-city-token-123'));
    assert.equal(fake.statuses.size, before);
  });

  test('edit, metrics and removal of a published status; a removed status is not_found', async () => {
    const delivery = await made();
    const outcome = await adapter.publish(delivery.destination, channelPost(delivery), server.ctx, signal());
    const ref = await deliveryRef(server.ctx, delivery.deliveryId, outcome.remoteId ?? null);
    const status = fake.statuses.get(outcome.remoteId ?? '');
    assert.ok(status);
    status.favourites_count = 7;
    status.reblogs_count = 3;
    status.replies_count = 2;
    assert.deepEqual(await adapter.metrics?.(delivery.destination, ref, server.ctx, signal()), {
      favourites: 7,
      boosts: 3,
      replies: 2,
    });
    const edited = await adapter.update?.(
      delivery.destination,
      ref,
      channelPost(delivery, { text: 'The bridge reopens on Tuesday.' }),
      server.ctx,
      signal(),
    );
    assert.equal(edited?.state, 'published');
    assert.match(String(status.content), /Tuesday/);
    assert.ok(status.edited_at);
    assert.equal((await adapter.remove?.(delivery.destination, ref, server.ctx, signal()))?.state, 'not_found');
    assert.equal((await adapter.status(delivery.destination, ref, server.ctx, signal())).state, 'not_found');
  });

  test('status cannot be answered while the server is down: StatusUnknown, retryable', async () => {
    const delivery = await made();
    const outcome = await adapter.publish(delivery.destination, channelPost(delivery), server.ctx, signal());
    fake.failNext('GET', `/api/v1/statuses/${outcome.remoteId}`, 'unavailable');
    await assert.rejects(
      adapter.status(
        delivery.destination,
        await deliveryRef(server.ctx, delivery.deliveryId, outcome.remoteId ?? null),
        server.ctx,
        signal(),
      ),
      (error: unknown) => error instanceof StatusUnknown && error.retryable,
    );
  });

  test('the limits as Mastodon counts them: 500 characters with the content warning, each link as 23; alt text required', async () => {
    const delivery = await made();
    const link = `https://city.example/${'x'.repeat(200)}`;
    const validate = (post: ChannelPost) => adapter.validate?.(post);
    const fits = channelPost(delivery, { text: `${'a'.repeat(470)} ${link}` });
    assert.deepEqual(validate(fits), []);
    const over = channelPost(delivery, { text: `${'a'.repeat(470)} ${link}`, contentWarning: 'Road works ahead' });
    assert.deepEqual(validate(over), [{ code: 'TOO_LONG', field: 'text', limit: 500, count: 510 }]);
    const emoji = channelPost(delivery, { text: '👩‍👩‍👧'.repeat(500) });
    assert.deepEqual(validate(emoji), [], 'a family emoji is one character');
    const noAlt = channelPost(delivery, { media: [picture('https://city.example/m.jpg', ' ')] });
    assert.deepEqual(validate(noAlt), [{ code: 'ALT_TEXT_MISSING', field: 'media' }]);
    assert.equal(adapter.limits.maxCharacters, 500);
    assert.equal(adapter.limits.linkCharacters, 23);
    assert.equal(adapter.sharesInboxAccount, 'mastodon');
  });

  test('the outbound guard is used: the instance on a private address is refused unless the operator allows it', async () => {
    const delivery = await made();
    const mark = fake.requests.mark();
    const guarded = { ...server.ctx, outbound: new Outbound() };
    const outcome = await adapter.publish(delivery.destination, channelPost(delivery), guarded, signal());
    assert.equal(outcome.state, 'failed');
    assert.equal(outcome.retryable, false);
    assert.match(outcome.detail ?? '', /OUTBOUND_ADDRESS_REFUSED/);
    assert.equal(fake.requests.filter(() => true, mark).length, 0, 'nothing reached the server');
  });
});
