import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { buildUser } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The demo city's survey (its seeder: one of each kind of question, a condition, answers from the demo
 * residents) and the pages in Chromium with axe-core (WCAG 2.1 A and AA): the conditional question
 * appears when its answer is chosen (JavaScript), or is shown with its note and judged by the server
 * (without JavaScript); the results and the staff builder pages.
 */
let server: TestServer;
let browser: Browser | undefined;
let surveyId = 0;

before(async () => {
  server = await startTestServer({ demo: true });
  const survey = await server.ctx.db.selectFrom('surveys_survey').select('id').orderBy('id').executeTakeFirstOrThrow();
  surveyId = survey.id;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server.close();
});

async function responses(): Promise<number> {
  const rows = await server.ctx.db
    .selectFrom('surveys_response')
    .select('id')
    .where('survey_id', '=', surveyId)
    .execute();
  return rows.length;
}

/** A resident old enough for the demo process (its rule asks for an age of 14 or more). */
async function resident() {
  const user = await buildUser(server);
  await server.ctx.db.updateTable('core_user').set({ birth_year: 1990 }).where('id', '=', user.id).execute();
  return user;
}

async function signIn(page: Page, email: string) {
  await page.goto('/sign-in');
  await page.locator('main form[action="/sign-in"]').getByLabel('E-mail address').fill(email);
  await page.locator('main form[action="/sign-in"]').getByLabel('Password').fill('correct horse battery');
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/sign-in')),
    page.locator('main form[action="/sign-in"]').getByRole('button').click(),
  ]);
}

test('the demo has a published survey with answers and public results', async () => {
  assert.ok((await responses()) >= 3, 'answered by the demo residents');
  const page = await (await fetch(`${server.url}/surveys/${surveyId}/results`)).text();
  assert.match(page, /Parks and green spaces/);
  assert.match(page, /<table><caption>Answers to “Do you visit a park at least once a week\?”/);
  assert.match(await (await fetch(`${server.url}/surveys`)).text(), /Parks and green spaces/);
  const process = await (await fetch(`${server.url}/processes/master-plan-2040`)).text();
  assert.match(process, new RegExp(`<section aria-labelledby="process-surveys">.*href="/surveys/${surveyId}"`, 's'));
});

test('with JavaScript the conditional question appears when its answer is chosen; the form passes axe and sends', async (t) => {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const user = await resident();
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  try {
    await signIn(page, user.email);
    assert.equal((await page.goto(`/surveys/${surveyId}`))?.status(), 200);
    assert.match(await page.locator('main').innerText(), /Send my answers/);
    const which = page.getByRole('group', { name: /Which park do you visit most\?/ });
    assert.equal(await which.isVisible(), false, 'hidden until “Yes”');
    await assertNoAxeViolations(page, 'survey form');
    await page.getByRole('radio', { name: 'Yes' }).check();
    assert.equal(await which.isVisible(), true, 'shown after “Yes”');
    await page.getByRole('radio', { name: 'Harbour park' }).check();
    await page.getByRole('radio', { name: 'No' }).check();
    assert.equal(await which.isVisible(), false, 'hidden again after “No”');
    await page.getByRole('radio', { name: 'Yes' }).check();
    await page.getByRole('checkbox', { name: 'Benches' }).check();
    await page.getByRole('radio', { name: 'Satisfied' }).first().check();
    await page.getByLabel(/How many minutes/).fill('7');
    await assertNoAxeViolations(page, 'survey form, condition shown');
    const before = await responses();
    await Promise.all([
      page.waitForURL(`**/surveys/${surveyId}`),
      page.getByRole('button', { name: 'Send my answers' }).click(),
    ]);
    assert.match(await page.locator('main').innerText(), /Thank you: your answers have been recorded/);
    assert.equal(await responses(), before + 1);
    await assertNoAxeViolations(page, 'survey answered');
    assert.equal((await page.goto(`/surveys/${surveyId}/results`))?.status(), 200);
    await assertNoAxeViolations(page, 'survey results');
  } finally {
    await context.close();
  }
});

test('without JavaScript every question shows, the condition is explained, and the server applies it', async (t) => {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const user = await resident();
  const context = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await signIn(page, user.email);
    await page.goto(`/surveys/${surveyId}`);
    assert.equal(await page.getByRole('group', { name: /Which park do you visit most\?/ }).isVisible(), true);
    assert.match(await page.locator('main').innerText(), /Answer this only if you answered “Yes” to/);
    await page.getByRole('radio', { name: 'No' }).check();
    await page.getByRole('radio', { name: 'River meadows' }).check(); // does not apply after “No”
    await page.getByRole('checkbox', { name: 'Shade and trees' }).check();
    await Promise.all([
      page.waitForURL(`**/surveys/${surveyId}`),
      page.getByRole('button', { name: 'Send my answers' }).click(),
    ]);
    assert.match(await page.locator('main').innerText(), /Thank you/);
  } finally {
    await context.close();
  }
});

test('the staff builder pages pass axe and work with the keyboard', async (t) => {
  if (!browser) {
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const staff = await buildUser(server, { role: 'staff' });
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  try {
    await signIn(page, staff.email);
    const first = await server.ctx.db
      .selectFrom('surveys_question')
      .select('id')
      .where('survey_id', '=', surveyId)
      .where('kind', '=', 'matrix')
      .executeTakeFirstOrThrow();
    for (const path of [
      '/admin/surveys',
      `/admin/surveys/${surveyId}`,
      `/admin/surveys/${surveyId}/questions/${first.id}`,
    ]) {
      assert.equal((await page.goto(path))?.status(), 200, path);
      await assertNoAxeViolations(page, path);
      const repeated = await page.evaluate(() => {
        const ids = Array.from(document.querySelectorAll('[id]'), (element) => element.id);
        return ids.filter((id, index) => ids.indexOf(id) !== index);
      });
      assert.deepEqual(repeated, [], `${path}: every id once, so each label names its own field`);
    }
    // a new survey, typed and sent with the keyboard only
    await page.goto('/admin/surveys');
    await page.getByLabel('Title (English)').focus();
    await page.keyboard.type('Keyboard survey');
    await page.getByLabel('Title (English)').press('Enter');
    await page.waitForURL(/\/admin\/surveys\/\d+$/);
    assert.match(await page.locator('main').innerText(), /Add a question/);
    await page.getByLabel('Question (English)').fill('Which colour?');
    await page.getByLabel('Kind of question').selectOption('single');
    await page.locator('main form[action$="/questions"]').getByRole('button', { name: 'Save' }).click();
    await page.waitForLoadState();
    assert.match(page.url(), /\/questions\/\d+$/, await page.locator('main').innerText());
    await assertNoAxeViolations(page, 'question page');
    await page.getByLabel('Option (English)').fill('Green');
    await Promise.all([
      page.waitForURL(/\/questions\/\d+$/),
      page.getByRole('button', { name: 'Add the option' }).click(),
    ]);
    assert.match(await page.locator('main').innerText(), /Green/);
    await page.getByText('Rename “Green”').click();
    assert.equal(await page.getByLabel('Option (English)').first().inputValue(), 'Green');
    await assertNoAxeViolations(page, 'question page with an option');
    const repeated = await page.evaluate(() => {
      const ids = Array.from(document.querySelectorAll('[id]'), (element) => element.id);
      return ids.filter((id, index) => ids.indexOf(id) !== index);
    });
    assert.deepEqual(repeated, [], 'the option’s own form and the new option’s form do not share ids');
  } finally {
    await context.close();
  }
});
