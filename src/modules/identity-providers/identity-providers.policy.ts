import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * The identity providers are the city's doors into accounts, staff accounts included: only the city's
 * administrators see and change them. Anyone may start a sign-in; a signed-in person manages their links.
 */
export function authorizeProviderAdmin(viewer: Viewer | null): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!hasRole(viewer, 'admin')) throw new AppError('FORBIDDEN');
}

export function authorizeOwnLinks(viewer: Viewer | null): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
}

/** Whether an account counts as staff for a provider kept for staff: a role above resident, or a department. */
export function isStaffAccount(user: { role: string; in_department: boolean }): boolean {
  return user.role !== 'resident' || user.in_department;
}
