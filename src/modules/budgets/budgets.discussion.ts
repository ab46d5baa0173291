import type { DiscussedSubjectProvider } from '../../platform/module.ts';
import { findDiscussedProject } from './projects.repository.ts';

/**
 * Budget projects can be discussed under their page: by those the budget's participatory process admits
 * when it belongs to one, else by those its own eligibility admits (without the district rule, which is
 * about voting in a district heading).
 */
export const budgetProjectDiscussion: DiscussedSubjectProvider = {
  type: 'budget_project',
  notFound: 'BUDGET_PROJECT_NOT_FOUND',
  async find(ctx, organisationId, id) {
    const project = await findDiscussedProject(ctx.db, organisationId, id);
    if (!project) return undefined;
    return {
      href: `/budgets/${project.budget_id}/projects/${project.id}`,
      rules:
        project.process_id !== null
          ? { processId: project.process_id }
          : {
              level: project.eligibility_level,
              minAge: project.min_age ?? undefined,
              maxAge: project.max_age ?? undefined,
            },
    };
  },
};
