import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { equalShares, winnersByVotes } from '../../src/modules/budgets/index.ts';
import { ballotMemory } from '../../src/modules/budgets/ballot-memory.ts';
import { BallotWriter } from '../../src/modules/budgets/ballot-writer.ts';
import { findBallotScope } from '../../src/modules/budgets/ballots.repository.ts';
import {
  addHeading,
  createBudget,
  saveProject,
  type BudgetInput,
} from '../../src/modules/budgets/budget-admin.use-cases.ts';
import { createProcess } from '../../src/modules/participation/use-cases/manage-processes.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let organisation: Organisation;
let staff: Viewer;
let staffClient: TestClient;
const districts: number[] = [];

const BASE: BudgetInput = {
  title: { en: 'Budget' },
  description: {},
  processId: null,
  votingRule: 'approval',
  maxProjects: 2,
  maxVotes: null,
  maxVotesPerProject: null,
  minShare: null,
  resultsMethod: 'votes',
  eligibilityLevel: 'verified',
  minAge: 14,
  maxAge: null,
  districtResidentsOnly: false,
  phaseOverride: 'balloting',
};

interface Setup {
  budgetId: number;
  city: number;
  north: number;
  south: number;
  /** Projects by name: a, b, c (city, on the ballot), n1 (north), s1 (south), x (city, unfeasible). */
  p: Record<'a' | 'b' | 'c' | 'n1' | 's1' | 'x', number>;
}

/** A budget with a city-wide heading (amount 100), two district headings and six projects. */
async function buildBudget(
  overrides: Partial<BudgetInput> = {},
  costs: { a: number; b: number; c: number } = { a: 60, b: 50, c: 30 },
): Promise<Setup> {
  const created = await createBudget(server.ctx, staff, organisation, { ...BASE, ...overrides });
  assert.ok(created.ok, JSON.stringify(created));
  const heading = async (districtId: number | null, amount: number) => {
    const h = await addHeading(server.ctx, staff, organisation, created.id, {
      name: { en: `Heading ${districtId ?? 'city'}` },
      districtId,
      amount,
    });
    assert.ok(h.ok, JSON.stringify(h));
    return h.id;
  };
  const city = await heading(null, 100);
  const north = await heading(districts[0] as number, 50);
  const south = await heading(districts[1] as number, 50);
  const project = async (headingId: number, cost: number, feasible = true) => {
    const saved = await saveProject(server.ctx, staff, organisation, created.id, null, {
      headingId,
      title: { en: `Project costing ${cost}` },
      description: {},
      cost,
      feasibility: feasible ? 'feasible' : 'unfeasible',
      feasibilityExplanation: feasible ? {} : { en: 'Not possible here.' },
      status: feasible ? 'selected' : 'rejected',
    });
    assert.ok(saved.ok, JSON.stringify(saved));
    return saved.id;
  };
  return {
    budgetId: created.id,
    city,
    north,
    south,
    p: {
      a: await project(city, costs.a),
      b: await project(city, costs.b),
      c: await project(city, costs.c),
      n1: await project(north, 20),
      s1: await project(south, 20),
      x: await project(city, 10, false),
    },
  };
}

interface Voter {
  client: TestClient;
  csrf: string;
  id: number;
}

/** A signed-in resident, verified with the given birth year unless `verified` is false. */
async function voter(options: { verified?: boolean; birthYear?: number } = {}): Promise<Voter> {
  const { client, user } = await signedInClient(server);
  if (options.verified !== false) {
    await server.ctx.db
      .insertInto('verification_identity')
      .values({
        user_id: user.id,
        organisation_id: organisation.id,
        method: 'in_person',
        identity_hash: `test-${user.id}`,
        census_id: null,
        birth_year: options.birthYear ?? 1990,
        district_id: districts[0] ?? null,
        verified_by: null,
      })
      .execute();
  }
  const me = (await (await client.get('/api/v1/me')).json()) as { csrfToken: string };
  return { client, csrf: me.csrfToken, id: user.id };
}

function put(v: Voter, budgetId: number, headingId: number, body: unknown) {
  return v.client.json('PUT', `/api/v1/budgets/${budgetId}/headings/${headingId}/ballot`, body, {
    'x-csrf-token': v.csrf,
  });
}

async function ballotRows(userId: number): Promise<Array<{ heading_id: number; project_ids: number[] }>> {
  return server.ctx.db
    .selectFrom('budgets_ballot')
    .select(['heading_id', 'project_ids'])
    .where('user_id', '=', userId)
    .execute();
}

/** Ends the vote (staff set the budget to its results phase): results may be published only then. */
async function closeVoting(budgetId: number): Promise<void> {
  await server.ctx.db
    .updateTable('budgets_budget')
    .set({ phase_override: 'results' })
    .where('id', '=', budgetId)
    .execute();
}

async function expectRefused(response: Response, status: number, code: string) {
  const body = (await response.json()) as { error?: { code: string } };
  assert.equal(body.error?.code, code);
  assert.equal(response.status, status);
}

before(async () => {
  server = await startTestServer({ adjust: (config) => (config.rateLimits.signIn.limit = 10_000) });
  const first = (await server.organisations.findAll())[0];
  if (!first) throw new Error('no city');
  organisation = first;
  const square = JSON.stringify({
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ],
  });
  for (const code of ['north', 'south']) {
    const row = await server.ctx.db
      .insertInto('places_district')
      .values({
        organisation_id: organisation.id,
        kind: 'district',
        code,
        parent_id: null,
        name: JSON.stringify({ en: code }),
        geometry: square,
        min_lng: 0,
        min_lat: 0,
        max_lng: 1,
        max_lat: 1,
        population: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    districts.push(row.id);
  }
  const signedIn = await signedInClient(server, { role: 'staff' });
  staffClient = signedIn.client;
  const viewer = await findViewer(server.ctx.db, organisation.id, signedIn.user.id);
  if (!viewer) throw new Error('no staff viewer');
  staff = viewer;
});
after(() => server.close());

describe('casting a ballot', () => {
  test('stores a ballot idempotently, changes it, and returns it to its voter only', async () => {
    const s = await buildBudget();
    const v = await voter();
    const first = await put(v, s.budgetId, s.city, { projects: [s.p.c, s.p.a] });
    assert.equal(first.status, 200);
    const stored = (await first.json()) as { projects: number[]; totalCost: number; remaining: number };
    assert.deepEqual(
      stored.projects,
      [s.p.a, s.p.c].sort((x, y) => x - y),
    );
    assert.deepEqual([stored.totalCost, stored.remaining], [90, 10]);
    const again = (await (await put(v, s.budgetId, s.city, { projects: [s.p.c, s.p.a] })).json()) as {
      projects: number[];
    };
    assert.deepEqual(again.projects, stored.projects);
    assert.equal((await ballotRows(v.id)).length, 1);

    const changed = (await (await put(v, s.budgetId, s.city, { projects: [s.p.b] })).json()) as {
      projects: number[];
      totalCost: number;
    };
    assert.deepEqual([changed.projects, changed.totalCost], [[s.p.b], 50]);
    const read = (await (await v.client.get(`/api/v1/budgets/${s.budgetId}/headings/${s.city}/ballot`)).json()) as {
      projects: number[];
    };
    assert.deepEqual(read.projects, [s.p.b]);
    assert.deepEqual(
      (await ballotRows(v.id)).map((r) => r.project_ids),
      [[s.p.b]],
    );

    const other = await voter();
    const theirs = (await (
      await other.client.get(`/api/v1/budgets/${s.budgetId}/headings/${s.city}/ballot`)
    ).json()) as { projects: number[] };
    assert.deepEqual(theirs.projects, [], 'another voter sees only their own (empty) ballot');
    const anonymous = await new TestClient(server.url).get(`/api/v1/budgets/${s.budgetId}/headings/${s.city}/ballot`);
    assert.equal(anonymous.status, 401);

    const withdrawn = await put(v, s.budgetId, s.city, { projects: [] });
    assert.equal(withdrawn.status, 200);
    assert.equal((await ballotRows(v.id)).length, 0, 'an empty choice withdraws the ballot');
  });

  test('50 identical requests at once leave exactly one ballot', async () => {
    const s = await buildBudget();
    const v = await voter();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => put(v, s.budgetId, s.city, { projects: [s.p.a, s.p.c] })),
    );
    assert.deepEqual([...new Set(responses.map((r) => r.status))], [200]);
    const rows = await ballotRows(v.id);
    assert.equal(rows.length, 1);
    assert.deepEqual(
      rows[0]?.project_ids,
      [s.p.a, s.p.c].sort((x, y) => x - y),
    );
  });

  test('racing ballots in two district headings leave at most one district ballot', async () => {
    const s = await buildBudget();
    const v = await voter();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? put(v, s.budgetId, s.north, { projects: [s.p.n1] })
          : put(v, s.budgetId, s.south, { projects: [s.p.s1] }),
      ),
    );
    const codes = await Promise.all(
      responses.map(async (r) =>
        r.status === 200 ? 'ok' : ((await r.json()) as { error: { code: string } }).error.code,
      ),
    );
    assert.ok(
      codes.every((code) => code === 'ok' || code === 'BALLOT_SECOND_DISTRICT_HEADING'),
      codes.join(),
    );
    assert.equal((await ballotRows(v.id)).length, 1);
  });
});

describe('ballots arriving together are written together', () => {
  test('40 voters at once: every answer is the stored ballot, to the millisecond', async () => {
    const s = await buildBudget();
    const voters = await Promise.all(Array.from({ length: 40 }, () => voter()));
    const choices = voters.map((_, i) => (i % 3 === 0 ? [s.p.a] : i % 3 === 1 ? [s.p.b, s.p.c] : [s.p.c]));
    const responses = await Promise.all(voters.map((v, i) => put(v, s.budgetId, s.city, { projects: choices[i] })));
    assert.deepEqual([...new Set(responses.map((r) => r.status))], [200]);
    const answers = (await Promise.all(responses.map((r) => r.json()))) as Array<{
      projects: number[];
      updatedAt: string;
    }>;
    for (const [i, v] of voters.entries()) {
      const rows = await ballotRows(v.id);
      assert.deepEqual(
        rows.map((row) => row.project_ids),
        [choices[i]?.toSorted((x, y) => x - y)],
      );
      const read = (await (await v.client.get(`/api/v1/budgets/${s.budgetId}/headings/${s.city}/ballot`)).json()) as {
        projects: number[];
        updatedAt: string;
      };
      assert.deepEqual(read.projects, answers[i]?.projects);
      assert.equal(read.updatedAt, answers[i]?.updatedAt, 'the time answered is the time stored');
    }
  });

  test('one voter’s ballots sent at once are written in the order they arrived: the last one stays', async () => {
    const s = await buildBudget();
    const v = await voter();
    const writer = new BallotWriter(server.ctx.db);
    const scope = await findBallotScope(server.ctx.db, {
      organisationId: organisation.id,
      budgetId: s.budgetId,
      userId: v.id,
    });
    assert.ok(scope?.voter.text);
    const guard = {
      version: scope.budget.version,
      voterText: scope.voter.text,
      processText: scope.budget.processText,
      session: null,
    };
    const choices = [[s.p.a], [s.p.b], [s.p.c], [s.p.a, s.p.c], [s.p.b, s.p.c]];
    const written = await Promise.all(
      choices.map((projectIds) =>
        writer.write({
          values: {
            organisationId: organisation.id,
            budgetId: s.budgetId,
            headingId: s.city,
            userId: v.id,
            districtHeading: false,
            projectIds,
            votes: projectIds.map(() => 1),
            totalCost: 0,
          },
          guard,
        }),
      ),
    );
    assert.ok(
      written.every((ballot) => ballot !== undefined),
      'every ballot was stored in its turn',
    );
    assert.deepEqual(
      (await ballotRows(v.id)).map((row) => row.project_ids),
      [[s.p.b, s.p.c]],
    );
  });

  test('a ballot breaking a constraint in a shared statement is refused alone; the others are stored', async () => {
    const s = await buildBudget();
    const voters = await Promise.all(Array.from({ length: 6 }, () => voter()));
    const [first] = voters;
    assert.ok(first);
    const writer = new BallotWriter(server.ctx.db);
    const write = async (v: Voter, headingId: number, projectIds: number[]) => {
      const scope = await findBallotScope(server.ctx.db, {
        organisationId: organisation.id,
        budgetId: s.budgetId,
        userId: v.id,
      });
      assert.ok(scope?.voter.text);
      return writer.write({
        values: {
          organisationId: organisation.id,
          budgetId: s.budgetId,
          headingId,
          userId: v.id,
          districtHeading: headingId !== s.city,
          projectIds,
          votes: projectIds.map(() => 1),
          totalCost: 20,
        },
        guard: {
          version: scope.budget.version,
          voterText: scope.voter.text,
          processText: scope.budget.processText,
          session: null,
        },
      });
    };
    await write(first, s.north, [s.p.n1]);
    // The first voter's south ballot breaks "one district heading per voter"; it shares a statement with the others.
    const results = await Promise.allSettled([
      write(first, s.south, [s.p.s1]),
      ...voters.slice(1).map((v) => write(v, s.north, [s.p.n1])),
    ]);
    const [refused] = results;
    assert.equal(refused.status, 'rejected');
    assert.match(String(refused.reason), /budgets_ballot_one_district_heading/);
    assert.ok(results.slice(1).every((result) => result.status === 'fulfilled' && result.value !== undefined));
    for (const v of voters.slice(1))
      assert.deepEqual(await ballotRows(v.id), [{ heading_id: s.north, project_ids: [s.p.n1] }]);
    assert.deepEqual(await ballotRows(first.id), [{ heading_id: s.north, project_ids: [s.p.n1] }]);
  });
});

describe('every rule is enforced on the server and a refused ballot stores nothing', () => {
  test('approval: over N, another heading, unknown, not on the ballot, duplicates, wrong format', async () => {
    const s = await buildBudget({ maxProjects: 2 });
    const v = await voter();
    await expectRefused(
      await put(v, s.budgetId, s.city, { projects: [s.p.a, s.p.b, s.p.c] }),
      422,
      'BALLOT_TOO_MANY_PROJECTS',
    );
    await expectRefused(
      await put(v, s.budgetId, s.city, { projects: [s.p.a, s.p.n1] }),
      422,
      'BALLOT_PROJECT_OF_OTHER_HEADING',
    );
    await expectRefused(
      await put(v, s.budgetId, s.city, { projects: [s.p.a, 999_999] }),
      422,
      'BALLOT_UNKNOWN_PROJECT',
    );
    await expectRefused(await put(v, s.budgetId, s.city, { projects: [s.p.x] }), 422, 'BALLOT_PROJECT_NOT_ON_BALLOT');
    await expectRefused(
      await put(v, s.budgetId, s.city, { projects: [s.p.a, s.p.a] }),
      400,
      'BALLOT_DUPLICATE_PROJECT',
    );
    await expectRefused(await put(v, s.budgetId, s.city, { votes: { [s.p.a]: 1 } }), 400, 'BALLOT_WRONG_FORMAT');
    await expectRefused(await put(v, s.budgetId, s.city, { projects: [s.p.a], votes: {} }), 400, 'BALLOT_WRONG_FORMAT');
    await expectRefused(await put(v, s.budgetId, s.city, { projects: ['1; drop table'] }), 400, 'VALIDATION_FAILED');
    const other = await buildBudget();
    await expectRefused(await put(v, s.budgetId, s.city, { projects: [other.p.a] }), 422, 'BALLOT_UNKNOWN_PROJECT');
    await expectRefused(await put(v, s.budgetId, other.city, { projects: [s.p.a] }), 404, 'BUDGET_HEADING_NOT_FOUND');
    assert.equal((await ballotRows(v.id)).length, 0);
  });

  test('knapsack: over the amount and under the minimum share', async () => {
    const s = await buildBudget({ votingRule: 'knapsack', maxProjects: null, minShare: 0.5 });
    const v = await voter();
    await expectRefused(await put(v, s.budgetId, s.city, { projects: [s.p.a, s.p.b] }), 422, 'BALLOT_OVER_AMOUNT');
    await expectRefused(await put(v, s.budgetId, s.city, { projects: [s.p.c] }), 422, 'BALLOT_UNDER_MINIMUM');
    assert.equal((await ballotRows(v.id)).length, 0);
    assert.equal((await put(v, s.budgetId, s.city, { projects: [s.p.a, s.p.c] })).status, 200);
  });

  test('distributed: over N votes and over the votes allowed on one project', async () => {
    const s = await buildBudget({ votingRule: 'distributed', maxProjects: null, maxVotes: 5, maxVotesPerProject: 3 });
    const v = await voter();
    await expectRefused(
      await put(v, s.budgetId, s.city, { votes: { [s.p.a]: 3, [s.p.b]: 3 } }),
      422,
      'BALLOT_TOO_MANY_VOTES',
    );
    await expectRefused(
      await put(v, s.budgetId, s.city, { votes: { [s.p.a]: 4 } }),
      422,
      'BALLOT_TOO_MANY_VOTES_ON_PROJECT',
    );
    await expectRefused(await put(v, s.budgetId, s.city, { projects: [s.p.a] }), 400, 'BALLOT_WRONG_FORMAT');
    assert.equal((await ballotRows(v.id)).length, 0);
    const ok = (await (await put(v, s.budgetId, s.city, { votes: { [s.p.a]: 3, [s.p.b]: 2, [s.p.c]: 0 } })).json()) as {
      votes: Record<string, number>;
      votesUsed: number;
    };
    assert.deepEqual([ok.votes, ok.votesUsed], [{ [s.p.a]: 3, [s.p.b]: 2 }, 5]);
  });

  test('outside the balloting phase, by phase setting or by dates', async () => {
    const closed = await buildBudget({ phaseOverride: 'review' });
    const dated = await buildBudget({ phaseOverride: null });
    await server.ctx.db
      .insertInto('budgets_phase')
      .values({
        organisation_id: organisation.id,
        budget_id: dated.budgetId,
        kind: 'balloting',
        starts_at: new Date(Date.now() - 10 * 86_400_000),
        ends_at: new Date(Date.now() - 86_400_000),
      })
      .execute();
    const v = await voter();
    await expectRefused(
      await put(v, closed.budgetId, closed.city, { projects: [closed.p.a] }),
      409,
      'BALLOT_OUTSIDE_PHASE',
    );
    await expectRefused(
      await put(v, dated.budgetId, dated.city, { projects: [dated.p.a] }),
      409,
      'BALLOT_OUTSIDE_PHASE',
    );
    assert.equal((await ballotRows(v.id)).length, 0);
    await server.ctx.db
      .updateTable('budgets_phase')
      .set({ ends_at: new Date(Date.now() + 86_400_000) })
      .where('budget_id', '=', dated.budgetId)
      .execute();
    assert.equal(
      (await put(v, dated.budgetId, dated.city, { projects: [dated.p.a] })).status,
      200,
      'open by its dates',
    );
  });

  test('ineligible, unverified, signed-out and forged requests', async () => {
    const s = await buildBudget();
    const unverified = await voter({ verified: false });
    await expectRefused(await put(unverified, s.budgetId, s.city, { projects: [s.p.a] }), 403, 'BALLOT_NOT_VERIFIED');
    const child = await voter({ birthYear: new Date().getUTCFullYear() - 10 });
    await expectRefused(await put(child, s.budgetId, s.city, { projects: [s.p.a] }), 403, 'BALLOT_AGE_NOT_ELIGIBLE');
    const residentsOnly = await buildBudget({ districtResidentsOnly: true });
    const northerner = await voter();
    await expectRefused(
      await put(northerner, residentsOnly.budgetId, residentsOnly.south, { projects: [residentsOnly.p.s1] }),
      403,
      'BALLOT_DISTRICT_NOT_YOURS',
    );
    assert.equal(
      (await put(northerner, residentsOnly.budgetId, residentsOnly.north, { projects: [residentsOnly.p.n1] })).status,
      200,
    );

    const anonymous = new TestClient(server.url);
    const { csrf } = await anonymous.page('/budgets');
    await expectRefused(
      await anonymous.json(
        'PUT',
        `/api/v1/budgets/${s.budgetId}/headings/${s.city}/ballot`,
        { projects: [s.p.a] },
        { 'x-csrf-token': csrf },
      ),
      401,
      'AUTHENTICATION_REQUIRED',
    );
    const v = await voter();
    await expectRefused(
      await v.client.json('PUT', `/api/v1/budgets/${s.budgetId}/headings/${s.city}/ballot`, { projects: [s.p.a] }),
      403,
      'CSRF_TOKEN_INVALID',
    );
    for (const id of [unverified.id, child.id, v.id]) assert.equal((await ballotRows(id)).length, 0);
  });

  test('one district heading: a second one is refused while the first ballot stays', async () => {
    const s = await buildBudget();
    const v = await voter();
    assert.equal((await put(v, s.budgetId, s.city, { projects: [s.p.a] })).status, 200);
    assert.equal((await put(v, s.budgetId, s.north, { projects: [s.p.n1] })).status, 200);
    await expectRefused(
      await put(v, s.budgetId, s.south, { projects: [s.p.s1] }),
      409,
      'BALLOT_SECOND_DISTRICT_HEADING',
    );
    assert.deepEqual((await ballotRows(v.id)).map((r) => r.heading_id).sort(), [s.city, s.north].sort());
    const withdraw = await v.client.request('DELETE', `/api/v1/budgets/${s.budgetId}/headings/${s.north}/ballot`, {
      headers: { 'x-csrf-token': v.csrf },
    });
    assert.equal(withdraw.status, 200);
    assert.equal(
      (await put(v, s.budgetId, s.south, { projects: [s.p.s1] })).status,
      200,
      'after withdrawing, another district is possible',
    );
  });
});

/**
 * A voter's second ballot is checked against the budget and eligibility remembered from their first
 * (one statement instead of three). These changes are made straight in the database, as another server
 * process would make them, so nothing in this process forgets what it remembered: the statement that
 * stores the ballot must notice them by itself.
 */
describe('a ballot checked against what an earlier ballot read', () => {
  async function warm(v: Voter, s: Setup, projects: number[]) {
    assert.equal((await put(v, s.budgetId, s.city, { projects })).status, 200);
    assert.ok(
      ballotMemory(server.ctx.db).budget(organisation.id, s.budgetId),
      'the budget is remembered after a ballot',
    );
    assert.ok(ballotMemory(server.ctx.db).voter(organisation.id, v.id), 'the voter is remembered after a ballot');
  }

  test('a project whose cost changed since is counted at its new cost', async () => {
    const s = await buildBudget({ votingRule: 'knapsack', maxProjects: null });
    const v = await voter();
    await warm(v, s, [s.p.a]);
    await server.ctx.db.updateTable('budgets_project').set({ cost: 50 }).where('id', '=', s.p.c).execute();
    await expectRefused(await put(v, s.budgetId, s.city, { projects: [s.p.a, s.p.c] }), 422, 'BALLOT_OVER_AMOUNT');
    assert.deepEqual(
      (await ballotRows(v.id)).map((r) => r.project_ids),
      [[s.p.a]],
      'the earlier ballot stays',
    );
    await server.ctx.db.updateTable('budgets_project').set({ cost: 30 }).where('id', '=', s.p.c).execute();
    assert.equal((await put(v, s.budgetId, s.city, { projects: [s.p.a, s.p.c] })).status, 200);
  });

  test('a project taken off the ballot, a closed ballot and a lowered limit are noticed', async () => {
    const s = await buildBudget();
    const v = await voter();
    await warm(v, s, [s.p.a]);
    await server.ctx.db.updateTable('budgets_project').set({ status: 'rejected' }).where('id', '=', s.p.b).execute();
    await expectRefused(await put(v, s.budgetId, s.city, { projects: [s.p.b] }), 422, 'BALLOT_PROJECT_NOT_ON_BALLOT');
    await server.ctx.db.updateTable('budgets_budget').set({ max_projects: 1 }).where('id', '=', s.budgetId).execute();
    await expectRefused(
      await put(v, s.budgetId, s.city, { projects: [s.p.a, s.p.c] }),
      422,
      'BALLOT_TOO_MANY_PROJECTS',
    );
    await server.ctx.db
      .updateTable('budgets_budget')
      .set({ phase_override: 'review' })
      .where('id', '=', s.budgetId)
      .execute();
    await expectRefused(await put(v, s.budgetId, s.city, { projects: [s.p.c] }), 409, 'BALLOT_OUTSIDE_PHASE');
    assert.deepEqual(
      (await ballotRows(v.id)).map((r) => r.project_ids),
      [[s.p.a]],
    );
  });

  test('a voter who lost their verification, or whose session ended elsewhere, changes nothing', async () => {
    const s = await buildBudget();
    const unverified = await voter();
    await warm(unverified, s, [s.p.a]);
    await server.ctx.db.deleteFrom('verification_identity').where('user_id', '=', unverified.id).execute();
    await expectRefused(await put(unverified, s.budgetId, s.city, { projects: [s.p.b] }), 403, 'BALLOT_NOT_VERIFIED');
    assert.deepEqual(
      (await ballotRows(unverified.id)).map((r) => r.project_ids),
      [[s.p.a]],
    );

    const signedOut = await voter();
    await warm(signedOut, s, [s.p.a]);
    await server.ctx.db.deleteFrom('core_session').where('user_id', '=', signedOut.id).execute();
    await expectRefused(
      await put(signedOut, s.budgetId, s.city, { projects: [s.p.b] }),
      401,
      'AUTHENTICATION_REQUIRED',
    );
    assert.deepEqual(
      (await ballotRows(signedOut.id)).map((r) => r.project_ids),
      [[s.p.a]],
    );

    const erased = await voter();
    await warm(erased, s, [s.p.a]);
    await server.ctx.db.updateTable('core_user').set({ deleted_at: new Date() }).where('id', '=', erased.id).execute();
    await expectRefused(await put(erased, s.budgetId, s.city, { projects: [s.p.b] }), 401, 'AUTHENTICATION_REQUIRED');
    assert.deepEqual(
      (await ballotRows(erased.id)).map((r) => r.project_ids),
      [[s.p.a]],
    );
  });

  test("the linked process's eligibility applies to voting, also when it changes after a ballot", async () => {
    const process = await createProcess(server.ctx, staff, organisation, {
      slug: `youth-budget-${Date.now()}`,
      title: { en: 'Youth budget' },
      description: { en: 'For young residents.' },
      districtIds: [],
      eligibilityLevel: 'verified',
      minAge: 14,
      maxAge: 40,
      residentsOnly: false,
      supportThreshold: 10,
      supportDays: 30,
      answerDays: 14,
    });
    assert.ok(process.ok, JSON.stringify(process));
    const s = await buildBudget({ processId: process.id });
    const year = new Date().getUTCFullYear();
    const older = await voter({ birthYear: year - 50 });
    await expectRefused(await put(older, s.budgetId, s.city, { projects: [s.p.a] }), 403, 'BALLOT_AGE_NOT_ELIGIBLE');
    const young = await voter({ birthYear: year - 30 });
    await warm(young, s, [s.p.a]);
    await server.ctx.db
      .updateTable('participation_process')
      .set({ max_age: 25 })
      .where('id', '=', process.id)
      .execute();
    await expectRefused(await put(young, s.budgetId, s.city, { projects: [s.p.b] }), 403, 'BALLOT_AGE_NOT_ELIGIBLE');
    assert.deepEqual(
      (await ballotRows(young.id)).map((r) => r.project_ids),
      [[s.p.a]],
    );
    assert.equal((await ballotRows(older.id)).length, 0);
  });
});

describe('the ballot page without JavaScript', () => {
  test('submits checkboxes, recomputes the total with the error, and refuses tampered forms', async () => {
    const s = await buildBudget({ votingRule: 'knapsack', maxProjects: null });
    const v = await voter();
    const page = await v.client.page(`/budgets/${s.budgetId}/headings/${s.city}`);
    assert.equal(page.response.status, 200);
    assert.match(page.html, new RegExp(`name="projects" value="${s.p.a}" data-cost="60"`));
    assert.match(page.html, /<script src="\/budgets\/assets\/ballot\.js\?v=/);
    const body = new URLSearchParams([
      ['_csrf', page.csrf],
      ['projects', String(s.p.a)],
      ['projects', String(s.p.b)],
    ]).toString();
    const over = await v.client.request('POST', `/budgets/${s.budgetId}/headings/${s.city}/ballot`, {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(over.status, 422);
    const html = await over.text();
    assert.match(html, /cost more than the amount/);
    assert.match(html, /Chosen: €110\. — €10 over the amount\.|€10 over/);
    assert.equal((await ballotRows(v.id)).length, 0);

    const tampered = await v.client.postForm(`/budgets/${s.budgetId}/headings/${s.city}/ballot`, {
      _csrf: page.csrf,
      projects: 'abc',
    });
    assert.equal(tampered.status, 422);
    assert.equal((await ballotRows(v.id)).length, 0);

    const ok = await v.client.postForm(`/budgets/${s.budgetId}/headings/${s.city}/ballot`, {
      _csrf: page.csrf,
      projects: String(s.p.a),
    });
    assert.equal(ok.status, 303);
    assert.deepEqual(
      (await ballotRows(v.id)).map((r) => r.project_ids),
      [[s.p.a]],
    );
  });
});

describe('results', () => {
  test('winners by votes skip a project that no longer fits; published with counts, chart and CSV', async () => {
    // Amount 100. A (60) gets 3 votes, B (50) 2, C (30) 1: A is funded (40 left), B no longer fits
    // and is skipped, C fits and is funded — 90 spent.
    const s = await buildBudget({ maxProjects: 3 });
    const choices = [
      [s.p.a, s.p.b],
      [s.p.a, s.p.b],
      [s.p.a, s.p.c],
    ];
    for (const projects of choices)
      assert.equal((await put(await voter(), s.budgetId, s.city, { projects })).status, 200);

    const hidden = await new TestClient(server.url).get(`/api/v1/budgets/${s.budgetId}/results`);
    assert.equal(hidden.status, 404, 'results are not public before they are published');
    await closeVoting(s.budgetId);
    const { csrf } = await staffClient.page('/admin/budgets');
    const published = await staffClient.postForm(`/admin/budgets/${s.budgetId}/publish`, { _csrf: csrf });
    assert.equal(published.status, 303);

    const results = (await (await new TestClient(server.url).get(`/api/v1/budgets/${s.budgetId}/results`)).json()) as {
      headings: Array<{
        id: number;
        voters: number;
        spent: number;
        projects: Array<{ projectId: number; votes: number; funded: boolean; note: string }>;
      }>;
    };
    const city = results.headings.find((h) => h.id === s.city);
    assert.deepEqual([city?.voters, city?.spent], [3, 90]);
    assert.deepEqual(
      city?.projects.map((p) => [p.projectId, p.votes, p.funded, p.note]),
      [
        [s.p.a, 3, true, 'funded'],
        [s.p.b, 2, false, 'does-not-fit'],
        [s.p.c, 1, true, 'funded'],
      ],
    );
    assert.ok(!JSON.stringify(results).includes('user'), 'no voter appears in the results');

    const page = await new TestClient(server.url).get(`/budgets/${s.budgetId}/results`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /<svg class="results-chart"[^>]*role="img"/);
    assert.match(html, /Did not fit in what was left/);
    const csv = await (await new TestClient(server.url).get(`/budgets/${s.budgetId}/results.csv`)).text();
    assert.match(
      csv,
      new RegExp(
        `^heading_id,heading,position,project_id,project,cost,ballots,votes,funded,note\\r\\n${s.city},Heading city,1,${s.p.a},Project costing 60,60,3,3,true,funded`,
      ),
    );
    const funded = await server.ctx.db
      .selectFrom('budgets_project')
      .select(['id', 'funded', 'follow_up_status'])
      .where('budget_id', '=', s.budgetId)
      .where('funded', '=', true)
      .execute();
    assert.deepEqual(funded.map((p) => p.id).sort(), [s.p.a, s.p.c].sort());
    assert.ok(funded.every((p) => p.follow_up_status === 'planned'));
  });

  test('the Method of Equal Shares on a small known example, through the database', async () => {
    // 10 voters, amount 100. Seven approve {A, B, C} (30 each), three approve {D} (30).
    // Each voter gets 10. Round 1: A costs its 7 supporters 30/7 ≈ 4.29 each (ρ = 4.29/30 ≈ 0.143);
    // D costs its 3 supporters 10 each (ρ = 10/30 ≈ 0.333) → A (tie with B and C goes to the older).
    // Round 2: B likewise (the seven have 5.71 left each, enough) → they keep 1.43 each.
    // Round 3: C needs 30 but the seven hold only 10 → unaffordable; D (ρ 0.333) → funded. 90 spent.
    // Completion raises everyone's budget in 1 % steps; C becomes affordable only at 12.86 each, where
    // A, B, C and D together cost 120 > 100, so the outcome stays {A, B, D}; 10 left fits nothing.
    // By votes it would have been A, B, C (90) with D skipped: the minority's project is funded.
    const created = await createBudget(server.ctx, staff, organisation, {
      ...BASE,
      maxProjects: 3,
      resultsMethod: 'equal_shares',
      phaseOverride: 'balloting',
    });
    assert.ok(created.ok);
    const h = await addHeading(server.ctx, staff, organisation, created.id, {
      name: { en: 'Whole city' },
      districtId: null,
      amount: 100,
    });
    assert.ok(h.ok);
    const ids: number[] = [];
    for (const name of ['A', 'B', 'C', 'D']) {
      const saved = await saveProject(server.ctx, staff, organisation, created.id, null, {
        headingId: h.id,
        title: { en: name },
        description: {},
        cost: 30,
        feasibility: 'feasible',
        feasibilityExplanation: {},
        status: 'selected',
      });
      assert.ok(saved.ok);
      ids.push(saved.id);
    }
    const [a, b, c, d] = ids as [number, number, number, number];
    for (let i = 0; i < 10; i++)
      assert.equal((await put(await voter(), created.id, h.id, { projects: i < 7 ? [a, b, c] : [d] })).status, 200);
    await closeVoting(created.id);
    const response = await staffClient.json(
      'POST',
      `/api/v1/budgets/${created.id}/results`,
      {},
      { 'x-csrf-token': ((await (await staffClient.get('/api/v1/me')).json()) as { csrfToken: string }).csrfToken },
    );
    assert.equal(response.status, 200);
    const results = (await response.json()) as {
      headings: Array<{ spent: number; projects: Array<{ projectId: number; funded: boolean; note: string }> }>;
    };
    const heading = results.headings[0];
    assert.ok(heading);
    assert.equal(heading.spent, 90);
    assert.deepEqual(
      heading.projects.map((p) => [p.projectId, p.funded, p.note]),
      [
        [a, true, 'equal-shares'],
        [b, true, 'equal-shares'],
        [d, true, 'equal-shares'],
        [c, false, 'not-funded'],
      ],
    );
  });

  test('Equal Shares completion raises the budget until a further project fits', () => {
    // Amount 100, two voters with 50 each: one approves X (80), the other Y (20). MES funds only Y
    // (X needs 80 from a supporter holding 50). Raising each share by 1 % steps, at 80 each both are
    // affordable and together cost exactly 100, so both are funded by the completion.
    const outcome = equalShares(
      100,
      [
        { id: 1, cost: 80, votes: 1 },
        { id: 2, cost: 20, votes: 1 },
      ],
      [
        { projectIds: [1], voters: 1 },
        { projectIds: [2], voters: 1 },
      ],
    );
    assert.deepEqual(outcome.ranking, [
      { id: 2, funded: true, note: 'equal-shares' },
      { id: 1, funded: true, note: 'equal-shares' },
    ]);
    assert.equal(outcome.spent, 100);
    const byVotes = winnersByVotes(100, [
      { id: 1, cost: 80, votes: 5 },
      { id: 2, cost: 30, votes: 4 },
      { id: 3, cost: 20, votes: 1 },
      { id: 4, cost: 5, votes: 0 },
    ]);
    assert.deepEqual(
      byVotes.ranking.map((r) => [r.id, r.note]),
      [
        [1, 'funded'],
        [2, 'does-not-fit'],
        [3, 'funded'],
        [4, 'no-votes'],
      ],
    );
  });
});

describe('pages', () => {
  test('the budget, heading, project and staff pages render', async () => {
    const s = await buildBudget();
    const anonymous = new TestClient(server.url);
    for (const path of [
      '/budgets',
      `/budgets/${s.budgetId}`,
      `/budgets/${s.budgetId}/headings/${s.city}`,
      `/budgets/${s.budgetId}/projects/${s.p.x}`,
    ]) {
      assert.equal((await anonymous.get(path)).status, 200, path);
    }
    for (const path of [
      '/admin/budgets',
      `/admin/budgets/${s.budgetId}`,
      `/admin/budgets/${s.budgetId}/projects/${s.p.a}`,
      `/admin/budgets/${s.budgetId}/projects/new`,
    ]) {
      assert.equal((await staffClient.get(path)).status, 200, path);
    }
    assert.equal((await anonymous.get('/admin/budgets')).status, 401);
  });
});
