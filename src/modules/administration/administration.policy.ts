import { AppError } from '../../platform/errors.ts';
import { hasRole, type Viewer } from '../../platform/auth/users.ts';

/**
 * Who may do what in the administration. One place, checked at the start of every use case:
 * the city's settings, departments, people, keys, audit log and outbox belong to administrators;
 * the administration's front page is open to every member of staff and to moderators, who find their
 * own tools there. The installation's pages (every city's addresses and map tiles) belong to installation
 * administrators (`npm run admin -- create --installation`), not to a city's. API keys never administer: a machine client acts only through the APIs made for it.
 */
export type AdministrationAction =
  | 'open-administration'
  | 'manage-city'
  | 'manage-departments'
  | 'manage-people'
  | 'manage-api-keys'
  | 'read-audit-log'
  | 'read-outbox'
  | 'run-installation';

export function mayAdminister(viewer: Viewer | null, action: AdministrationAction): boolean {
  // The installation's cities belong to its administrators only, whatever their role in their own city.
  if (action === 'run-installation') return viewer?.installationAdmin === true;
  if (action === 'open-administration') return hasRole(viewer, 'staff') || hasRole(viewer, 'moderator');
  return hasRole(viewer, 'admin');
}

/** Throws AUTHENTICATION_REQUIRED for nobody, FORBIDDEN for someone without the right. */
export function authorizeAdministration(viewer: Viewer | null, action: AdministrationAction): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayAdminister(viewer, action)) throw new AppError('FORBIDDEN');
}
