import type { ModuleManifest } from '../../platform/module.ts';
import * as publishingMigration from './migrations/20261216_0100_publishing.ts';
import { socialAdapters } from './channels/social.ts';
import './publishing.schema.ts';
import type catalogue from './locales/en.json';

/**
 * Publishing: the city's own voice. Posts written once in the city's languages, planned on an editorial
 * calendar, approved, and delivered to every channel (news pages, feeds, Mastodon, Telegram, Facebook,
 * Instagram, the newsletter, the fediverse) through the adapters of platform/publishing.ts.
 */
export const publishingModule: ModuleManifest = {
  name: 'publishing',
  locales: new URL('./locales/', import.meta.url),
  migrations: {
    '20261216_0100_publishing': publishingMigration,
  },
  publishingAdapters: [...socialAdapters],
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    publishing: typeof catalogue;
  }
}
