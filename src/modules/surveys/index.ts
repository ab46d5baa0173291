import type { ModuleManifest } from '../../platform/module.ts';
import * as surveysMigration from './migrations/20261219_0200_surveys.ts';
import { registerAdminPages } from './pages/admin.pages.ts';
import { processSurveysSection } from './pages/process-section.ts';
import { registerPublicPages } from './pages/public.pages.ts';
import { registerSurveyAssets } from './pages/shared.ts';
import { registerSurveysApi } from './surveys.api.ts';
import { seedSurveys } from './surveys.demo.ts';
import { surveyErrors } from './surveys.errors.ts';
import { surveysPersonalData } from './surveys.personal-data.ts';
import type catalogue from './locales/en.json';

/**
 * Surveys: questionnaires of the city or of a participatory process (single and multiple choice,
 * ranking, matrix, texts, numbers, dates; conditions between questions), anonymous or named, answered
 * once by each eligible person, with results as charts and tables, a CSV export and a public API read.
 */
export const surveysModule: ModuleManifest = {
  name: 'surveys',
  apiTags: [
    { name: 'surveys', description: 'Surveys of the city and of its participatory processes: published results.' },
  ],
  locales: new URL('./locales/', import.meta.url),
  errors: [surveyErrors],
  migrations: { '20261219_0200_surveys': surveysMigration },
  routes(app, ctx) {
    registerSurveyAssets(app);
    registerPublicPages(app, ctx);
    registerAdminPages(app, ctx);
    registerSurveysApi(app, ctx);
  },
  navigation: [{ href: '/surveys', label: 'surveys.nav' }],
  adminNavigation: [{ href: '/admin/surveys', label: 'surveys.admin.title', roles: ['staff'] }],
  subjectSections: [processSurveysSection],
  personalData: surveysPersonalData,
  // After participation (35): a survey may belong to one of its processes.
  demo: { order: 45, seed: seedSurveys },
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    surveys: typeof catalogue;
  }
}
