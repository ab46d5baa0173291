import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';

/**
 * Who may see what of the insights:
 * - the dashboard: administrators see the whole city; staff of a department see their departments only
 *   (`departmentScope`); anyone else nothing;
 * - the communication index: staff read it and fill in rubric and survey values; administrators change its
 *   criteria, targets, what is published, and take snapshots;
 * - the network's view (several cities side by side): administrators of the installation's default city;
 * - the transparency page: everyone.
 */
export type InsightsAction = 'dashboard' | 'read-index' | 'enter-values' | 'configure' | 'network';

export function mayDoInInsights(viewer: Viewer | null, action: InsightsAction, organisation?: Organisation): boolean {
  if (!viewer) return false;
  if (action === 'configure') return hasRole(viewer, 'admin');
  if (action === 'network') return hasRole(viewer, 'admin') && organisation?.isDefault === true;
  if (hasRole(viewer, 'admin')) return true;
  return viewer.departmentIds.length > 0;
}

export function authorizeInsights(
  viewer: Viewer | null,
  action: InsightsAction,
  organisation?: Organisation,
): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayDoInInsights(viewer, action, organisation)) throw new AppError('FORBIDDEN');
}

/**
 * The departments a viewer's dashboard covers: null for the whole city (administrators, unless they chose
 * a department), else the chosen department, which staff must belong to, or all of theirs.
 */
export function departmentScope(viewer: Viewer, chosen: number | undefined): number[] | null {
  if (hasRole(viewer, 'admin')) return chosen === undefined ? null : [chosen];
  if (chosen === undefined) return viewer.departmentIds;
  if (!viewer.departmentIds.includes(chosen)) throw new AppError('INSIGHTS_DEPARTMENT_FORBIDDEN');
  return [chosen];
}
