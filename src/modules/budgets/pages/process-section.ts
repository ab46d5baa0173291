import type { SubjectSection } from '../../../platform/module.ts';
import { html } from '../../../platform/web/html.ts';
import { findBudgets } from '../budgets.repository.ts';
import { translated } from './shared.ts';

/**
 * Under a participatory process's page, the budgets that belong to it (through the platform's subject
 * sections, so the process page needs no import of this module).
 */
export const processBudgetsSection: SubjectSection = {
  order: 20,
  async render(request, ctx, subject) {
    if (subject.type !== 'process') return null;
    const linked = (await findBudgets(ctx.db, request.organisation.id)).filter(
      (budget) => budget.processId === subject.id,
    );
    if (linked.length === 0) return null;
    return html`<section aria-labelledby="process-budgets"><h2 id="process-budgets">${request.t('budgets.title')}</h2><ul>${linked.map((budget) => html`<li><a href="/budgets/${budget.id}">${translated(request, budget.title)}</a></li>`)}</ul></section>`;
  },
};
