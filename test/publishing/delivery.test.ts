import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { insertChannel } from '../../src/modules/inbox/channels.repository.ts';
import { callTimeout, pullMetrics, runPublishing } from '../../src/modules/publishing/delivery.ts';
import { openDestination, publishingSecretKeyRotation } from '../../src/modules/publishing/destinations.use-cases.ts';
import { findDestination } from '../../src/modules/publishing/destinations.repository.ts';
import { FakeChannel } from '../support/publishing.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { act, addDestination, postState, publishingPeople, writePost } from './support.ts';

/**
 * The publishing job never publishes twice: a delivery is recorded before the channel is called, a lost
 * answer or a timeout is settled by asking the channel (status), and "retry this channel only" asks
 * first too. Checked against a fake channel that keeps posts by idempotency key, as the services do.
 */
let server: TestServer;
let people: Awaited<ReturnType<typeof publishingPeople>>;
let destinationId: number;
const channel = new FakeChannel();
const shared = new FakeChannel('shared-channel', { sharesInboxAccount: 'mastodon' });

before(async () => {
  server = await startTestServer({ modules: [channel.module(), shared.module('test-shared')] });
  people = await publishingPeople(server);
  destinationId = (await addDestination(server, people.admin.client, 'test-channel', 'Fake social')).id;
});
after(() => server.close());
beforeEach(() => {
  channel.mode = 'ok';
  channel.delayMs = 0;
  channel.statusFails = false;
  channel.quotaRemaining = undefined;
  callTimeout.ms = 30_000;
});

const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);

/** A post written, sent and approved: scheduled for now. */
async function approvedPost(text: string, destinations = [destinationId]): Promise<number> {
  const written = await writePost(people.author.client, {
    body_en: text,
    departmentId: String(people.roads),
    destinationIds: destinations.map(String),
    schedule: 'now',
  });
  const id = written.id ?? 0;
  assert.equal((await act(people.author.client, id, 'submit')).status, 303);
  assert.equal((await act(people.approver.client, id, 'approve')).status, 303);
  return id;
}

async function deliveryOf(postId: number) {
  return server.ctx.db
    .selectFrom('publishing_delivery')
    .selectAll()
    .where('post_id', '=', postId)
    .executeTakeFirstOrThrow();
}

function callsFor(postId: number) {
  return channel.publishCalls.filter((call) => call.postId === postId);
}

test('an answer lost after the channel stored the post: in doubt, then settled by status, never published again', async () => {
  const id = await approvedPost('Lost answer');
  channel.mode = 'lost-answer';
  await runPublishing(server.ctx);
  const doubtful = await deliveryOf(id);
  assert.equal(doubtful.state, 'uncertain');
  assert.equal(callsFor(id).length, 1);
  channel.mode = 'ok';
  for (let minutes = 1; minutes <= 5; minutes++) await runPublishing(server.ctx, later(minutes * 10));
  const settled = await deliveryOf(id);
  assert.equal(settled.state, 'published');
  assert.ok(settled.remote_id);
  assert.equal(callsFor(id).length, 1, 'published once');
  assert.equal([...channel.stored.values()].filter((s) => s.post.postId === id).length, 1);
});

test('a call that hangs times out into doubt; the channel has nothing; staff retry asks first and publishes once more', async () => {
  const id = await approvedPost('Hanging call');
  callTimeout.ms = 100;
  channel.mode = 'hang';
  await runPublishing(server.ctx);
  assert.equal((await deliveryOf(id)).state, 'uncertain');
  channel.mode = 'ok';
  await runPublishing(server.ctx, later(10));
  const failed = await deliveryOf(id);
  assert.equal(failed.state, 'failed', 'the channel does not have it: failed, not published blindly');
  for (let minutes = 1; minutes <= 3; minutes++) await runPublishing(server.ctx, later(20 + minutes * 10));
  assert.equal(callsFor(id).length, 1, 'the job never retries a publish by itself');

  // staff of another department may not retry it
  const path = `/staff/publishing/posts/${id}/deliveries/${failed.id}/retry`;
  assert.equal((await people.otherDepartment.client.submit('/staff/publishing', path, {})).status, 403);
  // the channel cannot be asked: nothing is sent
  channel.statusFails = true;
  assert.equal((await people.author.client.submit(`/staff/publishing/posts/${id}`, path, {})).status, 303);
  assert.equal((await deliveryOf(id)).state, 'failed');
  channel.statusFails = false;
  assert.equal((await people.author.client.submit(`/staff/publishing/posts/${id}`, path, {})).status, 303);
  assert.equal((await deliveryOf(id)).state, 'pending');
  await runPublishing(server.ctx, later(60));
  const published = await deliveryOf(id);
  assert.equal(published.state, 'published');
  const calls = callsFor(id);
  assert.equal(calls.length, 2);
  assert.equal(calls[0]?.idempotencyKey, calls[1]?.idempotencyKey, 'the same idempotency key on the second try');
  assert.equal([...channel.stored.values()].filter((s) => s.post.postId === id).length, 1, 'one post on the channel');
  // retrying a published delivery is refused
  assert.equal((await people.author.client.submit(`/staff/publishing/posts/${id}`, path, {})).status, 409);
});

test('a refusal stays failed; a retry first finds out the channel has no post, then sends it once', async () => {
  const id = await approvedPost('Refused once');
  channel.mode = 'refuse-retryable';
  await runPublishing(server.ctx);
  const failed = await deliveryOf(id);
  assert.equal(failed.state, 'failed');
  assert.equal(failed.last_error, 'HTTP 503');
  const { html } = await people.author.client.page('/staff/publishing/failures');
  assert.match(html, new RegExp(`/staff/publishing/posts/${id}#deliveries`));
  // staff of another department do not see it among their failures
  const other = await people.otherDepartment.client.page('/staff/publishing/failures');
  assert.doesNotMatch(other.html, new RegExp(`/staff/publishing/posts/${id}#deliveries`));
  channel.mode = 'ok';
  await people.author.client.submit(
    `/staff/publishing/posts/${id}`,
    `/staff/publishing/posts/${id}/deliveries/${failed.id}/retry`,
    {},
  );
  await runPublishing(server.ctx);
  assert.equal((await deliveryOf(id)).state, 'published');
  assert.equal(callsFor(id).length, 2);
});

test('a retry that finds the post on the channel marks it published without sending it again', async () => {
  const id = await approvedPost('Found on retry');
  channel.mode = 'lost-answer';
  await runPublishing(server.ctx);
  // the status check itself fails: the delivery stays in doubt, checked again later
  channel.statusFails = true;
  await runPublishing(server.ctx, later(10));
  assert.equal((await deliveryOf(id)).state, 'uncertain');
  await server.ctx.db.updateTable('publishing_delivery').set({ state: 'failed' }).where('post_id', '=', id).execute();
  channel.statusFails = false;
  channel.mode = 'ok';
  const delivery = await deliveryOf(id);
  await people.author.client.submit(
    `/staff/publishing/posts/${id}`,
    `/staff/publishing/posts/${id}/deliveries/${delivery.id}/retry`,
    {},
  );
  assert.equal((await deliveryOf(id)).state, 'published');
  assert.equal(callsFor(id).length, 1);
});

test('processing (a two-phase channel) is asked again until it is published', async () => {
  const id = await approvedPost('Processing');
  channel.mode = 'processing';
  channel.processingChecks = 1;
  await runPublishing(server.ctx);
  assert.equal((await deliveryOf(id)).state, 'processing');
  await runPublishing(server.ctx, later(10));
  assert.equal((await deliveryOf(id)).state, 'processing');
  await runPublishing(server.ctx, later(20));
  assert.equal((await deliveryOf(id)).state, 'published');
  assert.equal(callsFor(id).length, 1);
});

test('a worker that died during a publish leaves the delivery in doubt, settled by status', async () => {
  const id = await approvedPost('Worker died');
  // the due post becomes its delivery rows, then the worker "dies" holding the claim
  channel.mode = 'lost-answer';
  await runPublishing(server.ctx);
  await server.ctx.db
    .updateTable('publishing_delivery')
    .set({ state: 'publishing', next_check_at: new Date(Date.now() - 1000) })
    .where('post_id', '=', id)
    .execute();
  channel.mode = 'ok';
  const checksBefore = channel.statusCalls;
  // the next run finds the claim past its deadline: in doubt, so the channel is asked (not published again)
  await runPublishing(server.ctx);
  assert.equal((await deliveryOf(id)).state, 'published');
  assert.ok(channel.statusCalls > checksBefore);
  assert.equal(callsFor(id).length, 1);
});

test('one publish at a time per destination (its concurrency), and none when its quota is spent', async () => {
  channel.delayMs = 40;
  channel.maxRunning = 0;
  const ids = [await approvedPost('First'), await approvedPost('Second'), await approvedPost('Third')];
  await Promise.all([runPublishing(server.ctx), runPublishing(server.ctx), runPublishing(server.ctx)]);
  for (let round = 0; round < 3; round++) await runPublishing(server.ctx);
  assert.equal(channel.maxRunning, 1);
  for (const id of ids) {
    assert.equal((await deliveryOf(id)).state, 'published');
    assert.equal(callsFor(id).length, 1);
  }

  channel.quotaRemaining = 0;
  const waiting = await approvedPost('Over quota');
  await runPublishing(server.ctx);
  const delivery = await deliveryOf(waiting);
  assert.equal(delivery.state, 'pending');
  assert.ok((delivery.next_check_at?.getTime() ?? 0) > Date.now() + 30 * 60_000, 'put off until the quota resets');
  assert.equal(callsFor(waiting).length, 0);
  channel.quotaRemaining = 5;
  await runPublishing(server.ctx, later(61));
  assert.equal((await deliveryOf(waiting)).state, 'published');
});

test('figures are pulled back for published deliveries', async () => {
  const id = await approvedPost('Figures');
  await runPublishing(server.ctx);
  await pullMetrics(server.ctx);
  const delivery = await deliveryOf(id);
  assert.deepEqual(delivery.metrics, { reach: 100 + delivery.id, favourites: 3, boosts: 2, replies: 1 });
  assert.ok(delivery.metrics_at);
});

test("a destination may share an inbox channel's account; its own credentials follow SECRET_KEY rotation", async () => {
  const channelId = await insertChannel(server.ctx.db, server.config.secretKey, {
    organisationId: people.organisationId,
    kind: 'mastodon',
    name: 'City Mastodon',
    settings: { instance: 'https://social.example' },
    secrets: { accessToken: 'inbox-token' },
  });
  const response = await people.admin.client.submit(
    '/admin/publishing/destinations/new/shared-channel',
    '/admin/publishing/destinations/new/shared-channel',
    {
      kind: 'shared-channel',
      name: 'Shared account',
      inboxChannelId: String(channelId),
      field_endpoint: 'https://social.example',
      enabled: 'yes',
    },
  );
  assert.equal(response.status, 303, await response.text());
  const row = await server.ctx.db
    .selectFrom('publishing_destination')
    .select(['id', 'secrets', 'inbox_channel_id'])
    .where('name', '=', 'Shared account')
    .executeTakeFirstOrThrow();
  assert.equal(row.inbox_channel_id, channelId);
  assert.equal(row.secrets, null);
  const id = await approvedPost('Through the shared account', [row.id]);
  await runPublishing(server.ctx);
  assert.equal(shared.lastSecrets.accessToken, 'inbox-token');
  assert.equal(await postState(server, id), 'published');
  // an inbox channel of another kind is refused
  const wrong = await insertChannel(server.ctx.db, server.config.secretKey, {
    organisationId: people.organisationId,
    kind: 'telegram',
    name: 'Bot',
    settings: {},
    secrets: { botToken: 'x' },
  });
  const refused = await people.admin.client.submit(
    '/admin/publishing/destinations/new/shared-channel',
    '/admin/publishing/destinations/new/shared-channel',
    {
      kind: 'shared-channel',
      name: 'Wrong',
      inboxChannelId: String(wrong),
      field_endpoint: 'https://x.example',
      enabled: 'yes',
    },
  );
  assert.equal(refused.status, 400);

  // rotation: sealed again under the new key, readable with it
  const next = 'another-secret-key-0123456789abcdef-012345';
  await server.ctx.db.transaction().execute(async (tx) => {
    const answer = await publishingSecretKeyRotation.rotate(
      tx,
      { old: server.config.secretKey, next },
      { dropUnrecoverable: false },
    );
    assert.equal(answer.blocked, undefined);
  });
  const rotated = await findDestination(server.ctx.db, people.organisationId, destinationId);
  assert.ok(rotated);
  const opened = await openDestination(
    { ...server.ctx, config: { ...server.ctx.config, secretKey: next } },
    server.ctx.db,
    rotated,
  );
  assert.equal(opened.secrets.token, 'secret-token-123');
  assert.equal(opened.secretsUnreadable, false);
  // and back, so the rest of the server still reads them
  await server.ctx.db.transaction().execute(async (tx) => {
    await publishingSecretKeyRotation.rotate(
      tx,
      { old: next, next: server.config.secretKey },
      { dropUnrecoverable: false },
    );
  });
});

test("a campaign's UTM parameters reach each destination's links (utm_source: the destination's kind) with its hashtags", async () => {
  const saved = await people.author.client.submit(
    '/staff/publishing/campaigns/new',
    '/staff/publishing/campaigns/new',
    {
      name_en: 'Safer streets',
      goal_en: 'Fewer accidents near schools',
      slug: 'safer-streets',
      startsOn: '2026-01-01',
      endsOn: '2026-12-31',
      hashtags: '#InteractiveCitySaferStreets #Schools',
      utmSource: '',
      utmMedium: 'social',
      utmCampaign: '',
    },
  );
  assert.equal(saved.status, 303);
  const bad = await people.author.client.submit('/staff/publishing/campaigns/new', '/staff/publishing/campaigns/new', {
    name_en: 'Bad',
    slug: 'Not A Slug',
    startsOn: '2026-05-01',
    endsOn: '2026-04-01',
    hashtags: '#two words!',
  });
  assert.equal(bad.status, 400);
  const campaign = await server.ctx.db
    .selectFrom('publishing_campaign')
    .select(['id', 'hashtags'])
    .where('slug', '=', 'safer-streets')
    .executeTakeFirstOrThrow();
  assert.deepEqual(campaign.hashtags, ['InteractiveCitySaferStreets', 'Schools']);
  const written = await writePost(people.author.client, {
    body_en: 'Read the plan: https://city.example/plan?lang=en.',
    departmentId: String(people.roads),
    campaignId: String(campaign.id),
    destinationIds: String(destinationId),
    schedule: 'now',
  });
  const id = written.id ?? 0;
  await act(people.author.client, id, 'submit');
  await act(people.approver.client, id, 'approve');
  await runPublishing(server.ctx);
  const [sent] = callsFor(id);
  assert.ok(sent);
  assert.equal(
    sent.text,
    'Read the plan: https://city.example/plan?lang=en&utm_source=test-channel&utm_medium=social&utm_campaign=safer-streets.',
  );
  assert.deepEqual(sent.hashtags, ['InteractiveCitySaferStreets', 'Schools']);
});
