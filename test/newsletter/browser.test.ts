import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { translator } from '../../src/platform/i18n/translate.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { buildUser, firstOrganisationId } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { linkInLastMail, publishToNewsletter } from './support.ts';

/**
 * The newsletter's pages in a real Chromium (the pages carry no script; axe needs one to run), with axe-core (WCAG 2.1 AA) on each: the
 * subscribe form (reached from the footer), its errors, the confirmation, the preferences and unsubscribe
 * pages of a mail's link, staff's page and the preview of the next newsletter (the mail's HTML).
 */

const en = translator('en');
let server: TestServer;
let browser: Browser | undefined;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  server = await startTestServer();
  const organisationId = await firstOrganisationId(server);
  await server.organisations.update(organisationId, { languages: ['en', 'fr'] });
  await server.ctx.db
    .insertInto('core_department')
    .values({
      organisation_id: organisationId,
      slug: 'parks',
      name: JSON.stringify({ en: 'Parks', fr: 'Parcs' }),
      email: null,
    })
    .execute();
  await publishToNewsletter(server, organisationId, {
    language: 'en',
    title: 'The park reopens',
    text: 'The city park reopens on Saturday.',
    media: [
      {
        url: 'http://localhost:3000/media/park.jpg',
        read: async () => new Uint8Array(),
        contentType: 'image/jpeg',
        alt: 'Children on the new playground',
      },
    ],
  });
});

after(async () => {
  if (!browser) return;
  await browser.close();
  await server.close();
});

async function withPage(t: TestContext, use: (page: Page) => Promise<void>): Promise<void> {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const context = await browser.newContext({ baseURL: server.url });
  context.setDefaultTimeout(15_000);
  try {
    await use(await context.newPage());
  } finally {
    await context.close();
  }
}

test(
  'subscribe, confirm, preferences and unsubscribe through plain forms (no script on the pages), axe clean',
  { timeout: 120_000 },
  async (t) => {
    await withPage(t, async (page) => {
      await page.goto('/');
      await page
        .locator('footer')
        .getByRole('link', { name: en('newsletter.footer') })
        .click();
      await page.waitForURL('**/newsletter');
      await assertNoAxeViolations(page, 'the subscribe form');

      // errors: the summary links to the fields, the fields say what is wrong
      await page.getByLabel(en('newsletter.field.email')).fill('not an address');
      await page.getByLabel('English').uncheck();
      await page.getByRole('button', { name: en('newsletter.subscribe.submit') }).click();
      await page.getByText(en('newsletter.error.LANGUAGES_REQUIRED')).first().waitFor();
      await assertNoAxeViolations(page, 'the subscribe form with errors');

      await page.getByLabel(en('newsletter.field.email')).fill('browser@example.org');
      await page.getByLabel('Français').check();
      await page.getByLabel('Parks').check();
      await page.getByRole('button', { name: en('newsletter.subscribe.submit') }).click();
      await page.waitForURL('**/newsletter/sent');
      await assertNoAxeViolations(page, 'the page after subscribing');

      await page.goto(await linkInLastMail(server, 'browser@example.org', '/newsletter/confirm'));
      await assertNoAxeViolations(page, 'the confirmation page');
      await page.getByRole('button', { name: en('newsletter.confirm.submit') }).click();
      await page.waitForURL('**/newsletter/preferences?token=*');
      await assertNoAxeViolations(page, 'the preferences page');
      assert.equal(await page.getByLabel('Français').isChecked(), true);
      await page.getByLabel('English').check();
      await page.getByRole('button', { name: en('newsletter.preferences.save') }).click();
      await page.getByText(en('newsletter.preferences.saved')).waitFor();

      const token = new URL(page.url()).searchParams.get('token') ?? '';
      await page.goto(`/newsletter/unsubscribe?token=${encodeURIComponent(token)}`);
      await assertNoAxeViolations(page, 'the unsubscribe page');
      await page.getByRole('button', { name: en('newsletter.unsubscribe.submit') }).click();
      await page.getByText(en('newsletter.unsubscribe.done')).waitFor();
    });
  },
);

test('staff’s page and the preview of the next newsletter, axe clean', { timeout: 120_000 }, async (t) => {
  await withPage(t, async (page) => {
    const staff = await buildUser(server, { role: 'admin' });
    await page.goto('/sign-in?next=/admin/newsletter');
    const form = page.locator('main form[action="/sign-in"]');
    await form.getByLabel(en('form.email')).fill(staff.email);
    await form.getByLabel(en('form.password')).fill(staff.password);
    await form.getByRole('button', { name: en('signIn.submit') }).click();
    await page.waitForURL('**/admin/newsletter');
    await assertNoAxeViolations(page, 'staff’s newsletter page');
    await page.getByRole('link', { name: en('newsletter.admin.previewLink', { language: 'English' }) }).click();
    await page.waitForURL('**/admin/newsletter/preview?language=en');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.getByRole('heading', { level: 2, name: 'The park reopens' }).waitFor();
    await assertNoAxeViolations(page, 'the newsletter’s HTML');
  });
});
