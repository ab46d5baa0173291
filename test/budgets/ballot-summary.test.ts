import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SESSION_COOKIE } from '../../src/platform/auth/sessions.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import {
  budgetCity,
  budgetVoter,
  buildBudget,
  castBallot,
  type BudgetCity,
  type BudgetVoter,
} from '../support/budgets.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * The ballot page shows one running summary, right for the budget's rule (issue 14): money for "within
 * the amount", the number of projects for approval, the number of votes for distributed votes. The
 * server renders it from the ballot shown; the script keeps the same element up to date.
 */

let server: TestServer;
let city: BudgetCity;
let browser: Browser | undefined;

before(async () => {
  server = await startTestServer({ adjust: (config) => (config.rateLimits.signIn.limit = 10_000) });
  city = await budgetCity(server);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server.close();
});

/** The summaries on a page: every element that states a running total, with its text and whether it warns. */
function summaries(html: string): Array<{ text: string; over: boolean }> {
  return [...html.matchAll(/<p class="ballot-total([^"]*)"[^>]*>([^<]*)<\/p>/g)].map((m) => ({
    text: m[2] ?? '',
    over: (m[1] ?? '').includes('ballot-total--over'),
  }));
}

function submitBallot(voter: BudgetVoter, path: string, csrf: string, fields: Array<[string, string]>) {
  return voter.client.request('POST', `${path}/ballot`, {
    body: new URLSearchParams([['_csrf', csrf], ...fields]).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

describe('without JavaScript, the server renders one summary right for the rule', () => {
  test('approval: projects chosen of the number allowed, never money', async () => {
    const s = await buildBudget(city, { votingRule: 'approval', maxProjects: 2 }, { a: 60, b: 50, c: 30 });
    const voter = await budgetVoter(city);
    const path = `/budgets/${s.budgetId}/headings/${s.headingId}`;
    assert.equal((await castBallot(voter, s.budgetId, s.headingId, { projects: [s.p.a, s.p.b] })).status, 200);
    const page = await voter.client.page(path);
    // A and B cost 110, more than the heading's 100: irrelevant under approval.
    assert.deepEqual(summaries(page.html), [{ text: 'Projects chosen: 2 of 2.', over: false }]);
    assert.doesNotMatch(page.html, /over the amount|Left:/);

    const refused = await submitBallot(voter, path, page.csrf, [
      ['projects', String(s.p.a)],
      ['projects', String(s.p.b)],
      ['projects', String(s.p.c)],
    ]);
    assert.equal(refused.status, 422);
    const html = await refused.text();
    assert.match(html, /You chose more projects than allowed\./);
    assert.deepEqual(summaries(html), [{ text: 'Projects chosen: 3, more than the 2 allowed.', over: true }]);
  });

  test('within the amount: cost and what is left, over the amount, under the minimum share', async () => {
    const s = await buildBudget(
      city,
      { votingRule: 'knapsack', maxProjects: null, minShare: 0.5 },
      { a: 60, b: 50, c: 30 },
    );
    const voter = await budgetVoter(city);
    const path = `/budgets/${s.budgetId}/headings/${s.headingId}`;
    const empty = await voter.client.page(path);
    assert.deepEqual(summaries(empty.html), [{ text: 'Chosen: €0. Left: €100.', over: false }]);
    assert.equal((await castBallot(voter, s.budgetId, s.headingId, { projects: [s.p.a] })).status, 200);
    const saved = await voter.client.page(path);
    assert.deepEqual(summaries(saved.html), [{ text: 'Chosen: €60. Left: €40.', over: false }]);

    const over = await submitBallot(voter, path, saved.csrf, [
      ['projects', String(s.p.a)],
      ['projects', String(s.p.b)],
    ]);
    assert.equal(over.status, 422);
    assert.deepEqual(summaries(await over.text()), [{ text: 'Chosen: €110 — €10 over the amount.', over: true }]);
    const under = await submitBallot(voter, path, saved.csrf, [['projects', String(s.p.c)]]);
    assert.equal(under.status, 422);
    assert.deepEqual(summaries(await under.text()), [
      { text: 'Chosen: €30, less than the minimum of €50. Left: €70.', over: true },
    ]);
  });

  test('distributed votes: votes given of the votes the voter has', async () => {
    const s = await buildBudget(city, { votingRule: 'distributed', maxProjects: null, maxVotes: 5 }, { a: 60, b: 50 });
    const voter = await budgetVoter(city);
    const path = `/budgets/${s.budgetId}/headings/${s.headingId}`;
    assert.equal((await castBallot(voter, s.budgetId, s.headingId, { votes: { [s.p.a]: 2, [s.p.b]: 1 } })).status, 200);
    const page = await voter.client.page(path);
    assert.deepEqual(summaries(page.html), [{ text: 'Votes given: 3 of 5.', over: false }]);
    const refused = await submitBallot(voter, path, page.csrf, [
      [`votes_${s.p.a}`, '4'],
      [`votes_${s.p.b}`, '3'],
    ]);
    assert.deepEqual(summaries(await refused.text()), [
      { text: 'Votes given: 7, more than the 5 you have.', over: true },
    ]);
  });
});

describe('with JavaScript, the same summary follows the choices', () => {
  async function inBrowser(t: TestContext, voter: BudgetVoter, use: (page: Page) => Promise<void>) {
    if (!browser) {
      t.skip(CHROMIUM_MISSING);
      return;
    }
    const context = await browser.newContext({ baseURL: server.url });
    const session = voter.client.cookies.get(SESSION_COOKIE);
    assert.ok(session);
    await context.addCookies([{ name: SESSION_COOKIE, value: session, url: server.url }]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    try {
      await use(page);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }

  test('knapsack in German: one live summary, the server’s text until something changes', async (t) => {
    const s = await buildBudget(city, { votingRule: 'knapsack', maxProjects: null }, { a: 60, b: 50, c: 30 });
    const voter = await budgetVoter(city);
    assert.equal((await castBallot(voter, s.budgetId, s.headingId, { projects: [s.p.a] })).status, 200);
    const path = `/budgets/${s.budgetId}/headings/${s.headingId}?lang=de`;
    const served = summaries((await voter.client.page(path)).html);
    assert.equal(served.length, 1);
    await inBrowser(t, voter, async (page) => {
      await page.goto(path);
      const summary = page.locator('main [role="status"].ballot-total');
      assert.equal(await summary.count(), 1, 'one summary on the page');
      assert.equal(
        (await summary.textContent())?.replace(/\s/g, ' '),
        served[0]?.text.replace(/\s/g, ' '),
        'the script says what the server said',
      );
      await page.locator(`#project-${s.p.b}`).check();
      assert.match((await summary.textContent()) ?? '', /^Gewählt: 110\s€ – 10\s€ über dem Betrag\.$/);
      assert.ok(await summary.evaluate((el) => el.classList.contains('ballot-total--over')));
      await page.locator(`#project-${s.p.a}`).uncheck();
      assert.match((await summary.textContent()) ?? '', /^Gewählt: 50\s€\. Übrig: 50\s€\.$/);
      assert.ok(!(await summary.evaluate((el) => el.classList.contains('ballot-total--over'))));
      await assertNoAxeViolations(page);
    });
  });

  test('approval: counts projects, no money', async (t) => {
    const s = await buildBudget(city, { votingRule: 'approval', maxProjects: 2 }, { a: 60, b: 50, c: 30 });
    const voter = await budgetVoter(city);
    await inBrowser(t, voter, async (page) => {
      await page.goto(`/budgets/${s.budgetId}/headings/${s.headingId}`);
      const summary = page.locator('main [role="status"].ballot-total');
      assert.equal(await summary.textContent(), 'Projects chosen: 0 of 2.');
      await page.locator(`#project-${s.p.a}`).check();
      await page.locator(`#project-${s.p.b}`).check();
      assert.equal(await summary.textContent(), 'Projects chosen: 2 of 2.');
      await page.locator(`#project-${s.p.c}`).check();
      assert.equal(await summary.textContent(), 'Projects chosen: 3, more than the 2 allowed.');
      assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /€\d[\d,]* over|Left:/);
    });
  });
});
