import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testMessageQueue } from '@fedify/testing';
import { KyselyKvStore } from '../../src/modules/fediverse/kv.repository.ts';
import { KyselyMessageQueue } from '../../src/modules/fediverse/queue.repository.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// PGlite by default; PostgreSQL (for update skip locked, two connections) when DATABASE_URL is set.
describe('Fedify key-value store and message queue on the database', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  test("the message queue passes @fedify/testing's conformance suite, ordering keys included", async () => {
    await testMessageQueue(
      () => new KyselyMessageQueue(server.ctx.db, { kind: server.ctx.dbKind, pollMs: 100 }),
      ({ controller }) => controller.abort(),
      { testOrderingKey: true },
    );
    const left = await server.ctx.db.selectFrom('fediverse_queue').select('id').execute();
    assert.equal(left.length, 0, 'every handled message is removed');
  });

  test('a delayed message waits, and one of an ordering key waits for the earlier one in hand', async () => {
    const queue = new KyselyMessageQueue(server.ctx.db, { kind: server.ctx.dbKind });
    const delay = { total: () => 60_000 } as never;
    await queue.enqueue('later', { delay });
    await queue.enqueue('first', { orderingKey: 'post-1' });
    await queue.enqueue('second', { orderingKey: 'post-1' });
    const claimed = await queue.claim(10);
    assert.deepEqual(
      claimed.map((row) => row.message),
      ['first'],
    );
    assert.deepEqual(await queue.claim(10), [], 'nothing else is ready while "first" is in hand');
    assert.deepEqual(await queue.getDepth(), { queued: 2, ready: 1, delayed: 1 });
    await server.ctx.db.deleteFrom('fediverse_queue').execute();
  });

  test('the key-value store gets, sets with a time to live, lists by prefix and compares-and-swaps', async () => {
    const kv = new KyselyKvStore(server.ctx.db);
    await kv.set(['a', 'b'], { n: 1 });
    await kv.set(['a', 'c'], [1, 2]);
    await kv.set(['z'], 'other');
    await kv.set(['a', 'gone'], 1, { ttl: { total: () => 1 } as never });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(await kv.get(['a', 'b']), { n: 1 });
    assert.equal(await kv.get(['a', 'gone']), undefined);
    const listed = [];
    for await (const entry of kv.list(['a'])) listed.push(entry);
    assert.deepEqual(listed, [
      { key: ['a', 'b'], value: { n: 1 } },
      { key: ['a', 'c'], value: [1, 2] },
    ]);
    assert.equal(await kv.cas(['a', 'b'], { n: 2 }, { n: 3 }), false);
    assert.equal(await kv.cas(['a', 'b'], { n: 1 }, { n: 3 }), true);
    assert.deepEqual(await kv.get(['a', 'b']), { n: 3 });
    assert.equal(await kv.cas(['new'], undefined, 'x'), true);
    assert.equal(await kv.cas(['new'], undefined, 'y'), false);
    await kv.delete(['new']);
    assert.equal(await kv.get(['new']), undefined);
  });
});
