import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may do what with surveys: staff build them and read every result (free texts included); residents
 * answer those they are eligible for, once; anyone reads the results a survey publishes.
 */
export function mayManageSurveys(viewer: Viewer | null): boolean {
  return hasRole(viewer, 'staff');
}

/** Throws AUTHENTICATION_REQUIRED for nobody, FORBIDDEN for someone who is not staff. */
export function authorizeSurveys(viewer: Viewer | null): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayManageSurveys(viewer)) throw new AppError('FORBIDDEN');
}
