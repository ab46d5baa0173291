/**
 * Part 2 — the speed goals of issue 3 on a city with N reports (1,000,000 by default):
 *   (a) the map query for a district-sized box, through the product's own findReportClusters (and the
 *       list beside the map, findReports with the same box): median under 20 ms;
 *   (b) public statistics (per status, category, district; median time to fix), through the product's
 *       findPublicStatistics: under 500 ms;
 *   (c) Open311 intake, POST /open311/v2/requests.json with an API key, at 60 % or more of a bare
 *       Fastify route doing one raw INSERT into the same table, measured in the same run.
 * When a goal is missed the plan of the query (EXPLAIN ANALYZE) is printed to say why.
 */
import { MapProjection } from '../src/platform/web/svg-map.ts';
import { findReportClusters, findReportClustersFromRows } from '../src/modules/reports/reports-map.repository.ts';
import { findReports } from '../src/modules/reports/reports-list.repository.ts';
import type { BoundingBox } from '../src/modules/reports/tiles.ts';
import { findPublicStatistics } from '../src/modules/reports/index.ts';
import { formatMs, formatNumber, printTable, progress, timeRepeated, type BenchOptions, type Timing } from './lib.ts';
import { benchIntake } from './intake.bench.ts';
import {
  checkTiles,
  explainLast,
  findDistrictBoxes,
  foldLoadedChanges,
  loadReports,
  scanPublicStatistics,
  settle,
} from './reports-data.ts';
import type { BenchEnvironment } from './setup.ts';

const MAP_GOAL_MS = 20;
const STATISTICS_GOAL_MS = 500;

/** Loads the reports, then measures (a), (b) and (c) and prints one table with the goals. */
export async function benchReports(env: BenchEnvironment, options: BenchOptions): Promise<void> {
  const { db } = env.platform.ctx;
  const city = env.city;
  progress(`loading ${options.reports.toLocaleString('en-GB')} reports`);
  const { seconds: loadSeconds } = await loadReports(db, city.id, options.reports);
  progress('folding the queued changes into the map and statistics counters');
  const fold = await foldLoadedChanges(db);
  progress('vacuum analyze reports_report and the counters');
  await settle(db);
  const tiles = await checkTiles(db);
  if (tiles.mismatched > 0)
    progress(
      `warning: ${tiles.mismatched} of ${tiles.checked} loaded reports have tile numbers that differ from tiles.ts`,
    );
  const total = Number(
    (
      await db
        .selectFrom('reports_report')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const runs = options.quick ? 20 : 60;
  const slowRuns = options.quick ? 5 : 10;

  // (a) the map of one district, as the reports page draws it: the box of the district, at the zoom
  // MapProjection gives that box; every district in turn, so no single cell of the cache is favoured.
  const districts = await findDistrictBoxes(db, city.id);
  const boxes: BoundingBox[] = districts.map((d) => ({
    minLat: d.minLat,
    minLng: d.minLng,
    maxLat: d.maxLat,
    maxLng: d.maxLng,
  }));
  const cycle = <T>(items: T[]): (() => T) => {
    let next = 0;
    return () => items[next++ % items.length] as T;
  };
  const clusters = (filters: Parameters<typeof findReportClusters>[4], count: number, rows = false) => {
    const box = cycle(boxes);
    return timeRepeated(() => {
      const b = box();
      return (rows ? findReportClustersFromRows : findReportClusters)(
        db,
        city.id,
        b,
        new MapProjection(b).zoom(),
        filters,
      );
    }, count);
  };
  const clusterAll = await clusters({}, runs);
  const clusterOpen = await clusters({ isOpen: true }, runs);
  const categoryId = (
    await db
      .selectFrom('reports_category')
      .select('id')
      .where('organisation_id', '=', city.id)
      .orderBy('id')
      .executeTakeFirstOrThrow()
  ).id;
  const clusterCategory = await clusters({ categoryIds: [categoryId], isOpen: true }, runs);
  const clusterRows = await clusters({}, slowRuns, true);
  const clusterRecent = await clusters({ createdFrom: new Date(Date.now() - 90 * 86_400_000) }, slowRuns);
  const clusterStatus = await clusters({ statuses: ['in_progress'] }, slowRuns);
  const wholeCity: BoundingBox = {
    minLat: Math.min(...boxes.map((b) => b.minLat)),
    minLng: Math.min(...boxes.map((b) => b.minLng)),
    maxLat: Math.max(...boxes.map((b) => b.maxLat)),
    maxLng: Math.max(...boxes.map((b) => b.maxLng)),
  };
  const clusterCity = await timeRepeated(
    () => findReportClusters(db, city.id, wholeCity, new MapProjection(wholeCity).zoom()),
    runs,
  );
  const listBox = cycle(boxes);
  const list = await timeRepeated(
    () => findReports(db, city.id, { limit: 21, order: 'newest', bbox: listBox() }),
    runs,
  );
  const firstBox = boxes[0] as BoundingBox;
  const inBox = (await findReportClusters(db, city.id, firstBox, new MapProjection(firstBox).zoom())).reduce(
    (sum, cluster) => sum + cluster.count,
    0,
  );

  // (b) public statistics: the product's function (counters + histogram + one short index scan), and
  // for comparison the per-request scan that was measured before the counters existed
  const statistics = await timeRepeated(() => findPublicStatistics(db, city.id), runs);
  const statisticsScan = await timeRepeated(() => scanPublicStatistics(db, city.id), slowRuns, 1);
  const figures = await findPublicStatistics(db, city.id);
  const scanned = await scanPublicStatistics(db, city.id);

  const goal = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  printTable(
    `Part 2 — reports (${env.kind}, ${formatNumber(total)} reports, loaded in ${loadSeconds.toFixed(0)} s, ${formatNumber(fold.folded)} changes folded in ${fold.seconds.toFixed(1)} s; a district box holds ${formatNumber(inBox)})`,
    ['Measure', 'Product function / route', 'runs', 'median ms', 'p95 ms', 'goal', 'result'],
    [
      row(
        '(a) map of a district, all reports',
        'findReportClusters(box, zoom)',
        clusterAll,
        `< ${MAP_GOAL_MS} ms`,
        goal(clusterAll.medianMs < MAP_GOAL_MS),
      ),
      row(
        '(a) map of a district, open reports',
        'findReportClusters(…, {isOpen})',
        clusterOpen,
        `< ${MAP_GOAL_MS} ms`,
        goal(clusterOpen.medianMs < MAP_GOAL_MS),
      ),
      row(
        '(a) map of a district, one category, open',
        'findReportClusters(…, {categoryIds, isOpen})',
        clusterCategory,
        `< ${MAP_GOAL_MS} ms`,
        goal(clusterCategory.medianMs < MAP_GOAL_MS),
      ),
      row(
        '(a) map of the whole city, all reports',
        'findReportClusters(city box)',
        clusterCity,
        `< ${MAP_GOAL_MS} ms`,
        goal(clusterCity.medianMs < MAP_GOAL_MS),
      ),
      row(
        '(a) list beside the map, 21 newest',
        'findReports({bbox, limit: 21})',
        list,
        `< ${MAP_GOAL_MS} ms`,
        goal(list.medianMs < MAP_GOAL_MS),
      ),
      row(
        '    map of a district, last 90 days (reads reports)',
        'findReportClusters(…, {createdFrom})',
        clusterRecent,
        '–',
        '',
      ),
      row(
        '    map of a district, one status (reads reports)',
        'findReportClusters(…, {statuses})',
        clusterStatus,
        '–',
        '',
      ),
      row('    map of a district from reports (before)', 'findReportClustersFromRows', clusterRows, '–', ''),
      row(
        '(b) statistics: counts + exact median',
        'findPublicStatistics',
        statistics,
        `< ${STATISTICS_GOAL_MS} ms`,
        goal(statistics.medianMs < STATISTICS_GOAL_MS),
      ),
      row('    statistics by scanning reports (before)', 'bench: scanPublicStatistics', statisticsScan, '–', ''),
    ],
  );
  const statusCounts = figures.byStatus.map((s) => `${s.status} ${formatNumber(s.count)}`).join(', ');
  const scannedCounts = scanned.byStatus.map((s) => `${String(s.key)} ${formatNumber(s.count)}`).join(', ');
  console.log(
    `\nStatistics figures: ${statusCounts}; ${figures.byCategory.length} categories, ${figures.byDistrict.length} districts; ` +
      `median time to fix ${figures.medianHoursToFix?.toFixed(3) ?? '–'} h over ${formatNumber(figures.fixedCount)} fixed reports ` +
      `(scan: ${scanned.medianHoursToFix?.toFixed(3) ?? '–'} h; ${scannedCounts}).`,
  );
  if (
    figures.medianHoursToFix === null ||
    scanned.medianHoursToFix === null ||
    Math.abs(figures.medianHoursToFix - scanned.medianHoursToFix) > 1e-6
  )
    progress('warning: the median from the counters differs from the scan');

  // (c) Open311 intake against one raw INSERT, same bodies, same run (prints its own tables)
  await benchIntake(env, options);

  // Why, when a goal is missed: the plan of the exact query the product sends.
  const box = boxes[0] as BoundingBox;
  if (clusterAll.medianMs >= MAP_GOAL_MS || clusterOpen.medianMs >= MAP_GOAL_MS) {
    console.log(`\nEXPLAIN ANALYZE — findReportClusters, district ${districts[0]?.code ?? ''}, all reports:\n`);
    console.log(
      await explainLast(db, (recording) => findReportClusters(recording, city.id, box, new MapProjection(box).zoom())),
    );
  }
  if (list.medianMs >= MAP_GOAL_MS) {
    console.log(`\nEXPLAIN ANALYZE — findReports with a district box:\n`);
    console.log(
      await explainLast(db, (recording) => findReports(recording, city.id, { limit: 21, order: 'newest', bbox: box })),
    );
  }
  if (statistics.medianMs >= STATISTICS_GOAL_MS) {
    console.log(`\nEXPLAIN ANALYZE — findPublicStatistics, its last query (the median's index scan):\n`);
    console.log(await explainLast(db, (recording) => findPublicStatistics(recording, city.id)));
  }
}

function row(name: string, target: string, timing: Timing, goal: string, result: string): string[] {
  return [name, target, formatNumber(timing.runs), formatMs(timing.medianMs), formatMs(timing.p95Ms), goal, result];
}
