import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import type { PersonalDataProvider } from '../../platform/module.ts';
import { html, type Html } from '../../platform/web/html.ts';
import { currentPhase } from './ballot-rules.ts';
import { findBallotsOfUser } from './budget-admin.repository.ts';
import { releaseBallotsOfUser } from './ballots.repository.ts';
import { findBudgets } from './budgets.repository.ts';
import { phaseLabel, translated } from './pages/shared.ts';

/** The home page's block: budgets open for voting (or the latest one), with a link to vote. */
export async function renderBudgetsHomeSection(request: FastifyRequest, ctx: AppContext): Promise<Html | null> {
  const budgets = await findBudgets(ctx.db, request.organisation.id);
  const shown = budgets.filter((b) => currentPhase(b) === 'balloting');
  const list = shown.length > 0 ? shown : budgets.slice(0, 1);
  if (list.length === 0) return null;
  const { t } = request;
  return html`<section aria-labelledby="home-budgets"><h2 id="home-budgets">${t('budgets.home.title')}</h2>
<ul class="cards">${list.map((b) => html`<li class="card"><h3><a href="/budgets/${b.id}">${translated(request, b.title)}</a></h3><p><span class="tag">${phaseLabel(request, currentPhase(b))}</span></p></li>`)}</ul></section>`;
}

/**
 * Ballots in a resident's data export (their own choices, which only they may see). Erasing detaches
 * them from the person (`releaseBallotsOfUser`): ballots of a closed vote stay counted, anonymous;
 * a ballot in a vote still open is withdrawn.
 */
export const budgetsPersonalData: PersonalDataProvider = {
  async export(tx, userId) {
    const ballots = await findBallotsOfUser(tx, userId);
    return {
      ballots: ballots.map((b) => ({
        budgetId: b.budget_id,
        headingId: b.heading_id,
        projectIds: b.project_ids,
        votes: b.votes,
        createdAt: b.created_at.toISOString(),
        updatedAt: b.updated_at.toISOString(),
      })),
    };
  },
  async erase(tx, userId) {
    await releaseBallotsOfUser(tx, userId);
  },
};
