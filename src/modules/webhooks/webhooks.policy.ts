import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Webhooks send the city's events to addresses outside, signed with secrets: only the city's
 * administrators see and manage the subscriptions, their secrets and the deliveries.
 */
export function authorizeWebhooks(viewer: Viewer | null): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!hasRole(viewer, 'admin')) throw new AppError('FORBIDDEN');
}
