import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { runWebhooks } from '../../src/modules/webhooks/delivery.ts';
import { recordEvent } from '../../src/platform/events.ts';
import { translator } from '../../src/platform/i18n/translate.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { buildUser, firstOrganisationId } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * The administrators' webhook pages in a real Chromium, used with the keyboard and plain forms (no
 * script), with axe-core (WCAG 2.1 AA) on each: the list, the new subscription with its errors, the
 * subscription with its secret and deliveries log, and one delivery.
 */

const en = translator('en');
let server: TestServer;
let receiver: WebhookReceiver;
let browser: Browser | undefined;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  receiver = await new WebhookReceiver().start();
  server = await startTestServer({ allowOutbound: [receiver.url] });
});

after(async () => {
  if (!browser) return;
  await browser.close();
  await server.close();
  await receiver.close();
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
  'subscribe, see the secret and the deliveries log, with the keyboard; every page axe clean',
  { timeout: 120_000 },
  async (t) => {
    await withPage(t, async (page) => {
      const admin = await buildUser(server, { role: 'admin' });
      await page.goto('/sign-in?next=/admin/webhooks');
      const form = page.locator('main form[action="/sign-in"]');
      await form.getByLabel(en('form.email')).fill(admin.email);
      await form.getByLabel(en('form.password')).fill(admin.password);
      await form.getByRole('button', { name: en('signIn.submit') }).click();
      await page.waitForURL('**/admin/webhooks');
      await assertNoAxeViolations(page, 'the list of subscriptions (empty)');

      await page.getByRole('link', { name: en('webhooks.new') }).click();
      await page.waitForURL('**/admin/webhooks/new');
      await assertNoAxeViolations(page, 'the new subscription form');
      // sent empty: the errors are listed and linked to their fields
      await page.getByRole('button', { name: en('webhooks.create') }).press('Enter');
      await page.getByRole('heading', { name: en('form.errors.title') }).waitFor();
      await assertNoAxeViolations(page, 'the form with its errors');

      await page.getByLabel(en('webhooks.url')).fill(`${receiver.url}/browser`);
      await page.getByLabel(en('webhooks.event.post.published'), { exact: false }).focus();
      await page.keyboard.press('Space');
      await page.getByRole('button', { name: en('webhooks.create') }).press('Enter');
      await page.waitForURL(/\/admin\/webhooks\/\d+$/);
      await page.getByText(en('webhooks.created')).waitFor();
      await page.getByText(en('webhooks.secretShow')).click();
      const secret = await page.locator('#signing-secret').textContent();
      assert.match(secret ?? '', /^whsec_/);
      await assertNoAxeViolations(page, 'the subscription page, secret shown, no deliveries');

      await recordEvent(server.ctx.db, await firstOrganisationId(server), 'post.published', {
        id: 1,
        path: '/news',
        languages: ['en'],
      });
      await runWebhooks(server.ctx);
      assert.equal(receiver.at('/browser').length, 1);
      await page.reload();
      await assertNoAxeViolations(page, 'the subscription page with its deliveries log');
      await page.locator('main table a').first().click();
      await page.waitForURL(/\/deliveries\/\d+$/);
      await page.getByRole('heading', { name: en('webhooks.delivery.body') }).waitFor();
      await assertNoAxeViolations(page, 'a delivery with its attempts');
      await page.goto('/admin/webhooks');
      await assertNoAxeViolations(page, 'the list of subscriptions');
    });
  },
);
