import type { FirstStep } from '../../platform/module.ts';
import { findDepartments } from './administration.repository.ts';

/** The administration's step of a new city's checklist: a department with people in it. */
export const administrationFirstSteps: readonly FirstStep[] = [
  {
    key: 'departments',
    order: 20,
    label: 'admin.departments',
    hint: 'admin.firstSteps.departments.hint',
    href: '/admin/departments',
    async done(ctx, organisationId) {
      const departments = await findDepartments(ctx.db, organisationId);
      return departments.some((department) => department.archivedAt === null && department.memberCount > 0);
    },
  },
];
