import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { collectFromMastodon } from '../../src/modules/resident-content/collect.use-cases.ts';
import { residentContentPersonalData } from '../../src/modules/resident-content/privacy.ts';
import {
  expireConsents,
  readMastodonAnswers,
  recheckMastodonPosts,
} from '../../src/modules/resident-content/upkeep.use-cases.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { residentStatus, startFakeMastodon, type FakeMastodon } from '../support/fake-mastodon.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { addCampaign, addMastodonDestination, auditActions, postRow } from './support.ts';

describe("residents' content from the city's Mastodon account, with consent", () => {
  let server: TestServer;
  let fake: FakeMastodon;
  let city: Organisation;
  let staff: TestClient;
  const put = (status: Record<string, unknown>) => {
    fake.statuses.set(String(status.id), status);
    return String(status.id);
  };
  /** Staff ask from the staff page; answers the link token and keyword code sent on Mastodon. */
  const ask = async (remoteId: string, fields: Record<string, string> = {}) => {
    const post = await postRow(server, remoteId);
    assert.ok(post, 'collected');
    const mark = fake.requests.mark();
    const response = await staff.submit('/staff/publishing/residents', `/staff/publishing/residents/${post.id}/ask`, {
      licence: 'cc-by-4.0',
      months: '12',
      via: 'reply',
      ...fields,
    });
    assert.equal(response.status, 303, await response.text());
    const [sent] = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses', mark);
    assert.ok(sent, 'a status was posted');
    const text = String(sent.body.status);
    const token = /\/consent\/([A-Za-z0-9_-]{20,})/.exec(text)?.[1] ?? '';
    const code = /YES-([A-Z0-9]{4})/.exec(text)?.[1] ?? '';
    assert.ok(token && code, text);
    return { post, sent, text, token, code };
  };

  before(async () => {
    fake = await startFakeMastodon();
    server = await startTestServer({ allowOutbound: [fake.url] });
    const [first] = await server.organisations.findAll();
    assert.ok(first);
    city = first;
    await addCampaign(server, city.id, 'bridge', ['BridgeWalk']);
    await addMastodonDestination(server, city.id, fake.url, fake.token);
    staff = (await signedInClient(server, { role: 'staff' })).client;
  });
  after(async () => {
    await server.close();
    await fake.close();
  });

  test('collects public posts with a running campaign hashtag, never from accounts that opted out of discovery', async () => {
    const alice = put(
      residentStatus({
        username: 'alice',
        text: 'Walking the new bridge <script>alert(1)</script> at dawn',
        tags: ['BridgeWalk'],
        media: [{ url: 'https://mastodon.example/system/media/1.jpg', description: 'The bridge in morning fog' }],
      }),
    );
    const optedOut = [
      put(residentStatus({ username: 'bob', text: 'not me', tags: ['bridgewalk'], account: { discoverable: false } })),
      put(residentStatus({ username: 'carol', text: 'not me', tags: ['BridgeWalk'], account: { indexable: false } })),
      put(residentStatus({ username: 'dan', text: 'not me', tags: ['BridgeWalk'], account: { noindex: true } })),
      put(residentStatus({ username: 'erin', text: 'beep', tags: ['BridgeWalk'], account: { bot: true } })),
      put(residentStatus({ username: 'fay', text: 'quiet', tags: ['BridgeWalk'], visibility: 'unlisted' })),
      put(residentStatus({ username: 'gus', text: 'other tag', tags: ['Elsewhere'] })),
    ];
    // the city's own status with its hashtag is not a resident's
    const own = residentStatus({ username: 'primaria', text: 'Our bridge', tags: ['BridgeWalk'] });
    (own.account as Record<string, unknown>).id = '109302';
    put(own);
    const mark = fake.requests.mark();
    assert.equal(await collectFromMastodon(server.ctx, city), 1);
    const collected = await postRow(server, alice);
    assert.ok(collected);
    assert.equal(collected.author_id, 'alice@mastodon.example');
    assert.equal(collected.state, 'collected');
    assert.equal(collected.hashtag, 'bridgewalk');
    assert.match(collected.body ?? '', /<script>alert\(1\)<\/script>/, 'kept as text; escaped when shown');
    for (const id of optedOut) assert.equal(await postRow(server, id), undefined, id);
    const timeline = fake.requests.filter((r) => r.path === '/api/v1/timelines/tag/bridgewalk', mark);
    assert.equal(timeline.length, 1);
    assert.equal(timeline[0]?.authorization, `Bearer ${fake.token}`);
    // read again: from the cursor, nothing twice
    assert.equal(await collectFromMastodon(server.ctx, city), 0);
    const rows = await server.ctx.db.selectFrom('resident_content_post').select('id').execute();
    assert.equal(rows.length, 1);
    // nothing is public before consent
    assert.doesNotMatch(await (await fetch(`${server.url}/residents`)).text(), /Walking the new bridge/);
  });

  test('staff ask on the same channel; the author consents through the one-time link; the post is featured, escaped, with its licence and alt text; withdrawal removes it at once', async () => {
    const page = await staff.page('/staff/publishing/residents');
    assert.equal(page.response.status, 200);
    assert.match(page.html, /Walking the new bridge &lt;script&gt;/);
    const [alice] = [...fake.statuses.values()].filter((s) => (s.account as { username: string }).username === 'alice');
    const remoteId = String(alice?.id);
    const { post, sent, token } = await ask(remoteId);
    assert.equal(sent.body.in_reply_to_id, remoteId);
    assert.equal(sent.body.visibility, 'public');
    assert.match(String(sent.idempotencyKey), /^resident-consent-/);
    assert.match(String(sent.body.status), /^@alice@mastodon\.example /);
    assert.equal((await postRow(server, remoteId))?.state, 'asked');

    const author = new TestClient(server.url);
    const consentPage = await author.page(`/consent/${token}`);
    assert.equal(consentPage.response.status, 200);
    assert.match(consentPage.html, /Walking the new bridge &lt;script&gt;/);
    // an answer outside the choices is refused with the form again, nothing recorded
    const wrong = await author.postForm(`/consent/${token}`, { _csrf: consentPage.csrf, answer: 'maybe' });
    assert.equal(wrong.status, 400);
    const noLicence = await author.postForm(`/consent/${token}`, {
      _csrf: consentPage.csrf,
      answer: 'consented',
      licence: 'all-rights',
      months: '3',
    });
    assert.equal(noLicence.status, 400);
    const done = await author.postForm(`/consent/${token}`, {
      _csrf: consentPage.csrf,
      answer: 'consented',
      licence: 'cc-by-sa-4.0',
      months: '3',
    });
    assert.equal(done.status, 200);
    const thanks = await done.text();
    const withdrawPath = new URL(/(http[^"<\s]+\/consent\/withdraw\/[A-Za-z0-9_-]+)/.exec(thanks)?.[1] ?? 'http://x/')
      .pathname;
    assert.match(withdrawPath, /^\/consent\/withdraw\//);
    const consent = await server.ctx.db
      .selectFrom('resident_content_consent')
      .selectAll()
      .where('post_id', '=', post.id)
      .executeTakeFirstOrThrow();
    assert.equal(consent.author_id, 'alice@mastodon.example');
    assert.equal(consent.licence, 'cc-by-sa-4.0');
    assert.equal(consent.via, 'link');
    assert.ok(consent.valid_until);
    const months =
      (new Date(consent.valid_until).getTime() - new Date(consent.granted_at).getTime()) / (30.4 * 86_400_000);
    assert.ok(months > 2.9 && months < 3.1, String(months));
    // the link is used once
    const again = await author.get(`/consent/${token}`);
    assert.equal(again.status, 404);

    const shown = await (await fetch(`${server.url}/residents`)).text();
    assert.match(shown, /Walking the new bridge &lt;script&gt;alert\(1\)&lt;\/script&gt; at dawn/);
    assert.doesNotMatch(shown, /<script>alert/);
    assert.match(shown, /Picture: The bridge in morning fog/);
    assert.match(shown, /rel="license"[^>]*>CC BY-SA 4\.0/);
    assert.match(shown, /href="https:\/\/mastodon\.example\/@alice\/\d+"/);
    assert.match(await (await fetch(`${server.url}/`)).text(), /home-residents/);

    const withdrawPage = await author.page(withdrawPath);
    assert.equal(withdrawPage.response.status, 200);
    const withdrawn = await author.postForm(withdrawPath, { _csrf: withdrawPage.csrf });
    assert.equal(withdrawn.status, 200);
    assert.doesNotMatch(await (await fetch(`${server.url}/residents`)).text(), /Walking the new bridge/);
    const afterwards = await postRow(server, remoteId);
    assert.ok(afterwards);
    assert.equal(afterwards.state, 'withdrawn');
    assert.equal(afterwards.body, null, 'the copy of the words is erased');
    const record = await server.ctx.db
      .selectFrom('resident_content_consent')
      .selectAll()
      .where('id', '=', consent.id)
      .executeTakeFirstOrThrow();
    assert.ok(record.withdrawn_at, 'the consent record stays, withdrawn');
    assert.deepEqual(await auditActions(server, post.id), [
      'resident-content.asked',
      'resident-content.consented',
      'resident-content.withdrawn',
    ]);
  });

  test('a keyword answered on Mastodon by the author consents (not by anyone else); a deleted status leaves the site on the re-check', async () => {
    const remoteId = put(residentStatus({ username: 'hana', text: 'Sunset on the bridge', tags: ['BridgeWalk'] }));
    await collectFromMastodon(server.ctx, city);
    const { post, sent, code } = await ask(remoteId, { via: 'direct', licence: 'city-site-only', months: '0' });
    assert.equal(sent.body.visibility, 'direct');
    const [ours] = [...fake.statuses.values()].filter((s) => s.in_reply_to_id === remoteId);
    assert.ok(ours);
    // someone else answering with the keyword counts for nothing
    put(residentStatus({ username: 'mallory', text: `YES-${code}`, tags: [], inReplyToId: String(ours.id) }));
    assert.equal(await readMastodonAnswers(server.ctx), 0);
    assert.equal((await postRow(server, remoteId))?.state, 'asked');
    const mark = fake.requests.mark();
    put(residentStatus({ username: 'hana', text: `yes-${code} happily`, tags: [], inReplyToId: String(ours.id) }));
    assert.equal(await readMastodonAnswers(server.ctx), 1);
    assert.equal((await postRow(server, remoteId))?.state, 'featured');
    const consent = await server.ctx.db
      .selectFrom('resident_content_consent')
      .selectAll()
      .where('post_id', '=', post.id)
      .executeTakeFirstOrThrow();
    assert.equal(consent.via, 'keyword');
    assert.equal(consent.licence, 'city-site-only');
    assert.equal(consent.valid_until, null);
    const [thanks] = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses', mark);
    assert.match(String(thanks?.body.status), /\/consent\/withdraw\/[A-Za-z0-9_-]{20,}/);
    assert.match(await (await fetch(`${server.url}/residents`)).text(), /Sunset on the bridge/);

    // still there: the re-check keeps it
    assert.equal(await recheckMastodonPosts(server.ctx), 0);
    // the author deletes the status; the next re-check (after its interval) removes it
    fake.statuses.delete(remoteId);
    await server.ctx.db
      .updateTable('resident_content_post')
      .set({ checked_at: new Date(0) })
      .execute();
    assert.equal(await recheckMastodonPosts(server.ctx), 1);
    assert.equal((await postRow(server, remoteId))?.state, 'gone');
    assert.doesNotMatch(await (await fetch(`${server.url}/residents`)).text(), /Sunset on the bridge/);
    assert.ok((await auditActions(server, post.id)).includes('resident-content.gone'));
  });

  test('NEVER: declined and never collected again; turning discovery off and the end of a consent remove a featured post', async () => {
    const first = put(residentStatus({ username: 'ivo', text: 'Bridge lights', tags: ['BridgeWalk'] }));
    await collectFromMastodon(server.ctx, city);
    const { token } = await ask(first);
    const author = new TestClient(server.url);
    const { csrf } = await author.page(`/consent/${token}`);
    assert.equal((await author.postForm(`/consent/${token}`, { _csrf: csrf, answer: 'never' })).status, 200);
    assert.equal((await postRow(server, first))?.state, 'declined');
    const second = put(residentStatus({ username: 'ivo', text: 'Bridge lights again', tags: ['BridgeWalk'] }));
    await collectFromMastodon(server.ctx, city);
    assert.equal(await postRow(server, second), undefined, 'an author who said NEVER is not collected');

    // a featured author turns discovery off
    const juno = put(residentStatus({ username: 'juno', text: 'Bridge market', tags: ['BridgeWalk'] }));
    const kai = put(residentStatus({ username: 'kai', text: 'Bridge runners', tags: ['BridgeWalk'] }));
    await collectFromMastodon(server.ctx, city);
    for (const id of [juno, kai]) {
      const asked = await ask(id);
      const client = new TestClient(server.url);
      const form = await client.page(`/consent/${asked.token}`);
      const answered = await client.postForm(`/consent/${asked.token}`, {
        _csrf: form.csrf,
        answer: 'consented',
        licence: 'cc-by-4.0',
        months: '12',
      });
      assert.equal(answered.status, 200);
    }
    (fake.statuses.get(juno) as { account: Record<string, unknown> }).account.discoverable = false;
    await server.ctx.db
      .updateTable('resident_content_post')
      .set({ checked_at: new Date(0) })
      .execute();
    await recheckMastodonPosts(server.ctx);
    assert.equal((await postRow(server, juno))?.state, 'withdrawn');
    // kai's consent reaches its end
    const kaiPost = await postRow(server, kai);
    await server.ctx.db
      .updateTable('resident_content_consent')
      .set({ valid_until: new Date(Date.now() - 1000) })
      .where('post_id', '=', kaiPost?.id ?? 0)
      .execute();
    assert.equal(await expireConsents(server.ctx), 1);
    assert.equal((await postRow(server, kai))?.state, 'expired');
    const shown = await (await fetch(`${server.url}/residents`)).text();
    assert.doesNotMatch(shown, /Bridge market|Bridge runners/);
  });

  test('an expired or unknown link, a foreign token and a resident on the staff page are refused; staff cannot ask twice', async () => {
    const remoteId = put(residentStatus({ username: 'lea', text: 'Bridge choir', tags: ['BridgeWalk'] }));
    await collectFromMastodon(server.ctx, city);
    const { post, token } = await ask(remoteId);
    await server.ctx.db
      .updateTable('resident_content_request')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('post_id', '=', post.id)
      .execute();
    const visitor = new TestClient(server.url);
    assert.equal((await visitor.get(`/consent/${token}`)).status, 404);
    assert.equal((await visitor.get('/consent/not-a-token')).status, 404);
    assert.equal((await visitor.get(`/consent/withdraw/${'x'.repeat(43)}`)).status, 404);
    const again = await staff.submit('/staff/publishing/residents', `/staff/publishing/residents/${post.id}/ask`, {
      licence: 'cc-by-4.0',
      months: '12',
      via: 'reply',
    });
    assert.equal(again.status, 409);
    const invalid = await staff.submit('/staff/publishing/residents', `/staff/publishing/residents/${post.id}/ask`, {
      licence: 'cc-by-4.0',
      months: '7',
      via: 'reply',
    });
    assert.equal(invalid.status, 400);
    // deleted before staff ask: nothing is sent, the post is gone
    const deleted = put(residentStatus({ username: 'noa', text: 'Bridge fog', tags: ['BridgeWalk'] }));
    await collectFromMastodon(server.ctx, city);
    fake.statuses.delete(deleted);
    const deletedPost = await postRow(server, deleted);
    const mark = fake.requests.mark();
    const refused = await staff.submit(
      '/staff/publishing/residents',
      `/staff/publishing/residents/${deletedPost?.id}/ask`,
      {
        licence: 'cc-by-4.0',
        months: '12',
        via: 'reply',
      },
    );
    assert.equal(refused.status, 409);
    assert.equal(fake.requests.filter((r) => r.method === 'POST', mark).length, 0);
    assert.equal((await postRow(server, deleted))?.state, 'gone');
    const resident = (await signedInClient(server)).client;
    assert.equal((await resident.get('/staff/publishing/residents')).status, 403);
  });

  test('personal data: a consent given while signed in is exported and erased with the account', async () => {
    const remoteId = put(residentStatus({ username: 'mia', text: 'Bridge picnic', tags: ['BridgeWalk'] }));
    await collectFromMastodon(server.ctx, city);
    const { post, token } = await ask(remoteId);
    const { client, user } = await signedInClient(server);
    const form = await client.page(`/consent/${token}`);
    const answered = await client.postForm(`/consent/${token}`, {
      _csrf: form.csrf,
      answer: 'consented',
      licence: 'cc-by-4.0',
      months: '24',
    });
    assert.equal(answered.status, 200);
    const exported = await server.ctx.db.transaction().execute((tx) => residentContentPersonalData.export(tx, user.id));
    const [entry] = exported.residentContent as Array<Record<string, unknown>>;
    assert.ok(entry);
    assert.equal(entry.licence, 'cc-by-4.0');
    assert.equal((entry.post as { text: string }).text.startsWith('Bridge picnic'), true);
    await server.ctx.db
      .transaction()
      .execute((tx) => residentContentPersonalData.erase(tx, user.id, { removeContent: true }));
    const erased = await postRow(server, remoteId);
    assert.ok(erased);
    assert.equal(erased.state, 'withdrawn');
    assert.equal(erased.body, null);
    const record = await server.ctx.db
      .selectFrom('resident_content_consent')
      .selectAll()
      .where('post_id', '=', post.id)
      .executeTakeFirstOrThrow();
    assert.equal(record.user_id, null);
    assert.equal(record.withdrawn_via, 'account-erased');
    assert.deepEqual(
      (await server.ctx.db.transaction().execute((tx) => residentContentPersonalData.export(tx, user.id)))
        .residentContent,
      [],
    );
  });
});
