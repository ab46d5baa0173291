import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { countAddresses, importAddressFile, importStreets } from '../../src/modules/places/index.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { TestClient } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let city: Organisation;
before(async () => {
  server = await startTestServer({ demo: true });
  const found = (await server.organisations.findAll())[0];
  assert.ok(found);
  city = found;
});
after(() => server.close());

interface Candidate {
  label: string;
  lat: number;
  lon: number;
  kind: string;
  source: string;
}

async function geocode(q: string, lang: string): Promise<Candidate[]> {
  const response = await fetch(`${server.url}/api/v1/places/geocode?q=${encodeURIComponent(q)}&lang=${lang}`);
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { candidates: Candidate[] }).candidates;
}

// A bilingual street (Italian, with its German name), in OpenAddresses' columns
const REGISTER = `LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH,STREET:DE
9.8301,44.0901,3,Via della Libertà,,Valmora,,,19100,lib-3,,Freiheitsstraße
9.8304,44.0903,5,Via della Libertà,,Valmora,,,19100,lib-5,,Freiheitsstraße
9.8307,44.0905,7,Via della Libertà,B,Valmora,,,19100,lib-7b,,Freiheitsstraße
`;

describe('importing an address register', () => {
  test('imports OpenAddresses CSV, and importing it again updates instead of adding', async () => {
    const before = await countAddresses(server.ctx.db, city.id);
    const first = await importAddressFile(server.ctx.db, city.id, 'register.csv', REGISTER);
    assert.deepEqual(first, { ok: true, created: 3, updated: 0, total: 3 });
    const moved = REGISTER.replace('9.8301,44.0901', '9.8302,44.0902');
    const again = await importAddressFile(server.ctx.db, city.id, 'register.csv', moved);
    assert.deepEqual(again, { ok: true, created: 0, updated: 3, total: 3 });
    assert.equal(await countAddresses(server.ctx.db, city.id), before + 3);
    const [found] = await geocode('via della liberta 3', 'it');
    assert.equal(found?.label, 'Via della Libertà 3, Valmora');
    assert.equal(found.lon, 9.8302, 'the re-import moved the address');
  });

  test('imports GeoJSON points with OpenStreetMap tags, and buildings at their middle', async () => {
    const collection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: 'node/101',
          properties: { 'addr:housenumber': '14', 'addr:street': 'Rue des Écoles', 'addr:city': 'Valmora' },
          geometry: { type: 'Point', coordinates: [9.8401, 44.0951] },
        },
        {
          type: 'Feature',
          id: 'way/202',
          properties: { 'addr:housenumber': '16', 'addr:street': 'Rue des Écoles' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [9.8404, 44.0952],
                [9.8406, 44.0952],
                [9.8406, 44.0954],
                [9.8404, 44.0954],
              ],
            ],
          },
        },
      ],
    };
    const outcome = await importAddressFile(server.ctx.db, city.id, 'osm.geojson', JSON.stringify(collection));
    assert.deepEqual(outcome, { ok: true, created: 2, updated: 0, total: 2 });
    const [school] = await geocode('rue des ecoles 16', 'fr');
    assert.equal(school?.label, 'Rue des Écoles 16, Valmora');
    assert.ok(Math.abs(school.lat - 44.0953) < 1e-6, 'the middle of the building');
  });

  test('imports nothing from a file with problems, and says on which line', async () => {
    const before = await countAddresses(server.ctx.db, city.id);
    const badRows = `LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH
9.83,44.09,1,Via Buona,,Valmora,,,,ok-1,
north,44.09,2,Via Buona,,Valmora,,,,bad-2,
9.83,44.09,3,,,Valmora,,,,bad-3,
`;
    const rows = await importAddressFile(server.ctx.db, city.id, 'bad.csv', badRows);
    assert.equal(rows.ok, false);
    assert.ok(!rows.ok);
    assert.deepEqual(rows.problems, [
      'line 3: the longitude and latitude must be decimal degrees (WGS 84)',
      'line 4: the street is missing',
    ]);
    const header = await importAddressFile(server.ctx.db, city.id, 'bad.csv', 'X,Y,NUMBER,STREET\n9.8,44.1,1,Via\n');
    assert.ok(!header.ok);
    assert.match(header.problems[0] ?? '', /^line 1: the header needs the columns LON, LAT/);
    const geojson = await importAddressFile(server.ctx.db, city.id, 'bad.geojson', '{"type":"Feature"}');
    assert.ok(!geojson.ok);
    assert.deepEqual(geojson.problems, ['the file must be a GeoJSON FeatureCollection']);
    const notJson = await importAddressFile(server.ctx.db, city.id, 'bad.geojson', '{"type":');
    assert.ok(!notJson.ok);
    assert.match(notJson.problems[0] ?? '', /^the file is not JSON/);
    assert.equal(await countAddresses(server.ctx.db, city.id), before, 'nothing was written');
  });

  test('refuses street lines that are not lines', async () => {
    const refused = await importStreets(
      server.ctx.db,
      city.id,
      {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { name: 'Via Storta' },
            geometry: { type: 'Point', coordinates: [9.8, 44.1] },
          },
        ],
      },
      'it',
    );
    assert.ok(!refused.ok);
    assert.match(refused.problems[0] ?? '', /^feature 1: the geometry must be a LineString/);
  });
});

describe('searching the register', () => {
  test('forgives accents, case and typos, in the city’s languages', async () => {
    // no accent, a missing letter
    const [italian] = await geocode('Via dela Liberta 5', 'it');
    assert.equal(italian?.label, 'Via della Libertà 5, Valmora');
    assert.equal(italian.kind, 'address');
    assert.equal(italian.source, 'register');
    // the German name, ß typed as ss and a letter missing, answers in German
    const [german] = await geocode('freiheitstrasse 5', 'de');
    assert.equal(german?.label, 'Freiheitsstraße 5, Valmora');
    assert.equal(german.lat, italian.lat, 'one address under both names');
    // a unit, and the city's name typed after a comma
    const [unit] = await geocode('Via della Libertà 7, Valmora', 'it');
    assert.equal(unit?.label, 'Via della Libertà 7/B, Valmora');
    // a street without a number answers the street
    const [street] = await geocode('liberta', 'it');
    assert.equal(street?.label, 'Via della Libertà, Valmora');
    assert.equal(street.kind, 'street');
    assert.deepEqual(await geocode('zzzz qqqq', 'it'), []);
  });

  test('the demo city searches its imported register', async () => {
    const [found] = await geocode('via del porto 12', 'en');
    assert.equal(found?.label, 'Via del Porto 12, Valmora');
    const [hafen] = await geocode('Hafenstrasse 12', 'de');
    assert.equal(hafen?.label, 'Hafenstraße 12, Valmora');
  });

  test('names the nearest address of a point, and nothing far from every address', async () => {
    const near = (await (
      await fetch(`${server.url}/api/v1/places/reverse?lat=44.09031&lon=9.83041&lang=de`)
    ).json()) as { address: Candidate | null };
    assert.equal(near.address?.label, 'Freiheitsstraße 5, Valmora');
    const far = (await (await fetch(`${server.url}/api/v1/places/reverse?lat=45.5&lon=10.5`)).json()) as {
      address: Candidate | null;
    };
    assert.equal(far.address, null);
    const bad = await fetch(`${server.url}/api/v1/places/reverse?lat=95&lon=9.8`);
    assert.equal(bad.status, 400);
  });
});

describe('the report form', () => {
  test('without JavaScript: a search lists addresses to choose, and a chosen point is named', async () => {
    const client = new TestClient(server.url);
    const page = await (await client.get('/reports/new?q=Via+dela+Liberta+5')).text();
    assert.match(page, /href="[^"]*address=Via\+della\+Libert%C3%A0\+5%2C\+Valmora[^"]*"/);
    const point = await (await client.get('/reports/new?lat=44.09031&lng=9.83041')).text();
    assert.match(point, /Near Via della Libertà 5, Valmora/);
    assert.match(point, /id="address" name="address" type="text" value="Near Via della Libertà 5, Valmora"/);
  });
});
