import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { currentPhase, findBudget } from '../../src/modules/budgets/index.ts';
import { createBudget } from '../../src/modules/budgets/budget-admin.use-cases.ts';
import { LANGUAGES, type Language } from '../../src/platform/i18n/languages.ts';
import { TestClient } from '../support/client.ts';
import { findViewer } from '../../src/platform/auth/users.ts';
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

/** A day as the page of a language should write it (formatted at noon UTC, so no time zone can move it). */
function longDate(language: Language, year: number, month: number, day: number): string {
  return new Intl.DateTimeFormat(LANGUAGES[language].locale.replace('_', '-'), {
    dateStyle: 'long',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(year, month - 1, day, 12)));
}

// Issue 14: the form's end date was stored as the moment the phase closed (midnight UTC), and pages
// showed that day, one day after the last day of voting.
test('a phase given as 1 to 31 March is open through 31 March in the city and reads 1 – 31 March in every language', async () => {
  const { csrf } = await admin.page(`/admin/budgets/${budgetId}`);
  const saved = await admin.postForm(`/admin/budgets/${budgetId}/phases`, {
    _csrf: csrf,
    submitting_start: '2026-01-01',
    submitting_end: '2026-01-31',
    balloting_start: '2026-03-01',
    balloting_end: '2026-03-31',
  });
  assert.equal(saved.status, 303);
  const organisation = await server.organisations.findById(await firstOrganisationId(server));
  assert.ok(organisation);
  assert.equal(organisation.timeZone, 'Europe/Brussels');
  const budget = await findBudget(server.ctx.db, organisation.id, budgetId);
  assert.ok(budget);
  const balloting = budget.phases.find((p) => p.kind === 'balloting');
  // Brussels is UTC+1 on 1 March and UTC+2 from 29 March (summer time).
  assert.deepEqual(
    [balloting?.startsAt.toISOString(), balloting?.endsAt?.toISOString()],
    ['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z'],
  );
  assert.equal(
    currentPhase(budget, new Date('2026-03-31T21:59:00Z')),
    'balloting',
    'open late on 31 March in the city',
  );
  assert.equal(currentPhase(budget, new Date('2026-03-31T22:00:00Z')), null, 'closed when 1 April starts there');

  for (const language of Object.keys(LANGUAGES) as Language[]) {
    const page = await (await new TestClient(server.url).get(`/budgets/${budgetId}?lang=${language}`)).text();
    for (const [from, to] of [
      [longDate(language, 2026, 1, 1), longDate(language, 2026, 1, 31)],
      [longDate(language, 2026, 3, 1), longDate(language, 2026, 3, 31)],
    ])
      assert.ok(page.includes(`${from} – ${to}`), `${language}: the page reads “${from} – ${to}”`);
  }

  const form = await admin.page(`/admin/budgets/${budgetId}`);
  const input = (name: string) => new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(form.html)?.[0] ?? '';
  assert.match(input('balloting_start'), /value="2026-03-01"/);
  assert.match(input('balloting_end'), /value="2026-03-31"/);
  assert.match(form.html, /Last day/);
});
