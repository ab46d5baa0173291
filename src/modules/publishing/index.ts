import type { ModuleManifest } from '../../platform/module.ts';
import * as publishingMigration from './migrations/20261216_0100_publishing.ts';
import * as repliesMigration from './migrations/20261216_0400_publishing_replies.ts';
import { inboxReplySection } from './pages/inbox-reply.view.ts';
import { LINK_REPLIES_EVERY_MS, LINK_REPLIES_JOB, linkRepliesJob } from './replies.ts';
import { socialAdapters } from './channels/social.ts';
import './publishing.schema.ts';
import './replies.schema.ts';
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
    '20261216_0400_publishing_replies': repliesMigration,
  },
  jobs: (ctx) => ({
    [LINK_REPLIES_JOB]: { handler: () => linkRepliesJob(ctx), everyMs: LINK_REPLIES_EVERY_MS },
  }),
  subjectSections: [inboxReplySection],
  publishingAdapters: [...socialAdapters],
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    publishing: typeof catalogue;
  }
}
