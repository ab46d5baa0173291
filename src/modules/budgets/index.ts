import type { ModuleManifest } from '../../platform/module.ts';
import { budgetProjectDiscussion } from './budgets.discussion.ts';
import { processBudgetsSection } from './pages/process-section.ts';
import * as budgetsMigration from './migrations/20261123_0410_budgets.ts';
import * as residentProjectsMigration from './migrations/20261123_0430_budgets_resident_projects.ts';
import * as versionMigration from './migrations/20261123_0440_budgets_version.ts';
import * as outliveAccountsMigration from './migrations/20261216_0931_budgets_ballots_outlive_accounts.ts';
import * as resultsSnapshotMigration from './migrations/20261216_0932_budgets_results_snapshot.ts';
import * as phaseDaysMigration from './migrations/20261216_0933_budgets_phase_days.ts';
import { registerBudgetsApi } from './budgets.api.ts';
import { seedBudgets } from './budgets.demo.ts';
import { budgetErrors } from './budgets.errors.ts';
import { budgetEvents } from './budgets.events.ts';
import { renderBudgetsHomeSection } from './budgets.home.ts';
import { registerProjectsApi } from './projects.api.ts';
import { projectErrors } from './projects.errors.ts';
import { budgetsAndProjectsPersonalData } from './projects.personal-data.ts';
import { registerAdminPages } from './pages/admin.pages.ts';
import { registerPublicPages } from './pages/public.pages.ts';
import { registerBudgetAssets } from './pages/shared.ts';

export { castBallot, readOwnBallot, withdrawBallot, type BallotView, type BallotOutcome } from './ballot.use-cases.ts';
export { currentPhase, checkBallot } from './ballot-rules.ts';
export {
  equalShares,
  winnersByVotes,
  type BallotGroup,
  type CandidateProject,
  type HeadingOutcome,
} from './results.ts';
export {
  budgetsModified,
  pagePublicBudgets,
  pagePublicMilestones,
  pagePublicProjects,
  pagePublishedResults,
} from './open-data.repository.ts';
import type catalogue from './locales/en.json';
export { ballotsPerProcessBetween } from './insights.repository.ts';
export { computeResults, publishResults } from './results.use-cases.ts';
export { findBudget, findBudgets, findHeadings, findProjects } from './budgets.repository.ts';

/**
 * Participatory budgets: headings with their amounts, projects reviewed by staff, phases, ballots under
 * one of three voting rules, results by votes or by the Method of Equal Shares, and the follow-up of
 * funded projects. Ballots are private; only counts are published.
 */
export const budgetsModule: ModuleManifest = {
  name: 'budgets',
  apiTags: [
    {
      name: 'budgets',
      description:
        'Participatory budgets: phases, headings, projects and their supports, the voter’s own ballot, and published results.',
    },
  ],
  locales: new URL('./locales/', import.meta.url),
  errors: [budgetErrors, projectErrors],
  events: budgetEvents,
  migrations: {
    '20261123_0410_budgets': budgetsMigration,
    '20261123_0430_budgets_resident_projects': residentProjectsMigration,
    '20261123_0440_budgets_version': versionMigration,
    '20261216_0931_budgets_ballots_outlive_accounts': outliveAccountsMigration,
    '20261216_0932_budgets_results_snapshot': resultsSnapshotMigration,
    '20261216_0933_budgets_phase_days': phaseDaysMigration,
  },
  routes(app, ctx) {
    registerBudgetAssets(app);
    registerPublicPages(app, ctx);
    registerAdminPages(app, ctx);
    registerBudgetsApi(app, ctx);
    registerProjectsApi(app, ctx);
  },
  navigation: [{ href: '/budgets', label: 'budgets.nav' }],
  adminNavigation: [{ href: '/admin/budgets', label: 'budgets.admin.title', roles: ['staff'] }],
  homeSections: [{ order: 20, render: renderBudgetsHomeSection }],
  discussedSubjects: [budgetProjectDiscussion],
  subjectSections: [processBudgetsSection],
  personalData: budgetsAndProjectsPersonalData,
  // After participation (35): the budget being voted on belongs to one of its processes.
  demo: { order: 40, seed: seedBudgets },
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    budgets: typeof catalogue;
  }
}
