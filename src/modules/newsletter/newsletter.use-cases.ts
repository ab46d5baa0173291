import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import { consumeRateLimit } from '../../platform/auth/rate-limit.ts';
import { hashToken, hmac, randomToken } from '../../platform/auth/tokens.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import { isLanguage, type Language } from '../../platform/i18n/languages.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import { isEmail } from '../../platform/validation.ts';
import { subscriberLinks, tokenMatches, tokenSubscriberId } from './links.ts';
import { alreadySubscribedMail, confirmationMail } from './newsletter.mails.ts';
import {
  confirmByTokenHash,
  deleteSubscriber,
  findDepartments,
  findSubscriber,
  findSubscriberByEmail,
  storeConfirmedSubscriber,
  storePendingSubscriber,
  updatePreferences,
  type Subscriber,
} from './newsletter.repository.ts';

/** How long a confirmation link works; an address that does not confirm in time is removed. */
export const CONFIRM_HOURS = 48;
/** Subscriptions asked per address and hour (confirmation mails to one address), whoever asks. */
export const PER_ADDRESS = { limit: 3, windowSeconds: 3600 };

export type FieldProblem = 'EMAIL_INVALID' | 'LANGUAGES_REQUIRED' | 'LANGUAGE_UNKNOWN' | 'DEPARTMENT_UNKNOWN';

export interface Invalid {
  ok: false;
  code: 'VALIDATION_FAILED';
  fields: Partial<Record<'email' | 'languages' | 'departments', FieldProblem>>;
}
export interface RateLimited {
  ok: false;
  code: 'RATE_LIMITED';
  retryAfterSeconds: number;
}
export interface TokenInvalid {
  ok: false;
  code: 'NEWSLETTER_TOKEN_INVALID';
}

export interface Choices {
  languages: readonly string[];
  departmentIds: readonly number[];
}

function salt(): string {
  return randomBytes(12).toString('base64url');
}

/** The address as stored and compared: trimmed, lower case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Checks the chosen languages (among the city's) and departments (existing ones); answers them without repeats. */
async function checkChoices(
  ctx: AppContext,
  organisation: Organisation,
  choices: Choices,
  fields: Invalid['fields'],
): Promise<{ languages: string[]; departmentIds: number[] }> {
  const languages = [...new Set(choices.languages)];
  if (languages.length === 0) fields.languages = 'LANGUAGES_REQUIRED';
  else if (languages.some((language) => !organisation.languages.includes(language)))
    fields.languages = 'LANGUAGE_UNKNOWN';
  const departmentIds = [...new Set(choices.departmentIds)];
  if (departmentIds.length > 0) {
    const known = new Set((await findDepartments(ctx.db, organisation.id)).map((department) => department.id));
    if (departmentIds.some((id) => !known.has(id))) fields.departments = 'DEPARTMENT_UNKNOWN';
  }
  return { languages, departmentIds };
}

/** The language of the mails about the subscription: the one the form was read in if the city has it. */
function mailLanguage(organisation: Organisation, language: string, chosen: readonly string[]): Language {
  for (const candidate of [language, ...chosen, organisation.defaultLanguage])
    if (isLanguage(candidate) && organisation.languages.includes(candidate)) return candidate;
  return 'en';
}

/**
 * Subscribes an address. A signed-in resident's own confirmed address is subscribed at once; any other
 * address is stored unconfirmed and mailed a confirmation link (double opt-in) — nothing else is sent to
 * it before it confirms. An address already confirmed is left unchanged and mailed the link to its
 * preferences instead, so the answer never tells who is subscribed. Limited per network and per address.
 */
export async function subscribe(
  ctx: AppContext,
  organisation: Organisation,
  viewer: Viewer | null,
  input: Choices & { email: string; ip: string; language: string },
): Promise<{ ok: true; state: 'pending' | 'confirmed' } | Invalid | RateLimited> {
  const fields: Invalid['fields'] = {};
  const email = normaliseEmail(input.email);
  if (!isEmail(email)) fields.email = 'EMAIL_INVALID';
  const choices = await checkChoices(ctx, organisation, input, fields);
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };

  if (viewer && viewer.emailConfirmed && viewer.email && normaliseEmail(viewer.email) === email) {
    await ctx.db.transaction().execute((tx) =>
      storeConfirmedSubscriber(tx, {
        organisationId: organisation.id,
        email,
        userId: viewer.id,
        ...choices,
        tokenSalt: salt(),
      }),
    );
    return { ok: true, state: 'confirmed' };
  }

  const byNetwork = await consumeRateLimit(ctx.db, organisation.id, {
    key: `newsletter-subscribe:ip:${input.ip}`,
    ...ctx.config.rateLimits.publicWrite,
  });
  if (!byNetwork.allowed) return { ok: false, code: 'RATE_LIMITED', retryAfterSeconds: byNetwork.retryAfterSeconds };
  const address = hmac(ctx.config.secretKey, `newsletter-address:${email}`);
  const byAddress = await consumeRateLimit(ctx.db, organisation.id, {
    key: `newsletter-subscribe:address:${address}`,
    ...PER_ADDRESS,
  });
  if (!byAddress.allowed) return { ok: false, code: 'RATE_LIMITED', retryAfterSeconds: byAddress.retryAfterSeconds };

  const token = randomToken();
  const language = mailLanguage(organisation, input.language, choices.languages);
  await ctx.db.transaction().execute(async (tx) => {
    const stored = await storePendingSubscriber(tx, {
      organisationId: organisation.id,
      email,
      userId: null,
      ...choices,
      tokenSalt: salt(),
      confirmTokenHash: hashToken(token),
      confirmExpiresAt: new Date(Date.now() + CONFIRM_HOURS * 3_600_000),
    });
    if (stored === 'confirmed') {
      const subscriber = await findSubscriberByEmail(tx, organisation.id, email);
      if (!subscriber) return;
      const links = subscriberLinks(ctx.config, organisation, subscriber);
      await ctx.mail.send(
        {
          organisationId: organisation.id,
          to: email,
          ...alreadySubscribedMail(organisation, language, links.preferences),
        },
        tx,
      );
      return;
    }
    const link = absoluteUrl(ctx.config, organisation, `/newsletter/confirm?token=${token}`);
    await ctx.mail.send(
      { organisationId: organisation.id, to: email, ...confirmationMail(organisation, language, link) },
      tx,
    );
  });
  return { ok: true, state: 'pending' };
}

/** The tokens of confirmation links: `randomToken`'s 43 URL-safe characters. */
export function wellFormedConfirmToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** Confirms the address of a mailed link that has not expired (a link works once). */
export async function confirmSubscription(
  ctx: AppContext,
  organisation: Organisation,
  token: string,
): Promise<{ ok: true; preferences: string } | TokenInvalid> {
  if (!wellFormedConfirmToken(token)) return { ok: false, code: 'NEWSLETTER_TOKEN_INVALID' };
  const subscriber = await confirmByTokenHash(ctx.db, organisation.id, hashToken(token), new Date());
  if (!subscriber) return { ok: false, code: 'NEWSLETTER_TOKEN_INVALID' };
  return { ok: true, preferences: subscriberLinks(ctx.config, organisation, subscriber).preferences };
}

/** The subscriber a signed link (preferences, unsubscribe) names, if its signature holds. */
export async function subscriberOfToken(
  ctx: AppContext,
  organisation: Organisation,
  token: string,
): Promise<Subscriber | undefined> {
  const id = tokenSubscriberId(token);
  if (id === undefined) return undefined;
  const subscriber = await findSubscriber(ctx.db, organisation.id, id);
  if (!subscriber || !tokenMatches(ctx.config.secretKey, organisation.id, id, subscriber.tokenSalt, token))
    return undefined;
  return subscriber;
}

/** Changes the languages and topics of the subscriber a signed link names. */
export async function savePreferences(
  ctx: AppContext,
  organisation: Organisation,
  token: string,
  choices: Choices,
): Promise<{ ok: true } | Invalid | TokenInvalid> {
  const subscriber = await subscriberOfToken(ctx, organisation, token);
  if (!subscriber) return { ok: false, code: 'NEWSLETTER_TOKEN_INVALID' };
  const fields: Invalid['fields'] = {};
  const checked = await checkChoices(ctx, organisation, choices, fields);
  if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
  await updatePreferences(ctx.db, organisation.id, subscriber.id, checked.languages, checked.departmentIds);
  return { ok: true };
}

/**
 * Unsubscribes the address a signed link names: it is removed with what was sent to it (nothing about
 * an address that left is kept). Answers whether there was something to remove.
 */
export async function unsubscribe(ctx: AppContext, organisation: Organisation, token: string): Promise<boolean> {
  const subscriber = await subscriberOfToken(ctx, organisation, token);
  if (!subscriber) return false;
  return deleteSubscriber(ctx.db, organisation.id, subscriber.id);
}

/** The departments residents may choose as topics. */
export async function departmentsOf(ctx: AppContext, organisation: Organisation) {
  return findDepartments(ctx.db, organisation.id);
}
