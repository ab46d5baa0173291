import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { countVotes } from '../../src/modules/budgets/results.repository.ts';
import {
  budgetCity,
  budgetVoter,
  buildBudget,
  castBallot,
  eraseAccount,
  setPhase,
  type BudgetCity,
  type BudgetVoter,
} from '../support/budgets.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/*
 * Erasing an account (issue 14): a ballot is like a paper ballot in the box. Once the vote is over it
 * stays counted, without the person; a ballot in a vote still open is withdrawn with the account (the
 * person could withdraw it that day, and could vote again with a new account: counted once). The same
 * for supports of budget projects and their supporting phase.
 */

let server: TestServer;
let city: BudgetCity;
let staffCsrf: string;

before(async () => {
  server = await startTestServer({ adjust: (config) => (config.rateLimits.signIn.limit = 10_000) });
  city = await budgetCity(server);
  staffCsrf = ((await (await city.staffClient.get('/api/v1/me')).json()) as { csrfToken: string }).csrfToken;
});
after(() => server.close());

function ballotsOf(budgetId: number) {
  return server.ctx.db
    .selectFrom('budgets_ballot')
    .select(['user_id', 'project_ids'])
    .where('budget_id', '=', budgetId)
    .orderBy('id')
    .execute();
}

function support(voter: BudgetVoter, budgetId: number, projectId: number) {
  return voter.client.request('PUT', `/api/v1/budgets/${budgetId}/projects/${projectId}/support`, {
    headers: { 'x-csrf-token': voter.csrf },
  });
}

function supportsOf(budgetId: number) {
  return server.ctx.db
    .selectFrom('budgets_support')
    .select(['project_id', 'user_id'])
    .where('budget_id', '=', budgetId)
    .orderBy('project_id')
    .execute();
}

describe('erasing an account', () => {
  test('ballots of a closed vote stay counted without the person, so publishing again changes no winner', async () => {
    // Amount 100: P1 (60) and P2 (50) cannot both be funded. P1 has 2 votes and P2 3, one of them
    // from the voter who leaves; were that ballot deleted, P1 would win instead of P2.
    const closed = await buildBudget(city, {}, { p1: 60, p2: 50 });
    const open = await buildBudget(city, {}, { p1: 60, p2: 50 });
    const leaving = await budgetVoter(city);
    const others = [await budgetVoter(city), await budgetVoter(city), await budgetVoter(city), await budgetVoter(city)];
    for (const [voter, project] of [
      [leaving, closed.p.p2],
      [others[0], closed.p.p2],
      [others[1], closed.p.p2],
      [others[2], closed.p.p1],
      [others[3], closed.p.p1],
    ] as const)
      assert.equal(
        (await castBallot(voter as BudgetVoter, closed.budgetId, closed.headingId, { projects: [project] })).status,
        200,
      );
    assert.equal((await castBallot(leaving, open.budgetId, open.headingId, { projects: [open.p.p1] })).status, 200);

    // The export lists the person's own ballots, in both budgets.
    const exported = (await (await leaving.client.get('/account/export')).json()) as {
      budgets: { ballots: Array<{ budgetId: number; headingId: number; projectIds: number[] }> };
    };
    assert.deepEqual(
      exported.budgets.ballots
        .map((b) => [b.budgetId, b.headingId, b.projectIds])
        .sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [closed.budgetId, closed.headingId, [closed.p.p2]],
        [open.budgetId, open.headingId, [open.p.p1]],
      ],
    );

    await setPhase(city, closed.budgetId, 'results');
    const first = await city.staffClient.json(
      'POST',
      `/api/v1/budgets/${closed.budgetId}/results`,
      {},
      { 'x-csrf-token': staffCsrf },
    );
    assert.equal(first.status, 200);
    const funded = (body: { headings: Array<{ projects: Array<{ projectId: number; funded: boolean }> }> }) =>
      body.headings.flatMap((h) => h.projects.filter((p) => p.funded).map((p) => p.projectId));
    assert.deepEqual(funded((await first.json()) as Parameters<typeof funded>[0]), [closed.p.p2]);
    const votesBefore = await countVotes(server.ctx.db, closed.headingId);

    await eraseAccount(leaving);

    const kept = await ballotsOf(closed.budgetId);
    assert.equal(kept.length, 5, 'every ballot of the closed vote is still in the box');
    assert.deepEqual(
      kept.filter((b) => b.user_id === null).map((b) => b.project_ids),
      [[closed.p.p2]],
      'the erased voter’s ballot is kept, linked to no one',
    );
    assert.ok(kept.every((b) => b.user_id !== leaving.id));
    assert.deepEqual(await countVotes(server.ctx.db, closed.headingId), votesBefore);
    assert.deepEqual(await ballotsOf(open.budgetId), [], 'the ballot of the vote still open is withdrawn');

    const again = await city.staffClient.json(
      'POST',
      `/api/v1/budgets/${closed.budgetId}/results?republish=true`,
      {},
      { 'x-csrf-token': staffCsrf },
    );
    assert.equal(again.status, 200);
    const body = (await again.json()) as Parameters<typeof funded>[0] & { changes: unknown[] };
    assert.deepEqual(funded(body), [closed.p.p2], 'the same project wins');
    assert.deepEqual(body.changes, []);
  });

  test('one ballot per living voter still holds beside anonymous ballots', async () => {
    const s = await buildBudget(city, {}, { p1: 60, p2: 50 });
    const gone = [await budgetVoter(city), await budgetVoter(city)];
    for (const voter of gone)
      assert.equal((await castBallot(voter, s.budgetId, s.headingId, { projects: [s.p.p1] })).status, 200);
    await setPhase(city, s.budgetId, 'results');
    for (const voter of gone) await eraseAccount(voter);
    await setPhase(city, s.budgetId, 'balloting');
    const living = await budgetVoter(city);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        castBallot(living, s.budgetId, s.headingId, { projects: [i % 2 ? s.p.p1 : s.p.p2] }),
      ),
    );
    assert.ok(answers.every((r) => r.status === 200));
    const rows = await ballotsOf(s.budgetId);
    assert.equal(rows.filter((b) => b.user_id === null).length, 2, 'two anonymous ballots in one heading');
    assert.equal(rows.filter((b) => b.user_id === living.id).length, 1, 'one ballot for the living voter');
    await assert.rejects(
      server.ctx.db
        .insertInto('budgets_ballot')
        .values({
          organisation_id: city.organisation.id,
          budget_id: s.budgetId,
          heading_id: s.headingId,
          user_id: living.id,
          district_heading: false,
          project_ids: [s.p.p1],
          votes: [1],
          total_cost: 60,
        })
        .execute(),
      /budgets_ballot_one_per_heading|duplicate key/,
      'the database refuses a second ballot of a living voter',
    );
  });

  test('supports stay counted without the person once the supporting phase is over, and go with them while it is open', async () => {
    const over = await buildBudget(city, { phaseOverride: 'supporting' }, { p1: 60 });
    const open = await buildBudget(city, { phaseOverride: 'supporting' }, { p1: 60 });
    const leaving = await budgetVoter(city);
    const staying = await budgetVoter(city);
    for (const voter of [leaving, staying]) {
      assert.equal((await support(voter, over.budgetId, over.p.p1)).status, 200);
      assert.equal((await support(voter, open.budgetId, open.p.p1)).status, 200);
    }
    await setPhase(city, over.budgetId, 'review');

    await eraseAccount(leaving);

    const kept = (await supportsOf(over.budgetId)).map((row) => row.user_id);
    assert.equal(kept.length, 2, 'both supports of the closed phase still count');
    assert.ok(kept.includes(null) && kept.includes(staying.id) && !kept.includes(leaving.id));
    assert.deepEqual(await supportsOf(open.budgetId), [{ project_id: open.p.p1, user_id: staying.id }]);
    const page = await (await city.staffClient.get(`/admin/budgets/${over.budgetId}/preselection`)).text();
    assert.match(page, /Project p1<\/a><\/td><td>2<\/td>/, 'the pre-selection still shows two supports');

    // One support per living resident and project still holds.
    await setPhase(city, over.budgetId, 'supporting');
    const twice = await Promise.all(Array.from({ length: 6 }, () => support(staying, over.budgetId, over.p.p1)));
    assert.ok(twice.every((r) => r.status === 200));
    assert.equal((await supportsOf(over.budgetId)).filter((row) => row.user_id === staying.id).length, 1);
  });
});
