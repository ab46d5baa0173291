import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may do what in open data: everything published is for everyone (no policy on reading); the
 * settings (licence, contact point, catalogue profiles) belong to administrators.
 */
export function authorizeOpenDataSettings(viewer: Viewer | null): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!hasRole(viewer, 'admin')) throw new AppError('FORBIDDEN');
}
