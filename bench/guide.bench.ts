/**
 * The city guide's "near me" among 100,000 places (issue 20) — `--only=guide`. Goal: under 20 ms on both
 * databases.
 *
 * Places are written in bulk with SQL, spread over a square of about 40 km around the city's centre; the
 * nearest five are then asked for at random positions, through `GET /guide/near.json` (what the page's
 * script asks at each position fix) and as the statement alone (`findNearestPlaces`: the GiST index on
 * `ll_to_earth(lat, lng)` ordered by cube's `<->`). Baselines in the same run: the bare Fastify server's
 * `GET /ok`, the same request at the demo's size (22 places) before the load, and the nearest five found
 * without the index (a sequential scan ordering every place by its distance).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { refreshStatistics } from '../src/platform/db/statistics.ts';
import { findNearestPlaces } from '../src/modules/guide/places.repository.ts';
import { formatMs, formatNumber, printTable, progress, timeRepeated, type BenchOptions } from './lib.ts';
import type { BenchEnvironment } from './setup.ts';

const GOAL_MS = 20;
const PLACES = 100_000;

export async function benchGuide(env: BenchEnvironment, options: BenchOptions): Promise<void> {
  const db = env.platform.ctx.db;
  const center = env.city.map;
  const runs = options.quick ? 30 : 200;
  // a fixed sequence of positions, so that both databases are asked the same
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const position = () => ({ lat: center.lat + (random() - 0.5) * 0.36, lng: center.lng + (random() - 0.5) * 0.5 });
  const near = async (): Promise<void> => {
    const { lat, lng } = position();
    const url = `${env.url}/guide/near.json?lat=${lat.toFixed(6)}&lng=${lng.toFixed(6)}`;
    // a keep-alive connection the server closed while the places were loading is reset once: ask again
    const response = await fetch(url).catch(() => fetch(url));
    if (response.status !== 200) throw new Error(`GET /guide/near.json answered ${response.status}`);
    await response.arrayBuffer();
  };
  const rows: string[][] = [];
  const bareOk = await timeRepeated(async () => (await fetch(`${env.bareUrl}/ok`)).arrayBuffer(), runs);
  rows.push(['bare Fastify GET /ok', 'baseline', formatMs(bareOk.medianMs), formatMs(bareOk.p95Ms), '']);
  const demoCount = await sql<{
    n: number;
  }>`select count(*)::int as n from guide_place where organisation_id = ${env.city.id}`.execute(db);
  const demo = await timeRepeated(near, runs);
  rows.push([
    'GET /guide/near.json, demo size',
    `${formatNumber(demoCount.rows[0]?.n ?? 0)} places (baseline)`,
    formatMs(demo.medianMs),
    formatMs(demo.p95Ms),
    '',
  ]);

  const started = performance.now();
  await sql`
    insert into guide_place (organisation_id, code, name, categories, lat, lng)
    select ${env.city.id}::int, 'B' || upper(lpad(to_hex(i), 7, '0')),
      jsonb_build_object('en', 'Bench place ' || i),
      array['bench'],
      ${center.lat}::float8 + (random() - 0.5) * 0.36,
      ${center.lng}::float8 + (random() - 0.5) * 0.5
    from generate_series(1, ${PLACES}::int) as i`.execute(db);
  progress(`${formatNumber(PLACES)} places loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (env.kind === 'pglite') await refreshStatistics(db);
  else await sql`analyze guide_place`.execute(db);
  const total = (await sql<{ n: number }>`select count(*)::int as n from guide_place`.execute(db)).rows[0]?.n ?? 0;
  const size = `${formatNumber(total)} places`;

  const scan = await timeRepeated(
    async () => {
      const { lat, lng } = position();
      await sql`select id from guide_place where organisation_id = ${env.city.id}
      order by earth_distance(ll_to_earth(lat, lng), ll_to_earth(${lat}::float8, ${lng}::float8)) limit 5`.execute(db);
    },
    Math.min(runs, 20),
  );
  rows.push([
    'nearest 5 without the index (sequential scan)',
    `${size} (baseline)`,
    formatMs(scan.medianMs),
    formatMs(scan.p95Ms),
    '',
  ]);
  const statement = await timeRepeated(async () => {
    const { lat, lng } = position();
    await findNearestPlaces(db, env.city.id, lat, lng, 5);
  }, runs);
  rows.push([
    'nearest 5: the statement alone (GiST, <->)',
    size,
    formatMs(statement.medianMs),
    formatMs(statement.p95Ms),
    statement.p95Ms < GOAL_MS ? 'yes' : 'NO',
  ]);
  const http = await timeRepeated(near, runs);
  rows.push([
    'GET /guide/near.json (nearest 5)',
    size,
    formatMs(http.medianMs),
    formatMs(http.p95Ms),
    http.p95Ms < GOAL_MS ? 'yes' : 'NO',
  ]);
  printTable(
    `Guide: near me among ${formatNumber(PLACES)} places (${env.kind}, ${runs} runs each, random positions)`,
    ['what', 'size', 'p50 ms', 'p95 ms', `p95 < ${GOAL_MS} ms`],
    rows,
  );
  await sql`delete from guide_place where organisation_id = ${env.city.id} and code like 'B%' and 'bench' = any(categories)`.execute(
    db,
  );
}
