import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may do what in the city guide: everyone reads it (no account, no position needed); a signed-in
 * person reports a broken plate (a visitor without an account goes to the reports form, which confirms
 * by e-mail); staff add photos.
 */
export type GuideAction = 'read' | 'report' | 'manage';

export function mayGuide(viewer: Viewer | null, action: GuideAction): boolean {
  if (action === 'read') return true;
  if (!viewer) return false;
  if (action === 'manage') return hasRole(viewer, 'staff');
  return true;
}

export function authorizeGuide(viewer: Viewer | null, action: GuideAction): void {
  if (mayGuide(viewer, action)) return;
  throw new AppError(viewer ? 'FORBIDDEN' : 'AUTHENTICATION_REQUIRED');
}
