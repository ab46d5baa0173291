import type { Viewer } from '../../platform/auth/users.ts';
import type { Executor } from '../../platform/db/database.ts';
import { findAllSteps, type ApprovalStep } from './approval.repository.ts';

/** The steps a post goes through: its department's, else those of posts without a department, else one default step. */
export async function stepsFor(
  db: Executor,
  organisationId: number,
  departmentId: number | null,
): Promise<ApprovalStep[]> {
  return stepsAmong(await findAllSteps(db, organisationId), departmentId);
}

export function stepsAmong(all: ApprovalStep[], departmentId: number | null): ApprovalStep[] {
  const own = all.filter((step) => step.departmentId === departmentId);
  if (own.length > 0) return own;
  const general = all.filter((step) => step.departmentId === null);
  if (general.length > 0) return general;
  // no steps configured: one step, approved by the members of the post's department (administrators without one)
  return [{ id: 0, departmentId, position: 0, name: '', approverDepartmentId: departmentId, approverUserIds: [] }];
}

/** Whether the viewer approves at some step of this department's posts (so may read them). */
export function approvesSomeStep(viewer: Viewer, steps: ApprovalStep[]): boolean {
  return steps.some(
    (step) =>
      step.approverUserIds.includes(viewer.id) ||
      (step.approverDepartmentId !== null && viewer.departmentIds.includes(step.approverDepartmentId)),
  );
}
