import type { ModuleManifest } from '../../platform/module.ts';
import { DELIVERY_EVERY_MS, DELIVERY_JOB, runWebhooks } from './delivery.ts';
import * as webhooksMigration from './migrations/20261217_0310_webhooks.ts';
import { registerWebhooksPages } from './pages/webhooks.pages.ts';
import { webhooksSecretKeyRotation } from './secrets.ts';
import { webhooksErrors } from './webhooks.errors.ts';
import './webhooks.schema.ts';
import type catalogue from './locales/en.json';

/**
 * Webhooks following the Standard Webhooks specification: city administrators subscribe an address to
 * event types (every module's `events`, read from the platform's outbox, platform/events.ts); each event
 * is posted as JSON signed with the subscription's secret (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), retried on the specification's schedule, logged with the answer's status and
 * time, and the subscription is paused (its owner mailed) after failing for the whole schedule.
 * No module depends on this one: they record events, this module reads them.
 */
export const webhooksModule: ModuleManifest = {
  name: 'webhooks',
  locales: new URL('./locales/', import.meta.url),
  errors: [webhooksErrors],
  migrations: { '20261217_0310_webhooks': webhooksMigration },
  routes: registerWebhooksPages,
  jobs: (ctx) => ({
    [DELIVERY_JOB]: {
      handler: async () => {
        await runWebhooks(ctx);
      },
      everyMs: DELIVERY_EVERY_MS,
    },
  }),
  adminNavigation: [{ href: '/admin/webhooks', label: 'webhooks.title', roles: ['admin'] }],
  secretKeyRotation: webhooksSecretKeyRotation,
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    webhooks: typeof catalogue;
  }
}
