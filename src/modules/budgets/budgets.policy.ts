import { hasRole, type Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Who may do what with participatory budgets: staff (any department) and administrators set budgets
 * up, review projects, publish results and report progress; residents vote (their eligibility is the
 * budget's rule, checked by the ballot use case). Ballots are private: no action reads another
 * person's ballot.
 */
export type BudgetAction = 'manage-budgets';

export function mayManageBudgets(viewer: Viewer | null): boolean {
  return hasRole(viewer, 'staff');
}

/** Throws AUTHENTICATION_REQUIRED for nobody, FORBIDDEN for someone without the right. */
export function authorizeBudgets(viewer: Viewer | null, _action: BudgetAction): asserts viewer is Viewer {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  if (!mayManageBudgets(viewer)) throw new AppError('FORBIDDEN');
}
