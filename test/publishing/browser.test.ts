import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createSession, SESSION_COOKIE } from '../../src/platform/auth/sessions.ts';
import { dayIn, zonedTime } from '../../src/platform/i18n/days.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { buildUser, firstOrganisationId } from '../support/factories.ts';
import { buildPost } from '../support/publishing-posts.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The news pages and the editorial calendar in a real Chromium: axe-core (WCAG 2.1 A and AA) on each page,
// the blackout period shown in every view. (Moving a post by keyboard with JavaScript off is checked over HTTP
// in calendar.test.ts; a Chromium version of it is still to write.)
let server: TestServer;
let browser: Browser | undefined;
let organisationId: number;
let timeZone: string;
let newsSlug: string;
let day: string;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  server = await startTestServer();
  organisationId = await firstOrganisationId(server);
  timeZone = (await server.organisations.findById(organisationId))?.timeZone ?? 'UTC';
  day = dayIn(new Date(Date.now() + 20 * 86_400_000), timeZone);
  newsSlug = (
    await buildPost(server, organisationId, {
      onWeb: true,
      contentWarning: { en: 'Flood images' },
      texts: { en: { title: 'After the flood', summary: 'What the city does.', body: 'First.\n\nSecond.' } },
    })
  ).slug;
  await buildPost(server, organisationId, {
    state: 'scheduled',
    scheduledAt: zonedTime(day, '10:00', timeZone),
    texts: { en: { title: 'Planned by keyboard', body: 'x' } },
  });
  await server.ctx.db
    .insertInto('publishing_blackout')
    .values({
      organisation_id: organisationId,
      starts_at: zonedTime(day, '00:00', timeZone),
      ends_at: new Date(zonedTime(day, '00:00', timeZone).getTime() + 86_400_000),
      reason: JSON.stringify({ en: 'Regional elections' }),
      created_by: null,
    })
    .execute();
});

after(async () => {
  if (!browser) return;
  await browser.close();
  await server.close();
});

async function asUser(
  t: TestContext,
  role: 'admin' | 'staff' | null,
  use: (page: Page, context: BrowserContext) => Promise<void>,
  javaScriptEnabled = true,
): Promise<void> {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const context = await browser.newContext({ baseURL: server.url, javaScriptEnabled });
  context.setDefaultTimeout(15_000);
  if (role) {
    const user = await buildUser(server, { role });
    const token = await createSession(server.ctx.db, organisationId, user.id, 1);
    await context.addCookies([{ name: SESSION_COOKIE, value: token, url: server.url }]);
  }
  try {
    await use(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

async function open(page: Page, path: string): Promise<void> {
  const response = await page.goto(path);
  assert.equal(response?.status(), 200, path);
}

test('the news list and a news page with a content warning pass axe', async (t) => {
  await asUser(t, null, async (page) => {
    for (const path of ['/news', `/news/${newsSlug}`, '/']) {
      await open(page, path);
      await assertNoAxeViolations(page);
    }
    await open(page, `/news/${newsSlug}`);
    await page.getByText('Content warning: Flood images').click();
    assert.ok(await page.getByText('Second.').isVisible(), 'the disclosure opens');
  });
});

test('month, week and agenda views and the blackout periods pass axe', async (t) => {
  await asUser(t, 'admin', async (page) => {
    for (const view of ['month', 'week', 'agenda']) {
      await open(page, `/staff/publishing/calendar?view=${view}&date=${day}`);
      await assertNoAxeViolations(page);
      assert.ok(
        await page.getByText('Regional elections').first().isVisible(),
        `the blackout shows in the ${view} view`,
      );
    }
    await open(page, '/staff/publishing/blackouts');
    await assertNoAxeViolations(page);
  });
});
