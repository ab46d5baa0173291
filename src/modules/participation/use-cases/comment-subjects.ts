import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { findBudgets, findProject, type Budget, type Project } from '../../budgets/index.ts';
import { findReportById } from '../../reports/index.ts';
import { findDebate } from '../conversation.repository.ts';
import { SUBJECT_TYPES, type SubjectType } from '../participation.schema.ts';
import { findProcess, type Process } from '../processes.repository.ts';
import { findProposal } from '../proposals.repository.ts';
import { eligibilityBlocker, ruleBlocker, takePartBlocker, type Refused } from './shared.ts';

/**
 * What a comment is about, once found visible: where it is shown, and who may comment on it now.
 * Proposals and debates follow their process (phase and eligibility); a report may be discussed by
 * any signed-in person with a confirmed e-mail address while it is not hidden; a budget project by
 * those its budget's linked process admits, else those the budget's own eligibility admits (without
 * its district rule, which is about voting in a district heading).
 */
export interface CommentSubject {
  type: SubjectType;
  id: number;
  href: string;
  blocker(viewer: Viewer | null, now?: Date): Promise<Refused['code'] | undefined>;
}

/** Whether a form's text names a type of subject comments can be about. */
export function isSubjectType(text: string): text is SubjectType {
  return (SUBJECT_TYPES as readonly string[]).includes(text);
}

/** The not-found code of each subject type, for ids that are not even numbers. */
export const SUBJECT_NOT_FOUND: Record<SubjectType, string> = {
  proposal: 'PROPOSAL_NOT_FOUND',
  debate: 'DEBATE_NOT_FOUND',
  report: 'REPORT_NOT_FOUND',
  budget_project: 'BUDGET_PROJECT_NOT_FOUND',
};

/** A proposal or debate whose process the caller already holds (its page loaded it): no query. */
export function processSubject(ctx: AppContext, organisation: Organisation, type: 'proposal' | 'debate', id: number, process: Process): CommentSubject {
  return {
    type,
    id,
    href: type === 'proposal' ? `/proposals/${id}` : `/debates/${id}`,
    blocker: (viewer, now = new Date()) => takePartBlocker(ctx, viewer, organisation, process, type === 'proposal' ? 'proposals' : 'debates', 'comment', now),
  };
}

/** Finds the subject of a comment; an unknown or hidden one is its type's 404 (nothing is stored). */
export async function loadSubject(ctx: AppContext, organisation: Organisation, type: SubjectType, id: number): Promise<CommentSubject> {
  if (type === 'proposal' || type === 'debate') {
    const subject = type === 'proposal' ? await findProposal(ctx.db, organisation.id, id) : await findDebate(ctx.db, organisation.id, id);
    if (!subject || subject.hidden) throw new AppError(SUBJECT_NOT_FOUND[type]);
    const process = await findProcess(ctx.db, organisation.id, subject.processId);
    if (!process) throw new AppError('PROCESS_NOT_FOUND');
    return processSubject(ctx, organisation, type, id, process);
  }
  if (type === 'report') {
    const report = await findReportById(ctx.db, organisation.id, id);
    if (!report) throw new AppError('REPORT_NOT_FOUND');
    return { type, id, href: `/reports/${id}`, blocker: (viewer, now = new Date()) => ruleBlocker(ctx, viewer, organisation, { level: 'email' }, now) };
  }
  const { budget, project } = await findBudgetProject(ctx, organisation, id);
  const process = budget.processId === null ? undefined : await findProcess(ctx.db, organisation.id, budget.processId);
  return {
    type,
    id,
    href: `/budgets/${budget.id}/projects/${project.id}`,
    blocker: (viewer, now = new Date()) =>
      process
        ? eligibilityBlocker(ctx, viewer, organisation, process, now)
        : ruleBlocker(ctx, viewer, organisation, { level: budget.eligibility.level, minAge: budget.eligibility.minAge ?? undefined, maxAge: budget.eligibility.maxAge ?? undefined }, now),
  };
}

/**
 * A project by its id alone, with its budget; withdrawn projects are not shown. The budgets module
 * finds projects within a budget, so this looks through the city's budgets (a few a year).
 */
async function findBudgetProject(ctx: AppContext, organisation: Organisation, id: number): Promise<{ budget: Budget; project: Project }> {
  for (const budget of await findBudgets(ctx.db, organisation.id)) {
    const project = await findProject(ctx.db, budget.id, id);
    if (project) {
      if (project.status === 'withdrawn') break;
      return { budget, project };
    }
  }
  throw new AppError('BUDGET_PROJECT_NOT_FOUND');
}

/**
 * Where a comment is read, for links from lists (the moderators' queue): the subject's page when its
 * address needs only the id, else `/comments/:id`, which finds the subject and redirects there.
 */
export function commentLink(comment: { id: number; subjectType: SubjectType; subjectId: number }): string {
  const base = { proposal: '/proposals/', debate: '/debates/', report: '/reports/', budget_project: undefined }[comment.subjectType];
  return base ? `${base}${comment.subjectId}#comment-${comment.id}` : `/comments/${comment.id}`;
}
