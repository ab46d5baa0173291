import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addHeading, createBudget, type BudgetInput } from '../../src/modules/budgets/budget-admin.use-cases.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import type { PhaseSetting } from '../../src/modules/budgets/budgets.schema.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Residents' projects in a participatory budget, through real HTTP: proposing in and outside the
 * submitting phase, eligibility, supports (one per resident and project even under racing requests,
 * withdrawable, limited per heading), staff pre-selection and review, and what reaches the ballot.
 */

let server: TestServer;
let organisation: Organisation;
let staff: Viewer;
let staffClient: TestClient;
const districts: number[] = [];

const BASE: BudgetInput = {
  title: { en: 'Projects budget' },
  description: {},
  processId: null,
  votingRule: 'approval',
  maxProjects: 3,
  maxVotes: null,
  maxVotesPerProject: null,
  minShare: null,
  resultsMethod: 'votes',
  eligibilityLevel: 'verified',
  minAge: 14,
  maxAge: null,
  districtResidentsOnly: false,
  phaseOverride: 'submitting',
};

interface Setup {
  budgetId: number;
  city: number;
  north: number;
  south: number;
}

/** A budget with a city-wide heading (amount 1000) and two district headings (amount 500). */
async function buildBudget(overrides: Partial<BudgetInput> = {}): Promise<Setup> {
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
  return {
    budgetId: created.id,
    city: await heading(null, 1000),
    north: await heading(districts[0] as number, 500),
    south: await heading(districts[1] as number, 500),
  };
}

async function setPhase(budgetId: number, phase: PhaseSetting | null) {
  await server.ctx.db.updateTable('budgets_budget').set({ phase_override: phase }).where('id', '=', budgetId).execute();
}

interface Resident {
  client: TestClient;
  csrf: string;
  id: number;
}

/** A signed-in resident, verified in the first district unless `verified` is false. */
async function resident(
  options: { verified?: boolean; birthYear?: number; district?: number } = {},
): Promise<Resident> {
  const { client, user } = await signedInClient(server);
  if (options.verified !== false) {
    await server.ctx.db
      .insertInto('verification_identity')
      .values({
        user_id: user.id,
        organisation_id: organisation.id,
        method: 'in_person',
        identity_hash: `projects-${user.id}`,
        census_id: null,
        birth_year: options.birthYear ?? 1990,
        district_id: options.district ?? districts[0] ?? null,
        verified_by: null,
      })
      .execute();
  }
  const me = (await (await client.get('/api/v1/me')).json()) as { csrfToken: string };
  return { client, csrf: me.csrfToken, id: user.id };
}

function propose(r: Resident, budgetId: number, body: Record<string, unknown>) {
  return r.client.json(
    'POST',
    `/api/v1/budgets/${budgetId}/projects`,
    { title: 'A new playground', description: 'Swings and slides for the little ones.', cost: 200, ...body },
    { 'x-csrf-token': r.csrf },
  );
}

function support(r: Resident, budgetId: number, projectId: number, method: 'PUT' | 'DELETE' = 'PUT') {
  return r.client.request(method, `/api/v1/budgets/${budgetId}/projects/${projectId}/support`, {
    headers: { 'x-csrf-token': r.csrf },
  });
}

/** A resident's project stored directly (for setting up supports and reviews). */
async function storedProject(
  budgetId: number,
  headingId: number,
  title: string,
  authorId: number | null = null,
): Promise<number> {
  const row = await server.ctx.db
    .insertInto('budgets_project')
    .values({
      organisation_id: organisation.id,
      budget_id: budgetId,
      heading_id: headingId,
      title: JSON.stringify({ en: title }),
      description: JSON.stringify({ en: `${title}, described.` }),
      cost: 100,
      proposed_cost: 100,
      author_id: authorId,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function projectsOf(budgetId: number) {
  return server.ctx.db
    .selectFrom('budgets_project')
    .select(['id', 'author_id', 'title', 'cost', 'proposed_cost', 'status', 'lat', 'lng', 'show_author'])
    .where('budget_id', '=', budgetId)
    .orderBy('id')
    .execute();
}

async function supportRows(projectId: number) {
  return server.ctx.db.selectFrom('budgets_support').select(['user_id']).where('project_id', '=', projectId).execute();
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
  for (const [code, x] of [
    ['north', 0],
    ['south', 1],
  ] as const) {
    const square = JSON.stringify({
      type: 'Polygon',
      coordinates: [
        [
          [x, 0],
          [x + 1, 0],
          [x + 1, 1],
          [x, 1],
          [x, 0],
        ],
      ],
    });
    const row = await server.ctx.db
      .insertInto('places_district')
      .values({
        organisation_id: organisation.id,
        kind: 'district',
        code: `p-${code}`,
        parent_id: null,
        name: JSON.stringify({ en: code }),
        geometry: square,
        min_lng: x,
        min_lat: 0,
        max_lng: x + 1,
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

describe('proposing a project', () => {
  test('in the submitting phase, by the API and by the form without JavaScript', async () => {
    const s = await buildBudget();
    const r = await resident();
    const response = await propose(r, s.budgetId, {
      headingId: s.north,
      place: { lat: 0.5, lng: 0.5 },
      showAuthor: true,
    });
    assert.equal(response.status, 201);
    const created = (await response.json()) as {
      id: number;
      status: string;
      cost: number;
      estimatedCost: number;
      author: string;
      place: unknown;
      supports: number;
    };
    assert.deepEqual(
      [created.status, created.cost, created.estimatedCost, created.supports],
      ['proposed', 200, 200, 0],
    );
    assert.deepEqual(created.place, { lat: 0.5, lng: 0.5 });
    assert.ok(created.author.length > 0, 'the author chose to show their name');
    const [stored] = await projectsOf(s.budgetId);
    assert.ok(stored);
    assert.deepEqual([stored.author_id, stored.status], [r.id, 'submitted']);

    const { csrf } = await r.client.page(`/budgets/${s.budgetId}/projects/new`);
    const form = await r.client.postForm(`/budgets/${s.budgetId}/projects`, {
      _csrf: csrf,
      headingId: String(s.city),
      title: 'Benches on the square',
      description: 'Ten benches around the fountain.',
      cost: '300',
      lat: '',
      lng: '',
    });
    assert.equal(form.status, 303);
    const location = form.headers.get('location') ?? '';
    assert.match(location, new RegExp(`^/budgets/${s.budgetId}/projects/\\d+$`));
    const page = await new TestClient(server.url).get(location);
    assert.equal(page.status, 200);
    const text = await page.text();
    assert.match(text, /Benches on the square/);
    assert.doesNotMatch(text, /Person \d+/, 'an author who did not choose to show their name stays unnamed');
    assert.equal((await projectsOf(s.budgetId)).length, 2);
  });

  test('outside the submitting phase, with an invalid cost or an unknown heading, nothing is stored', async () => {
    const s = await buildBudget({ phaseOverride: 'supporting' });
    const other = await buildBudget();
    const r = await resident();
    await expectRefused(await propose(r, s.budgetId, { headingId: s.city }), 409, 'BUDGET_PROPOSING_CLOSED');
    await setPhase(s.budgetId, 'submitting');
    await expectRefused(
      await propose(r, s.budgetId, { headingId: s.north, cost: 501 }),
      422,
      'BUDGET_PROJECT_INVALID_COST',
    );
    await expectRefused(
      await propose(r, s.budgetId, { headingId: s.city, cost: 0 }),
      422,
      'BUDGET_PROJECT_INVALID_COST',
    );
    await expectRefused(await propose(r, s.budgetId, { headingId: other.city }), 422, 'BUDGET_PROJECT_UNKNOWN_HEADING');
    await expectRefused(
      await propose(r, s.budgetId, { headingId: s.north, place: { lat: 0.5, lng: 1.5 } }),
      400,
      'BUDGET_PROJECT_INVALID',
    );
    await setPhase(s.budgetId, null);
    await expectRefused(await propose(r, s.budgetId, { headingId: s.city }), 409, 'BUDGET_PROPOSING_CLOSED');
    assert.equal((await projectsOf(s.budgetId)).length, 0);

    const { csrf } = await r.client.page(`/budgets/${other.budgetId}/projects/new`);
    await setPhase(other.budgetId, 'review');
    const form = await r.client.postForm(`/budgets/${other.budgetId}/projects`, {
      _csrf: csrf,
      headingId: String(other.city),
      title: 'Too late',
      description: 'Proposed after the phase.',
      cost: '100',
    });
    assert.equal(form.status, 409);
    assert.equal((await projectsOf(other.budgetId)).length, 0);
  });

  test('an ineligible resident is refused and nothing is stored', async () => {
    const s = await buildBudget({ districtResidentsOnly: true });
    await expectRefused(
      await propose(await resident({ verified: false }), s.budgetId, { headingId: s.city }),
      403,
      'BUDGET_NOT_VERIFIED',
    );
    await expectRefused(
      await propose(await resident({ birthYear: new Date().getUTCFullYear() - 10 }), s.budgetId, { headingId: s.city }),
      403,
      'BUDGET_AGE_NOT_ELIGIBLE',
    );
    await expectRefused(
      await propose(await resident({ district: districts[0] }), s.budgetId, { headingId: s.south }),
      403,
      'BUDGET_DISTRICT_NOT_ELIGIBLE',
    );
    const anonymous = new TestClient(server.url);
    const { csrf } = await anonymous.page('/budgets');
    await expectRefused(
      await anonymous.json(
        'POST',
        `/api/v1/budgets/${s.budgetId}/projects`,
        { headingId: s.city, title: 'Anonymous idea', description: 'From nobody in particular.', cost: 10 },
        { 'x-csrf-token': csrf },
      ),
      401,
      'AUTHENTICATION_REQUIRED',
    );

    // A budget that belongs to a participatory process also asks that process's eligibility.
    const process = await server.ctx.db
      .insertInto('participation_process')
      .values({
        organisation_id: organisation.id,
        slug: `youth-${s.budgetId}`,
        title: JSON.stringify({ en: 'Youth' }),
        description: JSON.stringify({}),
        district_ids: [],
        eligibility_level: 'email',
        min_age: 14,
        max_age: 18,
        residents_only: false,
        support_threshold: 5,
        support_days: 30,
        answer_days: 30,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const linked = await buildBudget({ processId: process.id });
    const adult = await resident({ birthYear: 1980 });
    await expectRefused(
      await propose(adult, linked.budgetId, { headingId: linked.city }),
      403,
      'BUDGET_AGE_NOT_ELIGIBLE',
    );
    assert.equal((await projectsOf(s.budgetId)).length + (await projectsOf(linked.budgetId)).length, 0);
    const teenager = await resident({ birthYear: new Date().getUTCFullYear() - 16 });
    assert.equal((await propose(teenager, linked.budgetId, { headingId: linked.city })).status, 201);
  });

  test('the author edits and withdraws while the phase is open; nobody else can', async () => {
    const s = await buildBudget();
    const author = await resident();
    const created = (await (await propose(author, s.budgetId, { headingId: s.city })).json()) as { id: number };
    const other = await resident();
    const page = await other.client.page(`/budgets/${s.budgetId}/projects/${created.id}`);
    assert.doesNotMatch(page.html, /\/edit"/, 'no edit link for someone else');
    const foreign = await other.client.postForm(`/budgets/${s.budgetId}/projects/${created.id}/edit`, {
      _csrf: page.csrf,
      headingId: String(s.city),
      title: 'Hijacked title',
      description: 'Changed by someone else.',
      cost: '10',
    });
    assert.equal(foreign.status, 403);

    const { csrf } = await author.client.page(`/budgets/${s.budgetId}/projects/${created.id}/edit`);
    const edited = await author.client.postForm(`/budgets/${s.budgetId}/projects/${created.id}/edit`, {
      _csrf: csrf,
      headingId: String(s.south),
      title: 'A bigger playground',
      description: 'Swings, slides and a sandpit.',
      cost: '450',
    });
    assert.equal(edited.status, 303);
    const [row] = await projectsOf(s.budgetId);
    assert.deepEqual([row?.title, row?.cost, row?.proposed_cost], [{ en: 'A bigger playground' }, 450, 450]);

    await setPhase(s.budgetId, 'supporting');
    const late = await author.client.postForm(`/budgets/${s.budgetId}/projects/${created.id}/withdraw`, {
      _csrf: csrf,
    });
    assert.equal(late.status, 409);
    await setPhase(s.budgetId, 'submitting');
    const withdrawn = await author.client.postForm(`/budgets/${s.budgetId}/projects/${created.id}/withdraw`, {
      _csrf: csrf,
    });
    assert.equal(withdrawn.status, 303);
    assert.equal((await projectsOf(s.budgetId))[0]?.status, 'withdrawn');
    assert.equal((await new TestClient(server.url).get(`/budgets/${s.budgetId}/projects/${created.id}`)).status, 404);
  });
});

describe('supports', () => {
  test('twenty identical supports at once leave one row; it can be withdrawn until the phase ends', async () => {
    const s = await buildBudget({ phaseOverride: 'supporting' });
    const project = await storedProject(s.budgetId, s.city, 'Trees on the avenue');
    const r = await resident();
    const responses = await Promise.all(Array.from({ length: 20 }, () => support(r, s.budgetId, project)));
    assert.deepEqual([...new Set(responses.map((x) => x.status))], [200]);
    assert.equal((await supportRows(project)).length, 1);
    const state = (await (await support(r, s.budgetId, project)).json()) as { supported: boolean; supports: number };
    assert.deepEqual(state, { projectId: project, supported: true, supports: 1 });

    const withdrawn = (await (await support(r, s.budgetId, project, 'DELETE')).json()) as {
      supported: boolean;
      supports: number;
    };
    assert.deepEqual([withdrawn.supported, withdrawn.supports], [false, 0]);
    assert.equal((await supportRows(project)).length, 0);
    assert.equal((await support(r, s.budgetId, project, 'DELETE')).status, 200, 'withdrawing twice changes nothing');

    assert.equal((await support(r, s.budgetId, project)).status, 200);
    await setPhase(s.budgetId, 'review');
    await expectRefused(await support(r, s.budgetId, project, 'DELETE'), 409, 'BUDGET_SUPPORTING_CLOSED');
    const other = await resident();
    await expectRefused(await support(other, s.budgetId, project), 409, 'BUDGET_SUPPORTING_CLOSED');
    assert.deepEqual(
      (await supportRows(project)).map((row) => row.user_id),
      [r.id],
      'the support stays after the phase',
    );
  });

  test('ineligible residents cannot support, and the per-heading limit holds under racing requests', async () => {
    const s = await buildBudget({ phaseOverride: 'supporting', maxSupportsPerHeading: 2 });
    const projects = await Promise.all(
      ['One', 'Two', 'Three', 'Four'].map((title) => storedProject(s.budgetId, s.city, title)),
    );
    const north = await storedProject(s.budgetId, s.north, 'Northern idea');
    const unverified = await resident({ verified: false });
    await expectRefused(await support(unverified, s.budgetId, projects[0] as number), 403, 'BUDGET_NOT_VERIFIED');
    assert.equal((await supportRows(projects[0] as number)).length, 0);

    const r = await resident();
    const responses = await Promise.all(projects.map((id) => support(r, s.budgetId, id)));
    const codes = await Promise.all(
      responses.map(async (x) =>
        x.status === 200 ? 'ok' : ((await x.json()) as { error: { code: string } }).error.code,
      ),
    );
    assert.deepEqual(codes.filter((c) => c === 'ok').length, 2, codes.join());
    assert.ok(
      codes.every((c) => c === 'ok' || c === 'BUDGET_SUPPORT_LIMIT'),
      codes.join(),
    );
    const rows = await server.ctx.db
      .selectFrom('budgets_support')
      .select('project_id')
      .where('user_id', '=', r.id)
      .execute();
    assert.equal(rows.length, 2);
    assert.equal((await support(r, s.budgetId, north)).status, 200, 'another heading has its own limit');
  });

  test('the support form works without JavaScript and counts are shown', async () => {
    const s = await buildBudget({ phaseOverride: 'supporting' });
    const project = await storedProject(s.budgetId, s.city, 'Library on Sundays');
    const r = await resident();
    const before = await r.client.page(`/budgets/${s.budgetId}/projects/${project}`);
    assert.match(before.html, new RegExp(`action="/budgets/${s.budgetId}/projects/${project}/support"`));
    const added = await r.client.postForm(`/budgets/${s.budgetId}/projects/${project}/support`, { _csrf: before.csrf });
    assert.equal(added.status, 303);
    const after = await r.client.page(`/budgets/${s.budgetId}/projects/${project}`);
    assert.match(after.html, new RegExp(`action="/budgets/${s.budgetId}/projects/${project}/support/withdraw"`));
    assert.match(after.html, /\b1 support\b(?!s)/);
    const list = await new TestClient(server.url).get(`/budgets/${s.budgetId}?sort=supports`);
    assert.match(await list.text(), /\b1 support\b(?!s)/);
    const removed = await r.client.postForm(`/budgets/${s.budgetId}/projects/${project}/support/withdraw`, {
      _csrf: after.csrf,
    });
    assert.equal(removed.status, 303);
    assert.equal((await supportRows(project)).length, 0);
  });
});

describe('pre-selection, review and the ballot', () => {
  test('staff pre-select by supports and record feasibility; unfeasible and unselected projects are not on the ballot', async () => {
    const s = await buildBudget({ phaseOverride: 'supporting' });
    const popular = await storedProject(s.budgetId, s.city, 'Popular park');
    const feasibleLater = await storedProject(s.budgetId, s.city, 'Costly tower');
    const unpopular = await storedProject(s.budgetId, s.city, 'Quiet corner');
    for (const [projectId, count] of [
      [popular, 3],
      [feasibleLater, 2],
      [unpopular, 0],
    ] as const) {
      for (let i = 0; i < count; i++)
        assert.equal((await support(await resident(), s.budgetId, projectId)).status, 200);
    }
    await setPhase(s.budgetId, 'review');
    const page = await staffClient.page(`/admin/budgets/${s.budgetId}/preselection`);
    assert.equal(page.response.status, 200);
    assert.ok(
      page.html.indexOf('Popular park') < page.html.indexOf('Costly tower') &&
        page.html.indexOf('Costly tower') < page.html.indexOf('Quiet corner'),
      'sorted by supports',
    );
    const saved = await staffClient.request('POST', `/admin/budgets/${s.budgetId}/preselection`, {
      body: new URLSearchParams([
        ['_csrf', page.csrf],
        ['selected', String(popular)],
        ['selected', String(feasibleLater)],
      ]).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(saved.status, 303);
    assert.deepEqual(
      (await projectsOf(s.budgetId)).map((p) => p.status),
      ['selected', 'selected', 'rejected'],
    );

    const review = async (projectId: number, feasibility: string, explanation: string) => {
      const form = await staffClient.page(`/admin/budgets/${s.budgetId}/projects/${projectId}`);
      return staffClient.postForm(`/admin/budgets/${s.budgetId}/projects/${projectId}`, {
        _csrf: form.csrf,
        headingId: String(s.city),
        title_en: 'Reviewed',
        description_en: '',
        cost: '120',
        feasibility,
        explanation_en: explanation,
        status: 'selected',
      });
    };
    assert.equal(
      (await review(feasibleLater, 'unfeasible', '')).status,
      400,
      'an unfeasible project needs an explanation',
    );
    assert.equal((await review(popular, 'feasible', '')).status, 303);
    assert.equal((await review(feasibleLater, 'unfeasible', 'The site is a protected meadow.')).status, 303);
    const rows = await projectsOf(s.budgetId);
    assert.deepEqual(
      [rows[0]?.cost, rows[0]?.proposed_cost],
      [120, 100],
      'staff corrected the cost; the estimate stays',
    );

    const publicPage = await (
      await new TestClient(server.url).get(`/budgets/${s.budgetId}/projects/${feasibleLater}`)
    ).text();
    assert.match(publicPage, /Not feasible/);
    assert.match(publicPage, /protected meadow/);
    assert.match(publicPage, /<section id="comments"/, 'the project page carries its comment thread');

    await setPhase(s.budgetId, 'balloting');
    const voter = await resident();
    const ballot = (projects: number[]) =>
      voter.client.json(
        'PUT',
        `/api/v1/budgets/${s.budgetId}/headings/${s.city}/ballot`,
        { projects },
        { 'x-csrf-token': voter.csrf },
      );
    await expectRefused(await ballot([feasibleLater]), 422, 'BALLOT_PROJECT_NOT_ON_BALLOT');
    await expectRefused(await ballot([unpopular]), 422, 'BALLOT_PROJECT_NOT_ON_BALLOT');
    assert.equal((await ballot([popular])).status, 200);
    const heading = await voter.client.page(`/budgets/${s.budgetId}/headings/${s.city}`);
    assert.match(heading.html, new RegExp(`name="projects" value="${popular}"`));
    assert.doesNotMatch(heading.html, new RegExp(`name="projects" value="(${feasibleLater}|${unpopular})"`));
    const listed = (await (
      await new TestClient(server.url).get(`/api/v1/budgets/${s.budgetId}/projects?sort=supports`)
    ).json()) as Array<{ id: number; status: string; supports: number }>;
    assert.deepEqual(
      listed.map((p) => [p.id, p.status, p.supports]),
      [
        [popular, 'on_ballot', 3],
        [feasibleLater, 'unfeasible', 2],
        [unpopular, 'not_selected', 0],
      ],
    );
  });

  test('the pre-selection is locked once voting starts', async () => {
    const s = await buildBudget({ phaseOverride: 'balloting' });
    const project = await storedProject(s.budgetId, s.city, 'Late change');
    const { csrf } = await staffClient.page(`/admin/budgets/${s.budgetId}/preselection`);
    const response = await staffClient.postForm(`/admin/budgets/${s.budgetId}/preselection`, {
      _csrf: csrf,
      selected: String(project),
    });
    assert.equal(response.status, 409);
    assert.equal((await projectsOf(s.budgetId))[0]?.status, 'submitted');
    const resident_ = await resident();
    const { csrf: residentCsrf } = await resident_.client.page('/budgets');
    assert.equal(
      (await resident_.client.postForm(`/admin/budgets/${s.budgetId}/preselection`, { _csrf: residentCsrf })).status,
      403,
    );
  });
});

describe('pages', () => {
  test('the budget page lists projects with filters and a stable random order', async () => {
    const s = await buildBudget({ phaseOverride: 'supporting' });
    for (const title of ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot'])
      await storedProject(s.budgetId, title === 'Echo' ? s.north : s.city, `Project ${title}`);
    const anonymous = new TestClient(server.url);
    const order = async (query: string) =>
      [...(await (await anonymous.get(`/budgets/${s.budgetId}${query}`)).text()).matchAll(/>Project (\w+)</g)].map(
        (m) => m[1],
      );
    const first = await order('?sort=random&seed=42');
    assert.equal(first.length, 6);
    assert.deepEqual(await order('?sort=random&seed=42'), first, 'the same seed gives the same order');
    assert.deepEqual(await order(`?heading=${s.north}`), ['Echo']);
    assert.deepEqual(await order('?sort=newest'), ['Foxtrot', 'Echo', 'Delta', 'Charlie', 'Bravo', 'Alpha']);
    for (const path of [`/budgets/${s.budgetId}/projects/new`, `/admin/budgets/${s.budgetId}/preselection`])
      assert.equal((await (path.startsWith('/admin') ? staffClient : anonymous).get(path)).status, 200, path);
    assert.equal((await anonymous.get(`/budgets/${s.budgetId}/projects/999999`)).status, 404);
  });
});
