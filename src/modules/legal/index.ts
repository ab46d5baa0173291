import type { ModuleManifest } from '../../platform/module.ts';
import { legalFirstSteps } from './legal.first-steps.ts';
import { legalErrors } from './legal.errors.ts';
import { registerLegalPages } from './legal.pages.ts';
import { legalPersonalData } from './legal.use-cases.ts';
import * as legalTextsMigration from './migrations/20261215_0900_legal_texts.ts';
import type catalogue from './locales/en.json';

export { recordSignUpAcceptance } from './legal.use-cases.ts';
export { codeOfConduct } from './legal.fragments.ts';

/**
 * Legal texts: the city's privacy notice and code of conduct, public at /privacy and /code-of-conduct,
 * written by administrators in versions (the platform's standard texts until the city publishes its
 * own); residents accept them when they sign up and accept each new version before they take part again.
 */
export const legalModule: ModuleManifest = {
  name: 'legal',
  locales: new URL('./locales/', import.meta.url),
  errors: [legalErrors],
  migrations: { '20261215_0900_legal_texts': legalTextsMigration },
  routes: registerLegalPages,
  footerNavigation: [
    { href: '/privacy', label: 'legal.privacy.title' },
    { href: '/code-of-conduct', label: 'legal.conduct.title' },
  ],
  adminNavigation: [{ href: '/admin/legal', label: 'legal.admin.title', roles: ['admin'] }],
  personalData: legalPersonalData,
  firstSteps: legalFirstSteps,
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    legal: typeof catalogue;
  }
}
