import type { ModuleManifest } from '../../platform/module.ts';
import * as publishingMigration from './migrations/20261216_0100_publishing.ts';
import * as approvalMigration from './migrations/20261216_0200_publishing_approval.ts';
import * as repliesMigration from './migrations/20261216_0400_publishing_replies.ts';
import { inboxReplySection } from './pages/inbox-reply.view.ts';
import { LINK_REPLIES_EVERY_MS, LINK_REPLIES_JOB, linkRepliesJob } from './replies.ts';
import { socialAdapters } from './channels/social.ts';
import {
  METRICS_EVERY_MS,
  METRICS_JOB,
  PUBLISH_EVERY_MS,
  PUBLISH_JOB,
  pullMetrics,
  runPublishing,
} from './delivery.ts';
import { publishingSecretKeyRotation } from './destinations.use-cases.ts';
import { registerCampaignPages } from './pages/campaigns.pages.ts';
import { registerCrisisPages } from './pages/crisis.pages.ts';
import { registerDestinationPages } from './pages/destinations.pages.ts';
import { registerPostActionPages } from './pages/post.pages.ts';
import { registerCorrectionPages } from './pages/corrections.pages.ts';
import * as correctionsMigration from './migrations/20261218_0600_publishing_corrections.ts';
import { registerPostPages } from './pages/posts.pages.ts';
import { registerPublishingApi } from './publishing.api.ts';
import { crisisBanner, registerReviewPages } from './pages/review.pages.ts';
import { publishingAssets } from './pages/shared.ts';
import { registerStepPages } from './pages/steps.pages.ts';
import { seedPublishing } from './publishing.demo.ts';
import { publishingErrors } from './publishing.errors.ts';
import { publishingEvents } from './publishing.events.ts';
import { webAdapter } from './channels/web.ts';
import { calendarErrors } from './calendar.errors.ts';
import { registerFeedPages } from './pages/feeds.pages.ts';
import { registerCalendarPages } from './pages/calendar.pages.ts';
import * as textSummaryMigration from './migrations/20261216_0300_publishing_text_summary.ts';
import * as webPageMigration from './migrations/20261216_0301_publishing_web_page.ts';
import * as newsFromCityMigration from './migrations/20261216_0302_publishing_news_from_city.ts';
import * as blackoutMigration from './migrations/20261216_0303_publishing_blackout.ts';
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
  errors: [publishingErrors, calendarErrors],
  events: publishingEvents,
  migrations: {
    '20261216_0100_publishing': publishingMigration,
    '20261216_0200_publishing_approval': approvalMigration,
    '20261216_0300_publishing_text_summary': textSummaryMigration,
    '20261216_0301_publishing_web_page': webPageMigration,
    '20261216_0302_publishing_news_from_city': newsFromCityMigration,
    '20261216_0303_publishing_blackout': blackoutMigration,
    '20261216_0400_publishing_replies': repliesMigration,
    '20261218_0600_publishing_corrections': correctionsMigration,
  },
  subjectSections: [inboxReplySection],
  publishingAdapters: [webAdapter, ...socialAdapters],
  async routes(app, ctx) {
    publishingAssets.register(app);
    registerPostPages(app, ctx);
    await registerPostActionPages(app, ctx);
    registerCorrectionPages(app, ctx);
    registerCampaignPages(app, ctx);
    registerCrisisPages(app, ctx);
    registerDestinationPages(app, ctx);
    registerStepPages(app, ctx);
    registerReviewPages(app, ctx);
    registerFeedPages(app, ctx);
    registerCalendarPages(app, ctx);
    registerPublishingApi(app, ctx);
  },
  apiTags: [
    {
      name: 'publishing',
      description:
        'The city’s published posts (texts per language, campaign, department, page), a page at a time (cursor, fields=, lang=); drafts written by staff or an API key with the publishing.write scope.',
    },
  ],
  adminNavigation: [
    { href: '/staff/publishing', label: 'publishing.nav', roles: ['staff'] },
    { href: '/staff/publishing/calendar', label: 'publishing.calendar.title', roles: ['staff'] },
    { href: '/admin/publishing/destinations', label: 'publishing.destinations.nav', roles: ['admin'] },
  ],
  siteBanners: [crisisBanner()],
  secretKeyRotation: publishingSecretKeyRotation,
  demo: { order: 60, seed: seedPublishing },
  jobs: (ctx) => ({
    // due posts become deliveries; each delivery published once, then asked about (never published twice)
    [PUBLISH_JOB]: {
      handler: async () => {
        await runPublishing(ctx);
      },
      everyMs: PUBLISH_EVERY_MS,
    },
    // built-in destinations refreshed; reach, favourites, boosts and replies of recent deliveries
    [METRICS_JOB]: {
      handler: async () => {
        await pullMetrics(ctx);
      },
      everyMs: METRICS_EVERY_MS,
    },
    // replies to the city's posts linked to their inbox conversations; campaign hashtags tagged
    [LINK_REPLIES_JOB]: { handler: () => linkRepliesJob(ctx), everyMs: LINK_REPLIES_EVERY_MS },
  }),
};

// what the city module's news pages and the scheduling of posts use
export {
  findNewsPosts,
  findNewsPostBySlug,
  findFeedSubjects,
  insertPublishedNews,
  type NewsPost,
  type NewsText,
} from './news.repository.ts';
export { campaignNames, postMetricsBetween, type PostChannelMetrics } from './insights.repository.ts';
export { newsPath, mediaPath, newsText, newsSummary, feedPath, type FeedScope } from './news.ts';
export { feedLinks } from './pages/feeds.pages.ts';
export { postPageUrl } from './channels/web.ts';
export { checkBlackout, type BlackoutCheck } from './calendar.use-cases.ts';
// what residents' content uses: the campaigns' hashtags and the city's Mastodon destinations
export { findCampaigns, type Campaign } from './campaigns.repository.ts';
export { findDestinations } from './destinations.repository.ts';
export { openDestination } from './destinations.use-cases.ts';

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    publishing: typeof catalogue;
  }
}
