import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { consumeRateLimit } from '../../platform/auth/rate-limit.ts';
import { hashToken, hmac, randomToken } from '../../platform/auth/tokens.ts';
import type { Language } from '../../platform/i18n/languages.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import {
  claimPendingReport,
  findPendingReport,
  insertPendingReport,
  type PendingReport,
} from './pending-reports.repository.ts';
import { attachPendingPhotos, movePendingPhotos, storePendingPhotos } from './photos.repository.ts';
import type { PhotoType } from './photos.ts';
import { confirmationMail } from './reports.mails.ts';
import { submitReport, type ReportSubmission } from './submit-report.use-cases.ts';
import { CONFIRM_DAYS, notifySoon } from './subscriptions.ts';
import {
  confirmSubscriptionByToken,
  findFollowByConfirmToken,
  followReport,
  followReportUnconfirmed,
} from './subscriptions.repository.ts';

/**
 * Double opt-in for what residents who are not signed in send from the web pages (as FixMyStreet does):
 * a report is held, unpublished, until the address given with it confirms it through a mailed link, and
 * following a report by address ("me too") is mailed nothing until the address confirms. Both are
 * limited per address and per network. Signed-in residents (whose address is confirmed) are not asked;
 * Open311 clients and the inbox do not come here.
 */

/** Reports (and, separately, follows) accepted per e-mail address and hour without signing in. */
export const PER_ADDRESS = { limit: 5, windowSeconds: 3600 };

export interface RateLimited {
  ok: false;
  code: 'RATE_LIMITED';
  retryAfterSeconds: number;
}

/** A link that is unknown, malformed or expired. */
export interface InvalidToken {
  ok: false;
  code: 'TOKEN_INVALID';
}

/** The tokens this file mails: `randomToken`'s 43 URL-safe characters. */
function wellFormed(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/**
 * Counts one anonymous action against the network's public-write limit and the address's hourly limit
 * (keyed by an HMAC of the address, so the table holds no address). The network is counted first: an
 * address is not used up by someone else's flood.
 */
async function limitAnonymous(
  ctx: AppContext,
  organisationId: number,
  action: 'report' | 'follow',
  ip: string,
  email: string,
): Promise<RateLimited | undefined> {
  const byNetwork = await consumeRateLimit(ctx.db, organisationId, {
    key: `reports-anonymous-${action}:ip:${ip}`,
    ...ctx.config.rateLimits.publicWrite,
  });
  if (!byNetwork.allowed) return { ok: false, code: 'RATE_LIMITED', retryAfterSeconds: byNetwork.retryAfterSeconds };
  const address = hmac(ctx.config.secretKey, `reports-address:${email.trim().toLowerCase()}`);
  const byAddress = await consumeRateLimit(ctx.db, organisationId, {
    key: `reports-anonymous-${action}:address:${address}`,
    ...PER_ADDRESS,
  });
  if (!byAddress.allowed) return { ok: false, code: 'RATE_LIMITED', retryAfterSeconds: byAddress.retryAfterSeconds };
  return undefined;
}

export interface AnonymousReport {
  /** The submission, already checked completely (checkSubmission) by the page. */
  submission: ReportSubmission;
  email: string;
  ip: string;
  /** The language the resident wrote in: the confirmation mail's. */
  language: Language;
  /** The category's name, for the mail. */
  category: Translated;
  /** Photos sent with this form, checked and stripped. */
  photos: Array<{ type: PhotoType; data: Buffer }>;
  /** The token of photos kept from earlier steps of the form, if any. */
  keptPhotoToken?: string | undefined;
}

/**
 * Holds a report from a resident who is not signed in until its address confirms it: stores the checked
 * submission with its photos (under a photo token of its own) and a hashed one-time token, and mails the
 * link, all in one transaction. Nothing is public until `confirmPendingReport`. The pending report is in
 * the database, so a restart loses nothing; the notify job removes it when the link expires.
 */
export async function holdAnonymousReport(
  ctx: AppContext,
  organisation: Organisation,
  input: AnonymousReport,
): Promise<{ ok: true } | RateLimited> {
  const email = input.email.trim().toLowerCase();
  const limited = await limitAnonymous(ctx, organisation.id, 'report', input.ip, email);
  if (limited) return limited;
  const token = randomToken();
  const { submission } = input;
  await ctx.db.transaction().execute(async (tx) => {
    const photoToken = randomBytes(16).toString('hex');
    const kept = input.keptPhotoToken
      ? await movePendingPhotos(tx, organisation.id, input.keptPhotoToken, photoToken)
      : 0;
    await storePendingPhotos(tx, organisation.id, null, input.photos, photoToken);
    await insertPendingReport(tx, {
      organisationId: organisation.id,
      email,
      tokenHash: hashToken(token),
      submission: {
        categoryCode: submission.categoryCode,
        lat: submission.lat,
        lng: submission.lng,
        description: submission.description,
        address: submission.address ?? null,
        answers: submission.answers ?? {},
        authorName: submission.authorName ?? null,
        showName: submission.showName ?? false,
      },
      photoToken: kept + input.photos.length > 0 ? photoToken : null,
      expiresAt: new Date(Date.now() + CONFIRM_DAYS * 86_400_000),
    });
    const link = absoluteUrl(ctx.config, organisation, `/reports/confirm?token=${token}`);
    await ctx.mail.send(
      {
        organisationId: organisation.id,
        to: email,
        ...confirmationMail(organisation, input.language, { kind: 'report', category: input.category, link }),
      },
      tx,
    );
  });
  return { ok: true };
}

/** The submission a pending report holds, as `submitReport` takes it. */
function storedSubmission(pending: PendingReport): ReportSubmission {
  const stored = pending.submission;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return {
    categoryCode: text(stored.categoryCode) ?? '',
    lat: Number(stored.lat),
    lng: Number(stored.lng),
    description: text(stored.description) ?? '',
    address: text(stored.address),
    answers: (stored.answers ?? {}) as Record<string, string | string[]>,
    authorId: null,
    authorName: text(stored.authorName),
    authorEmail: pending.email,
    showName: stored.showName === true,
    source: 'web',
  };
}

/** Where a confirmation link stands: still to confirm, already used (into a report), or unknown/expired. */
export type PendingState = { state: 'open' } | { state: 'used'; reportId: number | null } | { state: 'invalid' };

/** What a report confirmation link names, without changing anything (the GET page, which mail scanners open). */
export async function pendingReportState(
  ctx: AppContext,
  organisation: Organisation,
  token: string,
): Promise<PendingState> {
  if (!wellFormed(token)) return { state: 'invalid' };
  const pending = await findPendingReport(ctx.db, organisation.id, hashToken(token));
  if (!pending) return { state: 'invalid' };
  if (pending.confirmedAt) return { state: 'used', reportId: pending.reportId };
  if (pending.expiresAt.getTime() <= Date.now()) return { state: 'invalid' };
  return { state: 'open' };
}

/** Thrown inside the report's transaction when its pending row was confirmed meanwhile: rolls the report back. */
class AlreadyConfirmed extends Error {}

export type ConfirmReportOutcome =
  | { ok: true; id: number }
  | InvalidToken
  | { ok: false; code: 'ALREADY_CONFIRMED'; reportId: number | null }
  /** The city changed its categories or districts since: the report no longer passes the intake's checks. */
  | { ok: false; code: 'REPORT_INVALID'; submission: ReportSubmission };

/**
 * Publishes a pending report whose address confirmed it (the POST of the confirmation page): through
 * `submitReport`, the one intake, whose transaction also marks the pending row confirmed (a link works
 * once, also against two concurrent clicks), attaches the staged photos and makes the address follow the
 * report (confirmed: the address has just shown it is theirs).
 */
export async function confirmPendingReport(
  ctx: AppContext,
  organisation: Organisation,
  token: string,
): Promise<ConfirmReportOutcome> {
  if (!wellFormed(token)) return { ok: false, code: 'TOKEN_INVALID' };
  const tokenHash = hashToken(token);
  const pending = await findPendingReport(ctx.db, organisation.id, tokenHash);
  if (!pending) return { ok: false, code: 'TOKEN_INVALID' };
  if (pending.confirmedAt) return { ok: false, code: 'ALREADY_CONFIRMED', reportId: pending.reportId };
  if (pending.expiresAt.getTime() <= Date.now()) return { ok: false, code: 'TOKEN_INVALID' };
  const submission = storedSubmission(pending);
  try {
    const outcome = await submitReport(ctx, organisation, {
      ...submission,
      async afterInsert(tx, reportId) {
        if (!(await claimPendingReport(tx, pending.id, reportId))) throw new AlreadyConfirmed();
        if (pending.photoToken) await attachPendingPhotos(tx, organisation.id, pending.photoToken, reportId);
        await followReport(tx, organisation.id, reportId, { email: pending.email });
      },
    });
    if ('invalid' in outcome) return { ok: false, code: 'REPORT_INVALID', submission };
    await notifySoon(ctx);
    return { ok: true, id: outcome.id };
  } catch (error) {
    if (!(error instanceof AlreadyConfirmed)) throw error;
    const now = await findPendingReport(ctx.db, organisation.id, tokenHash);
    if (now?.confirmedAt) return { ok: false, code: 'ALREADY_CONFIRMED', reportId: now.reportId };
    return { ok: false, code: 'TOKEN_INVALID' };
  }
}

export interface FollowByAddress {
  reportId: number;
  category: Translated;
  email: string;
  ip: string;
  language: Language;
}

/**
 * "Me too" by a resident who is not signed in: the address follows the report unconfirmed and is mailed
 * a link to confirm; until then it gets no notification. An address that already follows the report
 * confirmed is left as it is and mailed nothing (`state: 'confirmed'`).
 */
export async function followByAddress(
  ctx: AppContext,
  organisation: Organisation,
  input: FollowByAddress,
): Promise<{ ok: true; state: 'pending' | 'confirmed' } | RateLimited> {
  const email = input.email.trim().toLowerCase();
  const limited = await limitAnonymous(ctx, organisation.id, 'follow', input.ip, email);
  if (limited) return limited;
  const token = randomToken();
  const state = await ctx.db.transaction().execute(async (tx) => {
    const stored = await followReportUnconfirmed(tx, organisation.id, input.reportId, email, hashToken(token));
    if (stored === 'confirmed') return stored;
    const link = absoluteUrl(ctx.config, organisation, `/reports/follow/confirm?token=${token}`);
    await ctx.mail.send(
      {
        organisationId: organisation.id,
        to: email,
        ...confirmationMail(organisation, input.language, {
          kind: 'follow',
          reportId: input.reportId,
          category: input.category,
          link,
        }),
      },
      tx,
    );
    return stored;
  });
  return { ok: true, state };
}

/** The report a follow confirmation link names (confirmed or not), without changing anything. */
export async function followLinkState(
  ctx: AppContext,
  organisation: Organisation,
  token: string,
): Promise<{ reportId: number; confirmed: boolean } | undefined> {
  if (!wellFormed(token)) return undefined;
  return findFollowByConfirmToken(ctx.db, organisation.id, hashToken(token));
}

/** Confirms a follow by address (idempotent: confirming twice changes nothing). */
export async function confirmFollow(
  ctx: AppContext,
  organisation: Organisation,
  token: string,
): Promise<{ ok: true; reportId: number } | InvalidToken> {
  if (!wellFormed(token)) return { ok: false, code: 'TOKEN_INVALID' };
  const confirmed = await confirmSubscriptionByToken(ctx.db, organisation.id, hashToken(token));
  return confirmed ? { ok: true, reportId: confirmed.reportId } : { ok: false, code: 'TOKEN_INVALID' };
}
