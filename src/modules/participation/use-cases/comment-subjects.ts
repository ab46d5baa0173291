import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { findDebate } from '../conversation.repository.ts';
import { SUBJECT_TYPES, type SubjectType } from '../participation.schema.ts';
import { findProcess, type Process } from '../processes.repository.ts';
import { findProposal } from '../proposals.repository.ts';
import { eligibilityBlocker, ruleBlocker, takePartBlocker, type Refused } from './shared.ts';

/**
 * What a comment is about, once found visible: where it is shown, and who may comment on it now.
 * Proposals and debates follow their process (phase and eligibility); other modules' things (a report,
 * a budget project) are found through the registry's discussed subjects, which say where they are and
 * whose rules apply: a process's eligibility (without its phases), or a verification level and ages.
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
export function processSubject(
  ctx: AppContext,
  organisation: Organisation,
  type: 'proposal' | 'debate',
  id: number,
  process: Process,
): CommentSubject {
  return {
    type,
    id,
    href: type === 'proposal' ? `/proposals/${id}` : `/debates/${id}`,
    blocker: (viewer, now = new Date()) =>
      takePartBlocker(
        ctx,
        viewer,
        organisation,
        process,
        type === 'proposal' ? 'proposals' : 'debates',
        'comment',
        now,
      ),
  };
}

/** Finds the subject of a comment; an unknown or hidden one is its type's 404 (nothing is stored). */
export async function loadSubject(
  ctx: AppContext,
  organisation: Organisation,
  type: SubjectType,
  id: number,
): Promise<CommentSubject> {
  if (type === 'proposal' || type === 'debate') {
    const subject =
      type === 'proposal'
        ? await findProposal(ctx.db, organisation.id, id)
        : await findDebate(ctx.db, organisation.id, id);
    if (!subject || subject.hidden) throw new AppError(SUBJECT_NOT_FOUND[type]);
    const process = await findProcess(ctx.db, organisation.id, subject.processId);
    if (!process) throw new AppError('PROCESS_NOT_FOUND');
    return processSubject(ctx, organisation, type, id, process);
  }
  // Reports, budget projects…: the module that keeps them says where they are and who may take part.
  const provider = ctx.registry.discussedSubjects.find((candidate) => candidate.type === type);
  if (!provider) throw new AppError('COMMENT_SUBJECT_UNKNOWN');
  const subject = await provider.find(ctx, organisation.id, id);
  if (!subject) throw new AppError(provider.notFound);
  const { rules } = subject;
  const process = 'processId' in rules ? await findProcess(ctx.db, organisation.id, rules.processId) : undefined;
  return {
    type,
    id,
    href: subject.href,
    blocker: (viewer, now = new Date()) =>
      process
        ? eligibilityBlocker(ctx, viewer, organisation, process, now)
        : ruleBlocker(ctx, viewer, organisation, 'level' in rules ? rules : { level: 'verified' }, now),
  };
}

/**
 * Where a comment is read, for links from lists (the moderators' queue): the subject's page when its
 * address needs only the id, else `/comments/:id`, which finds the subject and redirects there.
 */
export function commentLink(comment: { id: number; subjectType: SubjectType; subjectId: number }): string {
  const base = { proposal: '/proposals/', debate: '/debates/', report: '/reports/', budget_project: undefined }[
    comment.subjectType
  ];
  return base ? `${base}${comment.subjectId}#comment-${comment.id}` : `/comments/${comment.id}`;
}
