import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { saveGeocoderSetting } from '../../src/modules/places/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** A local service answering like Nominatim or Photon, recording each request and when it came. */
class FakeGeocoder {
  readonly calls: Array<{ path: string; query: URLSearchParams; userAgent: string; at: number }> = [];
  server!: Server;
  url = '';
  readonly answer: (path: string, query: URLSearchParams) => unknown;
  constructor(answer: (path: string, query: URLSearchParams) => unknown) {
    this.answer = answer;
  }
  async start(): Promise<void> {
    this.server = createServer((request: IncomingMessage, response) => {
      const url = new URL(request.url ?? '/', 'http://fake');
      this.calls.push({
        path: url.pathname,
        query: url.searchParams,
        userAgent: String(request.headers['user-agent']),
        at: Date.now(),
      });
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(this.answer(url.pathname, url.searchParams)));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

// Nominatim's jsonv2 answers (https://nominatim.org/release-docs/latest/api/Output/), inside the demo city
const nominatimPlace = {
  place_id: 132_456_789,
  licence: 'Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright',
  osm_type: 'node',
  osm_id: 4_521_883_201,
  lat: '44.1071000',
  lon: '9.8250000',
  category: 'place',
  type: 'house',
  place_rank: 30,
  importance: 0.00000999999,
  addresstype: 'place',
  name: '',
  display_name: '12, Via del Porto, Porto, Valmora, 19100, Italia',
  address: {
    house_number: '12',
    road: 'Via del Porto',
    suburb: 'Porto',
    city: 'Valmora',
    postcode: '19100',
    country: 'Italia',
    country_code: 'it',
  },
  boundingbox: ['44.1070500', '44.1071500', '9.8249500', '9.8250500'],
};
const nominatimFar = { ...nominatimPlace, lat: '45.4642', lon: '9.19', display_name: 'Milano' };

// Photon's GeoJSON FeatureCollection (https://github.com/komoot/photon#search-and-geocoding)
const photonCollection = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [9.8251, 44.1072] },
      properties: {
        osm_id: 4_521_883_202,
        osm_type: 'N',
        osm_key: 'place',
        osm_value: 'house',
        type: 'house',
        housenumber: '14',
        street: 'Via del Porto',
        postcode: '19100',
        district: 'Porto',
        city: 'Valmora',
        countrycode: 'IT',
        country: 'Italia',
      },
    },
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [9.8261, 44.1081] },
      properties: {
        osm_id: 25_123_456,
        osm_type: 'W',
        osm_key: 'highway',
        osm_value: 'residential',
        type: 'street',
        name: 'Via del Porto',
        city: 'Valmora',
        countrycode: 'IT',
        country: 'Italia',
        extent: [9.8198, 44.1149, 9.8347, 44.1065],
      },
    },
  ],
};

let server: TestServer;
let nominatim: FakeGeocoder;
let photon: FakeGeocoder;
let cityId: number;

before(async () => {
  nominatim = new FakeGeocoder((path) =>
    path === '/reverse' ? nominatimPlace : path === '/search' ? [nominatimPlace, nominatimFar] : [],
  );
  photon = new FakeGeocoder((path) =>
    path === '/reverse' ? { ...photonCollection, features: [photonCollection.features[0]] } : photonCollection,
  );
  await Promise.all([nominatim.start(), photon.start()]);
  server = await startTestServer({ demo: true, allowOutbound: [nominatim.url, photon.url] });
  const city = (await server.organisations.findAll())[0];
  assert.ok(city);
  cityId = city.id;
});
after(async () => {
  await server.close();
  await Promise.all([nominatim.close(), photon.close()]);
});

async function geocode(q: string, lang = 'it') {
  const response = await fetch(`${server.url}/api/v1/places/geocode?q=${encodeURIComponent(q)}&lang=${lang}`);
  assert.equal(response.status, 200);
  return (await response.json()) as {
    candidates: Array<{ label: string; lat: number; lon: number; kind: string; source: string }>;
    suggest: boolean;
  };
}

test('Nominatim: searches in the city’s box, one request a second, answers cached', async () => {
  await saveGeocoderSetting(server.ctx.db, cityId, 'nominatim', nominatim.url);
  const first = await geocode('Via del Porto 12');
  assert.equal(first.suggest, false, 'Nominatim’s usage policy forbids autocomplete');
  assert.deepEqual(first.candidates, [
    { label: 'Via del Porto 12, Valmora', lat: 44.1071, lon: 9.825, kind: 'address', source: 'nominatim' },
  ]);
  const call = nominatim.calls.at(-1);
  assert.ok(call);
  assert.equal(call.path, '/search');
  assert.equal(call.query.get('format'), 'jsonv2');
  assert.equal(call.query.get('bounded'), '1');
  assert.equal(call.query.get('accept-language'), 'it');
  assert.match(call.userAgent, /^InteractiveCity\/1 \(\+http:\/\/localhost:3000\/\)$/);

  const count = nominatim.calls.length;
  await geocode('via del porto 12');
  assert.equal(nominatim.calls.length, count, 'the same search is answered from the cache');

  // two new searches at once: the second waits its turn
  await Promise.all([geocode('Via Nuova 1'), geocode('Via Nuova 2')]);
  const [a, b] = nominatim.calls.slice(-2);
  assert.ok(a && b);
  assert.ok(b.at - a.at >= 950, `${b.at - a.at} ms between two requests`);

  const reverse = (await (await fetch(`${server.url}/api/v1/places/reverse?lat=44.1071&lon=9.825&lang=it`)).json()) as {
    address: { label: string } | null;
  };
  assert.equal(reverse.address?.label, 'Via del Porto 12, Valmora');
  assert.equal(nominatim.calls.at(-1)?.path, '/reverse');
});

test('Photon: a GeoJSON FeatureCollection becomes addresses and streets, suggestions allowed', async () => {
  await saveGeocoderSetting(server.ctx.db, cityId, 'photon', photon.url);
  const found = await geocode('via del porto 14', 'de');
  assert.equal(found.suggest, true);
  assert.deepEqual(
    found.candidates.map((c) => [c.label, c.kind, c.source]),
    [
      ['Via del Porto 14, Valmora', 'address', 'photon'],
      ['Via del Porto, Valmora', 'street', 'photon'],
    ],
  );
  const call = photon.calls.at(-1);
  assert.equal(call?.path, '/api');
  assert.equal(call.query.get('lang'), 'de');
  assert.match(call.query.get('bbox') ?? '', /^9\.\d+,44\.\d+,9\.\d+,44\.\d+$/);
  const count = photon.calls.length;
  await geocode('via del porto 14', 'de');
  assert.equal(photon.calls.length, count, 'cached');
  // Photon has no Romanian names: the language is left out
  await geocode('via del porto 16', 'ro');
  assert.equal(photon.calls.at(-1)?.query.get('lang'), null);
});

test('the report form’s search uses the configured service, and the register again when chosen', async () => {
  await saveGeocoderSetting(server.ctx.db, cityId, 'photon', photon.url);
  const page = await (await fetch(`${server.url}/reports/new?q=via+del+porto+14`)).text();
  assert.match(page, /Via del Porto 14, Valmora<\/a>/);
  assert.match(page, /data-suggest="true"/);
  await saveGeocoderSetting(server.ctx.db, cityId, 'register', null);
  const back = await (await fetch(`${server.url}/reports/new?q=via+del+porto+14`)).text();
  assert.match(back, /Via del Porto 14, Valmora<\/a>/, 'the register has the demo’s numbers too');
});
