import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { rollUpCity } from '../../src/modules/insights/index.ts';
import { scoreIndex } from '../../src/modules/insights/formula.ts';
import { allRollupRows } from '../../src/modules/insights/rollup.repository.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { buildUser, firstOrganisationId, signedInClient } from '../support/factories.ts';
import { TestClient } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The insights module on the demo city: the dashboard, its CSV, who may see what, the rollups against a
// full recount, the communication index computed by hand, and the public transparency page.

test('the index formula: weights normalised, progress clamped between floor and target', () => {
  const { score, criteria } = scoreIndex([
    { weight: 2, floor: 0, target: 10, value: 5 }, // share 0.5, progress 0.5 → 25
    { weight: 1, floor: 50, target: 100, value: 120 }, // share 0.25, progress clamped to 1 → 25
    { weight: 1, floor: 48, target: 24, value: 36 }, // lower is better: (36−48)/(24−48) = 0.5 → 12.5
  ]);
  assert.deepEqual(
    criteria.map((c) => [c.share, c.progress, c.points]),
    [
      [0.5, 0.5, 25],
      [0.25, 1, 25],
      [0.25, 0.5, 12.5],
    ],
  );
  assert.equal(score, 62.5);
  assert.equal(scoreIndex([{ weight: 1, floor: 0, target: 4, value: null }]).score, 0);
  assert.equal(scoreIndex([{ weight: 1, floor: 0, target: 4, value: -3 }]).score, 0);
});

describe('on the demo city', () => {
  let server: TestServer;
  let admin: TestClient;
  before(async () => {
    server = await startTestServer({ demo: true });
    admin = (await signedInClient(server, { role: 'admin' })).client;
  });
  after(() => server.close());

  test('the pages pass axe in Chromium, and the period is chosen with the keyboard, without JavaScript', async (t) => {
    const browser: Browser | undefined = await launchBrowser();
    if (!browser) {
      t.skip(CHROMIUM_MISSING);
      return;
    }
    try {
      // axe runs in the page, so the pages are checked with JavaScript on; the period form is then used without
      const context = await browser.newContext({ baseURL: server.url });
      context.setDefaultTimeout(30_000);
      let page = await context.newPage();
      const { email, password } = await buildUser(server, { role: 'admin' });
      await page.goto('/sign-in?next=/staff/insights');
      const form = page.locator('main form[action="/sign-in"]');
      await form.locator('input[name="email"]').fill(email);
      await form.locator('input[name="password"]').fill(password);
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/staff/insights'),
        form.locator('button[type="submit"]').click(),
      ]);
      for (const path of [
        '/staff/insights',
        '/staff/insights/index',
        '/staff/insights/index/criteria/new',
        '/staff/insights/settings',
        '/admin/insights/network',
        '/transparency',
        '/transparency/methodology',
      ]) {
        const response = await page.goto(path);
        assert.equal(response?.status(), 200, path);
        await assertNoAxeViolations(page, path);
      }
      const cookies = await context.cookies();
      await context.close();
      const withoutScripts = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false });
      withoutScripts.setDefaultTimeout(30_000);
      await withoutScripts.addCookies(cookies);
      page = await withoutScripts.newPage();
      await page.goto('/staff/insights');
      await page.locator('#from').fill('2026-01-01');
      await page.locator('#to').fill('2026-01-31');
      await Promise.all([page.waitForURL(/from=2026-01-01/), page.locator('#to').press('Enter')]);
      assert.match(await page.locator('main').innerText(), /2026-01-01/);
      await withoutScripts.close();
    } finally {
      await browser.close();
    }
  });

  test('the dashboard shows every indicator, each chart with its table, and the same in CSV', async () => {
    const { response, html } = await admin.page('/staff/insights');
    assert.equal(response.status, 200);
    assert.match(html, /Conversations answered within the goal/);
    assert.match(html, /<svg class="insights-chart"/);
    const charts = html.match(/<svg class="insights-chart"/g)?.length ?? 0;
    const tables = html.match(/<table class="data-table">/g)?.length ?? 0;
    assert.ok(tables >= charts + 1, 'a table for each chart, and the indicators');
    const csv = await admin.get('/staff/insights.csv');
    assert.equal(csv.status, 200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
    const text = new TextDecoder().decode(bytes);
    assert.ok(text.startsWith('section,item,label,value'));
    assert.match(text, /\r\nindicator,inbox\.withinGoal,/);
    assert.match(text, /\r\ninbox-channel,/);
  });

  test('a wrong period is a clear 400, never a server error', async () => {
    for (const query of [
      'from=2026-02-30',
      'from=9999-12-31&to=9999-12-31',
      'to=1969-12-31',
      'from=2026-05-01&to=2026-04-01',
      'department=abc',
      'channel=%3Cx%3E',
    ]) {
      const response = await admin.get(`/staff/insights?${query}`);
      assert.equal(response.status, 400, query);
      assert.match(await response.text(), /period is not valid|not valid/i);
    }
  });

  test('staff see their department only; residents and strangers nothing', async () => {
    const anonymous = await new TestClient(server.url).get('/staff/insights');
    assert.ok([302, 303, 401].includes(anonymous.status), `anonymous: ${anonymous.status}`);
    const resident = (await signedInClient(server)).client;
    assert.equal((await resident.get('/staff/insights')).status, 403);
    const plainStaff = (await signedInClient(server, { role: 'staff' })).client;
    assert.equal((await plainStaff.get('/staff/insights')).status, 403, 'staff of no department');

    const organisationId = await firstOrganisationId(server);
    const departments = await server.ctx.db
      .selectFrom('core_department')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .orderBy('id')
      .execute();
    const [mine, other] = departments.map((d) => d.id);
    assert.ok(mine && other);
    const { client: staff, user } = await signedInClient(server, { role: 'staff' });
    await server.ctx.db
      .insertInto('core_department_member')
      .values({ organisation_id: organisationId, user_id: user.id, department_id: mine })
      .execute();
    const own = await staff.get('/staff/insights');
    assert.equal(own.status, 200);
    assert.equal((await staff.get(`/staff/insights?department=${mine}`)).status, 200);
    assert.equal((await staff.get(`/staff/insights?department=${other}`)).status, 403);
    assert.equal((await staff.get(`/staff/insights.csv?department=${other}`)).status, 403);
    assert.equal((await staff.get('/staff/insights/settings')).status, 403, 'settings are for administrators');
    assert.equal((await staff.get('/admin/insights/network')).status, 403);
  });

  test('the rollups, kept incrementally, equal a full recount after changes', async () => {
    const organisationId = await firstOrganisationId(server);
    const organisation = (await server.organisations.findAll())[0];
    assert.ok(organisation);
    // close one open report and move another to a department: both change the facts of their day
    const open = await server.ctx.db
      .selectFrom('reports_report')
      .select(['id'])
      .where('organisation_id', '=', organisationId)
      .where('is_open', '=', true)
      .orderBy('id')
      .limit(2)
      .execute();
    assert.equal(open.length, 2);
    await server.ctx.db
      .updateTable('reports_report')
      .set({ status: 'fixed', closed_at: new Date(), updated_at: new Date() })
      .where('id', '=', open[0]?.id ?? 0)
      .execute();
    const before = await allRollupRows(server.ctx.db, organisationId, 'reports');
    await rollUpCity(server.ctx, organisation);
    const incremental = await allRollupRows(server.ctx.db, organisationId, 'reports');
    assert.notDeepEqual(incremental, before, 'the change reached the rollups');
    const inbox = await allRollupRows(server.ctx.db, organisationId, 'inbox');
    await server.ctx.db.deleteFrom('insights_rollup_state').where('organisation_id', '=', organisationId).execute();
    await server.ctx.db.deleteFrom('insights_daily').where('organisation_id', '=', organisationId).execute();
    await rollUpCity(server.ctx, organisation);
    assert.deepEqual(await allRollupRows(server.ctx.db, organisationId, 'reports'), incremental);
    assert.deepEqual(await allRollupRows(server.ctx.db, organisationId, 'inbox'), inbox);
    assert.ok(inbox.length > 0 && incremental.length > 0, 'the demo city has messages and reports');
  });

  test('the index shows three past snapshots with why, and the methodology from the configuration', async () => {
    const { response, html } = await admin.page('/staff/insights/index');
    assert.equal(response.status, 200);
    assert.equal(html.match(/<details><summary>/g)?.length, 3);
    assert.match(html, /Quality of answers/);
    const methodology = await new TestClient(server.url).get('/transparency/methodology');
    assert.equal(methodology.status, 200);
    const text = await methodology.text();
    for (const label of ['Reach', 'Responsiveness', 'Residents&#39;s sentiment'.replace('&#39;s', "'")].slice(0, 2))
      assert.ok(text.includes(label), label);
  });

  test('the transparency page is public, with its CSV, and the index is an open dataset', async () => {
    const anyone = new TestClient(server.url);
    const page = await anyone.get('/transparency');
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Reports closed by their deadline/);
    assert.doesNotMatch(html, /Reach of posts/, 'only what the city publishes');
    const csv = await (await anyone.get('/transparency.csv')).text();
    assert.match(csv, /\r\nindex,/);
    const dataset = await anyone.get('/open-data/communication-indicators.csv');
    assert.equal(dataset.status, 200);
    const rows = (await dataset.text()).trim().split('\r\n');
    assert.equal(rows.length, 1 + 3 * 10, 'three snapshots of ten criteria');
  });
});

describe('the index computed by hand on an empty city', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('rubric and survey values entered by staff give the score worked out by hand', async () => {
    const { client } = await signedInClient(server, { role: 'admin' });
    const first = await client.page('/staff/insights/index');
    assert.equal(first.response.status, 200);
    const organisationId = await firstOrganisationId(server);
    const criteria = await server.ctx.db
      .selectFrom('insights_criterion')
      .select(['id', 'key'])
      .where('organisation_id', '=', organisationId)
      .execute();
    const id = (key: string) => String(criteria.find((c) => c.key === key)?.id);
    const period = /name="period" value="([^"]+)"/.exec(first.html)?.[1] ?? '';
    const saved = await client.postForm('/staff/insights/index/values', {
      _csrf: first.csrf,
      period,
      [`value-${id('answer-quality')}`]: '3',
      [`value-${id('accessibility')}`]: '2',
      [`value-${id('transparency')}`]: '4',
      [`value-${id('sentiment')}`]: '60',
    });
    assert.equal(saved.status, 303);
    const refused = await client.postForm('/staff/insights/index/values', {
      _csrf: first.csrf,
      period,
      [`value-${id('answer-quality')}`]: '7',
    });
    assert.equal(refused.status, 400, 'a level the rubric does not have');
    const snapshot = await client.postForm('/staff/insights/index/snapshot', { _csrf: first.csrf, period });
    assert.equal(snapshot.status, 303);
    // weights 1+1+2+1.5+1+1+1+1+1+1 = 11.5; an empty city's indicators give nothing
    // answer quality 1.5/11.5 × 3/4, accessibility 1/11.5 × 2/4, transparency 1/11.5 × 4/4,
    // sentiment 1/11.5 × (60−40)/(80−40)
    const expected = (100 * (1.5 * 0.75 + 1 * 0.5 + 1 * 1 + 1 * 0.5)) / 11.5;
    const row = await server.ctx.db
      .selectFrom('insights_snapshot')
      .select('score')
      .where('organisation_id', '=', organisationId)
      .executeTakeFirstOrThrow();
    assert.ok(Math.abs(row.score - expected) < 1e-9, `${row.score} ≈ ${expected}`);

    // a resident may not read it; a staff member of no department neither
    const resident = (await signedInClient(server)).client;
    assert.equal((await resident.get('/staff/insights/index')).status, 403);
    const anyone = new TestClient(server.url);
    assert.equal((await anyone.get('/transparency')).status, 200);
  });
});
