import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { translator } from '../../src/platform/i18n/translate.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { lastMailTo } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The platform in a real Chromium: a resident's whole journey by keyboard and mouse, axe-core (WCAG 2.1
 * A and AA) on every page, the skip link, and forms that work without JavaScript.
 */

const en = translator('en');
const DEMO_PASSWORD = 'demo-password-123';
const ADMIN_PAGES = [
  '/admin',
  '/admin/organisation',
  '/admin/departments',
  '/admin/users',
  '/admin/audit',
  '/admin/outbox',
  '/admin/api-keys',
  '/staff/reports',
  '/staff/categories',
  '/staff/routing',
  '/staff/answer-templates',
  '/admin/budgets',
  '/admin/verification',
  '/admin/participation',
  '/admin/inbox/channels',
  '/staff/inbox',
  '/staff/inbox/templates',
  '/staff/inbox/import',
  '/staff/inbox/listening',
  '/staff/inbox/codes',
  '/staff/inbox/people?q=marco',
  '/admin/inbox/settings',
  '/admin/inbox/topics/new',
  '/staff/publishing',
  '/staff/publishing/posts/new',
  '/staff/publishing/campaigns',
  '/staff/publishing/failures',
  '/staff/publishing/crisis',
  '/admin/publishing/destinations',
  '/admin/publishing/steps',
];

let server: TestServer;
let browser: Browser | undefined;
let newsSlug: string;
/** One of each module's pages in the demo city. */
let moduleIds: {
  report: number;
  budget: number;
  process: string;
  proposal: number;
  meeting: number;
  residentProject: { budget: number; project: number };
};

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  server = await startTestServer({
    demo: true,
    adjust: (config) => {
      config.rateLimits.signIn.limit = 1000;
      config.rateLimits.signUp.limit = 1000;
    },
  });
  const article = await server.ctx.db
    .selectFrom('publishing_post')
    .select('slug')
    .where('kind', '=', 'article')
    .where('state', '=', 'published')
    .orderBy('published_at', 'desc')
    .executeTakeFirst();
  assert.ok(article, 'the demo city has published news');
  newsSlug = article.slug;
  const db = server.ctx.db;
  moduleIds = {
    report: (
      await db
        .selectFrom('reports_report')
        .select('id')
        .where('hidden_at', 'is', null)
        .orderBy('id')
        .executeTakeFirstOrThrow()
    ).id,
    budget: (await db.selectFrom('budgets_budget').select('id').orderBy('id').executeTakeFirstOrThrow()).id,
    process: (await db.selectFrom('participation_process').select('slug').orderBy('id').executeTakeFirstOrThrow()).slug,
    proposal: (await db.selectFrom('participation_proposal').select('id').orderBy('id').executeTakeFirstOrThrow()).id,
    meeting: (await db.selectFrom('participation_meeting').select('id').orderBy('id').executeTakeFirstOrThrow()).id,
    // a placed project residents proposed, in the demo budget collecting supports
    residentProject: await db
      .selectFrom('budgets_project')
      .select(['budget_id as budget', 'id as project'])
      .where('author_id', 'is not', null)
      .where('lat', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow(),
  };
});

after(async () => {
  if (!browser) return; // the server is started only when there is a browser
  await browser.close();
  await server.close();
});

/**
 * Runs `use` in a fresh browser context (own cookies) against the test server, or skips the test when
 * Chromium is not installed. Fails if the page reports a Content-Security-Policy violation or a script error.
 */
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
  const problems: string[] = [];
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  try {
    await use(page, context);
    assert.deepEqual(problems, [], 'the pages ran without CSP violations or script errors');
  } finally {
    await context.close();
  }
}

/** Opens a path and checks the status the server answered with. */
async function open(page: Page, path: string, status = 200): Promise<void> {
  const response = await page.goto(path);
  assert.equal(response?.status(), status, `GET ${path}`);
}

/** Signs in through the sign-in form, as a person would, and waits for the page after it. */
async function signIn(page: Page, email: string, password: string, next = '/'): Promise<void> {
  await open(page, `/sign-in?next=${encodeURIComponent(next)}`);
  const form = page.locator('main form[action="/sign-in"]');
  await form.getByLabel(en('form.email')).fill(email);
  await form.getByLabel(en('form.password')).fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === next),
    form.getByRole('button', { name: en('signIn.submit') }).click(),
  ]);
}

/** The page has no horizontal scrolling (WCAG 1.4.10 reflow). */
async function assertNoHorizontalScroll(page: Page, where: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(
    scrollWidth <= clientWidth,
    `${where} scrolls sideways at ${clientWidth}px (content is ${scrollWidth}px wide)`,
  );
}

describe('a resident in the browser', () => {
  test('signs up, confirms by the mailed link, signs in, switches language and signs out', async (t) => {
    await inBrowser(t, async (page) => {
      const email = `browser.resident.${Date.now()}@example.org`;
      const password = 'a long enough password';

      await open(page, '/');
      await Promise.all([
        page.waitForURL('**/sign-up'),
        page
          .getByRole('main')
          .getByRole('link', { name: en('site.signUp') })
          .click(),
      ]);
      await page.getByRole('heading', { level: 1, name: en('signUp.title') }).waitFor();

      const form = page.locator('main form[action="/sign-up"]');
      await form.getByLabel(en('form.displayName')).fill('Bruna Browser');
      await form.getByLabel(en('form.email')).fill(email);
      await form.getByLabel(en('form.password')).fill(password);
      // the terms by keyboard: focus the box, tick it with the space bar, submit with Enter on the button
      await form.getByLabel(en('signUp.acceptTerms')).focus();
      await page.keyboard.press('Space');
      assert.equal(await form.getByLabel(en('signUp.acceptTerms')).isChecked(), true);
      await form.getByRole('button', { name: en('signUp.submit') }).focus();
      await Promise.all([
        page.waitForLoadState('load'),
        page.waitForResponse((r) => r.url().endsWith('/sign-up') && r.request().method() === 'POST'),
        page.keyboard.press('Enter'),
      ]);
      await page.getByRole('heading', { level: 1, name: en('signUp.done.title') }).waitFor();
      assert.match((await page.getByRole('main').textContent()) ?? '', new RegExp(email.replace(/\./g, '\\.')));

      const mail = await lastMailTo(server, email);
      assert.ok(mail, 'a confirmation mail is in the outbox');
      const link = /https?:\/\/\S+?(\/confirm\?token=[\w-]+)/.exec(mail.text_body);
      assert.ok(link?.[1], 'the mail carries a confirmation link');
      await open(page, link[1]);
      assert.match(
        (await page.getByRole('main').textContent()) ?? '',
        new RegExp(en('confirm.done').replace(/[.!]/g, '\\$&')),
      );

      await Promise.all([
        page.waitForURL('**/sign-in'),
        page
          .getByRole('main')
          .getByRole('link', { name: en('site.signIn') })
          .click(),
      ]);
      const signInForm = page.locator('main form[action="/sign-in"]');
      await signInForm.getByLabel(en('form.email')).fill(email.toUpperCase());
      await signInForm.getByLabel(en('form.password')).fill(password);
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/'),
        signInForm.getByLabel(en('form.password')).press('Enter'),
      ]);
      await page
        .getByRole('navigation')
        .getByRole('link', { name: new RegExp(en('site.account')) })
        .waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'en');

      // the language switcher, by keyboard: open the <details>, Tab past English to Italiano, press Enter
      await page.locator('.language-switch summary').focus();
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('.language-switch').getAttribute('open'), '');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'English');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('value')), 'it');
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/language') && r.status() === 303),
        page.keyboard.press('Enter'),
      ]);
      await page.waitForFunction(() => document.documentElement.lang === 'it');
      assert.equal(new URL(page.url()).pathname, '/', 'the switcher comes back to the same page');
      const it = translator('it');
      await page.getByRole('button', { name: it('site.signOut') }).waitFor();
      assert.equal(
        await page.locator('.language-switch summary').textContent(),
        `${it('site.language.choose')}: Italiano`,
      );
      const saved = await server.ctx.db
        .selectFrom('core_user')
        .select('language')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      assert.equal(saved.language, 'it', 'the choice is saved on the account');
      await assertNoAxeViolations(page, '/ in Italian, signed in');

      await open(page, '/account');
      assert.equal(await page.getByLabel(it('account.language')).inputValue(), 'it');

      await Promise.all([
        page.waitForURL((url) => url.pathname === '/'),
        page.getByRole('button', { name: it('site.signOut') }).click(),
      ]);
      await page
        .getByRole('status')
        .filter({ hasText: it('account.signedOut') })
        .waitFor();
      assert.equal(await page.getByRole('button', { name: it('site.signOut') }).count(), 0);
      assert.equal(await page.getAttribute('html', 'lang'), 'it', 'the language stays after signing out');
      await page.goto('/account');
      assert.equal(new URL(page.url()).pathname, '/sign-in', 'the account page now asks to sign in');
    });
  });
});

describe('accessibility: axe-core finds no WCAG 2.1 A/AA violation', () => {
  test('on the public pages', async (t) => {
    await inBrowser(t, async (page) => {
      const pages: Array<[string, number]> = [
        ['/', 200],
        ['/news', 200],
        [`/news/${newsSlug}`, 200],
        ['/districts', 200],
        ['/sign-in', 200],
        ['/sign-up', 200],
        ['/password-reset', 200],
        ['/confirm?token=bad', 400],
        ['/no-such-page', 404],
        ['/api/docs', 200],
        ['/reports', 200],
        ['/reports/new', 200],
        [`/reports/${moduleIds.report}`, 200],
        ['/reports/statistics', 200],
        ['/budgets', 200],
        [`/budgets/${moduleIds.budget}`, 200],
        [`/budgets/${moduleIds.residentProject.budget}`, 200],
        [`/budgets/${moduleIds.residentProject.budget}/projects/${moduleIds.residentProject.project}`, 200],
        [`/budgets/${moduleIds.residentProject.budget}/projects/new`, 200],
        ['/processes', 200],
        [`/processes/${moduleIds.process}`, 200],
        ['/proposals', 200],
        [`/proposals/${moduleIds.proposal}`, 200],
        [`/meetings/${moduleIds.meeting}`, 200],
        ['/contact', 200],
        ['/open-data', 200],
        ['/open-data/reports', 200],
        ['/open-data/budget-projects', 200],
      ];
      for (const [path, status] of pages) {
        await open(page, path, status);
        await assertNoAxeViolations(page, path);
      }
    });
  });

  test('with the language menu open', async (t) => {
    await inBrowser(t, async (page) => {
      await open(page, '/');
      await page.locator('.language-switch summary').click();
      await page.getByRole('button', { name: 'Deutsch' }).waitFor();
      await assertNoAxeViolations(page, '/ with the language menu open');
    });
  });

  test('on a form showing validation errors', async (t) => {
    await inBrowser(t, async (page) => {
      await open(page, '/sign-up');
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/sign-up') && r.status() === 400),
        page.getByRole('button', { name: en('signUp.submit') }).click(),
      ]);
      await page.waitForLoadState('load');
      const summary = page.locator('.error-summary');
      assert.equal(await summary.getByRole('link').count(), 4, 'each field in error is listed');
      for (const name of ['displayName', 'email', 'password', 'acceptTerms']) {
        assert.equal(await page.locator(`#${name}`).getAttribute('aria-invalid'), 'true', `${name} is marked invalid`);
      }
      // fields in error are outlined in the error colour, not only described in text
      const border = await page.locator('#email').evaluate((input) => getComputedStyle(input).borderTopColor);
      const errorColour = await page
        .locator('.field__error')
        .first()
        .evaluate((message) => getComputedStyle(message).color);
      assert.equal(border, errorColour);
      await assertNoAxeViolations(page, 'POST /sign-up with empty fields');
      // a link in the summary takes the reader to the field
      await summary.getByRole('link').first().click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'displayName');
    });
  });

  test('on the signed-in pages: account and administration', async (t) => {
    await inBrowser(t, async (page) => {
      await signIn(page, 'admin@valmora.example', DEMO_PASSWORD, '/account');
      await assertNoAxeViolations(page, '/account');
      for (const path of [...ADMIN_PAGES, `/admin/budgets/${moduleIds.residentProject.budget}/preselection`]) {
        await t.test(path, async () => {
          await open(page, path);
          await assertNoAxeViolations(page, path);
        });
      }
    });
  });

  test('on the contact form, an inbox conversation and its report and proposal forms', async (t) => {
    await inBrowser(t, async (page) => {
      await open(page, '/contact');
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/contact') && r.status() === 400),
        page.getByRole('button', { name: en('inbox.contactForm.submit') }).click(),
      ]);
      await page.waitForLoadState('load');
      await assertNoAxeViolations(page, 'POST /contact with empty fields');
      const text = `The street light at the corner is out ${Date.now()}`;
      await page.getByLabel(en('inbox.contactForm.email')).fill('browser.contact@example.org');
      await page.getByLabel(en('inbox.contactForm.message')).fill(text);
      await page.getByRole('button', { name: en('inbox.contactForm.submit') }).click();
      await page.getByText(en('inbox.contactForm.sent')).waitFor();
      const message = await server.ctx.db
        .selectFrom('inbox_message')
        .select(['id', 'conversation_id'])
        .where('body', '=', text)
        .executeTakeFirstOrThrow();
      await signIn(page, 'admin@valmora.example', DEMO_PASSWORD, '/account');
      for (const path of [
        `/staff/inbox/${message.conversation_id}`,
        `/staff/inbox/${message.conversation_id}/report?message=${message.id}`,
        `/staff/inbox/${message.conversation_id}/proposal?message=${message.id}`,
      ]) {
        await open(page, path);
        await assertNoAxeViolations(page, path);
      }
    });
  });

  test('on a 375 px wide phone, with nothing scrolling sideways', async (t) => {
    await inBrowser(
      t,
      async (page) => {
        await open(page, '/');
        await assertNoAxeViolations(page, '/ at 375 px');
        for (const path of [
          '/',
          '/news',
          `/news/${newsSlug}`,
          '/districts',
          '/sign-in',
          '/sign-up',
          '/api/docs',
          '/open-data/reports',
        ]) {
          await open(page, path);
          await assertNoHorizontalScroll(page, path);
        }
      },
      { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true },
    );
  });
});

describe('subscribing to new reports in an area', () => {
  test('draws the area with mouse clicks (live, no page load), undoes a corner, subscribes; axe on each state', async (t) => {
    await inBrowser(t, async (page) => {
      await signIn(page, 'admin@valmora.example', DEMO_PASSWORD, '/reports/subscriptions/area');
      await assertNoAxeViolations(page, '/reports/subscriptions/area');
      const map = page.getByRole('button', { name: en('reports.area.mapAlt') });
      const corners = page.getByLabel(en('reports.area.points'));
      for (const position of [
        { x: 180, y: 120 },
        { x: 460, y: 140 },
        { x: 430, y: 320 },
        { x: 200, y: 300 },
      ])
        await map.click({ position });
      assert.equal((await corners.inputValue()).split('\n').length, 4, 'each click adds a corner');
      assert.equal(new URL(page.url()).pathname, '/reports/subscriptions/area', 'without leaving the page');
      assert.equal(
        await page.locator('.area-draw--wide .area-shape').getAttribute('hidden'),
        null,
        'the shape is drawn',
      );
      await page.getByRole('button', { name: en('reports.area.undo') }).click();
      assert.equal((await corners.inputValue()).split('\n').length, 3);
      assert.equal(await page.locator('.area-draw--wide .area-corners circle').count(), 3);
      await assertNoAxeViolations(page, '/reports/subscriptions/area with a shape');
      await Promise.all([
        page.waitForURL('**/reports/subscriptions'),
        page.getByRole('button', { name: en('reports.area.submit') }).click(),
      ]);
      await page.getByRole('img', { name: en('reports.subscriptions.areaShape', { count: 3 }) }).waitFor();
      await assertNoAxeViolations(page, '/reports/subscriptions with an area');

      await open(page, '/reports/subscriptions/area');
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/reports/subscriptions/area') && r.status() === 400),
        page.getByRole('button', { name: en('reports.area.submit') }).click(),
      ]);
      await page.waitForLoadState('load');
      assert.equal(await corners.getAttribute('aria-invalid'), 'true');
      await assertNoAxeViolations(page, 'POST /reports/subscriptions/area with no corners');
    });
  });

  test('without JavaScript, each click on the map posts the form and comes back with one corner more', async (t) => {
    await inBrowser(
      t,
      async (page) => {
        await signIn(page, 'admin@valmora.example', DEMO_PASSWORD, '/reports/subscriptions/area');
        for (const [index, position] of [
          { x: 180, y: 120 },
          { x: 460, y: 140 },
          { x: 430, y: 320 },
        ].entries()) {
          await Promise.all([
            page.waitForResponse(
              (r) => r.url().endsWith('/reports/subscriptions/area') && r.request().method() === 'POST',
            ),
            page.getByRole('button', { name: en('reports.area.mapAlt') }).click({ position }),
          ]);
          await page.waitForLoadState('load');
          assert.equal((await page.getByLabel(en('reports.area.points')).inputValue()).split('\n').length, index + 1);
        }
        assert.equal(
          await page.locator('.area-draw--wide .area-shape').getAttribute('hidden'),
          null,
          'the server draws the shape',
        );
      },
      { javaScriptEnabled: false },
    );
  });
});

describe('a category’s own questions', () => {
  /** A demo category that asks questions of its own. */
  async function categoryWithQuestions(): Promise<{ code: string }> {
    return server.ctx.db
      .selectFrom('reports_category as c')
      .innerJoin('reports_question as q', 'q.category_id', 'c.id')
      .select('c.code')
      .where('c.active', '=', true)
      .orderBy('c.id')
      .executeTakeFirstOrThrow();
  }

  /** A resident's message whose conversation is not linked to a report yet. */
  async function messageNotYetAReport(): Promise<{ id: number; conversation_id: number }> {
    return server.ctx.db
      .selectFrom('inbox_message as m')
      .innerJoin('inbox_conversation as c', 'c.id', 'm.conversation_id')
      .select(['m.id', 'm.conversation_id'])
      .where('m.direction', '=', 'in')
      .where('c.report_id', 'is', null)
      .orderBy('m.id')
      .executeTakeFirstOrThrow();
  }

  test('with JavaScript, choosing a category shows only its questions, on the resident’s form and the inbox’s', async (t) => {
    await inBrowser(t, async (page) => {
      const category = await categoryWithQuestions();
      await signIn(page, 'admin@valmora.example', DEMO_PASSWORD, '/account');
      const message = await messageNotYetAReport();
      for (const path of ['/reports/new', `/staff/inbox/${message.conversation_id}/report?message=${message.id}`]) {
        await open(page, path);
        const questions = page.locator(`[data-questions="${category.code}"]`);
        assert.equal(await questions.isVisible(), false, `${path}: hidden before a category is chosen`);
        assert.equal(
          await page.locator('[data-questions-step]').isVisible(),
          false,
          `${path}: the no-script step is hidden`,
        );
        await page.locator('select#category').selectOption(category.code);
        await questions.waitFor({ state: 'visible' });
        assert.equal(await questions.isDisabled(), false, `${path}: the shown questions are sent`);
        await assertNoAxeViolations(page, `${path} with ${category.code}’s questions`);
      }
    });
  });

  test('without JavaScript, staff choose the category and ask for its questions: the form comes back with them', async (t) => {
    await inBrowser(
      t,
      async (page) => {
        const category = await categoryWithQuestions();
        await signIn(page, 'admin@valmora.example', DEMO_PASSWORD, '/account');
        const message = await messageNotYetAReport();
        await open(page, `/staff/inbox/${message.conversation_id}/report?message=${message.id}`);
        const questions = page.locator(`[data-questions="${category.code}"]`);
        assert.equal(await questions.isVisible(), false);
        await page.locator('select#category').selectOption(category.code);
        // the form posts to the same address without the message in the query: the page after it
        await Promise.all([
          page.waitForURL((url) => url.search === ''),
          page.getByRole('button', { name: en('inbox.report.showQuestions') }).click(),
        ]);
        assert.equal(await questions.isVisible(), true, 'the chosen category’s questions are on the page');
        assert.match(
          await page.content(),
          new RegExp(`<option value="${category.code}" selected`),
          'the choice is kept',
        );
        assert.equal(
          await page.getByRole('alert').count(),
          0,
          'asking for the questions is not a submission: no errors',
        );
      },
      { javaScriptEnabled: false },
    );
  });
});

describe('subscribing to an area on a phone', () => {
  test('without JavaScript, the narrow map fits a 375 px screen and each tap adds a corner', async (t) => {
    await inBrowser(
      t,
      async (page) => {
        await signIn(page, 'admin@valmora.example', DEMO_PASSWORD, '/reports/subscriptions/area');
        await assertNoHorizontalScroll(page, '/reports/subscriptions/area at 375 px');
        const map = page.getByRole('button', { name: en('reports.area.mapAlt') });
        assert.equal(await map.getAttribute('name'), 'mapsmall', 'the narrow map is the one shown');
        for (const [index, position] of [
          { x: 90, y: 60 },
          { x: 230, y: 70 },
          { x: 215, y: 160 },
        ].entries()) {
          await Promise.all([
            page.waitForResponse(
              (r) => r.url().endsWith('/reports/subscriptions/area') && r.request().method() === 'POST',
            ),
            map.click({ position }),
          ]);
          await page.waitForLoadState('load');
          assert.equal((await page.getByLabel(en('reports.area.points')).inputValue()).split('\n').length, index + 1);
        }
        await assertNoHorizontalScroll(page, 'the drawing page with a shape at 375 px');
      },
      { javaScriptEnabled: false, viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true },
    );
  });
});

describe('keyboard', () => {
  test('the first Tab reaches the skip link, which moves focus to the main content', async (t) => {
    await inBrowser(t, async (page) => {
      await open(page, '/news');
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => ({
        className: document.activeElement?.className,
        text: document.activeElement?.textContent,
        top: document.activeElement?.getBoundingClientRect().top ?? -1,
      }));
      assert.equal(focused.className, 'skip-link');
      assert.equal(focused.text, en('site.skip'));
      assert.ok(focused.top >= 0, 'the focused skip link is on screen');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'main');
      assert.equal(new URL(page.url()).hash, '#main');
      // the next Tab continues inside the main content, not back in the header
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => Boolean(document.activeElement?.closest('main'))), true);
    });
  });
});

describe('without JavaScript', () => {
  test('a resident signs in with the form, sees their account in their language and signs out', async (t) => {
    await inBrowser(
      t,
      async (page) => {
        await page.setContent('<title>off</title><script>document.title = "on"</script>');
        assert.equal(await page.title(), 'off', 'scripts really are off');
        await signIn(page, 'giulia@valmora.example', DEMO_PASSWORD, '/account');
        const it = translator('it');
        await page.getByRole('heading', { level: 1, name: it('account.title') }).waitFor();
        assert.equal(await page.getAttribute('html', 'lang'), 'it', 'Giulia reads in Italian');
        await Promise.all([
          page.waitForURL((url) => url.pathname === '/'),
          page.getByRole('button', { name: it('site.signOut') }).click(),
        ]);
        assert.equal(await page.getByRole('button', { name: it('site.signOut') }).count(), 0);
      },
      { javaScriptEnabled: false },
    );
  });
});
