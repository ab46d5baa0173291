import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { hashToken, randomToken } from '../../src/platform/auth/tokens.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { buildUser } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The demo city's residents' posts (its seeder: featured posts with their consent records, one waiting
 * for an answer, one collected), and the pages in Chromium with axe-core (WCAG 2.1 A and AA): the
 * public page, the home section, the staff list, the consent and withdrawal pages, used with the
 * keyboard and without JavaScript.
 */
let server: TestServer;
let browser: Browser | undefined;
let consentPath = '';
let withdrawPath = '';
let staffEmail = '';

before(async () => {
  server = await startTestServer({ demo: true });
  const [city] = await server.organisations.findAll();
  assert.ok(city);
  const asked = await server.ctx.db
    .selectFrom('resident_content_post')
    .select('id')
    .where('organisation_id', '=', city.id)
    .where('state', '=', 'asked')
    .executeTakeFirstOrThrow();
  const token = randomToken();
  await server.ctx.db
    .insertInto('resident_content_request')
    .values({
      organisation_id: city.id,
      post_id: asked.id,
      via: 'reply',
      token_hash: hashToken(token),
      keyword: 'TEST',
      licence: 'cc-by-4.0',
      months: 12,
      expires_at: new Date(Date.now() + 86_400_000),
    })
    .execute();
  consentPath = `/consent/${token}`;
  staffEmail = (await buildUser(server, { role: 'staff' })).email;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server.close();
});

test('the demo shows featured residents’ posts with attribution, licence and their consent records', async () => {
  const page = await (await fetch(`${server.url}/residents`)).text();
  assert.match(page, /Ioana Pop/);
  assert.match(page, /Mark Jensen/);
  assert.match(page, /new benches &lt;and&gt; the fountain/, 'escaped');
  assert.match(page, /Picture: O pistă de biciclete verde/);
  assert.match(page, /rel="license"[^>]*>CC BY 4\.0/);
  assert.doesNotMatch(page, /Ana Lungu|Peter Kis/, 'waiting and collected posts are not public');
  const consents = await server.ctx.db.selectFrom('resident_content_consent').select(['licence', 'via']).execute();
  assert.equal(consents.length, 2);
  assert.match(await (await fetch(`${server.url}/`)).text(), /id="home-residents"/);
});

test('the residents’ content pages pass axe and work with the keyboard', async (t) => {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  try {
    for (const path of ['/residents', '/']) {
      assert.equal((await page.goto(path))?.status(), 200, path);
      await assertNoAxeViolations(page, path);
    }
    // the author, without an account: choose with the keyboard, agree, keep the withdrawal link
    assert.equal((await page.goto(consentPath))?.status(), 200);
    await assertNoAxeViolations(page, consentPath);
    await page.getByLabel('CC BY-SA 4.0 (reuse naming the author, under the same licence)').check();
    await page.getByLabel('3 months').focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'I agree' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    await assertNoAxeViolations(page, `${consentPath} (thanks)`);
    withdrawPath = new URL((await page.locator('a[href*="/consent/withdraw/"]').getAttribute('href')) ?? 'http://x/')
      .pathname;
    assert.equal((await page.goto(withdrawPath))?.status(), 200);
    await assertNoAxeViolations(page, withdrawPath);
    const consent = await server.ctx.db
      .selectFrom('resident_content_consent')
      .select(['licence'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(consent.licence, 'cc-by-sa-4.0');

    await page.goto('/sign-in');
    await page.getByLabel('E-mail address').fill(staffEmail);
    await page.getByLabel('Password').fill('correct horse battery');
    await Promise.all([
      page.waitForURL((url) => !url.pathname.startsWith('/sign-in')),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    assert.equal((await page.goto('/staff/publishing/residents'))?.status(), 200);
    await page.locator('summary').first().click();
    await assertNoAxeViolations(page, '/staff/publishing/residents');
  } finally {
    await context.close();
  }
});
