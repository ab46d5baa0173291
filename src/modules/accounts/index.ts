import type { ModuleManifest } from '../../platform/module.ts';
import { accountErrors } from './accounts.errors.ts';
import { registerAccountApi } from './accounts.api.ts';
import { registerAccountPages } from './accounts.pages.ts';
import type catalogue from './locales/en.json';

export { safeNext } from '../../platform/validation.ts';

/** Accounts: sign up, e-mail confirmation, sign in and out, password reset, profile, data export and deletion. */
export const accountsModule: ModuleManifest = {
  name: 'accounts',
  apiTags: [
    {
      name: 'accounts',
      description:
        'The signed-in person’s own account: who they are, their year of birth, the export of everything held about them.',
    },
  ],
  locales: new URL('./locales/', import.meta.url),
  errors: [accountErrors],
  routes(app, ctx) {
    registerAccountPages(app, ctx);
    registerAccountApi(app, ctx);
  },
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    accounts: typeof catalogue;
  }
}
