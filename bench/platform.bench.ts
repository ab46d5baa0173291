/**
 * Part 1 — the platform against a bare Fastify server in the same process: requests per second, median
 * and p95 latency for the cheapest route, the health check, a JSON API, two server-rendered pages, and
 * the database floor (`select 1` and one raw insert through Kysely behind the bare server).
 */
import { formatMs, formatNumber, formatPercent, printTable, progress, type BenchOptions } from './lib.ts';
import { runLoad, type LoadRequest, type LoadResult } from './load.ts';
import type { BenchEnvironment } from './setup.ts';

export interface PlatformRow {
  name: string;
  target: string;
  result: LoadResult;
  /** Requests per second relative to the bare `{ok:true}` route. */
  ratio: number;
}

/** Runs every round one after another (never two at once: they would share the two cores). */
export async function benchPlatform(env: BenchEnvironment, options: BenchOptions): Promise<PlatformRow[]> {
  const load = { concurrency: options.concurrency, seconds: options.seconds, warmupSeconds: options.quick ? 0.5 : 2 };
  const rounds: Array<{ name: string; target: string; request: LoadRequest }> = [
    { name: 'bare Fastify {ok:true} (baseline)', target: 'bare GET /ok', request: { url: `${env.bareUrl}/ok` } },
    { name: 'health check', target: 'GET /health', request: { url: `${env.url}/health` } },
    { name: 'districts API (JSON)', target: 'GET /api/v1/districts', request: { url: `${env.url}/api/v1/districts` } },
    { name: 'home page (HTML)', target: 'GET /', request: { url: `${env.url}/` } },
    { name: 'sign-in page (HTML)', target: 'GET /sign-in', request: { url: `${env.url}/sign-in` } },
    { name: 'database floor: select 1', target: 'bare GET /db/select', request: { url: `${env.bareUrl}/db/select` } },
    {
      name: 'database floor: one insert',
      target: 'bare POST /db/insert',
      request: { url: `${env.bareUrl}/db/insert`, method: 'POST' },
    },
  ];

  const rows: PlatformRow[] = [];
  let baseline: number | undefined;
  for (const round of rounds) {
    progress(`load: ${round.target} (${options.concurrency} in flight, ${options.seconds} s)`);
    const result = await runLoad(round.request, load);
    if (result.errors > 0)
      progress(`  ${result.errors} of ${result.requests} failed, first: ${result.firstError ?? ''}`);
    baseline ??= result.requestsPerSecond;
    rows.push({ ...round, result, ratio: result.requestsPerSecond / baseline });
  }

  printTable(
    `Part 1 — platform vs. bare Fastify (${env.kind}, ${options.concurrency} concurrent keep-alive connections, ${options.seconds} s per row)`,
    ['Route', 'Target', 'req/s', 'median ms', 'p95 ms', 'errors', 'vs. baseline'],
    rows.map((row) => [
      row.name,
      row.target,
      formatNumber(row.result.requestsPerSecond),
      formatMs(row.result.medianMs),
      formatMs(row.result.p95Ms),
      formatNumber(row.result.errors),
      formatPercent(row.ratio),
    ]),
  );
  return rows;
}
