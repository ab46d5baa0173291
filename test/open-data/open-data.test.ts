import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DATASETS } from '../../src/modules/open-data/index.ts';
import { datasetRows } from '../../src/modules/open-data/formats.ts';
import { saveOpenDataSettings } from '../../src/modules/open-data/settings.repository.ts';
import { buildUser, firstOrganisationId } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { checkGeoJson, parseStrictCsv } from './formats.ts';

// The open-data files of the demo city, with private data planted around them: none of it may leak.
const PRIVATE = {
  email: 'zebulon.private@example.org',
  name: 'Zebulon Quintavalle',
  ip: '203.0.113.77',
  token: 'tok-9f3a1c77e2b4d8aa',
  hidden: 'hidden-text-5c1e',
};

let server: TestServer;
let userId: number;
before(async () => {
  server = await startTestServer({ demo: true });
  const db = server.ctx.db;
  const user = await buildUser(server, { email: PRIVATE.email, name: PRIVATE.name });
  userId = user.id;
  const reports = await db.selectFrom('reports_report').select('id').orderBy('id').limit(2).execute();
  const [shown, hidden] = reports;
  assert.ok(shown && hidden);
  // a reporter who asked for their name to be shown on the site: still never in open data
  await db
    .updateTable('reports_report')
    .set({
      author_id: userId,
      author_name: PRIVATE.name,
      author_email: PRIVATE.email,
      token: PRIVATE.token,
      show_name: true,
    })
    .where('id', '=', shown.id)
    .execute();
  await db
    .updateTable('reports_report')
    .set({ hidden_at: new Date(), hidden_reason: `${PRIVATE.hidden} ${PRIVATE.ip}`, description: PRIVATE.hidden })
    .where('id', '=', hidden.id)
    .execute();
  await db
    .insertInto('reports_update')
    .values({
      organisation_id: user.organisationId,
      report_id: shown.id,
      kind: 'comment',
      author_label: PRIVATE.name,
      internal_note: `${PRIVATE.ip} ${PRIVATE.email}`,
      details: JSON.stringify({ ip: PRIVATE.ip }),
    })
    .execute();
  const proposal = await db
    .selectFrom('participation_proposal')
    .select(['id', 'process_id'])
    .orderBy('id')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('participation_proposal')
    .set({ author_id: userId, answered_by: userId })
    .where('id', '=', proposal.id)
    .execute();
  await db
    .insertInto('participation_comment')
    .values([
      {
        organisation_id: user.organisationId,
        subject_type: 'proposal',
        subject_id: proposal.id,
        author_id: userId,
        body: 'A visible comment',
      },
      {
        organisation_id: user.organisationId,
        subject_type: 'proposal',
        subject_id: proposal.id,
        author_id: userId,
        body: `${PRIVATE.hidden} ${PRIVATE.email}`,
        hidden_at: new Date(),
        hidden_reason: PRIVATE.ip,
      },
      // a comment not hidden itself, under a report a moderator hid
      {
        organisation_id: user.organisationId,
        subject_type: 'report',
        subject_id: hidden.id,
        author_id: userId,
        body: `${PRIVATE.hidden} under a hidden report`,
      },
    ])
    .execute();
  const meeting = await db.selectFrom('participation_meeting').select('id').orderBy('id').executeTakeFirst();
  if (meeting)
    await db
      .insertInto('participation_meeting_registration')
      .values({ organisation_id: user.organisationId, meeting_id: meeting.id, user_id: userId })
      .execute();
  await db.updateTable('core_department').set({ email: PRIVATE.email }).execute();
});
after(() => server.close());

const files = DATASETS.flatMap((dataset) =>
  (dataset.geometry ? ['csv', 'json', 'geojson'] : ['csv', 'json']).map(
    (format) => `/open-data/${dataset.id}.${format}`,
  ),
);

test('no file of any dataset holds an e-mail, a private name, an IP address, a token or hidden text', async () => {
  assert.ok(files.length >= 30, 'thirteen datasets, four of them with places');
  for (const path of files) {
    const response = await fetch(server.url + path);
    assert.equal(response.status, 200, path);
    const text = await response.text();
    for (const [what, value] of Object.entries(PRIVATE)) assert.ok(!text.includes(value), `${path} holds the ${what}`);
    // any e-mail address at all: each @ with what surrounds it (a regular expression over the whole file backtracks)
    for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1))
      assert.doesNotMatch(
        text.slice(Math.max(0, at - 64), at + 64),
        /[\w.+-]+@[\w-]+\.[\w]/,
        `${path} holds an e-mail address`,
      );
    assert.doesNotMatch(text, /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/, `${path} holds no IPv4 address`);
    const names = path.endsWith('.csv') ? (text.split('\r\n')[0] ?? '') : JSON.stringify(DATASETS.map((d) => d.fields));
    assert.doesNotMatch(
      names,
      /author|e_?mail|token|password|user|\bip\b|hidden/i,
      `${path} has no field about people`,
    );
  }
});

test('CSV files are RFC 4180 with a byte order mark, one row per JSON object, and typed the same way', async () => {
  const [organisation] = await server.organisations.findAll();
  const languages = organisation?.languages ?? [];
  for (const dataset of DATASETS) {
    const response = await fetch(`${server.url}/open-data/${dataset.id}.csv`);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const bytes = new Uint8Array(await response.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], `${dataset.id}: byte order mark`);
    const records = parseStrictCsv(new TextDecoder('utf-8', { ignoreBOM: false, fatal: true }).decode(bytes));
    const json = (await (await fetch(`${server.url}/open-data/${dataset.id}.json`)).json()) as Array<
      Record<string, unknown>
    >;
    assert.equal(records.length - 1, json.length, `${dataset.id}: as many CSV records as JSON objects`);
    assert.ok(json.length > 0, `${dataset.id}: the demo city has rows`);
    assert.deepEqual(
      Object.keys(json[0] ?? {}),
      dataset.fields.map((field) => field.name),
      `${dataset.id}: every declared field`,
    );
    const header = records[0] ?? [];
    const idColumn = header.indexOf('id');
    // every cell says what the JSON says (texts that would start a spreadsheet formula get an apostrophe)
    const cell = (value: unknown): string =>
      value === null
        ? ''
        : Array.isArray(value)
          ? value.join(' ')
          : typeof value === 'string'
            ? value.replace(/^[=+\-@\t\r]/, "'$&")
            : JSON.stringify(value);
    const expected = json.map((row) =>
      dataset.fields.flatMap((field) =>
        field.type === 'translated'
          ? languages.map((language) => cell((row[field.name] as Record<string, unknown> | null)?.[language] ?? null))
          : [cell(row[field.name])],
      ),
    );
    assert.deepEqual(records.slice(1), expected, `${dataset.id}: CSV cells equal the JSON values`);
    assert.deepEqual(
      records.slice(1).map((r) => Number(r[idColumn])),
      json.map((row) => row.id),
      `${dataset.id}: same rows, id order`,
    );
  }
});

test('GeoJSON follows RFC 7946: longitude then latitude, closed rings, right-hand rule', async () => {
  for (const dataset of DATASETS.filter((d) => d.geometry)) {
    const response = await fetch(`${server.url}/open-data/${dataset.id}.geojson`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/geo\+json/);
    const features = checkGeoJson(await response.json());
    assert.ok(
      features.some((feature) => feature.geometry !== null),
      `${dataset.id}: rows with places`,
    );
  }
  const report = await server.ctx.db
    .selectFrom('reports_report')
    .select(['id', 'lat', 'lng'])
    .where('hidden_at', 'is', null)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const features = checkGeoJson(await (await fetch(`${server.url}/open-data/reports.geojson`)).json());
  const feature = features.find((f) => f.id === report.id);
  assert.deepEqual(feature?.geometry, { type: 'Point', coordinates: [report.lng, report.lat] });
});

test('files are read at request time: a report hidden by a moderator is gone from the next download, and back when shown again', async () => {
  const before = (await (await fetch(`${server.url}/open-data/reports.json`)).json()) as Array<{ id: number }>;
  const [first] = before;
  assert.ok(first);
  await server.ctx.db.updateTable('reports_report').set({ hidden_at: new Date() }).where('id', '=', first.id).execute();
  const after = (await (await fetch(`${server.url}/open-data/reports.json`)).json()) as Array<{ id: number }>;
  assert.equal(after.length, before.length - 1);
  assert.ok(!after.some((row) => row.id === first.id));
  await server.ctx.db.updateTable('reports_report').set({ hidden_at: null }).where('id', '=', first.id).execute();
  const again = (await (await fetch(`${server.url}/open-data/reports.json`)).json()) as Array<{ id: number }>;
  assert.equal(again.length, before.length);
});

test('ballot results are only those published', async () => {
  const rows = (await (await fetch(`${server.url}/open-data/ballot-results.json`)).json()) as Array<{
    budget_id: number;
  }>;
  const published = await server.ctx.db
    .selectFrom('budgets_budget')
    .select('id')
    .where('results_published_at', 'is not', null)
    .execute();
  const unpublished = await server.ctx.db
    .selectFrom('budgets_result')
    .innerJoin('budgets_budget', 'budgets_budget.id', 'budgets_result.budget_id')
    .select('budgets_result.budget_id')
    .where('budgets_budget.results_published_at', 'is', null)
    .execute();
  assert.ok(rows.length > 0);
  assert.ok(rows.every((row) => published.some((b) => b.id === row.budget_id)));
  assert.ok(!rows.some((row) => unpublished.some((u) => u.budget_id === row.budget_id)));
});

test('each dataset page documents every field, and unknown names answer 404 with a stable code', async () => {
  const list = await (await fetch(`${server.url}/open-data`)).text();
  for (const dataset of DATASETS) {
    assert.ok(list.includes(`href="/open-data/${dataset.id}"`), dataset.id);
    const page = await fetch(`${server.url}/open-data/${dataset.id}?lang=de`);
    assert.equal(page.status, 200);
    const text = await page.text();
    for (const field of dataset.fields)
      assert.ok(text.includes(`<code>${field.name}</code>`), `${dataset.id}.${field.name}`);
    assert.ok(text.includes(`http://localhost:3000/open-data/${dataset.id}.csv`), 'the stable address of each file');
    assert.doesNotMatch(text, /openData\./, 'every text translated');
  }
  for (const path of [
    '/open-data/nothing',
    '/open-data/nothing.csv',
    '/open-data/reports.xlsx',
    '/open-data/departments.geojson',
  ]) {
    const response = await fetch(server.url + path, { headers: { accept: 'application/json' } });
    assert.equal(response.status, 404, path);
    const body = (await response.json()) as { error: { code: string } };
    assert.match(body.error.code, /^OPEN_DATA_(NOT_FOUND|FORMAT_NOT_OFFERED)$/, path);
  }
});

test('rows are read in keyset pages: small pages give the same rows as one large page', async () => {
  const organisationId = await firstOrganisationId(server);
  for (const dataset of DATASETS) {
    const ids = async (pageSize: number) => {
      const all: unknown[] = [];
      let pages = 0;
      for await (const rows of datasetRows(dataset, server.ctx.db, organisationId, pageSize)) {
        pages++;
        all.push(...rows.map((row) => row.id));
      }
      return { all, pages };
    };
    const whole = await ids(100_000);
    const paged = await ids(3);
    assert.deepEqual(paged.all, whole.all, dataset.id);
    assert.equal(paged.pages, Math.ceil(whole.all.length / 3), `${dataset.id}: pages of three`);
  }
});

test('the licence is the city’s setting, CC BY 4.0 until it chooses another', async () => {
  const organisationId = await firstOrganisationId(server);
  const licences = async () => {
    const turtle = await (await fetch(`${server.url}/open-data/catalog.ttl`)).text();
    return [...turtle.matchAll(/licence\/([A-Z0-9_]+)>/g)].map((match) => match[1]);
  };
  assert.ok((await licences()).every((code) => code === 'CC_BY_4_0'));
  await saveOpenDataSettings(server.ctx.db, organisationId, {
    licence: 'CC0',
    contactEmail: 'opendata@valmora.example',
  });
  try {
    assert.ok((await licences()).length > 0);
    assert.ok((await licences()).every((code) => code === 'CC0'));
    const page = await (await fetch(`${server.url}/open-data/reports`)).text();
    assert.ok(page.includes('resource/authority/licence/CC0'), 'the page names the licence');
    const turtle = await (await fetch(`${server.url}/open-data/catalog.ttl`)).text();
    assert.ok(turtle.includes('<mailto:opendata@valmora.example>'), 'the contact point has the address');
  } finally {
    await server.ctx.db.deleteFrom('open_data_setting').where('organisation_id', '=', organisationId).execute();
  }
});
