import assert from 'node:assert/strict';
import {
  addHeading,
  createBudget,
  saveProject,
  type BudgetInput,
} from '../../src/modules/budgets/budget-admin.use-cases.ts';
import { findViewer, type Viewer } from '../../src/platform/auth/users.ts';
import type { Organisation } from '../../src/platform/organisations/organisations.ts';
import type { TestClient } from './client.ts';
import { signedInClient } from './factories.ts';
import type { TestServer } from './server.ts';

/** A city with a signed-in member of staff, for budget tests. */
export interface BudgetCity {
  server: TestServer;
  organisation: Organisation;
  staff: Viewer;
  staffClient: TestClient;
}

export async function budgetCity(server: TestServer): Promise<BudgetCity> {
  const organisation = (await server.organisations.findAll())[0];
  if (!organisation) throw new Error('no city');
  const signedIn = await signedInClient(server, { role: 'staff' });
  const staff = await findViewer(server.ctx.db, organisation.id, signedIn.user.id);
  if (!staff) throw new Error('no staff viewer');
  return { server, organisation, staff, staffClient: signedIn.client };
}

export const BUDGET: BudgetInput = {
  title: { en: 'Budget' },
  description: {},
  processId: null,
  votingRule: 'approval',
  maxProjects: 3,
  maxVotes: null,
  maxVotesPerProject: null,
  minShare: null,
  resultsMethod: 'votes',
  eligibilityLevel: 'verified',
  minAge: null,
  maxAge: null,
  districtResidentsOnly: false,
  phaseOverride: 'balloting',
};

/** A budget with one city-wide heading and feasible projects on the ballot, named by the keys of `costs`. */
export async function buildBudget<Name extends string>(
  city: BudgetCity,
  overrides: Partial<BudgetInput>,
  costs: Record<Name, number>,
  amount = 100,
): Promise<{ budgetId: number; headingId: number; p: Record<Name, number> }> {
  const { server, staff, organisation } = city;
  const created = await createBudget(server.ctx, staff, organisation, { ...BUDGET, ...overrides });
  assert.ok(created.ok, JSON.stringify(created));
  const heading = await addHeading(server.ctx, staff, organisation, created.id, {
    name: { en: 'Whole city' },
    districtId: null,
    amount,
  });
  assert.ok(heading.ok, JSON.stringify(heading));
  const p = {} as Record<Name, number>;
  for (const [name, cost] of Object.entries(costs) as Array<[Name, number]>) {
    const saved = await saveProject(server.ctx, staff, organisation, created.id, null, {
      headingId: heading.id,
      title: { en: `Project ${name}` },
      description: {},
      cost,
      feasibility: 'feasible',
      feasibilityExplanation: {},
      status: 'selected',
    });
    assert.ok(saved.ok, JSON.stringify(saved));
    p[name] = saved.id;
  }
  return { budgetId: created.id, headingId: heading.id, p };
}

export interface BudgetVoter {
  client: TestClient;
  csrf: string;
  id: number;
  password: string;
}

/** A signed-in, verified resident. */
export async function budgetVoter(city: BudgetCity): Promise<BudgetVoter> {
  const { client, user } = await signedInClient(city.server);
  await city.server.ctx.db
    .insertInto('verification_identity')
    .values({
      user_id: user.id,
      organisation_id: city.organisation.id,
      method: 'in_person',
      identity_hash: `test-${user.id}`,
      census_id: null,
      birth_year: 1990,
      district_id: null,
      verified_by: null,
    })
    .execute();
  const me = (await (await client.get('/api/v1/me')).json()) as { csrfToken: string };
  return { client, csrf: me.csrfToken, id: user.id, password: user.password };
}

/** Casts (or changes) a ballot through the API. */
export function castBallot(voter: BudgetVoter, budgetId: number, headingId: number, body: unknown) {
  return voter.client.json('PUT', `/api/v1/budgets/${budgetId}/headings/${headingId}/ballot`, body, {
    'x-csrf-token': voter.csrf,
  });
}

/** Sets the phase a budget is in, as staff do with the "current phase" setting. */
export async function setPhase(city: BudgetCity, budgetId: number, phase: BudgetInput['phaseOverride']) {
  await city.server.ctx.db
    .updateTable('budgets_budget')
    .set({ phase_override: phase })
    .where('id', '=', budgetId)
    .execute();
}

/** Erases a resident's account through the account page, as they would. */
export async function eraseAccount(voter: BudgetVoter): Promise<void> {
  const { csrf } = await voter.client.page('/account');
  const response = await voter.client.postForm('/account/delete', { _csrf: csrf, deletePassword: voter.password });
  assert.equal(response.status, 303, 'the account is deleted');
}
