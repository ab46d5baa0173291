import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { ChannelPost, PublishingDestination } from '../../src/platform/publishing.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { ensureActor } from '../../src/modules/fediverse/actors.ts';
import { drainDeliveries } from '../../src/modules/fediverse/delivery.ts';
import { fediverseRuntime } from '../../src/modules/fediverse/federation.ts';
import { upsertFollower, type ActorRow } from '../../src/modules/fediverse/fediverse.repository.ts';
import { activityPubAdapter } from '../../src/modules/fediverse/publishing-adapter.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// Deliveries to followers go through the platform's outbound guard when they are sent, and a remote server
// that is down is left alone by the circuit breaker while the others get everything.

/** A remote server's inbox: counts the requests and activities it is sent; answers 503 while `down`. */
interface Inbox {
  url: string;
  host: string;
  received: Array<{ id: string; type: string }>;
  /** Requests, answered or not (Fedify knocks twice: two signature formats). */
  attempts: number;
  /** The activities it was sent, answered or not. */
  tried: Set<string>;
  down: boolean;
  close(): Promise<void>;
}

async function startInbox(address: string): Promise<Inbox> {
  const inbox: Inbox = {
    url: '',
    host: '',
    received: [],
    attempts: 0,
    tried: new Set(),
    down: false,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      inbox.attempts += 1;
      const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; type: string };
      inbox.tried.add(activity.id);
      if (inbox.down) {
        response.writeHead(503).end('down for maintenance');
        return;
      }
      inbox.received.push({ id: activity.id, type: activity.type });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  inbox.host = `${address}:${port}`;
  inbox.url = `http://${inbox.host}/inbox`;
  return inbox;
}

describe('fediverse deliveries: the outbound guard at send time, the circuit breaker per server', () => {
  let server: TestServer;
  let city: Organisation;
  let actor: ActorRow;
  let counter = 0;
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
  const channelPost = (text: string): ChannelPost => {
    counter += 1;
    const post: ChannelPost = {
      postId: 1000 + counter,
      deliveryId: 2000 + counter,
      idempotencyKey: `delivery-guard-${counter}`,
      organisationId: city.id,
      language: 'en',
      title: null,
      text,
      contentWarning: null,
      media: [],
      url: `${server.url}/news/post-${counter}`,
      hashtags: [],
      crisis: false,
      publishedAt: new Date(),
    };
    return post;
  };
  const publish = async (text: string) => {
    const outcome = await activityPubAdapter.publish(
      destination(),
      channelPost(text),
      server.ctx,
      AbortSignal.timeout(5000),
    );
    assert.equal(outcome.state, 'published');
    return String(outcome.remoteId);
  };
  const follow = (inbox: Inbox, name: string) =>
    upsertFollower(server.ctx.db, {
      organisationId: city.id,
      actorId: actor.id,
      remoteActor: `http://${inbox.host}/users/${name}`,
      remoteHost: inbox.host,
      inbox: `http://${inbox.host}/users/${name}/inbox`,
      sharedInbox: inbox.url,
      followId: null,
    });

  before(async () => {
    // the loopback address 127.0.0.1 is allowed (the fakes listen there); 127.0.0.2 is not
    server = await startTestServer({ allowOutbound: ['127.0.0.1'] });
    const [first] = await server.organisations.findAll();
    assert.ok(first);
    city = await server.organisations.update(first.id, { publicUrl: server.url });
    const news = await ensureActor(server.ctx, city, 'news');
    assert.ok(news);
    actor = news;
  });
  after(() => server.close());
  beforeEach(async () => {
    await server.ctx.db.deleteFrom('fediverse_follower').execute();
    await server.ctx.db.deleteFrom('fediverse_queue').execute();
  });

  test('a follower on a private address is refused when the activity is sent; an allowed one gets it', async () => {
    const allowed = await startInbox('127.0.0.1');
    const hidden = await startInbox('127.0.0.2');
    try {
      await follow(allowed, 'alice');
      await follow(hidden, 'mallory');
      const note = await publish('Road works on the ring road.');
      await drainDeliveries(server.ctx);
      assert.deepEqual(
        allowed.received.map((r) => r.type),
        ['Create'],
      );
      assert.equal(hidden.attempts, 0, 'nothing reaches 127.0.0.2: it is not public and not allowed');
      // the refused delivery waits for a retry (the operator may allow the host), it is not lost
      const waiting = await server.ctx.db.selectFrom('fediverse_queue').select('message').execute();
      assert.equal(waiting.length, 1);
      const message = waiting[0]?.message as { inbox?: string; activity?: { object?: { id?: string } } };
      assert.equal(message.inbox, hidden.url);
      assert.equal(message.activity?.object?.id, note);
    } finally {
      await allowed.close();
      await hidden.close();
    }
  });

  test('a server that is down is skipped after 5 failures, others get everything, and it is retried later', async () => {
    const down = await startInbox('127.0.0.1');
    const up = await startInbox('127.0.0.1');
    try {
      down.down = true;
      await follow(down, 'dora');
      await follow(up, 'uma');
      const notes: string[] = [];
      for (let i = 0; i < 8; i += 1) notes.push(await publish(`Notice ${i}`));
      // one at a time, so the breaker's count is exact
      await drainDeliveries(server.ctx, { concurrency: 1 });
      assert.equal(up.received.length, 8, 'the healthy server got every post at once');
      assert.equal(down.tried.size, 5, 'the dead server was tried with 5 activities, then left alone');
      // the retries' back-off passes (not the recovery delay): still nothing is sent there
      const before = down.attempts;
      await server.ctx.db.updateTable('fediverse_queue').set({ ready_at: new Date() }).execute();
      await drainDeliveries(server.ctx, { concurrency: 1 });
      assert.equal(down.attempts, before, 'while the circuit is open nothing is sent there');
      const held = await server.ctx.db.selectFrom('fediverse_queue').select('ready_at').execute();
      assert.equal(held.length, 8, 'its 8 activities are held, not dropped');
      assert.ok(
        held.every((row) => row.ready_at.getTime() > Date.now() + 5 * 60_000),
        'held until the recovery delay has passed',
      );

      // ten minutes later (the recovery delay): the server is back; a probe goes through and the rest follows
      down.down = false;
      const state = await server.ctx.db
        .selectFrom('fediverse_kv')
        .select(['key', 'value'])
        .where(sql<boolean>`key[array_length(key, 1)] = ${down.host}`)
        .executeTakeFirstOrThrow();
      const circuit = state.value as { state: string; opened?: string };
      assert.equal(circuit.state, 'open');
      const earlier = new Date(Date.now() - 11 * 60_000).toISOString();
      await server.ctx.db
        .updateTable('fediverse_kv')
        .set({ value: JSON.stringify({ ...circuit, opened: earlier }) })
        .where(sql<boolean>`key = cast(${state.key} as text[])`)
        .execute();
      for (let round = 0; round < 10 && down.received.length < 8; round += 1) {
        await server.ctx.db.updateTable('fediverse_queue').set({ ready_at: new Date() }).execute();
        await drainDeliveries(server.ctx, { concurrency: 1 });
        if (down.received.length < 8) await new Promise((resolve) => setTimeout(resolve, 1100));
      }
      assert.deepEqual(
        [...new Set(down.received.map((r) => r.id))].length,
        8,
        'every held activity reached the server once it was back',
      );
      assert.equal(up.received.length, 8, 'the healthy server got nothing twice');
    } finally {
      await down.close();
      await up.close();
    }
  });

  test('a publish that fails between storing the post and queueing its Create leaves nothing behind', async () => {
    const inbox = await startInbox('127.0.0.1');
    const queue = fediverseRuntime(server.ctx).queue;
    try {
      await follow(inbox, 'alice');
      const post = channelPost('Water cut on Monday.');
      // the queue's write fails (a full disk, a lost connection) after the object was written
      queue.enqueueMany = () => Promise.reject(new Error('the queue could not be written'));
      try {
        await assert.rejects(activityPubAdapter.publish(destination(), post, server.ctx, AbortSignal.timeout(5000)));
      } finally {
        delete (queue as unknown as Record<string, unknown>).enqueueMany;
      }
      const stored = await server.ctx.db
        .selectFrom('fediverse_object')
        .select('id')
        .where('delivery_id', '=', post.deliveryId)
        .execute();
      assert.equal(stored.length, 0, 'the object was not kept without its Create');
      const ref = { deliveryId: post.deliveryId, idempotencyKey: post.idempotencyKey, remoteId: null, state: {} };
      const status = await activityPubAdapter.status(destination(), ref, server.ctx, AbortSignal.timeout(5000));
      assert.equal(status.state, 'not_found', 'so the publishing job publishes it again, rather than call it done');
      const jobs = await server.ctx.db.selectFrom('fediverse_queue').select('id').execute();
      assert.equal(jobs.length, 0);

      // published again, both are stored and the follower gets the post
      const again = await activityPubAdapter.publish(destination(), post, server.ctx, AbortSignal.timeout(5000));
      assert.equal(again.state, 'published');
      await drainDeliveries(server.ctx);
      assert.deepEqual(
        inbox.received.map((r) => r.type),
        ['Create'],
      );
    } finally {
      await inbox.close();
    }
  });
});
