import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may do what in verification: administrators import the census; staff (any department) verify
 * residents in person at a desk; every signed-in resident may verify themselves against the census.
 */
export type VerificationAction = 'import-census' | 'verify-in-person' | 'verify-self';

export function mayVerify(viewer: Viewer | null, action: VerificationAction): boolean {
  if (!viewer) return false;
  if (action === 'import-census') return hasRole(viewer, 'admin');
  if (action === 'verify-in-person') return hasRole(viewer, 'staff');
  return true;
}

/** Throws AUTHENTICATION_REQUIRED for nobody, FORBIDDEN for someone without the right. */
export function authorizeVerification(viewer: Viewer | null, action: VerificationAction): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayVerify(viewer, action)) throw new AppError('FORBIDDEN');
}
