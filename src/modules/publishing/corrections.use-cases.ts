import type { Viewer } from '../../platform/auth/users.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { recordEvent } from '../../platform/events.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { postLanguages } from './channel-post.ts';
import {
  cancelUnsentDeliveries,
  insertChanges,
  markPostCorrected,
  markPostWithdrawn,
} from './corrections.repository.ts';
import { findDeliveriesOfPost } from './delivery.repository.ts';
import { PUBLISH_JOB } from './delivery.ts';
import { findDestinations } from './destinations.repository.ts';
import { adapterFor } from './destinations.use-cases.ts';
import { findPost, insertVersion, replacePostContent } from './posts.repository.ts';
import { checkInput, cleanInput, postProblems, type PostInput, type SaveOutcome } from './posts.use-cases.ts';
import { postCorrected, postWithdrawn } from './publishing.events.ts';
import { authorizePost, authorizePublishing } from './publishing.policy.ts';

/*
 * A post already out is never edited as a draft (that would send it back through approval while the
 * residents read the old text): it is corrected — the text changes, every channel that can edit a post
 * in place is asked to (Mastodon, Telegram, Facebook, the fediverse as an `Update`, the news page), and
 * those that cannot (a newsletter already sent, Instagram) are listed as such — or withdrawn, with a
 * reason, which removes it wherever the channel can delete (the fediverse as a `Delete`). Both are
 * audited and announced as events; the publishing job applies them, and may repeat them safely.
 */

export const MAX_WITHDRAW_REASON = 1_000;

/** Deliveries a change concerns: those the channel holds (or may hold: a publish in doubt). */
const OUT: ReadonlySet<string> = new Set(['published', 'processing', 'uncertain', 'publishing']);

async function publishedPost(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, id: number) {
  authorizePublishing(viewer, 'write');
  const post = await findPost(ctx.db, organisation.id, id);
  if (!post) throw new AppError('PUBLISHING_POST_NOT_FOUND');
  authorizePost(viewer, post);
  return { post, staff: viewer };
}

/** Which kinds of channel can edit (or delete) a post in place. */
async function abilities(
  ctx: AppContext,
  organisationId: number,
): Promise<Map<number, { edit: boolean; remove: boolean }>> {
  const found = new Map<number, { edit: boolean; remove: boolean }>();
  for (const destination of await findDestinations(ctx.db, organisationId)) {
    const adapter = adapterFor(ctx, destination.kind);
    found.set(destination.id, {
      edit: Boolean(adapter?.limits.edit) && typeof adapter?.update === 'function',
      remove: Boolean(adapter?.limits.remove) && typeof adapter?.remove === 'function',
    });
  }
  return found;
}

/**
 * Corrects a published post: texts, variants and the content warning (the channels, the department, the
 * campaign and the languages stay: a post in another language or on another channel is a new post). The
 * corrected text must fit every channel, as when it was sent for approval.
 */
export async function correctPost(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  raw: PostInput,
): Promise<SaveOutcome> {
  const { post, staff } = await publishedPost(ctx, viewer, organisation, id);
  if (post.state !== 'published') throw new AppError('PUBLISHING_POST_NOT_PUBLISHED');
  const input = cleanInput({
    ...raw,
    departmentId: post.departmentId,
    campaignId: post.campaignId,
    destinationIds: post.destinationIds,
    scheduledAt: post.scheduledAt,
  });
  const fields = await checkInput(ctx, staff, organisation, input);
  const before = new Set(postLanguages(post));
  for (const language of organisation.languages) {
    const has = Boolean(input.texts[language]?.body);
    if (has !== before.has(language)) fields[`body_${language}`] = has ? 'not-published' : 'required';
  }
  if (Object.keys(fields).length === 0) {
    const { problems } = await postProblems(ctx, ctx.db, organisation, {
      ...post,
      texts: input.texts,
      variants: input.variants,
      contentWarning: input.contentWarning,
    });
    for (const destination of problems)
      for (const problem of destination.problems)
        fields[`body_${problem.language}`] ??= problem.code === 'TOO_LONG' ? 'too-long' : 'invalid';
  }
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  const can = await abilities(ctx, organisation.id);
  const now = new Date();
  await ctx.db.transaction().execute(async (tx) => {
    const version = await markPostCorrected(
      tx,
      organisation.id,
      post.id,
      { contentWarning: input.contentWarning },
      now,
    );
    if (version === undefined) throw new AppError('PUBLISHING_POST_NOT_PUBLISHED');
    // read in the transaction, as a withdrawal does: a delivery settled meanwhile is corrected too
    const deliveries = (await findDeliveriesOfPost(tx, organisation.id, post.id)).filter((d) => OUT.has(d.state));
    await replacePostContent(tx, organisation.id, post.id, input.texts, post.destinationIds, input.variants);
    await insertVersion(tx, organisation.id, post.id, version, input.texts, staff.id);
    await insertChanges(
      tx,
      organisation.id,
      version,
      deliveries.map((d) => ({ deliveryId: d.id, kind: 'update', supported: can.get(d.destinationId)?.edit ?? false })),
      now,
    );
    await recordEvent(tx, organisation.id, 'post.corrected', postCorrected(post.id, version));
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: staff.id, label: staff.displayName },
      action: 'publishing.post.correct',
      subjectType: 'publishing_post',
      subjectId: post.id,
      before: { version: post.version, texts: post.texts },
      after: { version, texts: input.texts },
    });
    await ctx.jobs.enqueue(PUBLISH_JOB, {}, { organisationId: organisation.id }, tx);
  });
  return { ok: true, id: post.id };
}

export type WithdrawOutcome = { ok: true } | { ok: false; code: 'PUBLISHING_WITHDRAW_REASON_REQUIRED' };

/**
 * Withdraws a post that is out (or going out): it leaves the news pages, feeds and the site's banner at
 * once; every channel that can delete it is asked to; deliveries not yet sent are not sent.
 */
export async function withdrawPost(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  reason: string,
): Promise<WithdrawOutcome> {
  const { post, staff } = await publishedPost(ctx, viewer, organisation, id);
  if (post.state !== 'published' && post.state !== 'publishing') throw new AppError('PUBLISHING_POST_NOT_PUBLISHED');
  const why = reason.trim();
  if (why === '' || why.length > MAX_WITHDRAW_REASON) return { ok: false, code: 'PUBLISHING_WITHDRAW_REASON_REQUIRED' };
  const can = await abilities(ctx, organisation.id);
  const now = new Date();
  await ctx.db.transaction().execute(async (tx) => {
    const version = await markPostWithdrawn(tx, organisation.id, post.id, why, now);
    if (version === undefined) throw new AppError('PUBLISHING_POST_NOT_PUBLISHED');
    await cancelUnsentDeliveries(tx, organisation.id, post.id);
    const deliveries = (await findDeliveriesOfPost(tx, organisation.id, post.id)).filter((d) => OUT.has(d.state));
    await insertChanges(
      tx,
      organisation.id,
      version,
      deliveries.map((d) => ({
        deliveryId: d.id,
        kind: 'remove',
        supported: can.get(d.destinationId)?.remove ?? false,
      })),
      now,
    );
    await recordEvent(tx, organisation.id, 'post.withdrawn', postWithdrawn(post.id));
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: staff.id, label: staff.displayName },
      action: 'publishing.post.withdraw',
      subjectType: 'publishing_post',
      subjectId: post.id,
      before: { state: post.state },
      after: { state: 'withdrawn', reason: why },
    });
    await ctx.jobs.enqueue(PUBLISH_JOB, {}, { organisationId: organisation.id }, tx);
  });
  return { ok: true };
}
