import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, renderPage } from '../../../platform/web/layout.ts';
import { currentPhase } from '../ballot-rules.ts';
import type { Budget, Heading } from '../budgets.repository.ts';
import type { ResidentProject } from '../projects.repository.ts';
import { projectStatus, statusLabel } from './project-parts.ts';
import { money, number, phaseLabel, plain, stylesheet, translated } from './shared.ts';

/** The pre-selection page as loaded: the budget, its headings and every project, most supported first. */
export interface PreselectionData {
  budget: Budget;
  headings: Heading[];
  projects: ResidentProject[];
  /** Why the last change was refused. */
  errorCode?: string | undefined;
}

/** Staff's pre-selection: per heading a table of projects, each with a box to send it to review. */
export function preselectionView(request: FastifyRequest, reply: FastifyReply, data: PreselectionData) {
  const { t } = request;
  const { budget, headings, projects, errorCode } = data;
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
