import type { ModuleManifest } from '../../platform/module.ts';
import { reportsFirstSteps } from './reports.first-steps.ts';
import { reportDiscussion } from './reports.discussion.ts';
import * as reportsMigration from './migrations/20261123_0300_reports.ts';
import * as residentMigration from './migrations/20261123_0310_reports_resident.ts';
import * as notifiedOrganisationMigration from './migrations/20261123_0311_reports_notified_organisation.ts';
import * as answerTemplatesMigration from './migrations/20261123_0320_reports_answer_templates.ts';
import * as speedMigration from './migrations/20261123_0330_reports_speed.ts';
import * as subscriptionAreaMigration from './migrations/20261123_0340_reports_subscription_area.ts';
import * as withoutPlacesTriggerMigration from './migrations/20261207_0300_reports_intake_without_places_trigger.ts';
import * as namedSubmitMigration from './migrations/20261207_0310_reports_submit_named_arguments.ts';
import * as photosCleanedAgainMigration from './migrations/20261214_0300_reports_photos_cleaned_again.ts';
import * as pendingReportMigration from './migrations/20261214_0300_reports_pending_report.ts';
import * as subscriptionConfirmedMigration from './migrations/20261214_0310_reports_subscription_confirmed.ts';
import { registerStaffPages, staffNavigation } from './staff/index.ts';
import { registerResidentPages } from './pages/index.ts';
import { renderHomeSection } from './pages/list.pages.ts';
import { NOTIFY_EVERY_MS, NOTIFY_JOB, notifySubscribers, reportsPersonalData } from './subscriptions.ts';
import { registerOpen311 } from './open311/open311.routes.ts';
import { seedReports } from './reports.demo.ts';
import { FOLD_EVERY_MS, FOLD_JOB, registerStatisticsRoutes, runFoldJob } from './statistics.ts';
import { reportErrors } from './reports.errors.ts';
import { areaErrors } from './subscription-area.ts';
import { reportEvents } from './reports.events.ts';

export {
  checkAnswers,
  submitReport,
  type KeyedReportSubmission,
  type KeyRefused,
  type ReportSubmission,
  type SubmitOutcome,
} from './submit-report.use-cases.ts';
export { findReports, findReportById, type ReportRow } from './reports-list.repository.ts';
export { MAX_PHOTO_BYTES, MAX_PHOTOS, preparePhoto, type PhotoError } from './photos.ts';
export { attachPendingPhotos, countPendingPhotos, storePendingPhotos } from './photos.repository.ts';
export { findPublicUpdates, type PublicUpdate } from './report-history.repository.ts';
export {
  answersFromForm,
  questionFieldId,
  questionFields,
  questionFieldsScript,
  submissionAnswers,
  submissionProblemMessage,
  type QuestionProblem,
} from './pages/question-fields.ts';
export { findCategories, findQuestions, type Category, type Question } from './report-categories.repository.ts';
export { reportFormChoices, type ReportFormChoices } from './report-form.use-cases.ts';
export {
  countOverdueReports,
  reportDayFacts,
  reportDaysChangedSince,
  type ReportDayFact,
} from './insights.repository.ts';
export { findPublicStatistics, type PublicStatistics } from './statistics.repository.ts';
export {
  addResidentUpdate,
  changeReportStatus,
  mergeDuplicate,
  rerouteReport,
  setReportHidden,
} from './manage-report.use-cases.ts';
export {
  pagePublicCategories,
  pagePublicDepartments,
  pagePublicReports,
  reportsDataModified,
  visibleReportIds,
} from './open-data.repository.ts';
import type catalogue from './locales/en.json';

/**
 * Reports: problems in public space from any channel, routed to the department in charge, answered in
 * public; an Open311 GeoReport v2 server at /open311/v2.
 */
export const reportsModule: ModuleManifest = {
  name: 'reports',
  apiTags: [
    {
      name: 'reports',
      description: 'Public reports of problems in public space: the list with filters, map clusters and statistics.',
    },
    {
      name: 'reports (staff)',
      description:
        'Staff queues of reports and what staff do with them: statuses with public answers, rerouting. A session, or an API key with the reports.read or reports.write scope.',
    },
  ],
  locales: new URL('./locales/', import.meta.url),
  errors: [reportErrors, areaErrors],
  events: reportEvents,
  migrations: {
    '20261123_0300_reports': reportsMigration,
    '20261123_0310_reports_resident': residentMigration,
    '20261123_0311_reports_notified_organisation': notifiedOrganisationMigration,
    '20261123_0320_reports_answer_templates': answerTemplatesMigration,
    '20261123_0330_reports_speed': speedMigration,
    '20261123_0340_reports_subscription_area': subscriptionAreaMigration,
    '20261207_0300_reports_intake_without_places_trigger': withoutPlacesTriggerMigration,
    '20261207_0310_reports_submit_named_arguments': namedSubmitMigration,
    '20261214_0300_reports_photos_cleaned_again': photosCleanedAgainMigration,
    '20261214_0300_reports_pending_report': pendingReportMigration,
    '20261214_0310_reports_subscription_confirmed': subscriptionConfirmedMigration,
  },
  async routes(app, ctx) {
    registerOpen311(app, ctx);
    registerStatisticsRoutes(app, ctx);
    await registerResidentPages(app, ctx);
    registerStaffPages(app, ctx);
  },
  navigation: [{ href: '/reports', label: 'reports.nav' }],
  adminNavigation: staffNavigation,
  firstSteps: reportsFirstSteps,
  homeSections: [{ order: 10, render: renderHomeSection }],
  discussedSubjects: [reportDiscussion],
  personalData: reportsPersonalData,
  jobs: (ctx) => ({
    // Mails followers about new public history lines; pages also queue a run at once (notifySoon).
    [NOTIFY_JOB]: {
      handler: async () => {
        await notifySubscribers(ctx);
      },
      everyMs: NOTIFY_EVERY_MS,
    },
    // Folds report changes into the map and statistics counters (readers are exact without it).
    [FOLD_JOB]: {
      handler: async () => {
        await runFoldJob(ctx);
      },
      everyMs: FOLD_EVERY_MS,
    },
  }),
  demo: { order: 20, seed: seedReports },
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    reports: typeof catalogue;
  }
}
