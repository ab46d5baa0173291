import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PublishDoubt, StatusUnknown } from '../../src/modules/publishing/channels/social-api.ts';
import { telegramPublishing as telegram } from '../../src/modules/publishing/channels/telegram.ts';
import { Outbound } from '../../src/platform/outbound/outbound.ts';
import type { ChannelPost } from '../../src/platform/publishing.ts';
import { firstOrganisationId } from '../support/factories.ts';
import { CHANNEL_ID, startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.ts';
import { channelPost, createDelivery, deliveryRef, picture } from '../support/publishing-channels.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('publishing to a Telegram channel', () => {
  let server: TestServer;
  let fake: FakeTelegram;
  let organisationId: number;

  before(async () => {
    fake = await startFakeTelegram();
    server = await startTestServer({ allowOutbound: [fake.apiBase] });
    organisationId = await firstOrganisationId(server);
  });
  after(async () => {
    await server.close();
    await fake.close();
  });

  const made = (settings: Record<string, unknown> = {}, token = fake.token) =>
    createDelivery(server.ctx, organisationId, {
      kind: 'telegram',
      settings: { chatId: '@city_news', apiBase: fake.apiBase, ...settings },
      secrets: { token, webhookSecret: 'hook-secret-1' },
    });
  const signal = () => AbortSignal.timeout(10_000);
  const sent = (method: string, mark: number) => fake.calls.filter((call) => call.method === method, mark);

  test('a text goes out once with sendMessage; the ids Telegram answers are the record', async () => {
    const delivery = await made();
    const mark = fake.calls.mark();
    const outcome = await telegram.publish(delivery.destination, channelPost(delivery), server.ctx, signal());
    const [call, ...more] = sent('sendMessage', mark);
    assert.ok(call);
    assert.equal(more.length, 0);
    assert.equal(call.body.chat_id, '@city_news');
    assert.equal(call.body.parse_mode, undefined, 'plain text by default');
    assert.equal(outcome.state, 'published');
    assert.equal(outcome.remoteId, `${CHANNEL_ID}:${call.messageId}`);
    assert.equal(outcome.url, `https://t.me/city_news/${call.messageId}`);
    const status = await telegram.status(
      delivery.destination,
      await deliveryRef(server.ctx, delivery.deliveryId, outcome.remoteId ?? null),
      server.ctx,
      signal(),
    );
    assert.equal(status.state, 'published');
  });

  test('HTML mode escapes the text and hides it behind a spoiler under the content warning', async () => {
    const delivery = await made({ parseMode: 'HTML' });
    const mark = fake.calls.mark();
    await telegram.publish(
      delivery.destination,
      channelPost(delivery, { text: 'Fish & chips <b>stall</b> closes', contentWarning: 'Food <news>' }),
      server.ctx,
      signal(),
    );
    const [call] = sent('sendMessage', mark);
    assert.equal(call?.body.parse_mode, 'HTML');
    assert.equal(
      call.body.text,
      '⚠ Food &lt;news&gt;\n\n<tg-spoiler>Fish &amp; chips &lt;b&gt;stall&lt;/b&gt; closes</tg-spoiler>',
    );
  });

  test('pictures: one with sendPhoto, several with sendMediaGroup (caption on the first); removal deletes each message', async () => {
    const one = await made();
    const mark = fake.calls.mark();
    await telegram.publish(
      one.destination,
      channelPost(one, { media: [picture('https://city.example/m/1.jpg', 'A bridge')], contentWarning: 'Works' }),
      server.ctx,
      signal(),
    );
    const [photo] = sent('sendPhoto', mark);
    assert.equal(photo?.body.photo, 'https://city.example/m/1.jpg');
    assert.equal(photo.body.has_spoiler, true);
    assert.match(String(photo.body.caption), /^⚠ Works\n\nThe bridge/);

    const group = await made();
    const outcome = await telegram.publish(
      group.destination,
      channelPost(group, {
        media: [picture('https://city.example/m/1.jpg', 'Before'), picture('https://city.example/m/2.jpg', 'After')],
      }),
      server.ctx,
      signal(),
    );
    const [album] = sent('sendMediaGroup', mark);
    const items = album?.body.media as Array<Record<string, unknown>>;
    assert.deepEqual(
      items.map((item) => [item.type, item.media, typeof item.caption]),
      [
        ['photo', 'https://city.example/m/1.jpg', 'string'],
        ['photo', 'https://city.example/m/2.jpg', 'undefined'],
      ],
    );
    const ref = await deliveryRef(server.ctx, group.deliveryId, outcome.remoteId ?? null);
    assert.equal((ref.state.messageIds as number[]).length, 2);
    const before = fake.channelPosts.size;
    assert.equal((await telegram.remove?.(group.destination, ref, server.ctx, signal()))?.state, 'not_found');
    assert.equal(fake.channelPosts.size, before - 2);
    assert.equal(sent('deleteMessage', mark).length, 2);
  });

  test('a publish left in doubt is never sent again: status says staff must confirm', async () => {
    const delivery = await made();
    const mark = fake.calls.mark();
    fake.hang.add('sendMessage');
    try {
      await assert.rejects(
        telegram.publish(delivery.destination, channelPost(delivery), server.ctx, AbortSignal.timeout(1500)),
        (error: unknown) => error instanceof PublishDoubt && !error.message.includes(fake.token),
      );
    } finally {
      fake.hang.delete('sendMessage');
    }
    const ref = await deliveryRef(server.ctx, delivery.deliveryId);
    for (let i = 0; i < 2; i += 1)
      await assert.rejects(
        telegram.status(delivery.destination, ref, server.ctx, signal()),
        (error: unknown) => error instanceof StatusUnknown && !error.retryable,
      );
    assert.equal(sent('sendMessage', mark).length, 1, 'sent once, never again');
    const untouched = await made();
    assert.equal(
      (
        await telegram.status(
          untouched.destination,
          await deliveryRef(server.ctx, untouched.deliveryId),
          server.ctx,
          signal(),
        )
      ).state,
      'not_found',
      'a delivery that sent nothing is not found',
    );
  });

  test('429 with retry_after fails retryably; a wrong token fails for good; no token in any detail', async () => {
    const delivery = await made();
    fake.refuse.set('sendMessage', { status: 429, description: 'Too Many Requests: retry after 5', retryAfter: 5 });
    try {
      const limited = await telegram.publish(delivery.destination, channelPost(delivery), server.ctx, signal());
      assert.deepEqual([limited.state, limited.retryable], ['failed', true]);
      assert.match(limited.detail ?? '', /retry after 5 s/);
    } finally {
      fake.refuse.delete('sendMessage');
    }
    const wrong = await made({}, '999:WRONG-TOKEN-abc');
    const refused = await telegram.publish(wrong.destination, channelPost(wrong), server.ctx, signal());
    assert.deepEqual([refused.state, refused.retryable], ['failed', false]);
    assert.match(refused.detail ?? '', /401 Unauthorized/);
    const guarded = await telegram.publish(
      delivery.destination,
      channelPost(delivery),
      { ...server.ctx, outbound: new Outbound() },
      signal(),
    );
    assert.match(guarded.detail ?? '', /OUTBOUND_ADDRESS_REFUSED/);
    for (const detail of [refused.detail, guarded.detail]) {
      assert.ok(!(detail ?? '').includes('WRONG-TOKEN'));
      assert.ok(!(detail ?? '').includes(fake.token));
    }
  });

  test('edits a text or a caption in place; a message gone is not_found; a crisis post is pinned', async () => {
    const delivery = await made();
    const mark = fake.calls.mark();
    const outcome = await telegram.publish(
      delivery.destination,
      channelPost(delivery, { crisis: true }),
      server.ctx,
      signal(),
    );
    assert.equal(sent('pinChatMessage', mark).length, 1);
    const ref = await deliveryRef(server.ctx, delivery.deliveryId, outcome.remoteId ?? null);
    const edited = await telegram.update?.(
      delivery.destination,
      ref,
      channelPost(delivery, { text: 'Reopens Tuesday' }),
      server.ctx,
      signal(),
    );
    assert.equal(edited?.state, 'published');
    assert.equal(sent('editMessageText', mark)[0]?.body.text, 'Reopens Tuesday');
    const gone = { ...ref, remoteId: `${CHANNEL_ID}:1` };
    assert.equal(
      (await telegram.update?.(delivery.destination, gone, channelPost(delivery), server.ctx, signal()))?.state,
      'not_found',
    );
  });

  test('limits: 4,096 for a message, 1,024 for a caption, content warning counted', () => {
    const made_ = { postId: 1, deliveryId: 1, idempotencyKey: 'k', destination: { organisationId } } as Parameters<
      typeof channelPost
    >[0];
    const validate = (post: ChannelPost) => telegram.validate?.(post);
    assert.deepEqual(validate(channelPost(made_, { text: 'x'.repeat(4096) })), []);
    assert.deepEqual(validate(channelPost(made_, { text: 'x'.repeat(4097) })), [
      { code: 'TOO_LONG', field: 'text', limit: 4096, count: 4097 },
    ]);
    assert.deepEqual(
      validate(
        channelPost(made_, { text: 'x'.repeat(1000), contentWarning: 'y'.repeat(30), media: [picture('u', 'a')] }),
      ),
      [{ code: 'TOO_LONG', field: 'text', limit: 1024, count: 1034 }],
    );
  });
});
