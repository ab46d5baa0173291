import type { ModuleManifest } from '../../platform/module.ts';
import * as rollupMigration from './migrations/20261217_0200_insights_rollup.ts';
import * as indexMigration from './migrations/20261217_0210_insights_index.ts';
import { seedInsights } from './insights.demo.ts';
import { insightsErrors } from './insights.errors.ts';
import { registerDashboardPages } from './pages/dashboard.pages.ts';
import { registerIndexPages } from './pages/index.pages.ts';
import { registerTransparencyPages } from './pages/transparency.pages.ts';
import { insightsAssets } from './pages/shared.ts';
import { ROLLUP_EVERY_MS, ROLLUP_JOB, runRollupJob } from './rollup.ts';
import { runSnapshotJob, SNAPSHOT_EVERY_MS, SNAPSHOT_JOB } from './snapshots.ts';
import './insights.schema.ts';
import type catalogue from './locales/en.json';

export {
  pageSnapshotCriteria as pagePublicIndexCriteria,
  snapshotsModified as indexSnapshotsModified,
} from './index.repository.ts';
export { rollUpCity } from './rollup.ts';

/**
 * Insights: the staff dashboard of indicators (inbox, reports, participation, publishing, languages) read
 * from daily rollups, the communication index configured as data with monthly or quarterly snapshots, the
 * network's view of cities sharing a template, and the public transparency page.
 */
export const insightsModule: ModuleManifest = {
  name: 'insights',
  locales: new URL('./locales/', import.meta.url),
  errors: [insightsErrors],
  migrations: {
    '20261217_0200_insights_rollup': rollupMigration,
    '20261217_0210_insights_index': indexMigration,
  },
  routes(app, ctx) {
    insightsAssets.register(app);
    registerDashboardPages(app, ctx);
    registerIndexPages(app, ctx);
    registerTransparencyPages(app, ctx);
  },
  adminNavigation: [
    { href: '/staff/insights', label: 'insights.dashboard.title', roles: ['staff'] },
    { href: '/staff/insights/index', label: 'insights.index.title', roles: ['staff'] },
  ],
  footerNavigation: [{ href: '/transparency', label: 'insights.transparency.title' }],
  demo: { order: 95, seed: seedInsights },
  jobs: (ctx) => ({
    [ROLLUP_JOB]: { handler: () => runRollupJob(ctx), everyMs: ROLLUP_EVERY_MS },
    [SNAPSHOT_JOB]: { handler: () => runSnapshotJob(ctx), everyMs: SNAPSHOT_EVERY_MS },
  }),
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    insights: typeof catalogue;
  }
}
