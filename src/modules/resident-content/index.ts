import type { ModuleManifest } from '../../platform/module.ts';
import { COLLECT_EVERY_MS, COLLECT_JOB } from './collect.use-cases.ts';
import * as residentContentMigration from './migrations/20261217_0130_resident_content.ts';
import { registerConsentPages } from './pages/consent.pages.ts';
import { registerPublicPages, renderResidentsHomeSection } from './pages/public.pages.ts';
import { registerStaffPages } from './pages/staff.pages.ts';
import { residentContentPersonalData } from './privacy.ts';
import { seedResidentContent } from './resident-content.demo.ts';
import { residentContentErrors } from './resident-content.errors.ts';
import { collectEverywhere, runUpkeep, UPKEEP_EVERY_MS, UPKEEP_JOB } from './upkeep.use-cases.ts';
import './resident-content.schema.ts';
import type catalogue from './locales/en.json';

/**
 * Residents' content, with consent (issue 15): public posts carrying a running campaign's hashtag are
 * collected from the city's Mastodon account (hashtag timelines) and the fediverse (notes reaching the
 * city's actors), never from accounts that opted out of discovery; staff ask each author's consent on
 * the same channel (a one-time link, or a keyword answer); consented posts are shown on the site with
 * attribution and licence, until the author deletes the post, withdraws, or the consent ends.
 */
export const residentContentModule: ModuleManifest = {
  name: 'resident-content',
  locales: new URL('./locales/', import.meta.url),
  errors: [residentContentErrors],
  migrations: { '20261217_0130_resident_content': residentContentMigration },
  routes(app, ctx) {
    registerStaffPages(app, ctx);
    registerConsentPages(app, ctx);
    registerPublicPages(app, ctx);
  },
  navigation: [{ href: '/residents', label: 'residentContent.public.nav' }],
  adminNavigation: [{ href: '/staff/publishing/residents', label: 'residentContent.staff.nav', roles: ['staff'] }],
  homeSections: [{ order: 40, render: renderResidentsHomeSection }],
  personalData: residentContentPersonalData,
  demo: seedResidentContent,
  jobs: (ctx) => ({
    // the running campaigns' hashtags read on the city's Mastodon accounts
    [COLLECT_JOB]: {
      handler: async () => {
        await collectEverywhere(ctx);
      },
      everyMs: COLLECT_EVERY_MS,
    },
    // keyword answers read, deleted posts and ended consents taken off the site
    [UPKEEP_JOB]: { handler: () => runUpkeep(ctx), everyMs: UPKEEP_EVERY_MS },
  }),
};

// what the fediverse module hands over: notes reaching the city's actors, and deletions
export { receiveFediverseNote, fediverseDeleted, type FediverseNote } from './collect.use-cases.ts';
export { FEDIVERSE_NOTE_SENDER } from './channel.ts';

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    'resident-content': typeof catalogue;
  }
}
