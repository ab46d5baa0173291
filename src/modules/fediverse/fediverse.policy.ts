import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may do what with the city's fediverse accounts:
 * - `profile`: administrators edit the actors' profile fields (address, hours, accessibility) and follow
 *   other accounts in the city's name;
 * - `defederate`: moderators (and administrators) block a remote server.
 */
export type FediverseAction = 'profile' | 'defederate';

export function mayDoInFediverse(viewer: Viewer | null, action: FediverseAction): boolean {
  if (!viewer) return false;
  if (action === 'profile') return hasRole(viewer, 'admin');
  return hasRole(viewer, 'moderator') || hasRole(viewer, 'admin');
}

export function authorizeFediverse(viewer: Viewer | null, action: FediverseAction): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayDoInFediverse(viewer, action)) throw new AppError('FORBIDDEN');
}
