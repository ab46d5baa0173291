/**
 * `npm run bench [-- --postgres] [--quick] [--reports=N] [--seconds=N] [--concurrency=N] [--only=platform|reports|ballots|listening|inbox|inbox-list|calendar|fediverse|insights|open-data|webhooks|guide|opinion-maps]`
 *
 * Starts the real platform with the demo city on a scratch database (PGlite in a temporary folder, or
 * with --postgres a new database `bench_<random>` on DATABASE_URL or the local server), and a bare
 * Fastify server beside it, then prints:
 *   Part 1 — HTTP throughput and latency of the platform against the bare server;
 *   Part 2 — the reports goals of issue 3 on N loaded reports (map query, statistics, Open311 intake).
 * `--only=ballots` runs bench/ballots.ts instead (issue 4: 200 concurrent voters against the bare insert,
 * then results on 400,000 ballots — 50,000 with --quick); it is not part of the default run.
 * `--only=listening` runs bench/listening.bench.ts alone (issue 5: analysis throughput per core, no server).
 * `--only=inbox-list [--conversations=10000,100000]` runs bench/inbox-list.bench.ts (issue 14: the staff inbox
 * list at those sizes, before and after the embedded database's statistics refresh); not part of the default run.
 * `--only=inbox` runs bench/inbox.bench.ts (issue 5: webhook ingestion against a bare insert, ingestMessages in
 * batches, the analysis job against language identification alone); it is not part of the default run.
 * `--only=calendar` runs bench/calendar.bench.ts (issue 15: the editorial calendar's month view with 5,000 posts,
 * goal < 100 ms); not part of the default run.
 * `--only=fediverse` runs bench/fediverse.bench.ts (issue 15: one post to 10,000 followers on 2,000 servers that check
 * signatures, < 60 s, pages meanwhile p95 < 100 ms; 200 servers with --quick); not part of the default run.
 * `--only=open-data [--reports=N]` runs bench/open-data.bench.ts (issue 16: the reports CSV export against keyset
 * pages read and dropped, rows/s and memory growth); not part of the default run.
 * `--only=insights [--quick]` runs bench/insights.bench.ts (issue 16: the staff KPI dashboard with 1,000,000 reports and
 * 1,000,000 inbox messages, goal < 200 ms, against the demo city and the live aggregation); not part of the default run.
 * `--only=guide [--quick]` runs bench/guide.bench.ts (issue 20: "near me" among 100,000 places against the demo size,
 *   a sequential scan and the bare server; goal under 20 ms on both databases).
 * `--only=webhooks [--quick]` runs bench/webhooks.bench.ts (issue 16: signed webhook deliveries to a local receiver
 * against bare HTTP posts from the same process, goal ≥ 500/s); not part of the default run.
 * `--only=opinion-maps [--quick]` runs bench/opinion-maps.bench.ts (issue 18: recompute 10,000 × 500 votes, goal < 3 s; vote
 * intake against a bare upsert, goal ≥ 2,000 votes/s, p99 < 100 ms on PostgreSQL); not part of the default run.
 * Everything the run created is removed at the end, also after an error or Ctrl-C.
 * Benchmarks are not part of `npm test`: they print figures, they do not pass or fail.
 */
import os from 'node:os';
import { parseOptions, progress } from './lib.ts';
import { benchBallots } from './ballots.ts';
import { benchCalendar } from './calendar.bench.ts';
import { benchFediverse } from './fediverse.bench.ts';
import { benchGuide } from './guide.bench.ts';
import { benchInbox } from './inbox.bench.ts';
import { benchInboxList } from './inbox-list.bench.ts';
import { benchInsights } from './insights.bench.ts';
import { benchListening } from './listening.bench.ts';
import { benchOpenData } from './open-data.bench.ts';
import { benchOpinionMaps } from './opinion-maps.bench.ts';
import { benchPlatform } from './platform.bench.ts';
import { benchReports } from './reports.bench.ts';
import { startEnvironment, type BenchEnvironment } from './setup.ts';
import { benchWebhooks } from './webhooks.bench.ts';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `Interactive City bench — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ` +
      `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${options.postgres ? 'PostgreSQL' : 'PGlite'}${options.quick ? ', quick' : ''}, ` +
      `load average ${loadAverage()} at start`,
  );

  let env: BenchEnvironment | undefined;
  let closing = false;
  const close = async (): Promise<void> => {
    if (closing || !env) return;
    closing = true;
    await env.close();
  };
  process.once('SIGINT', () => {
    progress('interrupted: removing the scratch database');
    void close().finally(() => process.exit(130));
  });

  try {
    // Listening needs no server: it runs first, and alone with --only=listening.
    if (options.parts.has('listening')) benchListening(options);
    if ([...options.parts].every((part) => part === 'listening')) return;
    env = await startEnvironment({ postgres: options.postgres });
    progress(`platform ready in ${env.startSeconds.toFixed(1)} s at ${env.url}; baseline at ${env.bareUrl}`);
    if (options.parts.has('platform')) await benchPlatform(env, options);
    if (options.parts.has('reports')) await benchReports(env, options);
    if (options.parts.has('inbox')) await benchInbox(env, options);
    if (options.parts.has('inbox-list')) await benchInboxList(env, options);
    if (options.parts.has('calendar')) await benchCalendar(env, options);
    if (options.parts.has('open-data')) await benchOpenData(env, options);
    if (options.parts.has('insights')) await benchInsights(env, options);
    if (options.parts.has('fediverse')) await benchFediverse(env, options);
    if (options.parts.has('webhooks')) await benchWebhooks(env, options);
    if (options.parts.has('guide')) await benchGuide(env, options);
    if (options.parts.has('opinion-maps')) await benchOpinionMaps(env, options);
    if (options.parts.has('ballots'))
      await benchBallots(env, {
        seconds: options.seconds,
        voters: 200,
        ballots: options.quick ? 50_000 : 400_000,
        rounds: 2,
      });
  } finally {
    // Other work on the machine shares the cores: say how busy it was, so figures are read with that.
    console.log(`\nLoad average at the end: ${loadAverage()} (1, 5, 15 min) on ${os.cpus().length} cores.`);
    await close();
  }
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(', ');
}

await main();
