import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../../platform/auth/passwords.ts';
import { createSession, deleteUserSessions } from '../../platform/auth/sessions.ts';
import { hashToken, randomToken } from '../../platform/auth/tokens.ts';
import { findUserByEmail, type Viewer } from '../../platform/auth/users.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isLanguage, type Language } from '../../platform/i18n/languages.ts';
import { localized, translator } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { checkDisplayName, checkEmail, checkPassword, type FieldErrors } from './accounts.validation.ts';

const CONFIRM_HOURS = 48;
const RESET_HOURS = 2;

async function issueToken(
  db: Executor,
  organisationId: number,
  userId: number,
  purpose: 'confirm_email' | 'reset_password',
  hours: number,
): Promise<string> {
  const token = randomToken();
  await db
    .insertInto('core_user_token')
    .values({
      id: hashToken(token),
      organisation_id: organisationId,
      user_id: userId,
      purpose,
      expires_at: new Date(Date.now() + hours * 3_600_000),
      used_at: null,
    })
    .execute();
  return token;
}

/** Marks a valid, unused, unexpired token as used and returns its user; undefined otherwise. */
async function consumeToken(
  db: Executor,
  organisationId: number,
  token: string,
  purpose: 'confirm_email' | 'reset_password',
) {
  return db
    .updateTable('core_user_token')
    .set({ used_at: new Date() })
    .where('id', '=', hashToken(token))
    .where('organisation_id', '=', organisationId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning('user_id')
    .executeTakeFirst();
}

function mailText(ctx: AppContext, organisation: Organisation, language: Language, name: string, body: string): string {
  const t = translator(language);
  const city = localized(organisation.name, language, organisation.defaultLanguage);
  return `${t('mail.greeting', { name })}\n\n${body}\n\n${t('mail.signature', { city })}`;
}

async function sendConfirmation(
  ctx: AppContext,
  db: Executor,
  organisation: Organisation,
  user: { id: number; email: string; name: string; language: Language },
): Promise<void> {
  const token = await issueToken(db, organisation.id, user.id, 'confirm_email', CONFIRM_HOURS);
  const t = translator(user.language);
  const city = localized(organisation.name, user.language, organisation.defaultLanguage);
  const link = new URL(`/confirm?token=${token}`, ctx.config.publicUrl).toString();
  await ctx.mail.send(
    {
      organisationId: organisation.id,
      to: user.email,
      subject: t('mail.confirm.subject', { city }),
      text: mailText(ctx, organisation, user.language, user.name, t('mail.confirm.body', { link })),
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
): Promise<{ ok: true } | { invalid: FieldErrors }> {
  const errors: FieldErrors = {};
  const email = input.email.trim().toLowerCase();
  checkDisplayName(input.displayName, errors);
  checkEmail(email, errors);
  checkPassword(input.password, errors);
  if (!input.acceptTerms) errors.acceptTerms = 'error.TERMS_REQUIRED';
  if (Object.keys(errors).length > 0) return { invalid: errors };

  const passwordHash = await hashPassword(input.password);
  await ctx.db.transaction().execute(async (tx) => {
    const existing = await findUserByEmail(tx, organisation.id, email);
    if (existing) {
      const t = translator(isLanguage(existing.language) ? existing.language : input.language);
      const city = localized(organisation.name, input.language, organisation.defaultLanguage);
      const link = new URL('/password-reset', ctx.config.publicUrl).toString();
      await ctx.mail.send(
        {
          organisationId: organisation.id,
          to: email,
          subject: t('mail.reset.subject', { city }),
          text: mailText(ctx, organisation, input.language, existing.display_name, t('mail.reset.body', { link })),
        },
        tx,
      );
      return;
    }
    const user = await tx
      .insertInto('core_user')
      .values({
        organisation_id: organisation.id,
        email,
        display_name: input.displayName.trim(),
        password_hash: passwordHash,
        role: 'resident',
        language: input.language,
        email_confirmed_at: null,
        locked_until: null,
        birth_year: null,
        deleted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sendConfirmation(ctx, tx, organisation, {
      id: user.id,
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
): Promise<{ ok: true } | { invalidToken: true }> {
  return ctx.db.transaction().execute(async (tx) => {
    const row = await consumeToken(tx, organisation.id, token, 'confirm_email');
    if (!row) return { invalidToken: true as const };
    await tx
      .updateTable('core_user')
      .set({ email_confirmed_at: new Date() })
      .where('id', '=', row.user_id)
      .where('email_confirmed_at', 'is', null)
      .execute();
    return { ok: true as const };
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
  | { invalidCredentials: true }
  | { locked: true; minutes: number }
  | { notConfirmed: true };

/**
 * Checks the password and opens a session. After `lockout.attempts` failures in a row the account is
 * locked for `lockout.minutes`, whatever password comes next; time spent is the same for unknown addresses.
 */
export async function signIn(
  ctx: AppContext,
  organisation: Organisation,
  email: string,
  password: string,
): Promise<SignInOutcome> {
  const user = await findUserByEmail(ctx.db, organisation.id, email);
  if (!user || !user.password_hash) {
    await verifyPassword(password, await DUMMY_HASH_PROMISE);
    return { invalidCredentials: true };
  }
  if (user.locked_until && user.locked_until > new Date()) {
    return { locked: true, minutes: Math.ceil((user.locked_until.getTime() - Date.now()) / 60_000) };
  }
  if (!(await verifyPassword(password, user.password_hash))) {
    const { attempts, minutes } = ctx.config.lockout;
    const updated = await ctx.db
      .updateTable('core_user')
      .set({ failed_sign_ins: sql`failed_sign_ins + 1` })
      .where('id', '=', user.id)
      .returning('failed_sign_ins')
      .executeTakeFirstOrThrow();
    if (updated.failed_sign_ins >= attempts) {
      await ctx.db
        .updateTable('core_user')
        .set({ locked_until: new Date(Date.now() + minutes * 60_000), failed_sign_ins: 0 })
        .where('id', '=', user.id)
        .execute();
      ctx.log.warn({ userId: user.id }, 'account locked after repeated failed sign-ins');
      return { locked: true, minutes };
    }
    return { invalidCredentials: true };
  }
  if (!user.email_confirmed_at) return { notConfirmed: true };
  await ctx.db
    .updateTable('core_user')
    .set({ failed_sign_ins: 0, locked_until: null })
    .where('id', '=', user.id)
    .execute();
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
    const token = await issueToken(tx, organisation.id, user.id, 'reset_password', RESET_HOURS);
    const t = translator(userLanguage);
    const city = localized(organisation.name, userLanguage, organisation.defaultLanguage);
    const link = new URL(`/password-reset/new?token=${token}`, ctx.config.publicUrl).toString();
    await ctx.mail.send(
      {
        organisationId: organisation.id,
        to: user.email as string,
        subject: t('mail.reset.subject', { city }),
        text: mailText(ctx, organisation, userLanguage, user.display_name, t('mail.reset.body', { link })),
      },
      tx,
    );
  });
}

/** Whether a reset token can still be used (to show the form or an explanation). */
export async function isResetTokenValid(ctx: AppContext, organisation: Organisation, token: string): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('core_user_token')
    .select('user_id')
    .where('id', '=', hashToken(token))
    .where('organisation_id', '=', organisation.id)
    .where('purpose', '=', 'reset_password')
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  return row !== undefined;
}

/** Sets a new password from a reset link; ends every session of that account and lifts a lock. */
export async function resetPassword(
  ctx: AppContext,
  organisation: Organisation,
  token: string,
  password: string,
): Promise<{ ok: true } | { invalidToken: true } | { invalid: FieldErrors }> {
  const errors: FieldErrors = {};
  checkPassword(password, errors);
  if (Object.keys(errors).length > 0) return { invalid: errors };
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await consumeToken(tx, organisation.id, token, 'reset_password');
    if (!row) return { invalidToken: true as const };
    // following the link proves the address, so it also confirms it
    await tx
      .updateTable('core_user')
      .set({
        password_hash: passwordHash,
        failed_sign_ins: 0,
        locked_until: null,
        email_confirmed_at: sql`coalesce(email_confirmed_at, now())`,
      })
      .where('id', '=', row.user_id)
      .execute();
    await deleteUserSessions(tx, row.user_id);
    return { ok: true as const };
  });
}

/** Changes one's own name and language. */
export async function updateProfile(
  ctx: AppContext,
  viewer: Viewer,
  input: { displayName: string; language: string },
): Promise<{ ok: true } | { invalid: FieldErrors }> {
  const errors: FieldErrors = {};
  checkDisplayName(input.displayName, errors);
  if (Object.keys(errors).length > 0) return { invalid: errors };
  await ctx.db
    .updateTable('core_user')
    .set({ display_name: input.displayName.trim(), language: isLanguage(input.language) ? input.language : null })
    .where('id', '=', viewer.id)
    .execute();
  return { ok: true };
}

/** Everything the platform and every module hold about the viewer, as one JSON document (GDPR art. 15 and 20). */
export async function exportPersonalData(ctx: AppContext, viewer: Viewer): Promise<Record<string, unknown>> {
  return ctx.db.transaction().execute(async (tx) => {
    const account = await tx
      .selectFrom('core_user')
      .select(['id', 'email', 'display_name', 'language', 'role', 'email_confirmed_at', 'birth_year', 'created_at'])
      .where('id', '=', viewer.id)
      .executeTakeFirstOrThrow();
    const sessions = await tx
      .selectFrom('core_session')
      .select(['created_at', 'last_seen_at', 'expires_at'])
      .where('user_id', '=', viewer.id)
      .execute();
    const departments = await tx
      .selectFrom('core_department_member as m')
      .innerJoin('core_department as d', 'd.id', 'm.department_id')
      .select(['d.slug', 'd.name', 'm.created_at'])
      .where('m.user_id', '=', viewer.id)
      .execute();
    const mails = await tx
      .selectFrom('core_mail')
      .select(['subject', 'created_at', 'status'])
      .where('to_address', '=', account.email ?? '')
      .where('organisation_id', '=', viewer.organisationId)
      .execute();
    const staffActions = await tx
      .selectFrom('core_audit_log')
      .select(['action', 'subject_type', 'subject_id', 'created_at'])
      .where('actor_user_id', '=', viewer.id)
      .execute();
    const modules: Record<string, unknown> = {};
    for (const { module, provider } of ctx.registry.personalData)
      modules[module] = await provider.export(tx, viewer.id);
    return { exportedAt: new Date().toISOString(), account, sessions, departments, mails, staffActions, ...modules };
  });
}

/**
 * Deletes the viewer's account: personal fields are erased and sign-in becomes impossible. What they
 * wrote stays, shown as from a deleted account, unless `removeContent` asks each module to delete it.
 */
export async function deleteAccount(
  ctx: AppContext,
  viewer: Viewer,
  password: string,
  removeContent: boolean,
): Promise<{ ok: true } | { wrongPassword: true }> {
  const user = await ctx.db
    .selectFrom('core_user')
    .select(['password_hash'])
    .where('id', '=', viewer.id)
    .executeTakeFirstOrThrow();
  if (!user.password_hash || !(await verifyPassword(password, user.password_hash))) return { wrongPassword: true };
  await ctx.db.transaction().execute(async (tx) => {
    for (const { provider } of ctx.registry.personalData) await provider.erase(tx, viewer.id, { removeContent });
    await tx.deleteFrom('core_session').where('user_id', '=', viewer.id).execute();
    await tx.deleteFrom('core_user_token').where('user_id', '=', viewer.id).execute();
    await tx.deleteFrom('core_department_member').where('user_id', '=', viewer.id).execute();
    if (viewer.email)
      await tx
        .deleteFrom('core_mail')
        .where('to_address', '=', viewer.email)
        .where('organisation_id', '=', viewer.organisationId)
        .execute();
    await tx
      .updateTable('core_user')
      .set({
        email: null,
        display_name: 'Deleted account',
        password_hash: null,
        language: null,
        birth_year: null,
        role: 'resident',
        deleted_at: new Date(),
      })
      .where('id', '=', viewer.id)
      .execute();
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
