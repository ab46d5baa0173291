import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  addHeading,
  createBudget,
  saveProject,
  type BudgetInput,
} from '../../src/modules/budgets/budget-admin.use-cases.ts';
import { participationPersonalData } from '../../src/modules/participation/personal-data.repository.ts';
import { createProcess } from '../../src/modules/participation/use-cases/manage-processes.ts';
import { setReportHidden, submitReport } from '../../src/modules/reports/index.ts';
import { createSession, SESSION_COOKIE } from '../../src/platform/auth/sessions.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import { csrfTokenFor } from '../../src/platform/http/app.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { assertNoAxeViolations, CHROMIUM_MISSING, launchBrowser } from '../support/browser.ts';
import { TestClient } from '../support/client.ts';
import { buildUser } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let city: Organisation;
let staff: Person;
let moderator: Person;

interface Person {
  client: TestClient;
  csrf: string;
  id: number;
  viewer: Viewer;
}

/** A signed-in person (session made directly); `verified` adds an in-person verification. */
async function person(
  options: { role?: 'resident' | 'staff' | 'moderator'; confirmed?: boolean; verified?: boolean } = {},
): Promise<Person> {
  const user = await buildUser(server, { role: options.role ?? 'resident', confirmed: options.confirmed ?? true });
  if (options.verified) {
    await server.ctx.db
      .insertInto('verification_identity')
      .values({
        user_id: user.id,
        organisation_id: city.id,
        method: 'in_person',
        identity_hash: `comments-${user.id}`,
        census_id: null,
        birth_year: 1990,
        district_id: null,
        verified_by: null,
      })
      .execute();
  }
  const token = await createSession(server.ctx.db, city.id, user.id, 30);
  const client = new TestClient(server.url);
  client.cookies.set(SESSION_COOKIE, token);
  const viewer = await findViewer(server.ctx.db, city.id, user.id);
  if (!viewer) throw new Error('no viewer');
  return { client, csrf: csrfTokenFor(server.config.secretKey, token), id: user.id, viewer };
}

/** Posts a comment form; `json` asks for errors as JSON (code and message) rather than a page. */
function comment(who: Person, fields: Record<string, string>, json = false): Promise<Response> {
  return who.client.request('POST', '/comments', {
    body: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(json ? { accept: 'application/json' } : {}) },
  });
}

function commentIdFrom(response: Response, path: string): number {
  const location = response.headers.get('location') ?? '';
  const match = new RegExp(`^${path.replace(/\//g, '\\/')}#comment-(\\d+)$`).exec(location);
  assert.ok(match, `redirects to the comment on ${path} (got ${response.status} ${location})`);
  return Number(match[1]);
}

async function errorCode(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code?: string } }).error?.code;
}

async function countComments(): Promise<number> {
  const row = await server.ctx.db
    .selectFrom('participation_comment')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function buildReport(description: string): Promise<number> {
  const outcome = await submitReport(server.ctx, city, {
    categoryCode: 'graffiti',
    lat: city.map.lat,
    lng: city.map.lng,
    description,
    source: 'web',
  });
  assert.ok('ok' in outcome, JSON.stringify(outcome));
  return outcome.id;
}

const BUDGET: BudgetInput = {
  title: { en: 'Budget for comments' },
  description: {},
  processId: null,
  votingRule: 'approval',
  maxProjects: 2,
  maxVotes: null,
  maxVotesPerProject: null,
  minShare: null,
  resultsMethod: 'votes',
  eligibilityLevel: 'verified',
  minAge: null,
  maxAge: null,
  districtResidentsOnly: false,
  phaseOverride: 'submitting',
};

/** A budget with one heading and one project, created through the staff use cases. */
async function buildBudgetProject(
  overrides: Partial<BudgetInput> = {},
): Promise<{ budgetId: number; projectId: number }> {
  const budget = await createBudget(server.ctx, staff.viewer, city, { ...BUDGET, ...overrides });
  assert.ok(budget.ok, JSON.stringify(budget));
  const heading = await addHeading(server.ctx, staff.viewer, city, budget.id, {
    name: { en: 'Whole city' },
    districtId: null,
    amount: 100_000,
  });
  assert.ok(heading.ok, JSON.stringify(heading));
  const project = await saveProject(server.ctx, staff.viewer, city, budget.id, null, {
    headingId: heading.id,
    title: { en: 'Benches along the river' },
    description: { en: 'Twenty benches.' },
    cost: 20_000,
    feasibility: 'undecided',
    feasibilityExplanation: {},
    status: 'submitted',
  });
  assert.ok(project.ok, JSON.stringify(project));
  return { budgetId: budget.id, projectId: project.id };
}

before(async () => {
  server = await startTestServer({ demo: true });
  city = (await server.organisations.findAll())[0] as Organisation;
  staff = await person({ role: 'staff' });
  moderator = await person({ role: 'moderator' });
});
after(() => server.close());

describe('comments on reports', () => {
  test('residents discuss a report under its page: escaped, threaded, one vote each, best and newest order', async () => {
    const reportId = await buildReport('Deep pothole at the crossing.');
    const path = `/reports/${reportId}`;
    const anonymous = await (await new TestClient(server.url).get(path)).text();
    assert.match(anonymous, /id="comments"/, 'the thread is on the report page');
    assert.match(anonymous, /sign-in\?next=/);
    assert.doesNotMatch(anonymous, /action="\/comments"/, 'no comment form without signing in');

    const giulia = await person();
    const andrei = await person();
    const first = commentIdFrom(
      await comment(giulia, {
        subjectType: 'report',
        subjectId: String(reportId),
        body: 'Same here <script>alert(1)</script> & worse after rain',
      }),
      path,
    );
    const page = await (await giulia.client.get(path)).text();
    assert.match(page, new RegExp(`<li class="comment" id="comment-${first}"`));
    assert.match(page, /Same here &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; worse after rain/);
    assert.doesNotMatch(page, /<script>alert\(1\)/);
    assert.match(page, /add an update above instead/, 'the thread says it is not the way to reopen the report');
    assert.match(page, /action="\/reports\/\d+\/updates"/, 'the report’s own update form is still there');

    const reply = commentIdFrom(
      await comment(andrei, {
        subjectType: 'report',
        subjectId: String(reportId),
        parentId: String(first),
        [`reply-${first}`]: 'The city fixed the one next to it last week.',
      }),
      path,
    );
    const nested = commentIdFrom(
      await comment(giulia, {
        subjectType: 'report',
        subjectId: String(reportId),
        parentId: String(reply),
        body: 'Good to know.',
      }),
      path,
    );
    const parents = await server.ctx.db
      .selectFrom('participation_comment')
      .select(['id', 'parent_id', 'subject_type'])
      .where('id', 'in', [reply, nested])
      .orderBy('id')
      .execute();
    assert.deepEqual(
      parents.map((row) => [row.parent_id, row.subject_type]),
      [
        [first, 'report'],
        [first, 'report'],
      ],
      'a reply to a reply joins the thread',
    );

    const vote = (who: Person, id: number, value: string) =>
      who.client.postForm(`/comments/${id}/vote`, { _csrf: who.csrf, value });
    const counts = (id: number) =>
      server.ctx.db
        .selectFrom('participation_comment')
        .select(['ups', 'downs'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    const upvote = await vote(andrei, first, 'up');
    assert.equal(upvote.status, 303);
    assert.equal(upvote.headers.get('location'), `${path}#comment-${first}`);
    await vote(andrei, first, 'up');
    assert.deepEqual(await counts(first), { ups: 1, downs: 0 }, 'a second up vote by the same person counts once');
    await vote(andrei, first, 'down');
    assert.deepEqual(await counts(first), { ups: 0, downs: 1 }, 'the vote is changed, not added');
    await vote(andrei, first, 'up');
    const unconfirmed = await person({ confirmed: false });
    const refusedVote = await unconfirmed.client.request('POST', `/comments/${first}/vote`, {
      body: new URLSearchParams({ _csrf: unconfirmed.csrf, value: 'up' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    assert.equal(refusedVote.status, 403);
    assert.equal(await errorCode(refusedVote), 'PARTICIPATION_EMAIL_NOT_CONFIRMED');
    const before = await countComments();
    const refusedComment = await comment(unconfirmed, {
      subjectType: 'report',
      subjectId: String(reportId),
      body: 'Not yet confirmed.',
    });
    assert.equal(refusedComment.status, 403);
    assert.equal(await countComments(), before, 'a refused comment stores nothing');

    const latest = commentIdFrom(
      await comment(andrei, { subjectType: 'report', subjectId: String(reportId), body: 'A newer remark.' }),
      path,
    );
    const order = (html: string) =>
      [...html.matchAll(/<li class="comment[^"]*" id="comment-(\d+)"/g)]
        .map((m) => Number(m[1]))
        .filter((id) => id === first || id === latest);
    assert.deepEqual(
      order(await (await giulia.client.get(`${path}?comments=best`)).text()),
      [first, latest],
      'best: the up-voted comment first',
    );
    assert.deepEqual(
      order(await (await giulia.client.get(`${path}?comments=newest`)).text()),
      [latest, first],
      'newest: the latest first',
    );
  });

  test('a flagged report comment reaches the moderators’ queue; a moderator hides it with a reason, audited', async () => {
    const reportId = await buildReport('Broken kerb by the school.');
    const path = `/reports/${reportId}`;
    const author = await person();
    const flagger = await person();
    const id = commentIdFrom(
      await comment(author, {
        subjectType: 'report',
        subjectId: String(reportId),
        body: 'Call me at 555-0100, I know who did it',
      }),
      path,
    );
    const flagged = await flagger.client.postForm(`/comments/${id}/flag`, {
      _csrf: flagger.csrf,
      reason: 'personal-data',
    });
    assert.equal(flagged.status, 303);
    assert.equal(flagged.headers.get('location'), `${path}#comment-${id}`);

    const queue = await (await moderator.client.get('/admin/participation/moderation')).text();
    assert.match(queue, new RegExp(`id="comment-${id}"`));
    assert.match(queue, /On a report/);
    assert.match(queue, new RegExp(`href="/reports/${reportId}#comment-${id}"`));
    assert.equal(
      (
        await flagger.client.postForm(`/comments/${id}/moderate`, {
          _csrf: flagger.csrf,
          hide: 'yes',
          reason: 'Phone number',
        })
      ).status,
      403,
    );

    const hidden = await moderator.client.postForm(`/comments/${id}/moderate`, {
      _csrf: moderator.csrf,
      hide: 'yes',
      reason: 'Phone number in a comment',
    });
    assert.equal(hidden.status, 303);
    assert.equal(hidden.headers.get('location'), `${path}#comment-${id}`);
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .selectAll()
      .where('action', '=', 'participation.comment.hide')
      .where('subject_id', '=', String(id))
      .execute();
    assert.equal(audit.length, 1);
    const line = audit[0];
    assert.ok(line);
    assert.equal(line.actor_user_id, moderator.id);
    const afterValue = line.after;
    const after = (typeof afterValue === 'string' ? JSON.parse(afterValue) : afterValue) as { reason: string };
    assert.equal(after.reason, 'Phone number in a comment');
    const page = await (await new TestClient(server.url).get(path)).text();
    assert.doesNotMatch(page, /555-0100/);
    assert.match(page, /This comment was hidden by a moderator\./);
    assert.doesNotMatch(await (await moderator.client.get('/admin/participation/moderation')).text(), /555-0100/);
  });

  test('a report page with a thread passes axe (WCAG 2.1 AA) for a signed-in moderator', async (t) => {
    const browser = await launchBrowser();
    if (!browser) {
      t.skip(CHROMIUM_MISSING);
      return;
    }
    try {
      const reportId = await buildReport('Graffiti on the underpass.');
      const resident = await person();
      const first = commentIdFrom(
        await comment(resident, {
          subjectType: 'report',
          subjectId: String(reportId),
          body: 'It is back after the cleaning.',
        }),
        `/reports/${reportId}`,
      );
      await comment(moderator, {
        subjectType: 'report',
        subjectId: String(reportId),
        parentId: String(first),
        body: 'Thank you, noted.',
      });
      const context = await browser.newContext({ baseURL: server.url });
      const token = moderator.client.cookies.get(SESSION_COOKIE) ?? '';
      await context.addCookies([{ name: SESSION_COOKIE, value: token, url: server.url }]);
      const page = await context.newPage();
      const response = await page.goto(`/reports/${reportId}`);
      assert.equal(response?.status(), 200);
      assert.equal(await page.locator('#comments .comment').count(), 2);
      await assertNoAxeViolations(page, `/reports/${reportId} with comments, as a moderator`);
    } finally {
      await browser.close();
    }
  });

  test('a hidden report refuses comments, votes and flags with REPORT_NOT_FOUND and stores nothing', async () => {
    const reportId = await buildReport('Pothole that turns out to be private land.');
    const resident = await person();
    const id = commentIdFrom(
      await comment(resident, { subjectType: 'report', subjectId: String(reportId), body: 'Seen it too.' }),
      `/reports/${reportId}`,
    );
    await setReportHidden(server.ctx, moderator.viewer, reportId, true, 'Private land, not the city’s');
    const before = await countComments();
    const refused = await comment(
      resident,
      { subjectType: 'report', subjectId: String(reportId), body: 'Still there?' },
      true,
    );
    assert.equal(refused.status, 404);
    assert.equal(await errorCode(refused), 'REPORT_NOT_FOUND');
    assert.equal(await countComments(), before);
    const vote = await resident.client.request('POST', `/comments/${id}/vote`, {
      body: new URLSearchParams({ _csrf: resident.csrf, value: 'up' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    assert.equal(await errorCode(vote), 'REPORT_NOT_FOUND');
    const votes = await server.ctx.db
      .selectFrom('participation_comment_vote')
      .select('id')
      .where('comment_id', '=', id)
      .execute();
    assert.equal(votes.length, 0);
    assert.equal(
      (await comment(resident, { subjectType: 'report', subjectId: '99999999', body: 'No such report.' }, true)).status,
      404,
    );
  });
});

describe('comments on budget projects and unknown subjects', () => {
  test('a budget project takes comments from those its budget admits, through the comment forms', async () => {
    const { budgetId, projectId } = await buildBudgetProject();
    const path = `/budgets/${budgetId}/projects/${projectId}`;
    const verified = await person({ verified: true });
    const id = commentIdFrom(
      await comment(verified, {
        subjectType: 'budget_project',
        subjectId: String(projectId),
        body: 'Please add shade trees too.',
      }),
      path,
    );
    const stored = await server.ctx.db
      .selectFrom('participation_comment')
      .select(['subject_type', 'subject_id', 'author_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(stored, { subject_type: 'budget_project', subject_id: projectId, author_id: verified.id });

    const before = await countComments();
    const unverified = await person();
    const refused = await comment(unverified, {
      subjectType: 'budget_project',
      subjectId: String(projectId),
      body: 'I am not verified.',
    });
    assert.equal(refused.status, 403, 'the budget asks for verified residents');
    assert.match(await refused.text(), /Only verified residents may take part/);
    assert.equal(await countComments(), before);

    const other = await person({ verified: true });
    assert.equal(
      (await other.client.postForm(`/comments/${id}/vote`, { _csrf: other.csrf, value: 'up' })).headers.get('location'),
      `${path}#comment-${id}`,
    );
    const reply = commentIdFrom(
      await comment(other, {
        subjectType: 'budget_project',
        subjectId: String(projectId),
        parentId: String(id),
        body: 'Agreed.',
      }),
      path,
    );
    const link = await new TestClient(server.url).get(`/comments/${reply}`);
    assert.equal(link.status, 303);
    assert.equal(
      link.headers.get('location'),
      `${path}#comment-${reply}`,
      'the moderators’ link finds the project’s page',
    );
    await other.client.postForm(`/comments/${reply}/flag`, { _csrf: other.csrf, reason: 'off-topic' });
    const queue = await (await moderator.client.get('/admin/participation/moderation')).text();
    assert.match(queue, /On a budget project/);
    assert.match(queue, new RegExp(`href="/comments/${reply}"`));

    await saveProject(server.ctx, staff.viewer, city, budgetId, projectId, {
      headingId: (
        await server.ctx.db
          .selectFrom('budgets_heading')
          .select('id')
          .where('budget_id', '=', budgetId)
          .executeTakeFirstOrThrow()
      ).id,
      title: { en: 'Benches along the river' },
      description: {},
      cost: 20_000,
      feasibility: 'undecided',
      feasibilityExplanation: {},
      status: 'withdrawn',
    });
    const withdrawn = await comment(
      verified,
      { subjectType: 'budget_project', subjectId: String(projectId), body: 'Why withdrawn?' },
      true,
    );
    assert.equal(withdrawn.status, 404);
    assert.equal(await errorCode(withdrawn), 'BUDGET_PROJECT_NOT_FOUND');
  });

  test('a budget linked to a process admits those the process admits', async () => {
    const slug = `budget-process-${Date.now()}`;
    const process = await createProcess(server.ctx, staff.viewer, city, {
      slug,
      title: { en: 'Budget process' },
      description: { en: 'Open to all.' },
      districtIds: [],
      eligibilityLevel: 'email',
      minAge: null,
      maxAge: null,
      residentsOnly: false,
      supportThreshold: 10,
      supportDays: 30,
      answerDays: 14,
    });
    assert.ok(process.ok, JSON.stringify(process));
    const { budgetId, projectId } = await buildBudgetProject({ processId: process.id });
    const resident = await person();
    commentIdFrom(
      await comment(resident, {
        subjectType: 'budget_project',
        subjectId: String(projectId),
        body: 'Confirmed e-mail is enough here.',
      }),
      `/budgets/${budgetId}/projects/${projectId}`,
    );
    // the process page lists its budget through the budgets module's section (participation imports no budgets code)
    const processPage = await (await new TestClient(server.url).get(`/processes/${slug}`)).text();
    assert.match(
      processPage,
      new RegExp(`<section aria-labelledby="process-budgets">[\\s\\S]*href="/budgets/${budgetId}"`),
    );
  });

  test('an unknown subject type is refused with COMMENT_SUBJECT_UNKNOWN and nothing is stored', async () => {
    const resident = await person({ verified: true });
    const before = await countComments();
    for (const subjectType of ['meeting', '', 'REPORT']) {
      const refused = await comment(resident, { subjectType, subjectId: '1', body: 'Where does this go?' }, true);
      assert.equal(refused.status, 400);
      assert.equal(await errorCode(refused), 'COMMENT_SUBJECT_UNKNOWN');
    }
    const page = await comment(resident, { subjectType: 'meeting', subjectId: '1', body: 'Where does this go?' });
    assert.match(await page.text(), /COMMENT_SUBJECT_UNKNOWN/);
    assert.equal(await countComments(), before);
  });

  test('a person’s comments on reports and budget projects are in their data export and erased with it', async () => {
    const reportId = await buildReport('Streetlight flickers.');
    const { projectId } = await buildBudgetProject({ eligibilityLevel: 'email' });
    const resident = await person();
    await comment(resident, { subjectType: 'report', subjectId: String(reportId), body: 'My report comment.' });
    await comment(resident, {
      subjectType: 'budget_project',
      subjectId: String(projectId),
      body: 'My project comment.',
    });
    const exported = (await server.ctx.db
      .transaction()
      .execute((tx) => participationPersonalData.export(tx, resident.id))) as {
      comments: Array<{ on: string; subjectId: number; body: string }>;
    };
    assert.deepEqual(
      exported.comments.map((c) => [c.on, c.subjectId, c.body]),
      [
        ['report', reportId, 'My report comment.'],
        ['budget_project', projectId, 'My project comment.'],
      ],
    );
    await server.ctx.db
      .transaction()
      .execute((tx) => participationPersonalData.erase(tx, resident.id, { removeContent: true }));
    const rows = await server.ctx.db
      .selectFrom('participation_comment')
      .select(['author_id', 'hidden_at'])
      .where('body', 'in', ['My report comment.', 'My project comment.'])
      .execute();
    assert.equal(rows.length, 2);
    assert.ok(rows.every((row) => row.author_id === null && row.hidden_at !== null));
  });
});
