import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { currentPhase } from '../ballot-rules.ts';
import { authorizeBudgets } from '../budgets.policy.ts';
import { findBudget, findHeadings } from '../budgets.repository.ts';
import { findResidentProjects } from '../projects.repository.ts';
import { preselectProjects } from '../projects.use-cases.ts';
import { sortProjects } from './project-list.ts';
import { projectStatus, statusLabel } from './project-parts.ts';
import { invalidForm, parseId, readForm } from '../../../platform/web/forms.ts';
import { PreselectionForm } from '../budgets.forms.ts';
import { money, number, pathId, phaseLabel, plain, stylesheet, translated } from './shared.ts';

/**
 * Staff's pre-selection: every project of a budget by heading, most supported first, with a box to
 * send it to review. Review itself (feasible or not, with the explanation residents read) happens on
 * each project's staff page, linked from here.
 */
export function registerPreselectionPages(app: App, ctx: AppContext): void {
  app.get<{ Params: { id: string } }>('/admin/budgets/:id/preselection', async (request, reply) => {
    authorizeBudgets(request.viewer, 'manage-budgets');
    return page(request, reply, pathId(request.params.id));
  });

  app.post<{ Params: { id: string } }>('/admin/budgets/:id/preselection', async (request, reply) => {
    const id = pathId(request.params.id);
    const form = readForm(PreselectionForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const selected = form.value.selected.map(parseId).filter((id) => id !== undefined);
    const outcome = await preselectProjects(ctx, request.viewer, request.organisation, id, selected);
    if (!outcome.ok) return page(request, reply, id, outcome.code);
    setNotice(reply, 'budgets.admin.saved');
    return reply.redirect(`/admin/budgets/${id}/preselection`, 303);
  });

  async function page(request: FastifyRequest, reply: FastifyReply, budgetId: number, errorCode?: string) {
    const { t } = request;
    const budget = await findBudget(ctx.db, request.organisation.id, budgetId);
    if (!budget) throw new AppError('BUDGET_NOT_FOUND');
    const headings = await findHeadings(ctx.db, budget.id);
    const projects = sortProjects(await findResidentProjects(ctx.db, budget.id), 'supports', 0);
    const title = t('budgets.preselection.title');
    const errors: Record<string, string> = errorCode
      ? { 'preselection-form': t(`budgets.error.${errorCode}` as MessageKey) }
      : {};
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title,
      noIndex: true,
      status: errorCode ? 409 : 200,
      main: html`${stylesheet()}<p><a href="/admin">${t('site.admin')}</a> › <a href="/admin/budgets">${t('budgets.admin.title')}</a> › <a href="/admin/budgets/${budget.id}">${translated(request, budget.title)}</a></p>
<h1>${title}</h1>
<p>${t('budgets.admin.currentPhase')}: <strong>${phaseLabel(request, currentPhase(budget))}</strong></p>
${errorSummary(request, errors)}
<p>${t('budgets.preselection.lead')}</p>
<form method="post" action="/admin/budgets/${budget.id}/preselection" class="stack" id="preselection-form">${csrfField(request)}
${headings.map((heading) => {
  const own = projects.filter((p) => p.headingId === heading.id);
  const captionId = `heading-${heading.id}`;
  return html`<div class="table-wrap"><table class="data-table" aria-labelledby="${captionId}"><caption id="${captionId}">${translated(request, heading.name)} — ${money(request, heading.amount)}</caption>
<thead><tr><th scope="col">${t('budgets.preselection.toReview')}</th><th scope="col">${t('budgets.results.project')}</th><th scope="col">${t('budgets.support.count')}</th><th scope="col">${t('budgets.project.cost')}</th><th scope="col">${t('budgets.project.status')}</th></tr></thead>
<tbody>${own.map((p) => {
    const box = `selected-${p.id}`;
    return html`<tr><td><input type="checkbox" id="${box}" name="selected" value="${p.id}"${p.status === 'selected' ? raw(' checked') : ''}><label for="${box}" class="visually-hidden">${t('budgets.preselection.toReview')}: ${plain(request, p.title)}</label></td>
<td><a href="/admin/budgets/${budget.id}/projects/${p.id}">${translated(request, p.title)}</a></td><td>${number(request, p.supports)}</td><td>${money(request, p.cost)}</td><td>${statusLabel(request, projectStatus(budget, p))}</td></tr>`;
  })}</tbody></table></div>`;
})}
<button type="submit" class="button">${t('budgets.preselection.save')}</button>
</form>`,
    });
  }
}
