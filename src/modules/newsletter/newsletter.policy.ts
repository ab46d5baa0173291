import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may do what with the newsletter: anyone subscribes (double opt-in) and manages their own
 * subscription through the signed link of a mail; staff see the counts, the digests sent and the next
 * one, and set the schedule; only administrators see how delivery reports reach the city (the bounce
 * token). Nobody sees the list of addresses in the pages.
 */
export type NewsletterAction = 'overview' | 'schedule' | 'bounces';

export function mayNewsletter(viewer: Viewer | null, action: NewsletterAction): boolean {
  if (action === 'bounces') return hasRole(viewer, 'admin');
  return hasRole(viewer, 'staff');
}

export function authorizeNewsletter(viewer: Viewer | null, action: NewsletterAction): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayNewsletter(viewer, action)) throw new AppError('FORBIDDEN');
}
