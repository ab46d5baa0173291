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
 * The recommended properties the catalogue does not give yet: each dataset's time coverage (dct:temporal)
 * and the catalogue's first publication date (dct:issued). Any other warning fails.
 */
const unexpectedWarning = (warning: string) =>
  !/ http:\/\/purl\.org\/dc\/terms\/(temporal|issued) Less than 1 values \(MinCountConstraintComponent\)$/.test(
    warning,
  );

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
