import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DATASETS } from '../../src/modules/open-data/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The public datasets through the API: every dataset listed and read to its end in cursor pages, with
// the same rows as its JSON file, `fields=`, `lang=` and the refusals.

let server: TestServer;
before(async () => {
  server = await startTestServer({ demo: true });
});
after(() => server.close());

const get = (path: string) => fetch(`${server.url}${path}`);

interface Page {
  dataset: string;
  records: Array<Record<string, unknown>>;
  next: string | null;
}

/** Every record of a dataset, following `next` links from the first page. */
async function readAll(first: string): Promise<{ records: Array<Record<string, unknown>>; pages: number }> {
  const records: Array<Record<string, unknown>> = [];
  let address: string | null = first;
  let pages = 0;
  while (address !== null) {
    const response = await get(address);
    assert.equal(response.status, 200, address);
    const page = (await response.json()) as Page;
    records.push(...page.records);
    pages++;
    if (page.next !== null) {
      assert.equal(response.headers.get('link'), `<${page.next}>; rel="next"`);
      assert.ok(page.records.length > 0);
    }
    address = page.next;
    assert.ok(pages < 1000);
  }
  return { records, pages };
}

test('lists every public dataset with its fields, downloads and records address', async () => {
  const response = await get('/api/v1/datasets?lang=it');
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  const { datasets } = (await response.json()) as {
    datasets: Array<{
      id: string;
      title: string;
      fields: Array<{ name: string; type: string; description: string }>;
      records: string;
      downloads: Record<string, string>;
    }>;
  };
  assert.deepEqual(
    datasets.map((d) => d.id),
    DATASETS.map((d) => d.id),
  );
  const reports = datasets.find((d) => d.id === 'reports');
  assert.ok(reports);
  assert.equal(reports.title, 'Segnalazioni di problemi nello spazio pubblico');
  assert.deepEqual(
    reports.fields.map((f) => f.name),
    DATASETS.find((d) => d.id === 'reports')?.fields.map((f) => f.name),
  );
  assert.ok(reports.fields.every((f) => f.description.length > 0));
  assert.match(reports.records, /\/api\/v1\/datasets\/reports\/records$/);
  assert.deepEqual(Object.keys(reports.downloads), ['csv', 'json', 'geojson']);
});

test('every dataset read through the API in small pages gives the rows of its JSON file, each once', async () => {
  for (const dataset of DATASETS) {
    const file = (await (await get(`/open-data/${dataset.id}.json`)).json()) as Array<Record<string, unknown>>;
    const { records, pages } = await readAll(`/api/v1/datasets/${dataset.id}/records?limit=7`);
    assert.deepEqual(records, file, dataset.id);
    assert.equal(pages, Math.floor(file.length / 7) + 1, `${dataset.id}: ${file.length} rows`);
  }
  const reports = (await (await get('/open-data/reports.json')).json()) as unknown[];
  assert.ok(reports.length > 20, 'the demo city has reports to page through');
});

test('the cursor is opaque and bound to its dataset; a made-up one is refused', async () => {
  const first = (await (await get('/api/v1/datasets/reports/records?limit=2')).json()) as Page;
  assert.ok(first.next);
  const cursor = new URL(first.next, server.url).searchParams.get('cursor') ?? '';
  assert.match(cursor, /^[A-Za-z0-9_-]+$/);
  assert.doesNotMatch(cursor, /^\d+$/);
  const elsewhere = await get(`/api/v1/datasets/proposals/records?cursor=${cursor}`);
  assert.equal(elsewhere.status, 400);
  assert.equal(((await elsewhere.json()) as { error: { code: string } }).error.code, 'OPEN_DATA_CURSOR_INVALID');
  const forged = Buffer.from(JSON.stringify({ dataset: 'reports', after: -1 })).toString('base64url');
  assert.equal((await get(`/api/v1/datasets/reports/records?cursor=${forged}`)).status, 400);
  assert.equal((await get('/api/v1/datasets/reports/records?cursor=%2F%2F')).status, 400);
  assert.equal((await get('/api/v1/datasets/reports/records?limit=1001')).status, 400);
  const missing = await get('/api/v1/datasets/no-such-thing/records');
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'OPEN_DATA_NOT_FOUND');
});

test('fields= keeps only the asked fields, in the dataset’s order; an unknown one is named in the refusal', async () => {
  const page = (await (await get('/api/v1/datasets/reports/records?limit=3&fields=status,id')).json()) as Page;
  assert.equal(page.records.length, 3);
  for (const record of page.records) assert.deepEqual(Object.keys(record), ['id', 'status']);
  assert.match(page.next ?? '', /fields=status%2Cid|fields=status,id/);
  const refused = await get('/api/v1/datasets/reports/records?fields=id,email,password');
  assert.equal(refused.status, 400);
  const body = (await refused.json()) as { error: { code: string; details: { fields: string[] } } };
  assert.equal(body.error.code, 'OPEN_DATA_FIELD_UNKNOWN');
  assert.deepEqual(body.error.details.fields, ['email', 'password']);
});

test('lang= gives translated fields as one text in that language, else the city’s default', async () => {
  const all = (await (await get('/api/v1/datasets/report-categories/records?fields=id,name')).json()) as Page;
  const first = all.records[0] as { id: number; name: Record<string, string | null> };
  assert.equal(typeof first.name, 'object');
  assert.ok(first.name.it && first.name.en);
  const italian = (await (
    await get('/api/v1/datasets/report-categories/records?fields=id,name&lang=it')
  ).json()) as Page;
  assert.equal(italian.records[0]?.name, first.name.it);
  // a language the city does not write in: the city's default language
  const [city] = await server.organisations.findAll();
  const polish = (await (await get('/api/v1/datasets/report-categories/records?fields=name&lang=pl')).json()) as Page;
  assert.equal(polish.records[0]?.name, first.name[city?.defaultLanguage ?? 'en']);
  assert.equal((await get('/api/v1/datasets/report-categories/records?lang=italian')).status, 400);
});
