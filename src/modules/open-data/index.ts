import type { ModuleManifest } from '../../platform/module.ts';
import { announceChangedDatasets, CHANGES_EVERY_MS, CHANGES_JOB } from './changes.ts';
import * as settingsMigration from './migrations/20261216_0700_open_data_settings.ts';
import * as datasetStateMigration from './migrations/20261217_0320_open_data_dataset_state.ts';
import * as profilesMigration from './migrations/20261219_0000_open_data_profiles.ts';
import { openDataEvents } from './open-data.events.ts';
import { openDataErrors } from './open-data.errors.ts';
import { registerOpenDataApi } from './open-data.api.ts';
import { registerOpenDataPages } from './open-data.pages.ts';
import { registerSettingsPages } from './settings.pages.ts';
import './open-data.schema.ts';
import type catalogue from './locales/en.json';

export { DATASETS, type DatasetSpec, type FieldSpec } from './datasets.ts';

/**
 * Open data: every public dataset of the other modules, declared as data in `datasets.ts`, documented
 * field by field at /open-data/<id>, downloadable as CSV, JSON and GeoJSON read live in keyset pages,
 * and described by a DCAT-AP 3 catalogue (/open-data/catalog.ttl, /open-data/catalog.jsonld).
 */
export const openDataModule: ModuleManifest = {
  name: 'open-data',
  locales: new URL('./locales/', import.meta.url),
  errors: [openDataErrors],
  migrations: {
    '20261216_0700_open_data_settings': settingsMigration,
    '20261217_0320_open_data_dataset_state': datasetStateMigration,
    '20261219_0000_open_data_profiles': profilesMigration,
  },
  routes(app, ctx) {
    registerOpenDataPages(app, ctx);
    registerOpenDataApi(app, ctx);
    registerSettingsPages(app, ctx);
  },
  adminNavigation: [{ href: '/admin/open-data', label: 'openData.admin.nav', roles: ['admin'] }],
  apiTags: [
    {
      name: 'open-data',
      description:
        'Every public dataset of the city, field by field, read a page at a time (cursor, fields=, lang=); the same rows as the files at /open-data.',
    },
  ],
  events: openDataEvents,
  jobs: (ctx) => ({
    [CHANGES_JOB]: {
      handler: async () => {
        await announceChangedDatasets(ctx);
      },
      everyMs: CHANGES_EVERY_MS,
    },
  }),
  footerNavigation: [{ href: '/open-data', label: 'openData.nav' }],
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    'open-data': typeof catalogue;
  }
}
