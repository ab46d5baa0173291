import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may do what with residents' content: every member of staff sees the collected posts, asks their
 * authors' consent, and hides or dismisses a post. Authors act only through the one-time links the city
 * sent them (the token is the authority), never through an account.
 */
export function authorizeResidentContent(viewer: Viewer | null): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!hasRole(viewer, 'staff')) throw new AppError('FORBIDDEN');
}
