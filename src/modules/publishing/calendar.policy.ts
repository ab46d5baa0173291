import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may use the editorial calendar:
 * - `read`, `move`: staff (members of a department, staff, administrators) see every post planned and
 *   published and move a post's schedule; a member of departments moves only posts of their departments or
 *   of none.
 * - `blackouts`: adding and removing blackout periods (elections, mourning) is an administrator's act.
 */
export type CalendarAction = 'read' | 'move' | 'blackouts';

export function mayUseCalendar(viewer: Viewer | null, action: CalendarAction): boolean {
  if (!viewer) return false;
  if (action === 'blackouts') return hasRole(viewer, 'admin');
  return hasRole(viewer, 'staff');
}

/** Throws AUTHENTICATION_REQUIRED for nobody, FORBIDDEN for someone without the right. */
export function authorizeCalendar(viewer: Viewer | null, action: CalendarAction): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayUseCalendar(viewer, action)) throw new AppError('FORBIDDEN');
}

/** Whether a member of staff may move a post of this department (administrators and general staff: all). */
export function mayMoveDepartmentPost(viewer: Viewer, departmentId: number | null): boolean {
  if (viewer.role === 'admin' || viewer.role === 'staff') return true;
  return departmentId === null || viewer.departmentIds.includes(departmentId);
}
