import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { startFakeTileServer, type FakeTileServer } from '../support/fake-tiles.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The street map in a real Chromium: Leaflet over tiles from a local tile server fake (MAP_TILE_URL), the
 * reports as groups from the cell counters, keyboard panning, the report form's pin, "use my location",
 * the CSP letting the tile host in and no other, axe-core on each page; and the server-drawn map without tiles.
 */

let browser: Browser | undefined;
let tiles: FakeTileServer;
let other: FakeTileServer;
let withTiles: TestServer;
let withoutTiles: TestServer;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  tiles = await startFakeTileServer();
  other = await startFakeTileServer();
  withTiles = await startTestServer({
    demo: true,
    env: { MAP_TILE_URL: tiles.template, MAP_TILE_ATTRIBUTION: '© Test tiles contributors', MAP_MAX_ZOOM: '18' },
  });
  withoutTiles = await startTestServer({ demo: true });
});

after(async () => {
  if (!browser) return;
  await browser.close();
  await Promise.all([withTiles.close(), withoutTiles.close(), tiles.close(), other.close()]);
});

async function inBrowser(
  t: TestContext,
  server: () => TestServer,
  use: (page: Page, context: BrowserContext) => Promise<void>,
  options: BrowserContextOptions = {},
): Promise<void> {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const context = await browser.newContext({ baseURL: server().url, ...options });
  context.setDefaultTimeout(15_000);
  try {
    await use(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

/** The map pane's CSS transform: it changes when the map pans. */
const paneTransform = (page: Page) =>
  page.locator('.leaflet-map-pane').evaluate((pane) => getComputedStyle(pane).transform);

describe('reports map over tiles', () => {
  test('Leaflet draws the tiles from the configured server and the reports as groups, axe-clean', async (t) => {
    await inBrowser(
      t,
      () => withTiles,
      async (page) => {
        const blocked: string[] = [];
        page.on('console', (message) => {
          if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
        });
        const before = tiles.requests.length;
        await page.goto('/reports');
        const map = page.getByRole('region', { name: /street map of the reports/i });
        await map.waitFor();
        await page.locator('.leaflet-tile-loaded').first().waitFor();
        const asked = tiles.requests.slice(before);
        assert.ok(asked.length > 0, 'tiles were requested from the fake');
        assert.ok(
          asked.every((path) => /^\/\d+\/\d+\/\d+\.png$/.test(path)),
          `tile paths: ${asked.join(' ')}`,
        );
        assert.equal(blocked.length, 0, `CSP refused: ${blocked.join('\n')}`);

        const groups = page.locator('.street-map__cluster');
        await groups.first().waitFor();
        assert.ok((await groups.count()) > 0, 'the reports are on the map');
        const first = groups.first();
        assert.equal(await first.getAttribute('role'), 'button');
        assert.equal(await first.getAttribute('tabindex'), '0');
        assert.match((await first.getAttribute('title')) ?? '', /Report #\d+|Reports here: \d+/);
        assert.equal(await page.locator('svg[data-map]').isHidden(), true, 'the server-drawn map gives way');
        assert.match(await page.locator('.leaflet-control-attribution').innerText(), /© Test tiles contributors/);
        assert.ok(await page.getByRole('button', { name: 'Zoom in', exact: true }).isVisible());
        assert.match(
          (await page.getByRole('link', { name: 'List the reports in this part of the map' }).getAttribute('href')) ??
            '',
          /^\/reports\?bbox=-?[\d.]+(%2C-?[\d.]+){3}$/,
        );
        await assertNoAxeViolations(page, '/reports with the street map');
      },
    );
  });

  test('the arrow keys pan the focused map, + zooms, and a group opens with Enter', async (t) => {
    await inBrowser(
      t,
      () => withTiles,
      async (page) => {
        await page.goto('/reports');
        await page.locator('.street-map__cluster').first().waitFor();
        const start = await paneTransform(page);
        await page.locator('.street-map').focus();
        await page.keyboard.press('ArrowRight');
        await page.waitForFunction(
          (previous) => getComputedStyle(document.querySelector('.leaflet-map-pane') as Element).transform !== previous,
          start,
        );
        const zoom = async () => Number(await page.locator('.street-map').getAttribute('data-zoom'));
        const level = await zoom();
        await page.keyboard.press('+');
        await page.waitForFunction(
          (from) => Number(document.querySelector('.street-map')?.getAttribute('data-zoom')) === from + 1,
          level,
        );
        await page
          .locator(`.leaflet-tile-loaded[src*="/${level + 1}/"]`)
          .first()
          .waitFor();

        // Tab reaches the groups; Enter on a group zooms into it.
        await page.locator('.street-map__cluster').first().waitFor();
        const group = page.locator('.street-map__cluster[title^="Reports here"]').first();
        assert.ok((await group.count()) > 0, 'a group of several reports is on the map');
        await group.focus();
        await page.keyboard.press('Enter');
        await page.waitForFunction(
          (from) => Number(document.querySelector('.street-map')?.getAttribute('data-zoom')) > from,
          level + 1,
        );
      },
    );
  });

  test('the page lets images in from the tile host only', async (t) => {
    await inBrowser(
      t,
      () => withTiles,
      async (page) => {
        await page.goto('/reports');
        await page.locator('.leaflet-tile-loaded').first().waitFor();
        const before = other.requests.length;
        const loaded = await page.evaluate(
          ([allowed, refused]) =>
            Promise.all(
              [allowed, refused].map(
                (src) =>
                  new Promise<boolean>((resolve) => {
                    const image = new Image();
                    image.onload = () => resolve(true);
                    image.onerror = () => resolve(false);
                    image.src = src as string;
                  }),
              ),
            ),
          [`${tiles.origin}/1/0/0.png`, `${other.origin}/1/0/0.png`],
        );
        assert.deepEqual(loaded, [true, false]);
        assert.equal(other.requests.length, before, 'the other host was never asked');
      },
    );
  });
});

describe('report form over tiles', () => {
  test('a click places the pin and fills the coordinates; Enter places it at the centre; dragging moves it', async (t) => {
    await inBrowser(
      t,
      () => withTiles,
      async (page) => {
        await page.goto('/reports/new');
        const map = page.getByRole('region', { name: /street map to choose the place/i });
        await page.locator('.leaflet-tile-loaded').first().waitFor();
        const lat = page.locator('#lat');
        const lng = page.locator('#lng');
        assert.equal(await lat.inputValue(), '');

        // the address search sits above the map: it is below the first screen, as a resident scrolls to it
        await map.scrollIntoViewIfNeeded();
        const box = await map.boundingBox();
        assert.ok(box);
        await page.mouse.click(box.x + box.width / 3, box.y + box.height / 3);
        const clicked = { lat: Number(await lat.inputValue()), lng: Number(await lng.inputValue()) };
        assert.ok(Number.isFinite(clicked.lat) && clicked.lat !== 0, `latitude filled: ${await lat.inputValue()}`);
        const pin = page.getByRole('button', { name: 'The place of the report (drag to move it)' });
        await pin.waitFor();

        await map.focus();
        await page.keyboard.press('Enter');
        const centred = { lat: Number(await lat.inputValue()), lng: Number(await lng.inputValue()) };
        assert.ok(centred.lat < clicked.lat && centred.lng > clicked.lng, 'Enter put the pin at the centre');

        await pin.scrollIntoViewIfNeeded();
        const at = await pin.boundingBox();
        assert.ok(at);
        await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
        await page.mouse.down();
        await page.mouse.move(at.x + at.width / 2 + 40, at.y + at.height + 40, { steps: 8 });
        await page.mouse.up();
        const dragged = `${await lat.inputValue()}, ${await lng.inputValue()} from ${centred.lat}, ${centred.lng}`;
        assert.ok(Number(await lng.inputValue()) > centred.lng, `dragging east moves the longitude east: ${dragged}`);
        assert.ok(Number(await lat.inputValue()) < centred.lat, 'dragging south moves the latitude south');

        await lat.fill('44.1');
        await lng.fill('9.82');
        await lng.press('Tab');
        await assertNoAxeViolations(page, '/reports/new with the street map');
      },
    );
  });

  test('"use my location" places the pin where the device is', async (t) => {
    await inBrowser(
      t,
      () => withTiles,
      async (page) => {
        await page.goto('/reports/new');
        await page.locator('.leaflet-tile-loaded').first().waitFor();
        await page.getByRole('button', { name: 'Use my current location' }).click();
        await page.waitForFunction(() => (document.getElementById('lat') as HTMLInputElement).value !== '');
        assert.equal(await page.locator('#lat').inputValue(), '44.107000');
        assert.equal(await page.locator('#lng').inputValue(), '9.828000');
        await page.getByRole('button', { name: 'The place of the report (drag to move it)' }).waitFor();
      },
      { geolocation: { latitude: 44.107, longitude: 9.828 }, permissions: ['geolocation'] },
    );
  });
});

describe('without tiles', () => {
  test('the server-drawn map stays and no street map is loaded', async (t) => {
    await inBrowser(
      t,
      () => withoutTiles,
      async (page) => {
        const leaflet: string[] = [];
        page.on('request', (request) => {
          if (request.url().includes('/assets/leaflet/')) leaflet.push(request.url());
        });
        await page.goto('/reports');
        assert.ok(await page.locator('svg[data-map="browse"]').isVisible(), 'the SVG map is shown');
        assert.ok((await page.locator('svg .map-cluster').count()) > 0, 'with the report groups');
        assert.equal(await page.locator('.street-map').count(), 0);
        await page.goto('/reports/new');
        assert.ok(await page.locator('svg[data-map="pick"]').isVisible());
        assert.equal(await page.locator('.street-map').count(), 0);
        assert.deepEqual(leaflet, []);
      },
    );
  });
});
