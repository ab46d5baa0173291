import type { Executor } from '../db/database.ts';
import { hashToken, randomToken } from './tokens.ts';

export const SESSION_COOKIE = 'ic_session';

/** Opens a session and returns the cookie value; only its hash is stored. */
export async function createSession(db: Executor, organisationId: number, userId: number, days: number): Promise<string> {
  const token = randomToken();
  await db
    .insertInto('core_session')
    .values({
      id: hashToken(token),
      organisation_id: organisationId,
      user_id: userId,
      last_seen_at: new Date(),
      expires_at: new Date(Date.now() + days * 86_400_000),
    })
    .execute();
  return token;
}

/** The user of a live session, sliding its expiry forward at most once an hour. */
export async function findSessionUser(db: Executor, organisationId: number, token: string, days: number): Promise<number | undefined> {
  const id = hashToken(token);
  const session = await db
    .selectFrom('core_session')
    .select(['user_id', 'last_seen_at'])
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  if (!session) return undefined;
  if (Date.now() - session.last_seen_at.getTime() > 3_600_000) {
    await db
      .updateTable('core_session')
      .set({ last_seen_at: new Date(), expires_at: new Date(Date.now() + days * 86_400_000) })
      .where('id', '=', id)
      .execute();
  }
  return session.user_id;
}

export async function deleteSession(db: Executor, token: string): Promise<void> {
  await db.deleteFrom('core_session').where('id', '=', hashToken(token)).execute();
}

export async function deleteUserSessions(db: Executor, userId: number): Promise<void> {
  await db.deleteFrom('core_session').where('user_id', '=', userId).execute();
}
