import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { statusToMessage } from '../../src/modules/inbox/channels/mastodon.ts';
import { messagesFromMetaDelivery } from '../../src/modules/inbox/channels/meta-payload.ts';
import { ingestMessages } from '../../src/modules/inbox/ingest.ts';
import { mastodonPublishing } from '../../src/modules/publishing/channels/mastodon.ts';
import { telegramPublishing } from '../../src/modules/publishing/channels/telegram.ts';
import { linkNewMessages } from '../../src/modules/publishing/replies.ts';
import { TestClient } from '../support/client.ts';
import { buildUser, firstOrganisationId } from '../support/factories.ts';
import { startFakeMastodon, type FakeMastodon } from '../support/fake-mastodon.ts';
import { CHANNEL_ID, startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.ts';
import { loadChannel } from '../support/inbox.ts';
import { channelPost, createDelivery } from '../support/publishing-channels.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const SECRET = 'discussion-hook-secret-01';
const GROUP = -1001555000111;
const RESIDENT = { id: 5550099001, is_bot: false, first_name: 'Ana', last_name: 'Pop', language_code: 'ro' };

describe("replies to the city's posts and campaign hashtags in the inbox", () => {
  let server: TestServer;
  let telegram: FakeTelegram;
  let mastodon: FakeMastodon;
  let organisationId: number;
  let staff: TestClient;
  let campaignId: number;

  before(async () => {
    telegram = await startFakeTelegram();
    mastodon = await startFakeMastodon();
    server = await startTestServer({ allowOutbound: [telegram.apiBase, mastodon.url] });
    organisationId = await firstOrganisationId(server);
    const person = await buildUser(server, { role: 'staff' });
    staff = new TestClient(server.url);
    const signedIn = await staff.submit('/sign-in', '/sign-in', { email: person.email, password: person.password });
    assert.equal(signedIn.status, 303);
    campaignId = (
      await server.ctx.db
        .insertInto('publishing_campaign')
        .values({
          organisation_id: organisationId,
          slug: 'bridge-works',
          name: JSON.stringify({ en: 'Bridge works 2027' }),
          hashtags: ['BridgeWorks'],
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  after(async () => {
    await server.close();
    await telegram.close();
    await mastodon.close();
  });

  /** A delivery of a destination sharing the inbox channel, published by its adapter, recorded as the job would. */
  async function publishedOn(
    kind: 'telegram' | 'mastodon',
    inboxChannelId: number,
    settings: Record<string, unknown>,
    secrets: Record<string, string>,
    text: string,
  ) {
    const made = await createDelivery(server.ctx, organisationId, { kind, settings, secrets });
    const adapter = kind === 'telegram' ? telegramPublishing : mastodonPublishing;
    const outcome = await adapter.publish(
      made.destination,
      channelPost(made, { text }),
      server.ctx,
      AbortSignal.timeout(10_000),
    );
    assert.equal(outcome.state, 'published');
    await server.ctx.db
      .updateTable('publishing_destination')
      .set({ inbox_channel_id: inboxChannelId })
      .where('id', '=', made.destination.id)
      .execute();
    await server.ctx.db
      .updateTable('publishing_post')
      .set({ campaign_id: campaignId, state: 'published', published_at: new Date() })
      .where('id', '=', made.postId)
      .execute();
    await server.ctx.db
      .insertInto('publishing_post_text')
      .values({ organisation_id: organisationId, post_id: made.postId, language: 'en', title: null, body: text })
      .execute();
    await server.ctx.db
      .updateTable('publishing_delivery')
      .set({
        state: 'published',
        remote_id: outcome.remoteId ?? null,
        remote_url: outcome.url ?? null,
        published_at: new Date(),
      })
      .where('id', '=', made.deliveryId)
      .execute();
    return { ...made, remoteId: outcome.remoteId ?? '' };
  }

  const replyOf = (conversationId: number) =>
    server.ctx.db
      .selectFrom('publishing_reply')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();

  test('comments under a Telegram channel post (its discussion group) become one conversation linked to the post', async () => {
    const inboxChannelId = await insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind: 'telegram',
      name: 'City bot',
      settings: { apiBase: telegram.apiBase },
      secrets: { token: telegram.token, webhookSecret: SECRET },
    });
    const post = await publishedOn(
      'telegram',
      inboxChannelId,
      { chatId: '@city_news', apiBase: telegram.apiBase },
      { token: telegram.token, webhookSecret: SECRET },
      'The bridge on Strada Mihai Viteazul closes for works from Monday.',
    );
    const channelMessageId = Number(post.remoteId.split(':')[1]);
    const channelChat = { id: CHANNEL_ID, title: 'City news', username: 'city_news', type: 'channel' };
    const date = Math.floor(Date.now() / 1000);
    // Telegram copies the channel post into the linked discussion group, then residents comment under it
    const forward = {
      message_id: 40,
      sender_chat: channelChat,
      chat: { id: GROUP, title: 'City news chat', type: 'supergroup' },
      date,
      is_automatic_forward: true,
      forward_origin: { type: 'channel', chat: channelChat, message_id: channelMessageId, date },
      forward_from_chat: channelChat,
      forward_from_message_id: channelMessageId,
      forward_date: date,
      text: 'The bridge on Strada Mihai Viteazul closes for works from Monday.',
    };
    const hook = (update: Record<string, unknown>) =>
      fetch(`${server.url}/inbox/telegram/${inboxChannelId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      });
    const mark = telegram.calls.mark();
    assert.equal((await hook({ update_id: 900001, message: forward })).status, 200);
    const comment = {
      message_id: 41,
      from: RESIDENT,
      chat: { id: GROUP, title: 'City news chat', type: 'supergroup' },
      date: date + 60,
      message_thread_id: 40,
      reply_to_message: forward,
      text: '/report Will the 12 bus go around it? #BridgeWorks',
    };
    assert.equal((await hook({ update_id: 900002, message: comment })).status, 200);
    const answer = {
      message_id: 42,
      from: { ...RESIDENT, id: 5550099002, first_name: 'Dan' },
      chat: { id: GROUP, title: 'City news chat', type: 'supergroup' },
      date: date + 120,
      message_thread_id: 40,
      reply_to_message: { ...comment, reply_to_message: undefined },
      text: 'It did last time.',
    };
    assert.equal((await hook({ update_id: 900003, message: answer })).status, 200);

    const stored = await server.ctx.db
      .selectFrom('inbox_message as m')
      .innerJoin('inbox_conversation as c', 'c.id', 'm.conversation_id')
      .select(['m.id', 'm.external_id', 'c.id as conversation_id', 'c.thread_key'])
      .where('m.channel_id', '=', inboxChannelId)
      .orderBy('m.id')
      .execute();
    assert.deepEqual(
      stored.map((m) => [m.external_id, m.thread_key]),
      [
        [`${GROUP}:41`, `${GROUP}:t40`],
        [`${GROUP}:42`, `${GROUP}:t40`],
      ],
      'the automatic forward is not stored; both comments are one conversation of the post',
    );
    assert.equal(
      telegram.calls.filter((call) => call.method === 'sendMessage', mark).length,
      0,
      'a comment is never taken for the bot dialogue',
    );
    const conversationId = stored[0]?.conversation_id ?? 0;

    const first = await linkNewMessages(server.ctx, organisationId);
    assert.ok(first.linked >= 1);
    const again = await linkNewMessages(server.ctx, organisationId);
    assert.deepEqual(again, { read: 0, linked: 0, tagged: 0 }, 'each message is read once');
    assert.equal((await replyOf(conversationId))?.delivery_id, post.deliveryId);
    const tags = await server.ctx.db
      .selectFrom('publishing_campaign_message')
      .select(['message_id', 'hashtag'])
      .where('campaign_id', '=', campaignId)
      .execute();
    assert.deepEqual(tags, [{ message_id: stored[0]?.id, hashtag: 'bridgeworks' }]);

    const page = await staff.page(`/staff/inbox/${conversationId}`);
    assert.equal(page.response.status, 200);
    assert.match(page.html, /Reply to the city&#39;s post|Reply to the city's post/);
    assert.match(page.html, /The bridge on Strada Mihai Viteazul closes for works from Monday\./);
    assert.match(page.html, /Campaign: <span data-campaigns>Bridge works 2027<\/span>/);
    assert.match(page.html, new RegExp(`href="https://t.me/city_news/${channelMessageId}"`));
  });

  test('a Mastodon reply to the city status is linked; a reply to another status and a Facebook comment on an unknown post are not', async () => {
    const inboxChannelId = await insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind: 'mastodon',
      name: 'City Mastodon',
      settings: { instance: mastodon.url },
      secrets: { token: mastodon.token },
    });
    const post = await publishedOn(
      'mastodon',
      inboxChannelId,
      { instance: mastodon.url },
      { token: mastodon.token },
      'Road works on the ring road tonight.',
    );
    const channel = await loadChannel(server, organisationId, inboxChannelId);
    const status = (id: string, inReplyTo: string) =>
      statusToMessage(
        {
          id,
          uri: `https://other.example/users/ion/statuses/${id}`,
          url: `https://other.example/@ion/${id}`,
          created_at: new Date().toISOString(),
          in_reply_to_id: inReplyTo,
          visibility: 'public',
          language: 'en',
          content: '<p>@primaria how long will it take?</p>',
          account: { id: '77', acct: 'ion@other.example', username: 'ion', display_name: 'Ion' },
        },
        new Map(),
      );
    const ingested = await ingestMessages(server.ctx.db, server.ctx.jobs, channel, [
      status('113600000000999001', post.remoteId),
      status('113600000000999002', '113000000000000001'),
    ]);
    const facebookChannelId = await insertChannel(server.ctx.db, server.config.secretKey, {
      organisationId,
      kind: 'facebook',
      name: 'City page',
      settings: { pageId: '104412345678901' },
      secrets: { appSecret: 'a', verifyToken: 'v', pageAccessToken: 'p' },
    });
    const comment = messagesFromMetaDelivery({
      object: 'page',
      entry: [
        {
          id: '104412345678901',
          time: Math.floor(Date.now() / 1000),
          changes: [
            {
              field: 'feed',
              value: {
                item: 'comment',
                verb: 'add',
                comment_id: '104412345678901_1_2',
                post_id: post.remoteId, // the Mastodon status id: another account's kind, never linked
                from: { id: '4242', name: 'Maria' },
                message: 'Hello',
                created_time: Math.floor(Date.now() / 1000),
              },
            },
          ],
        },
      ],
    });
    const onFacebook = await ingestMessages(
      server.ctx.db,
      server.ctx.jobs,
      await loadChannel(server, organisationId, facebookChannelId),
      comment,
    );
    await linkNewMessages(server.ctx, organisationId);
    const [linked, other] = ingested.conversationIds;
    assert.equal((await replyOf(linked ?? 0))?.delivery_id, post.deliveryId);
    assert.equal(await replyOf(other ?? 0), undefined);
    assert.equal(await replyOf(onFacebook.conversationIds[0] ?? 0), undefined);
    const page = await staff.page(`/staff/inbox/${other}`);
    assert.doesNotMatch(page.html, /data-publishing-reply/, 'nothing is shown for a conversation that answers no post');
  });
});
