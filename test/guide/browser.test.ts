import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { translator } from '../../src/platform/i18n/translate.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The city guide in a real Chromium (issue 20): axe on its pages; a tour followed without JavaScript from
 * plate code to plate code; "near me" with a simulated position (a card only after the dwell time);
 * "continue where I left off"; the offline pack answering once the network is gone.
 */

const en = translator('en');
let server: TestServer;
let browser: Browser | undefined;
let tourId = 0;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  server = await startTestServer({ demo: true });
  tourId = (await server.ctx.db.selectFrom('guide_tour').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
});

after(async () => {
  if (!browser) return;
  await browser.close();
  await server.close();
});

async function inBrowser(
  t: TestContext,
  use: (page: Page, context: BrowserContext) => Promise<void>,
  options: BrowserContextOptions = {},
): Promise<void> {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const context = await browser.newContext({ baseURL: server.url, ...options });
  context.setDefaultTimeout(15_000);
  try {
    await use(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

describe('the guide in a browser', () => {
  test('its pages pass axe', async (t) => {
    await inBrowser(t, async (page) => {
      const place = await server.ctx.db
        .selectFrom('guide_place')
        .select('id')
        .where('code', '=', 'OT01')
        .executeTakeFirstOrThrow();
      for (const path of [
        '/guide',
        `/guide/places/${place.id}`,
        '/guide/tours',
        `/guide/tours/${tourId}`,
        `/guide/tours/${tourId}/stops/2`,
        `/guide/tours/${tourId}/print`,
        '/guide/near',
        '/guide/near?lat=44.1175&lng=9.7945',
        `/guide/places/${place.id}?lang=it`,
      ]) {
        await page.goto(path);
        await assertNoAxeViolations(page, path);
      }
    });
  });

  test('without JavaScript, a visitor follows a tour with the plate codes alone', async (t) => {
    await inBrowser(
      t,
      async (page) => {
        await page.goto('/guide');
        await page.getByLabel(en('guide.codeForm.label')).fill('ot01');
        await page.getByRole('button', { name: en('guide.codeForm.open') }).click();
        await page.waitForURL(/\/guide\/places\/\d+$/);
        assert.equal(await page.locator('h1').textContent(), 'Cathedral of San Lorenzo');
        // the stop's page names the tours that stop here; from there, "next stop" to the end
        await page.getByRole('link', { name: 'Old Town in an hour' }).click();
        const seen: string[] = [];
        for (;;) {
          seen.push((await page.locator('h1').textContent()) ?? '');
          const next = page.locator('a[rel="next"]');
          if ((await next.count()) === 0) break;
          await next.click();
        }
        assert.equal(seen.length, 7);
        assert.equal(seen.at(-1), 'Old Walls Gate');
        assert.ok(await page.getByText(en('guide.tour.last')).isVisible());
      },
      { javaScriptEnabled: false },
    );
  });

  test('near me: asked by a button, the nearest stop’s card appears after the dwell time', async (t) => {
    await inBrowser(
      t,
      async (page, context) => {
        await page.goto('/guide/near');
        const card = page.locator('[data-card]');
        await context.setGeolocation({ latitude: 44.1185, longitude: 9.8005 }); // Town Hall Square
        await page.getByRole('button', { name: en('guide.near.locate') }).click();
        await page.getByText(en('guide.near.none')).waitFor();
        assert.equal(await card.locator('h3').count(), 0, 'no card before the dwell time');
        await page.waitForTimeout(8200);
        await context.setGeolocation({ latitude: 44.11851, longitude: 9.80051 });
        await card.locator('h3', { hasText: 'Town Hall Square' }).waitFor();
        await assertNoAxeViolations(page, 'near me with a card');
        assert.ok(await page.getByRole('button', { name: en('guide.near.stop') }).isVisible());
      },
      { permissions: ['geolocation'] },
    );
  });

  test('continue where I left off, and the offline pack', async (t) => {
    await inBrowser(t, async (page, context) => {
      await page.goto(`/guide/tours/${tourId}/stops/3`);
      await page.goto(`/guide/tours/${tourId}`);
      const link = page.getByRole('link', { name: en('guide.tour.continue', { position: '3' }) });
      await link.waitFor();
      assert.equal(await link.getAttribute('href'), `/guide/tours/${tourId}/stops/3`);

      await page.getByRole('button', { name: en('guide.tour.offline') }).click();
      await page.getByText(en('guide.tour.offlineSaved')).waitFor();
      await context.setOffline(true);
      await page.goto(`/guide/tours/${tourId}/stops/5`);
      assert.equal(await page.locator('h1').textContent(), 'Market Lanes');
      await context.setOffline(false);
    });
  });
});
