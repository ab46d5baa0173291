/**
 * `npm run bench -- --only=fediverse [--quick] [--postgres]` (bench/fediverse.bench.ts): issue 15's fan-out
 * goal. One post of the news desk to 10,000 followers on 2,000 servers (local receivers at 2,000 shared-inbox
 * addresses that check every HTTP signature with Fedify), all delivered and signed in < 60 s, while pages keep
 * p95 < 100 ms. With --quick: 200 servers. SERVERS=N and PER_SERVER=N choose other sizes. Every delivery goes
 * through the outbound guard (the receivers listen on 127.0.0.1, which the bench environment allows).
 * Baseline in the same run: the same page timed the same way before the fan-out.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyRequest } from '@fedify/fedify';
import { getDocumentLoader, type RemoteDocument } from '@fedify/vocab-runtime';
import { drainDeliveries } from '../src/modules/fediverse/delivery.ts';
import { ensureActor } from '../src/modules/fediverse/actors.ts';
import { activityPubAdapter } from '../src/modules/fediverse/publishing-adapter.ts';
import { formatMs, formatNumber, percentile, printTable, progress, type BenchOptions } from './lib.ts';
import type { BenchEnvironment } from './setup.ts';

const GOAL_SECONDS = 60;
const PAGE_GOAL_MS = 100;

export async function benchFediverse(env: BenchEnvironment, options: BenchOptions): Promise<void> {
  const SERVERS = Number(process.env.SERVERS ?? (options.quick ? 200 : 2000));
  const PER_SERVER = Number(process.env.PER_SERVER ?? 5);
  const ctx = env.platform.ctx;
  // the bench drains the queue itself, so that it measures the fan-out and nothing else
  await ctx.jobs.stop();
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

  try {
    const city = await env.platform.organisations.update(env.city.id, { publicUrl: env.url });
    const actor = await ensureActor(ctx, city, 'news');
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
      await ctx.db
        .insertInto('fediverse_follower')
        .values(rows.slice(i, i + 1000))
        .execute();
    progress(`${formatNumber(rows.length)} followers on ${formatNumber(SERVERS)} servers (${ctx.dbKind})`);

    // a page every 50 ms: first alone (the baseline), then during the fan-out
    const servePages = (load: { running: boolean }, times: number[]) =>
      (async () => {
        while (load.running) {
          const started = performance.now();
          await (await fetch(`${env.url}/ap/actors/news`, { headers: { accept: 'text/html' } })).text();
          times.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
    const idleTimes: number[] = [];
    const idle = { running: true };
    const idlePages = servePages(idle, idleTimes);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    idle.running = false;
    await idlePages;
    const pageTimes: number[] = [];
    const load = { running: true };
    const pages = servePages(load, pageTimes);
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
        url: `${env.url}/news/market`,
        hashtags: [],
        crisis: false,
        publishedAt: new Date(),
      },
      ctx,
      AbortSignal.timeout(60_000),
    );
    const enqueued = performance.now() - started;
    while (verified + refused < SERVERS && performance.now() - started < 300_000)
      await drainDeliveries(ctx, { budgetMs: 5_000 });
    const total = performance.now() - started;
    load.running = false;
    await pages;
    pageTimes.sort((a, b) => a - b);
    idleTimes.sort((a, b) => a - b);
    const followers = SERVERS * PER_SERVER;
    printTable(
      `Fediverse fan-out: one post to ${formatNumber(followers)} followers on ${formatNumber(SERVERS)} servers (${env.kind})`,
      ['measure', 'value', 'goal', 'met'],
      [
        ['publish (store + queue the fan-out)', `${formatMs(enqueued)} ms`, '', ''],
        [
          'all deliveries signed and verified',
          `${formatNumber(verified)} of ${formatNumber(SERVERS)} inboxes (${formatNumber(refused)} refused) in ${(total / 1000).toFixed(1)} s`,
          `< ${GOAL_SECONDS} s`,
          verified === SERVERS && total < GOAL_SECONDS * 1000 ? 'yes' : 'NO',
        ],
        [
          'actor page alone (baseline)',
          `p50 ${formatMs(percentile(idleTimes, 0.5))} ms, p95 ${formatMs(percentile(idleTimes, 0.95))} ms (${idleTimes.length} requests)`,
          '',
          '',
        ],
        [
          'actor page during the fan-out',
          `p50 ${formatMs(percentile(pageTimes, 0.5))} ms, p95 ${formatMs(percentile(pageTimes, 0.95))} ms (${pageTimes.length} requests)`,
          `p95 < ${PAGE_GOAL_MS} ms`,
          percentile(pageTimes, 0.95) < PAGE_GOAL_MS ? 'yes' : 'NO',
        ],
      ],
    );
  } finally {
    receiver.close();
  }
}
