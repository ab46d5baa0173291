import { recordAudit } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { mastodonAccountOf } from './accounts.ts';
import { collectFromMastodon } from './collect.use-cases.ts';
import { answerByKeyword } from './consent.use-cases.ts';
import {
  findConsentsOfPost,
  findEndedConsents,
  findOpenMastodonRequests,
  withdrawConsent,
} from './consent.repository.ts';
import { fetchStatus, MastodonError, statusReplies } from './mastodon.ts';
import { findPostsToRecheck, markChecked, movePost } from './posts.repository.ts';
import { mayCollect } from './text.ts';

/** The recurring upkeep: Mastodon posts re-checked, consents past their end taken off, keyword answers read. */
export const UPKEEP_JOB = 'resident-content.upkeep';
export const UPKEEP_EVERY_MS = 15 * 60_000;
/** A kept Mastodon post is asked about again after this long. */
const RECHECK_AFTER_MS = 6 * 3_600_000;

const SYSTEM = { id: null, label: 'system' } as const;

/**
 * Mastodon posts asked about or featured, looked at again: a status answered 404/410 was deleted by its
 * author (gone); an author who turned discovery off withdraws every consent of that post. A server that
 * does not answer changes nothing (asked again next time).
 */
export async function recheckMastodonPosts(ctx: AppContext, limit = 50): Promise<number> {
  let removed = 0;
  for (const post of await findPostsToRecheck(ctx.db, new Date(Date.now() - RECHECK_AFTER_MS), limit)) {
    const account = await mastodonAccountOf(ctx, post.organisationId, post.destinationId);
    if (!account) continue;
    const now = await fetchStatus(ctx, account, post.remoteId);
    if (now.state === 'unknown') continue;
    const gone = now.state === 'gone';
    if (!gone && mayCollect(now.status.account) && now.status.visibility === 'public') {
      await markChecked(ctx.db, post.id);
      continue;
    }
    await inTransaction(ctx.db, async (tx) => {
      if (!gone)
        for (const consent of await findConsentsOfPost(tx, post.id))
          await withdrawConsent(tx, consent.id, 'discovery-off');
      if (!(await movePost(tx, post.id, ['asked', 'featured'], gone ? 'gone' : 'withdrawn'))) return;
      removed += 1;
      await recordAudit(tx, {
        organisationId: post.organisationId,
        actor: SYSTEM,
        action: gone ? 'resident-content.gone' : 'resident-content.withdrawn',
        subjectType: 'resident-post',
        subjectId: post.id,
        before: { state: post.state },
        after: { reason: gone ? 'deleted by its author' : 'author opted out of discovery' },
      });
    });
  }
  return removed;
}

/** Consents past their end: the post leaves the site and its copy is erased. */
export async function expireConsents(ctx: AppContext, limit = 200): Promise<number> {
  let expired = 0;
  for (const consent of await findEndedConsents(ctx.db, limit))
    await inTransaction(ctx.db, async (tx) => {
      if (!(await movePost(tx, consent.post_id, ['featured'], 'expired'))) return;
      expired += 1;
      await recordAudit(tx, {
        organisationId: consent.organisation_id,
        actor: SYSTEM,
        action: 'resident-content.expired',
        subjectType: 'resident-post',
        subjectId: consent.post_id,
        after: { consentId: consent.id },
      });
    });
  return expired;
}

/** Answers to the city's consent requests on Mastodon, read under each request's status. */
export async function readMastodonAnswers(ctx: AppContext, limit = 100): Promise<number> {
  let answered = 0;
  for (const request of await findOpenMastodonRequests(ctx.db, limit)) {
    const organisation = await ctx.organisations.findById(request.organisation_id);
    const account = await mastodonAccountOf(ctx, request.organisation_id, request.destination_id);
    if (!organisation || !account || !request.sent_remote_id) continue;
    let replies;
    try {
      replies = await statusReplies(ctx, account, request.sent_remote_id);
    } catch (error) {
      if (error instanceof MastodonError) continue;
      throw error;
    }
    for (const reply of replies) {
      if (reply.inReplyToId !== request.sent_remote_id || reply.account.acct !== request.author_id) continue;
      if (await answerByKeyword(ctx, organisation, request.sent_remote_id, reply.account.acct, reply.text, reply.url)) {
        answered += 1;
        break;
      }
    }
  }
  return answered;
}

/** Every city's Mastodon hashtags collected. */
export async function collectEverywhere(ctx: AppContext): Promise<number> {
  let collected = 0;
  for (const organisation of await ctx.organisations.findAll())
    collected += await collectFromMastodon(ctx, organisation);
  return collected;
}

export async function runUpkeep(ctx: AppContext): Promise<void> {
  await readMastodonAnswers(ctx);
  await recheckMastodonPosts(ctx);
  await expireConsents(ctx);
}
