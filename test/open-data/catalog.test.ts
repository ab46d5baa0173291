import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type * as RDF from '@rdfjs/types';
import { JsonLdParser } from 'jsonld-streaming-parser';
import { Parser } from 'n3';
import rdf from 'rdf-ext';
import { Validator, type ValidationResult } from 'shacl-engine';
import { DATASETS } from '../../src/modules/open-data/index.ts';
import { signedInClient } from '../support/factories.ts';
import { sharedDataDir } from '../support/shared-data.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The DCAT-AP 3 catalogue, checked against the official DCAT-AP 3.0.1 SHACL shapes (mandatory and range
// constraints, and the recommended properties), in both of its serialisations.
const SHAPE_FILES = ['shapes.ttl', 'shapes_recommended.ttl', 'range.ttl'];
const SH = 'http://www.w3.org/ns/shacl#';

let server: TestServer;
let validator: Validator;
before(async () => {
  server = await startTestServer({ demo: true });
  const folder = sharedDataDir('dcat-ap-3.0.1');
  const shapes = rdf.dataset();
  for (const file of SHAPE_FILES)
    for (const quad of new Parser({ baseIRI: `file:///${file}` }).parse(readFileSync(path.join(folder, file), 'utf8')))
      shapes.add(quad);
  validator = new Validator(shapes, { factory: rdf });
});
after(() => server.close());

function describe(result: ValidationResult): string {
  const focus = result.focusNode?.term.value ?? '?';
  const property = result.path?.[0]?.predicates[0]?.value ?? '';
  const message = result.message.map((m) => m.value).join(' ');
  return `${result.severity.value.replace(SH, '')} ${focus} ${property} ${message} (${result.constraintComponent.value.replace(SH, '')})`;
}

/**
 * The recommended properties the catalogue does not give: the time coverage (dct:temporal) of the
 * reference lists, whose rows are not placed in time (categories, departments, districts), and the
 * catalogue's first publication date (dct:issued). Any other warning fails.
 */
const REFERENCE_LISTS = DATASETS.filter((dataset) => !dataset.temporal).map((dataset) => dataset.id);
const unexpectedWarning = (warning: string) => {
  const temporal = /\/open-data\/([a-z-]+)#dataset http:\/\/purl\.org\/dc\/terms\/temporal Less than 1 values /.exec(
    warning,
  );
  if (temporal) return !REFERENCE_LISTS.includes(temporal[1] as string);
  return !/ http:\/\/purl\.org\/dc\/terms\/issued Less than 1 values \(MinCountConstraintComponent\)$/.test(warning);
};

async function validate(quads: Iterable<RDF.Quad>) {
  const report = await validator.validate({ dataset: rdf.dataset(quads) });
  const violations = report.results.filter((r) => r.severity.value === `${SH}Violation`).map(describe);
  const warnings = report.results.filter((r) => r.severity.value !== `${SH}Violation`).map(describe);
  return { violations, warnings };
}

function parseJsonLd(text: string): Promise<RDF.Quad[]> {
  return new Promise((resolve, reject) => {
    const quads: RDF.Quad[] = [];
    const parser = new JsonLdParser({ dataFactory: rdf });
    parser.on('data', (quad: RDF.Quad) => quads.push(quad));
    parser.on('error', reject);
    parser.on('end', () => resolve(quads));
    parser.write(text);
    parser.end();
  });
}

test('the Turtle catalogue has no violation of the DCAT-AP 3.0.1 shapes, and no warning but two recommended properties', async () => {
  const response = await fetch(`${server.url}/open-data/catalog.ttl`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/turtle/);
  const quads = new Parser({ format: 'text/turtle' }).parse(await response.text());
  const { violations, warnings } = await validate(quads);
  assert.deepEqual(violations, []);
  assert.deepEqual(warnings.filter(unexpectedWarning), []);

  const datasets = quads.filter((q) => q.predicate.value === 'http://www.w3.org/ns/dcat#dataset');
  assert.equal(datasets.length, DATASETS.length, 'every dataset in the catalogue');
  const downloads = quads
    .filter((q) => q.predicate.value === 'http://www.w3.org/ns/dcat#downloadURL')
    .map((q) => q.object.value);
  assert.ok(downloads.includes('http://localhost:3000/open-data/reports.geojson'), 'absolute download addresses');
  for (const download of downloads)
    assert.equal((await fetch(download.replace('http://localhost:3000', server.url))).status, 200, download);
  const objects = (predicate: string) =>
    quads.filter((q) => q.predicate.value === predicate).map((q) => q.object.value);
  assert.ok(
    objects('http://purl.org/dc/terms/license').includes(
      'http://publications.europa.eu/resource/authority/licence/CC_BY_4_0',
    ),
  );
  assert.ok(
    objects('http://purl.org/dc/terms/accrualPeriodicity').every(
      (o) => o === 'http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT',
    ),
  );
  assert.ok(
    objects('http://www.w3.org/ns/dcat#theme').every((o) =>
      o.startsWith('http://publications.europa.eu/resource/authority/data-theme/'),
    ),
  );
  assert.ok(
    objects('http://www.w3.org/ns/dcat#mediaType').includes(
      'http://www.iana.org/assignments/media-types/application/geo+json',
    ),
  );
  assert.ok(
    objects('http://purl.org/dc/terms/format').includes(
      'http://publications.europa.eu/resource/authority/file-type/CSV',
    ),
  );
});

test('the JSON-LD catalogue is the same graph, and passes the same shapes', async () => {
  const turtle = new Parser({ format: 'text/turtle' }).parse(
    await (await fetch(`${server.url}/open-data/catalog.ttl`)).text(),
  );
  const response = await fetch(`${server.url}/open-data/catalog.jsonld`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/ld\+json/);
  const quads = await parseJsonLd(await response.text());
  const { violations, warnings } = await validate(quads);
  assert.deepEqual(violations, []);
  assert.deepEqual(warnings.filter(unexpectedWarning), []);
  const key = (q: RDF.Quad) => `${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value}`;
  assert.deepEqual(new Set(quads.map(key)), new Set(turtle.map(key)));
});

test('the shapes catch a catalogue that breaks them (the check can fail)', async () => {
  const quads = new Parser({ format: 'text/turtle' }).parse(
    await (await fetch(`${server.url}/open-data/catalog.ttl`)).text(),
  );
  const broken = quads.filter(
    (q) =>
      q.predicate.value !== 'http://www.w3.org/ns/dcat#accessURL' &&
      q.predicate.value !== 'http://purl.org/dc/terms/title',
  );
  const { violations } = await validate(broken);
  assert.ok(
    violations.some((v) => v.includes('accessURL')),
    'a distribution without dcat:accessURL is a violation',
  );
});

const DCT = 'http://purl.org/dc/terms/';
const DCAT = 'http://www.w3.org/ns/dcat#';
const DCATAPIT = 'http://dati.gov.it/onto/dcatapit#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

test('every dataset placed in time has its time coverage, from its first date to its last change', async () => {
  const quads = new Parser({ format: 'text/turtle' }).parse(
    await (await fetch(`${server.url}/open-data/catalog.ttl`)).text(),
  );
  const timed = DATASETS.filter((dataset) => dataset.temporal);
  assert.ok(timed.length >= 10);
  for (const dataset of timed) {
    const subject = `http://localhost:3000/open-data/${dataset.id}#dataset`;
    const period = quads.find((q) => q.subject.value === subject && q.predicate.value === `${DCT}temporal`)?.object;
    assert.ok(period, `${dataset.id} has dct:temporal`);
    const value = (predicate: string) =>
      quads.find((q) => q.subject.equals(period) && q.predicate.value === predicate)?.object.value;
    assert.ok(
      quads.some(
        (q) => q.subject.equals(period) && q.predicate.value === RDF_TYPE && q.object.value === `${DCT}PeriodOfTime`,
      ),
    );
    const start = value(`${DCAT}startDate`);
    const end = value(`${DCAT}endDate`);
    assert.ok(start || end, `${dataset.id} period has a date`);
    if (start && end) assert.ok(new Date(start) <= new Date(end), `${dataset.id}: ${start} ≤ ${end}`);
  }
  // the reports' coverage starts at the oldest report among the first
  const reports = await server.ctx.db
    .selectFrom('reports_report')
    .select((eb) => eb.fn.min('created_at').as('first'))
    .executeTakeFirstOrThrow();
  const period = quads.find(
    (q) =>
      q.subject.value === 'http://localhost:3000/open-data/reports#dataset' && q.predicate.value === `${DCT}temporal`,
  )?.object;
  const start = quads.find((q) => period && q.subject.equals(period) && q.predicate.value === `${DCAT}startDate`);
  assert.equal(start?.object.value, new Date(reports.first).toISOString());
});

test('with DCAT-AP_IT and GeoDCAT-AP switched on by an administrator, both serialisations still pass the shapes', async () => {
  const admin = await signedInClient(server, { role: 'admin' });
  const resident = await signedInClient(server, { role: 'resident' });
  assert.equal((await resident.client.get('/admin/open-data')).status, 403);
  const page = await admin.client.page('/admin/open-data');
  assert.equal(page.response.status, 200);
  for (const licence of ['CC_BY_4_0', 'CC0', 'IODL_2_0']) assert.ok(page.html.includes(`value="${licence}"`));

  // DCAT-AP_IT without an IPA code nor an address is refused, and nothing changes
  const refused = await admin.client.submit('/admin/open-data', '/admin/open-data', {
    licence: 'IODL_2_0',
    contactEmail: '',
    ipaCode: '',
    dcatApIt: 'yes',
  });
  assert.equal(refused.status, 400);
  const refusedHtml = await refused.text();
  assert.match(refusedHtml, /href="#ipaCode"/);
  assert.match(refusedHtml, /href="#contactEmail"/);
  assert.equal(await server.ctx.db.selectFrom('open_data_setting').select('licence').executeTakeFirst(), undefined);

  const saved = await admin.client.submit('/admin/open-data', '/admin/open-data', {
    licence: 'IODL_2_0',
    contactEmail: 'opendata@valmora.example',
    ipaCode: 'c_v999',
    dcatApIt: 'yes',
    geoDcatAp: 'yes',
  });
  assert.equal(saved.status, 303, await saved.text());
  try {
    const turtle = await (await fetch(`${server.url}/open-data/catalog.ttl`)).text();
    const quads = new Parser({ format: 'text/turtle' }).parse(turtle);
    const fromTurtle = await validate(quads);
    assert.deepEqual(fromTurtle.violations, []);
    assert.deepEqual(fromTurtle.warnings.filter(unexpectedWarning), []);
    const jsonLd = await parseJsonLd(await (await fetch(`${server.url}/open-data/catalog.jsonld`)).text());
    const fromJsonLd = await validate(jsonLd);
    assert.deepEqual(fromJsonLd.violations, []);
    const key = (q: RDF.Quad) => `${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value}`;
    assert.deepEqual(new Set(jsonLd.map(key)), new Set(quads.map(key)));

    const typed = (type: string) =>
      quads.filter((q) => q.predicate.value === RDF_TYPE && q.object.value === type).map((q) => q.subject.value);
    const objects = (subject: string, predicate: string) =>
      quads.filter((q) => q.subject.value === subject && q.predicate.value === predicate).map((q) => q.object);
    assert.deepEqual(typed(`${DCATAPIT}Catalog`), ['http://localhost:3000/open-data/catalog']);
    assert.equal(typed(`${DCATAPIT}Dataset`).length, DATASETS.length);
    assert.equal(typed(`${DCATAPIT}Distribution`).length, typed(`${DCAT}Distribution`).length);
    for (const dataset of DATASETS) {
      const subject = `http://localhost:3000/open-data/${dataset.id}#dataset`;
      assert.deepEqual(
        objects(subject, `${DCT}identifier`).map((o) => o.value),
        [`c_v999:${dataset.id}`],
      );
      for (const predicate of ['rightsHolder', 'publisher']) {
        const [agent] = objects(subject, `${DCT}${predicate}`);
        assert.ok(agent && typed(`${DCATAPIT}Agent`).includes(agent.value), `${dataset.id} ${predicate}`);
        assert.deepEqual(
          objects(agent.value, `${DCT}identifier`).map((o) => o.value),
          ['c_v999'],
        );
      }
      assert.equal(objects(subject, `${DCT}accrualPeriodicity`).length, 1);
      assert.equal(objects(subject, `${DCT}modified`).length, 1, `${dataset.id} dct:modified`);
      assert.ok(objects(subject, `${DCT}language`).length >= 1);
      assert.ok(
        objects(subject, `${DCAT}theme`).every((o) =>
          o.value.startsWith('http://publications.europa.eu/resource/authority/data-theme/'),
        ),
      );
      const [contact] = objects(subject, `${DCAT}contactPoint`);
      assert.ok(contact && typed(`${DCATAPIT}Organization`).includes(contact.value));
      assert.deepEqual(
        objects(contact.value, 'http://www.w3.org/2006/vcard/ns#hasEmail').map((o) => o.value),
        ['mailto:opendata@valmora.example'],
      );
    }
    const licences = new Set(quads.filter((q) => q.predicate.value === `${DCT}license`).map((q) => q.object.value));
    assert.deepEqual([...licences], ['https://w3id.org/italia/controlled-vocabulary/licences/A29_IODL20']);
    assert.ok(typed(`${DCATAPIT}LicenseDocument`).includes([...licences][0] as string));

    // GeoDCAT-AP: the spatial coverage carries the districts' geometry and its bounding box
    const spatial = objects('http://localhost:3000/open-data/reports#dataset', `${DCT}spatial`)[0];
    assert.ok(spatial && typed(`${DCT}Location`).includes(spatial.value));
    const [geometry] = objects(spatial.value, 'http://www.w3.org/ns/locn#geometry');
    const [bbox] = objects(spatial.value, `${DCAT}bbox`);
    const wkt = 'http://www.opengis.net/ont/geosparql#wktLiteral';
    if (geometry?.termType !== 'Literal') return assert.fail('locn:geometry is a literal');
    assert.equal(geometry.datatype.value, wkt);
    assert.match(geometry.value, /^MULTIPOLYGON\(\(\(-?\d/);
    assert.ok(bbox?.termType === 'Literal' && bbox.datatype.value === wkt && bbox.value.startsWith('POLYGON(('));
  } finally {
    await server.ctx.db.deleteFrom('open_data_setting').execute();
  }
  const off = await (await fetch(`${server.url}/open-data/catalog.ttl`)).text();
  assert.ok(!off.includes('dcatapit:Dataset'), 'switched off, no DCAT-AP_IT');
  assert.ok(!off.includes('locn:geometry'), 'switched off, no geometry');
});
