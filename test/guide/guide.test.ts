import assert from 'node:assert/strict';
import { SaxesParser } from 'saxes';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { exifSegment, exifTiff, grayJpeg, GPS_TEXT } from '../support/images.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The city guide (issue 20) over real HTTP on the demo city: places with JSON-LD, tours and their exports,
 * plate codes, "near me" through the GiST index, the broken plate filed as a report, photos stripped of
 * their location, the open-data dataset and the iCalendar feed.
 */

let server: TestServer;
let anonymous: TestClient;
const HTML = { accept: 'text/html' };

async function placeId(code: string): Promise<number> {
  const row = await server.ctx.db
    .selectFrom('guide_place')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return row.id;
}

before(async () => {
  server = await startTestServer({ demo: true });
  anonymous = new TestClient(server.url);
});
after(async () => {
  await server.close();
});

describe('places', () => {
  test('the demo city has at least 20 places and 2 tours, inside its districts, in several languages', async () => {
    const places = await server.ctx.db.selectFrom('guide_place').select(['lat', 'lng', 'name']).execute();
    assert.ok(places.length >= 20, `${places.length} places`);
    const tours = await server.ctx.db.selectFrom('guide_tour').select('title').execute();
    assert.ok(tours.length >= 2);
    assert.ok(tours.every((tour) => Object.keys(tour.title).length >= 3));
    const districts = await server.ctx.db
      .selectFrom('places_district')
      .select('geometry')
      .where('kind', '=', 'district')
      .execute();
    const boxes = districts.map((district) => {
      const ring = (district.geometry as { coordinates: number[][][] }).coordinates[0] ?? [];
      const lngs = ring.map((point) => point[0] ?? 0);
      const lats = ring.map((point) => point[1] ?? 0);
      return { w: Math.min(...lngs), e: Math.max(...lngs), s: Math.min(...lats), n: Math.max(...lats) };
    });
    for (const place of places)
      assert.ok(
        boxes.some((box) => place.lng > box.w && place.lng < box.e && place.lat > box.s && place.lat < box.n),
        `${place.name.en} lies in a district`,
      );
  });

  test('a place page shows texts, easy-to-read version, hours, accessibility, OSM link, code and JSON-LD', async () => {
    const id = await placeId('OT01');
    const response = await anonymous.get(`/guide/places/${id}?lang=it`, HTML);
    assert.equal(response.status, 200);
    const page = await response.text();
    assert.match(page, /Cattedrale di San Lorenzo/);
    assert.match(page, /Facile da leggere/);
    assert.match(page, /Mo-Sa 08:00-18:00; Su 13:00-18:00/);
    assert.match(page, /href="https:\/\/www.openstreetmap.org\/way\/123456701"/);
    assert.match(page, /href="\/g\/OT01"/);
    assert.match(page, /Trascrizione dell&#39;audioguida|Trascrizione dell'audioguida/);
    const json = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(page)?.[1];
    assert.ok(json);
    const ld = JSON.parse(json) as Record<string, unknown>;
    assert.equal(ld['@type'], 'TouristAttraction');
    assert.equal(ld.name, 'Cattedrale di San Lorenzo');
    assert.deepEqual(ld.geo, { '@type': 'GeoCoordinates', latitude: 44.1175, longitude: 9.7945 });
  });

  test('a plate code opens its stop, in any case; an unknown code is a 404 with its error code', async () => {
    const id = await placeId('OT03');
    for (const path of ['/g/OT03', '/g/ot03', '/g?code=%20ot03%20']) {
      const response = await anonymous.get(path);
      assert.equal(response.status, 303, path);
      assert.equal(response.headers.get('location'), `/guide/places/${id}`);
    }
    const unknown = await anonymous.get('/g/ZZ99', { accept: 'application/json' });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'GUIDE_CODE_NOT_FOUND');
    assert.equal((await anonymous.get('/guide/places/999999', HTML)).status, 404);
    assert.equal((await anonymous.get('/guide/places/abc', HTML)).status, 404);
  });

  test('each plate has its QR code, an SVG that names the short address; the stop page shows it with a text alternative', async () => {
    const qr = await anonymous.get('/g/ot03/qr.svg');
    assert.equal(qr.status, 200);
    assert.match(qr.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    const svg = await qr.text();
    const parser = new SaxesParser({ xmlns: true });
    let root = '';
    parser.on('opentag', (tag) => (root ||= tag.local));
    parser.write(svg).close();
    assert.equal(root, 'svg');
    assert.ok((svg.match(/<path/g) ?? []).length >= 1, 'modules drawn');
    assert.equal((await anonymous.get('/g/ZZ99/qr.svg', { accept: 'application/json' })).status, 404);
    const id = await placeId('OT03');
    const page = await (await anonymous.get(`/guide/places/${id}`, HTML)).text();
    assert.match(
      page,
      /<img class="guide-qr" src="\/g\/OT03\/qr\.svg"[^>]* alt="QR code that opens http[^"]+\/g\/OT03"/,
    );
  });

  test('/guide/places.geojson is an RFC 7946 FeatureCollection of every place', async () => {
    const response = await anonymous.get('/guide/places.geojson');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/geo\+json/);
    const body = (await response.json()) as {
      type: string;
      features: Array<{ geometry: { type: string; coordinates: number[] }; properties: { code: string } }>;
    };
    assert.equal(body.type, 'FeatureCollection');
    const count = await server.ctx.db
      .selectFrom('guide_place')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(body.features.length, count.n);
    const cathedral = body.features.find((feature) => feature.properties.code === 'OT01');
    assert.deepEqual(cathedral?.geometry, { type: 'Point', coordinates: [9.7945, 44.1175] });
  });

  test('the places are an open-data dataset', async () => {
    const response = await anonymous.get('/open-data/guide-places.csv');
    assert.equal(response.status, 200);
    const csv = await response.text();
    assert.match(csv.split('\n')[0] ?? '', /opening_hours/);
    assert.match(csv, /OT01/);
    assert.match(csv, /https:\/\/www.openstreetmap.org\/way\/123456701/);
  });
});

describe('near me', () => {
  test('answers the nearest places, nearest first, with distances measured by earthdistance', async () => {
    const response = await anonymous.get('/guide/near.json?lat=44.1176&lng=9.7946');
    assert.equal(response.status, 200);
    const body = (await response.json()) as { places: Array<{ code: string; metres: number }> };
    const [nearest] = body.places;
    assert.ok(nearest);
    assert.equal(nearest.code, 'OT01');
    assert.ok(nearest.metres < 20);
    const metres = body.places.map((place) => place.metres);
    assert.deepEqual(
      metres,
      [...metres].sort((a, b) => a - b),
    );
    assert.equal(body.places.length, 5);
  });

  test('without JavaScript, a typed position lists the nearest places; a bad position is refused', async () => {
    const page = await (await anonymous.get('/guide/near?lat=44.0915&lng=9.8025', HTML)).text();
    assert.match(page, /Vineyard Slope Path|New Square/);
    const refused = await anonymous.get('/guide/near.json?lat=91&lng=9', { accept: 'application/json' });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'GUIDE_POSITION_INVALID');
    assert.equal((await anonymous.get('/guide/near.json?lat=abc&lng=9')).status, 400);
  });

  test('the page’s script runs the tested rule, served from its source', async () => {
    const rule = await (await anonymous.get('/guide/near-rule.js')).text();
    assert.match(rule, /^export function nextCard\(/);
  });
});

describe('tours', () => {
  test('a tour page lists its stops in order with the computed length, and links its exports', async () => {
    const tour = await server.ctx.db.selectFrom('guide_tour').select('id').orderBy('id').executeTakeFirstOrThrow();
    const page = await (await anonymous.get(`/guide/tours/${tour.id}`, HTML)).text();
    const order = [...page.matchAll(/href="\/guide\/tours\/\d+\/stops\/(\d+)"/g)].map((match) => Number(match[1]));
    assert.deepEqual(order, [1, 2, 3, 4, 5, 6, 7]);
    assert.match(page, /\d(\.\d)? km|\d+ m/);
    assert.match(page, /route\.gpx/);
    assert.match(page, /"@type":"TouristTrip"/);
  });

  test('a stop page leads to the next stop, so the tour can be followed from plate to plate', async () => {
    const tour = await server.ctx.db.selectFrom('guide_tour').select('id').orderBy('id').executeTakeFirstOrThrow();
    const page = await (await anonymous.get(`/guide/tours/${tour.id}/stops/1`, HTML)).text();
    assert.match(page, new RegExp(`rel="next" href="/guide/tours/${tour.id}/stops/2"`));
    const last = await (await anonymous.get(`/guide/tours/${tour.id}/stops/7`, HTML)).text();
    assert.doesNotMatch(last, /rel="next"/);
    assert.equal((await anonymous.get(`/guide/tours/${tour.id}/stops/99`, HTML)).status, 404);
  });

  test('GPX and GeoJSON exports, the printable version and the offline service worker', async () => {
    const tour = await server.ctx.db.selectFrom('guide_tour').select('id').orderBy('id').executeTakeFirstOrThrow();
    const gpx = await anonymous.get(`/guide/tours/${tour.id}/route.gpx`);
    assert.match(gpx.headers.get('content-type') ?? '', /application\/gpx\+xml/);
    assert.equal(((await gpx.text()).match(/<wpt /g) ?? []).length, 7);
    const geojson = (await (await anonymous.get(`/guide/tours/${tour.id}/route.geojson`)).json()) as {
      features: Array<{ geometry: { type: string } }>;
    };
    assert.equal(geojson.features[0]?.geometry.type, 'LineString');
    assert.equal(geojson.features.length, 8);
    const print = await (await anonymous.get(`/guide/tours/${tour.id}/print`, HTML)).text();
    assert.equal((print.match(/Plate code/g) ?? []).length, 7);
    const worker = await anonymous.get(`/guide/tours/${tour.id}/sw.js`);
    assert.equal(worker.headers.get('service-worker-allowed'), `/guide/tours/${tour.id}`);
    const script = await worker.text();
    assert.match(script, new RegExp(`"/guide/tours/${tour.id}/stops/7"`));
  });
});

describe('broken plates, photos and events', () => {
  test('a signed-in visitor reports a broken plate: a report at the stop, routed to the department in charge', async () => {
    const id = await placeId('OT04');
    const { client } = await signedInClient(server);
    const { csrf } = await client.page(`/guide/places/${id}`);
    const response = await client.postForm(`/guide/places/${id}/broken`, {
      _csrf: csrf,
      note: 'The QR code is scratched off.',
    });
    assert.equal(response.status, 303);
    const reportId = Number(/\/reports\/(\d+)$/.exec(response.headers.get('location') ?? '')?.[1]);
    const report = await server.ctx.db
      .selectFrom('reports_report')
      .select(['description', 'department_id', 'lat', 'lng'])
      .where('id', '=', reportId)
      .executeTakeFirstOrThrow();
    assert.match(report.description, /OT04/);
    assert.match(report.description, /scratched off/);
    assert.notEqual(report.department_id, null);
    assert.ok(Math.abs(report.lat - 44.1125) < 1e-9);
  });

  test('an anonymous visitor is sent to the report form (which confirms by e-mail), never files directly', async () => {
    const id = await placeId('OT04');
    const page = await (await anonymous.get(`/guide/places/${id}`, HTML)).text();
    assert.match(page, /href="\/reports\/new\?category=traffic_sign&amp;lat=/);
    const { csrf } = await anonymous.page(`/guide/places/${id}`);
    const refused = await anonymous.postForm(`/guide/places/${id}/broken`, { _csrf: csrf, note: 'x' });
    assert.equal(refused.status, 401);
  });

  test('staff add a photo with alt text; its location metadata is stripped', async () => {
    const id = await placeId('HB02');
    const { client } = await signedInClient(server, { role: 'admin' });
    const { csrf } = await client.page(`/guide/places/${id}`);
    const photo = grayJpeg(16, 16, [exifSegment(exifTiff())]);
    assert.ok(photo.includes(Buffer.from('Exif\0\0')), 'the upload carries Exif (with GPS)');
    const form = new FormData();
    form.set('_csrf', csrf);
    form.set('alt_en', 'The white lighthouse at the end of the pier');
    form.set('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'lighthouse.jpg');
    const response = await client.request('POST', `/guide/places/${id}/photos`, { body: form });
    assert.equal(response.status, 303);
    const page = await (await client.get(`/guide/places/${id}`, HTML)).text();
    const src = /<img src="(\/guide\/photos\/\d+)" alt="The white lighthouse at the end of the pier"/.exec(page)?.[1];
    assert.ok(src);
    const stored = Buffer.from(await (await anonymous.get(src)).arrayBuffer());
    assert.equal(stored.subarray(0, 2).toString('hex'), 'ffd8');
    assert.equal(stored.includes(Buffer.from('Exif\0\0')), false);
    assert.equal(stored.includes(Buffer.from(GPS_TEXT)), false);

    const { csrf: again } = await client.page(`/guide/places/${id}`);
    const noAlt = new FormData();
    noAlt.set('_csrf', again);
    noAlt.set('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'lighthouse.jpg');
    const refused = await client.request('POST', `/guide/places/${id}/photos`, { body: noAlt, headers: HTML });
    assert.equal(refused.status, 400);
  });

  test('a resident may not add photos', async () => {
    const id = await placeId('HB02');
    const { client } = await signedInClient(server);
    const { csrf } = await client.page(`/guide/places/${id}`);
    const form = new FormData();
    form.set('_csrf', csrf);
    form.set('alt_en', 'x');
    form.set('photo', new Blob([new Uint8Array(grayJpeg(8, 8))], { type: 'image/jpeg' }), 'x.jpg');
    assert.equal((await client.request('POST', `/guide/places/${id}/photos`, { body: form })).status, 403);
  });

  test('events at places and tours are in the iCalendar feed', async () => {
    const response = await anonymous.get('/guide/events.ics');
    assert.match(response.headers.get('content-type') ?? '', /^text\/calendar/);
    const text = (await response.text()).replace(/\r\n /g, '');
    assert.equal((text.match(/BEGIN:VEVENT/g) ?? []).length, 2);
    assert.match(text, /SUMMARY:Open dome night/);
    assert.match(text, /GEO:\d+\.\d+;\d+\.\d+/);
  });
});
