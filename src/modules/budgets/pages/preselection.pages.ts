import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { authorizeBudgets } from '../budgets.policy.ts';
import { findBudget, findHeadings } from '../budgets.repository.ts';
import { findResidentProjects } from '../projects.repository.ts';
import { preselectProjects } from '../projects.use-cases.ts';
import { sortProjects } from './project-list.ts';
import { invalidForm, parseId, readForm } from '../../../platform/web/forms.ts';
import { PreselectionForm } from '../budgets.forms.ts';
import { pathId } from './shared.ts';
import { preselectionView, type PreselectionData } from './preselection.view.ts';

/**
 * Staff's pre-selection: every project of a budget by heading, most supported first, with a box to
 * send it to review. Review itself (feasible or not, with the explanation residents read) happens on
 * each project's staff page, linked from here.
 */
export function registerPreselectionPages(app: App, ctx: AppContext): void {
  app.get<{ Params: { id: string } }>('/admin/budgets/:id/preselection', async (request, reply) => {
    authorizeBudgets(request.viewer, 'manage-budgets');
    return preselectionView(request, reply, await preselectionData(request, pathId(request.params.id)));
  });

  app.post<{ Params: { id: string } }>('/admin/budgets/:id/preselection', async (request, reply) => {
    const id = pathId(request.params.id);
    const form = readForm(PreselectionForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const selected = form.value.selected.map(parseId).filter((id) => id !== undefined);
    const outcome = await preselectProjects(ctx, request.viewer, request.organisation, id, selected);
    if (!outcome.ok) return preselectionView(request, reply, await preselectionData(request, id, outcome.code));
    setNotice(reply, 'budgets.admin.saved');
    return reply.redirect(`/admin/budgets/${id}/preselection`, 303);
  });

  /** The pre-selection page's data: the budget, its headings and its projects by supports. */
  async function preselectionData(
    request: FastifyRequest,
    budgetId: number,
    errorCode?: string,
  ): Promise<PreselectionData> {
    const budget = await findBudget(ctx.db, request.organisation.id, budgetId);
    if (!budget) throw new AppError('BUDGET_NOT_FOUND');
    const headings = await findHeadings(ctx.db, budget.id);
    const projects = sortProjects(await findResidentProjects(ctx.db, budget.id), 'supports', 0);
    return { budget, headings, projects, errorCode };
  }
}
