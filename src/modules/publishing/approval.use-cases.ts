import { createHash, randomBytes } from 'node:crypto';
import type { Viewer } from '../../platform/auth/users.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findReviewLink, insertReviewLink, replaceSteps, type ApprovalStep } from './approval.repository.ts';
import { PUBLISH_JOB } from './delivery.ts';
import { stepsFor } from './steps.ts';
import { clearReviewAfterwards, findPost, insertDecision, movePost, type Post } from './posts.repository.ts';
import { authorizePost, authorizePublishing, mayApproveStep, mayWriteFor } from './publishing.policy.ts';
import { loadPost, postProblems, readPost, type DestinationProblems } from './posts.use-cases.ts';

/** A second member of staff confirms an emergency publication within this time. */
export const EMERGENCY_WINDOW_MS = 15 * 60_000;
export const MAX_REVIEW_DAYS = 30;

type Actor = { id: number; label: string };
const actorOf = (viewer: Viewer): Actor => ({ id: viewer.id, label: viewer.displayName });

async function audit(
  db: Executor,
  organisation: Organisation,
  actor: Actor | { id: null; label: string },
  action: string,
  post: Post,
  after?: unknown,
) {
  await recordAudit(db, {
    organisationId: organisation.id,
    actor,
    action: `publishing.post.${action}`,
    subjectType: 'publishing_post',
    subjectId: post.id,
    before: { state: post.state, version: post.version, step: post.approvalPosition },
    ...(after === undefined ? {} : { after }),
  });
}

/** The current step of a post in review, with whether the viewer approves at it. */
export async function currentStep(
  ctx: AppContext,
  post: Post,
): Promise<{ step: ApprovalStep; steps: ApprovalStep[] } | undefined> {
  if (post.state !== 'in_review') return undefined;
  const steps = await stepsFor(ctx.db, post.organisationId, post.departmentId);
  const step = steps[Math.min(post.approvalPosition, steps.length - 1)];
  return step ? { step, steps } : undefined;
}

function checkApprover(viewer: Viewer, step: ApprovalStep, post: Post): void {
  const verdict = mayApproveStep(
    viewer,
    { departmentId: step.approverDepartmentId, userIds: step.approverUserIds },
    post,
  );
  if (verdict !== 'ok') throw new AppError(verdict);
}

/** Puts an approved post on its schedule (now when it has none) and asks the job to look. */
async function schedule(
  ctx: AppContext,
  tx: Executor,
  organisation: Organisation,
  post: Post,
  from: Post['state'][],
  extra = {},
) {
  const moved = await movePost(tx, organisation.id, post.id, from, 'scheduled', {
    scheduledAt: post.scheduledAt ?? new Date(),
    version: post.version,
    ...extra,
  });
  if (!moved) throw new AppError('PUBLISHING_NOT_IN_REVIEW');
  await ctx.jobs.enqueue(
    PUBLISH_JOB,
    {},
    { organisationId: organisation.id, runAt: post.scheduledAt ?? new Date() },
    tx,
  );
}

/** Approves the current step (four eyes: never the author); the last step schedules the post. */
export async function approvePost(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  comment = '',
) {
  authorizePublishing(viewer, 'write');
  const post = await findPost(ctx.db, organisation.id, id);
  if (!post) throw new AppError('PUBLISHING_POST_NOT_FOUND');
  const current = await currentStep(ctx, post);
  if (!current) throw new AppError('PUBLISHING_NOT_IN_REVIEW');
  checkApprover(viewer, current.step, post);
  const last = post.approvalPosition >= current.steps.length - 1;
  await ctx.db.transaction().execute(async (tx) => {
    await insertDecision(tx, {
      organisationId: organisation.id,
      postId: post.id,
      version: post.version,
      position: post.approvalPosition,
      userId: viewer.id,
      decision: 'approved',
      comment,
    });
    if (last) await schedule(ctx, tx, organisation, post, ['in_review']);
    else if (
      !(await movePost(tx, organisation.id, post.id, ['in_review'], 'in_review', {
        approvalPosition: post.approvalPosition + 1,
        version: post.version,
      }))
    )
      throw new AppError('PUBLISHING_NOT_IN_REVIEW');
    await audit(tx, organisation, actorOf(viewer), 'approve', post, { step: post.approvalPosition, last });
  });
  return { scheduled: last };
}

/** Sends the post back to its author with a comment (an approver of the current step). */
export async function requestChanges(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  comment: string,
) {
  authorizePublishing(viewer, 'write');
  const post = await findPost(ctx.db, organisation.id, id);
  if (!post) throw new AppError('PUBLISHING_POST_NOT_FOUND');
  const current = await currentStep(ctx, post);
  if (!current) throw new AppError('PUBLISHING_NOT_IN_REVIEW');
  checkApprover(viewer, current.step, post);
  if (comment.trim() === '')
    return { ok: false as const, code: 'VALIDATION_FAILED' as const, fields: { comment: 'required' } };
  await ctx.db.transaction().execute(async (tx) => {
    if (
      !(await movePost(tx, organisation.id, post.id, ['in_review'], 'changes_requested', {
        approvalPosition: 0,
        version: post.version,
      }))
    )
      throw new AppError('PUBLISHING_NOT_IN_REVIEW');
    await insertDecision(tx, {
      organisationId: organisation.id,
      postId: post.id,
      version: post.version,
      position: post.approvalPosition,
      userId: viewer.id,
      decision: 'changes_requested',
      comment: comment.trim(),
    });
    await audit(tx, organisation, actorOf(viewer), 'request_changes', post);
  });
  return { ok: true as const };
}

/** A comment on the post by anyone who may write it. */
export async function commentOnPost(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  comment: string,
) {
  authorizePublishing(viewer, 'write');
  const post = await readPost(ctx, viewer, organisation, id);
  if (comment.trim() === '')
    return { ok: false as const, code: 'VALIDATION_FAILED' as const, fields: { comment: 'required' } };
  await ctx.db.transaction().execute(async (tx) => {
    await insertDecision(tx, {
      organisationId: organisation.id,
      postId: post.id,
      version: post.version,
      position: null,
      userId: viewer.id,
      decision: 'comment',
      comment: comment.trim().slice(0, 5000),
    });
    await audit(tx, organisation, actorOf(viewer), 'comment', post);
  });
  return { ok: true as const };
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A link for someone without an account to read, comment, approve or ask for changes on this one post. */
export async function createReviewLink(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  reviewerName: string,
  days: number,
) {
  authorizePublishing(viewer, 'write');
  const post = await loadPost(ctx, viewer, organisation, id);
  const fields: Record<string, string> = {};
  if (reviewerName.trim() === '' || reviewerName.length > 200) fields.reviewerName = 'required';
  if (!Number.isInteger(days) || days < 1 || days > MAX_REVIEW_DAYS) fields.days = 'out-of-range';
  if (Object.keys(fields).length > 0) return { ok: false as const, code: 'VALIDATION_FAILED' as const, fields };
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + days * 86_400_000);
  await ctx.db.transaction().execute(async (tx) => {
    await insertReviewLink(tx, {
      organisationId: organisation.id,
      postId: post.id,
      tokenHash: hashToken(token),
      reviewerName: reviewerName.trim(),
      expiresAt,
      createdBy: viewer.id,
    });
    await audit(tx, organisation, actorOf(viewer), 'review_link', post, {
      reviewerName: reviewerName.trim(),
      expiresAt,
    });
  });
  return { ok: true as const, token, expiresAt };
}

/** The post a review link opens; an unknown link and an expired one are told apart. */
export async function openReviewLink(ctx: AppContext, organisation: Organisation, token: string) {
  const link = token.length > 100 ? undefined : await findReviewLink(ctx.db, organisation.id, hashToken(token));
  if (!link) throw new AppError('PUBLISHING_REVIEW_LINK_INVALID');
  if (link.expiresAt.getTime() <= Date.now()) throw new AppError('PUBLISHING_REVIEW_LINK_EXPIRED');
  const post = await findPost(ctx.db, organisation.id, link.postId);
  if (!post) throw new AppError('PUBLISHING_REVIEW_LINK_INVALID');
  return { link, post };
}

export type ReviewerDecision = 'comment' | 'approved' | 'changes_requested';

/**
 * What the outside reviewer says: a comment, an approval (recorded on the post for the approvers to
 * see; it takes no step itself) or changes requested (the post goes back to its author).
 */
export async function decideByReviewLink(
  ctx: AppContext,
  organisation: Organisation,
  token: string,
  decision: ReviewerDecision,
  comment: string,
) {
  const { link, post } = await openReviewLink(ctx, organisation, token);
  if (decision !== 'approved' && comment.trim() === '')
    return { ok: false as const, code: 'VALIDATION_FAILED' as const, fields: { comment: 'required' } };
  const actor = { id: null, label: `${link.reviewerName} (review link ${link.id})` };
  await ctx.db.transaction().execute(async (tx) => {
    if (
      decision === 'changes_requested' &&
      !(await movePost(tx, organisation.id, post.id, ['in_review', 'draft'], 'changes_requested', {
        approvalPosition: 0,
      }))
    )
      throw new AppError('PUBLISHING_NOT_IN_REVIEW');
    await insertDecision(tx, {
      organisationId: organisation.id,
      postId: post.id,
      version: post.version,
      position: null,
      userId: null,
      reviewLinkId: link.id,
      decision,
      comment: comment.trim().slice(0, 5000),
    });
    await audit(tx, organisation, actor, `review_${decision}`, post);
  });
  return { ok: true as const };
}

export type EmergencyOutcome =
  { ok: true } | { ok: false; code: 'PUBLISHING_POST_HAS_PROBLEMS' | 'NO_DESTINATION'; problems: DestinationProblems };

/** The emergency path, first half: one member of staff asks to publish at once, skipping approval. */
export async function startEmergency(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<EmergencyOutcome> {
  authorizePublishing(viewer, 'write');
  const post = await loadPost(ctx, viewer, organisation, id);
  if (!['draft', 'in_review', 'changes_requested', 'approved', 'scheduled'].includes(post.state))
    throw new AppError('PUBLISHING_POST_NOT_EDITABLE');
  if (post.destinationIds.length === 0) return { ok: false, code: 'NO_DESTINATION', problems: [] };
  const { problems } = await postProblems(ctx, ctx.db, organisation, post);
  if (problems.length > 0) return { ok: false, code: 'PUBLISHING_POST_HAS_PROBLEMS', problems };
  await ctx.db.transaction().execute(async (tx) => {
    const moved = await movePost(tx, organisation.id, post.id, [post.state], post.state, {
      emergencyStartedBy: viewer.id,
      emergencyStartedAt: new Date(),
      emergencyConfirmedBy: null,
      version: post.version,
    });
    if (!moved) throw new AppError('PUBLISHING_POST_NOT_EDITABLE');
    await insertDecision(tx, {
      organisationId: organisation.id,
      postId: post.id,
      version: post.version,
      position: null,
      userId: viewer.id,
      decision: 'emergency_started',
    });
    await audit(tx, organisation, actorOf(viewer), 'emergency_start', post);
  });
  return { ok: true };
}

/** The emergency path, second half: another member of staff confirms within 15 minutes; published at once, reviewed afterwards. */
export async function confirmEmergency(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<void> {
  authorizePublishing(viewer, 'write');
  const post = await findPost(ctx.db, organisation.id, id);
  if (!post) throw new AppError('PUBLISHING_POST_NOT_FOUND');
  authorizePost(viewer, post);
  if (post.emergencyStartedBy === null || post.emergencyStartedAt === null)
    throw new AppError('PUBLISHING_EMERGENCY_NOT_STARTED');
  if (post.emergencyStartedBy === viewer.id || post.authorId === viewer.id)
    throw new AppError('PUBLISHING_EMERGENCY_SAME_PERSON');
  if (Date.now() - post.emergencyStartedAt.getTime() > EMERGENCY_WINDOW_MS)
    throw new AppError('PUBLISHING_EMERGENCY_EXPIRED');
  await ctx.db.transaction().execute(async (tx) => {
    await schedule(
      ctx,
      tx,
      organisation,
      { ...post, scheduledAt: new Date() },
      ['draft', 'in_review', 'changes_requested', 'approved', 'scheduled'],
      {
        emergencyConfirmedBy: viewer.id,
        reviewAfterwards: true,
      },
    );
    await insertDecision(tx, {
      organisationId: organisation.id,
      postId: post.id,
      version: post.version,
      position: null,
      userId: viewer.id,
      decision: 'emergency_confirmed',
    });
    await audit(tx, organisation, actorOf(viewer), 'emergency_confirm', post);
  });
}

/** After an emergency publication, an approver of the post's first step marks it reviewed. */
export async function markReviewed(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, id: number) {
  authorizePublishing(viewer, 'write');
  const post = await readPost(ctx, viewer, organisation, id);
  if (!post.reviewAfterwards) throw new AppError('PUBLISHING_NOT_IN_REVIEW');
  const [step] = await stepsFor(ctx.db, organisation.id, post.departmentId);
  if (step) {
    const verdict = mayApproveStep(
      viewer,
      { departmentId: step.approverDepartmentId, userIds: step.approverUserIds },
      { authorId: post.emergencyStartedBy },
    );
    if (verdict !== 'ok' || post.authorId === viewer.id)
      throw new AppError(verdict === 'ok' ? 'PUBLISHING_OWN_POST' : verdict);
  }
  await ctx.db.transaction().execute(async (tx) => {
    await clearReviewAfterwards(tx, organisation.id, post.id);
    await audit(tx, organisation, actorOf(viewer), 'reviewed_afterwards', post);
  });
}

export interface StepInput {
  name: string;
  approverDepartmentId: number | null;
  approverUserIds: number[];
}

/** Administrators set the steps of one department (or of posts without one); an empty list removes them. */
export async function saveSteps(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  departmentId: number | null,
  steps: StepInput[],
) {
  authorizePublishing(viewer, 'configure');
  const fields: Record<string, string> = {};
  steps.forEach((step, index) => {
    if (step.name.trim() === '' || step.name.length > 200) fields[`step_${index}_name`] = 'required';
    if (step.approverDepartmentId === null && step.approverUserIds.length === 0)
      fields[`step_${index}_approvers`] = 'required';
  });
  if (Object.keys(fields).length > 0) return { ok: false as const, code: 'VALIDATION_FAILED' as const, fields };
  await ctx.db.transaction().execute(async (tx) => {
    await replaceSteps(
      tx,
      organisation.id,
      departmentId,
      steps.map((step) => ({ ...step, name: step.name.trim() })),
    );
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'publishing.steps.save',
      subjectType: 'publishing_approval_step',
      subjectId: departmentId,
      after: steps,
    });
  });
  return { ok: true as const };
}

export { mayWriteFor };
