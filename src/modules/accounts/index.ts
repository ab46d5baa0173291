import type { ModuleManifest } from '../../platform/module.ts';
import { accountErrors } from './accounts.errors.ts';
import { registerAccountApi } from './accounts.api.ts';
import { registerAccountPages } from './accounts.pages.ts';

export { safeNext } from './accounts.pages.ts';

/** Accounts: sign up, e-mail confirmation, sign in and out, password reset, profile, data export and deletion. */
export const accountsModule: ModuleManifest = {
  name: 'accounts',
  errors: [accountErrors],
  routes(app, ctx) {
    registerAccountPages(app, ctx);
    registerAccountApi(app, ctx);
  },
};
