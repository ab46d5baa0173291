import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { translator } from '../../src/platform/i18n/translate.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { buildUser } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * What residents see of their account in a real Chromium: the look of the account page's buttons (a
 * secondary or danger `<button>` is styled as such), the year of birth, the code of conduct and privacy
 * notice (public pages, the administrators' editor with its preview, the page asking to accept a new
 * version, without JavaScript), with axe-core on each.
 */

const en = translator('en');
let server: TestServer;
let browser: Browser | undefined;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  server = await startTestServer();
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

async function signIn(page: Page, email: string, password: string, next = '/account'): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  const form = page.locator('main form[action="/sign-in"]');
  await form.getByLabel(en('form.email')).fill(email);
  await form.getByLabel(en('form.password')).fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === next),
    form.getByRole('button', { name: en('signIn.submit') }).click(),
  ]);
}

/** The computed background and text colours of the element a locator finds. */
async function colours(page: Page, selector: string): Promise<{ background: string; color: string }> {
  return page
    .locator(selector)
    .first()
    .evaluate((element) => {
      const style = getComputedStyle(element);
      return { background: style.backgroundColor, color: style.color };
    });
}

describe('buttons', () => {
  test('a secondary or danger <button> looks like its kind, as a link with the same classes does', async (t) => {
    await inBrowser(t, async (page) => {
      const user = await buildUser(server);
      await signIn(page, user.email, user.password);
      const primary = await colours(page, 'main form[action="/account/profile"] button.button');
      const secondaryLink = await colours(page, 'main a.button.button--secondary');
      const danger = await colours(page, 'main form[action="/account/delete"] button.button--danger');
      assert.equal(primary.background, 'rgb(11, 79, 138)', 'the main action is filled with the brand colour');
      assert.equal(secondaryLink.background, 'rgb(255, 255, 255)', 'a secondary link is white');
      assert.equal(danger.background, 'rgb(176, 0, 32)', '"Delete my account" is red, not the main action');
      assert.equal(danger.color, 'rgb(255, 255, 255)');
      // a <button> with the secondary class, as the sign-in page's "send the link again" is
      await page.evaluate(() => {
        const button = document.createElement('button');
        button.className = 'button button--secondary';
        button.id = 'probe';
        button.textContent = 'Probe';
        document.querySelector('main')?.append(button);
      });
      const secondaryButton = await colours(page, '#probe');
      assert.deepEqual(secondaryButton, secondaryLink, 'a secondary <button> looks like a secondary link');
      await assertNoAxeViolations(page, '/account');
    });
  });
});

describe('year of birth, code of conduct and privacy notice', () => {
  test('axe on the texts, the sign-up form linking them, and the account page with a year refused', async (t) => {
    await inBrowser(t, async (page) => {
      for (const path of ['/privacy', '/code-of-conduct', '/sign-up']) {
        await page.goto(path);
        await assertNoAxeViolations(page, path);
      }
      const user = await buildUser(server);
      await signIn(page, user.email, user.password);
      const form = page.locator('main form[action="/account/birth-year"]');
      await form.getByLabel(en('account.birthYear.field')).fill('1850');
      await Promise.all([page.waitForLoadState('load'), form.getByRole('button', { name: en('form.save') }).click()]);
      await page.locator('#birthYear-error').waitFor();
      await assertNoAxeViolations(page, '/account with a year of birth refused');
    });
  });

  test('an administrator previews and publishes; a resident accepts the new version without JavaScript', async (t) => {
    const admin = await buildUser(server, { role: 'admin' });
    const resident = await buildUser(server);
    const reader = await buildUser(server);
    await inBrowser(t, async (page) => {
      await signIn(page, admin.email, admin.password, '/admin/legal');
      await assertNoAxeViolations(page, '/admin/legal');
      await page.goto('/admin/legal/privacy');
      await page
        .getByLabel(`${en('legal.admin.field')} (English)`)
        .fill('# Our promise\nWe keep [little](/privacy) about you.');
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('button', { name: en('legal.admin.preview') }).click(),
      ]);
      await page.getByRole('heading', { name: 'Our promise' }).waitFor();
      await assertNoAxeViolations(page, '/admin/legal/privacy with a preview');
      await Promise.all([
        page.waitForURL('**/admin/legal'),
        page.getByRole('button', { name: en('legal.admin.publish') }).click(),
      ]);
    });
    // axe runs scripts, so the page asking to accept is checked in a context with JavaScript
    await inBrowser(t, async (page) => {
      await signIn(page, reader.email, reader.password, '/legal/accept');
      await page.getByText('We keep').waitFor();
      await assertNoAxeViolations(page, '/legal/accept');
    });
    await inBrowser(
      t,
      async (page) => {
        await page.goto('/sign-in?next=%2Fnews');
        const form = page.locator('main form[action="/sign-in"]');
        await form.getByLabel(en('form.email')).fill(resident.email);
        await form.getByLabel(en('form.password')).fill(resident.password);
        await Promise.all([
          page.waitForURL((url) => url.pathname === '/legal/accept'),
          form.getByRole('button', { name: en('signIn.submit') }).click(),
        ]);
        await page.getByRole('heading', { level: 1, name: en('legal.accept.title') }).waitFor();
        await page.getByText('We keep').waitFor();
        await Promise.all([
          page.waitForURL((url) => url.pathname === '/news'),
          page.getByRole('button', { name: en('legal.accept.submit') }).click(),
        ]);
        await page
          .getByRole('status')
          .filter({ hasText: en('legal.accept.done') })
          .waitFor();
      },
      { javaScriptEnabled: false },
    );
  });
});
