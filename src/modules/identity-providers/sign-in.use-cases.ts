import type { AppContext } from '../../platform/context.ts';
import { createSession } from '../../platform/auth/sessions.ts';
import { randomToken } from '../../platform/auth/tokens.ts';
import { consumeRateLimit } from '../../platform/auth/rate-limit.ts';
import { findUserByEmail, hasRole, type Viewer } from '../../platform/auth/users.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Language } from '../../platform/i18n/languages.ts';
import type { PersonalDataProvider } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { recordSignUpAcceptance } from '../legal/index.ts';
import { verifyByIdentityProvider } from '../verification/index.ts';
import type { OidcFailure } from './identity-providers.errors.ts';
import { authorizeOwnLinks, isStaffAccount } from './identity-providers.policy.ts';
import {
  confirmEmailOf,
  deleteLink,
  deleteLinksOfUser,
  findLinkBySubject,
  findLinksOfUser,
  findLiveUser,
  findProvider,
  findProviders,
  hasPassword,
  insertAttempt,
  insertLink,
  insertResidentFromProvider,
  markLinkUsed,
  takeAttempt,
  type ProviderRow,
} from './identity-providers.repository.ts';
import { authorizationRequest, discover, finishAuthorization, problemOf, type Claims } from './oidc.ts';
import { redirectUri } from './providers.use-cases.ts';
import { openClientSecret } from './secrets.ts';

/** How long a person has at the provider before the attempt expires. */
export const ATTEMPT_MINUTES = 10;

/** A provider as the sign-in page offers it. */
export interface SignInChoice {
  id: number;
  name: Translated;
  audience: 'staff' | 'residents';
}

/** The city's enabled providers, for the sign-in page and the account page (public: names only). */
export async function signInChoices(ctx: AppContext, organisation: Organisation): Promise<SignInChoice[]> {
  return (await findProviders(ctx.db, organisation.id))
    .filter((provider) => provider.enabled)
    .map((provider) => ({ id: provider.id, name: provider.name, audience: provider.audience }));
}

function configuration(ctx: AppContext, provider: ProviderRow) {
  return discover(
    ctx,
    {
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: openClientSecret(ctx.config.secretKey, provider.clientSecretSealed),
    },
    `${provider.id}:${provider.updatedAt.getTime()}`,
  );
}

export type StartOutcome = { ok: true; url: string; cookie: string } | { ok: false; code: OidcFailure };

/**
 * Starts a sign-in (or, for a signed-in person, the linking of their account) at a provider: a PKCE
 * verifier, a state and a nonce are kept server-side under the hash of a new cookie for this browser, and
 * the browser is sent to the provider's authorization endpoint.
 */
export async function startSignIn(
  ctx: AppContext,
  organisation: Organisation,
  viewer: Viewer | null,
  input: { providerId: number; next: string; language: Language; link: boolean; ip: string },
): Promise<StartOutcome> {
  if (input.link) authorizeOwnLinks(viewer);
  // each start stores an attempt: a public write, limited per address like the others
  const allowed = await consumeRateLimit(ctx.db, organisation.id, {
    key: `oidc-start:ip:${input.ip}`,
    ...ctx.config.rateLimits.publicWrite,
  });
  if (!allowed.allowed) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: allowed.retryAfterSeconds });
  const provider = await findProvider(ctx.db, organisation.id, input.providerId);
  if (!provider || !provider.enabled) return { ok: false, code: 'IDENTITY_PROVIDER_NOT_FOUND' };
  if (input.link && provider.audience === 'staff' && !hasRole(viewer, 'staff'))
    return { ok: false, code: 'OIDC_STAFF_ONLY' };
  let request;
  try {
    request = await authorizationRequest(await configuration(ctx, provider), {
      redirectUri: redirectUri(ctx, organisation),
      scopes: provider.scopes,
      language: input.language,
    });
  } catch (error) {
    ctx.log.warn({ err: problemOf(error).cause, provider: provider.id }, 'identity provider unavailable');
    return { ok: false, code: 'OIDC_PROVIDER_UNAVAILABLE' };
  }
  const cookie = randomToken();
  await insertAttempt(ctx.db, organisation.id, cookie, {
    providerId: provider.id,
    userId: input.link && viewer ? viewer.id : null,
    state: request.state,
    nonce: request.nonce,
    codeVerifier: request.codeVerifier,
    next: input.next,
    expiresAt: new Date(Date.now() + ATTEMPT_MINUTES * 60_000),
  });
  return { ok: true, url: request.url, cookie };
}

export type FinishOutcome =
  | {
      ok: true;
      /** A new session for a sign-in; absent when a signed-in person linked their account. */
      sessionToken?: string;
      next: string;
      created: boolean;
      linked: boolean;
      residence: 'not-asked' | 'verified' | 'already' | 'no-birthdate' | 'refused';
    }
  | { ok: false; code: OidcFailure };

/** The year of a `birthdate` claim (`YYYY-MM-DD`, or `YYYY` when the provider gives only the year). */
function birthYearOf(birthdate: string | undefined): number | undefined {
  const match = birthdate ? /^(\d{4})(?:-\d{2}-\d{2})?$/.exec(birthdate) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * The provider sent the browser back. The attempt bound to this browser's cookie is taken (once), its
 * state compared, the code exchanged and the ID token checked by openid-client; then the account: an
 * existing link of this issuer and subject; else, when the city allows it, the account with the same
 * address if the provider says it verified that address; else a new resident account (never for a
 * provider kept for staff). A provider the city trusts for residence makes the account a verified
 * resident. Any failure changes nothing.
 */
export async function finishSignIn(
  ctx: AppContext,
  organisation: Organisation,
  viewer: Viewer | null,
  input: { cookie: string | undefined; query: Record<string, unknown>; language: Language },
): Promise<FinishOutcome> {
  const fail = (code: OidcFailure): FinishOutcome => ({ ok: false, code });
  if (!input.cookie) return fail('OIDC_STATE_INVALID');
  const attempt = await takeAttempt(ctx.db, organisation.id, input.cookie);
  if (!attempt || input.query.state !== attempt.state) return fail('OIDC_STATE_INVALID');
  if (attempt.expiresAt.getTime() < Date.now()) return fail('OIDC_EXPIRED');
  if (attempt.userId !== null && viewer?.id !== attempt.userId) return fail('OIDC_STATE_INVALID');
  if (input.query.error === 'access_denied') return fail('OIDC_DENIED');
  const provider = await findProvider(ctx.db, organisation.id, attempt.providerId);
  if (!provider || !provider.enabled) return fail('IDENTITY_PROVIDER_NOT_FOUND');

  const callback = new URL(redirectUri(ctx, organisation));
  for (const [name, value] of Object.entries(input.query))
    if (typeof value === 'string') callback.searchParams.set(name, value);
  let claims: Claims;
  try {
    claims = await finishAuthorization(await configuration(ctx, provider), callback, attempt);
  } catch (error) {
    const problem = problemOf(error);
    ctx.log.warn({ err: problem.cause, provider: provider.id }, 'identity provider sign-in refused');
    return fail(
      problem.kind === 'unreachable'
        ? 'OIDC_PROVIDER_UNAVAILABLE'
        : problem.kind === 'denied'
          ? 'OIDC_DENIED'
          : 'OIDC_RESPONSE_INVALID',
    );
  }

  const account = await ctx.db.transaction().execute(async (tx) => {
    const link = await findLinkBySubject(tx, organisation.id, claims.issuer, claims.subject);
    const newLink = (userId: number) =>
      insertLink(tx, organisation.id, {
        userId,
        providerId: provider.id,
        issuer: claims.issuer,
        subject: claims.subject,
        email: claims.email ?? null,
      });
    if (attempt.userId !== null) {
      if (link) return link.userId === attempt.userId ? { userId: link.userId } : fail('OIDC_ALREADY_LINKED');
      if (!(await newLink(attempt.userId))) return fail('OIDC_ALREADY_LINKED');
      return { userId: attempt.userId, linked: true };
    }
    if (link) {
      const user = await findLiveUser(tx, organisation.id, link.userId);
      if (!user) return fail('OIDC_STATE_INVALID');
      if (provider.audience === 'staff' && !isStaffAccount(user)) return fail('OIDC_STAFF_ONLY');
      await markLinkUsed(tx, link.id);
      return { userId: user.id };
    }
    const sameAddress = claims.email ? await findUserByEmail(tx, organisation.id, claims.email) : undefined;
    if (sameAddress && claims.emailVerified && provider.linkByEmail) {
      const user = await findLiveUser(tx, organisation.id, sameAddress.id);
      if (!user) return fail('OIDC_STATE_INVALID');
      if (provider.audience === 'staff' && !isStaffAccount(user)) return fail('OIDC_STAFF_ONLY');
      if (!(await newLink(user.id))) return fail('OIDC_ALREADY_LINKED');
      await confirmEmailOf(tx, user.id);
      return { userId: user.id, linked: true };
    }
    if (provider.audience === 'staff') return fail('OIDC_STAFF_ONLY');
    if (sameAddress) return fail('OIDC_EMAIL_IN_USE');
    const userId = await insertResidentFromProvider(tx, organisation.id, {
      email: claims.email ?? null,
      emailVerified: claims.emailVerified,
      displayName: (claims.name ?? claims.email?.split('@')[0] ?? 'Resident').slice(0, 80),
      language: input.language,
    });
    if (userId === undefined) return fail('OIDC_EMAIL_IN_USE');
    // the sign-in page says that creating an account accepts the texts in force, beside the buttons
    await recordSignUpAcceptance(tx, organisation.id, userId);
    if (!(await newLink(userId))) return fail('OIDC_ALREADY_LINKED');
    return { userId, linked: true, created: true };
  });
  if ('ok' in account) return account;

  let residence: Extract<FinishOutcome, { ok: true }>['residence'] = 'not-asked';
  if (provider.grantsLevel === 'verified') {
    const birthYear = birthYearOf(claims.birthdate);
    if (birthYear === undefined) residence = 'no-birthdate';
    else {
      const outcome = await verifyByIdentityProvider(ctx, organisation, account.userId, {
        issuer: claims.issuer,
        subject: claims.subject,
        birthYear,
      });
      residence = outcome.ok ? 'verified' : outcome.code === 'VERIFICATION_ALREADY_VERIFIED' ? 'already' : 'refused';
    }
  }
  const linking = attempt.userId !== null;
  return {
    ok: true,
    ...(linking
      ? {}
      : { sessionToken: await createSession(ctx.db, organisation.id, account.userId, ctx.config.sessionDays) }),
    next: linking ? '/account#identity-providers' : attempt.next,
    created: account.created === true,
    linked: account.linked === true,
    residence,
  };
}

/** A person's links, with the provider's name (for the account page). */
export async function linksOfViewer(ctx: AppContext, viewer: Viewer) {
  const [links, providers] = await Promise.all([
    findLinksOfUser(ctx.db, viewer.id),
    findProviders(ctx.db, viewer.organisationId),
  ]);
  return links.map((link) => ({
    id: link.id,
    providerId: link.providerId,
    name: providers.find((provider) => provider.id === link.providerId)?.name ?? {},
    email: link.email,
    linkedAt: link.linkedAt,
    lastUsedAt: link.lastUsedAt,
  }));
}

/** Removes one of one's links, unless it is the last way into the account (no password, no other link). */
export async function unlink(ctx: AppContext, viewer: Viewer | null, linkId: number): Promise<void> {
  authorizeOwnLinks(viewer);
  await ctx.db.transaction().execute(async (tx) => {
    const links = await findLinksOfUser(tx, viewer.id);
    if (!links.some((link) => link.id === linkId)) throw new AppError('IDENTITY_PROVIDER_LINK_NOT_FOUND');
    if (links.length === 1 && !(await hasPassword(tx, viewer.id))) throw new AppError('IDENTITY_PROVIDER_LAST_WAY_IN');
    await deleteLink(tx, viewer.id, linkId);
  });
}

/** The links in a person's data export (issuer, subject, address, dates); erased with the account. */
export const identityProvidersPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
    const links = await findLinksOfUser(tx, userId);
    return {
      identityProviderLinks: links.map((link) => ({
        issuer: link.issuer,
        subject: link.subject,
        email: link.email,
        linkedAt: link.linkedAt.toISOString(),
        lastUsedAt: link.lastUsedAt?.toISOString() ?? null,
      })),
    };
  },
  async erase(tx, userId) {
    await deleteLinksOfUser(tx, userId);
  },
};
