import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendCsv, type CsvCell } from '../../../platform/web/csv.ts';
import { findBudget, findHeadings, findMilestones, findProjects } from '../budgets.repository.ts';
import { findResults } from '../results.repository.ts';
import { resultsView } from './results.view.ts';
import { pathId } from './shared.ts';

export function registerResultsPages(app: App, ctx: AppContext): void {
  async function load(request: FastifyRequest, idText: string) {
    const budget = await findBudget(ctx.db, request.organisation.id, pathId(idText));
    if (!budget) throw new AppError('BUDGET_NOT_FOUND');
    if (!budget.resultsPublishedAt) throw new AppError('BUDGET_RESULTS_NOT_PUBLISHED');
    const headings = await findHeadings(ctx.db, budget.id);
    const stored = await findResults(ctx.db, budget.id);
    return { budget, headings, results: stored.results, totals: stored.headings };
  }

  app.get<{ Params: { id: string } }>('/budgets/:id/results', async (request, reply) => {
    const loaded = await load(request, request.params.id);
    const funded = (await findProjects(ctx.db, loaded.budget.id)).filter((p) => p.funded);
    const milestones = await findMilestones(
      ctx.db,
      funded.map((p) => p.id),
    );
    return resultsView(request, reply, { ...loaded, funded, milestones });
  });

  app.get<{ Params: { id: string } }>('/budgets/:id/results.csv', async (request, reply) => {
    const { budget, headings, results } = await load(request, request.params.id);
    const lang = request.organisation.defaultLanguage;
    const rows: CsvCell[][] = [
      ['heading_id', 'heading', 'position', 'project_id', 'project', 'cost', 'ballots', 'votes', 'funded', 'note'],
    ];
    for (const row of results) {
      const heading = headings.find((h) => h.id === row.headingId);
      rows.push([
        row.headingId,
        heading?.name[lang] ?? Object.values(heading?.name ?? {})[0] ?? '',
        row.position,
        row.projectId,
        row.title[lang] ?? Object.values(row.title)[0] ?? '',
        row.cost,
        row.ballots,
        row.votes,
        row.funded,
        row.note ?? '',
      ]);
    }
    return sendCsv(reply, `budget-${budget.id}-results.csv`, rows);
  });
}
