import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fanOut } from '../../src/modules/webhooks/delivery.ts';
import { readEvents, recordEvent, type EventCursor } from '../../src/platform/events.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The event outbox (platform/events.ts): a reader with a cursor never passes over an event that a
 * transaction which began earlier commits later, and taking events into deliveries twice queues each once.
 */

let server: TestServer;
let city: Organisation;

before(async () => {
  server = await startTestServer();
  city = (await server.organisations.findAll())[0] as Organisation;
});
after(() => server.close());

const post = (id: number) => ({ id, path: '/news', languages: ['en'] });

async function readAll(after: EventCursor | null) {
  return readEvents(server.ctx.db, city.id, after, 100);
}

test('an event committed late by an earlier transaction is read after the ones committed before it', async (t) => {
  if (server.ctx.dbKind === 'pglite') {
    t.skip('PGlite runs one transaction at a time: no interleaving to test');
    return;
  }
  const start = await readAll(null);
  const cursor = start.at(-1) ?? null;
  let releaseEarly: () => void = () => {};
  const held = new Promise<void>((resolve) => (releaseEarly = resolve));
  let recorded: () => void = () => {};
  const early = new Promise<void>((resolve) => (recorded = resolve));
  // the early transaction records its event first and commits last
  const slow = server.ctx.db.transaction().execute(async (tx) => {
    await recordEvent(tx, city.id, 'post.published', post(1));
    recorded();
    await held;
  });
  await early;
  await recordEvent(server.ctx.db, city.id, 'post.published', post(2));
  // the later event is committed, but an earlier transaction is still running: nothing is settled yet
  assert.deepEqual(await readAll(cursor), []);
  releaseEarly();
  await slow;
  const read = await readAll(cursor);
  assert.deepEqual(
    read.map((event) => (event.data as { id: number }).id),
    [1, 2],
  );
  assert.deepEqual(await readAll(read.at(-1) ?? null), []);
});

test('events are read in order, once, and fan-out queues one delivery per event and subscription', async () => {
  const subscription = await server.ctx.db
    .insertInto('webhooks_subscription')
    .values({
      organisation_id: city.id,
      url: 'https://example.org/hook',
      event_types: ['post.published'],
      secret_sealed: 'v1.unused',
      owner_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let id = 10; id < 15; id++) await recordEvent(server.ctx.db, city.id, 'post.published', post(id));
  assert.ok((await fanOut(server.ctx, city)) >= 5);
  assert.equal(await fanOut(server.ctx, city), 0);
  await recordEvent(server.ctx.db, city.id, 'post.published', post(15));
  assert.equal(await fanOut(server.ctx, city), 1);
  const deliveries = await server.ctx.db
    .selectFrom('webhooks_delivery')
    .select(['message_id', 'body'])
    .where('subscription_id', '=', subscription.id)
    .orderBy('id')
    .execute();
  assert.deepEqual(
    deliveries.map((d) => (JSON.parse(d.body) as { data: { id: number } }).data.id),
    [10, 11, 12, 13, 14, 15],
  );
  assert.equal(new Set(deliveries.map((d) => d.message_id)).size, 6);
});
