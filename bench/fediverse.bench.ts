/**
 * `npx node bench/fediverse.bench.ts` (PGlite) or with DATABASE_URL=postgres://… (PostgreSQL): issue 15's
 * fan-out goal. One post of the news desk to 10,000 followers on 2,000 servers (local receivers at 2,000
 * shared-inbox addresses that check every HTTP signature with Fedify), all delivered and signed in < 60 s,
 * while pages keep p95 < 100 ms. Prints figures; it does not pass or fail.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyRequest } from '@fedify/fedify';
import { getDocumentLoader, type RemoteDocument } from '@fedify/vocab-runtime';
import { drainDeliveries } from '../src/modules/fediverse/delivery.ts';
import { ensureActor } from '../src/modules/fediverse/actors.ts';
import { activityPubAdapter } from '../src/modules/fediverse/publishing-adapter.ts';
import { startTestServer } from '../test/support/server.ts';

const SERVERS = Number(process.env.SERVERS ?? 2000);
const PER_SERVER = Number(process.env.PER_SERVER ?? 5);

const base = getDocumentLoader({ allowPrivateAddress: true });
const cache = new Map<string, Promise<RemoteDocument>>();
const loader = (url: string) => {
  let hit = cache.get(url);
  if (!hit) cache.set(url, (hit = base(url)));
  return hit;
};
let verified = 0;
let refused = 0;
const receiver = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === 'string') headers.set(name, value);
    const copy = new Request(`http://${request.headers.host}${request.url}`, {
      method: 'POST',
      headers,
      body: Buffer.concat(chunks),
    });
    void verifyRequest(copy, { documentLoader: loader, contextLoader: loader })
      .catch(() => null)
      .then((key) => {
        if (key) verified++;
        else refused++;
        response.writeHead(key ? 202 : 401).end();
      });
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverPort = (receiver.address() as AddressInfo).port;

const server = await startTestServer({ allowOutbound: ['127.0.0.1'] });
try {
  const [first] = await server.organisations.findAll();
  if (!first) throw new Error('no city');
  const city = await server.organisations.update(first.id, { publicUrl: server.url });
  const actor = await ensureActor(server.ctx, city, 'news');
  if (!actor) throw new Error('no actor');
  const rows = [];
  for (let s = 0; s < SERVERS; s++)
    for (let p = 0; p < PER_SERVER; p++)
      rows.push({
        organisation_id: city.id,
        actor_id: actor.id,
        remote_actor: `https://s${s}.bench.example/users/u${p}`,
        remote_host: `s${s}.bench.example`,
        inbox: `http://127.0.0.1:${receiverPort}/s${s}/users/u${p}/inbox`,
        shared_inbox: `http://127.0.0.1:${receiverPort}/s${s}/inbox`,
        follow_id: null,
      });
  for (let i = 0; i < rows.length; i += 1000)
    await server.ctx.db
      .insertInto('fediverse_follower')
      .values(rows.slice(i, i + 1000))
      .execute();
  console.log(`${rows.length} followers on ${SERVERS} servers (${server.ctx.dbKind})`);

  const pageTimes: number[] = [];
  const load = { running: true };
  const pages = (async () => {
    while (load.running) {
      const started = performance.now();
      await (await fetch(`${server.url}/ap/actors/news`, { headers: { accept: 'text/html' } })).text();
      pageTimes.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const started = performance.now();
  await activityPubAdapter.publish(
    {
      id: 1,
      organisationId: city.id,
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
      idempotencyKey: 'bench',
      organisationId: city.id,
      language: 'en',
      title: null,
      text: 'The market moves to Station Square this Saturday.',
      contentWarning: null,
      media: [],
      url: `${server.url}/news/market`,
      hashtags: [],
      crisis: false,
      publishedAt: new Date(),
    },
    server.ctx,
    AbortSignal.timeout(60_000),
  );
  const enqueued = performance.now() - started;
  while (verified + refused < SERVERS && performance.now() - started < 300_000)
    await drainDeliveries(server.ctx, { budgetMs: 5_000 });
  const total = performance.now() - started;
  load.running = false;
  await pages;
  pageTimes.sort((a, b) => a - b);
  const p95 = pageTimes[Math.floor(pageTimes.length * 0.95)] ?? 0;
  console.log(
    `publish (store + queue fan-out) ${enqueued.toFixed(0)} ms; all ${verified} deliveries signed and verified ` +
      `(${refused} refused) in ${(total / 1000).toFixed(1)} s; pages meanwhile: ${pageTimes.length} requests, p95 ${p95.toFixed(1)} ms`,
  );
} finally {
  await server.close();
  receiver.close();
}
