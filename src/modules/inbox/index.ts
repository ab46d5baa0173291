import type { ModuleManifest } from '../../platform/module.ts';
import { inboxFirstSteps } from './inbox.first-steps.ts';
import * as inboxMigration from './migrations/20261123_0600_inbox.ts';
import * as telegramMigration from './migrations/20261123_0620_inbox_telegram.ts';
import * as listSpeedMigration from './migrations/20261215_0900_inbox_list_speed.ts';
import * as reportUpdatesMigration from './migrations/20261123_0610_inbox_report_updates.ts';
import * as automaticNoticesMigration from './migrations/20261215_1000_inbox_automatic_notices.ts';
import * as telegramQuestionsMigration from './migrations/20261215_1010_inbox_telegram_questions.ts';
import * as searchTextMigration from './migrations/20261217_0000_inbox_search_text.ts';
import * as notesMigration from './migrations/20261219_0300_inbox_notes.ts';
import * as notificationsMigration from './migrations/20261219_0310_inbox_notifications.ts';
import * as preferencesMigration from './migrations/20261219_0320_inbox_staff_preferences.ts';
import { registerInboxPages } from './pages/inbox.pages.ts';
import { registerConversationPages } from './pages/conversation.pages.ts';
import { registerToReportPages } from './pages/to-report.pages.ts';
import { registerToProposalPages } from './pages/to-proposal.pages.ts';
import { registerTemplatePages } from './pages/templates.pages.ts';
import {
  REPORT_UPDATES_EVERY_MS,
  REPORT_UPDATES_JOB,
  tellProposalUpdates,
  tellReportUpdates,
} from './report-updates.ts';
import { registerChannelPages } from './pages/channels.pages.ts';
import { registerImportPages } from './pages/import.pages.ts';
import { findChannelRecord } from './channels.repository.ts';
import { allAdapters } from './channels/index.ts';
import { inboxSecretKeyRotation } from './channels/secrets-rotation.ts';
import { ingestMessages, ANALYSE_JOB } from './ingest.ts';
import { POLL_EVERY_MS, POLL_JOB, pollChannels } from './polling.ts';
import { DELIVER_JOB, deliverReply } from './replies.ts';
import { analyseNewMessages } from './analyse.ts';
import type { InboxChannels } from './channels/channel.ts';
import { registerListeningPages } from './pages/listening.pages.ts';
import { registerCodePages } from './pages/codes.pages.ts';
import { registerPrivacyPages } from './pages/privacy.pages.ts';
import { registerSettingsPages } from './pages/settings.pages.ts';
import { registerTeamPages } from './pages/team.pages.ts';
import { NOTIFY_NEW_EVERY_MS, NOTIFY_NEW_JOB, notifyNewMessages } from './team.use-cases.ts';
import { inboxAssets } from './pages/shared.ts';
import { ALERTS_EVERY_MS, ALERTS_JOB, raiseAlerts } from './listening/alerts.ts';
import { RETENTION_EVERY_MS, RETENTION_JOB, applyRetention, inboxPersonalData } from './listening/privacy.ts';
import { seedInbox } from './inbox.demo.ts';
import { inboxErrors } from './inbox.errors.ts';
import './inbox.schema.ts';
import type catalogue from './locales/en.json';

export {
  conversationDayFacts,
  conversationDaysChangedSince,
  firstResponseGoalHours,
  type ConversationDayFact,
} from './insights.repository.ts';
export { startInboundMail, type InboundMail } from './channels/email/listener.ts';
/** For publishing: a destination may share an inbox channel's account (its sealed credentials). */
export { findChannelRecord, findChannels, type ChannelSummary } from './channels.repository.ts';
/** For the fediverse module: replies to the city's posts become inbox conversations. */
export { ingestFediverseMessages } from './channels/fediverse.ts';
export type { IncomingMessage } from './channels/channel.ts';

/**
 * Inbox and listening: everything residents say on every channel (e-mail, Telegram, Mastodon,
 * Facebook and Instagram pages, feeds, imports, webhooks, the contact form) stored once, analysed
 * (language, sentiment, topic, district), answered on the channel it came from, turned into reports,
 * coded, and measured on the listening dashboard.
 */
export const inboxModule: ModuleManifest = {
  name: 'inbox',
  apiTags: [
    {
      name: 'inbox',
      description: 'Messages from residents sent to the inbox by other systems, as signed webhooks.',
    },
  ],
  locales: new URL('./locales/', import.meta.url),
  errors: [inboxErrors],
  migrations: {
    '20261123_0600_inbox': inboxMigration,
    '20261123_0620_inbox_telegram': telegramMigration,
    '20261123_0610_inbox_report_updates': reportUpdatesMigration,
    '20261215_0900_inbox_list_speed': listSpeedMigration,
    '20261215_1000_inbox_automatic_notices': automaticNoticesMigration,
    '20261215_1010_inbox_telegram_questions': telegramQuestionsMigration,
    '20261217_0000_inbox_search_text': searchTextMigration,
    '20261219_0300_inbox_notes': notesMigration,
    '20261219_0310_inbox_notifications': notificationsMigration,
    '20261219_0320_inbox_staff_preferences': preferencesMigration,
  },
  routes(app, ctx) {
    const channels: InboxChannels = {
      findChannel: async (kind, channelId) => {
        const channel = await findChannelRecord(ctx.db, ctx.config.secretKey, undefined, channelId, kind);
        // credentials that cannot be opened cannot check a signature: the webhook is refused
        return channel?.enabled && !channel.secretsUnreadable ? channel : undefined;
      },
      ingest: (channel, messages) => ingestMessages(ctx.db, ctx.jobs, channel, messages),
    };
    for (const adapter of allAdapters()) adapter.routes?.(app, ctx, channels);
    registerChannelPages(app, ctx);
    registerImportPages(app, ctx);
    registerInboxPages(app, ctx);
    registerTemplatePages(app, ctx);
    registerConversationPages(app, ctx);
    registerToReportPages(app, ctx);
    registerToProposalPages(app, ctx);
    inboxAssets.register(app);
    registerListeningPages(app, ctx);
    registerCodePages(app, ctx);
    registerPrivacyPages(app, ctx);
    registerSettingsPages(app, ctx);
    registerTeamPages(app, ctx);
  },
  navigation: [{ href: '/contact', label: 'inbox.contact.nav' }],
  personalData: inboxPersonalData,
  demo: { order: 50, seed: seedInbox },
  secretKeyRotation: inboxSecretKeyRotation,
  firstSteps: inboxFirstSteps,
  adminNavigation: [
    { href: '/staff/inbox', label: 'inbox.nav', roles: ['staff', 'moderator'] },
    { href: '/staff/inbox/listening', label: 'inbox.listening.nav', roles: ['staff', 'moderator'] },
    { href: '/admin/inbox/channels', label: 'inbox.channels.nav', roles: ['admin'] },
    { href: '/admin/inbox/settings', label: 'inbox.settings.nav', roles: ['admin'] },
  ],
  jobs: (ctx) => ({
    [POLL_JOB]: {
      handler: async () => {
        await pollChannels(ctx);
      },
      everyMs: POLL_EVERY_MS,
    },
    // tells department members who asked for it about new messages of their department
    [NOTIFY_NEW_JOB]: {
      handler: async () => {
        await notifyNewMessages(ctx);
      },
      everyMs: NOTIFY_NEW_EVERY_MS,
    },
    [DELIVER_JOB]: async (job) => {
      await deliverReply(ctx, job);
    },
    [ANALYSE_JOB]: async (job) => {
      await analyseNewMessages(ctx, job.organisationId);
    },
    // listening: jumps in volume or negative sentiment per district and topic
    [ALERTS_JOB]: {
      handler: async () => {
        await raiseAlerts(ctx);
      },
      everyMs: ALERTS_EVERY_MS,
    },
    // erases personal data of conversations quiet for longer than the city's retention period
    [RETENTION_JOB]: {
      handler: async () => {
        await applyRetention(ctx);
      },
      everyMs: RETENTION_EVERY_MS,
    },
    // tells authors on their channel about each public change of the report or proposal their message became
    [REPORT_UPDATES_JOB]: {
      handler: async () => {
        await tellReportUpdates(ctx);
        await tellProposalUpdates(ctx);
      },
      everyMs: REPORT_UPDATES_EVERY_MS,
    },
  }),
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    inbox: typeof catalogue;
  }
}
