import type { AppContext } from '../../platform/context.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import { recordAudit } from '../../platform/audit.ts';
import {
  checkPassword as checkPasswordHash,
  DUMMY_HASH_PROMISE,
  hashPassword,
  verifyPassword,
} from '../../platform/auth/passwords.ts';
import { recordFailedSignIn, recordSuccessfulSignIn, signInAllowed } from '../../platform/auth/sign-in-throttle.ts';
import { createSession, deleteUserSessions } from '../../platform/auth/sessions.ts';
import { findUserByEmail, type Viewer } from '../../platform/auth/users.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isLanguage, type Language } from '../../platform/i18n/languages.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { accountMail } from './accounts.mails.ts';
import {
  consumeUserToken,
  eraseAccount,
  findAccountPersonalData,
  findDeclaredBirthYear,
  findPasswordHash,
  insertResident,
  insertUserToken,
  markEmailConfirmed,
  updatePasswordFromLink,
  updateDeclaredBirthYear,
  updatePasswordHash,
  updateUserProfile,
  userTokenExists,
} from './accounts.repository.ts';
import { recordSignUpAcceptance } from '../legal/index.ts';
import { findVerification } from '../verification/index.ts';
import { checkDisplayName, checkEmail, checkPassword, readBirthYear, type FieldErrors } from './accounts.validation.ts';

const CONFIRM_HOURS = 48;
const RESET_HOURS = 2;

/** A form refused field by field: each field's problem code (the page shows `error.<code>`). */
export interface InvalidFields {
  ok: false;
  code: 'VALIDATION_FAILED';
  fields: FieldErrors;
}

/** A one-time link that is unknown, used or expired. */
export interface InvalidToken {
  ok: false;
  code: 'TOKEN_INVALID';
}

async function sendConfirmation(
  ctx: AppContext,
  db: Executor,
  organisation: Organisation,
  user: { id: number; email: string; name: string; language: Language },
): Promise<void> {
  const token = await insertUserToken(db, organisation.id, user.id, 'confirm_email', CONFIRM_HOURS);
  const link = absoluteUrl(ctx.config, organisation, `/confirm?token=${token}`);
  await ctx.mail.send(
    {
      organisationId: organisation.id,
      to: user.email,
      ...accountMail(organisation, user.language, { kind: 'confirm', name: user.name, link }),
    },
    db,
  );
}

export interface SignUpInput {
  email: string;
  password: string;
  displayName: string;
  acceptTerms: boolean;
  language: Language;
}

/**
 * Creates a resident account and mails a confirmation link. An address that already has an account
 * gets the same answer (so the form does not reveal who is registered) and that owner gets a mail.
 */
export async function signUp(
  ctx: AppContext,
  organisation: Organisation,
  input: SignUpInput,
): Promise<{ ok: true } | InvalidFields> {
  const errors: FieldErrors = {};
  const email = input.email.trim().toLowerCase();
  checkDisplayName(input.displayName, errors);
  checkEmail(email, errors);
  checkPassword(input.password, errors);
  if (!input.acceptTerms) errors.acceptTerms = 'TERMS_REQUIRED';
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };

  const passwordHash = await hashPassword(input.password);
  await ctx.db.transaction().execute(async (tx) => {
    const existing = await findUserByEmail(tx, organisation.id, email);
    if (existing) {
      // the mail goes to the owner of the address, in the owner's language
      const language = isLanguage(existing.language) ? existing.language : input.language;
      const link = absoluteUrl(ctx.config, organisation, '/password-reset');
      await ctx.mail.send(
        {
          organisationId: organisation.id,
          to: email,
          ...accountMail(organisation, language, { kind: 'reset', name: existing.display_name, link }),
        },
        tx,
      );
      return;
    }
    const userId = await insertResident(tx, organisation.id, {
      email,
      displayName: input.displayName.trim(),
      passwordHash,
      language: input.language,
    });
    // the form links to the texts in force: the new account accepted those versions
    await recordSignUpAcceptance(tx, organisation.id, userId);
    await sendConfirmation(ctx, tx, organisation, {
      id: userId,
      email,
      name: input.displayName.trim(),
      language: input.language,
    });
  });
  return { ok: true };
}

/** Marks an address as confirmed when the link's token is valid, unused and not expired. */
export async function confirmEmail(
  ctx: AppContext,
  organisation: Organisation,
  token: string,
): Promise<{ ok: true } | InvalidToken> {
  return ctx.db.transaction().execute(async (tx): Promise<{ ok: true } | InvalidToken> => {
    const row = await consumeUserToken(tx, organisation.id, token, 'confirm_email');
    if (!row) return { ok: false, code: 'TOKEN_INVALID' };
    await markEmailConfirmed(tx, row.user_id);
    return { ok: true };
  });
}

/** Sends a new confirmation link to an unconfirmed account; says nothing about whether it exists. */
export async function resendConfirmation(ctx: AppContext, organisation: Organisation, email: string): Promise<void> {
  const user = await findUserByEmail(ctx.db, organisation.id, email);
  if (!user || user.email_confirmed_at || !user.email) return;
  await sendConfirmation(ctx, ctx.db, organisation, {
    id: user.id,
    email: user.email,
    name: user.display_name,
    language: isLanguage(user.language) ? user.language : 'en',
  });
}

export type SignInOutcome =
  | { ok: true; sessionToken: string; userId: number }
  | { ok: false; code: 'INVALID_CREDENTIALS' }
  | { ok: false; code: 'SIGN_IN_SLOWED'; minutes: number }
  | { ok: false; code: 'EMAIL_NOT_CONFIRMED' };

/**
 * Checks the password and opens a session. Wrong passwords are counted per address and per sender; over
 * the limits, attempts wait without a password check (see platform/auth/sign-in-throttle.ts), except from a
 * network the owner has signed in from. Unknown and known addresses get the same answers in the same time.
 * A hash made with older parameters is replaced once the password is known to be right.
 */
export async function signIn(
  ctx: AppContext,
  organisation: Organisation,
  input: { email: string; password: string; ip: string },
): Promise<SignInOutcome> {
  const email = input.email.trim();
  const user = await findUserByEmail(ctx.db, organisation.id, email);
  const attempt = {
    organisationId: organisation.id,
    email,
    ip: input.ip,
    userId: user?.password_hash ? user.id : null,
  };
  const allowed = await signInAllowed(ctx.db, ctx.config, attempt);
  if (!allowed.allowed)
    return { ok: false, code: 'SIGN_IN_SLOWED', minutes: Math.ceil(allowed.retryAfterSeconds / 60) };
  const check = await checkPasswordHash(input.password, user?.password_hash ?? (await DUMMY_HASH_PROMISE));
  if (!user || !user.password_hash || !check.valid) {
    await recordFailedSignIn(ctx.db, ctx.config, attempt);
    return { ok: false, code: 'INVALID_CREDENTIALS' };
  }
  if (check.rehash) await updatePasswordHash(ctx.db, user.id, await hashPassword(input.password));
  if (!user.email_confirmed_at) return { ok: false, code: 'EMAIL_NOT_CONFIRMED' };
  await recordSuccessfulSignIn(ctx.db, ctx.config, { ...attempt, userId: user.id });
  const sessionToken = await createSession(ctx.db, organisation.id, user.id, ctx.config.sessionDays);
  return { ok: true, sessionToken, userId: user.id };
}

/** Mails a reset link when the address has an account; the answer is the same either way. */
export async function requestPasswordReset(
  ctx: AppContext,
  organisation: Organisation,
  email: string,
  language: Language,
): Promise<void> {
  const user = await findUserByEmail(ctx.db, organisation.id, email.trim());
  if (!user || !user.email) return;
  const userLanguage = isLanguage(user.language) ? user.language : language;
  await ctx.db.transaction().execute(async (tx) => {
    const token = await insertUserToken(tx, organisation.id, user.id, 'reset_password', RESET_HOURS);
    const link = absoluteUrl(ctx.config, organisation, `/password-reset/new?token=${token}`);
    await ctx.mail.send(
      {
        organisationId: organisation.id,
        to: user.email as string,
        ...accountMail(organisation, userLanguage, { kind: 'reset', name: user.display_name, link }),
      },
      tx,
    );
  });
}

/** Whether a reset token can still be used (to show the form or an explanation). */
export async function isResetTokenValid(ctx: AppContext, organisation: Organisation, token: string): Promise<boolean> {
  return userTokenExists(ctx.db, organisation.id, token, 'reset_password');
}

/** Sets a new password from a reset link; ends every session of that account and lifts a lock. */
export async function resetPassword(
  ctx: AppContext,
  organisation: Organisation,
  token: string,
  password: string,
): Promise<{ ok: true } | InvalidToken | InvalidFields> {
  const errors: FieldErrors = {};
  checkPassword(password, errors);
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction().execute(async (tx): Promise<{ ok: true } | InvalidToken> => {
    const row = await consumeUserToken(tx, organisation.id, token, 'reset_password');
    if (!row) return { ok: false, code: 'TOKEN_INVALID' };
    // following the link proves the address, so it also confirms it
    await updatePasswordFromLink(tx, row.user_id, passwordHash);
    await deleteUserSessions(tx, row.user_id);
    return { ok: true };
  });
}

/** Changes one's own name and language. */
export async function updateProfile(
  ctx: AppContext,
  viewer: Viewer,
  input: { displayName: string; language: string },
): Promise<{ ok: true } | InvalidFields> {
  const errors: FieldErrors = {};
  checkDisplayName(input.displayName, errors);
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  await updateUserProfile(ctx.db, viewer.id, {
    displayName: input.displayName.trim(),
    language: isLanguage(input.language) ? input.language : null,
  });
  return { ok: true };
}

/** What the platform knows of the viewer's year of birth: the one they declared, the one verified. */
export interface BirthYears {
  declared: number | null;
  /** From the viewer's verification as a resident; when present it counts instead of the declared one. */
  verified: number | null;
}

export async function readBirthYears(ctx: AppContext, viewer: Viewer): Promise<BirthYears> {
  const [declared, verification] = await Promise.all([
    findDeclaredBirthYear(ctx.db, viewer.id),
    findVerification(ctx.db, viewer.organisationId, viewer.id),
  ]);
  return { declared, verified: verification?.birthYear ?? null };
}

/**
 * The viewer declares their year of birth (for processes open to an age group at the e-mail level),
 * or removes it with an empty value. Only the year is kept, with the account.
 */
export async function declareBirthYear(
  ctx: AppContext,
  viewer: Viewer,
  value: string | number | null,
): Promise<{ ok: true; birthYear: number | null } | InvalidFields> {
  const birthYear = readBirthYear(value);
  if (birthYear === undefined)
    return { ok: false, code: 'VALIDATION_FAILED', fields: { birthYear: 'BIRTH_YEAR_INVALID' } };
  await updateDeclaredBirthYear(ctx.db, viewer.id, birthYear);
  return { ok: true, birthYear };
}

/** Everything the platform and every module hold about the viewer, as one JSON document (GDPR art. 15 and 20). */
export async function exportPersonalData(ctx: AppContext, viewer: Viewer): Promise<Record<string, unknown>> {
  return ctx.db.transaction().execute(async (tx) => {
    const platformData = await findAccountPersonalData(tx, viewer.organisationId, viewer.id);
    const modules: Record<string, unknown> = {};
    for (const { module, provider } of ctx.registry.personalData)
      modules[module] = await provider.export(tx, viewer.id);
    return { exportedAt: new Date().toISOString(), ...platformData, ...modules };
  });
}

/**
 * Deletes the viewer's account: personal fields are erased and sign-in becomes impossible. What they
 * wrote stays, shown as from a deleted account, unless `removeContent` asks each module to delete it.
 */
export async function deleteAccount(
  ctx: AppContext,
  viewer: Viewer,
  confirmation: string,
  removeContent: boolean,
): Promise<{ ok: true } | { ok: false; code: 'WRONG_PASSWORD' | 'WRONG_CONFIRMATION' }> {
  const passwordHash = await findPasswordHash(ctx.db, viewer.id);
  if (passwordHash) {
    if (!(await verifyPassword(confirmation, passwordHash))) return { ok: false, code: 'WRONG_PASSWORD' };
  } else if (!viewer.email || confirmation.trim().toLowerCase() !== viewer.email.toLowerCase()) {
    // an account made through an identity provider has no password: typing its e-mail address confirms
    return { ok: false, code: 'WRONG_CONFIRMATION' };
  }
  await ctx.db.transaction().execute(async (tx) => {
    for (const { provider } of ctx.registry.personalData) await provider.erase(tx, viewer.id, { removeContent });
    await eraseAccount(tx, viewer.organisationId, { id: viewer.id, email: viewer.email });
    if (viewer.role !== 'resident') {
      await recordAudit(tx, {
        organisationId: viewer.organisationId,
        actor: { id: viewer.id, label: viewer.displayName },
        action: 'user.delete_own_account',
        subjectType: 'user',
        subjectId: viewer.id,
      });
    }
  });
  return { ok: true };
}

/** Whether the account has a password (one made through an identity provider may not). */
export async function hasPassword(ctx: AppContext, viewer: Viewer): Promise<boolean> {
  return (await findPasswordHash(ctx.db, viewer.id)) !== null;
}
