import type { ModuleManifest } from '../../platform/module.ts';
import { administrationFirstSteps } from './administration.first-steps.ts';
import { administrationErrors } from './administration.errors.ts';
import { registerAdministrationApi } from './administration.api.ts';
import { registerApiKeyPages } from './pages/api-keys.pages.ts';
import { registerCityPages } from './pages/city.pages.ts';
import { registerDepartmentPages } from './pages/departments.pages.ts';
import { registerFirstStepsPages } from './pages/first-steps.pages.ts';
import { registerInstallationPages } from './pages/installation.pages.ts';
import { registerPeoplePages } from './pages/people.pages.ts';
import { registerRecordPages } from './pages/records.pages.ts';
import type catalogue from './locales/en.json';

export { mayAdminister, authorizeAdministration, type AdministrationAction } from './administration.policy.ts';

/**
 * Administration: the city's settings, departments, people and roles, audit log, outbox and API keys —
 * as pages under /admin and as JSON under /api/v1/admin. Other modules add their staff tools to the
 * administration's front page through their manifest's `adminNavigation`.
 */
export const administrationModule: ModuleManifest = {
  name: 'administration',
  apiTags: [
    {
      name: 'administration',
      description:
        'For administrators, with a session: API keys and their quotas, departments, people and their roles, the audit log.',
    },
  ],
  locales: new URL('./locales/', import.meta.url),
  errors: [administrationErrors],
  firstSteps: administrationFirstSteps,
  routes(app, ctx) {
    registerCityPages(app, ctx);
    registerDepartmentPages(app, ctx);
    registerPeoplePages(app, ctx);
    registerApiKeyPages(app, ctx);
    registerRecordPages(app, ctx);
    registerFirstStepsPages(app, ctx);
    registerInstallationPages(app, ctx);
    registerAdministrationApi(app, ctx);
  },
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    administration: typeof catalogue;
  }
}
