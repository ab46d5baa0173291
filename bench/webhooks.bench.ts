/**
 * Issue 16: webhook deliveries to a local receiver, signed (Standard Webhooks), goal ≥ 500 per second,
 * against a baseline in the same run: the same number of bare HTTP POSTs of the same body from this
 * process to the same receiver, at the same concurrency and one connection per request as the outbound
 * guard makes (no database, no signature, no guard). The receiver runs in this process too.
 *
 * Measured: recording the events (one transaction each, as a use case does), taking them into deliveries
 * (fan-out), and sending (claim, sign, post through ctx.outbound, store the attempt and the delivery's
 * state) — the whole of `runWebhooks` until every delivery succeeded. A sample is verified afterwards
 * with the official `standardwebhooks` package.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Webhook } from 'standardwebhooks';
import { deliverWhileDue, fanOut, runWebhooks } from '../src/modules/webhooks/delivery.ts';
import { createSubscription, subscriptionDetail } from '../src/modules/webhooks/webhooks.use-cases.ts';
import { findViewer } from '../src/platform/auth/users.ts';
import type { AppContext } from '../src/platform/context.ts';
import { recordEvent } from '../src/platform/events.ts';
import { Outbound } from '../src/platform/outbound/outbound.ts';
import type { BenchOptions } from './lib.ts';
import { formatNumber, printTable, progress } from './lib.ts';
import type { BenchEnvironment } from './setup.ts';

interface Received {
  headers: Record<string, string>;
  body: string;
}

async function startReceiver(): Promise<{ url: string; port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
      received.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One bare POST, a new connection each, as the outbound guard makes them. */
function barePost(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function baseline(url: string, body: string, count: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        if ((await barePost(url, body)) !== 200) throw new Error('the receiver did not answer 200');
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

export async function benchWebhooks(env: BenchEnvironment, options: BenchOptions): Promise<void> {
  const count = options.quick ? 2_000 : 10_000;
  progress(`webhooks: ${count} events`);
  const receiver = await startReceiver();
  const real = env.platform.ctx;
  // The recurring job of the running worker uses the server's own guard, which refuses the loopback
  // receiver: it is stopped while the bench drives `runWebhooks` with a context that allows the receiver.
  await real.jobs.stop();
  const ctx: AppContext = { ...real, outbound: new Outbound({ allow: [{ host: '127.0.0.1', port: receiver.port }] }) };
  try {
    const admin = await real.db
      .selectFrom('core_user')
      .select('id')
      .where('organisation_id', '=', env.city.id)
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow();
    const viewer = await findViewer(real.db, env.city.id, admin.id);
    const created = await createSubscription(ctx, viewer ?? null, env.city, {
      url: `${receiver.url}/hook`,
      description: 'bench',
      events: ['post.published'],
    });
    if (!created.ok) throw new Error(`subscription refused: ${JSON.stringify(created)}`);
    const { secret } = await subscriptionDetail(ctx, viewer ?? null, env.city, created.id);
    if (!secret) throw new Error('the new secret cannot be read');
    await runWebhooks(ctx); // the demo's own events, before the subscription: passed over

    const data = (id: number) => ({ id, path: '/news', languages: ['en', 'it'] });
    progress(`recording ${formatNumber(count)} events, one transaction each`);
    let started = performance.now();
    for (let id = 1; id <= count; id++)
      await real.db.transaction().execute((tx) => recordEvent(tx, env.city.id, 'post.published', data(id)));
    const recordSeconds = (performance.now() - started) / 1000;

    progress('taking them into deliveries');
    started = performance.now();
    while ((await fanOut(ctx, env.city)) > 0);
    const fanOutSeconds = (performance.now() - started) / 1000;
    progress('sending them');
    started = performance.now();
    let attempts = 0;
    // attempts that failed under load (a connection refused or timed out) come back on the schedule (5 s)
    for (let idle = 0; receiver.received.length < count && idle < 30;) {
      const sent = await deliverWhileDue(ctx, Date.now() + 600_000);
      attempts += sent;
      if (sent > 0) idle = 0;
      else {
        idle++;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    const sendSeconds = (performance.now() - started) / 1000;
    const deliverSeconds = fanOutSeconds + sendSeconds;
    if (receiver.received.length !== count) {
      const states = await real.db
        .selectFrom('webhooks_delivery')
        .select(['status', 'last_error', 'last_status'])
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .groupBy(['status', 'last_error', 'last_status'])
        .execute();
      throw new Error(`received ${receiver.received.length} of ${count}: ${JSON.stringify(states)}`);
    }
    // the outside validator on a sample
    const webhook = new Webhook(secret);
    const sample = receiver.received.filter((_, index) => index % Math.ceil(count / 200) === 0);
    for (const request of sample) webhook.verify(request.body, request.headers);
    const ids = new Set(receiver.received.map((request) => request.headers['webhook-id']));
    if (ids.size !== count) throw new Error('a message was delivered twice');

    const body = receiver.received[0]?.body ?? '{}';
    progress(`baseline: ${formatNumber(count)} bare POSTs`);
    const bareSeconds = await baseline(`${receiver.url}/bare`, body, count, 64);
    const ratio = (rate: number) => `${((rate / (count / bareSeconds)) * 100).toFixed(0)} %`;

    printTable(
      `Webhooks — ${formatNumber(count)} events to one subscription on a local receiver (${env.kind}); signatures verified on ${sample.length} by standardwebhooks`,
      ['step', 'seconds', 'per second', 'against baseline'],
      [
        ['record events (one transaction each)', recordSeconds.toFixed(2), formatNumber(count / recordSeconds), '–'],
        ['fan-out: events into deliveries', fanOutSeconds.toFixed(2), formatNumber(count / fanOutSeconds), '–'],
        [
          `send: claim, sign, POST via ctx.outbound, log (${formatNumber(attempts)} attempts)`,
          sendSeconds.toFixed(2),
          formatNumber(attempts / sendSeconds),
          ratio(count / sendSeconds),
        ],
        [
          'deliveries end to end (fan-out + send)',
          deliverSeconds.toFixed(2),
          formatNumber(count / deliverSeconds),
          ratio(count / deliverSeconds),
        ],
        [
          'baseline: bare POSTs, same body, 64 at a time',
          bareSeconds.toFixed(2),
          formatNumber(count / bareSeconds),
          '100 %',
        ],
      ],
    );
  } finally {
    await receiver.close();
    real.jobs.start();
  }
}
