import { recordAudit } from '../../../platform/audit.ts';
import { consumeRateLimit } from '../../../platform/auth/rate-limit.ts';
import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { checkEligibility } from '../../verification/index.ts';
import {
  findComment,
  insertComment,
  insertFlag,
  lockComment,
  setCommentHidden,
  setCommentVote,
} from '../conversation.repository.ts';
import { authorizeParticipation } from '../participation.policy.ts';
import type { Stance, SubjectType } from '../participation.schema.ts';
import { loadSubject } from './comment-subjects.ts';
import { actor, type FieldErrors, type Refused } from './shared.ts';

export { loadSubject } from './comment-subjects.ts';

/** Comments one person may post in ten minutes, on all subjects together: enough to discuss, not to flood. */
export const COMMENTS_PER_TEN_MINUTES = 30;

export interface CommentInput {
  subjectType: SubjectType;
  subjectId: number;
  parentId: number | null;
  body: string;
  stance: Stance | null;
}

export type CommentOutcome =
  { ok: true; id: number; href: string } | Refused | { ok: false; code: 'COMMENT_INVALID'; fields: FieldErrors };

/**
 * Posts a comment on a proposal, debate, report or budget project when the person may comment on it
 * now (see CommentSubject). A reply answers a top-level comment (a reply to a reply joins the same
 * thread); an argument for or against is a top-level comment on a debate. Rate-limited per person.
 */
export async function postComment(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: CommentInput,
  now = new Date(),
): Promise<CommentOutcome> {
  const subject = await loadSubject(ctx, organisation, input.subjectType, input.subjectId);
  const blocker = await subject.blocker(viewer, now);
  if (blocker || !viewer) return { ok: false, code: blocker ?? 'AUTHENTICATION_REQUIRED' };
  const errors: FieldErrors = {};
  const body = input.body.trim();
  if (body.length < 2) errors.body = 'commentRequired';
  else if (body.length > 5000) errors.body = 'tooLong';
  let parentId = input.parentId;
  if (parentId !== null) {
    const parent = await findComment(ctx.db, organisation.id, parentId);
    if (!parent || parent.subjectType !== input.subjectType || parent.subjectId !== input.subjectId)
      errors.body = 'parent';
    else parentId = parent.parentId ?? parent.id;
  }
  const stance = input.subjectType === 'debate' && parentId === null ? input.stance : null;
  if (Object.keys(errors).length > 0) return { ok: false, code: 'COMMENT_INVALID', fields: errors };
  const limit = await consumeRateLimit(ctx.db, organisation.id, {
    key: `comment:user:${viewer.id}`,
    limit: COMMENTS_PER_TEN_MINUTES,
    windowSeconds: 600,
  });
  if (!limit.allowed) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: limit.retryAfterSeconds });
  const id = await insertComment(ctx.db, {
    organisationId: organisation.id,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    parentId,
    authorId: viewer.id,
    body,
    stance,
  });
  return { ok: true, id, href: subject.href };
}

/**
 * Up (1) or down (-1) vote on a comment, or 0 to take the vote back; one vote per person and comment
 * (UNIQUE), changeable. Needs a confirmed e-mail address. Counts are recounted under the comment's lock.
 */
export async function voteComment(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  commentId: number,
  value: -1 | 0 | 1,
): Promise<
  | { ok: true; ups: number; downs: number; href: string }
  | { ok: false; code: 'PARTICIPATION_EMAIL_NOT_CONFIRMED' | 'COMMENT_HIDDEN' | 'COMMENT_OWN_VOTE' }
> {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  const comment = await findComment(ctx.db, organisation.id, commentId);
  if (!comment) throw new AppError('COMMENT_NOT_FOUND');
  const { href } = await loadSubject(ctx, organisation, comment.subjectType, comment.subjectId);
  // a vote is the others' judgement of a comment; taking one's own back (0) stays possible for older votes
  if (comment.authorId === viewer.id && value !== 0) return { ok: false, code: 'COMMENT_OWN_VOTE' };
  const eligible = await checkEligibility(ctx.db, organisation.id, viewer.id, { level: 'email' });
  if (!eligible.ok) return { ok: false, code: 'PARTICIPATION_EMAIL_NOT_CONFIRMED' };
  return ctx.db.transaction().execute(async (tx) => {
    const row = await lockComment(tx, organisation.id, commentId);
    if (!row) throw new AppError('COMMENT_NOT_FOUND');
    if (row.hidden_at) return { ok: false, code: 'COMMENT_HIDDEN' } as const;
    const counts = await setCommentVote(tx, organisation.id, commentId, viewer.id, value);
    return { ok: true, ...counts, href } as const;
  });
}

export const FLAG_REASONS = ['spam', 'offensive', 'off-topic', 'personal-data'] as const;

/** Flags a comment for the moderators, once per person. */
export async function flagComment(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  commentId: number,
  reason: string,
): Promise<{ href: string }> {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  const comment = await findComment(ctx.db, organisation.id, commentId);
  if (!comment) throw new AppError('COMMENT_NOT_FOUND');
  const { href } = await loadSubject(ctx, organisation, comment.subjectType, comment.subjectId);
  if (!(FLAG_REASONS as readonly string[]).includes(reason)) throw new AppError('COMMENT_INVALID');
  if (!comment.hidden) await insertFlag(ctx.db, organisation.id, comment.id, viewer.id, reason);
  return { href };
}

/**
 * A moderator hides a comment with a reason, or shows it again; either way an audit line records who,
 * when and why. A hidden comment keeps its place in the thread, its text replaced by a notice.
 */
export async function moderateComment(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  commentId: number,
  input: { hide: boolean; reason: string },
  now = new Date(),
): Promise<{ ok: true } | { ok: false; code: 'VALIDATION_FAILED'; fields: FieldErrors }> {
  authorizeParticipation(viewer, 'moderate');
  const comment = await findComment(ctx.db, organisation.id, commentId);
  if (!comment) throw new AppError('COMMENT_NOT_FOUND');
  const reason = input.reason.trim();
  if (input.hide && (reason.length < 2 || reason.length > 500))
    return { ok: false, code: 'VALIDATION_FAILED', fields: { reason: 'reason' } };
  await ctx.db.transaction().execute(async (tx) => {
    await setCommentHidden(tx, comment.id, input.hide ? { by: viewer.id, reason, at: now } : null);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: input.hide ? 'participation.comment.hide' : 'participation.comment.show',
      subjectType: 'participation_comment',
      subjectId: comment.id,
      before: { hidden: comment.hidden, reason: comment.hiddenReason, flags: comment.flags },
      after: input.hide ? { hidden: true, reason } : { hidden: false, reason: reason || null },
    });
  });
  return { ok: true };
}
