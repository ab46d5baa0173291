/**
 * Part 2 — the speed goals of issue 3 on a city with N reports (1,000,000 by default):
 *   (a) the map query for a district-sized box, through the product's own findReportClusters (and the
 *       list beside the map, findReports with the same box): median under 20 ms;
 *   (b) public statistics (per status, category, district; median time to fix): under 500 ms;
 *   (c) Open311 intake, POST /open311/v2/requests.json with an API key, at 60 % or more of a bare
 *       Fastify route doing one raw INSERT into the same table, measured in the same run.
 * When a goal is missed the plan of the query (EXPLAIN ANALYZE) is printed to say why.
 */
import { MapProjection } from '../src/modules/reports/pages/map.ts';
import { findReportClusters, findReports, type BoundingBox } from '../src/modules/reports/reports.repository.ts';
import { formatMs, formatNumber, printTable, progress, timeRepeated, type BenchOptions, type Timing } from './lib.ts';
import { benchIntake } from './intake.bench.ts';
import { checkTiles, explainLast, explainSql, findDistrictBoxes, findPublicStatistics, findPublicStatisticsSeparately, loadReports, settle } from './reports-data.ts';
import type { BenchEnvironment } from './setup.ts';

const MAP_GOAL_MS = 20;
const STATISTICS_GOAL_MS = 500;

/** Loads the reports, then measures (a), (b) and (c) and prints one table with the goals. */
export async function benchReports(env: BenchEnvironment, options: BenchOptions): Promise<void> {
  const { db } = env.platform.ctx;
  const city = env.city;
  progress(`loading ${options.reports.toLocaleString('en-GB')} reports`);
  const { seconds: loadSeconds } = await loadReports(db, city.id, options.reports);
  progress('vacuum analyze reports_report');
  await settle(db);
  const tiles = await checkTiles(db);
  if (tiles.mismatched > 0) progress(`warning: ${tiles.mismatched} of ${tiles.checked} loaded reports have tile numbers that differ from tiles.ts`);
  const total = Number((await db.selectFrom('reports_report').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const runs = options.quick ? 20 : 60;

  // (a) the map of one district, as the reports page draws it: the box of the district, at the zoom
  // MapProjection gives that box; every district in turn, so no single cell of the cache is favoured.
  const districts = await findDistrictBoxes(db, city.id);
  const boxes: BoundingBox[] = districts.map((d) => ({ minLat: d.minLat, minLng: d.minLng, maxLat: d.maxLat, maxLng: d.maxLng }));
  const cycle = <T>(items: T[]): (() => T) => {
    let next = 0;
    return () => items[next++ % items.length] as T;
  };
  const clusterBox = cycle(boxes);
  const clusterAll = await timeRepeated(() => {
    const box = clusterBox();
    return findReportClusters(db, city.id, box, new MapProjection(box).zoom());
  }, runs);
  const openBox = cycle(boxes);
  const clusterOpen = await timeRepeated(() => {
    const box = openBox();
    return findReportClusters(db, city.id, box, new MapProjection(box).zoom(), { isOpen: true });
  }, runs);
  const listBox = cycle(boxes);
  const list = await timeRepeated(() => findReports(db, city.id, { limit: 21, order: 'newest', bbox: listBox() }), runs);
  const firstBox = boxes[0] as BoundingBox;
  const inBox = (await findReportClusters(db, city.id, firstBox, new MapProjection(firstBox).zoom())).reduce((sum, cluster) => sum + cluster.count, 0);

  // (b) public statistics (written in the bench: the product has none yet)
  const statistics = await timeRepeated(() => findPublicStatistics(db, city.id), options.quick ? 5 : 10, 1);
  const statisticsSeparate = await timeRepeated(() => findPublicStatisticsSeparately(db, city.id), options.quick ? 5 : 10, 1);
  const figures = await findPublicStatistics(db, city.id);

  const goal = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  printTable(
    `Part 2 — reports (${env.kind}, ${formatNumber(total)} reports, loaded in ${loadSeconds.toFixed(0)} s; a district box holds ${formatNumber(inBox)})`,
    ['Measure', 'Product function / route', 'runs', 'median ms', 'p95 ms', 'goal', 'result'],
    [
      row('(a) map of a district, all reports', 'findReportClusters(box, zoom)', clusterAll, `< ${MAP_GOAL_MS} ms`, goal(clusterAll.medianMs < MAP_GOAL_MS)),
      row('(a) map of a district, open reports', 'findReportClusters(…, {isOpen})', clusterOpen, `< ${MAP_GOAL_MS} ms`, goal(clusterOpen.medianMs < MAP_GOAL_MS)),
      row('(a) list beside the map, 21 newest', 'findReports({bbox, limit: 21})', list, `< ${MAP_GOAL_MS} ms`, goal(list.medianMs < MAP_GOAL_MS)),
      row('(b) statistics, one scan + median', 'bench: findPublicStatistics', statistics, `< ${STATISTICS_GOAL_MS} ms`, goal(statistics.medianMs < STATISTICS_GOAL_MS)),
      row('(b) statistics, four queries', 'bench: …Separately', statisticsSeparate, `< ${STATISTICS_GOAL_MS} ms`, goal(statisticsSeparate.medianMs < STATISTICS_GOAL_MS)),
    ],
  );
  console.log(
    `\nStatistics figures: ${figures.byStatus.map((s) => `${String(s.key)} ${formatNumber(s.count)}`).join(', ')}; ` +
      `${figures.byCategory.length} categories, ${figures.byDistrict.length} districts; median time to fix ${figures.medianHoursToFix?.toFixed(1) ?? '–'} h.`,
  );

  // (c) Open311 intake against one raw INSERT, same bodies, same run (prints its own tables)
  await benchIntake(env, options);

  // Why, when a goal is missed: the plan of the exact query the product sends.
  const box = boxes[0] as BoundingBox;
  if (clusterAll.medianMs >= MAP_GOAL_MS || clusterOpen.medianMs >= MAP_GOAL_MS) {
    console.log(`\nEXPLAIN ANALYZE — findReportClusters, district ${districts[0]?.code ?? ''}, all reports:\n`);
    console.log(await explainLast(db, (recording) => findReportClusters(recording, city.id, box, new MapProjection(box).zoom())));
    console.log(`\nEXPLAIN ANALYZE — findReportClusters, open reports only:\n`);
    console.log(await explainLast(db, (recording) => findReportClusters(recording, city.id, box, new MapProjection(box).zoom(), { isOpen: true })));
  }
  if (list.medianMs >= MAP_GOAL_MS) {
    console.log(`\nEXPLAIN ANALYZE — findReports with a district box:\n`);
    console.log(await explainLast(db, (recording) => findReports(recording, city.id, { limit: 21, order: 'newest', bbox: box })));
  }
  if (statistics.medianMs >= STATISTICS_GOAL_MS) {
    console.log(`\nEXPLAIN ANALYZE — statistics, grouping sets:\n`);
    console.log(
      await explainSql(db, 'select status, category_id, district_id, count(*) from reports_report where organisation_id = $1 and hidden_at is null group by grouping sets ((status), (category_id), (district_id))', [city.id]),
    );
    console.log(`\nEXPLAIN ANALYZE — statistics, median time to fix:\n`);
    console.log(
      await explainSql(db, "select percentile_cont(0.5) within group (order by closed_at - created_at) from reports_report where organisation_id = $1 and hidden_at is null and status = 'fixed'", [city.id]),
    );
  }
}

function row(name: string, target: string, timing: Timing, goal: string, result: string): string[] {
  return [name, target, formatNumber(timing.runs), formatMs(timing.medianMs), formatMs(timing.p95Ms), goal, result];
}
