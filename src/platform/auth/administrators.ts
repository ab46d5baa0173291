import { sql } from 'kysely';
import { recordAudit } from '../audit.ts';
import type { Executor } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Organisation } from '../organisations/organisations.ts';
import { hashPassword } from './passwords.ts';
import { isEmail } from '../validation.ts';
import { findUserByEmail } from './users.ts';

/**
 * Makes a person an administrator (command line, or ADMIN_EMAIL on a first start): an existing account is promoted, otherwise a
 * confirmed account is created with the given password. `installation` also makes them an installation administrator
 * (the /installation pages: every city's addresses and map tiles). Recorded in the audit log as a system action by `actorLabel`.
 */
export async function createAdministrator(
  db: Executor,
  organisation: Organisation,
  input: { email: string; name: string; password: string; actorLabel: string; installation?: boolean },
): Promise<{ created: boolean; userId: number }> {
  const email = input.email.trim().toLowerCase();
  if (!isEmail(email)) throw new AppError('VALIDATION_FAILED', `"${input.email}" is not an e-mail address.`);
  const existing = await findUserByEmail(db, organisation.id, email);
  if (!existing && input.password.length < 10)
    throw new AppError('VALIDATION_FAILED', 'The password must have at least 10 characters.');
  const passwordHash = existing ? null : await hashPassword(input.password);
  return db.transaction().execute(async (tx) => {
    const actor = { id: null, label: input.actorLabel };
    if (existing) {
      await tx
        .updateTable('core_user')
        .set({
          role: 'admin',
          email_confirmed_at: sql`coalesce(email_confirmed_at, now())`,
          ...(input.installation ? { installation_admin: true } : {}),
        })
        .where('id', '=', existing.id)
        .execute();
      await recordAudit(tx, {
        organisationId: organisation.id,
        actor,
        action: 'user.update',
        subjectType: 'user',
        subjectId: existing.id,
        before: { role: existing.role, installationAdmin: existing.installation_admin },
        after: { role: 'admin', installationAdmin: existing.installation_admin || input.installation === true },
      });
      return { created: false, userId: existing.id };
    }
    const user = await tx
      .insertInto('core_user')
      .values({
        organisation_id: organisation.id,
        email,
        display_name: input.name.trim() || 'Administrator',
        password_hash: passwordHash,
        role: 'admin',
        installation_admin: input.installation === true,
        email_confirmed_at: new Date(),
        language: null,
        birth_year: null,
        deleted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor,
      action: 'user.create',
      subjectType: 'user',
      subjectId: user.id,
      after: { role: 'admin', installationAdmin: input.installation === true },
    });
    return { created: true, userId: user.id };
  });
}
