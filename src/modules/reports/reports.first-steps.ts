import type { FirstStep } from '../../platform/module.ts';
import { findCategories, findCategoryIdsWithQuestions, findRoutingRules } from './report-categories.repository.ts';

/**
 * The reports step of a new city's checklist: categories residents can choose, every one of them routed to a
 * department (its default department or a routing rule), and questions asked for at least one.
 */
export const reportsFirstSteps: readonly FirstStep[] = [
  {
    key: 'categories',
    order: 30,
    label: 'reports.firstSteps.categories',
    hint: 'reports.firstSteps.categories.hint',
    href: '/staff/categories',
    async done(ctx, organisationId) {
      const categories = await findCategories(ctx.db, organisationId);
      if (categories.length === 0) return false;
      const rules = await findRoutingRules(ctx.db, organisationId);
      const routed = categories.every(
        (category) => category.defaultDepartmentId !== null || rules.some((rule) => rule.categoryId === category.id),
      );
      const asking = await findCategoryIdsWithQuestions(ctx.db, organisationId);
      return routed && categories.some((category) => asking.has(category.id));
    },
  },
];
