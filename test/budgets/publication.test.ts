import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { saveProject } from '../../src/modules/budgets/budget-admin.use-cases.ts';
import { TestClient } from '../support/client.ts';
import {
  budgetCity,
  budgetVoter,
  buildBudget,
  castBallot,
  eraseAccount,
  setPhase,
  type BudgetCity,
} from '../support/budgets.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let city: BudgetCity;
let staffCsrf: string;

before(async () => {
  server = await startTestServer({ adjust: (config) => (config.rateLimits.signIn.limit = 10_000) });
  city = await budgetCity(server);
  staffCsrf = ((await (await city.staffClient.get('/api/v1/me')).json()) as { csrfToken: string }).csrfToken;
});
after(() => server.close());

function publishApi(budgetId: number, query = '') {
  return city.staffClient.json(
    'POST',
    `/api/v1/budgets/${budgetId}/results${query}`,
    {},
    { 'x-csrf-token': staffCsrf },
  );
}

async function publishForm(budgetId: number, fields: Record<string, string> = {}) {
  const { csrf } = await city.staffClient.page(`/admin/budgets/${budgetId}`);
  return city.staffClient.postForm(`/admin/budgets/${budgetId}/publish`, { _csrf: csrf, ...fields });
}

async function errorCode(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code: string } }).error?.code;
}

async function published(budgetId: number) {
  const budget = await server.ctx.db
    .selectFrom('budgets_budget')
    .select('results_published_at')
    .where('id', '=', budgetId)
    .executeTakeFirstOrThrow();
  const rows = await server.ctx.db
    .selectFrom('budgets_result')
    .select('project_id')
    .where('budget_id', '=', budgetId)
    .execute();
  return { at: budget.results_published_at, rows: rows.length };
}

interface PublicResults {
  headings: Array<{
    amount: number;
    voters: number;
    spent: number;
    projects: Array<{ projectId: number; cost: number; votes: number; funded: boolean; position: number }>;
  }>;
}

/** What the public sees: the API's results, the page and the CSV. */
async function publicResults(budgetId: number) {
  const anonymous = new TestClient(server.url);
  const api = (await (await anonymous.get(`/api/v1/budgets/${budgetId}/results`)).json()) as PublicResults;
  const page = await (await anonymous.get(`/budgets/${budgetId}/results`)).text();
  const csv = await (await anonymous.get(`/budgets/${budgetId}/results.csv`)).text();
  return { api, page, csv };
}

describe('publishing needs the vote to be over', () => {
  test('refused with a stable code while voting is open or still to come; the staff page says why', async () => {
    const open = await buildBudget(city, { phaseOverride: 'balloting' }, { a: 60, b: 50 });
    assert.equal(
      (await castBallot(await budgetVoter(city), open.budgetId, open.headingId, { projects: [open.p.a] })).status,
      200,
    );

    const api = await publishApi(open.budgetId);
    assert.equal(api.status, 409);
    assert.equal(await errorCode(api), 'BUDGET_RESULTS_VOTING_OPEN');
    const form = await publishForm(open.budgetId);
    assert.equal(form.status, 409);
    const refusedPage = await form.text();
    assert.match(refusedPage, /class="error-summary" role="alert"/);
    assert.match(refusedPage, /Voting is still open: the results can be published once it is over\./);
    assert.deepEqual(await published(open.budgetId), { at: null, rows: 0 }, 'nothing is published');
    const adminPage = await (await city.staffClient.get(`/admin/budgets/${open.budgetId}`)).text();
    assert.match(adminPage, /<p class="notice" id="publish">Voting is still open/);
    assert.doesNotMatch(adminPage, /action="\/admin\/budgets\/\d+\/publish"/, 'no publish button while voting is open');

    const early = await buildBudget(city, { phaseOverride: 'review' }, { a: 60 });
    const tooEarly = await publishApi(early.budgetId);
    assert.equal(tooEarly.status, 409);
    assert.equal(await errorCode(tooEarly), 'BUDGET_RESULTS_BEFORE_VOTING');
    assert.match(await (await publishForm(early.budgetId)).text(), /Voting has not taken place yet/);

    // By dates: refused before the balloting phase ends, accepted once it has.
    const dated = await buildBudget(city, { phaseOverride: null }, { a: 60 });
    await server.ctx.db
      .insertInto('budgets_phase')
      .values({
        organisation_id: city.organisation.id,
        budget_id: dated.budgetId,
        kind: 'balloting',
        starts_at: new Date(Date.now() - 10 * 86_400_000),
        ends_at: new Date(Date.now() + 86_400_000),
      })
      .execute();
    assert.equal(await errorCode(await publishApi(dated.budgetId)), 'BUDGET_RESULTS_VOTING_OPEN');
    await server.ctx.db
      .updateTable('budgets_phase')
      .set({ ends_at: new Date(Date.now() - 60_000) })
      .where('budget_id', '=', dated.budgetId)
      .execute();
    assert.equal((await publishForm(dated.budgetId)).status, 303, 'published once the balloting dates are past');
    assert.ok((await published(dated.budgetId)).at);
  });

  test('ballots are refused once voting is over, and the published results are not touched', async () => {
    const s = await buildBudget(city, {}, { a: 60, b: 50 });
    const early = await budgetVoter(city);
    const late = await budgetVoter(city);
    assert.equal((await castBallot(early, s.budgetId, s.headingId, { projects: [s.p.a] })).status, 200);
    await setPhase(city, s.budgetId, 'results');
    assert.equal((await publishForm(s.budgetId)).status, 303);

    const refused = await castBallot(late, s.budgetId, s.headingId, { projects: [s.p.b] });
    assert.equal(refused.status, 409);
    assert.equal(await errorCode(refused), 'BALLOT_OUTSIDE_PHASE');
    const changed = await castBallot(early, s.budgetId, s.headingId, { projects: [s.p.b] });
    assert.equal(await errorCode(changed), 'BALLOT_OUTSIDE_PHASE');
    const withdrawn = await early.client.request(
      'DELETE',
      `/api/v1/budgets/${s.budgetId}/headings/${s.headingId}/ballot`,
      {
        headers: { 'x-csrf-token': early.csrf },
      },
    );
    assert.equal(await errorCode(withdrawn), 'BALLOT_OUTSIDE_PHASE');
    const ballots = await server.ctx.db
      .selectFrom('budgets_ballot')
      .select(['user_id', 'project_ids'])
      .where('budget_id', '=', s.budgetId)
      .execute();
    assert.deepEqual(ballots, [{ user_id: early.id, project_ids: [s.p.a] }]);
  });
});

describe('published results are a snapshot', () => {
  test('a later cost fix and an erased voter change nothing the public sees; re-publishing shows what changes first', async () => {
    // Amount 100. A (60) has 3 votes, B (50) 2, C (30) 1: A and C are funded, 90 spent.
    const s = await buildBudget(city, {}, { a: 60, b: 50, c: 30 });
    const voters = [await budgetVoter(city), await budgetVoter(city), await budgetVoter(city)];
    const choices = [
      [s.p.a, s.p.b],
      [s.p.a, s.p.b],
      [s.p.a, s.p.c],
    ];
    for (const [index, voter] of voters.entries())
      assert.equal((await castBallot(voter, s.budgetId, s.headingId, { projects: choices[index] })).status, 200);
    await setPhase(city, s.budgetId, 'results');
    assert.equal((await publishForm(s.budgetId)).status, 303);
    const before = await publicResults(s.budgetId);
    const heading = before.api.headings[0];
    assert.deepEqual(
      heading?.projects.map((p) => [p.projectId, p.cost, p.votes, p.funded]),
      [
        [s.p.a, 60, 3, true],
        [s.p.b, 50, 2, false],
        [s.p.c, 30, 1, true],
      ],
    );
    assert.match(before.page, /<td>€60<\/td>/);
    assert.match(before.csv, new RegExp(`,1,${s.p.a},Project a,60,3,3,true,funded`));

    // After the vote staff find A cannot be built after all, and correct B's title; a voter of A and C
    // erases their account.
    for (const [id, change] of [
      [
        s.p.a,
        {
          title: { en: 'Project a' },
          feasibility: 'unfeasible',
          explanation: { en: 'The site is not the city’s.' },
          status: 'rejected',
        },
      ],
      [s.p.b, { title: { en: 'Project b, corrected' }, feasibility: 'feasible', explanation: {}, status: 'selected' }],
    ] as const) {
      const fixed = await saveProject(server.ctx, city.staff, city.organisation, s.budgetId, id, {
        headingId: s.headingId,
        title: change.title,
        description: {},
        cost: id === s.p.a ? 60 : 50,
        feasibility: change.feasibility,
        feasibilityExplanation: change.explanation,
        status: change.status,
      });
      assert.ok(fixed.ok, JSON.stringify(fixed));
    }
    await eraseAccount(voters[2] as (typeof voters)[number]);

    const afterwards = await publicResults(s.budgetId);
    assert.deepEqual(afterwards.api, before.api, 'the published figures are as they were published');
    assert.equal(afterwards.csv, before.csv);
    assert.equal(
      afterwards.page.replace(/<input type="hidden" name="_csrf"[^>]*>/g, ''),
      before.page.replace(/<input type="hidden" name="_csrf"[^>]*>/g, ''),
    );
    assert.doesNotMatch(afterwards.page, /corrected/);

    // The staff page shows what publishing again would change: A is out, B moves up and is funded.
    const admin = await city.staffClient.page(`/admin/budgets/${s.budgetId}`);
    assert.match(admin.html, /what publishing again would change/);
    const changes =
      /<table class="data-table"><caption class="visually-hidden">Projects whose result would change<\/caption>[\s\S]*?<\/table>/.exec(
        admin.html,
      )?.[0] ?? '';
    assert.match(changes, /<th scope="row">Project a<\/th><td>1 · 3 · Funded<\/td><td>—<\/td>/);
    assert.match(changes, /<th scope="row">Project b, corrected<\/th><td>2 · 2<\/td><td>1 · 2 · Funded<\/td>/);
    assert.match(changes, /<th scope="row">Project c<\/th><td>3 · 1 · Funded<\/td><td>2 · 1 · Funded<\/td>/);
    const fingerprint = /name="confirm" value="([0-9a-f]+)"/.exec(admin.html)?.[1];
    assert.ok(fingerprint);

    // Publishing again without confirming the count shown, or with a count that changed since, is refused.
    const unconfirmed = await publishForm(s.budgetId);
    assert.equal(unconfirmed.status, 409);
    assert.match(await unconfirmed.text(), /The count has changed since this page was shown/);
    assert.equal(await errorCode(await publishApi(s.budgetId)), 'BUDGET_RESULTS_REPUBLISH_UNCONFIRMED');
    assert.equal((await publishForm(s.budgetId, { confirm: 'f'.repeat(32) })).status, 409);
    assert.deepEqual((await publicResults(s.budgetId)).api, before.api, 'nothing was replaced');

    assert.equal((await publishForm(s.budgetId, { confirm: fingerprint })).status, 303);
    const republished = (await publicResults(s.budgetId)).api.headings[0];
    assert.deepEqual(
      republished?.projects.map((p) => [p.projectId, p.cost, p.votes, p.funded]),
      [
        [s.p.b, 50, 2, true],
        [s.p.c, 30, 1, true],
      ],
      'the erased voter’s ballot is still counted (C keeps its vote); A is no longer on the ballot',
    );
    const audit = await server.ctx.db
      .selectFrom('core_audit_log')
      .select('action')
      .where('subject_type', '=', 'budget')
      .where('subject_id', '=', String(s.budgetId))
      .where('action', 'like', 'budget.results.%')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['budget.results.publish', 'budget.results.republish'],
    );

    const again = await city.staffClient.page(`/admin/budgets/${s.budgetId}`);
    assert.match(again.html, /The count now gives the same results as those published\./);
    const api = await publishApi(s.budgetId, '?republish=true');
    assert.equal(api.status, 200);
    assert.deepEqual(((await api.json()) as { changes: unknown[] }).changes, []);
  });
});
