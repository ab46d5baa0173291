import { randomBytes } from 'node:crypto';
import { hashToken, randomToken } from '../../platform/auth/tokens.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction, type Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import { ChannelUnavailable, sendToAuthor } from './channel.ts';
import {
  answerRequest,
  deleteRequest,
  findConsentByWithdrawToken,
  findOpenRequestBySent,
  findOpenRequestByToken,
  insertConsent,
  insertRequest,
  setRequestSent,
  withdrawConsent,
} from './consent.repository.ts';
import { isLicence, periodOf, validUntil, type Licence } from './licences.ts';
import { findPost, insertOptout, isOptedOut, movePost, type ResidentPost } from './posts.repository.ts';
import { authorizeResidentContent } from './resident-content.policy.ts';
import { askMessage, thanksMessage } from './resident-content.messages.ts';
import { keywordAnswer, keywordCode, mayCollect } from './text.ts';
import { mastodonAccountOf } from './accounts.ts';
import { fetchStatus } from './mastodon.ts';

/** How long a consent request (its link and keyword) stays open. */
export const REQUEST_DAYS = 30;

export interface AskInput {
  licence: unknown;
  months: unknown;
  via: unknown;
}

/**
 * Staff ask a collected post's author for consent, on the post's channel: one message with a one-time
 * link to the consent page and a keyword to answer instead. The request is stored first (its id is the
 * message's idempotency key), then sent; when the channel refuses, nothing stays recorded.
 */
export async function askConsent(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  postId: number,
  input: AskInput,
): Promise<{ requestId: number }> {
  authorizeResidentContent(viewer);
  const post = await findPost(ctx.db, organisation.id, postId);
  if (!post) throw new AppError('RESIDENT_POST_NOT_FOUND');
  const months = periodOf(input.months);
  if (!isLicence(input.licence) || months === undefined || (input.via !== 'reply' && input.via !== 'direct'))
    throw new AppError('RESIDENT_ASK_INVALID');
  if (post.state !== 'collected' || (await isOptedOut(ctx.db, organisation.id, post.source, post.authorId)))
    throw new AppError('RESIDENT_POST_NOT_ASKABLE');
  if (!(await stillAskable(ctx, post))) throw new AppError('RESIDENT_POST_NOT_ASKABLE');
  const token = randomToken();
  const code = keywordCode(randomBytes(4));
  const requestId = await insertRequest(ctx.db, {
    organisationId: organisation.id,
    postId: post.id,
    askedBy: viewer.id,
    via: input.via,
    tokenHash: hashToken(token),
    keyword: code,
    licence: input.licence,
    months,
    expiresAt: new Date(Date.now() + REQUEST_DAYS * 86_400_000),
  });
  const message = askMessage(organisation, post, {
    link: absoluteUrl(ctx.config, organisation, `/consent/${token}`),
    code,
    licence: input.licence,
    months,
  });
  let sentId: string;
  try {
    sentId = await sendToAuthor(ctx, post, {
      ...message,
      visibility: input.via === 'direct' ? 'direct' : 'public',
      idempotencyKey: `resident-consent-${organisation.id}-${requestId}`,
    });
  } catch (error) {
    await deleteRequest(ctx.db, requestId);
    ctx.log.warn({ postId: post.id, error: (error as Error).message }, 'residents content: consent request not sent');
    throw new AppError(error instanceof ChannelUnavailable ? 'RESIDENT_NO_CHANNEL' : 'RESIDENT_ASK_FAILED');
  }
  await inTransaction(ctx.db, async (tx) => {
    await setRequestSent(tx, requestId, sentId);
    await movePost(tx, post.id, ['collected'], 'asked');
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'resident-content.asked',
      subjectType: 'resident-post',
      subjectId: post.id,
      after: { requestId, via: input.via, licence: input.licence, months, sent: sentId },
    });
  });
  return { requestId };
}

/**
 * A Mastodon post is looked at again before its author is asked: deleted meanwhile (gone), or its
 * author turned discovery off (dismissed, never asked). A server that does not answer does not stop staff.
 */
async function stillAskable(ctx: AppContext, post: ResidentPost): Promise<boolean> {
  if (post.source !== 'mastodon') return true;
  const account = await mastodonAccountOf(ctx, post.organisationId, post.destinationId);
  if (!account) throw new AppError('RESIDENT_NO_CHANNEL');
  const now = await fetchStatus(ctx, account, post.remoteId);
  if (now.state === 'unknown' || (now.state === 'found' && mayCollect(now.status.account))) return true;
  await movePost(ctx.db, post.id, ['collected'], now.state === 'gone' ? 'gone' : 'dismissed');
  return false;
}

/** What the consent page shows for a token: the post and what was proposed. */
export async function openConsentLink(ctx: AppContext, organisation: Organisation, token: string) {
  const request = await findOpenRequestByToken(ctx.db, organisation.id, hashToken(token));
  const post = request ? await findPost(ctx.db, organisation.id, request.post_id) : undefined;
  if (!request || !post || post.state !== 'asked') throw new AppError('RESIDENT_CONSENT_LINK_INVALID');
  return { request, post };
}

type Answer = 'consented' | 'declined' | 'never';

/**
 * Records an author's answer to a request, once (the request's token and keyword are used up):
 * consented (the consent row, with a withdrawal token, and the post featured), declined, or never
 * (declined and never collected nor asked again). Answers the withdrawal token of a consent.
 */
async function recordAnswer(
  tx: Executor,
  post: ResidentPost,
  request: { id: number },
  answer: Answer,
  consent: {
    via: 'link' | 'keyword';
    licence: Licence;
    months: number;
    userId: number | null;
    evidence: Record<string, unknown>;
  },
): Promise<string | undefined> {
  if (!(await answerRequest(tx, request.id, answer))) throw new AppError('RESIDENT_CONSENT_LINK_INVALID');
  const author = { id: null, label: post.authorHandle ?? post.authorId };
  if (answer !== 'consented') {
    await movePost(tx, post.id, ['asked'], 'declined');
    if (answer === 'never') await insertOptout(tx, post.organisationId, post.source, post.authorId);
    await recordAudit(tx, {
      organisationId: post.organisationId,
      actor: author,
      action: `resident-content.${answer}`,
      subjectType: 'resident-post',
      subjectId: post.id,
      after: { requestId: request.id, via: consent.via },
    });
    return undefined;
  }
  const withdrawToken = randomToken();
  const until = validUntil(new Date(), consent.months);
  const consentId = await insertConsent(tx, {
    organisationId: post.organisationId,
    postId: post.id,
    requestId: request.id,
    authorId: post.authorId,
    userId: consent.userId,
    via: consent.via,
    evidence: consent.evidence,
    licence: consent.licence,
    validUntil: until,
    withdrawTokenHash: hashToken(withdrawToken),
  });
  if (!(await movePost(tx, post.id, ['asked'], 'featured'))) throw new AppError('RESIDENT_CONSENT_LINK_INVALID');
  await recordAudit(tx, {
    organisationId: post.organisationId,
    actor: author,
    action: 'resident-content.consented',
    subjectType: 'resident-post',
    subjectId: post.id,
    after: { consentId, requestId: request.id, via: consent.via, licence: consent.licence, validUntil: until },
  });
  return withdrawToken;
}

/** The author answers through the link: consents with a licence and a period of their choice, or declines. */
export async function answerByLink(
  ctx: AppContext,
  organisation: Organisation,
  viewer: Viewer | null,
  token: string,
  input: { answer: unknown; licence?: unknown; months?: unknown },
): Promise<{ answer: Answer; withdrawToken?: string | undefined }> {
  const { request, post } = await openConsentLink(ctx, organisation, token);
  const answer = input.answer;
  if (answer !== 'consented' && answer !== 'declined' && answer !== 'never')
    throw new AppError('RESIDENT_CONSENT_INVALID');
  const months = periodOf(input.months);
  if (answer === 'consented' && (!isLicence(input.licence) || months === undefined))
    throw new AppError('RESIDENT_CONSENT_INVALID');
  const withdrawToken = await inTransaction(ctx.db, (tx) =>
    recordAnswer(tx, post, request, answer, {
      via: 'link',
      licence: isLicence(input.licence) ? input.licence : 'city-site-only',
      months: months ?? 0,
      userId: viewer?.id ?? null,
      evidence: { link: 'consent page', requestId: request.id, signedIn: viewer !== null },
    }),
  );
  return { answer, withdrawToken };
}

/**
 * An answer on the channel to the city's consent request (`YES-7Q4K`, `NO-…`, `NEVER-…`): counted only
 * from the post's author and only for an open request; a consent is thanked with the withdrawal link.
 * Answers whether the message was such an answer.
 */
export async function answerByKeyword(
  ctx: AppContext,
  organisation: Organisation,
  inReplyTo: string,
  authorId: string,
  text: string,
  evidenceUrl: string,
): Promise<boolean> {
  const request = await findOpenRequestBySent(ctx.db, organisation.id, inReplyTo);
  if (!request) return false;
  const post = await findPost(ctx.db, organisation.id, request.post_id);
  if (!post || post.state !== 'asked' || post.authorId !== authorId) return false;
  const answer = keywordAnswer(text, request.keyword);
  if (!answer || !isLicence(request.licence)) return false;
  const licence = request.licence;
  let withdrawToken: string | undefined;
  try {
    withdrawToken = await inTransaction(ctx.db, (tx) =>
      recordAnswer(tx, post, request, answer, {
        via: 'keyword',
        licence,
        months: request.months ?? 0,
        userId: null,
        evidence: { answer: evidenceUrl, keyword: `${answer}-${request.keyword}` },
      }),
    );
  } catch (error) {
    if (error instanceof AppError) return false;
    throw error;
  }
  if (withdrawToken) {
    const message = thanksMessage(
      organisation,
      post,
      absoluteUrl(ctx.config, organisation, `/consent/withdraw/${withdrawToken}`),
    );
    try {
      await sendToAuthor(ctx, post, {
        ...message,
        visibility: request.via === 'direct' ? 'direct' : 'public',
        idempotencyKey: `resident-thanks-${organisation.id}-${request.id}`,
      });
    } catch (error) {
      ctx.log.warn({ postId: post.id, error: (error as Error).message }, 'residents content: thanks not sent');
    }
  }
  return true;
}

/** What the withdrawal page shows: the consent, whether already withdrawn. */
export async function openWithdrawLink(ctx: AppContext, organisation: Organisation, token: string) {
  const consent = await findConsentByWithdrawToken(ctx.db, organisation.id, hashToken(token));
  if (!consent) throw new AppError('RESIDENT_CONSENT_LINK_INVALID');
  return consent;
}

/** The author withdraws their consent: the post leaves the site at once and its copy is erased. */
export async function withdrawByLink(ctx: AppContext, organisation: Organisation, token: string): Promise<void> {
  const consent = await openWithdrawLink(ctx, organisation, token);
  await inTransaction(ctx.db, async (tx) => {
    if (!(await withdrawConsent(tx, consent.id, 'link'))) return;
    await movePost(tx, consent.post_id, ['featured', 'asked', 'collected'], 'withdrawn');
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: null, label: consent.author_id },
      action: 'resident-content.withdrawn',
      subjectType: 'resident-post',
      subjectId: consent.post_id,
      after: { consentId: consent.id, via: 'link' },
    });
  });
}

/** Staff take a post off the list or off the site (its copy erased; a consent record stays). */
export async function dismissPost(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  postId: number,
): Promise<void> {
  authorizeResidentContent(viewer);
  const post = await findPost(ctx.db, organisation.id, postId);
  if (!post) throw new AppError('RESIDENT_POST_NOT_FOUND');
  await inTransaction(ctx.db, async (tx) => {
    if (!(await movePost(tx, post.id, ['collected', 'asked', 'featured'], 'dismissed'))) return;
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'resident-content.dismissed',
      subjectType: 'resident-post',
      subjectId: post.id,
      before: { state: post.state },
    });
  });
}
