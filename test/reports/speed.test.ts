import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createApiKey } from '../../src/platform/auth/api-keys.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import {
  addResidentUpdate,
  changeReportStatus,
  findPublicStatistics,
  mergeDuplicate,
  rerouteReport,
  setReportHidden,
  submitReport,
} from '../../src/modules/reports/index.ts';
import {
  findReportClustersFromCells,
  findReportClustersFromRows,
  type ClusterFilters,
  type ReportCluster,
} from '../../src/modules/reports/reports-map.repository.ts';
import { foldReportChanges } from '../../src/modules/reports/statistics.repository.ts';
import type { BoundingBox } from '../../src/modules/reports/tiles.ts';
import { OPEN_STATUSES } from '../../src/modules/reports/reports.schema.ts';
import {
  argumentType,
  findIntakeVersion,
  storeReport,
  SUBMIT_ARGUMENTS,
  type SubmitArguments,
} from '../../src/modules/reports/intake.repository.ts';
import { buildUser } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let city: Organisation;
let roadsOfficer: Viewer;
let moderator: Viewer;
let admin: Viewer;
let resident: Viewer;
let apiKey: string;

async function viewerFor(email: string): Promise<Viewer> {
  const user = await server.ctx.db
    .selectFrom('core_user')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  const viewer = await findViewer(server.ctx.db, city.id, user.id);
  assert.ok(viewer);
  return viewer;
}

function open311(fields: Record<string, string>, key = apiKey): Promise<Response> {
  return fetch(`${server.url}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: key, ...fields }).toString(),
  });
}

async function intake(lat: number, lng: number, code = 'graffiti'): Promise<number> {
  const response = await open311({
    service_code: code,
    lat: String(lat),
    long: String(lng),
    description: 'Speed test report',
  });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as Array<{ service_request_id: number }>)[0]?.service_request_id ?? 0;
}

async function pothole(): Promise<number> {
  const outcome = await submitReport(server.ctx, city, {
    categoryCode: 'pothole',
    lat: 44.105,
    lng: 9.8,
    description: 'A hole',
    answers: { location_type: 'street' },
    source: 'web',
    authorId: resident.id,
  });
  assert.ok('ok' in outcome);
  return outcome.id;
}

const LEVELS = [2, 3, 4, 5, 6, 7, 8];

/** Map counters (stored + pending) as `level:cy:cx:category:district:open → n/sumId`, and the same counted from the reports. */
async function mapCounters(): Promise<{ counted: Map<string, string>; direct: Map<string, string> }> {
  const counted = await sql<{ k: string; n: string; s: string }>`
    select concat_ws(':', level, cy, cx, category_id, district_key, is_open) as k, sum(n) as n, sum(sum_id) as s from (
      select level, cy, cx, category_id, district_key, is_open, n, sum_id from reports_map_cell where organisation_id = ${city.id}
      union all
      select l, cy >> (l - 2), cx >> (l - 2), category_id, coalesce(district_id, 0), is_open, n, n * report_id from reports_change, generate_series(2, 8) as l where organisation_id = ${city.id}
    ) as c group by 1 having sum(n) <> 0`.execute(server.ctx.db);
  const direct = await sql<{ k: string; n: string; s: string }>`
    select concat_ws(':', l, tile_y >> l, tile_x >> l, category_id, coalesce(district_id, 0), is_open) as k, count(*) as n, sum(id) as s
    from reports_report, unnest(${sql.val(LEVELS)}::int[]) as l where organisation_id = ${city.id} and hidden_at is null group by 1`.execute(
    server.ctx.db,
  );
  const toMap = (rows: Array<{ k: string; n: string; s: string }>) =>
    new Map(rows.map((row) => [row.k, `${row.n}/${row.s}`]));
  return { counted: toMap(counted.rows), direct: toMap(direct.rows) };
}

/** Statistics as findPublicStatistics gives them, and the same computed from the reports with percentile_cont. */
async function statistics() {
  const counted = await findPublicStatistics(server.ctx.db, city.id);
  const db = server.ctx.db;
  const group = async (column: 'status' | 'category_id' | 'district_id') =>
    (
      await sql<{
        key: string | number | null;
        n: string;
      }>`select ${sql.ref(column)} as key, count(*) as n from reports_report where organisation_id = ${city.id} and hidden_at is null group by 1 order by 1`.execute(
        db,
      )
    ).rows.map((row) => [row.key, Number(row.n)]);
  const median = await sql<{ hours: number | null; n: string }>`
    select percentile_cont(0.5) within group (order by extract(epoch from closed_at - created_at)) / 3600 as hours, count(*) as n
    from reports_report where organisation_id = ${city.id} and hidden_at is null and status = 'fixed' and closed_at is not null`.execute(
    db,
  );
  return {
    counted: {
      byStatus: counted.byStatus.map((row) => [row.status, row.count]).sort(),
      byCategory: counted.byCategory.map((row) => [row.categoryId, row.count]),
      byDistrict: counted.byDistrict.map((row) => [row.districtId, row.count]),
      fixed: counted.fixedCount,
      median: counted.medianHoursToFix,
    },
    direct: {
      byStatus: (await group('status')).sort(),
      byCategory: await group('category_id'),
      byDistrict: (await group('district_id')).sort((a, b) =>
        a[0] === null ? -1 : b[0] === null ? 1 : Number(a[0]) - Number(b[0]),
      ),
      fixed: Number(median.rows[0]?.n ?? 0),
      median: median.rows[0]?.hours ?? null,
    },
  };
}

/** Asserts that map counters and statistics equal what the reports say, before and after folding the pending changes. */
async function assertCountersExact(when: string): Promise<void> {
  for (const phase of ['pending', 'folded']) {
    if (phase === 'folded') await foldReportChanges(server.ctx.db);
    const cells = await mapCounters();
    assert.ok(cells.direct.size > 100, 'there are reports to count');
    assert.deepEqual(cells.counted, cells.direct, `map counters ${when} (${phase})`);
    const figures = await statistics();
    const { median: countedMedian, ...counted } = figures.counted;
    const { median: directMedian, ...direct } = figures.direct;
    assert.deepEqual(counted, direct, `statistics ${when} (${phase})`);
    assert.ok(
      directMedian !== null && countedMedian !== null && Math.abs(countedMedian - directMedian) < 1e-9,
      `median ${when} (${phase}): ${countedMedian} vs ${directMedian}`,
    );
  }
  assert.equal(
    Number((await sql<{ n: string }>`select count(*) as n from reports_change`.execute(server.ctx.db)).rows[0]?.n),
    0,
    'folding empties the change table',
  );
}

function sortClusters(clusters: ReportCluster[]): ReportCluster[] {
  return [...clusters].sort((a, b) => a.bbox.minLng - b.bbox.minLng || b.bbox.maxLat - a.bbox.maxLat);
}

before(async () => {
  server = await startTestServer({
    demo: true,
    adjust: (config) => (config.rateLimits.publicWrite = { limit: 1000, windowSeconds: 60 }),
  });
  city = (await server.organisations.findAll())[0] as Organisation;
  roadsOfficer = await viewerFor('roads@valmora.example');
  moderator = await viewerFor('moderator@valmora.example');
  admin = await viewerFor('admin@valmora.example');
  const user = await buildUser(server);
  resident = (await findViewer(server.ctx.db, city.id, user.id)) as Viewer;
  apiKey = (await createApiKey(server.ctx.db, city.id, 'speed test', null, ['open311'])).key;
});
after(() => server.close());

describe('map and statistics counters stay exact through every write path', () => {
  test('the counters equal the demo reports after the migration filled them', async () => {
    await assertCountersExact('after the demo');
  });

  test('intake, status changes, reopening, hiding, merging and re-routing keep them exact', async () => {
    const first = await intake(44.11, 9.79);
    const second = await intake(44.095, 9.85);
    const third = await pothole();
    const fourth = await pothole();
    await assertCountersExact('after intake');

    await changeReportStatus(server.ctx, roadsOfficer, third, { status: 'fixed', publicText: 'Filled.' });
    await changeReportStatus(server.ctx, admin, first, { status: 'in_progress' });
    await changeReportStatus(server.ctx, admin, first, { status: 'fixed' });
    await assertCountersExact('after open → closed');

    await addResidentUpdate(server.ctx, resident, third, { text: 'Still a hole', stillThere: true });
    await setReportHidden(server.ctx, moderator, second, true, 'Personal data');
    await assertCountersExact('after reopening and hiding');

    await setReportHidden(server.ctx, moderator, second, false, '');
    await mergeDuplicate(server.ctx, roadsOfficer, fourth, third);
    const graffiti = await server.ctx.db
      .selectFrom('reports_category')
      .select('id')
      .where('code', '=', 'graffiti')
      .executeTakeFirstOrThrow();
    await rerouteReport(server.ctx, roadsOfficer, third, {
      categoryId: graffiti.id,
      reason: 'It is paint, not a hole',
    });
    await assertCountersExact('after showing, merging and re-routing');

    // any other write counts too: a durations change in SQL, a moved report, a deleted one
    await sql`update reports_report set closed_at = created_at + interval '3 days 5 hours' where id = ${first}`.execute(
      server.ctx.db,
    );
    await sql`update reports_report set lat = 44.1, lng = 9.81, tile_x = tile_x + 9, tile_y = tile_y - 7 where id = ${second}`.execute(
      server.ctx.db,
    );
    await sql`delete from reports_update where report_id = ${fourth}`.execute(server.ctx.db);
    await sql`update reports_report set duplicate_of_id = null where id = ${fourth}`.execute(server.ctx.db);
    await sql`delete from reports_report where id = ${fourth}`.execute(server.ctx.db);
    await assertCountersExact('after direct SQL');
  });

  test('the median follows even and odd counts of fixed reports', async () => {
    for (let i = 0; i < 3; i++) {
      const id = await pothole();
      await changeReportStatus(server.ctx, roadsOfficer, id, { status: 'fixed' });
      await sql`update reports_report set closed_at = created_at + make_interval(hours => ${i * 37 + 1}, secs => ${i * 13.5}) where id = ${id}`.execute(
        server.ctx.db,
      );
      await assertCountersExact(`after fixed report ${i + 1}`);
    }
  });
});

describe('clusters from the map counters', () => {
  const filterSets: ClusterFilters[] = [{}, { isOpen: true }, { isOpen: false }, { statuses: [...OPEN_STATUSES] }];

  test('equal the clusters computed from the reports, at every zoom and filter the counters serve', async () => {
    const boxes: BoundingBox[] = [
      {
        minLat: city.map.lat - 0.03,
        maxLat: city.map.lat + 0.03,
        minLng: city.map.lng - 0.05,
        maxLng: city.map.lng + 0.05,
      },
      {
        minLat: city.map.lat - 0.004,
        maxLat: city.map.lat + 0.011,
        minLng: city.map.lng - 0.02,
        maxLng: city.map.lng + 0.004,
      },
    ];
    const category = await server.ctx.db
      .selectFrom('reports_category')
      .select('id')
      .where('code', '=', 'pothole')
      .executeTakeFirstOrThrow();
    const district = await server.ctx.db
      .selectFrom('places_district')
      .select('id')
      .where('code', '=', 'old-town')
      .executeTakeFirstOrThrow();
    const filters = [...filterSets, { categoryIds: [category.id] }, { districtId: district.id, isOpen: true }];
    await intake(44.1, 9.8); // one change pending, read from reports_change
    let compared = 0;
    for (const box of boxes) {
      for (const zoom of [9, 11, 12.6, 13, 14, 15, 16]) {
        for (const filter of filters) {
          const fromCells = sortClusters(await findReportClustersFromCells(server.ctx.db, city.id, box, zoom, filter));
          const fromRows = sortClusters(await findReportClustersFromRows(server.ctx.db, city.id, box, zoom, filter));
          const label = `zoom ${zoom}, ${JSON.stringify(filter)}`;
          assert.equal(fromCells.length, fromRows.length, label);
          fromCells.forEach((cell, index) => {
            const row = fromRows[index] as ReportCluster;
            assert.deepEqual({ ...cell, lat: 0, lng: 0 }, { ...row, lat: 0, lng: 0 }, label);
            assert.ok(Math.abs(cell.lat - row.lat) < 1e-9 && Math.abs(cell.lng - row.lng) < 1e-9, `${label}: centroid`);
          });
          compared += fromCells.length;
        }
      }
    }
    assert.ok(compared > 100, `clusters were compared (${compared})`);
  });

  test('a status list that contradicts isOpen matches nothing', async () => {
    const box = {
      minLat: city.map.lat - 0.03,
      maxLat: city.map.lat + 0.03,
      minLng: city.map.lng - 0.05,
      maxLng: city.map.lng + 0.05,
    };
    assert.deepEqual(
      await findReportClustersFromCells(server.ctx.db, city.id, box, 13, {
        statuses: [...OPEN_STATUSES],
        isOpen: false,
      }),
      [],
    );
    assert.deepEqual(
      await findReportClustersFromRows(server.ctx.db, city.id, box, 13, {
        statuses: [...OPEN_STATUSES],
        isOpen: false,
      }),
      [],
    );
  });
});

describe('Open311 intake in one statement', () => {
  test('a revoked key is refused at once although it was verified a moment ago, and nothing is stored', async () => {
    const key = await createApiKey(server.ctx.db, city.id, 'soon revoked', null, ['open311']);
    assert.equal(
      (await open311({ service_code: 'graffiti', lat: '44.1', long: '9.8', description: 'first' }, key.key)).status,
      201,
    );
    await server.ctx.db.updateTable('core_api_key').set({ revoked_at: new Date() }).where('id', '=', key.id).execute();
    const before = await server.ctx.db
      .selectFrom('reports_report')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const refused = await open311(
      { service_code: 'graffiti', lat: '44.1', long: '9.8', description: 'second' },
      key.key,
    );
    assert.equal(refused.status, 403);
    const after = await server.ctx.db
      .selectFrom('reports_report')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(after.n, before.n);
  });

  test('the rate limit counts valid and invalid requests and stores nothing beyond it', async () => {
    const limited = await startTestServer({
      demo: true,
      adjust: (config) => (config.rateLimits.publicWrite = { limit: 1, windowSeconds: 3600 }),
    });
    try {
      const organisation = (await limited.organisations.findAll())[0] as Organisation;
      const key = (await createApiKey(limited.ctx.db, organisation.id, 'limited', null, ['open311'])).key;
      const send = (fields: Record<string, string>) =>
        fetch(`${limited.url}/open311/v2/requests.json`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ api_key: key, ...fields }).toString(),
        });
      const count = async () =>
        Number(
          (
            await limited.ctx.db
              .selectFrom('reports_report')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .where('source', '=', 'open311')
              .executeTakeFirstOrThrow()
          ).n,
        );
      const stored = await count();
      const statuses: number[] = [];
      // the limit for Open311 is ten times the public write limit: 10 per window
      for (let i = 0; i < 4; i++)
        statuses.push((await send({ service_code: 'no-such-service', lat: '44.1', long: '9.8' })).status);
      for (let i = 0; i < 8; i++)
        statuses.push(
          (await send({ service_code: 'graffiti', lat: '44.1', long: '9.8', description: `n${i}` })).status,
        );
      assert.deepEqual(statuses, [404, 404, 404, 404, 201, 201, 201, 201, 201, 201, 429, 429]);
      assert.equal(await count(), stored + 6);
    } finally {
      await limited.close();
    }
  });

  test('a routing rule added in the database applies to the next report at once', async () => {
    const graffiti = await server.ctx.db
      .selectFrom('reports_category')
      .select(['id', 'default_department_id'])
      .where('code', '=', 'graffiti')
      .executeTakeFirstOrThrow();
    const parks = await server.ctx.db
      .selectFrom('core_department')
      .select('id')
      .where('slug', '=', 'parks')
      .executeTakeFirstOrThrow();
    const station = await server.ctx.db
      .selectFrom('places_district')
      .select('id')
      .where('code', '=', 'university')
      .executeTakeFirstOrThrow();
    assert.notEqual(graffiti.default_department_id, parks.id);
    const place = await server.ctx.db
      .selectFrom('places_district')
      .select(['min_lat', 'max_lat', 'min_lng', 'max_lng'])
      .where('id', '=', station.id)
      .executeTakeFirstOrThrow();
    const lat = (place.min_lat + place.max_lat) / 2;
    const lng = (place.min_lng + place.max_lng) / 2;
    const departmentOf = async (id: number) =>
      (
        await server.ctx.db
          .selectFrom('reports_report')
          .select('department_id')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).department_id;
    const beforeRule = await intake(lat, lng); // caches the configuration
    assert.notEqual(await departmentOf(beforeRule), parks.id);
    await server.ctx.db
      .insertInto('reports_routing_rule')
      .values({ organisation_id: city.id, category_id: graffiti.id, district_id: station.id, department_id: parks.id })
      .execute();
    assert.equal(await departmentOf(await intake(lat, lng)), parks.id);
  });
});

describe('the intake statement and the district version', () => {
  test('reports_submit declares exactly the arguments of the list the call is built from', async () => {
    const { rows } = await sql<{ args: string }>`
      select pg_get_function_identity_arguments(p.oid) as args from pg_proc p
      where p.proname = 'reports_submit' and p.pronamespace = current_schema()::regnamespace`.execute(server.ctx.db);
    assert.equal(rows.length, 1, 'one reports_submit, the earlier signature dropped');
    const declared = (rows[0]?.args ?? '')
      .split(', ')
      .filter((argument) => !argument.startsWith('OUT '))
      .sort();
    const listed = (Object.keys(SUBMIT_ARGUMENTS) as Array<keyof SubmitArguments>)
      .map((name) => `p_${name} ${argumentType(name).replace('timestamptz', 'timestamp with time zone')}`)
      .sort();
    assert.deepEqual(declared, listed);
  });

  test('the trigger on places_district is places’ own: it moves the city’s district number, not reports’', async () => {
    const { rows } = await sql<{ name: string }>`
      select tgname as name from pg_trigger
      where tgrelid = 'places_district'::regclass and not tgisinternal order by 1`.execute(server.ctx.db);
    assert.deepEqual(
      rows.map((row) => row.name),
      ['places_district_version', 'places_district_version_truncate'],
    );
    const elsewhere = (await server.organisations.findAll()).find((organisation) => organisation.id !== city.id);
    const before = await findIntakeVersion(server.ctx.db, city.id);
    const beforeElsewhere = elsewhere && (await findIntakeVersion(server.ctx.db, elsewhere.id));
    await server.ctx.db
      .updateTable('places_district')
      .set((eb) => ({ population: eb.ref('population') }))
      .where('organisation_id', '=', city.id)
      .where('code', '=', 'harbour')
      .execute();
    const after = await findIntakeVersion(server.ctx.db, city.id);
    assert.equal(after.intake, before.intake);
    assert.equal(Number(after.places), Number(before.places) + 1);
    if (elsewhere) assert.deepEqual(await findIntakeVersion(server.ctx.db, elsewhere.id), beforeElsewhere);
  });

  test('a report checked against outdated district outlines is not stored', async () => {
    const version = await findIntakeVersion(server.ctx.db, city.id);
    const category = await server.ctx.db
      .selectFrom('reports_category')
      .select('id')
      .where('organisation_id', '=', city.id)
      .where('code', '=', 'graffiti')
      .executeTakeFirstOrThrow();
    const report = (places: string): SubmitArguments => ({
      intake_version: version.intake,
      places_version: places,
      organisation_id: city.id,
      category_id: category.id,
      department_id: null,
      district_id: null,
      description: 'checked against old outlines',
      lat: 44.1,
      lng: 9.8,
      tile_x: 0,
      tile_y: 0,
      address: null,
      answers: {},
      author_id: null,
      author_name: null,
      author_email: null,
      show_name: false,
      source: 'web',
      api_key_id: null,
      token: 'a'.repeat(24),
      created_at: new Date(),
      deadline_at: new Date(),
    });
    assert.equal(await storeReport(server.ctx.db, report(String(Number(version.places) - 1))), 'outdated');
    const stored = await server.ctx.db
      .selectFrom('reports_report')
      .select('id')
      .where('description', '=', 'checked against old outlines')
      .execute();
    assert.equal(stored.length, 0);
  });

  test('a district outline changed in the database applies to the next report at once', async () => {
    const district = await server.ctx.db
      .selectFrom('places_district')
      .select(['id', 'geometry', 'min_lat', 'max_lat', 'min_lng', 'max_lng'])
      .where('organisation_id', '=', city.id)
      .where('code', '=', 'university')
      .executeTakeFirstOrThrow();
    const lat = (district.min_lat + district.max_lat) / 2;
    const lng = (district.min_lng + district.max_lng) / 2;
    const districtOf = async (id: number) =>
      (
        await server.ctx.db
          .selectFrom('reports_report')
          .select('district_id')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).district_id;
    assert.equal(await districtOf(await intake(lat, lng)), district.id); // caches the outlines
    const far = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [0.01, 0],
          [0.01, 0.01],
          [0, 0],
        ],
      ],
    };
    await server.ctx.db
      .updateTable('places_district')
      .set({ geometry: JSON.stringify(far), min_lat: 0, max_lat: 0.01, min_lng: 0, max_lng: 0.01 })
      .where('id', '=', district.id)
      .execute();
    try {
      const moved = await intake(lat, lng);
      assert.notEqual(await districtOf(moved), district.id);
    } finally {
      await server.ctx.db
        .updateTable('places_district')
        .set({
          geometry: JSON.stringify(district.geometry),
          min_lat: district.min_lat,
          max_lat: district.max_lat,
          min_lng: district.min_lng,
          max_lng: district.max_lng,
        })
        .where('id', '=', district.id)
        .execute();
    }
  });
});

describe('the statistics API', () => {
  test('the public page /reports/statistics shows the same figures in tables, in the reader’s language', async () => {
    const statisticsNow = await findPublicStatistics(server.ctx.db, city.id);
    const page = await (await fetch(`${server.url}/reports/statistics?lang=en`)).text();
    assert.match(page, /<h1>Statistics of reported problems<\/h1>/);
    assert.ok(page.includes(`${new Intl.NumberFormat('en').format(statisticsNow.total)} public reports in total.`));
    assert.equal([...page.matchAll(/<table class="data-table">/g)].length, 3);
    assert.match(page, /<th scope="col">Status<\/th>/);
    assert.match(page, /<th scope="row">Fixed<\/th><td class="numeric">/);
    assert.match(page, /Half of the problems marked as fixed were fixed within [\d.,]+ (hours|days) of being reported/);
    const german = await (await fetch(`${server.url}/reports/statistics?lang=de`)).text();
    assert.match(german, /Statistik der gemeldeten Probleme/);
    assert.match(german, /innerhalb von [\d.,]+ (Stunden|Tagen|Tage) nach der Meldung/);
  });

  test('GET /api/v1/reports/statistics gives the counts and the median', async () => {
    const response = await fetch(`${server.url}/api/v1/reports/statistics`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      total: number;
      byStatus: Array<{ status: string; count: number }>;
      byCategory: Array<{ code: string; count: number }>;
      byDistrict: Array<{ code: string | null; count: number }>;
      fixed: number;
      medianHoursToFix: number | null;
    };
    const figures = await statistics();
    assert.equal(
      body.total,
      figures.direct.byStatus.reduce((sum, [, n]) => sum + Number(n), 0),
    );
    assert.deepEqual(body.byStatus.map((row) => [row.status, row.count]).sort(), figures.direct.byStatus);
    assert.equal(
      body.byCategory.reduce((sum, row) => sum + row.count, 0),
      body.total,
    );
    assert.ok(body.byCategory.some((row) => row.code === 'graffiti'));
    assert.ok(body.byDistrict.some((row) => row.code === 'old-town'));
    assert.equal(body.fixed, figures.direct.fixed);
    assert.ok(
      body.medianHoursToFix !== null && Math.abs(body.medianHoursToFix - (figures.direct.median ?? Number.NaN)) < 1e-9,
    );
  });
});
