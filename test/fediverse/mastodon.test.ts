import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateCryptoKeyPair } from '@fedify/fedify';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import type { ChannelPost, PublishingDestination } from '../../src/platform/publishing.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { drainDeliveries } from '../../src/modules/fediverse/delivery.ts';
import { blockDomain } from '../../src/modules/fediverse/fediverse.use-cases.ts';
import { activityPubAdapter } from '../../src/modules/fediverse/publishing-adapter.ts';
import { queueReply } from '../../src/modules/inbox/replies.ts';
import { buildUser } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { fixture, startFakeMastodon, type FakeMastodon } from './fake-mastodon.ts';

const AP = 'application/activity+json';

describe('the city on the fediverse, against recorded Mastodon payloads', () => {
  let server: TestServer;
  let mastodon: FakeMastodon;
  let city: Organisation;
  let cityActor: string;
  let admin: Viewer;
  let noteId = '';
  const destination = (): PublishingDestination => ({
    id: 1,
    organisationId: city.id,
    kind: 'activitypub',
    key: 'news',
    name: '@news',
    departmentId: null,
    settings: {},
    secrets: {},
  });
  const post = (text: string): ChannelPost => ({
    postId: 7,
    deliveryId: 70,
    idempotencyKey: 'delivery-70',
    organisationId: city.id,
    language: 'en',
    title: null,
    text,
    contentWarning: null,
    media: [],
    url: `${server.url}/news/bus-shelters`,
    hashtags: ['BusShelters'],
    crisis: false,
    publishedAt: new Date('2026-12-07T09:00:00Z'),
  });
  const values = () => ({
    origin: mastodon.origin,
    host: mastodon.host,
    cityActor,
    cityHost: new URL(server.url).host,
    followId: `${mastodon.origin}/5a7e8e55-2f0e-4c1f-9e1e-3b8f2d0c6a11`,
    blockId: '0f8b3c2a-9d1e-4b7a-8c6d-5e4f3a2b1c0d',
    cityNote: noteId,
    statusId: '113634521987654321',
    published: '2026-12-07T10:15:00Z',
  });
  /** A new Follow, as Mastodon sends one each time (its own id: Fedify handles an activity id once). */
  const freshFollow = () =>
    fixture('mastodon-follow.json', { ...values(), followId: `${mastodon.origin}/${crypto.randomUUID()}` });
  const followers = async () =>
    (await server.ctx.db.selectFrom('fediverse_follower').select('remote_actor').execute()).map((r) => r.remote_actor);

  before(async () => {
    mastodon = await startFakeMastodon();
    server = await startTestServer({ allowOutbound: ['127.0.0.1'] });
    const [first] = await server.organisations.findAll();
    assert.ok(first);
    const user = await buildUser(server, { role: 'admin' });
    admin = (await findViewer(server.ctx.db, first.id, user.id)) as Viewer;
    city = first;
  });
  after(async () => {
    await server.close();
    await mastodon.close();
  });

  test('the news desk is found by WebFinger as news@localhost:3000 and served as ActivityPub JSON', async () => {
    const finger = await fetch(`${server.url}/.well-known/webfinger?resource=acct:news@localhost:3000`);
    assert.equal(finger.status, 200);
    const jrd = (await finger.json()) as { links: Array<{ rel: string; href: string }> };
    assert.equal(jrd.links.find((link) => link.rel === 'self')?.href, 'http://localhost:3000/ap/actors/news');
    const nodeinfo = (await (await fetch(`${server.url}/nodeinfo/2.1`)).json()) as { protocols: string[] };
    assert.deepEqual(nodeinfo.protocols, ['activitypub']);
    const actor = (await (await fetch(`${server.url}/ap/actors/news`, { headers: { accept: AP } })).json()) as Record<
      string,
      unknown
    >;
    assert.equal(actor.type, 'Service');
    assert.equal(actor.inbox, 'http://localhost:3000/ap/actors/news/inbox');
    assert.equal((actor.endpoints as { sharedInbox: string }).sharedInbox, 'http://localhost:3000/ap/inbox');
    assert.match((actor.publicKey as { publicKeyPem: string }).publicKeyPem, /BEGIN PUBLIC KEY/);
    assert.equal((actor.assertionMethod as unknown[]).length, 2, 'RSA and Ed25519 keys');
    const page = await fetch(`${server.url}/ap/actors/news`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /@news@localhost:3000/);
    const stored = await server.ctx.db.selectFrom('fediverse_actor').selectAll().executeTakeFirstOrThrow();
    assert.ok(stored.rsa_private.startsWith('v1.') && !stored.rsa_private.includes('BEGIN'), 'private keys sealed');
    // from here on the city lives at the test server's own address, so remote servers can reach it
    city = await server.organisations.update(city.id, { publicUrl: server.url });
    cityActor = `${server.url}/ap/actors/news`;
  });

  test('a signed Mastodon Follow makes a follower and is answered with a signed Accept', async () => {
    const response = await mastodon.send(`${cityActor}/inbox`, fixture('mastodon-follow.json', values()));
    assert.equal(response.status, 202, await response.text());
    assert.deepEqual(await followers(), [mastodon.actorId]);
    await drainDeliveries(server.ctx);
    const accept = mastodon.received.find((r) => r.activity.type === 'Accept');
    assert.ok(accept, JSON.stringify(mastodon.received));
    assert.equal(accept.path, '/users/alice/inbox');
    assert.ok(accept.verified, 'the Accept is signed with the actor key');
    assert.equal((accept.activity.object as { id: string }).id, values().followId);
  });

  test('a post goes out as a Note to the shared inbox, and is served at its address and in the outbox', async () => {
    const outcome = await activityPubAdapter.publish(
      destination(),
      post('New bus shelters on #BusShelters routes.'),
      server.ctx,
      AbortSignal.timeout(5000),
    );
    assert.equal(outcome.state, 'published');
    noteId = String(outcome.remoteId);
    assert.match(noteId, /\/ap\/notes\/[0-9a-f-]{36}$/);
    const again = await activityPubAdapter.publish(
      destination(),
      post('New bus shelters'),
      server.ctx,
      AbortSignal.timeout(5000),
    );
    assert.equal(again.remoteId, noteId, 'publishing the same delivery twice posts once');
    await drainDeliveries(server.ctx);
    const creates = mastodon.received.filter((r) => r.activity.type === 'Create');
    assert.equal(creates.length, 1);
    assert.equal(creates[0]?.path, '/inbox', 'delivered through the shared inbox');
    assert.ok(creates[0].verified);
    const note = (await (await fetch(noteId, { headers: { accept: AP } })).json()) as Record<string, unknown>;
    assert.equal(note.type, 'Note');
    assert.match(String(note.content), /<a href="[^"]+\/tags\/BusShelters"[^>]*>#<span>BusShelters<\/span><\/a>/);
    const outbox = (await (await fetch(`${cityActor}/outbox`, { headers: { accept: AP } })).json()) as {
      totalItems: number;
    };
    assert.equal(outbox.totalItems, 1);
    const status = await activityPubAdapter.status(
      destination(),
      { deliveryId: 70, idempotencyKey: 'delivery-70', remoteId: noteId, state: {} },
      server.ctx,
      AbortSignal.timeout(5000),
    );
    assert.equal(status.state, 'published');
  });

  test('a Mastodon reply to the post becomes an inbox conversation, and the answer goes back as a Note replying to it', async () => {
    const response = await mastodon.send(`${server.url}/ap/inbox`, fixture('mastodon-create-reply.json', values()));
    assert.equal(response.status, 202, await response.text());
    const statusUrl = `${mastodon.origin}/users/alice/statuses/${values().statusId}`;
    const message = await server.ctx.db
      .selectFrom('inbox_message as m')
      .innerJoin('inbox_channel as c', 'c.id', 'm.channel_id')
      .select(['m.conversation_id', 'm.body', 'c.kind'])
      .where('m.external_id', '=', statusUrl)
      .executeTakeFirstOrThrow();
    assert.equal(message.kind, 'fediverse');
    assert.match(message.body, /The bus stop on Market Street has no shelter since the works & it rains in\./);
    const twice = await mastodon.send(`${server.url}/ap/inbox`, fixture('mastodon-create-reply.json', values()));
    assert.equal(twice.status, 202);
    const count = await server.ctx.db
      .selectFrom('inbox_message')
      .select('id')
      .where('external_id', '=', statusUrl)
      .execute();
    assert.equal(count.length, 1, 'a reply delivered twice is stored once');

    await queueReply(server.ctx, {
      organisationId: city.id,
      conversationId: message.conversation_id,
      userId: admin.id,
      text: 'The shelter is back next week.',
    });
    await server.ctx.jobs.runDue();
    await drainDeliveries(server.ctx);
    const answer = mastodon.received.find(
      (r) => r.activity.type === 'Create' && (r.activity.object as { inReplyTo?: string }).inReplyTo === statusUrl,
    );
    assert.ok(answer, JSON.stringify(mastodon.received.map((r) => r.activity.type)));
    assert.equal(answer.path, '/users/alice/inbox');
    assert.ok(answer.verified);
    assert.match((answer.activity.object as { content: string }).content, /The shelter is back next week\./);
    const sent = await server.ctx.db
      .selectFrom('inbox_message')
      .select(['delivery', 'external_id'])
      .where('direction', '=', 'out')
      .executeTakeFirstOrThrow();
    assert.equal(sent.delivery, 'sent');
  });

  test('an edit goes out as Update with `updated`, a removal as Delete, ordered after the Create', async () => {
    const ref = { deliveryId: 70, idempotencyKey: 'delivery-70', remoteId: noteId, state: {} };
    const updated = await activityPubAdapter.update?.(
      destination(),
      ref,
      post('Bus shelters: new dates.'),
      server.ctx,
      AbortSignal.timeout(5000),
    );
    assert.equal(updated?.state, 'published');
    const removed = await activityPubAdapter.remove?.(destination(), ref, server.ctx, AbortSignal.timeout(5000));
    assert.equal(removed?.state, 'not_found');
    await drainDeliveries(server.ctx);
    const types = mastodon.received.filter((r) => r.path === '/inbox').map((r) => r.activity.type);
    assert.deepEqual(types, ['Create', 'Update', 'Delete']);
    const update = mastodon.received.find((r) => r.activity.type === 'Update');
    assert.ok((update?.activity.object as { updated?: string }).updated);
    const gone = await fetch(noteId, { headers: { accept: AP } });
    assert.equal(gone.status, 404);
  });

  test('forged, unsigned, oversized, malformed and misaddressed activities get a 4xx and change nothing', async () => {
    const before = await followers();
    const forger = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
    const undo = fixture('mastodon-undo-follow.json', values());
    const forged = await mastodon.send(`${cityActor}/inbox`, undo, { withKey: forger.privateKey });
    assert.equal(forged.status, 401);
    const unsigned = await mastodon.send(`${cityActor}/inbox`, undo, { unsigned: true });
    assert.equal(unsigned.status, 401);
    const huge = await mastodon.send(
      `${cityActor}/inbox`,
      JSON.stringify({ type: 'Note', actor: mastodon.actorId, content: 'x'.repeat(300_000) }),
    );
    assert.equal(huge.status, 413);
    const malformed = await mastodon.send(`${cityActor}/inbox`, '{"type": "Follow", "actor": ');
    assert.equal(malformed.status, 400);
    const nobody = await mastodon.send(
      `${server.url}/ap/actors/nobody/inbox`,
      fixture('mastodon-follow.json', values()),
    );
    assert.equal(nobody.status, 404);
    assert.deepEqual(await followers(), before);
  });

  test('Mastodon Delete of a reply, Undo of the follow and a Block are honoured for their own actor only', async () => {
    const del = await mastodon.send(`${server.url}/ap/inbox`, fixture('mastodon-delete-note.json', values()));
    assert.equal(del.status, 202);
    const received = await server.ctx.db
      .selectFrom('fediverse_received')
      .select(['deleted_at', 'content'])
      .executeTakeFirstOrThrow();
    assert.ok(received.deleted_at);
    assert.equal(received.content, null);
    const undo = await mastodon.send(`${cityActor}/inbox`, fixture('mastodon-undo-follow.json', values()));
    assert.equal(undo.status, 202);
    assert.deepEqual(await followers(), []);
    await mastodon.send(`${cityActor}/inbox`, freshFollow());
    assert.deepEqual(await followers(), [mastodon.actorId]);
    const block = await mastodon.send(`${cityActor}/inbox`, fixture('mastodon-block.json', values()));
    assert.equal(block.status, 202);
    assert.deepEqual(await followers(), [], 'who blocks the city no longer gets its posts');
  });

  test('an account deleted on Mastodon (its key gone: 410) stops following', async () => {
    await mastodon.send(`${cityActor}/inbox`, freshFollow());
    assert.deepEqual(await followers(), [mastodon.actorId]);
    mastodon.state.gone = true;
    await server.ctx.db.deleteFrom('fediverse_kv').execute(); // the cached key would still verify
    const response = await mastodon.send(`${server.url}/ap/inbox`, fixture('mastodon-delete-actor.json', values()));
    assert.equal(response.status, 202, await response.text());
    assert.deepEqual(await followers(), []);
    // a new account at the same address (the fake again): Fedify remembers the key was gone, so forget it
    mastodon.state.gone = false;
    await server.ctx.db.deleteFrom('fediverse_kv').execute();
  });

  test('moderators defederate a server: its followers go and its activities are refused', async () => {
    await mastodon.send(`${cityActor}/inbox`, freshFollow());
    assert.deepEqual(await followers(), [mastodon.actorId]);
    const outcome = await blockDomain(server.ctx, admin, city, '127.0.0.1');
    assert.ok(outcome.ok);
    assert.equal(outcome.removedFollowers, 1);
    const refused = await mastodon.send(`${cityActor}/inbox`, freshFollow());
    assert.equal(refused.status, 403);
    assert.deepEqual(await followers(), []);
  });
});
