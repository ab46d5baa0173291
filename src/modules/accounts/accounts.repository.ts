import { sql } from 'kysely';
import { hashToken, randomToken } from '../../platform/auth/tokens.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Language } from '../../platform/i18n/languages.ts';

/** What a one-time link is for. */
export type TokenPurpose = 'confirm_email' | 'reset_password';

/** Stores a new one-time link token (only its hash) valid for `hours`, and returns the token. */
export async function insertUserToken(
  db: Executor,
  organisationId: number,
  userId: number,
  purpose: TokenPurpose,
  hours: number,
): Promise<string> {
  const token = randomToken();
  // one live link per account and purpose: a newer link ends the older ones
  await db
    .deleteFrom('core_user_token')
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
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
export async function consumeUserToken(
  db: Executor,
  organisationId: number,
  token: string,
  purpose: TokenPurpose,
): Promise<{ user_id: number } | undefined> {
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

/** Whether a token is valid, unused and unexpired, without using it. */
export async function userTokenExists(
  db: Executor,
  organisationId: number,
  token: string,
  purpose: TokenPurpose,
): Promise<boolean> {
  const row = await db
    .selectFrom('core_user_token')
    .select('user_id')
    .where('id', '=', hashToken(token))
    .where('organisation_id', '=', organisationId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  return row !== undefined;
}

/** Stores a new, unconfirmed resident account and returns its id. */
export async function insertResident(
  db: Executor,
  organisationId: number,
  resident: { email: string; displayName: string; passwordHash: string; language: Language },
): Promise<number> {
  const user = await db
    .insertInto('core_user')
    .values({
      organisation_id: organisationId,
      email: resident.email,
      display_name: resident.displayName,
      password_hash: resident.passwordHash,
      role: 'resident',
      language: resident.language,
      email_confirmed_at: null,
      birth_year: null,
      deleted_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return user.id;
}

/** Confirms an account's address (once: a confirmed address keeps its first date). */
export async function markEmailConfirmed(db: Executor, userId: number): Promise<void> {
  await db
    .updateTable('core_user')
    .set({ email_confirmed_at: new Date() })
    .where('id', '=', userId)
    .where('email_confirmed_at', 'is', null)
    .execute();
}

/** Stores a new hash of the same password (made with the current scheme and parameters). */
export async function updatePasswordHash(db: Executor, userId: number, passwordHash: string): Promise<void> {
  await db.updateTable('core_user').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** Sets a new password and confirms the address (following a mailed link proves it). */
export async function updatePasswordFromLink(db: Executor, userId: number, passwordHash: string): Promise<void> {
  await db
    .updateTable('core_user')
    .set({
      password_hash: passwordHash,
      email_confirmed_at: sql`coalesce(email_confirmed_at, now())`,
    })
    .where('id', '=', userId)
    .execute();
}

/** Changes an account's name and language (null: follow the browser). */
export async function updateUserProfile(
  db: Executor,
  userId: number,
  profile: { displayName: string; language: Language | null },
): Promise<void> {
  await db
    .updateTable('core_user')
    .set({ display_name: profile.displayName, language: profile.language })
    .where('id', '=', userId)
    .execute();
}

/** The year of birth an account's owner declared (null when none). */
export async function findDeclaredBirthYear(db: Executor, userId: number): Promise<number | null> {
  const user = await db.selectFrom('core_user').select(['birth_year']).where('id', '=', userId).executeTakeFirst();
  return user?.birth_year ?? null;
}

/** Stores (or with null removes) the year of birth an account's owner declares. */
export async function updateDeclaredBirthYear(db: Executor, userId: number, birthYear: number | null): Promise<void> {
  await db.updateTable('core_user').set({ birth_year: birthYear }).where('id', '=', userId).execute();
}

/** An account's password hash (null for an account that cannot sign in). */
export async function findPasswordHash(db: Executor, userId: number): Promise<string | null> {
  const user = await db
    .selectFrom('core_user')
    .select(['password_hash'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return user.password_hash;
}

/** What the platform's own tables hold about an account, for its owner's data export. */
export async function findAccountPersonalData(db: Executor, organisationId: number, userId: number) {
  const account = await db
    .selectFrom('core_user')
    .select(['id', 'email', 'display_name', 'language', 'role', 'email_confirmed_at', 'birth_year', 'created_at'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const sessions = await db
    .selectFrom('core_session')
    .select(['created_at', 'last_seen_at', 'expires_at'])
    .where('user_id', '=', userId)
    .execute();
  const departments = await db
    .selectFrom('core_department_member as m')
    .innerJoin('core_department as d', 'd.id', 'm.department_id')
    .select(['d.slug', 'd.name', 'm.created_at'])
    .where('m.user_id', '=', userId)
    .execute();
  const mails = await db
    .selectFrom('core_mail')
    .select(['subject', 'created_at', 'status'])
    .where('to_address', '=', account.email ?? '')
    .where('organisation_id', '=', organisationId)
    .execute();
  const staffActions = await db
    .selectFrom('core_audit_log')
    .select(['action', 'subject_type', 'subject_id', 'created_at'])
    .where('actor_user_id', '=', userId)
    .execute();
  return { account, sessions, departments, mails, staffActions };
}

/**
 * Erases an account's personal fields and what the platform's tables hold about it (sessions, tokens,
 * department memberships, mails to its address); the row stays, as "Deleted account", so that what it
 * wrote keeps an author.
 */
export async function eraseAccount(
  db: Executor,
  organisationId: number,
  user: { id: number; email: string | null },
): Promise<void> {
  await db.deleteFrom('core_session').where('user_id', '=', user.id).execute();
  await db.deleteFrom('core_user_token').where('user_id', '=', user.id).execute();
  await db.deleteFrom('core_department_member').where('user_id', '=', user.id).execute();
  if (user.email)
    await db
      .deleteFrom('core_mail')
      .where('to_address', '=', user.email)
      .where('organisation_id', '=', organisationId)
      .execute();
  await db
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
    .where('id', '=', user.id)
    .execute();
}
