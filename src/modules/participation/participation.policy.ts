import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may do what in participation. Staff (any department) and administrators set processes and their
 * phases up and answer proposals; moderators (and administrators) hide comments; residents take part
 * as the process's phase and eligibility allow (checked by each use case with `checkEligibility`), and
 * authors withdraw their own proposals.
 */
export type ParticipationAction = 'manage-processes' | 'answer-proposals' | 'moderate' | 'take-part';

export function mayParticipation(viewer: Viewer | null, action: ParticipationAction): boolean {
  if (!viewer) return false;
  if (action === 'manage-processes' || action === 'answer-proposals') return hasRole(viewer, 'staff');
  if (action === 'moderate') return hasRole(viewer, 'moderator');
  return true;
}

/** Throws AUTHENTICATION_REQUIRED for nobody, FORBIDDEN for someone without the right. */
export function authorizeParticipation(viewer: Viewer | null, action: ParticipationAction): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayParticipation(viewer, action)) throw new AppError('FORBIDDEN');
}
