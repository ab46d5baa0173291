import { sql } from 'kysely';
import type { Db, Executor } from '../db/database.ts';
import type { Role } from '../db/schema.ts';

/** The signed-in person as the pages and use cases see them. */
export interface Viewer {
  id: number;
  organisationId: number;
  email: string | null;
  displayName: string;
  role: Role;
  language: string | null;
  emailConfirmed: boolean;
  departmentIds: number[];
  /** Runs the installation: its cities, their addresses and map tiles (the /installation pages). */
  installationAdmin?: boolean;
}

/** Whether the viewer has at least the given role; administrators can do what moderators and staff can. */
export function hasRole(viewer: Viewer | null, role: Role): boolean {
  if (!viewer) return false;
  const rank: Record<Role, number> = { resident: 0, staff: 1, moderator: 2, admin: 3 };
  if (role === 'staff') return viewer.role === 'staff' || viewer.role === 'admin' || viewer.departmentIds.length > 0;
  return rank[viewer.role] >= rank[role];
}

/** Loads a viewer by user id within an organisation, with the departments they belong to. */
export async function findViewer(db: Executor, organisationId: number, userId: number): Promise<Viewer | undefined> {
  const row = await db
    .selectFrom('core_user')
    .select([
      'id',
      'organisation_id',
      'email',
      'display_name',
      'role',
      'language',
      'email_confirmed_at',
      'installation_admin',
      sql<
        number[]
      >`coalesce((select array_agg(department_id order by department_id) from core_department_member m where m.user_id = core_user.id), '{}')`.as(
        'department_ids',
      ),
    ])
    .where('id', '=', userId)
    .where('organisation_id', '=', organisationId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row ? toViewer(row) : undefined;
}

/** A viewer from a `core_user` row and its department ids (shared with the session lookup). */
export function toViewer(row: {
  id: number;
  organisation_id: number;
  email: string | null;
  display_name: string;
  role: Role;
  language: string | null;
  email_confirmed_at: Date | null;
  installation_admin: boolean;
  department_ids: number[];
}): Viewer {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    language: row.language,
    emailConfirmed: row.email_confirmed_at !== null,
    departmentIds: row.department_ids,
    installationAdmin: row.installation_admin,
  };
}

export async function findUserByEmail(db: Db | Executor, organisationId: number, email: string) {
  return db
    .selectFrom('core_user')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}
