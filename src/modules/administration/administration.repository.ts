import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { isApiKeyScope } from '../../platform/auth/api-keys.ts';
import type { Role, Translated } from '../../platform/db/schema.ts';

/** Data access for the administration pages: one query per list, paginated by id (newest first). */

export interface DepartmentSummary {
  id: number;
  slug: string;
  name: Translated;
  email: string | null;
  archivedAt: Date | null;
  memberCount: number;
}

function parseTranslated(value: Translated | string): Translated {
  return typeof value === 'string' ? (JSON.parse(value) as Translated) : value;
}

/** The city's departments with how many people belong to each, active ones first. */
export async function findDepartments(db: Executor, organisationId: number): Promise<DepartmentSummary[]> {
  const rows = await db
    .selectFrom('core_department as d')
    .select(['d.id', 'd.slug', 'd.name', 'd.email', 'd.archived_at'])
    .select(
      sql<number>`(select count(*) from core_department_member m where m.department_id = d.id)`.as('member_count'),
    )
    .where('d.organisation_id', '=', organisationId)
    .orderBy(sql`d.archived_at is not null`)
    .orderBy('d.slug')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    name: parseTranslated(row.name),
    email: row.email,
    archivedAt: row.archived_at,
    memberCount: row.member_count,
  }));
}

export async function findDepartmentById(
  db: Executor,
  organisationId: number,
  id: number,
): Promise<DepartmentSummary | undefined> {
  return (await findDepartments(db, organisationId)).find((department) => department.id === id);
}

export async function findDepartmentMembers(db: Executor, organisationId: number, departmentId: number) {
  return db
    .selectFrom('core_department_member as m')
    .innerJoin('core_user as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.display_name', 'u.email', 'u.role', 'm.created_at'])
    .where('m.organisation_id', '=', organisationId)
    .where('m.department_id', '=', departmentId)
    .orderBy('u.display_name')
    .execute();
}

export interface UserListFilter {
  search?: string;
  role?: Role;
  /** Show people with an id lower than this (the next page). */
  before?: number;
  limit: number;
}

/** People of the city (not deleted) with the departments they belong to. */
function userQuery(db: Executor, organisationId: number) {
  return db
    .selectFrom('core_user as u')
    .select(['u.id', 'u.display_name', 'u.email', 'u.role', 'u.language', 'u.created_at', 'u.email_confirmed_at'])
    .select(
      sql<
        number[]
      >`coalesce((select array_agg(m.department_id order by m.department_id) from core_department_member m where m.user_id = u.id), '{}')`.as(
        'department_ids',
      ),
    )
    .where('u.organisation_id', '=', organisationId)
    .where('u.deleted_at', 'is', null);
}

export type UserSummary = Awaited<ReturnType<ReturnType<typeof userQuery>['execute']>>[number];

/** People of the city, newest first, matching a name or e-mail and a role. */
export async function findUsers(
  db: Executor,
  organisationId: number,
  filter: UserListFilter,
): Promise<{ users: UserSummary[]; hasMore: boolean }> {
  let query = userQuery(db, organisationId)
    .orderBy('u.id', 'desc')
    .limit(filter.limit + 1);
  if (filter.role) query = query.where('u.role', '=', filter.role);
  if (filter.before) query = query.where('u.id', '<', filter.before);
  const search = filter.search?.trim();
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('u.email', 'ilike', pattern), eb('u.display_name', 'ilike', pattern)]));
  }
  const rows = await query.execute();
  return { users: rows.slice(0, filter.limit), hasMore: rows.length > filter.limit };
}

export async function findUserById(db: Executor, organisationId: number, id: number): Promise<UserSummary | undefined> {
  return userQuery(db, organisationId).where('u.id', '=', id).executeTakeFirst();
}

export async function countAdministrators(db: Executor, organisationId: number): Promise<number> {
  const row = await db
    .selectFrom('core_user')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'admin')
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

export interface AuditFilter {
  action?: string;
  before?: number;
  limit: number;
}

/** The audit log, newest first; `action` matches a prefix (`department.` lists every department action). */
export async function findAuditEntries(db: Executor, organisationId: number, filter: AuditFilter) {
  let query = db
    .selectFrom('core_audit_log')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.action) query = query.where('action', 'like', `${filter.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (filter.before) query = query.where('id', '<', filter.before);
  const rows = await query.execute();
  return { entries: rows.slice(0, filter.limit), hasMore: rows.length > filter.limit };
}

/** The distinct actions recorded, for the audit log's filter. */
export async function findAuditActions(db: Executor, organisationId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('core_audit_log')
    .select('action')
    .distinct()
    .where('organisation_id', '=', organisationId)
    .orderBy('action')
    .execute();
  return rows.map((row) => row.action);
}

/** Mails of the city, newest first. */
export async function findMails(db: Executor, organisationId: number, filter: { before?: number; limit: number }) {
  let query = db
    .selectFrom('core_mail')
    .select(['id', 'to_address', 'subject', 'status', 'error', 'created_at', 'sent_at'])
    .where('organisation_id', '=', organisationId)
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.before) query = query.where('id', '<', filter.before);
  const rows = await query.execute();
  return { mails: rows.slice(0, filter.limit), hasMore: rows.length > filter.limit };
}

export async function findMailById(db: Executor, organisationId: number, id: number) {
  return db
    .selectFrom('core_mail')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** API keys of the city (never their hash), active first, with the scopes this version knows. */
export async function findApiKeys(db: Executor, organisationId: number) {
  const keys = await db
    .selectFrom('core_api_key as k')
    .leftJoin('core_user as u', 'u.id', 'k.created_by')
    .select([
      'k.id',
      'k.name',
      'k.prefix',
      'k.scopes',
      'k.created_at',
      'k.last_used_at',
      'k.revoked_at',
      'k.quota_per_hour',
      'k.quota_per_day',
      'u.display_name as created_by_name',
    ])
    .where('k.organisation_id', '=', organisationId)
    .orderBy(sql`k.revoked_at is not null`)
    .orderBy('k.id', 'desc')
    .execute();
  return keys.map((key) => ({ ...key, scopes: key.scopes.filter(isApiKeyScope) }));
}

/** Whether a department of the city already uses this short name. */
export async function isDepartmentSlugTaken(db: Executor, organisationId: number, slug: string): Promise<boolean> {
  const taken = await db
    .selectFrom('core_department')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('slug', '=', slug)
    .executeTakeFirst();
  return taken !== undefined;
}

/** Stores a new department and returns its id. */
export async function insertDepartment(
  db: Executor,
  organisationId: number,
  department: { slug: string; name: Translated; email: string | null },
): Promise<number> {
  const row = await db
    .insertInto('core_department')
    .values({
      organisation_id: organisationId,
      slug: department.slug,
      name: JSON.stringify(department.name),
      email: department.email,
      archived_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Changes a department's name and e-mail address. */
export async function updateDepartmentRow(
  db: Executor,
  organisationId: number,
  id: number,
  department: { name: Translated; email: string | null },
): Promise<void> {
  await db
    .updateTable('core_department')
    .set({ name: JSON.stringify(department.name), email: department.email })
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .execute();
}

/** Archives a department (now) or restores it. */
export async function setDepartmentArchivedAt(db: Executor, id: number, archivedAt: Date | null): Promise<void> {
  await db.updateTable('core_department').set({ archived_at: archivedAt }).where('id', '=', id).execute();
}

/** Adds a member to a department; false when they already were one. */
export async function insertDepartmentMember(
  db: Executor,
  organisationId: number,
  departmentId: number,
  userId: number,
): Promise<boolean> {
  const inserted = await db
    .insertInto('core_department_member')
    .values({ organisation_id: organisationId, department_id: departmentId, user_id: userId })
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Removes a member from a department; false when they were not one. */
export async function deleteDepartmentMember(
  db: Executor,
  organisationId: number,
  departmentId: number,
  userId: number,
): Promise<boolean> {
  const removed = await db
    .deleteFrom('core_department_member')
    .where('organisation_id', '=', organisationId)
    .where('department_id', '=', departmentId)
    .where('user_id', '=', userId)
    .returning('user_id')
    .executeTakeFirst();
  return removed !== undefined;
}

/** How many of these ids are departments of the city. */
export async function countDepartmentsAmong(db: Executor, organisationId: number, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const known = await db
    .selectFrom('core_department')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', ids)
    .execute();
  return known.length;
}

/** Gives a person a role and exactly these departments (replacing the ones they had). */
export async function setRoleAndDepartments(
  db: Executor,
  organisationId: number,
  userId: number,
  role: Role,
  departmentIds: number[],
): Promise<void> {
  await db.updateTable('core_user').set({ role }).where('id', '=', userId).execute();
  await db.deleteFrom('core_department_member').where('user_id', '=', userId).execute();
  if (departmentIds.length > 0) {
    await db
      .insertInto('core_department_member')
      .values(departmentIds.map((id) => ({ organisation_id: organisationId, department_id: id, user_id: userId })))
      .execute();
  }
}

/** An API key of the city, by id (revoked ones too). */
export async function findApiKeyById(db: Executor, organisationId: number, id: number) {
  return db
    .selectFrom('core_api_key')
    .select(['id', 'name', 'revoked_at', 'quota_per_hour', 'quota_per_day'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Revokes an API key from now on. */
export async function markApiKeyRevoked(db: Executor, id: number): Promise<void> {
  await db.updateTable('core_api_key').set({ revoked_at: new Date() }).where('id', '=', id).execute();
}
