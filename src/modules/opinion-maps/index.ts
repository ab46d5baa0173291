import type { ModuleManifest } from '../../platform/module.ts';
import type { AppContext } from '../../platform/context.ts';
import * as opinionMapsMigration from './migrations/20261219_0100_opinion_maps.ts';
import { registerOpinionMapsApi } from './opinion-maps.api.ts';
import { seedOpinionMaps } from './opinion-maps.demo.ts';
import { opinionMapErrors } from './opinion-maps.errors.ts';
import { opinionMapsPersonalData } from './opinion-maps.personal-data.ts';
import { RECOMPUTE_JOB, recomputeChangedMaps } from './opinion-maps.use-cases.ts';
import { registerAdminPages } from './pages/admin.pages.ts';
import { processOpinionMapsSection } from './pages/process-section.ts';
import { registerPublicPages } from './pages/public.pages.ts';
import type catalogue from './locales/en.json';

export { computeOpinionMap, type OpinionMapResult } from './math/compute.ts';

/**
 * Opinion maps (what Pol.is does) inside participatory processes: residents write short statements and
 * vote agree / disagree / pass one statement at a time; the results — groups of opinion by PCA and
 * k-means, what represents each group, what all groups share — are recomputed within seconds of votes
 * (docs/OPINION-MAPS.md). Eligibility is the process's rule.
 */
export const opinionMapsModule: ModuleManifest = {
  name: 'opinion-maps',
  apiTags: [
    {
      name: 'opinion-maps',
      description:
        'Opinion maps: statements residents vote on, and the groups of opinion, representative statements and consensus computed from the votes.',
    },
  ],
  locales: new URL('./locales/', import.meta.url),
  errors: [opinionMapErrors],
  migrations: { '20261219_0100_opinion_maps': opinionMapsMigration },
  routes(app, ctx) {
    registerPublicPages(app, ctx);
    registerAdminPages(app, ctx);
    registerOpinionMapsApi(app, ctx);
  },
  jobs: (ctx: AppContext) => ({
    [RECOMPUTE_JOB]: async (job) => {
      await recomputeChangedMaps(ctx, job.organisationId);
    },
  }),
  navigation: [],
  adminNavigation: [{ href: '/admin/opinion-maps', label: 'opinionMaps.admin.title', roles: ['staff'] }],
  subjectSections: [processOpinionMapsSection],
  personalData: opinionMapsPersonalData,
  // After participation (35): a map belongs to one of its processes.
  demo: { order: 45, seed: seedOpinionMaps },
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    'opinion-maps': typeof catalogue;
  }
}
