import { sql } from 'kysely';
import type { Translated } from '../../platform/db/schema.ts';
import type { Executor } from '../../platform/db/database.ts';
import './inbox.schema.ts';

/* Who a conversation goes to: the city's departments, the people who can be given one, and the assignment. */

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** The city's departments that are not archived. */
export async function findActiveDepartments(
  db: Executor,
  organisationId: number,
): Promise<Array<{ id: number; name: Translated }>> {
  const rows = await db
    .selectFrom('core_department')
    .select(['id', 'name'])
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .orderBy('slug')
    .execute();
  return rows.map((row) => ({ id: row.id, name: json<Translated>(row.name) }));
}

/**
 * The city's staff, administrators and department members, by name, with the departments each belongs to: the
 * people a conversation can be given to, mentioned in a note or notified. Callers add their own columns.
 */
export function staffOfCity(db: Executor, organisationId: number) {
  return db
    .selectFrom('core_user as u')
    .select([
      'u.id',
      'u.display_name',
      sql<
        number[]
      >`coalesce((select array_agg(m.department_id order by m.department_id) from core_department_member m where m.user_id = u.id), '{}')`.as(
        'department_ids',
      ),
    ])
    .where('u.organisation_id', '=', organisationId)
    .where('u.deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('u.role', 'in', ['staff', 'admin']),
        eb.exists(
          eb.selectFrom('core_department_member as dm').select('dm.user_id').whereRef('dm.user_id', '=', 'u.id'),
        ),
      ]),
    )
    .orderBy('u.display_name');
}

/** People who can be given a conversation: staff and administrators, and members of departments. */
export async function findAssignablePeople(
  db: Executor,
  organisationId: number,
): Promise<Array<{ id: number; name: string; departmentIds: number[] }>> {
  const rows = await staffOfCity(db, organisationId).limit(1000).execute();
  return rows.map((row) => ({ id: row.id, name: row.display_name, departmentIds: row.department_ids }));
}

/** Whether a department of the city exists and is not archived. */
export async function isActiveDepartment(db: Executor, organisationId: number, departmentId: number): Promise<boolean> {
  const row = await db
    .selectFrom('core_department')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', departmentId)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** A person's role. */
export async function findUserRole(db: Executor, userId: number) {
  const row = await db.selectFrom('core_user').select('role').where('id', '=', userId).executeTakeFirstOrThrow();
  return row.role;
}

/** Gives a conversation to a department and/or a person (null: nobody). */
export async function setConversationAssignment(
  db: Executor,
  conversationId: number,
  assignment: { departmentId: number | null; assigneeId: number | null },
): Promise<void> {
  await db
    .updateTable('inbox_conversation')
    .set({ department_id: assignment.departmentId, assignee_id: assignment.assigneeId })
    .where('id', '=', conversationId)
    .execute();
}
