import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/platform/auth/api-keys.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { findReportById, submitReport } from '../../src/modules/reports/index.ts';
import { followReport } from '../../src/modules/reports/subscriptions.repository.ts';
import type { Browser } from 'playwright-core';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { TestClient } from '../support/client.ts';
import { buildUser, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DEMO_PASSWORD = 'demo-password-123';

let server: TestServer;
let city: Organisation;
let roads: TestClient;
let parks: TestClient;
let admin: TestClient;
let moderator: TestClient;
let departments: Record<string, number>;
let residentId: number;

async function signIn(email: string): Promise<TestClient> {
  const client = new TestClient(server.url);
  const response = await client.submit('/sign-in', '/sign-in', { email, password: DEMO_PASSWORD });
  assert.equal(response.status, 303, `${email} signs in`);
  return client;
}

let spread = 0;
/** A new report through the real intake (routing included), in the city centre, slightly apart from the others. */
async function newReport(
  category = 'pothole',
  overrides: { description?: string; address?: string; authorId?: number } = {},
): Promise<number> {
  spread++;
  const answers: Record<string, string> =
    category === 'pothole' ? { location_type: 'street' } : category === 'tree' ? { blocking: 'no' } : {};
  const outcome = await submitReport(server.ctx, city, {
    categoryCode: category,
    lat: 44.1035 + (spread % 10) * 0.0004,
    lng: 9.8245 + Math.floor(spread / 10) * 0.0004,
    description: overrides.description ?? `Staff test report ${spread}`,
    address: overrides.address,
    answers,
    source: 'web',
    authorId: overrides.authorId ?? residentId,
  });
  assert.ok('ok' in outcome, JSON.stringify(outcome));
  return outcome.id;
}

/** Posts a form whose fields may repeat (checkboxes), with the CSRF token of `pagePath`. */
async function postRepeated(
  client: TestClient,
  pagePath: string,
  action: string,
  fields: Array<[string, string]>,
): Promise<Response> {
  const { csrf } = await client.page(pagePath);
  const body = new URLSearchParams([['_csrf', csrf], ...fields]);
  return client.request('POST', action, {
    body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** The ids of the reports listed in a queue page, from their checkboxes. */
function queueIds(html: string): number[] {
  return [...html.matchAll(/name="ids" value="(\d+)"/g)].map((match) => Number(match[1]));
}

/** Parses CSV (RFC 4180) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

before(async () => {
  server = await startTestServer({ demo: true });
  city = (await server.organisations.findAll())[0] as Organisation;
  const rows = await server.ctx.db.selectFrom('core_department').select(['id', 'slug']).execute();
  departments = Object.fromEntries(rows.map((row) => [row.slug, row.id]));
  residentId = (await buildUser(server, { language: 'it' })).id;
  // the demo staff read the site in their own languages; these tests read the English texts
  await server.ctx.db
    .updateTable('core_user')
    .set({ language: 'en' })
    .where('email', 'in', ['roads@valmora.example', 'parks@valmora.example', 'moderator@valmora.example'])
    .execute();
  [roads, parks, admin, moderator] = await Promise.all([
    signIn('roads@valmora.example'),
    signIn('parks@valmora.example'),
    signIn('admin@valmora.example'),
    signIn('moderator@valmora.example'),
  ]);
});
after(() => server.close());

describe('the department queue', () => {
  test('a member of staff sees only the reports of their own department', async () => {
    const pothole = await newReport('pothole');
    const tree = await newReport('tree');
    const page = await roads.page(`/staff/reports?q=Staff+test+report`);
    assert.equal(page.response.status, 200);
    const ids = queueIds(page.html);
    assert.ok(ids.includes(pothole), 'the roads queue lists the pothole');
    assert.ok(!ids.includes(tree), 'but not the tree report, which is the parks department’s');
    const listed = await server.ctx.db
      .selectFrom('reports_report')
      .select('department_id')
      .where('id', 'in', ids)
      .execute();
    assert.ok(
      listed.every((row) => row.department_id === departments.roads),
      'every listed report is the roads department’s',
    );
    assert.equal(
      (await roads.get(`/staff/reports?department=${departments.parks}`)).status,
      403,
      'another department’s queue is forbidden',
    );
    assert.equal((await roads.get(`/staff/reports.csv?department=${departments.parks}`)).status, 403);
  });

  test('someone in several departments chooses among them; an administrator sees any', async () => {
    const tree = await newReport('tree');
    const page = await parks.page('/staff/reports');
    assert.match(page.html, new RegExp(`<option value="${departments.waste}"`), 'the waste department is offered');
    assert.ok(
      queueIds((await parks.page(`/staff/reports?department=${departments.parks}&q=${tree}`)).html).includes(tree),
    );
    assert.deepEqual(queueIds((await parks.page(`/staff/reports?department=${departments.waste}&q=${tree}`)).html), []);
    assert.ok(
      queueIds((await admin.page(`/staff/reports?q=${tree}`)).html).includes(tree),
      'the administrator’s queue spans every department',
    );
  });

  test('an overdue report is marked with words, and "overdue only" filters on it', async () => {
    const late = await newReport();
    const onTime = await newReport();
    await server.ctx.db
      .updateTable('reports_report')
      .set({ deadline_at: new Date(Date.now() - 3 * 86_400_000 - 3_600_000) })
      .where('id', '=', late)
      .execute();
    const page = await roads.page(`/staff/reports?q=Staff+test+report&overdue=1`);
    const ids = queueIds(page.html);
    assert.ok(ids.includes(late));
    assert.ok(!ids.includes(onTime), 'a report within its deadline is not overdue');
    const row = page.html.slice(page.html.indexOf(`value="${late}"`));
    assert.match(row.slice(0, row.indexOf('</tr>')), /class="staff-overdue">Overdue by 3 days</);
  });

  test('sorting by deadline puts the earliest deadline first', async () => {
    const page = await roads.page('/staff/reports?sort=deadline');
    const ids = queueIds(page.html);
    assert.ok(ids.length > 2);
    const rows = await server.ctx.db
      .selectFrom('reports_report')
      .select(['id', 'deadline_at'])
      .where('id', 'in', ids)
      .execute();
    const deadlines = ids.map((id) => rows.find((r) => r.id === id)?.deadline_at?.getTime() ?? Infinity);
    assert.deepEqual(
      deadlines,
      [...deadlines].sort((a, b) => a - b),
    );
  });

  test('a bulk status change gives every selected report the status and the one public answer, audited each', async () => {
    const first = await newReport();
    const second = await newReport();
    const response = await postRepeated(roads, '/staff/reports', '/staff/reports/bulk', [
      ['ids', String(first)],
      ['ids', String(second)],
      ['action', 'status'],
      ['status', 'in_progress'],
      ['publicText', 'Our crew is on it.'],
      ['return', '?sort=newest'],
    ]);
    assert.equal(response.status, 303);
    assert.match(response.headers.get('location') ?? '', /^\/staff\/reports\?sort=newest&done=2$/);
    for (const id of [first, second]) {
      const report = await findReportById(server.ctx.db, city.id, id);
      assert.equal(report?.status, 'in_progress');
      assert.equal(report.lastPublicText, 'Our crew is on it.');
      const audit = await server.ctx.db
        .selectFrom('core_audit_log')
        .select(['action', 'before', 'after', 'actor_label'])
        .where('subject_type', '=', 'report')
        .where('subject_id', '=', String(id))
        .where('action', '=', 'report.status')
        .executeTakeFirstOrThrow();
      assert.deepEqual(typeof audit.before === 'string' ? JSON.parse(audit.before) : audit.before, { status: 'new' });
      assert.equal(
        ((typeof audit.after === 'string' ? JSON.parse(audit.after) : audit.after) as { status: string }).status,
        'in_progress',
      );
      assert.equal(audit.actor_label, 'Ion Popescu');
    }
    const notice = await roads.page(response.headers.get('location') ?? '');
    assert.match(notice.html, /2 reports were changed/);
  });

  test('a bulk action skips the reports of another department and says which', async () => {
    const mine = await newReport();
    const theirs = await newReport('tree');
    const response = await postRepeated(roads, '/staff/reports', '/staff/reports/bulk', [
      ['ids', String(mine)],
      ['ids', String(theirs)],
      ['action', 'status'],
      ['status', 'confirmed'],
      ['publicText', ''],
    ]);
    assert.equal(response.status, 303);
    assert.match(response.headers.get('location') ?? '', new RegExp(`done=1&failed=${theirs}$`));
    assert.equal((await findReportById(server.ctx.db, city.id, theirs))?.status, 'new');
  });

  test('a bulk action without a selection or with a missing reason is refused with the errors shown', async () => {
    const none = await postRepeated(roads, '/staff/reports', '/staff/reports/bulk', [
      ['action', 'status'],
      ['status', 'confirmed'],
    ]);
    assert.equal(none.status, 400);
    assert.match(await none.text(), /Select at least one report/);
    const id = await newReport();
    const noReason = await postRepeated(roads, '/staff/reports', '/staff/reports/bulk', [
      ['ids', String(id)],
      ['action', 'reroute'],
      ['departmentId', String(departments.parks)],
      ['reason', ' '],
      ['return', `?q=${id}`],
    ]);
    assert.equal(noReason.status, 400);
    const html = await noReason.text();
    assert.match(html, /Give the reason/);
    assert.match(html, new RegExp(`name="ids" value="${id}" id="select-${id}" checked`), 'the selection is kept');
    assert.equal((await findReportById(server.ctx.db, city.id, id))?.departmentId, departments.roads);
  });

  test('a bulk re-route sends the reports to another department with the reason', async () => {
    const id = await newReport();
    const response = await postRepeated(roads, '/staff/reports', '/staff/reports/bulk', [
      ['ids', String(id)],
      ['action', 'reroute'],
      ['departmentId', String(departments.parks)],
      ['reason', 'Roots of the park trees'],
    ]);
    assert.equal(response.status, 303);
    assert.equal((await findReportById(server.ctx.db, city.id, id))?.departmentId, departments.parks);
  });

  test('the CSV export escapes quotes, commas and line breaks and defuses formulas', async () => {
    const evil = await newReport('pothole', {
      description: '=HYPERLINK("http://evil.example","click")',
      address: 'Via "Roma", 12\nback side',
    });
    const plus = await newReport('pothole', { description: '+41 hole', address: '@home' });
    const response = await roads.get(`/staff/reports.csv?q=${evil}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(
      response.headers.get('content-disposition') ?? '',
      /^attachment; filename="reports-department-\d+-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const text = await response.text();
    assert.ok(text.startsWith('id,status,'), 'a header row (the byte order mark is taken off by the decoder)');
    assert.ok(text.includes('"Via ""Roma"", 12\nback side"'), 'quotes doubled, the cell quoted');
    assert.ok(
      text.includes(`"'=HYPERLINK(""http://evil.example"",""click"")"`),
      'the formula is prefixed with an apostrophe',
    );
    const rows = parseCsv(text);
    const header = rows[0] as string[];
    assert.equal(rows.length, 2);
    const row = rows[1] as string[];
    assert.equal(row[header.indexOf('id')], String(evil));
    assert.equal(row[header.indexOf('description')], `'=HYPERLINK("http://evil.example","click")`);
    assert.equal(row[header.indexOf('address')], 'Via "Roma", 12\nback side');
    assert.match(row[header.indexOf('longitude')] ?? '', /^9\.8\d+$/, 'numbers stay numbers');
    const other = parseCsv(await (await roads.get(`/staff/reports.csv?q=${plus}`)).text())[1] as string[];
    assert.equal(other[header.indexOf('description')], "'+41 hole");
    assert.equal(other[header.indexOf('address')], "'@home");
  });
});

describe('the staff page of a report', () => {
  test('shows internal details to the department, with the form to answer', async () => {
    const id = await newReport();
    const page = await roads.page(`/staff/reports/${id}`);
    assert.equal(page.response.status, 200);
    assert.match(page.html, /person\d+-\d+@example\.org/, 'the resident’s e-mail address');
    assert.match(page.html, /action="\/staff\/reports\/\d+\/status"/);
    assert.match(page.html, /action="\/staff\/reports\/\d+\/reroute"/);
    assert.match(page.html, /action="\/staff\/reports\/\d+\/merge"/);
    assert.doesNotMatch(page.html, /action="\/staff\/reports\/\d+\/visibility"/, 'moderation is for moderators');
    assert.equal((await parks.get(`/staff/reports/${id}`)).status, 403, 'another department may not open it');
  });

  test('a resident gets 403 everywhere on the staff side; without signing in, 401', async () => {
    const id = await newReport();
    const { client } = await signedInClient(server);
    assert.equal((await client.get('/staff/reports')).status, 403);
    assert.equal((await client.get('/staff/reports.csv')).status, 403);
    assert.equal((await client.get(`/staff/reports/${id}`)).status, 403);
    assert.equal((await client.submit('/reports', `/staff/reports/${id}/status`, { status: 'fixed' })).status, 403);
    assert.equal((await client.get('/api/v1/staff/reports')).status, 403);
    assert.equal((await new TestClient(server.url).get('/staff/reports')).status, 401);
    assert.equal((await new TestClient(server.url).get('/api/v1/staff/reports')).status, 401);
    assert.equal((await findReportById(server.ctx.db, city.id, id))?.status, 'new');
  });

  test('a status change is saved with its public answer and audited before and after', async () => {
    const id = await newReport();
    const response = await roads.submit(`/staff/reports/${id}`, `/staff/reports/${id}/status`, {
      status: 'fixed',
      publicText: 'Filled this morning.',
      internalNote: 'Crew 4',
    });
    assert.equal(response.status, 303);
    const report = await findReportById(server.ctx.db, city.id, id);
    assert.equal(report?.status, 'fixed');
    assert.equal(report.lastPublicText, 'Filled this morning.');
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select(['before', 'after'])
      .where('action', '=', 'report.status')
      .where('subject_id', '=', String(id))
      .executeTakeFirstOrThrow();
    assert.ok(audit.before && audit.after);
    const staffPage = await roads.page(`/staff/reports/${id}`);
    assert.match(staffPage.html, /Crew 4/, 'the internal note is shown to staff');
    assert.doesNotMatch(
      await (await new TestClient(server.url).get(`/reports/${id}`)).text(),
      /Crew 4/,
      'never in public',
    );
  });

  test('"not our responsibility" needs whom to contact, which becomes part of the public answer', async () => {
    const id = await newReport();
    const missing = await roads.submit(`/staff/reports/${id}`, `/staff/reports/${id}/status`, {
      status: 'not_responsible',
      publicText: 'Not ours.',
    });
    assert.equal(missing.status, 400);
    assert.match(await missing.text(), /Say whom the resident should contact instead/);
    const ok = await roads.submit(`/staff/reports/${id}`, `/staff/reports/${id}/status`, {
      status: 'not_responsible',
      publicText: 'This is a regional road.',
      referTo: 'Regional roads office, roads@region.example',
    });
    assert.equal(ok.status, 303);
    const report = await findReportById(server.ctx.db, city.id, id);
    assert.equal(report?.status, 'not_responsible');
    assert.match(
      report.lastPublicText ?? '',
      /This is a regional road\.\n\n.*Regional roads office, roads@region\.example/,
    );
    const line = await server.ctx.db
      .selectFrom('reports_update')
      .select('details')
      .where('report_id', '=', id)
      .where('kind', '=', 'status')
      .executeTakeFirstOrThrow();
    assert.deepEqual(typeof line.details === 'string' ? JSON.parse(line.details) : line.details, {
      referTo: 'Regional roads office, roads@region.example',
    });
  });

  test('"duplicate" cannot be set as a plain status', async () => {
    const id = await newReport();
    const response = await roads.submit(`/staff/reports/${id}`, `/staff/reports/${id}/status`, { status: 'duplicate' });
    assert.equal(response.status, 400);
    assert.equal((await findReportById(server.ctx.db, city.id, id))?.status, 'new');
  });

  test('a re-route needs a reason, which is kept in the history the new department sees', async () => {
    const id = await newReport();
    const noReason = await roads.submit(`/staff/reports/${id}`, `/staff/reports/${id}/reroute`, {
      departmentId: String(departments.parks),
      reason: '',
    });
    assert.equal(noReason.status, 400);
    assert.match(await noReason.text(), /Give the reason/);
    const response = await roads.submit(`/staff/reports/${id}`, `/staff/reports/${id}/reroute`, {
      departmentId: String(departments.parks),
      categoryId: '',
      reason: 'A tree root lifts the asphalt',
    });
    assert.equal(response.status, 303);
    assert.equal((await findReportById(server.ctx.db, city.id, id))?.departmentId, departments.parks);
    const page = await parks.page(`/staff/reports/${id}`);
    assert.match(page.html, /Re-routed from Roads and Public Works to Parks and Green Spaces/);
    assert.match(page.html, /A tree root lifts the asphalt/);
    assert.equal((await roads.get(`/staff/reports/${id}`)).status, 403, 'the roads department no longer handles it');
    assert.doesNotMatch(
      await (await new TestClient(server.url).get(`/reports/${id}`)).text(),
      /A tree root lifts the asphalt/,
      'the reason is not public',
    );
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select('after')
      .where('action', '=', 'report.reroute')
      .where('subject_id', '=', String(id))
      .executeTakeFirstOrThrow();
    assert.match(JSON.stringify(audit.after), /A tree root lifts the asphalt/);
  });

  test('merging a duplicate moves its followers and photos to the report that stays', async () => {
    const keep = await newReport();
    const duplicate = await newReport();
    const follower = await buildUser(server);
    const both = await buildUser(server);
    await followReport(server.ctx.db, city.id, duplicate, { userId: follower.id });
    await followReport(server.ctx.db, city.id, duplicate, { email: 'neighbour@example.org' });
    await followReport(server.ctx.db, city.id, duplicate, { userId: both.id });
    await followReport(server.ctx.db, city.id, keep, { userId: both.id });
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    await server.ctx.db
      .insertInto('reports_photo')
      .values({
        organisation_id: city.id,
        report_id: duplicate,
        update_id: null,
        author_id: null,
        pending_token: null,
        content_type: 'image/png',
        byte_size: png.length,
        sha256: 'x',
        data: png,
        hidden_at: null,
        hidden_reason: null,
      })
      .execute();

    const self = await roads.submit(`/staff/reports/${duplicate}`, `/staff/reports/${duplicate}/merge`, {
      keepId: String(duplicate),
    });
    assert.equal(self.status, 400);
    const response = await roads.submit(`/staff/reports/${duplicate}`, `/staff/reports/${duplicate}/merge`, {
      keepId: `#${keep}`,
    });
    assert.equal(response.status, 303);
    const closed = await findReportById(server.ctx.db, city.id, duplicate);
    assert.equal(closed?.status, 'duplicate');
    assert.equal(closed.duplicateOfId, keep);
    const subscriptions = await server.ctx.db
      .selectFrom('reports_subscription')
      .select(['report_id', 'user_id', 'email'])
      .where('kind', '=', 'report')
      .where('report_id', 'in', [keep, duplicate])
      .execute();
    assert.ok(
      subscriptions.every((s) => Number(s.report_id) === keep),
      'nobody follows the duplicate any more',
    );
    assert.ok(subscriptions.some((s) => s.user_id === follower.id));
    assert.ok(subscriptions.some((s) => s.email === 'neighbour@example.org'));
    assert.equal(
      subscriptions.filter((s) => s.user_id === both.id).length,
      1,
      'someone who followed both keeps one subscription',
    );
    const photos = await server.ctx.db
      .selectFrom('reports_photo')
      .select('report_id')
      .where('report_id', 'in', [keep, duplicate])
      .execute();
    assert.deepEqual(
      photos.map((p) => Number(p.report_id)),
      [keep],
    );
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select('after')
      .where('action', '=', 'report.merge')
      .where('subject_id', '=', String(duplicate))
      .executeTakeFirstOrThrow();
    const after = (typeof audit.after === 'string' ? JSON.parse(audit.after) : audit.after) as Record<string, unknown>;
    assert.deepEqual(
      { movedSubscribers: after.movedSubscribers, movedPhotos: after.movedPhotos },
      { movedSubscribers: 2, movedPhotos: 1 },
    );
    const again = await roads.submit(`/staff/reports/${keep}`, `/staff/reports/${keep}/merge`, {
      keepId: String(duplicate),
    });
    assert.equal(again.status, 400, 'no merge into a duplicate');
  });

  test('moderators hide a report with a reason, logged; staff of the department cannot', async () => {
    const id = await newReport();
    assert.equal(
      (await roads.submit(`/staff/reports/${id}`, `/staff/reports/${id}/visibility`, { hidden: '1', reason: 'spam' }))
        .status,
      403,
    );
    const noReason = await moderator.submit(`/staff/reports/${id}`, `/staff/reports/${id}/visibility`, {
      hidden: '1',
      reason: '',
    });
    assert.equal(noReason.status, 400);
    const response = await moderator.submit(`/staff/reports/${id}`, `/staff/reports/${id}/visibility`, {
      hidden: '1',
      reason: 'Personal data in the description',
    });
    assert.equal(response.status, 303);
    assert.equal((await new TestClient(server.url).get(`/reports/${id}`)).status, 404);
    const page = await roads.page(`/staff/reports/${id}`);
    assert.match(page.html, /hidden from the public\. Reason: Personal data in the description/);
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select('action')
      .where('subject_id', '=', String(id))
      .where('action', '=', 'report.hide')
      .executeTakeFirst();
    assert.ok(audit);
  });
});

describe('answer templates', () => {
  test('the answer is prefilled from the template of the chosen status, in the resident’s language', async () => {
    await server.ctx.db
      .insertInto('reports_answer_template')
      .values([
        {
          organisation_id: city.id,
          status: 'fixed',
          language: 'it',
          body: 'Riparato. Grazie della segnalazione!',
          updated_by: null,
        },
        {
          organisation_id: city.id,
          status: 'fixed',
          language: 'en',
          body: 'Fixed. Thank you for reporting it!',
          updated_by: null,
        },
      ])
      .onConflict((oc) =>
        oc.columns(['organisation_id', 'status', 'language']).doUpdateSet((eb) => ({ body: eb.ref('excluded.body') })),
      )
      .execute();
    const italian = await newReport();
    const page = await roads.page(`/staff/reports/${italian}?status=fixed`);
    assert.match(
      page.html,
      /<textarea id="publicText" name="publicText"[^>]* lang="it"[^>]*>Riparato\. Grazie della segnalazione!<\/textarea>/,
    );
    assert.match(page.html, /<option value="fixed" selected>/);
    assert.match(
      page.html,
      new RegExp(`href="/staff/reports/${italian}\\?status=fixed#change-status"`),
      'a link per status that has a template',
    );
    const english = await newReport('pothole', { authorId: (await buildUser(server)).id });
    const englishPage = await roads.page(`/staff/reports/${english}?status=fixed`);
    assert.match(
      englishPage.html,
      />Fixed\. Thank you for reporting it!<\/textarea>/,
      'without a language the city’s default is used',
    );
    await server.ctx.db.deleteFrom('reports_answer_template').where('status', '=', 'in_progress').execute();
    const none = await roads.page(`/staff/reports/${english}?status=in_progress`);
    assert.match(
      none.html,
      /<textarea id="publicText" name="publicText"[^>]*><\/textarea>/,
      'no template, an empty answer',
    );
  });
});

describe('the staff API', () => {
  test('lists a queue with filters for a session, and changes a status with the CSRF header', async () => {
    const id = await newReport();
    const list = await roads.get(`/api/v1/staff/reports?q=${id}`);
    assert.equal(list.status, 200);
    const body = (await list.json()) as {
      reports: Array<{ id: number; overdue: boolean; department: { id: number } }>;
      total: number;
    };
    assert.equal(body.total, 1);
    const [listed] = body.reports;
    assert.ok(listed);
    assert.equal(listed.id, id);
    assert.equal(listed.department.id, departments.roads);
    const { csrf } = await roads.page('/staff/reports');
    const changed = await roads.json(
      'POST',
      `/api/v1/staff/reports/${id}/status`,
      { status: 'confirmed', publicText: 'Seen.' },
      { 'x-csrf-token': csrf },
    );
    assert.equal(changed.status, 200);
    assert.deepEqual(await changed.json(), { id, status: 'confirmed', lastPublicText: 'Seen.' });
    const withoutToken = await roads.json('POST', `/api/v1/staff/reports/${id}/status`, { status: 'fixed' });
    assert.equal(withoutToken.status, 403);
    const invalid = await roads.json(
      'POST',
      `/api/v1/staff/reports/${id}/status`,
      { status: 'not_responsible' },
      { 'x-csrf-token': csrf },
    );
    assert.equal(invalid.status, 400);
    assert.equal(((await invalid.json()) as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
    assert.equal((await roads.get(`/api/v1/staff/reports?department=${departments.parks}`)).status, 403);
  });

  test('an API key acts with the rights of the administrator who issued it, named in the audit log', async () => {
    const adminUser = await server.ctx.db
      .selectFrom('core_user')
      .select('id')
      .where('email', '=', 'admin@valmora.example')
      .executeTakeFirstOrThrow();
    const key = await createApiKey(server.ctx.db, city.id, 'Work orders', adminUser.id, [
      'reports.read',
      'reports.write',
    ]);
    const machine = new TestClient(server.url);
    machine.headers = { authorization: `Bearer ${key.key}` };
    const id = await newReport('tree');
    const list = await machine.get(`/api/v1/staff/reports?q=${id}&status=all`);
    assert.equal(list.status, 200);
    assert.equal(((await list.json()) as { total: number }).total, 1);
    const changed = await machine.json('POST', `/api/v1/staff/reports/${id}/status`, {
      status: 'planned',
      publicText: 'Planned for the spring.',
    });
    assert.equal(changed.status, 200);
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select('actor_label')
      .where('action', '=', 'report.status')
      .where('subject_id', '=', String(id))
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor_label, 'Elena Marchetti (API key “Work orders”)');
    // A key does only what its scopes allow, whatever its issuer may do.
    const reader = new TestClient(server.url);
    reader.headers = {
      authorization: `Bearer ${(await createApiKey(server.ctx.db, city.id, 'Dashboard', adminUser.id, ['reports.read'])).key}`,
    };
    assert.equal((await reader.get(`/api/v1/staff/reports?q=${id}&status=all`)).status, 200);
    const notAllowed = await reader.json('POST', `/api/v1/staff/reports/${id}/status`, {
      status: 'in_progress',
      publicText: 'Started.',
    });
    assert.equal(notAllowed.status, 403);
    assert.equal(((await notAllowed.json()) as { error: { code: string } }).error.code, 'API_KEY_SCOPE');
    const intakeOnly = new TestClient(server.url);
    intakeOnly.headers = {
      authorization: `Bearer ${(await createApiKey(server.ctx.db, city.id, 'Open311 app', adminUser.id, ['open311'])).key}`,
    };
    assert.equal((await intakeOnly.get('/api/v1/staff/reports')).status, 403);
    assert.equal(
      (await server.ctx.db.selectFrom('reports_report').select('status').where('id', '=', id).executeTakeFirstOrThrow())
        .status,
      'planned',
      'nothing changed',
    );
    const orphan = await createApiKey(server.ctx.db, city.id, 'Nobody', null, ['reports.read']);
    const nobody = new TestClient(server.url);
    nobody.headers = { authorization: `Bearer ${orphan.key}` };
    assert.equal((await nobody.get('/api/v1/staff/reports')).status, 403);
  });
});

describe('categories, routing and answer templates (administrators)', () => {
  test('only administrators open the settings', async () => {
    for (const path of ['/staff/categories', '/staff/categories/new', '/staff/routing', '/staff/answer-templates']) {
      assert.equal((await roads.get(path)).status, 403, path);
      assert.equal((await admin.get(path)).status, 200, path);
    }
  });

  test('an administrator creates a category with questions in several languages; residents can use it at once', async () => {
    const invalid = await admin.submit('/staff/categories/new', '/staff/categories/new', {
      code: 'Bad Code',
      name_en: '',
      group_en: 'Water',
      deadlineDays: '0',
      q0_code: 'depth',
      q0_datatype: 'singlevaluelist',
      q0_label_en: 'How deep?',
      q0_options: '',
    });
    assert.equal(invalid.status, 400);
    const html = await invalid.text();
    for (const message of [
      /Enter a code of lower-case letters/,
      /Enter the name in the city’s main language/,
      /Enter a number of days/,
      /Write at least one choice/,
    ])
      assert.match(html, message);
    assert.equal(
      await server.ctx.db.selectFrom('reports_category').select('id').where('code', '=', 'flooding').executeTakeFirst(),
      undefined,
    );

    const response = await admin.submit('/staff/categories/new', '/staff/categories/new', {
      code: 'flooding',
      name_en: 'Flooded street',
      name_it: 'Strada allagata',
      group_en: 'Water',
      group_it: 'Acqua',
      deadlineDays: '2.5',
      defaultDepartmentId: String(departments.roads),
      active: '1',
      sort: '9',
      q0_code: 'depth',
      q0_datatype: 'singlevaluelist',
      q0_label_en: 'How deep is the water?',
      q0_label_it: 'Quanto è profonda l’acqua?',
      q0_options: 'ankle = Ankle | Caviglia\nknee = Knee | Ginocchio',
      q0_required: '1',
      q1_code: 'since',
      q1_datatype: 'datetime',
      q1_label_en: 'Since when?',
    });
    assert.equal(response.status, 303);
    const category = await server.ctx.db
      .selectFrom('reports_category')
      .selectAll()
      .where('code', '=', 'flooding')
      .executeTakeFirstOrThrow();
    assert.equal(category.expected_hours, 60);
    assert.equal(category.default_department_id, departments.roads);
    const questions = await server.ctx.db
      .selectFrom('reports_question')
      .selectAll()
      .where('category_id', '=', category.id)
      .orderBy('sort')
      .execute();
    assert.deepEqual(
      questions.map((q) => [q.code, q.datatype, q.required]),
      [
        ['depth', 'singlevaluelist', true],
        ['since', 'datetime', false],
      ],
    );
    const rawOptions: unknown = questions[0]?.options;
    const options: unknown = typeof rawOptions === 'string' ? JSON.parse(rawOptions) : rawOptions;
    assert.deepEqual(options, [
      { key: 'ankle', name: { en: 'Ankle', it: 'Caviglia' } },
      { key: 'knee', name: { en: 'Knee', it: 'Ginocchio' } },
    ]);
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select(['before', 'after', 'actor_label'])
      .where('action', '=', 'report.category.create')
      .where('subject_id', '=', String(category.id))
      .executeTakeFirstOrThrow();
    assert.equal(audit.before, null);
    assert.match(JSON.stringify(audit.after), /Flooded street/);

    // a required question is enforced on intake, and the report goes to the default department
    const missing = await submitReport(server.ctx, city, {
      categoryCode: 'flooding',
      lat: 44.1035,
      lng: 9.8245,
      description: 'Water everywhere',
      answers: {},
      source: 'web',
      authorId: residentId,
    });
    assert.ok('invalid' in missing);
    const ok = await submitReport(server.ctx, city, {
      categoryCode: 'flooding',
      lat: 44.1035,
      lng: 9.8245,
      description: 'Water everywhere',
      answers: { depth: 'knee' },
      source: 'web',
      authorId: residentId,
    });
    assert.ok('ok' in ok && ok.departmentId === departments.roads);

    // editing: remove a question, rename, change the deadline; the change is audited with before and after
    const edit = await admin.page(`/staff/categories/${category.id}`);
    assert.match(edit.html, /ankle = Ankle \| Caviglia/);
    const changed = await admin.postForm(`/staff/categories/${category.id}`, {
      _csrf: edit.csrf,
      code: 'flooding',
      name_en: 'Flooded street or square',
      group_en: 'Water',
      deadlineDays: '1',
      defaultDepartmentId: String(departments.roads),
      active: '1',
      sort: '9',
      q0_id: String(questions[0]?.id),
      q0_code: 'depth',
      q0_datatype: 'singlevaluelist',
      q0_label_en: 'How deep is the water?',
      q0_options: 'ankle = Ankle\nknee = Knee',
      q0_required: '1',
      q1_id: String(questions[1]?.id),
      q1_code: 'since',
      q1_datatype: 'datetime',
      q1_label_en: 'Since when?',
      q1_remove: '1',
    });
    assert.equal(changed.status, 303);
    const after = await server.ctx.db
      .selectFrom('reports_question')
      .select('code')
      .where('category_id', '=', category.id)
      .execute();
    assert.deepEqual(
      after.map((q) => q.code),
      ['depth'],
    );
    assert.equal(
      (
        await server.ctx.db
          .selectFrom('reports_category')
          .select('expected_hours')
          .where('id', '=', category.id)
          .executeTakeFirstOrThrow()
      ).expected_hours,
      24,
    );
    const update = await server.ctx.db
      .selectFrom('core_audit_log')
      .select(['before', 'after'])
      .where('action', '=', 'report.category.update')
      .where('subject_id', '=', String(category.id))
      .executeTakeFirstOrThrow();
    assert.match(JSON.stringify(update.before), /"Flooded street"/);
    assert.match(JSON.stringify(update.after), /Flooded street or square/);

    const taken = await admin.submit('/staff/categories/new', '/staff/categories/new', {
      code: 'flooding',
      name_en: 'Again',
      group_en: 'Water',
      deadlineDays: '1',
    });
    assert.equal(taken.status, 400);
    assert.match(await taken.text(), /Another category already has this code/);
  });

  test('a routing rule for a district sends new reports there, audited; removing it restores the default', async () => {
    const harbour = await server.ctx.db
      .selectFrom('places_district')
      .select('id')
      .where('code', '=', 'harbour')
      .executeTakeFirstOrThrow();
    const [station] = await server.ctx.db
      .selectFrom('places_district')
      .select(['id'])
      .where('code', '=', 'station')
      .execute();
    assert.ok(station);
    const graffiti = await server.ctx.db
      .selectFrom('reports_category')
      .select('id')
      .where('code', '=', 'graffiti')
      .executeTakeFirstOrThrow();
    const response = await admin.submit('/staff/routing', '/staff/routing', {
      categoryId: String(graffiti.id),
      districtId: String(station.id),
      departmentId: String(departments.mobility),
    });
    assert.equal(response.status, 303);
    const rule = await server.ctx.db
      .selectFrom('reports_routing_rule')
      .selectAll()
      .where('category_id', '=', graffiti.id)
      .where('district_id', '=', station.id)
      .executeTakeFirstOrThrow();
    assert.equal(rule.department_id, departments.mobility);
    assert.ok(
      await server.ctx.db
        .selectFrom('core_audit_log')
        .select('id')
        .where('action', '=', 'report.routing.set')
        .executeTakeFirst(),
    );
    const page = await admin.page('/staff/routing');
    assert.match(page.html, /Mobility and Transport/);
    assert.notEqual(harbour.id, station.id);
    const removed = await admin.submit('/staff/routing', `/staff/routing/${rule.id}/delete`, {});
    assert.equal(removed.status, 303);
    assert.equal(
      await server.ctx.db.selectFrom('reports_routing_rule').select('id').where('id', '=', rule.id).executeTakeFirst(),
      undefined,
    );
    assert.ok(
      await server.ctx.db
        .selectFrom('core_audit_log')
        .select('id')
        .where('action', '=', 'report.routing.delete')
        .where('subject_id', '=', String(rule.id))
        .executeTakeFirst(),
    );
    const invalid = await admin.submit('/staff/routing', '/staff/routing', {
      categoryId: '',
      districtId: '',
      departmentId: '',
    });
    assert.equal(invalid.status, 400);
  });

  test('answer templates are saved per status and language, audited, and prefill the answer', async () => {
    const response = await admin.submit('/staff/answer-templates', '/staff/answer-templates', {
      'template-cannot_fix-en': 'We cannot change this, because…',
      'template-cannot_fix-it': 'Non possiamo cambiarlo, perché…',
    });
    assert.equal(response.status, 303);
    const rows = await server.ctx.db
      .selectFrom('reports_answer_template')
      .select(['language', 'body'])
      .where('status', '=', 'cannot_fix')
      .where('language', 'in', ['en', 'it'])
      .orderBy('language')
      .execute();
    assert.deepEqual(rows, [
      { language: 'en', body: 'We cannot change this, because…' },
      { language: 'it', body: 'Non possiamo cambiarlo, perché…' },
    ]);
    assert.ok(
      await server.ctx.db
        .selectFrom('reports_answer_template')
        .select('id')
        .where('status', '=', 'fixed')
        .where('language', '=', 'fr')
        .executeTakeFirst(),
      'templates the form did not send are kept',
    );
    const audits = await server.ctx.db
      .selectFrom('core_audit_log')
      .select(['subject_id', 'before', 'after'])
      .where('action', '=', 'report.answer-template')
      .where('subject_id', 'like', 'cannot_fix/%')
      .execute();
    assert.equal(audits.length, 2);
    const id = await newReport();
    const page = await roads.page(`/staff/reports/${id}?status=cannot_fix`);
    assert.match(page.html, />Non possiamo cambiarlo, perché…<\/textarea>/);
    // saving again without changes writes nothing more; emptying a text removes it
    const { csrf } = await admin.page('/staff/answer-templates');
    const form = Object.fromEntries(
      [
        ...(await admin.page('/staff/answer-templates')).html.matchAll(
          /<textarea id="(template-[^"]+)"[^>]*>([^<]*)<\/textarea>/g,
        ),
      ].map((m) => [
        m[1] as string,
        (m[2] as string)
          .replace(/&amp;/g, '&')
          .replace(/&#39;/g, "'")
          .replace(/&quot;/g, '"'),
      ]),
    );
    assert.equal((await admin.postForm('/staff/answer-templates', { _csrf: csrf, ...form })).status, 303);
    assert.equal(
      (
        await server.ctx.db
          .selectFrom('core_audit_log')
          .select('id')
          .where('action', '=', 'report.answer-template')
          .where('subject_id', 'like', 'cannot_fix/%')
          .execute()
      ).length,
      2,
    );
    assert.equal(
      (await admin.postForm('/staff/answer-templates', { _csrf: csrf, ...form, 'template-cannot_fix-it': '' })).status,
      303,
    );
    const left = (
      await server.ctx.db
        .selectFrom('reports_answer_template')
        .select('language')
        .where('status', '=', 'cannot_fix')
        .execute()
    ).map((r) => r.language);
    assert.ok(
      left.includes('en') && !left.includes('it'),
      'the emptied Italian template is removed, the English one kept',
    );
  });
});

describe('in a real browser', () => {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  /** A browser context signed in with a test client's session cookie. */
  async function contextFor(client: TestClient, javaScriptEnabled = true) {
    assert.ok(browser);
    const context = await browser.newContext({ baseURL: server.url, javaScriptEnabled });
    await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, url: server.url })));
    return context;
  }

  test('every staff page passes axe (WCAG 2.1 AA)', async (t) => {
    if (!browser) {
      t.skip(CHROMIUM_MISSING);
      return;
    }
    const id = await newReport('pothole', { description: 'Axe check report' });
    const category = await server.ctx.db
      .selectFrom('reports_category')
      .select('id')
      .where('code', '=', 'pothole')
      .executeTakeFirstOrThrow();
    const context = await contextFor(admin);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
    try {
      for (const path of [
        '/staff/reports',
        '/staff/reports?overdue=1&sort=newest',
        `/staff/reports/${id}`,
        `/staff/reports/${id}?status=fixed`,
        '/staff/categories',
        '/staff/categories/new',
        `/staff/categories/${category.id}`,
        '/staff/routing',
        '/staff/answer-templates',
      ]) {
        const response = await page.goto(path);
        assert.equal(response?.status(), 200, path);
        await assertNoAxeViolations(page, path);
      }
      assert.deepEqual(problems, [], 'no CSP violations');
    } finally {
      await context.close();
    }
  });

  test('a bulk status change works without JavaScript', async (t) => {
    if (!browser) {
      t.skip(CHROMIUM_MISSING);
      return;
    }
    const id = await newReport('pothole', { description: 'No script bulk report' });
    const context = await contextFor(roads, false);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    try {
      await page.goto(`/staff/reports?q=${id}`);
      await page.getByLabel(`Select report #${id}`).check();
      await page.locator('#bulk-status').selectOption('confirmed');
      await page.locator('#bulk-publicText').fill('Checked on site.');
      await Promise.all([page.waitForURL(/done=1/), page.getByRole('button', { name: 'Change their status' }).click()]);
      assert.match(await page.locator('main').innerText(), /1 report was changed/);
      assert.equal((await findReportById(server.ctx.db, city.id, id))?.status, 'confirmed');
    } finally {
      await context.close();
    }
  });
});
