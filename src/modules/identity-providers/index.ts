import type { ModuleManifest } from '../../platform/module.ts';
import { identityProviderErrors } from './identity-providers.errors.ts';
import * as identityProvidersMigration from './migrations/20261218_0300_identity_providers.ts';
import { registerAdminPages } from './pages/admin.pages.ts';
import { registerSignInPages } from './pages/sign-in.pages.ts';
import { identityProvidersSecretKeyRotation } from './secrets.ts';
import { identityProvidersPersonalData } from './sign-in.use-cases.ts';
import './identity-providers.schema.ts';
import type catalogue from './locales/en.json';

export { signInChoices, linksOfViewer, type SignInChoice } from './sign-in.use-cases.ts';
export { signInButtons, linkedProvidersSection } from './pages/components.ts';

/**
 * Sign-in with the city's identity providers over OpenID Connect (authorization code with PKCE,
 * discovery, the ID token's signature and nonce checked by openid-client): the city's administrators
 * configure providers (staff accounts of the city's directory, or a national eID such as SPID/CIE or an
 * eIDAS node reached through an OIDC gateway); accounts are linked by issuer and subject, or by a
 * verified e-mail address when the city allows it; a provider the city trusts for residence makes the
 * account a verified resident (the verification module). Its own module rather than a part of accounts:
 * it has its tables, secrets, administration pages and outbound calls, and accounts only shows its buttons.
 */
export const identityProvidersModule: ModuleManifest = {
  name: 'identity-providers',
  locales: new URL('./locales/', import.meta.url),
  errors: [identityProviderErrors],
  migrations: { '20261218_0300_identity_providers': identityProvidersMigration },
  routes(app, ctx) {
    registerSignInPages(app, ctx);
    registerAdminPages(app, ctx);
  },
  adminNavigation: [{ href: '/admin/identity-providers', label: 'identityProviders.admin.title', roles: ['admin'] }],
  personalData: identityProvidersPersonalData,
  secretKeyRotation: identityProvidersSecretKeyRotation,
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    identityProviders: typeof catalogue;
  }
}
