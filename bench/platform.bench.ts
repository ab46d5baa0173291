/**
 * Part 1 — the platform against a bare Fastify server in the same process: requests per second, median
 * and p95 latency for the cheapest route, the health check, a JSON API, every public page a spike of
 * visitors reaches (issue 17: home, reports list and map, a report, processes, a proposal, budgets, news,
 * districts), a feed, the sign-in page, and the database floor (`select 1` and one raw insert through
 * Kysely behind the bare server). Each page is also fetched once as a browser would (Accept-Encoding:
 * br, gzip) to print what it weighs on the wire, and the home page is revalidated (If-None-Match) when
 * it carries an ETag.
 */
import http from 'node:http';
import { formatMs, formatNumber, formatPercent, printTable, progress, type BenchOptions } from './lib.ts';
import { runLoad, type LoadRequest, type LoadResult } from './load.ts';
import type { BenchEnvironment } from './setup.ts';

export interface PlatformRow {
  name: string;
  target: string;
  result: LoadResult;
  /** Requests per second relative to the bare `{ok:true}` route. */
  ratio: number;
  /** Bytes on the wire with Accept-Encoding: br, gzip (pages only). */
  transferred?: number;
}

interface Round {
  name: string;
  target: string;
  request: LoadRequest;
  /** A public page: its compressed size is printed. */
  page?: boolean;
}

/** The first link matching `pattern` on the page at `path` (an id the demo city seeded), or undefined. */
async function firstLink(env: BenchEnvironment, path: string, pattern: RegExp): Promise<string | undefined> {
  const response = await fetch(`${env.url}${path}`);
  const body = await response.text();
  return pattern.exec(body)?.[0];
}

/** Bytes of the answer's body as a browser receives it (compressed when the server compresses), and its ETag. */
function transferredBytes(url: string): Promise<{ bytes: number; etag: string | null; cookie: string | null }> {
  return new Promise((resolve, reject) => {
    // node:http does not decode the body: what is counted is what travelled
    http
      .get(url, { headers: { 'accept-encoding': 'br, gzip' } }, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () => {
          const etag = response.headers.etag;
          const cookie = response.headers['set-cookie']?.[0]?.split(';')[0] ?? null;
          resolve({ bytes, etag: typeof etag === 'string' ? etag : null, cookie });
        });
      })
      .on('error', reject);
  });
}

/** Runs every round one after another (never two at once: they would share the two cores). */
export async function benchPlatform(env: BenchEnvironment, options: BenchOptions): Promise<PlatformRow[]> {
  const load = { concurrency: options.concurrency, seconds: options.seconds, warmupSeconds: options.quick ? 0.5 : 2 };
  const report = (await firstLink(env, '/reports', /\/reports\/\d+(?=")/)) ?? '/reports/1';
  const proposal = (await firstLink(env, '/proposals', /\/proposals\/\d+(?=")/)) ?? '/proposals/1';
  const page = (name: string, path: string): Round => ({
    name,
    target: `GET ${path}`,
    request: { url: `${env.url}${path}` },
    page: true,
  });
  const rounds: Round[] = [
    { name: 'bare Fastify {ok:true} (baseline)', target: 'bare GET /ok', request: { url: `${env.bareUrl}/ok` } },
    { name: 'health check', target: 'GET /health', request: { url: `${env.url}/health` } },
    { name: 'districts API (JSON)', target: 'GET /api/v1/districts', request: { url: `${env.url}/api/v1/districts` } },
    page('home page (HTML)', '/'),
    page('reports list and map', '/reports'),
    page('a report', report),
    page('processes', '/processes'),
    page('a proposal', proposal),
    page('budgets', '/budgets'),
    page('news', '/news'),
    page('districts', '/districts'),
    page('reports feed (Atom)', '/reports/feed.atom'),
    page('sign-in page (HTML)', '/sign-in'),
  ];
  // a returning visitor: their anonymous cookie, and the tag of the page they have
  const { etag, cookie } = await transferredBytes(`${env.url}/`);
  if (etag && cookie)
    rounds.push({
      name: 'home page revalidated (304)',
      target: 'GET / If-None-Match',
      request: { url: `${env.url}/`, headers: { 'if-none-match': etag, cookie }, expect: [304] },
    });
  rounds.push(
    { name: 'database floor: select 1', target: 'bare GET /db/select', request: { url: `${env.bareUrl}/db/select` } },
    {
      name: 'database floor: one insert',
      target: 'bare POST /db/insert',
      request: { url: `${env.bareUrl}/db/insert`, method: 'POST' },
    },
  );

  const rows: PlatformRow[] = [];
  let baseline: number | undefined;
  for (const round of rounds) {
    progress(`load: ${round.target} (${options.concurrency} in flight, ${options.seconds} s)`);
    const result = await runLoad(round.request, load);
    if (result.errors > 0)
      progress(`  ${result.errors} of ${result.requests} failed, first: ${result.firstError ?? ''}`);
    baseline ??= result.requestsPerSecond;
    const transferred = round.page ? (await transferredBytes(round.request.url)).bytes : undefined;
    rows.push({
      ...round,
      result,
      ratio: result.requestsPerSecond / baseline,
      ...(transferred ? { transferred } : {}),
    });
  }

  printTable(
    `Part 1 — platform vs. bare Fastify (${env.kind}, ${options.concurrency} concurrent keep-alive connections, ${options.seconds} s per row)`,
    ['Route', 'Target', 'req/s', 'median ms', 'p95 ms', 'errors', 'vs. baseline', 'KB sent'],
    rows.map((row) => [
      row.name,
      row.target,
      formatNumber(row.result.requestsPerSecond),
      formatMs(row.result.medianMs),
      formatMs(row.result.p95Ms),
      formatNumber(row.result.errors),
      formatPercent(row.ratio),
      row.transferred === undefined ? '' : formatNumber(row.transferred / 1024, 1),
    ]),
  );
  return rows;
}
