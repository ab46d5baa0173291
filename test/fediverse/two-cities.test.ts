import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { drainDeliveries } from '../../src/modules/fediverse/delivery.ts';
import { followAccount } from '../../src/modules/fediverse/fediverse.use-cases.ts';
import { activityPubAdapter } from '../../src/modules/fediverse/publishing-adapter.ts';
import { ensureActors } from '../../src/modules/fediverse/actors.ts';
import { buildUser } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Two installations on two host names of this machine — `localhost` and `127.0.0.1` — each allowed to reach
 * the other by OUTBOUND_ALLOW_HOSTS: the first city's news desk follows the second's (WebFinger, a signed
 * Follow, a signed Accept back) and receives its posts.
 */
let brugmont: TestServer;
let velden: TestServer;
let cityA: Organisation;
let cityB: Organisation;
let adminA: Viewer;

before(async () => {
  brugmont = await startTestServer({ allowOutbound: ['127.0.0.1', 'localhost'] });
  velden = await startTestServer({ allowOutbound: ['127.0.0.1', 'localhost'] });
  const [a] = await brugmont.organisations.findAll();
  const [b] = await velden.organisations.findAll();
  assert.ok(a && b);
  cityA = await brugmont.organisations.update(a.id, { publicUrl: brugmont.url.replace('127.0.0.1', 'localhost') });
  cityB = await velden.organisations.update(b.id, { publicUrl: velden.url });
  // the second city has been on the fediverse for a while: its actors and their keys exist (an RSA key made
  // on the first lookup takes seconds on a busy machine, longer than the first city waits for WebFinger)
  await ensureActors(velden.ctx, cityB);
  const user = await buildUser(brugmont, { role: 'admin' });
  adminA = (await findViewer(brugmont.ctx.db, cityA.id, user.id)) as Viewer;
});
after(async () => {
  await brugmont.close();
  await velden.close();
});

test("one city's news desk follows another's and receives its posts", async () => {
  const velHost = new URL(velden.url).host;
  const followed = await followAccount(brugmont.ctx, adminA, cityA, 'news', `@news@${velHost}`);
  assert.ok(followed.ok, JSON.stringify(followed));
  assert.equal(followed.remoteActor, `${velden.url}/ap/actors/news`);
  await drainDeliveries(brugmont.ctx); // Follow → velden (signature checked against brugmont's key)
  const followers = await velden.ctx.db
    .selectFrom('fediverse_follower')
    .select(['remote_actor', 'shared_inbox'])
    .execute();
  assert.deepEqual(followers, [
    { remote_actor: `${cityA.publicUrl}/ap/actors/news`, shared_inbox: `${cityA.publicUrl}/ap/inbox` },
  ]);
  await drainDeliveries(velden.ctx); // Accept → brugmont
  const following = await brugmont.ctx.db
    .selectFrom('fediverse_following')
    .select(['accepted_at'])
    .executeTakeFirstOrThrow();
  assert.ok(following.accepted_at, 'the follow was accepted');

  const outcome = await activityPubAdapter.publish(
    {
      id: 1,
      organisationId: cityB.id,
      kind: 'activitypub',
      key: 'news',
      name: '@news',
      departmentId: null,
      settings: {},
      secrets: {},
    },
    {
      postId: 1,
      deliveryId: 1,
      idempotencyKey: 'velden-1',
      organisationId: cityB.id,
      language: 'nl',
      title: 'Markt verhuist',
      text: 'De zaterdagmarkt staat tijdelijk op het Stationsplein.',
      contentWarning: null,
      media: [],
      url: `${velden.url}/news/markt`,
      hashtags: [],
      crisis: false,
      publishedAt: new Date(),
    },
    velden.ctx,
    AbortSignal.timeout(5000),
  );
  assert.equal(outcome.state, 'published');
  assert.match(String(outcome.remoteId), /\/ap\/articles\//, 'a post with a title is an Article');
  await drainDeliveries(velden.ctx); // Create → brugmont's shared inbox
  const seen = await brugmont.ctx.db
    .selectFrom('fediverse_received')
    .select(['iri', 'content', 'remote_actor'])
    .execute();
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.iri, outcome.remoteId);
  assert.equal(seen[0]?.remote_actor, `${velden.url}/ap/actors/news`);
  assert.match(seen[0].content ?? '', /zaterdagmarkt staat tijdelijk op het Stationsplein/);
});
