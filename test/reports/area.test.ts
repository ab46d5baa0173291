import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { submitReport } from '../../src/modules/reports/index.ts';
import { DRAW_WIDTH } from '../../src/modules/reports/pages/area.view.ts';
import { MapProjection } from '../../src/platform/web/svg-map.ts';
import { NOTIFY_JOB } from '../../src/modules/reports/subscriptions.ts';
import type { TestClient } from '../support/client.ts';
import { lastMailTo, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Subscribing to new reports in an area drawn on the map: drawing by clicks on the map image without
 * JavaScript (each click is a form post), typing the corners, validation, the notify job's exact
 * point-in-polygon test, and the area's Atom feed.
 */

let server: TestServer;
let city: Organisation;

before(async () => {
  server = await startTestServer({ demo: true });
  city = (await server.organisations.findAll())[0] as Organisation;
});
after(() => server.close());

const AREA = '/reports/subscriptions/area';

/** A U-shaped area around the centre, open to the north: the notch in the middle is in its box but not in it. */
function concaveCorners(): Array<[number, number]> {
  const { lat, lng } = city.map;
  return [
    [lat + 0.01, lng - 0.015],
    [lat - 0.01, lng - 0.015],
    [lat - 0.01, lng + 0.015],
    [lat + 0.01, lng + 0.015],
    [lat + 0.01, lng + 0.005],
    [lat - 0.004, lng + 0.005],
    [lat - 0.004, lng - 0.005],
    [lat + 0.01, lng - 0.005],
  ];
}

function lines(corners: Array<[number, number]>): string {
  return corners.map(([lat, lng]) => `${lat.toFixed(6)}, ${lng.toFixed(6)}`).join('\n');
}

function unescape(text: string): string {
  return text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** What the drawing page holds: its token, the map view and the corners in the text field. */
function formState(html: string): { csrf: string; view: string; points: string } {
  return {
    csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '',
    view: /name="view" value="([^"]+)"/.exec(html)?.[1] ?? '',
    points: unescape(/<textarea id="points"[^>]*>([^<]*)<\/textarea>/.exec(html)?.[1] ?? ''),
  };
}

async function post(
  client: TestClient,
  html: string,
  fields: Record<string, string>,
): Promise<{ response: Response; html: string }> {
  const state = formState(html);
  const response = await client.postForm(AREA, {
    _csrf: state.csrf,
    view: state.view,
    points: state.points,
    category: '',
    ...fields,
  });
  return { response, html: response.status === 303 ? '' : await response.text() };
}

async function areaSubscriptions(userId: number) {
  return server.ctx.db
    .selectFrom('reports_subscription')
    .select(['id', 'area', 'min_lat', 'max_lat', 'min_lng', 'max_lng', 'category_id'])
    .where('user_id', '=', userId)
    .where('kind', '=', 'new_reports')
    .execute();
}

function ringOf(area: unknown): number[][] {
  const polygon = (typeof area === 'string' ? JSON.parse(area) : area) as { type: string; coordinates: number[][][] };
  assert.equal(polygon.type, 'Polygon');
  return polygon.coordinates[0] ?? [];
}

async function report(lat: number, lng: number, description: string): Promise<number> {
  const outcome = await submitReport(server.ctx, city, {
    categoryCode: 'graffiti',
    lat,
    lng,
    description,
    source: 'web',
  });
  assert.ok('ok' in outcome, `the report is accepted: ${JSON.stringify(outcome)}`);
  return outcome.id;
}

describe('drawing an area without JavaScript', () => {
  test('each click on the map image adds a corner; undo removes the last; subscribe stores the polygon', async () => {
    const { client, user } = await signedInClient(server);
    const page = await client.page(AREA);
    assert.equal(page.response.status, 200);
    assert.match(
      page.html,
      /<input type="image" name="map"[^>]* width="640"/,
      'the map is an image button of a known size',
    );
    let html = page.html;
    const view = formState(html).view.split(',').map(Number) as [number, number, number, number];
    const projection = new MapProjection({ minLng: view[0], minLat: view[1], maxLng: view[2], maxLat: view[3] });
    const scale = projection.width / DRAW_WIDTH;

    const clicks: Array<[number, number]> = [
      [200, 120],
      [420, 140],
      [380, 300],
      [250, 330],
    ];
    for (const [index, [x, y]] of clicks.slice(0, 3).entries()) {
      const step = await post(client, html, { 'map.x': String(x), 'map.y': String(y) });
      assert.equal(step.response.status, 200);
      html = step.html;
      assert.equal(formState(html).points.split('\n').length, index + 1, `click ${index + 1} adds a corner`);
    }
    assert.match(html, /Corners so far: 3/);
    assert.match(html, /<polygon class="area-shape" points="[\d., ]+"/, 'three corners are drawn as a closed shape');
    const [lat, lng] = formState(html).points.split('\n')[0]?.split(', ').map(Number) ?? [];
    assert.ok(
      Math.abs((lat ?? 0) - projection.lat(120 * scale)) < 1e-5 &&
        Math.abs((lng ?? 0) - projection.lng(200 * scale)) < 1e-5,
      'the first click becomes the place under the pointer',
    );

    // the narrow map (phones, 320 px wide) maps its clicks back at its own scale: the same place as on the wide one
    assert.match(html, /<input type="image" name="mapsmall"[^>]* width="320"/, 'a narrow map for phones');
    const [tapX, tapY] = clicks[3] ?? [0, 0];
    const narrow = await post(client, html, { 'mapsmall.x': String(tapX / 2), 'mapsmall.y': String(tapY / 2) });
    const wide = await post(client, html, { 'map.x': String(tapX), 'map.y': String(tapY) });
    assert.equal(formState(narrow.html).points.split('\n').length, 4);
    assert.equal(formState(narrow.html).points, formState(wide.html).points);

    // a keyboard press on the image button sends 0,0: no corner, a hint to type instead
    const keyboard = await post(client, html, { 'map.x': '0', 'map.y': '0' });
    assert.equal(formState(keyboard.html).points.split('\n').length, 3);
    assert.match(keyboard.html, /with the keyboard, type its latitude/);

    const undone = await post(client, html, { action: 'undo' });
    assert.equal(formState(undone.html).points.split('\n').length, 2);
    html = undone.html;
    for (const [x, y] of clicks.slice(2))
      html = (await post(client, html, { 'map.x': String(x), 'map.y': String(y) })).html;
    assert.equal(formState(html).points.split('\n').length, 4);

    const cleared = await post(client, html, { action: 'clear' });
    assert.equal(formState(cleared.html).points, '');
    assert.equal((await areaSubscriptions(user.id)).length, 0, 'drawing stores nothing');

    const subscribed = await post(client, html, { action: 'subscribe' });
    assert.equal(subscribed.response.status, 303);
    assert.equal(subscribed.response.headers.get('location'), '/reports/subscriptions');
    const [row] = await areaSubscriptions(user.id);
    assert.ok(row);
    const ring = ringOf(row.area);
    assert.equal(ring.length, 5, 'four corners and the closing one');
    assert.deepEqual(ring[0], ring[4]);
    assert.equal(row.min_lat, Math.min(...ring.map((p) => p[1] ?? 0)), 'the box is the polygon’s');
    assert.equal(row.max_lng, Math.max(...ring.map((p) => p[0] ?? 0)));

    const list = await client.page('/reports/subscriptions');
    assert.match(
      list.html,
      /<svg class="area-thumbnail"[^>]*role="img" aria-label="The area drawn on the map, with 4 corners"/,
    );
    const remove = new RegExp(`action="/reports/subscriptions/${row.id}/delete"`);
    assert.match(list.html, remove);
    const deleted = await client.postForm(`/reports/subscriptions/${row.id}/delete`, { _csrf: list.csrf });
    assert.equal(deleted.status, 303);
    assert.equal((await areaSubscriptions(user.id)).length, 0);
  });

  test('the map page leads to the drawing page with its view as a rectangle to reshape', async () => {
    const { client } = await signedInClient(server);
    const bbox = [city.map.lng - 0.01, city.map.lat - 0.005, city.map.lng + 0.01, city.map.lat + 0.005].join(',');
    const list = await (await client.get(`/reports?bbox=${bbox}`)).text();
    const link = /href="(\/reports\/subscriptions\/area\?[^"]+)"/.exec(list)?.[1];
    assert.ok(link, 'the reports map offers to subscribe to its area');
    const page = await client.page(unescape(link));
    assert.equal(formState(page.html).points.split('\n').length, 4);
    const image = /src="(\/reports\/subscriptions\/area\/map\.svg\?[^"]+)"/.exec(page.html)?.[1] ?? '';
    const svg = await client.get(unescape(image));
    assert.equal(svg.status, 200);
    assert.match(svg.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    assert.match(await svg.text(), /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* width="640"/);
  });

  test('typed corners subscribe too, with a category', async () => {
    const { client, user } = await signedInClient(server);
    const page = await client.page(AREA);
    const typed = lines(concaveCorners()).replace(
      /^([\d.]+), ([\d.]+)$/m,
      (_all, lat: string, lng: string) => `${lat.replace('.', ',')}; ${lng.replace('.', ',')}`,
    );
    const response = await post(client, page.html, { points: typed, category: 'graffiti', action: 'subscribe' });
    assert.equal(response.response.status, 303);
    const [row] = await areaSubscriptions(user.id);
    assert.ok(row);
    assert.equal(ringOf(row.area).length, 9);
    assert.notEqual(row.category_id, null);
  });

  test('refuses too few corners, crossing edges, places outside the city and unreadable lines, storing nothing', async () => {
    const { client, user } = await signedInClient(server);
    const page = await client.page(AREA);
    const { lat, lng } = city.map;
    const cases: Array<[string, RegExp]> = [
      [
        lines([
          [lat, lng],
          [lat + 0.01, lng],
        ]),
        /Draw at least 3 corners\./,
      ],
      // a bow tie: the second and fourth edges cross
      [
        lines([
          [lat, lng],
          [lat + 0.01, lng + 0.01],
          [lat, lng + 0.01],
          [lat + 0.01, lng],
        ]),
        /The edges of the area cross each other/,
      ],
      [
        lines([
          [lat + 1, lng + 1],
          [lat + 1.01, lng + 1],
          [lat + 1.01, lng + 1.01],
        ]),
        /The area lies outside the city/,
      ],
      [
        `${lat}, ${lng}\nnorth of the station\n${lat + 0.01}, ${lng}`,
        /Each line must be a latitude and a longitude[^<]*Lines to correct: 2\./,
      ],
      [
        lines(
          Array.from({ length: 101 }, (_, i): [number, number] => [
            lat + 0.01 * Math.sin((2 * Math.PI * i) / 101),
            lng + 0.01 * Math.cos((2 * Math.PI * i) / 101),
          ]),
        ),
        /at most 100 corners/,
      ],
    ];
    for (const [points, message] of cases) {
      const refused = await post(client, page.html, { points, action: 'subscribe' });
      assert.equal(refused.response.status, 400, `refuses ${message}`);
      assert.match(refused.html, message);
      assert.match(refused.html, /<textarea id="points"[^>]*aria-invalid="true"/, 'the field is marked invalid');
    }
    assert.equal((await areaSubscriptions(user.id)).length, 0);
  });
});

describe('mailing and feeds for an area', () => {
  test('the notify job mails an area subscriber only for reports inside the polygon, not elsewhere in its box', async () => {
    const area = await signedInClient(server);
    const page = await area.client.page(AREA);
    assert.equal(
      (await post(area.client, page.html, { points: lines(concaveCorners()), action: 'subscribe' })).response.status,
      303,
    );
    // the same rectangle through the older form: a 4-corner area holding the whole box
    const box = await signedInClient(server);
    const { lat, lng } = city.map;
    const subscriptions = await box.client.page('/reports/subscriptions');
    const bbox = [lng - 0.015, lat - 0.01, lng + 0.015, lat + 0.01].join(',');
    assert.equal(
      (
        await box.client.postForm('/reports/subscriptions', {
          _csrf: subscriptions.csrf,
          district: '',
          category: '',
          bbox,
        })
      ).status,
      303,
    );
    const [boxRow] = await areaSubscriptions(box.user.id);
    assert.equal(ringOf(boxRow?.area).length, 5);

    const inside = await report(lat - 0.007, lng + 0.0003, 'Tags on the bus shelter in the south of the area.');
    const notch = await report(lat + 0.005, lng + 0.0003, 'Tags in the notch of the area.');
    const outside = await report(lat + 0.015, lng + 0.0003, 'Tags north of the area.');
    await server.ctx.jobs.enqueue(NOTIFY_JOB, {});
    await server.ctx.jobs.runDue();

    const subjectsOf = async (address: string) =>
      (await server.ctx.db.selectFrom('core_mail').select('subject').where('to_address', '=', address).execute()).map(
        (mail) => mail.subject,
      );
    const areaMail = await lastMailTo(server, area.user.email);
    assert.ok(areaMail, 'the area subscriber got a mail');
    const areaSubjects = await subjectsOf(area.user.email);
    assert.ok(
      areaSubjects.some((subject) => subject.includes(`#${inside}`)),
      'about the report inside the polygon',
    );
    assert.ok(
      !areaSubjects.some((subject) => subject.includes(`#${notch}`)),
      'not about the report in the notch (inside the box, outside the polygon)',
    );
    assert.ok(!areaSubjects.some((subject) => subject.includes(`#${outside}`)));
    const boxSubjects = await subjectsOf(box.user.email);
    assert.ok(
      boxSubjects.some((subject) => subject.includes(`#${inside}`)) &&
        boxSubjects.some((subject) => subject.includes(`#${notch}`)),
      'the rectangle holds both',
    );
    assert.ok(!boxSubjects.some((subject) => subject.includes(`#${outside}`)));

    // the area's Atom feed, as linked from the subscriptions page
    const list = await area.client.page('/reports/subscriptions');
    const feedLink = /href="(\/reports\/feed\.atom\?area=[^"]+)"/.exec(list.html)?.[1];
    assert.ok(feedLink, 'each area has its feed');
    const feed = await (await area.client.get(unescape(feedLink))).text();
    assert.match(feed, new RegExp(`/reports/${inside}</id>`));
    assert.doesNotMatch(feed, new RegExp(`/reports/${notch}</id>`));
    assert.doesNotMatch(feed, new RegExp(`/reports/${outside}</id>`));
    const bad = await area.client.get(
      `/reports/feed.atom?area=${encodeURIComponent(`${lat},${lng};${lat + 0.01},${lng}`)}`,
    );
    assert.equal(bad.status, 400);
  });
});
