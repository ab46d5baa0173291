import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drainDeliveries } from '../../src/modules/fediverse/delivery.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import type { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createNote, startFakeFediverse, type FakeFediverse } from './fake-fediverse.ts';
import { addCampaign, auditActions, postRow } from './support.ts';

describe("residents' content from the fediverse, with consent", () => {
  let server: TestServer;
  let fediverse: FakeFediverse;
  let city: Organisation;
  let staff: TestClient;
  let bobNote = '';
  let askNote = '';

  before(async () => {
    fediverse = await startFakeFediverse([
      { name: 'bob', discoverable: true, indexable: true },
      // Mastodon's default for accounts made before 4.2: found in directories, not searchable
      { name: 'alice', discoverable: true, indexable: false },
      { name: 'carl', discoverable: false, indexable: true },
    ]);
    server = await startTestServer({ allowOutbound: ['127.0.0.1'] });
    const [first] = await server.organisations.findAll();
    assert.ok(first);
    // the city lives at the test server's address, so the remote server can reach it
    city = await server.organisations.update(first.id, { publicUrl: server.url });
    await addCampaign(server, city.id, 'bridge', ['BridgeWalk']);
    staff = (await signedInClient(server, { role: 'staff' })).client;
  });
  after(async () => {
    await server.close();
    await fediverse.close();
  });

  const deliver = async (name: string, activity: Record<string, unknown>, inbox = `${server.url}/ap/inbox`) => {
    const response = await fediverse.send(name, inbox, activity);
    assert.equal(response.status, 202, await response.text());
  };

  test('a public Note with the campaign hashtag reaching the shared inbox is collected; opted-out, unlisted and untagged notes are not', async () => {
    const bob = createNote(fediverse, 'bob', {
      html: '<p>Morning run over the bridge <a href="x" class="mention hashtag">#<span>BridgeWalk</span></a></p>',
      hashtags: ['BridgeWalk'],
      pictures: [{ url: `${fediverse.origin}/media/run.jpg`, alt: 'Runners crossing the bridge at sunrise' }],
    });
    bobNote = bob.noteId;
    await deliver('bob', bob.activity);
    const skipped = [
      createNote(fediverse, 'alice', { html: '<p>Me too #BridgeWalk</p>', hashtags: ['BridgeWalk'] }),
      createNote(fediverse, 'carl', { html: '<p>Me too #BridgeWalk</p>', hashtags: ['BridgeWalk'] }),
      createNote(fediverse, 'bob', {
        html: '<p>Quietly #BridgeWalk</p>',
        hashtags: ['BridgeWalk'],
        visibility: 'unlisted',
      }),
      createNote(fediverse, 'bob', { html: '<p>Another topic #Elsewhere</p>', hashtags: ['Elsewhere'] }),
    ];
    for (const [index, note] of skipped.entries())
      await deliver(
        index === 0 ? 'alice' : index === 1 ? 'carl' : 'bob',
        note.activity,
        `${server.url}/ap/actors/news/inbox`,
      );
    const row = await postRow(server, bobNote);
    assert.ok(row, 'collected');
    assert.equal(row.source, 'fediverse');
    assert.equal(row.author_id, fediverse.actorId('bob'));
    assert.equal(row.author_handle, `@bob@${new URL(fediverse.origin).host}`);
    assert.equal(row.author_name, 'Bob Resident');
    assert.equal(row.body, 'Morning run over the bridge #BridgeWalk');
    assert.deepEqual((typeof row.media === 'string' ? JSON.parse(row.media) : row.media) as unknown, [
      { url: `${fediverse.origin}/media/run.jpg`, alt: 'Runners crossing the bridge at sunrise' },
    ]);
    for (const note of skipped) assert.equal(await postRow(server, note.noteId), undefined, note.noteId);
  });

  test('staff ask by a note from the news desk; the author answers with the keyword; the post is featured with its alt text', async () => {
    const row = await postRow(server, bobNote);
    assert.ok(row);
    const response = await staff.submit('/staff/publishing/residents', `/staff/publishing/residents/${row.id}/ask`, {
      licence: 'cc-by-4.0',
      months: '12',
      via: 'reply',
    });
    assert.equal(response.status, 303, await response.text());
    await drainDeliveries(server.ctx);
    const ask = fediverse.received.find((r) => r.activity.type === 'Create');
    assert.ok(ask, 'the request reached the author');
    assert.equal(ask.path, '/users/bob/inbox');
    const note = ask.activity.object as { id: string; content: string; inReplyTo: string; to: unknown; cc: unknown };
    assert.equal(note.inReplyTo, bobNote);
    assert.match(note.content, /\/consent\/[A-Za-z0-9_-]{20,}/);
    const code = /YES-([A-Z0-9]{4})/.exec(note.content)?.[1];
    assert.ok(code, note.content);
    askNote = note.id;
    assert.equal((await postRow(server, bobNote))?.state, 'asked');

    // carl (not the author) answering YES counts for nothing
    const carl = createNote(fediverse, 'carl', { html: `<p>YES-${code}</p>`, inReplyTo: askNote });
    await deliver('carl', carl.activity);
    assert.equal((await postRow(server, bobNote))?.state, 'asked');
    const answer = createNote(fediverse, 'bob', {
      html: `<p><span class="h-card"><a href="${server.url}/ap/actors/news" class="u-url mention">@<span>news</span></a></span> YES-${code}</p>`,
      inReplyTo: askNote,
      mention: `${server.url}/ap/actors/news`,
    });
    await deliver('bob', answer.activity);
    const featured = await postRow(server, bobNote);
    assert.equal(featured?.state, 'featured');
    const consent = await server.ctx.db
      .selectFrom('resident_content_consent')
      .selectAll()
      .where('post_id', '=', row.id)
      .executeTakeFirstOrThrow();
    assert.equal(consent.via, 'keyword');
    assert.equal(consent.author_id, fediverse.actorId('bob'));
    await drainDeliveries(server.ctx);
    const thanks = fediverse.received.filter((r) => r.activity.type === 'Create').at(-1);
    assert.match((thanks?.activity.object as { content: string }).content, /\/consent\/withdraw\/[A-Za-z0-9_-]{20,}/);
    const shown = await (await fetch(`${server.url}/residents`)).text();
    assert.match(shown, /Morning run over the bridge/);
    assert.match(shown, /Picture: Runners crossing the bridge at sunrise/);
  });

  test("the author's Delete takes the post off the site at once; a Delete by someone else changes nothing", async () => {
    const forged = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${fediverse.actorId('carl')}#delete-${Date.now()}`,
      type: 'Delete',
      actor: fediverse.actorId('carl'),
      to: ['https://www.w3.org/ns/activitystreams#Public'],
      object: { id: bobNote, type: 'Tombstone' },
    };
    await deliver('carl', forged);
    assert.equal((await postRow(server, bobNote))?.state, 'featured');
    await deliver('bob', {
      ...forged,
      id: `${bobNote}#delete`,
      actor: fediverse.actorId('bob'),
    });
    const row = await postRow(server, bobNote);
    assert.ok(row);
    assert.equal(row.state, 'gone');
    assert.equal(row.body, null);
    assert.doesNotMatch(await (await fetch(`${server.url}/residents`)).text(), /Morning run over the bridge/);
    assert.deepEqual(await auditActions(server, row.id), [
      'resident-content.asked',
      'resident-content.consented',
      'resident-content.gone',
    ]);
  });
});
