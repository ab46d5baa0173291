import type { ModuleManifest } from '../../platform/module.ts';
import { newsletterAdapter } from './channel.ts';
import { DIGEST_EVERY_MS, DIGEST_JOB, runNewsletter } from './digest.ts';
import * as newsletterMigration from './migrations/20261216_0610_newsletter.ts';
import { newsletterErrors } from './newsletter.errors.ts';
import { registerNewsletterAdminPages } from './pages/admin.pages.ts';
import { registerNewsletterPages } from './pages/public.pages.ts';
import { newsletterPersonalData } from './personal-data.ts';
import './newsletter.schema.ts';
import type catalogue from './locales/en.json';

/** The compact subscribe form, for the city's news page (`city` / `publishing` news pages may render it). */
export { newsletterSignup } from './pages/signup.fragment.ts';

/**
 * The city's e-mail newsletter, a channel of the publishing module: residents subscribe (double opt-in)
 * in the city's languages and for the departments they choose; published posts wait for the digest, which
 * the recurring job sends per language on the city's schedule; a crisis post is mailed at once. Every
 * mail has a preferences link, a visible unsubscribe link and RFC 8058 one-click unsubscribe; no tracking.
 * Bounces at send time and delivery status notifications stop the mail to addresses that do not work.
 */
export const newsletterModule: ModuleManifest = {
  name: 'newsletter',
  locales: new URL('./locales/', import.meta.url),
  errors: [newsletterErrors],
  migrations: { '20261216_0610_newsletter': newsletterMigration },
  routes(app, ctx) {
    registerNewsletterPages(app, ctx);
    registerNewsletterAdminPages(app, ctx);
  },
  jobs: (ctx) => ({ [DIGEST_JOB]: { handler: () => runNewsletter(ctx), everyMs: DIGEST_EVERY_MS } }),
  footerNavigation: [{ href: '/newsletter', label: 'newsletter.footer' }],
  adminNavigation: [{ href: '/admin/newsletter', label: 'newsletter.admin.title', roles: ['staff'] }],
  personalData: newsletterPersonalData,
  publishingAdapters: [newsletterAdapter],
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    newsletter: typeof catalogue;
  }
}
