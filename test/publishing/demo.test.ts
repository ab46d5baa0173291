import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestClient } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** The demo city's publishing: a month of posts in several languages, two campaigns, approvals waiting, a past crisis. */
let server: TestServer;
before(async () => {
  server = await startTestServer({ demo: true });
});
after(() => server.close());

test('the demo has a month of past and planned posts, two campaigns, posts waiting for approval and a past crisis', async () => {
  const posts = await server.ctx.db
    .selectFrom('publishing_post')
    .select(['state', 'crisis', 'pinned_until', 'scheduled_at', 'campaign_id'])
    .execute();
  const count = (state: string) => posts.filter((p) => p.state === state).length;
  assert.ok(count('published') >= 8);
  assert.ok(count('scheduled') >= 4);
  assert.equal(count('in_review'), 2);
  assert.equal(count('changes_requested'), 1);
  const crisis = posts.filter((p) => p.crisis);
  assert.equal(crisis.length, 1);
  assert.ok((crisis[0]?.pinned_until?.getTime() ?? Infinity) < Date.now(), 'the crisis is over: no banner');
  const languages = await server.ctx.db.selectFrom('publishing_post_text').select('language').distinct().execute();
  assert.ok(languages.length >= 4);
  const campaigns = await server.ctx.db.selectFrom('publishing_campaign').select('hashtags').execute();
  assert.deepEqual(campaigns.map((c) => c.hashtags[0]).sort(), [
    'InteractiveCityGreenSummer',
    'InteractiveCitySaferStreets',
  ]);

  const staff = new TestClient(server.url);
  const signIn = await staff.submit('/sign-in', '/sign-in', {
    email: 'comms@valmora.example',
    password: 'demo-password-123',
  });
  assert.equal(signIn.status, 303);
  const list = await staff.page('/staff/publishing');
  assert.equal(list.response.status, 200);
  assert.match(list.html, /Waiting for approval/);
  // the communication office reads and approves the roads department's post at its step
  const waiting = await server.ctx.db
    .selectFrom('publishing_post')
    .select('id')
    .where('state', '=', 'in_review')
    .orderBy('id')
    .executeTakeFirstOrThrow();
  assert.equal((await staff.get(`/staff/publishing/posts/${waiting.id}`)).status, 200);
  const approved = await staff.submit(
    `/staff/publishing/posts/${waiting.id}`,
    `/staff/publishing/posts/${waiting.id}/approve`,
    {},
  );
  assert.equal(approved.status, 303);
  const after = await server.ctx.db
    .selectFrom('publishing_post')
    .select('state')
    .where('id', '=', waiting.id)
    .executeTakeFirstOrThrow();
  assert.equal(after.state, 'scheduled');
  const home = await (await new TestClient(server.url).get('/')).text();
  assert.ok(!home.includes('site-banner'));
});
