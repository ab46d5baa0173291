import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createBudget } from '../../src/modules/budgets/budget-admin.use-cases.ts';
import { findViewer } from '../../src/platform/auth/users.ts';
import type { TestClient } from '../support/client.ts';
import { firstOrganisationId, signedInClient } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: TestClient;
let budgetId: number;

before(async () => {
  server = await startTestServer();
  const signedIn = await signedInClient(server, { role: 'admin' });
  admin = signedIn.client;
  const organisation = await server.organisations.findById(await firstOrganisationId(server));
  const viewer = organisation && (await findViewer(server.ctx.db, organisation.id, signedIn.user.id));
  assert.ok(organisation && viewer);
  const created = await createBudget(server.ctx, viewer, organisation, {
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
    phaseOverride: null,
  });
  assert.ok(created.ok);
  budgetId = created.id;
});
after(() => server.close());

// Found by test/platform/fuzz.test.ts on PostgreSQL: two saves at once both deleted the old phases and
// both inserted theirs, and the second failed on the primary key (500).
test('phases saved by several staff at once: each save is whole, none fails', async () => {
  const { csrf } = await admin.page(`/admin/budgets/${budgetId}`);
  const saves = await Promise.all(
    Array.from({ length: 12 }, (_, index) =>
      admin.postForm(`/admin/budgets/${budgetId}/phases`, {
        _csrf: csrf,
        submitting_start: '2026-01-01',
        submitting_end: `2026-01-${String(10 + index).padStart(2, '0')}`,
        balloting_start: '2026-03-01',
        balloting_end: '2026-03-31',
      }),
    ),
  );
  assert.deepEqual(
    saves.map((response) => response.status),
    saves.map(() => 303),
  );
  const phases = await server.ctx.db
    .selectFrom('budgets_phase')
    .select('kind')
    .where('budget_id', '=', budgetId)
    .orderBy('kind')
    .execute();
  assert.deepEqual(
    phases.map((phase) => phase.kind),
    ['balloting', 'submitting'],
  );
});
