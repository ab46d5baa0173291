import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { translator } from '../../src/platform/i18n/translate.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { buildUser } from '../support/factories.ts';
import { startFakeOidc, type FakeOidc } from '../support/fake-oidc.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Sign-in with a city's identity provider in a real Chromium, end to end: the administrator adds the
 * provider with the keyboard, a resident signs in with the button (a plain form; the pages have no script) through a
 * real `oidc-provider`, sees the link on the account page; axe (WCAG 2.1 AA) on every new page. The
 * city's public address is the test server's own, so that the provider's redirect back to the registered
 * URI lands on it with the browser's cookies.
 */

const en = translator('en');
let server: TestServer;
let idp: FakeOidc;
let browser: Browser | undefined;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  idp = await startFakeOidc(() => `${server.url}/sign-in/oidc/callback`);
  server = await startTestServer({ allowOutbound: [idp.issuer] });
  server.config.publicUrl = new URL(server.url);
});

after(async () => {
  if (!browser) return;
  await browser.close();
  await server.close();
  await idp.close();
});

async function newContext(): Promise<BrowserContext> {
  if (!browser) throw new Error(CHROMIUM_MISSING);
  const context = await browser.newContext({ baseURL: server.url });
  context.setDefaultTimeout(15_000);
  return context;
}

async function withPage(t: TestContext, use: (page: Page) => Promise<void>): Promise<void> {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const context = await newContext();
  try {
    await use(await context.newPage());
  } finally {
    await context.close();
  }
}

async function signInWithPassword(page: Page, email: string, password: string, next: string) {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  const form = page.locator('main form[action="/sign-in"]');
  await form.getByLabel(en('form.email')).fill(email);
  await form.getByLabel(en('form.password')).fill(password);
  await form.getByRole('button', { name: en('signIn.submit') }).click();
  await page.waitForURL(`**${next}`);
}

test(
  'an administrator adds a provider; a resident signs in with it; every page axe clean',
  { timeout: 240_000 },
  async (t) => {
    await withPage(t, async (page) => {
      const admin = await buildUser(server, { role: 'admin' });
      await signInWithPassword(page, admin.email, admin.password, '/admin/identity-providers');
      await assertNoAxeViolations(page, 'the list of identity providers (empty)');
      await page.getByRole('link', { name: en('identityProviders.admin.new') }).click();
      await page.waitForURL('**/admin/identity-providers/new');
      await assertNoAxeViolations(page, 'the new provider form');
      await page.getByRole('button', { name: en('form.save') }).press('Enter');
      await page.getByRole('heading', { name: en('form.errors.title') }).waitFor();
      await assertNoAxeViolations(page, 'the form with its errors');

      await page.getByLabel(`${en('identityProviders.admin.name')} (English)`).fill('City Login');
      await page.getByLabel(en('identityProviders.admin.issuer')).fill(idp.issuer);
      await page.getByLabel(en('identityProviders.admin.clientId')).fill(idp.clientId);
      await page.getByLabel(en('identityProviders.admin.clientSecret')).fill(idp.clientSecret);
      await page.getByLabel(en('identityProviders.admin.grantsLevel')).selectOption('verified');
      await page.getByRole('button', { name: en('form.save') }).press('Enter');
      await page.waitForURL('**/admin/identity-providers');
      await page.getByText(en('identityProviders.notice.saved')).waitFor();
      await assertNoAxeViolations(page, 'the list with a provider');
      await page.getByRole('link', { name: 'City Login' }).click();
      await page.waitForURL(/\/admin\/identity-providers\/\d+$/);
      await assertNoAxeViolations(page, 'the provider to change');
    });

    await withPage(t, async (page) => {
      const email = `browser-${Date.now()}@example.org`;
      idp.signInAs({
        sub: `browser-${Date.now()}`,
        email,
        email_verified: true,
        name: 'Bea Browser',
        birthdate: '1975-03-02',
      });
      await page.goto('/sign-in?next=/account');
      await assertNoAxeViolations(page, 'the sign-in page with the provider button');
      await page.getByRole('link', { name: en('identityProviders.signIn.with', { name: 'City Login' }) }).click();
      await page.waitForURL(`${server.url}/account`).catch(async (error: unknown) => {
        throw new Error(`ended at ${page.url()}: ${await page.locator('body').innerText()}`, { cause: error });
      });
      await page.getByText(en('identityProviders.notice.verified')).waitFor();
      await page.getByRole('heading', { name: en('identityProviders.account.title') }).waitFor();
      await assertNoAxeViolations(page, 'the account page with the linked provider');
      assert.ok((await page.content()).includes(email));

      // an answer that belongs to no sign-in in this browser
      await page.goto('/sign-in/oidc/callback?code=x&state=y');
      await page.getByText('OIDC_STATE_INVALID').waitFor();
      await assertNoAxeViolations(page, 'the sign-in failure page');
    });
  },
);
