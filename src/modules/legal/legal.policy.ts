import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may do what with the legal texts: everyone reads them; administrators publish new versions;
 * a signed-in person accepts them for themselves. Staff and moderators act for the city and are not
 * asked to accept the residents' texts again (`bound`).
 */
export type LegalAction = 'publish' | 'accept';

export function mayLegal(viewer: Viewer | null, action: LegalAction): boolean {
  if (!viewer) return false;
  if (action === 'publish') return hasRole(viewer, 'admin');
  return true;
}

/** Whether a new version must be accepted by this person before they take part again. */
export function boundByResidentTexts(viewer: Viewer): boolean {
  return !hasRole(viewer, 'staff') && !hasRole(viewer, 'moderator');
}

export function authorizeLegal(viewer: Viewer | null, action: LegalAction): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayLegal(viewer, action)) throw new AppError('FORBIDDEN');
}
