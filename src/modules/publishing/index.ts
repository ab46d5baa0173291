import type { ModuleManifest } from '../../platform/module.ts';
import * as publishingMigration from './migrations/20261216_0100_publishing.ts';
import { socialAdapters } from './channels/social.ts';
// pub-calendar: news pages (web channel), feeds, editorial calendar, blackout periods
import { webAdapter } from './channels/web.ts';
import { calendarErrors } from './calendar.errors.ts';
import { registerFeedPages } from './pages/feeds.pages.ts';
import { registerCalendarPages } from './pages/calendar.pages.ts';
import * as textSummaryMigration from './migrations/20261216_0300_publishing_text_summary.ts';
import * as webPageMigration from './migrations/20261216_0301_publishing_web_page.ts';
import * as newsFromCityMigration from './migrations/20261216_0302_publishing_news_from_city.ts';
import * as blackoutMigration from './migrations/20261216_0303_publishing_blackout.ts';
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
    '20261216_0300_publishing_text_summary': textSummaryMigration,
    '20261216_0301_publishing_web_page': webPageMigration,
    '20261216_0302_publishing_news_from_city': newsFromCityMigration,
    '20261216_0303_publishing_blackout': blackoutMigration,
  },
  errors: [calendarErrors],
  routes: (app, ctx) => {
    registerFeedPages(app, ctx);
    registerCalendarPages(app, ctx);
  },
  adminNavigation: [{ href: '/staff/publishing/calendar', label: 'publishing.calendar.title', roles: ['staff'] }],
  publishingAdapters: [webAdapter, ...socialAdapters],
};

// pub-calendar: what the city module's news pages and pub-core's scheduling use
export {
  findNewsPosts,
  findNewsPostBySlug,
  findFeedSubjects,
  insertPublishedNews,
  type NewsPost,
  type NewsText,
} from './news.repository.ts';
export { newsPath, mediaPath, newsText, newsSummary, feedPath, type FeedScope } from './news.ts';
export { feedLinks } from './pages/feeds.pages.ts';
export { postPageUrl } from './channels/web.ts';
export { checkBlackout, type BlackoutCheck } from './calendar.use-cases.ts';

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    publishing: typeof catalogue;
  }
}
