import { participationEvents } from './participation.events.ts';
import type { ModuleManifest } from '../../platform/module.ts';
import * as processesMigration from './migrations/20261123_0500_participation_processes.ts';
import * as proposalsMigration from './migrations/20261123_0510_participation_proposals.ts';
import * as conversationMigration from './migrations/20261123_0520_participation_debates_comments.ts';
import * as meetingsMigration from './migrations/20261123_0530_participation_meetings.ts';
import * as commentSubjectsMigration from './migrations/20261123_0540_participation_comment_subjects.ts';
import * as phaseDaysMigration from './migrations/20261216_0934_participation_phase_days.ts';
import * as meetingSequenceMigration from './migrations/20261219_0500_participation_meeting_sequence.ts';
import { participationErrors } from './participation.errors.ts';
import { registerParticipationApi } from './participation.api.ts';
import { seedParticipation } from './participation.demo.ts';
import { registerAdminPages } from './pages/admin.pages.ts';
import { commentThreadSection, registerCommentRoutes } from './pages/comments.pages.ts';
import { registerDebatePages } from './pages/debates.pages.ts';
import { registerMeetingPages } from './pages/meetings.pages.ts';
import { registerMeetingCalendarPages } from './pages/meetings-calendar.pages.ts';
import { registerProcessPages } from './pages/processes.pages.ts';
import { registerProposalPage } from './pages/proposal.pages.ts';
import { registerProposalPages } from './pages/proposals.pages.ts';
import { registerParticipationAssets } from './pages/shared.ts';
import { participationPersonalData } from './personal-data.repository.ts';

export {
  findProcess,
  findProcessBySlug,
  findProcesses,
  currentPhase,
  phaseAllows,
  processTime,
  processEligibilityRule,
  processEligibilitySql,
  type Process,
  type Phase,
  type ProcessEligibilityJson,
} from './processes.repository.ts';
export {
  findProposal,
  findProposals,
  insertProposal,
  type Proposal,
  type ProposalFilters,
} from './proposals.repository.ts';
export { processActivityBetween, type ProcessActivity } from './insights.repository.ts';
export { CATEGORIES, type Category } from './participation.schema.ts';
export { checkProposal, newProposal, type CheckedProposal, type ProposalInput } from './use-cases/submit-proposal.ts';
export { type FieldProblem as ParticipationFieldProblem } from './use-cases/shared.ts';
export { fieldProblemMessage } from './pages/shared.ts';
export {
  supportProposal,
  withdrawSupport,
  type SupportOutcome,
  type SupportState,
} from './use-cases/support-proposal.ts';
export {
  pagePublicComments,
  pagePublicDebates,
  pagePublicMeetings,
  pagePublicProcesses,
  pagePublicProposals,
  participationModified,
} from './open-data.repository.ts';
import type catalogue from './locales/en.json';

/**
 * Participation: processes with a timeline of phases that open parts (proposals, debates, budget,
 * meetings) for actions (create, support, comment, vote) to eligible residents; proposals with supports,
 * a threshold that obliges the city to answer, following and withdrawal; debates with arguments for
 * and against; threaded comments with votes, flags and moderation, on proposals and debates and on
 * reports and budget projects (shown under their pages through `subjectSections`); meetings with
 * registration up to their capacity and minutes; a plan (GeoJSON) drawn under a process's proposals.
 */
export const participationModule: ModuleManifest = {
  name: 'participation',
  apiTags: [
    {
      name: 'participation',
      description:
        'Participatory processes with their phases, residents’ proposals, and a resident’s support of a proposal.',
    },
  ],
  locales: new URL('./locales/', import.meta.url),
  errors: [participationErrors],
  events: participationEvents,
  migrations: {
    '20261123_0500_participation_processes': processesMigration,
    '20261123_0510_participation_proposals': proposalsMigration,
    '20261123_0520_participation_debates_comments': conversationMigration,
    '20261123_0530_participation_meetings': meetingsMigration,
    '20261123_0540_participation_comment_subjects': commentSubjectsMigration,
    '20261216_0934_participation_phase_days': phaseDaysMigration,
    '20261219_0500_participation_meeting_sequence': meetingSequenceMigration,
  },
  routes(app, ctx) {
    registerParticipationAssets(app);
    registerProcessPages(app, ctx);
    registerProposalPages(app, ctx);
    registerProposalPage(app, ctx);
    registerDebatePages(app, ctx);
    registerMeetingPages(app, ctx);
    registerMeetingCalendarPages(app, ctx);
    registerCommentRoutes(app, ctx);
    registerAdminPages(app, ctx);
    registerParticipationApi(app, ctx);
  },
  navigation: [{ href: '/processes', label: 'participation.nav' }],
  adminNavigation: [
    { href: '/admin/participation', label: 'participation.admin.title', roles: ['staff'] },
    { href: '/admin/participation/moderation', label: 'participation.moderation.title', roles: ['moderator'] },
  ],
  // the comment thread under report and budget project pages, which do not import this module
  subjectSections: [commentThreadSection],
  personalData: participationPersonalData,
  demo: { order: 35, seed: seedParticipation },
};

declare module '../../platform/i18n/catalogues.ts' {
  interface ModuleCatalogues {
    participation: typeof catalogue;
  }
}
