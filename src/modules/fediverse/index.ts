import type { ModuleManifest } from '../../platform/module.ts';
import * as fediverseMigration from './migrations/20261216_0500_fediverse.ts';
import { DELIVER_EVERY_MS, drainDeliveries } from './delivery.ts';
import { seedFediverse } from './fediverse.demo.ts';
import { fediverseErrors } from './fediverse.errors.ts';
import { DELIVER_JOB } from './federation-types.ts';
import { fediverseRuntime } from './federation.ts';
import { registerFederationRoutes } from './http.ts';
import { registerFediversePages } from './pages/fediverse.pages.ts';
import { activityPubAdapter } from './publishing-adapter.ts';
import { fediverseReplySender } from './reply-sender.ts';
import { residentNoteSender } from './resident-notes.ts';
import { fediverseSecretKeyRotation } from './secrets-rotation.ts';
import './fediverse.schema.ts';
import type catalogue from './locales/en.json';

const SWEEP_JOB = 'fediverse.sweep';

/**
 * The fediverse: the city's news desk (`@news@<city host>`) and each department (`@<slug>@…`) as ActivityPub
 * actors, built with Fedify: WebFinger, NodeInfo, profile fields, RSA and Ed25519 keys sealed under
 * SECRET_KEY, inboxes, outboxes and followers. Posts from the publishing module go out as Notes or Articles
 * (the `activitypub` publishing adapter); replies to them come into the inbox as conversations and are
 * answered from there (the inbox's `fediverse` channel, through `channelReplySenders`). Moderators can
 * defederate a server.
 */
export const fediverseModule: ModuleManifest = {
  name: 'fediverse',
  locales: new URL('./locales/', import.meta.url),
  errors: [fediverseErrors],
  migrations: { '20261216_0500_fediverse': fediverseMigration },
  routes(app, ctx) {
    registerFederationRoutes(app, ctx);
    registerFediversePages(app, ctx);
  },
  jobs: (ctx) => ({
    // Fedify's queued deliveries (fan-outs, one signed POST per inbox), handled by the platform's worker
    [DELIVER_JOB]: {
      handler: async () => {
        await drainDeliveries(ctx);
      },
      everyMs: DELIVER_EVERY_MS,
    },
    // expired cache entries of Fedify's key-value store
    [SWEEP_JOB]: {
      handler: async () => {
        await fediverseRuntime(ctx).kv.sweep();
      },
      everyMs: 60 * 60_000,
    },
  }),
  adminNavigation: [{ href: '/admin/fediverse', label: 'fediverse.nav', roles: ['admin', 'moderator'] }],
  demo: { order: 70, seed: seedFediverse },
  secretKeyRotation: fediverseSecretKeyRotation,
  publishingAdapters: [activityPubAdapter],
  channelReplySenders: [fediverseReplySender, residentNoteSender],
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    fediverse: typeof catalogue;
  }
}
