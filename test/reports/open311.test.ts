import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedDataDir } from '../support/shared-data.ts';
import { createApiKey } from '../../src/platform/auth/api-keys.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const recorded = sharedDataDir('open311');
let server: TestServer;
let apiKey: string;

before(async () => {
  server = await startTestServer({ demo: true });
  const organisation = (await server.organisations.findAll())[0];
  assert.ok(organisation);
  apiKey = (await createApiKey(server.ctx.db, organisation.id, 'open311 test client', null, ['open311'])).key;
});
after(() => server.close());

/** The names of the child elements of the first `<parent>` element, in order (enough for these flat documents). */
function childNames(xml: string, parent: string): string[] {
  const body = new RegExp(`<${parent}>([\\s\\S]*?)</${parent}>`).exec(xml)?.[1] ?? '';
  const names: string[] = [];
  const pattern = /<([a-z_]+)(?:\s*\/>|>[\s\S]*?<\/\1>)/g;
  for (let match = pattern.exec(body); match; match = pattern.exec(body)) names.push(match[1] as string);
  return names;
}

function readRecorded(file: string): string {
  return readFileSync(path.join(recorded, file), 'utf8');
}

async function post(format: 'xml' | 'json', fields: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/open311/v2/requests.${format}`, {
    method: 'POST',
    body: new URLSearchParams({ api_key: apiKey, ...fields }),
  });
}

describe('Open311 documents have the shape real servers (Washington DC, Boston) return', () => {
  test('discovery', async () => {
    const ours = await (await fetch(`${server.url}/open311/v2/discovery.xml`)).text();
    assert.deepEqual(childNames(ours, 'discovery'), childNames(readRecorded('discovery-dc.xml'), 'discovery'));
    assert.deepEqual(
      childNames(ours, 'endpoint').sort(),
      childNames(readRecorded('discovery-dc.xml'), 'endpoint').sort(),
    );
    const json = (await (await fetch(`${server.url}/open311/v2/discovery.json`)).json()) as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(json).sort(),
      Object.keys(JSON.parse(readRecorded('discovery-boston.json')) as Record<string, unknown>).sort(),
    );
  });

  test('service list and service definition', async () => {
    const response = await fetch(`${server.url}/open311/v2/services.xml`);
    assert.equal(response.headers.get('content-type'), 'text/xml; charset=utf-8');
    const ours = await response.text();
    assert.deepEqual(childNames(ours, 'service').sort(), childNames(readRecorded('dc-services.xml'), 'service').sort());
    const definition = await (await fetch(`${server.url}/open311/v2/services/pothole.xml`)).text();
    assert.deepEqual(
      childNames(definition, 'attribute'),
      childNames(readRecorded('dc-services-S0301.xml'), 'attribute'),
    );
    assert.deepEqual(childNames(definition, 'value'), childNames(readRecorded('dc-services-S0301.xml'), 'value'));
  });

  test('service requests, a token and an error', async () => {
    const list = await (await fetch(`${server.url}/open311/v2/requests.xml`)).text();
    assert.deepEqual(
      childNames(list, 'request').sort(),
      childNames(readRecorded('service-requests.xml'), 'request').sort(),
    );
    const created = await post('xml', {
      service_code: 'litter',
      lat: '44.105',
      long: '9.81',
      description: 'Bags left by the bins',
    });
    assert.equal(created.status, 201);
    const token = /<token>(\w+)<\/token>/.exec(await created.text())?.[1];
    assert.ok(token);
    const byToken = await (await fetch(`${server.url}/open311/v2/tokens/${token}.xml`)).text();
    assert.deepEqual(childNames(byToken, 'request'), childNames(readRecorded('token.xml'), 'request'));
    const error = await (await post('xml', { service_code: 'pothole', lat: '44.105', long: '9.81' })).text();
    assert.deepEqual(
      childNames(error, 'error'),
      childNames(readRecorded('boston-err-submitrequest-base_is_duplicate.xml'), 'error'),
    );
  });
});

describe('POST requests', () => {
  test('creates a report routed to the department in charge, with answers to the category’s questions', async () => {
    const response = await post('json', {
      service_code: 'pothole',
      lat: '44.1052',
      long: '9.8001',
      description: 'Deep hole on the cycle lane',
      'attribute[location_type]': 'bike_lane',
      'attribute[width_cm]': '40',
      email: 'reporter@example.org',
      first_name: 'Rita',
      last_name: 'Bianchi',
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    const [created] = (await response.json()) as Array<{ service_request_id: number; token: string }>;
    assert.ok(created);
    const row = await server.ctx.db
      .selectFrom('reports_report as r')
      .innerJoin('core_department as d', 'd.id', 'r.department_id')
      .select(['d.slug', 'r.answers', 'r.author_email', 'r.source', 'r.deadline_at', 'r.created_at'])
      .where('r.id', '=', created.service_request_id)
      .executeTakeFirstOrThrow();
    assert.equal(row.slug, 'roads');
    assert.deepEqual(typeof row.answers === 'string' ? JSON.parse(row.answers) : row.answers, {
      location_type: 'bike_lane',
      width_cm: '40',
    });
    assert.equal(row.source, 'open311');
    assert.equal(
      row.deadline_at?.getTime(),
      row.created_at.getTime() + 72 * 3_600_000,
      'deadline from the category’s expected time',
    );

    const [shown] = (await (
      await fetch(`${server.url}/open311/v2/requests/${created.service_request_id}.json`)
    ).json()) as Array<Record<string, string>>;
    assert.equal(shown?.status, 'open');
    assert.equal(shown.agency_responsible, 'Roads and Public Works');
    assert.match(
      shown.requested_datetime ?? '',
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/,
      'a datetime with its time zone',
    );
  });

  test('routes by district when a rule says so', async () => {
    // a rule for graffiti in the Old Town sends those reports to another department than the category's default
    const organisation = (await server.organisations.findAll())[0];
    assert.ok(organisation);
    const graffiti = await server.ctx.db
      .selectFrom('reports_category')
      .select('id')
      .where('code', '=', 'graffiti')
      .executeTakeFirstOrThrow();
    const oldTown = await server.ctx.db
      .selectFrom('places_district')
      .select('id')
      .where('code', '=', 'old-town')
      .executeTakeFirstOrThrow();
    const communication = await server.ctx.db
      .selectFrom('core_department')
      .select('id')
      .where('slug', '=', 'communication')
      .executeTakeFirstOrThrow();
    await server.ctx.db
      .insertInto('reports_routing_rule')
      .values({
        organisation_id: organisation.id,
        category_id: graffiti.id,
        district_id: oldTown.id,
        department_id: communication.id,
      })
      .execute();
    const inOldTown = (await (
      await post('json', {
        service_code: 'graffiti',
        lat: '44.11',
        long: '9.79',
        description: 'Tag on the cathedral door',
      })
    ).json()) as Array<{ service_request_id: number }>;
    const elsewhere = (await (
      await post('json', { service_code: 'graffiti', lat: '44.095', long: '9.85', description: 'Tag on a bench' })
    ).json()) as Array<{ service_request_id: number }>;
    const departmentOf = async (id: number) =>
      (
        await server.ctx.db
          .selectFrom('reports_report as r')
          .innerJoin('core_department as d', 'd.id', 'r.department_id')
          .select('d.slug')
          .where('r.id', '=', id)
          .executeTakeFirstOrThrow()
      ).slug;
    assert.equal(await departmentOf(inOldTown[0]?.service_request_id ?? 0), 'communication');
    assert.equal(await departmentOf(elsewhere[0]?.service_request_id ?? 0), 'waste');
  });

  test('refuses bad input in the specification’s error format and stores nothing', async () => {
    const before = await server.ctx.db
      .selectFrom('reports_report')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const cases: Array<[Record<string, string>, number, RegExp]> = [
      [{ service_code: 'pothole', lat: '95', long: '9.8', 'attribute[location_type]': 'street' }, 400, /latitude/],
      [
        { service_code: 'pothole', lat: '48.85', long: '2.35', 'attribute[location_type]': 'street' },
        400,
        /outside the city/,
      ],
      [{ service_code: 'no_such_service', lat: '44.105', long: '9.8' }, 404, /no category/],
      [{ service_code: 'pothole', lat: '44.105', long: '9.8' }, 400, /location_type/],
      [
        { service_code: 'pothole', lat: '44.105', long: '9.8', 'attribute[location_type]': 'lake' },
        400,
        /must be one of street, bike_lane, pavement/,
      ],
      [
        {
          service_code: 'pothole',
          lat: '44.105',
          long: '9.8',
          'attribute[location_type]': 'street',
          description: 'x'.repeat(5000),
        },
        400,
        /at most 4000/,
      ],
      [{ service_code: 'pothole', lat: 'north', long: '9.8' }, 400, /decimal degrees/],
      [{ service_code: 'pothole', address_string: 'Via Roma 1' }, 400, /lat and long/],
    ];
    for (const [fields, status, message] of cases) {
      const response = await post('json', fields);
      assert.equal(response.status, status, JSON.stringify(fields));
      const errors = (await response.json()) as Array<{ code: number; description: string }>;
      assert.ok(
        errors.some((e) => e.code === status && message.test(e.description)),
        `${JSON.stringify(errors)} mentions ${message}`,
      );
    }
    const wrongKey = await fetch(`${server.url}/open311/v2/requests.json`, {
      method: 'POST',
      body: new URLSearchParams({
        api_key: 'ic_000000000000_wrongwrongwrongwrongwrongwrongwron',
        service_code: 'pothole',
        lat: '44.1',
        long: '9.8',
      }),
    });
    assert.equal(wrongKey.status, 403);
    const organisation = (await server.organisations.findAll())[0];
    assert.ok(organisation);
    const staffOnly = (
      await createApiKey(server.ctx.db, organisation.id, 'staff dashboard', null, ['reports.read', 'reports.write'])
    ).key;
    const notForIntake = await fetch(`${server.url}/open311/v2/requests.json`, {
      method: 'POST',
      body: new URLSearchParams({ api_key: staffOnly, service_code: 'pothole', lat: '44.1', long: '9.8' }),
    });
    assert.equal(notForIntake.status, 403, 'a key without the open311 scope submits nothing');
    assert.match(await notForIntake.text(), /open311 scope/);
    const after = await server.ctx.db
      .selectFrom('reports_report')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(after.n, before.n);
  });
});

describe('GET requests', () => {
  test('filters by status and service code, pages, and defaults to the last 90 days', async () => {
    const closed = (await (
      await fetch(`${server.url}/open311/v2/requests.json?status=closed&service_code=litter,graffiti`)
    ).json()) as Array<{ status: string; service_code: string }>;
    assert.ok(closed.length > 0);
    assert.ok(closed.every((r) => r.status === 'closed' && ['litter', 'graffiti'].includes(r.service_code)));
    const page1 = (await (await fetch(`${server.url}/open311/v2/requests.json?page_size=5&page=1`)).json()) as Array<{
      service_request_id: number;
    }>;
    const page2 = (await (await fetch(`${server.url}/open311/v2/requests.json?page_size=5&page=2`)).json()) as Array<{
      service_request_id: number;
    }>;
    assert.equal(page1.length, 5);
    assert.equal(page2.length, 5);
    assert.equal(new Set([...page1, ...page2].map((r) => r.service_request_id)).size, 10);
    const all = (await (await fetch(`${server.url}/open311/v2/requests.json`)).json()) as Array<{
      requested_datetime: string;
    }>;
    const ninetyDaysAgo = Date.now() - 90 * 86_400_000 - 60_000;
    assert.ok(
      all.every((r) => Date.parse(r.requested_datetime) >= ninetyDaysAgo),
      'nothing older than 90 days by default',
    );
    const from = new Date(Date.now() - 150 * 86_400_000).toISOString();
    const to = new Date(Date.now() - 91 * 86_400_000).toISOString();
    const older = (await (
      await fetch(`${server.url}/open311/v2/requests.json?start_date=${from}&end_date=${to}`)
    ).json()) as Array<{ requested_datetime: string }>;
    assert.ok(older.length > 0, 'an explicit start_date reaches further back');
    assert.ok(older.every((r) => Date.parse(r.requested_datetime) <= Date.parse(to)));
    const fromOnly = (await (
      await fetch(`${server.url}/open311/v2/requests.json?start_date=${from}`)
    ).json()) as Array<{
      requested_datetime: string;
    }>;
    assert.ok(
      fromOnly.every((r) => Date.parse(r.requested_datetime) <= Date.parse(from) + 90 * 86_400_000),
      'a start_date alone searches the 90 days from it',
    );
  });

  test('follows the GeoReport v2 rules of GET requests: ids override every other argument, ranges span 90 days at most', async () => {
    const [closed] = (await (await fetch(`${server.url}/open311/v2/requests.json?status=closed`)).json()) as Array<{
      service_request_id: number;
      service_code: string;
    }>;
    assert.ok(closed);
    const other = closed.service_code === 'litter' ? 'graffiti' : 'litter';
    const byId = (await (
      await fetch(
        `${server.url}/open311/v2/requests.json?service_request_id=${closed.service_request_id}&status=open&service_code=${other}&start_date=2001-01-01T00:00:00Z&end_date=2001-01-02T00:00:00Z`,
      )
    ).json()) as Array<{ service_request_id: number }>;
    assert.deepEqual(
      byId.map((r) => r.service_request_id),
      [closed.service_request_id],
      'service_request_id overrides all other arguments',
    );
    const tooLong = await fetch(
      `${server.url}/open311/v2/requests.xml?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z`,
    );
    assert.equal(tooLong.status, 400);
    assert.match(await tooLong.text(), /may not span more than 90 days/);
    const backwards = await fetch(
      `${server.url}/open311/v2/requests.json?start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z`,
    );
    assert.equal(backwards.status, 400);
  });

  test('rejects malformed filters and unknown jurisdictions', async () => {
    assert.equal((await fetch(`${server.url}/open311/v2/requests.json?status=pending`)).status, 400);
    assert.equal((await fetch(`${server.url}/open311/v2/requests.json?start_date=yesterday`)).status, 400);
    assert.equal((await fetch(`${server.url}/open311/v2/requests.json?jurisdiction_id=atlantis`)).status, 404);
    assert.equal((await fetch(`${server.url}/open311/v2/requests.json?jurisdiction_id=valmora`)).status, 200);
    assert.equal((await fetch(`${server.url}/open311/v2/requests/999999.json`)).status, 404);
  });

  test('lists public updates (mySociety servicerequestupdates)', async () => {
    const response = await fetch(`${server.url}/open311/v2/servicerequestupdates.xml?start_date=2026-01-01T00:00:00Z`);
    assert.equal(response.status, 200);
    const xml = await response.text();
    assert.deepEqual(childNames(xml, 'request_update'), [
      'update_id',
      'service_request_id',
      'status',
      'updated_datetime',
      'description',
      'media_url',
    ]);
  });
});

test('media_url is the first public photo of a request, and a hidden photo is never offered', async () => {
  const photo = await server.ctx.db
    .selectFrom('reports_photo')
    .select(['report_id', (eb) => eb.fn.min('id').as('id')])
    .where('hidden_at', 'is', null)
    .where('report_id', 'is not', null)
    .groupBy('report_id')
    .executeTakeFirstOrThrow();
  const reportId = Number(photo.report_id);
  const read = async () =>
    (
      (await (await fetch(`${server.url}/open311/v2/requests/${reportId}.json`)).json()) as Array<{ media_url: string }>
    )[0]?.media_url;
  const mediaUrl = await read();
  assert.equal(mediaUrl, `http://localhost:3000/reports/${reportId}/photos/${photo.id}`);
  const image = await fetch(`${server.url}${new URL(mediaUrl).pathname}`);
  assert.equal(image.status, 200);
  assert.match(image.headers.get('content-type') ?? '', /^image\//);
  await server.ctx.db
    .updateTable('reports_photo')
    .set({ hidden_at: new Date() })
    .where('report_id', '=', reportId)
    .execute();
  assert.equal(await read(), '', 'hidden photos are not offered');
  await server.ctx.db.updateTable('reports_photo').set({ hidden_at: null }).where('report_id', '=', reportId).execute();
});

test('a request located only by address_string is placed by the city’s address search', async () => {
  const response = await post('json', {
    service_code: 'graffiti',
    address_string: 'Via del Porto 12',
    description: 'Tags on the harbour wall.',
  });
  assert.equal(response.status, 201, await response.clone().text());
  const [created] = (await response.json()) as Array<{ service_request_id: number }>;
  assert.ok(created);
  const [stored] = (await (
    await fetch(`${server.url}/open311/v2/requests/${created.service_request_id}.json`)
  ).json()) as Array<{ lat: number; long: number; address: string }>;
  assert.ok(stored);
  assert.equal(stored.address, 'Via del Porto 12');
  // Via del Porto runs from 0.003 to 0.015 north and −0.01 to 0.01 east of the demo's map centre
  const organisation = (await server.organisations.findAll())[0];
  assert.ok(organisation);
  assert.ok(Math.abs(stored.lat - organisation.map.lat) < 0.02, String(stored.lat));
  assert.ok(Math.abs(stored.long - organisation.map.lng) < 0.02, String(stored.long));
  const unknown = await post('xml', { service_code: 'graffiti', address_string: 'Rue de Rivoli 1' });
  assert.equal(unknown.status, 400);
  assert.match(await unknown.text(), /address_string was not found/);
});
