import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may do what in publishing, in one place:
 * - `write`: staff write posts of the departments they belong to; posts without a department (the news
 *   desk's) and every department's for administrators and staff who belong to no department.
 * - `approve` is decided per step (`mayApproveStep`): the step's users or its department's members,
 *   never the author of the post (four eyes).
 * - `configure`: destinations (with their credentials) and approval steps belong to administrators.
 * - `campaigns`: every member of staff plans campaigns.
 */
export type PublishingAction = 'write' | 'configure' | 'campaigns';

export function mayUsePublishing(viewer: Viewer | null, action: PublishingAction): boolean {
  if (!viewer) return false;
  if (action === 'configure') return hasRole(viewer, 'admin');
  return hasRole(viewer, 'staff');
}

/** Throws AUTHENTICATION_REQUIRED for nobody, FORBIDDEN for someone without the right. */
export function authorizePublishing(viewer: Viewer | null, action: PublishingAction): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayUsePublishing(viewer, action)) throw new AppError('FORBIDDEN');
}

/** Whether the viewer may write (and see on the staff side) the posts of this department. */
export function mayWriteFor(viewer: Viewer | null, departmentId: number | null): boolean {
  if (!viewer || !hasRole(viewer, 'staff')) return false;
  if (viewer.role === 'admin' || viewer.departmentIds.length === 0) return true;
  return departmentId !== null && viewer.departmentIds.includes(departmentId);
}

export function authorizePost(viewer: Viewer | null, post: { departmentId: number | null }): asserts viewer is Viewer {
  authorizePublishing(viewer, 'write');
  if (!mayWriteFor(viewer, post.departmentId)) throw new AppError('FORBIDDEN');
}

/** An approval step as the policy sees it. Without configured steps a post has one: its department's members. */
export interface StepApprovers {
  departmentId: number | null;
  userIds: number[];
}

/** Whether the viewer approves at this step: named, or a member of its department; never the author. */
export function mayApproveStep(
  viewer: Viewer,
  step: StepApprovers,
  post: { authorId: number | null },
): 'ok' | 'PUBLISHING_OWN_POST' | 'PUBLISHING_NOT_APPROVER' {
  if (post.authorId === viewer.id) return 'PUBLISHING_OWN_POST';
  if (step.userIds.includes(viewer.id)) return 'ok';
  if (step.departmentId !== null && viewer.departmentIds.includes(step.departmentId)) return 'ok';
  if (step.departmentId === null && step.userIds.length === 0 && viewer.role === 'admin') return 'ok';
  return 'PUBLISHING_NOT_APPROVER';
}
