import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/platform/config.ts';
import { tileSource } from '../../src/platform/http/security-headers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The street map's settings (MAP_TILE_URL, MAP_TILE_ATTRIBUTION, MAP_MAX_ZOOM) over real HTTP: checked at start,
 * the tile host alone added to the pages' CSP, Leaflet served as the platform's assets, and the pages carrying
 * the street map only when a tile URL is set.
 */

const TILES = 'https://tiles.example.org/{z}/{x}/{y}.png';
let withTiles: TestServer;
let withoutTiles: TestServer;

before(async () => {
  // One after the other: on PostgreSQL the first builds the shared template database the second copies.
  withTiles = await startTestServer({
    env: { MAP_TILE_URL: TILES, MAP_TILE_ATTRIBUTION: '© Example <tiles> & co', MAP_MAX_ZOOM: '18' },
  });
  withoutTiles = await startTestServer();
});

after(async () => {
  await Promise.all([withTiles.close(), withoutTiles.close()]);
});

function imgSources(csp: string | null): string[] {
  const directive = (csp ?? '')
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith('img-src '));
  assert.ok(directive, `img-src in ${csp}`);
  return directive.split(/\s+/).slice(1);
}

describe('settings', () => {
  const base = { DATA_DIR: '/tmp/ic-street-map-test' };
  test('no tile URL by default: no street map, zoom 19', () => {
    const result = loadConfig(base);
    assert.ok(result.ok);
    assert.deepEqual(result.config.map, { tileUrl: undefined, attribution: '', maxZoom: 19 });
  });

  test('a tile template with its attribution and zoom is kept', () => {
    const result = loadConfig({ ...base, MAP_TILE_URL: TILES, MAP_TILE_ATTRIBUTION: '© OSM', MAP_MAX_ZOOM: '20' });
    assert.ok(result.ok);
    assert.deepEqual(result.config.map, { tileUrl: TILES, attribution: '© OSM', maxZoom: 20 });
  });

  for (const [env, problem] of [
    [{ MAP_TILE_URL: 'https://tiles.example.org/tile.png', MAP_TILE_ATTRIBUTION: 'x' }, /MAP_TILE_URL must be/],
    [{ MAP_TILE_URL: 'javascript:alert(1)/{z}/{x}/{y}', MAP_TILE_ATTRIBUTION: 'x' }, /MAP_TILE_URL must be/],
    [{ MAP_TILE_URL: 'https://t.example/{z}/{x}/{y}.png?key={apikey}', MAP_TILE_ATTRIBUTION: 'x' }, /MAP_TILE_URL/],
    [{ MAP_TILE_URL: TILES }, /MAP_TILE_ATTRIBUTION is required/],
    [{ MAP_MAX_ZOOM: '23' }, /MAP_MAX_ZOOM must be/],
    [{ MAP_MAX_ZOOM: 'deep' }, /MAP_MAX_ZOOM must be/],
  ] as const) {
    test(`refused: ${JSON.stringify(env)}`, () => {
      const result = loadConfig({ ...base, ...env });
      if (result.ok) assert.fail(`accepted: ${JSON.stringify(env)}`);
      assert.ok(
        result.problems.some((text) => problem.test(text)),
        result.problems.join('\n'),
      );
    });
  }

  test('the CSP source of a template: its origin, a wildcard for {s} sub-domains', () => {
    assert.equal(tileSource(TILES), 'https://tiles.example.org');
    assert.equal(tileSource('http://127.0.0.1:8080/{z}/{x}/{y}.png'), 'http://127.0.0.1:8080');
    assert.equal(tileSource('https://{s}.tile.example.net/{z}/{x}/{-y}{r}.png'), 'https://*.tile.example.net');
  });
});

describe('pages and policy', () => {
  test('the pages let images in from the tile host, and from no other', async () => {
    const page = await fetch(`${withTiles.url}/reports`);
    assert.equal(page.status, 200);
    const sources = imgSources(page.headers.get('content-security-policy'));
    assert.deepEqual(sources, ["'self'", 'data:', 'blob:', 'https://tiles.example.org']);
    const plain = await fetch(`${withoutTiles.url}/reports`);
    assert.deepEqual(imgSources(plain.headers.get('content-security-policy')), ["'self'", 'data:', 'blob:']);
  });

  test('with tiles, the reports map and the form carry Leaflet and the settings, the attribution escaped', async () => {
    for (const path of ['/reports', '/reports/new']) {
      const text = await (await fetch(`${withTiles.url}${path}`)).text();
      assert.match(text, /<script src="\/assets\/leaflet\/leaflet\.js\?v=[0-9a-f]{12}" defer><\/script>/);
      assert.match(text, /<link rel="stylesheet" href="\/assets\/leaflet\/leaflet\.css\?v=[0-9a-f]{12}">/);
      const settings = /<script type="application\/json" id="street-map-settings">(.*?)<\/script>/s.exec(text);
      assert.ok(settings, path);
      assert.ok(!settings[1]?.includes('<tiles>'), 'no markup in the JSON block');
      const data = JSON.parse(settings[1] as string) as { tileUrl: string; attribution: string; maxZoom: number };
      assert.equal(data.tileUrl, TILES);
      assert.equal(data.attribution, '© Example <tiles> & co');
      assert.equal(data.maxZoom, 18);
      assert.match(text, /<svg[^>]+data-map="(browse|pick)"/, 'the server-drawn map is still there');
    }
    for (const path of ['/reports', '/reports/new']) {
      const text = await (await fetch(`${withoutTiles.url}${path}`)).text();
      assert.doesNotMatch(text, /leaflet|street-map-settings/);
      assert.match(text, /<svg[^>]+data-map="(browse|pick)"/);
    }
  });

  test("Leaflet's script, stylesheet and images are served as assets", async () => {
    const script = await fetch(`${withTiles.url}/assets/leaflet/leaflet.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(await script.text(), /Leaflet 1\.9\.4/);
    const css = await fetch(`${withTiles.url}/assets/leaflet/leaflet.css`);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
    const images = [...(await css.text()).matchAll(/url\((images\/[\w-]+\.png)\)/g)].map((match) => match[1]);
    assert.ok(images.length >= 3, 'the stylesheet names its images');
    for (const image of new Set(images)) {
      const answer = await fetch(`${withTiles.url}/assets/leaflet/${image}`);
      assert.equal(answer.status, 200, image);
      assert.equal(answer.headers.get('content-type'), 'image/png');
      const bytes = Buffer.from(await answer.arrayBuffer());
      assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
    }
    const marker = await fetch(`${withTiles.url}/assets/leaflet/images/marker-icon.png`);
    assert.equal(marker.status, 200);
    assert.equal((await fetch(`${withTiles.url}/assets/leaflet/leaflet.js.map`)).status, 404);
  });
});
