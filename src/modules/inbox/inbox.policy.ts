import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may do what with the inbox, in one place:
 * - `read`: every member of staff sees everything residents say (the point of one inbox); moderators too.
 * - `answer`: staff answer, assign, relabel and turn messages into reports, and keep the code book and
 *   apply its codes (qualitative coding is their analysis work).
 * - `configure`: channels (with their credentials), topics and retention belong to administrators.
 * - `erase`: exporting or erasing an author's messages on request is an administrator's act.
 */
export type InboxAction = 'read' | 'answer' | 'configure' | 'erase';

export function mayDoInInbox(viewer: Viewer | null, action: InboxAction): boolean {
  if (!viewer) return false;
  if (action === 'read') return hasRole(viewer, 'staff') || hasRole(viewer, 'moderator');
  if (action === 'answer') return hasRole(viewer, 'staff');
  return hasRole(viewer, 'admin');
}

/** Throws AUTHENTICATION_REQUIRED for nobody, FORBIDDEN for someone without the right. */
export function authorizeInbox(viewer: Viewer | null, action: InboxAction): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayDoInInbox(viewer, action)) throw new AppError('FORBIDDEN');
}
