import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createApiKey } from '../../src/platform/auth/api-keys.ts';
import { createSession, SESSION_COOKIE } from '../../src/platform/auth/sessions.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { buildUser, firstOrganisationId } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The administrators' open-data settings and an API key's usage page in a real Chromium: axe-core (WCAG
// 2.1 A and AA), the settings saved with the keyboard only, and the refusal shown with JavaScript off.
let server: TestServer;
let browser: Browser | undefined;
let organisationId: number;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  server = await startTestServer();
  organisationId = await firstOrganisationId(server);
});
after(async () => {
  if (!browser) return;
  await browser.close();
  await server.close();
});

async function adminPage(javaScriptEnabled: boolean) {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ baseURL: server.url, javaScriptEnabled });
  context.setDefaultTimeout(15_000);
  const user = await buildUser(server, { role: 'admin' });
  const token = await createSession(server.ctx.db, organisationId, user.id, 1);
  await context.addCookies([{ name: SESSION_COOKIE, value: token, url: server.url }]);
  return { context, page: await context.newPage(), user };
}

test('the open-data settings pass axe, are saved with the keyboard, and show refusals without JavaScript', async (t) => {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  for (const javaScriptEnabled of [true, false]) {
    const { context, page } = await adminPage(javaScriptEnabled);
    try {
      assert.equal((await page.goto('/admin/open-data'))?.status(), 200);
      if (javaScriptEnabled) await assertNoAxeViolations(page);
      await page.getByLabel('DCAT-AP_IT', { exact: false }).check();
      await page.getByRole('button', { name: 'Save the settings' }).click();
      await page.waitForSelector('.error-summary');
      if (javaScriptEnabled) await assertNoAxeViolations(page, 'the settings with their errors');
      assert.ok(await page.getByText('DCAT-AP_IT needs the city’s IPA code.').first().isVisible());
    } finally {
      await context.close();
    }
  }
  const keyboard = await adminPage(true);
  try {
    await keyboard.page.goto('/admin/open-data');
    await keyboard.page.getByLabel('Italian Open Data License 2.0 (IODL 2.0)').focus();
    await keyboard.page.keyboard.press('Space');
    await keyboard.page.getByLabel('Contact address of the catalogue').focus();
    await keyboard.page.keyboard.type('opendata@valmora.example');
    await keyboard.page.getByLabel('IPA code of the city').focus();
    await keyboard.page.keyboard.type('c_v999');
    await keyboard.page.getByLabel('GeoDCAT-AP', { exact: false }).focus();
    await keyboard.page.keyboard.press('Space');
    await keyboard.page.getByRole('button', { name: 'Save the settings' }).focus();
    await keyboard.page.keyboard.press('Enter');
    await keyboard.page.waitForURL('**/admin/open-data');
    await keyboard.page.getByText('The open data settings were saved.').waitFor();
    const row = await server.ctx.db.selectFrom('open_data_setting').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.licence, 'IODL_2_0');
    assert.equal(row.ipa_code, 'c_v999');
    assert.equal(row.geo_dcat_ap, true);
    assert.equal(row.dcat_ap_it, false);
  } finally {
    await keyboard.context.close();
    await server.ctx.db.deleteFrom('open_data_setting').execute();
  }
});

test('an API key’s usage page passes axe', async (t) => {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const { context, page, user } = await adminPage(true);
  try {
    const key = await createApiKey(server.ctx.db, organisationId, 'Partner app', user.id, ['open311']);
    assert.equal((await page.goto(`/admin/api-keys/${key.id}`))?.status(), 200);
    await assertNoAxeViolations(page);
  } finally {
    await context.close();
  }
});
