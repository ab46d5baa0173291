import { hasRole, type Viewer } from '../../../platform/auth/users.ts';
import { AppError } from '../../../platform/errors.ts';
import { canManageReport } from '../manage-report.use-cases.ts';

/**
 * Who may do what on the staff side of reports, in one place:
 * - `use-queue`: members of staff work through the queues of their departments; administrators any queue.
 * - `view-report`: the staff page of a report is open to those who may handle it and to moderators
 *   (who find reports to hide there).
 * - `moderate`: moderators and administrators hide and show reports and photos.
 * - `configure`: categories, their questions, routing rules and answer templates belong to administrators.
 */
export type StaffAction = 'use-queue' | 'moderate' | 'configure';

export function mayDo(viewer: Viewer | null, action: StaffAction): boolean {
  if (!viewer) return false;
  if (action === 'use-queue') return hasRole(viewer, 'staff');
  if (action === 'moderate') return hasRole(viewer, 'moderator');
  return hasRole(viewer, 'admin');
}

/** Throws AUTHENTICATION_REQUIRED for nobody, FORBIDDEN for someone without the right. */
export function authorize(viewer: Viewer | null, action: StaffAction): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayDo(viewer, action)) throw new AppError('FORBIDDEN');
}

/** Whether the viewer may open the staff page of a report in this department. */
export function mayViewReport(viewer: Viewer | null, report: { department_id: number | null }): boolean {
  return canManageReport(viewer, report) || mayDo(viewer, 'moderate');
}

/**
 * The departments whose queues the viewer may open: every one for administrators (undefined), else
 * the departments they belong to.
 */
export function queueScope(viewer: Viewer): number[] | undefined {
  return viewer.role === 'admin' ? undefined : viewer.departmentIds;
}
