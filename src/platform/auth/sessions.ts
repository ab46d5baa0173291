import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import { hashToken, randomToken } from './tokens.ts';
import { toViewer, type Viewer } from './users.ts';

export const SESSION_COOKIE = 'ic_session';

/** Opens a session and returns the cookie value; only its hash is stored. */
export async function createSession(
  db: Executor,
  organisationId: number,
  userId: number,
  days: number,
): Promise<string> {
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

/**
 * The signed-in person of a live session, with their departments, in one query (it runs on every
 * request that carries a session cookie, so it is one round trip, not a session lookup followed by a
 * user lookup). Slides the session's expiry forward at most once an hour.
 */
export async function findSessionViewer(
  db: Executor,
  organisationId: number,
  token: string,
  days: number,
): Promise<Viewer | undefined> {
  const id = hashToken(token);
  // A raw template, not the query builder: it runs on every signed-in request, and building and
  // compiling the select cost more server CPU than the (prepared) query costs the database.
  const result = await sql<Parameters<typeof toViewer>[0] & { last_seen_at: Date }>`
    select u.id, u.organisation_id, u.email, u.display_name, u.role, u.language, u.email_confirmed_at, u.installation_admin, s.last_seen_at,
      coalesce((select array_agg(m.department_id order by m.department_id) from core_department_member m where m.user_id = u.id), '{}') as department_ids
    from core_session s join core_user u on u.id = s.user_id and u.organisation_id = s.organisation_id
    where s.id = ${id} and s.organisation_id = ${organisationId} and s.expires_at > ${new Date()} and u.deleted_at is null ${prepared}`.execute(
    db,
  );
  const row = result.rows[0];
  if (!row) return undefined;
  if (Date.now() - row.last_seen_at.getTime() > 3_600_000) {
    await db
      .updateTable('core_session')
      .set({ last_seen_at: new Date(), expires_at: new Date(Date.now() + days * 86_400_000) })
      .where('id', '=', id)
      .execute();
  }
  return toViewer(row);
}

/**
 * A condition for a statement that acts on a viewer remembered from an earlier request (a route with
 * `config: { session: 'deferred' }`): true only while the session is live and still belongs to this
 * person, in this city, with this role. The statement then confirms the session in the same step as
 * its write, and a signed-out, expired or deleted account changes nothing.
 */
export function liveSessionSql(
  sessionId: string | RawBuilder<string>,
  viewer: { [K in 'id' | 'organisationId' | 'role']: Viewer[K] | RawBuilder<Viewer[K]> },
) {
  return sql<boolean>`exists (select 1 from core_session ls join core_user lu on lu.id = ls.user_id and lu.organisation_id = ls.organisation_id
    where ls.id = ${sessionId} and ls.user_id = ${viewer.id} and ls.organisation_id = ${viewer.organisationId} and ls.expires_at > now() and lu.deleted_at is null and lu.role = ${viewer.role})`;
}

export async function deleteSession(db: Executor, token: string): Promise<void> {
  await db.deleteFrom('core_session').where('id', '=', hashToken(token)).execute();
}

export async function deleteUserSessions(db: Executor, userId: number): Promise<void> {
  await db.deleteFrom('core_session').where('user_id', '=', userId).execute();
}
