import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  addHeading,
  createBudget,
  saveProject,
  type BudgetInput,
} from '../../src/modules/budgets/budget-admin.use-cases.ts';
import type { PhaseSetting } from '../../src/modules/budgets/budgets.schema.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import type { TestClient } from '../support/client.ts';
import { signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * A budget for an age group, at the e-mail level, asks a resident who has not said their year of
 * birth for it — proposing, supporting and voting alike, through the API and on the pages with a link
 * to the account's form — rather than answering that their age does not allow them to take part.
 */

let server: TestServer;
let organisation: Organisation;
let staff: Viewer;

const BASE: BudgetInput = {
  title: { en: 'Youth budget' },
  description: {},
  processId: null,
  votingRule: 'approval',
  maxProjects: 3,
  maxVotes: null,
  maxVotesPerProject: null,
  minShare: null,
  resultsMethod: 'votes',
  eligibilityLevel: 'email',
  minAge: 16,
  maxAge: 30,
  districtResidentsOnly: false,
  phaseOverride: 'submitting',
};

before(async () => {
  server = await startTestServer({ adjust: (config) => (config.rateLimits.signIn.limit = 10_000) });
  const first = (await server.organisations.findAll())[0];
  if (!first) throw new Error('no city');
  organisation = first;
  const signedIn = await signedInClient(server, { role: 'staff' });
  const viewer = await findViewer(server.ctx.db, organisation.id, signedIn.user.id);
  if (!viewer) throw new Error('no staff viewer');
  staff = viewer;
});
after(() => server.close());

/** A budget with one city-wide heading and one project on the ballot (selected, feasible). */
async function buildBudget(overrides: Partial<BudgetInput> = {}) {
  const created = await createBudget(server.ctx, staff, organisation, { ...BASE, ...overrides });
  assert.ok(created.ok, JSON.stringify(created));
  const heading = await addHeading(server.ctx, staff, organisation, created.id, {
    name: { en: 'Whole city' },
    districtId: null,
    amount: 1000,
  });
  assert.ok(heading.ok, JSON.stringify(heading));
  const project = await saveProject(server.ctx, staff, organisation, created.id, null, {
    headingId: heading.id,
    title: { en: 'A skate park' },
    description: {},
    cost: 300,
    feasibility: 'feasible',
    feasibilityExplanation: {},
    status: 'selected',
  });
  assert.ok(project.ok, JSON.stringify(project));
  return { budgetId: created.id, headingId: heading.id, projectId: project.id };
}

async function setPhase(budgetId: number, phase: PhaseSetting) {
  await server.ctx.db.updateTable('budgets_budget').set({ phase_override: phase }).where('id', '=', budgetId).execute();
}

interface Resident {
  client: TestClient;
  csrf: string;
}

/** A signed-in resident with a confirmed address, not verified, who has not said their year of birth. */
async function resident(): Promise<Resident> {
  const { client } = await signedInClient(server);
  const me = (await (await client.get('/api/v1/me')).json()) as { csrfToken: string };
  return { client, csrf: me.csrfToken };
}

async function refusal(response: Response): Promise<{ status: number; code: string }> {
  const body = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code ?? '' };
}

function propose(r: Resident, budgetId: number, headingId: number) {
  return r.client.json(
    'POST',
    `/api/v1/budgets/${budgetId}/projects`,
    { headingId, title: 'A place to skate', description: 'Ramps and rails near the river.', cost: 200 },
    { 'x-csrf-token': r.csrf },
  );
}

function support(r: Resident, budgetId: number, projectId: number) {
  return r.client.request('PUT', `/api/v1/budgets/${budgetId}/projects/${projectId}/support`, {
    headers: { 'x-csrf-token': r.csrf },
  });
}

function vote(r: Resident, budgetId: number, headingId: number, projectId: number) {
  return r.client.json(
    'PUT',
    `/api/v1/budgets/${budgetId}/headings/${headingId}/ballot`,
    { projects: [projectId] },
    { 'x-csrf-token': r.csrf },
  );
}

function declare(r: Resident, birthYear: number) {
  return r.client.json('PUT', '/api/v1/me/birth-year', { birthYear }, { 'x-csrf-token': r.csrf });
}

/** The notice on a page: the sentence and the link to the account's year-of-birth form, back to the page. */
function assertAsksForYear(html: string, sentence: string, page: string) {
  assert.ok(html.includes(sentence), `the page says: ${sentence}`);
  const link = new RegExp(
    `href="/account\\?next=${encodeURIComponent(page).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}#birth-year">Tell us your year of birth</a>`,
  );
  assert.match(html, link);
}

describe('a budget for an age group asks for the year of birth it is missing', () => {
  test('proposing, supporting and voting, by the API and on the pages; once given, the resident takes part', async () => {
    const s = await buildBudget();
    const r = await resident();

    assert.deepEqual(await refusal(await propose(r, s.budgetId, s.headingId)), {
      status: 403,
      code: 'BUDGET_BIRTH_YEAR_MISSING',
    });
    const newPage = `/budgets/${s.budgetId}/projects/new`;
    assertAsksForYear(
      (await r.client.page(newPage)).html,
      'This budget is for an age group: tell us your year of birth to take part.',
      newPage,
    );

    await setPhase(s.budgetId, 'supporting');
    assert.deepEqual(await refusal(await support(r, s.budgetId, s.projectId)), {
      status: 403,
      code: 'BUDGET_BIRTH_YEAR_MISSING',
    });
    const projectPage = `/budgets/${s.budgetId}/projects/${s.projectId}`;
    assertAsksForYear(
      (await r.client.page(projectPage)).html,
      'This budget is for an age group: tell us your year of birth to take part.',
      projectPage,
    );

    await setPhase(s.budgetId, 'balloting');
    assert.deepEqual(await refusal(await vote(r, s.budgetId, s.headingId, s.projectId)), {
      status: 403,
      code: 'BALLOT_BIRTH_YEAR_MISSING',
    });
    const ballotPage = `/budgets/${s.budgetId}/headings/${s.headingId}`;
    const ballot = await r.client.page(ballotPage);
    assertAsksForYear(ballot.html, 'This budget is for an age group: tell us your year of birth to vote.', ballotPage);
    // in the resident's language too
    const german = await r.client.get(`${ballotPage}?lang=de`);
    assert.match(await german.text(), /Geben Sie Ihr Geburtsjahr an, um abzustimmen\./);

    // the link leads to the form, which sends the resident back to the ballot
    const account = await r.client.page(`/account?next=${encodeURIComponent(ballotPage)}`);
    assert.equal(account.response.status, 200);
    assert.match(account.html, /id="birth-year"/);
    const saved = await r.client.postForm('/account/birth-year', {
      _csrf: account.csrf,
      birthYear: String(new Date().getUTCFullYear() - 20),
      next: ballotPage,
    });
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get('location'), ballotPage);
    const voted = await vote(r, s.budgetId, s.headingId, s.projectId);
    assert.ok(voted.status < 300, `the ballot is stored (${voted.status})`);
  });

  test('a declared year outside the range is still refused for age; a verified rule still asks to verify', async () => {
    const s = await buildBudget({ phaseOverride: 'balloting' });
    const older = await resident();
    assert.equal((await declare(older, new Date().getUTCFullYear() - 50)).status, 200);
    assert.deepEqual(await refusal(await vote(older, s.budgetId, s.headingId, s.projectId)), {
      status: 403,
      code: 'BALLOT_AGE_NOT_ELIGIBLE',
    });

    const verifiedOnly = await buildBudget({ eligibilityLevel: 'verified' });
    const unverified = await resident();
    assert.deepEqual(await refusal(await propose(unverified, verifiedOnly.budgetId, verifiedOnly.headingId)), {
      status: 403,
      code: 'BUDGET_NOT_VERIFIED',
    });
    const page = (await unverified.client.page(`/budgets/${verifiedOnly.budgetId}/projects/new`)).html;
    assert.match(page, /href="\/account\/verification\?next=[^"]*">Verify your account<\/a>/);
  });

  test("a budget of a process for an age group asks for the year the process's rule needs", async () => {
    const process = await server.ctx.db
      .insertInto('participation_process')
      .values({
        organisation_id: organisation.id,
        slug: `teens-${Date.now()}`,
        title: JSON.stringify({ en: 'Teens' }),
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
    const s = await buildBudget({ processId: process.id, minAge: null, maxAge: null });
    const r = await resident();
    assert.deepEqual(await refusal(await propose(r, s.budgetId, s.headingId)), {
      status: 403,
      code: 'BUDGET_BIRTH_YEAR_MISSING',
    });
    assert.equal((await declare(r, new Date().getUTCFullYear() - 16)).status, 200);
    assert.equal((await propose(r, s.budgetId, s.headingId)).status, 201);
  });
});
