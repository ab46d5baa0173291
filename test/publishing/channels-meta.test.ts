import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { facebookPublishing as facebook } from '../../src/modules/publishing/channels/facebook.ts';
import { instagramPublishing as instagram } from '../../src/modules/publishing/channels/instagram.ts';
import { PublishDoubt, StatusUnknown } from '../../src/modules/publishing/channels/social-api.ts';
import { Outbound } from '../../src/platform/outbound/outbound.ts';
import type { ChannelPost } from '../../src/platform/publishing.ts';
import { firstOrganisationId } from '../support/factories.ts';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.ts';
import { channelPost, createDelivery, deliveryRef, picture } from '../support/publishing-channels.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let fake: FakeGraph;
let organisationId: number;

before(async () => {
  fake = await startFakeGraph();
  server = await startTestServer({ allowOutbound: [fake.url] });
  organisationId = await firstOrganisationId(server);
});
after(async () => {
  await server.close();
  await fake.close();
});

const signal = () => AbortSignal.timeout(10_000);
const posts = () => [...fake.objects.values()].filter((item) => item.kind === 'post').length;
const media = () => [...fake.objects.values()].filter((item) => item.kind === 'media').length;

describe('publishing to a Facebook page', () => {
  const made = (token = fake.token) =>
    createDelivery(server.ctx, organisationId, {
      kind: 'facebook',
      settings: { pageId: fake.pageId, graphBase: fake.url },
      secrets: { pageAccessToken: token, appSecret: 'app-secret-1', verifyToken: 'verify-1' },
    });

  test('a text post goes to /{page}/feed once, with the content warning before the text and the post link', async () => {
    const delivery = await made();
    const mark = fake.requests.mark();
    const outcome = await facebook.publish(
      delivery.destination,
      channelPost(delivery, { contentWarning: 'Road works' }),
      server.ctx,
      signal(),
    );
    assert.equal(outcome.state, 'published');
    const [sent, ...more] = fake.requests.filter((r) => r.method === 'POST', mark);
    assert.ok(sent);
    assert.equal(more.length, 0);
    assert.equal(sent.path, `${fake.pageId}/feed`);
    assert.equal(sent.authorization, `Bearer ${fake.token}`);
    assert.match(String(sent.body.message), /^Road works\n\nThe bridge/);
    assert.equal(sent.body.link, 'https://city.example/news/bridge');
    assert.ok(fake.objects.has(outcome.remoteId ?? ''));
  });

  test('one picture is a /photos post with its alt text; several are unpublished photos attached to one feed post', async () => {
    const one = await made();
    const mark = fake.requests.mark();
    const single = await facebook.publish(
      one.destination,
      channelPost(one, { media: [picture('https://city.example/m/1.jpg', 'A crane lifts the new span')] }),
      server.ctx,
      signal(),
    );
    const [photo] = fake.requests.filter((r) => r.method === 'POST', mark);
    assert.equal(photo?.path, `${fake.pageId}/photos`);
    assert.equal(photo.body.alt_text_custom, 'A crane lifts the new span');
    assert.equal(photo.body.url, 'https://city.example/m/1.jpg');
    assert.equal(fake.objects.get(single.remoteId ?? '')?.kind, 'post', 'the remote id is the post, not the photo');

    const two = await made();
    const second = fake.requests.mark();
    const several = await facebook.publish(
      two.destination,
      channelPost(two, {
        media: [picture('https://city.example/m/1.jpg', 'Before'), picture('https://city.example/m/2.jpg', 'After')],
      }),
      server.ctx,
      signal(),
    );
    const calls = fake.requests.filter((r) => r.method === 'POST', second);
    assert.deepEqual(
      calls.map((r) => [r.path, r.body.published, r.body.alt_text_custom]),
      [
        [`${fake.pageId}/photos`, false, 'Before'],
        [`${fake.pageId}/photos`, false, 'After'],
        [`${fake.pageId}/feed`, undefined, undefined],
      ],
    );
    assert.equal((fake.objects.get(several.remoteId ?? '')?.attached_media as unknown[]).length, 2);
  });

  for (const failure of ['hang-after-accept', 'error-after-accept'] as const)
    test(`a post left in doubt (${failure}) is found by status among the page's posts, never posted twice`, async () => {
      const delivery = await made();
      const before = posts();
      fake.failNext('POST', `${fake.pageId}/feed`, failure);
      await assert.rejects(
        facebook.publish(delivery.destination, channelPost(delivery), server.ctx, AbortSignal.timeout(1500)),
        (error: unknown) => error instanceof PublishDoubt && !error.message.includes(fake.token),
      );
      assert.equal(posts(), before + 1);
      const ref = await deliveryRef(server.ctx, delivery.deliveryId);
      const outcome = await facebook.status(delivery.destination, ref, server.ctx, signal());
      assert.equal(outcome.state, 'published');
      assert.ok(fake.objects.has(outcome.remoteId ?? ''));
      assert.equal((await facebook.status(delivery.destination, ref, server.ctx, signal())).remoteId, outcome.remoteId);
      assert.equal(posts(), before + 1, 'no duplicate');
    });

  test('a failure before anything was posted: status waits a minute, then answers not_found (the post was not made)', async () => {
    const delivery = await made();
    const before = posts();
    fake.failNext('POST', `${fake.pageId}/feed`, 'unavailable');
    const post = channelPost(delivery, { text: 'A text no other test posts' });
    await assert.rejects(facebook.publish(delivery.destination, post, server.ctx, signal()), PublishDoubt);
    const ref = await deliveryRef(server.ctx, delivery.deliveryId);
    await assert.rejects(
      facebook.status(delivery.destination, ref, server.ctx, signal()),
      (error: unknown) => error instanceof StatusUnknown && error.retryable,
    );
    const later = { ...ref, state: { ...ref.state, requestedAt: new Date(Date.now() - 120_000).toISOString() } };
    assert.equal((await facebook.status(delivery.destination, later, server.ctx, signal())).state, 'not_found');
    assert.equal(posts(), before);
  });

  test('rate limited (code 32) fails retryably; an invalid token (code 190) fails for good without the token', async () => {
    const delivery = await made();
    fake.failNext('POST', `${fake.pageId}/feed`, 'rate-limited');
    const limited = await facebook.publish(delivery.destination, channelPost(delivery), server.ctx, signal());
    assert.deepEqual([limited.state, limited.retryable], ['failed', true]);
    assert.match(limited.detail ?? '', /code 32/);
    const wrong = await made('EAAG-wrong-token-0000');
    const refused = await facebook.publish(wrong.destination, channelPost(wrong), server.ctx, signal());
    assert.deepEqual([refused.state, refused.retryable], ['failed', false]);
    assert.match(refused.detail ?? '', /code 190/);
    assert.ok(!(refused.detail ?? '').includes('EAAG-wrong-token-0000'));
  });

  test('status, metrics with reach from insights, edit and delete of a published post', async () => {
    const delivery = await made();
    const outcome = await facebook.publish(delivery.destination, channelPost(delivery), server.ctx, signal());
    const ref = await deliveryRef(server.ctx, delivery.deliveryId, outcome.remoteId ?? null);
    const stored = fake.objects.get(outcome.remoteId ?? '');
    assert.ok(stored);
    Object.assign(stored, { reactions: 12, comments: 4, shares: { count: 2 } });
    assert.equal((await facebook.status(delivery.destination, ref, server.ctx, signal())).url, stored.permalink_url);
    assert.deepEqual(await facebook.metrics?.(delivery.destination, ref, server.ctx, signal()), {
      favourites: 12,
      boosts: 2,
      replies: 4,
      reach: 42,
    });
    const edited = await facebook.update?.(
      delivery.destination,
      ref,
      channelPost(delivery, { text: 'Reopens on Tuesday' }),
      server.ctx,
      signal(),
    );
    assert.equal(edited?.state, 'published');
    assert.equal(stored.message, 'Reopens on Tuesday');
    assert.equal((await facebook.remove?.(delivery.destination, ref, server.ctx, signal()))?.state, 'not_found');
    assert.equal((await facebook.status(delivery.destination, ref, server.ctx, signal())).state, 'not_found');
  });

  test('limits: 63,206 characters; alt text required; the guard refuses a private Graph address unless allowed', async () => {
    const delivery = await made();
    const validate = (post: ChannelPost) => facebook.validate?.(post);
    assert.deepEqual(validate(channelPost(delivery, { text: 'x'.repeat(63_206) })), []);
    assert.deepEqual(validate(channelPost(delivery, { text: 'x'.repeat(63_207) })), [
      { code: 'TOO_LONG', field: 'text', limit: 63_206, count: 63_207 },
    ]);
    const mark = fake.requests.mark();
    const outcome = await facebook.publish(
      delivery.destination,
      channelPost(delivery),
      { ...server.ctx, outbound: new Outbound() },
      signal(),
    );
    assert.deepEqual([outcome.state, outcome.retryable], ['failed', false]);
    assert.match(outcome.detail ?? '', /OUTBOUND_ADDRESS_REFUSED/);
    assert.equal(fake.requests.filter(() => true, mark).length, 0);
  });
});

describe('publishing to Instagram', () => {
  const made = (token = fake.token) =>
    createDelivery(server.ctx, organisationId, {
      kind: 'instagram',
      settings: { igUserId: fake.igUserId, graphBase: fake.url },
      secrets: { pageAccessToken: token },
    });
  const jpeg = (n: number, alt: string) => picture(`https://city.example/m/${n}.jpg`, alt);

  test('container with image_url, caption and alt_text, FINISHED, then media_publish once', async () => {
    fake.containerDelay = 0;
    const delivery = await made();
    const mark = fake.requests.mark();
    const outcome = await instagram.publish(
      delivery.destination,
      channelPost(delivery, { media: [jpeg(1, 'The new bridge at dusk')], contentWarning: 'Flashing lights' }),
      server.ctx,
      signal(),
    );
    assert.equal(outcome.state, 'published');
    assert.match(outcome.url ?? '', /^https:\/\/www\.instagram\.com\/p\//);
    const calls = fake.requests.filter(() => true, mark);
    const container = calls.find((r) => r.method === 'POST' && r.path === `${fake.igUserId}/media`);
    assert.equal(container?.body.image_url, 'https://city.example/m/1.jpg');
    assert.equal(container.body.alt_text, 'The new bridge at dusk');
    assert.match(String(container.body.caption), /^Flashing lights\n\nThe bridge/);
    assert.ok(calls.some((r) => r.method === 'GET' && r.query.fields === 'status_code,status'));
    assert.equal(calls.filter((r) => r.path === `${fake.igUserId}/media_publish`).length, 1);
  });

  test('a container still IN_PROGRESS: processing, kept in the state, and status publishes it once when FINISHED', async () => {
    fake.containerDelay = 2;
    const delivery = await made();
    const mark = fake.requests.mark();
    const before = media();
    const outcome = await instagram.publish(
      delivery.destination,
      channelPost(delivery, { media: [jpeg(2, 'A map of the detour')] }),
      server.ctx,
      signal(),
    );
    assert.equal(outcome.state, 'processing');
    const ref = await deliveryRef(server.ctx, delivery.deliveryId);
    assert.ok(ref.state.containerId, 'the container id is kept in the delivery');
    assert.equal((await instagram.status(delivery.destination, ref, server.ctx, signal())).state, 'processing');
    const done = await instagram.status(delivery.destination, ref, server.ctx, signal());
    assert.equal(done.state, 'published');
    const again = await instagram.status(
      delivery.destination,
      await deliveryRef(server.ctx, delivery.deliveryId),
      server.ctx,
      signal(),
    );
    assert.equal(again.remoteId, done.remoteId);
    assert.equal(media(), before + 1);
    assert.equal(fake.requests.filter((r) => r.path === `${fake.igUserId}/media_publish`, mark).length, 1);
    fake.containerDelay = 0;
  });

  test('several pictures make a carousel: item containers with their alt text, then the CAROUSEL container', async () => {
    const delivery = await made();
    const mark = fake.requests.mark();
    const outcome = await instagram.publish(
      delivery.destination,
      channelPost(delivery, { media: [jpeg(3, 'Before the works'), jpeg(4, 'After the works')] }),
      server.ctx,
      signal(),
    );
    assert.equal(outcome.state, 'published');
    const made_ = fake.requests.filter((r) => r.method === 'POST' && r.path === `${fake.igUserId}/media`, mark);
    assert.deepEqual(
      made_.map((r) => [r.body.is_carousel_item ?? r.body.media_type, r.body.alt_text ?? null]),
      [
        [true, 'Before the works'],
        [true, 'After the works'],
        ['CAROUSEL', null],
      ],
    );
  });

  test('a media_publish left in doubt is resolved from the container (PUBLISHED) and the latest media, without a second publish', async () => {
    const delivery = await made();
    const before = media();
    fake.failNext('POST', `${fake.igUserId}/media_publish`, 'hang-after-accept');
    await assert.rejects(
      instagram.publish(
        delivery.destination,
        channelPost(delivery, { text: 'Unique caption for the doubt test', media: [jpeg(5, 'A tram')] }),
        server.ctx,
        AbortSignal.timeout(1500),
      ),
      PublishDoubt,
    );
    const mark = fake.requests.mark();
    const ref = await deliveryRef(server.ctx, delivery.deliveryId);
    const outcome = await instagram.status(delivery.destination, ref, server.ctx, signal());
    assert.equal(outcome.state, 'published');
    assert.equal(fake.objects.get(outcome.remoteId ?? '')?.caption, 'Unique caption for the doubt test');
    assert.equal(media(), before + 1);
    assert.equal(fake.requests.filter((r) => r.path.endsWith('media_publish'), mark).length, 0);
  });

  test('the daily quota is read at run time; the publishing limit fails retryably', async () => {
    const delivery = await made();
    fake.quota.usage = 97;
    assert.deepEqual(await instagram.quota?.(delivery.destination, server.ctx, signal()), { remaining: 3 });
    fake.quota.usage = 0;
    fake.failNext('POST', `${fake.igUserId}/media_publish`, 'publishing-limit');
    const outcome = await instagram.publish(
      delivery.destination,
      channelPost(delivery, { media: [jpeg(6, 'A bus')] }),
      server.ctx,
      signal(),
    );
    assert.deepEqual([outcome.state, outcome.retryable], ['failed', true]);
    assert.match(outcome.detail ?? '', /2207042/);
  });

  test('validate: a picture required, JPEG only, at most 30 hashtags and 2,200 characters; a wrong token never shows', async () => {
    const delivery = await made();
    const validate = (post: ChannelPost) => instagram.validate?.(post);
    assert.equal(instagram.limits.mediaRequired, true);
    assert.deepEqual(validate(channelPost(delivery, { media: [] })), [{ code: 'MEDIA_REQUIRED', field: 'media' }]);
    const tags = Array.from({ length: 31 }, (_, i) => `#Tag${i}`).join(' ');
    assert.deepEqual(validate(channelPost(delivery, { text: tags, media: [jpeg(7, 'x')] })), [
      { code: 'TOO_MANY_HASHTAGS', field: 'text', limit: 30, count: 31 },
    ]);
    assert.deepEqual(
      validate(
        channelPost(delivery, {
          text: 'x'.repeat(2201),
          media: [{ ...jpeg(8, 'A chart'), contentType: 'image/png' }],
        }),
      ),
      [
        { code: 'TOO_LONG', field: 'text', limit: 2200, count: 2201 },
        { code: 'MEDIA_TYPE_UNSUPPORTED', field: 'media' },
      ],
    );
    const wrong = await made('EAAG-wrong-instagram-token');
    const refused = await instagram.publish(
      wrong.destination,
      channelPost(wrong, { media: [jpeg(9, 'x')] }),
      server.ctx,
      signal(),
    );
    assert.deepEqual([refused.state, refused.retryable], ['failed', false]);
    assert.ok(!(refused.detail ?? '').includes('EAAG-wrong-instagram-token'));
  });
});
