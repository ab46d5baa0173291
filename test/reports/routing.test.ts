import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { translator } from '../../src/platform/i18n/translate.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { TestClient } from '../support/client.ts';
import { firstOrganisationId } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Routing reports to a department that has nobody in it (issue 14 §5): the rule is saved (a city may set its
 * routing up before staffing a department), but the page says so at once and keeps saying it, and the
 * department picker marks the departments without members.
 */

const en = translator('en');
const DEMO_PASSWORD = 'demo-password-123';
let server: TestServer;
let admin: TestClient;
let browser: Browser | undefined;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;');

before(async () => {
  server = await startTestServer({ demo: true });
  admin = new TestClient(server.url);
  const response = await admin.submit('/sign-in', '/sign-in', {
    email: 'admin@valmora.example',
    password: DEMO_PASSWORD,
  });
  assert.equal(response.status, 303);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server.close();
});

describe('a routing rule to a department without members', () => {
  test('is saved with a warning, marked on the routing page and in the picker until someone joins', async (t) => {
    const organisationId = await firstOrganisationId(server);
    const empty = await server.ctx.db
      .insertInto('core_department')
      .values({
        organisation_id: organisationId,
        slug: 'lighthouse',
        name: JSON.stringify({ en: 'Lighthouse Keepers' }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const category = await server.ctx.db
      .selectFrom('reports_category')
      .select('id')
      .where('code', '=', 'graffiti')
      .executeTakeFirstOrThrow();

    const before = await admin.page('/staff/routing');
    const picker = /<select[^>]*name="departmentId"[^]*?<\/select>/.exec(before.html)?.[0] ?? '';
    const option = new RegExp(`<option value="${empty.id}"[^>]*>([^<]*)</option>`).exec(picker);
    assert.equal(
      option?.[1],
      escape(en('reports.staff.routing.departmentNoMembers', { department: 'Lighthouse Keepers' })),
    );
    assert.doesNotMatch(
      before.html,
      new RegExp(`<a href="/admin/departments/${empty.id}">`),
      'no rule routes to it yet: nothing to warn about',
    );

    const saved = await admin.postForm('/staff/routing', {
      _csrf: before.csrf,
      categoryId: String(category.id),
      districtId: '',
      departmentId: String(empty.id),
    });
    assert.equal(saved.status, 303);
    const rule = await server.ctx.db
      .selectFrom('reports_routing_rule')
      .selectAll()
      .where('category_id', '=', category.id)
      .where('district_id', 'is', null)
      .executeTakeFirstOrThrow();
    assert.equal(rule.department_id, empty.id, 'the rule is saved');

    const after = await admin.page('/staff/routing');
    assert.ok(
      after.html.includes(escape(en('reports.staff.notice.routingSavedNoMembers'))),
      'the notice warns at once',
    );
    const warning = /<div class="notice notice--warning" id="routing-warning">([^]*?)<\/div>/.exec(after.html)?.[1];
    assert.ok(warning, 'the page warns');
    assert.ok(warning.includes(escape(en('reports.staff.routing.emptyWarning'))));
    assert.match(warning, new RegExp(`<a href="/admin/departments/${empty.id}">Lighthouse Keepers</a>`));
    assert.match(
      after.html,
      new RegExp(`Lighthouse Keepers <span class="tag tag--warning">${en('reports.staff.routing.noMembers')}</span>`),
      'the rule’s row marks its department',
    );

    if (browser) {
      const context = await browser.newContext({ baseURL: server.url });
      const page = await context.newPage();
      await page.goto('/sign-in?next=/staff/routing');
      await page.getByLabel(en('form.email')).fill('admin@valmora.example');
      await page.getByLabel(en('form.password')).fill(DEMO_PASSWORD);
      await Promise.all([
        page.waitForURL('**/staff/routing'),
        page.getByRole('button', { name: en('signIn.submit') }).click(),
      ]);
      await page.locator('#routing-warning').waitFor();
      await assertNoAxeViolations(page, '/staff/routing with a warning');
      await context.close();
    } else t.diagnostic(CHROMIUM_MISSING);

    // once someone joins the department, the warnings go
    const member = await server.ctx.db
      .selectFrom('core_user')
      .select('id')
      .where('email', '=', 'admin@valmora.example')
      .executeTakeFirstOrThrow();
    await server.ctx.db
      .insertInto('core_department_member')
      .values({ organisation_id: organisationId, department_id: empty.id, user_id: member.id })
      .execute();
    const staffed = await admin.page('/staff/routing');
    assert.doesNotMatch(staffed.html, new RegExp(`Lighthouse Keepers <span class="tag tag--warning">`));
    assert.ok(
      !staffed.html.includes(
        escape(en('reports.staff.routing.departmentNoMembers', { department: 'Lighthouse Keepers' })),
      ),
    );

    // a rule to a staffed department says only that it is saved
    const again = await admin.postForm('/staff/routing', {
      _csrf: staffed.csrf,
      categoryId: String(category.id),
      districtId: '',
      departmentId: String(empty.id),
    });
    assert.equal(again.status, 303);
    const notice = await admin.page('/staff/routing');
    assert.ok(notice.html.includes(escape(en('reports.staff.notice.routingSaved'))));
    assert.ok(!notice.html.includes(escape(en('reports.staff.notice.routingSavedNoMembers'))));
  });
});
