import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { findDistricts } from '../../places/index.ts';
import { currentPhase, type BallotInput } from '../ballot-rules.ts';
import {
  ballotView,
  castBallot,
  loadBallotScope,
  votingBlocker,
  withdrawBallot,
  type BallotView,
} from '../ballot.use-cases.ts';
import { findBallot, findBallotsOfVoter } from '../ballots.repository.ts';
import {
  findBudget,
  findBudgets,
  findHeadings,
  findProjects,
  type Budget,
  type Heading,
} from '../budgets.repository.ts';
import { findResidentProjects, findSupportedProjects } from '../projects.repository.ts';
import { readForm } from '../../../platform/web/forms.ts';
import { BallotProjectsForm, readBallotVotes } from '../budgets.forms.ts';
import { pathId } from './shared.ts';
import { registerResultsPages } from './results.pages.ts';
import { listQuery, listsProjects, sortProjects, type ProjectListData } from './project-list.ts';
import { registerProjectPages } from './projects.pages.ts';
import { budgetsView, budgetView, headingView, type HeadingPageData } from './public.view.ts';

/** The residents' side: budgets, headings with their ballot, projects, results and follow-up. */
export function registerPublicPages(app: App, ctx: AppContext): void {
  app.get('/budgets', async (request, reply) => {
    const budgets = await findBudgets(ctx.db, request.organisation.id);
    return budgetsView(request, reply, { budgets });
  });

  app.get<{ Params: { id: string } }>('/budgets/:id', async (request, reply) => {
    const budget = await requireBudget(request, pathId(request.params.id));
    const headings = await findHeadings(ctx.db, budget.id);
    const ballots = request.viewer ? await findBallotsOfVoter(ctx.db, budget.id, request.viewer.id) : [];
    const voted = new Set(ballots.map((b) => b.headingId));
    const projectList = await projectListData(request, budget);
    return budgetView(request, reply, { budget, headings, voted, projectList });
  });

  app.get<{ Params: { id: string; headingId: string } }>('/budgets/:id/headings/:headingId', async (request, reply) => {
    const { budget, heading } = await loadBallotScope(
      ctx,
      request.organisation,
      pathId(request.params.id),
      pathId(request.params.headingId, 'BUDGET_HEADING_NOT_FOUND'),
    );
    const stored = request.viewer ? await findBallot(ctx.db, heading.id, request.viewer.id) : undefined;
    return headingView(
      request,
      reply,
      await headingData(request, budget, heading, ballotView(budget, heading, stored)),
    );
  });

  app.post<{ Params: { id: string; headingId: string } }>(
    '/budgets/:id/headings/:headingId/ballot',
    async (request, reply) => {
      const budgetId = pathId(request.params.id);
      const headingId = pathId(request.params.headingId, 'BUDGET_HEADING_NOT_FOUND');
      const { budget, heading } = await loadBallotScope(ctx, request.organisation, budgetId, headingId);
      const input = ballotFromForm(request.body, budget);
      if (!input)
        return headingView(
          request,
          reply,
          await headingData(request, budget, heading, ballotView(budget, heading, undefined), {
            code: 'BALLOT_WRONG_FORMAT',
          }),
        );
      const outcome = await castBallot(ctx, request.viewer, request.organisation, budgetId, headingId, input);
      if (!outcome.ok)
        return headingView(
          request,
          reply,
          await headingData(request, budget, heading, await submittedView(budget, heading, input), {
            code: outcome.code,
            projectIds: outcome.projectIds,
          }),
        );
      setNotice(reply, outcome.ballot.projects.length > 0 ? 'budgets.ballot.saved' : 'budgets.ballot.withdrawn');
      return reply.redirect(`/budgets/${budgetId}/headings/${headingId}#ballot`, 303);
    },
  );

  app.post<{ Params: { id: string; headingId: string } }>(
    '/budgets/:id/headings/:headingId/ballot/withdraw',
    async (request, reply) => {
      const budgetId = pathId(request.params.id);
      const headingId = pathId(request.params.headingId, 'BUDGET_HEADING_NOT_FOUND');
      const outcome = await withdrawBallot(ctx, request.viewer, request.organisation, budgetId, headingId);
      if (!outcome.ok) throw new AppError(outcome.code);
      setNotice(reply, 'budgets.ballot.withdrawn');
      return reply.redirect(`/budgets/${budgetId}/headings/${headingId}`, 303);
    },
  );

  registerProjectPages(app, ctx);
  registerResultsPages(app, ctx);

  async function requireBudget(request: FastifyRequest, id: number): Promise<Budget> {
    const budget = await findBudget(ctx.db, request.organisation.id, id);
    if (!budget) throw new AppError('BUDGET_NOT_FOUND');
    return budget;
  }

  /** What the voter sent, shown back with their errors so they can fix it (totals recomputed here). */
  async function submittedView(budget: Budget, heading: Heading, input: BallotInput): Promise<BallotView> {
    const projects = new Map((await findProjects(ctx.db, budget.id, { headingId: heading.id })).map((p) => [p.id, p]));
    const entries: Array<[number, number]> = input.projects
      ? input.projects.map((id) => [id, 1])
      : Object.entries(input.votes).map(([id, votes]) => [Number(id), votes]);
    const chosen = entries.filter(([id, votes]) => projects.has(id) && votes > 0);
    const totalCost = chosen.reduce((sum, [id]) => sum + (projects.get(id)?.cost ?? 0), 0);
    return {
      ...ballotView(budget, heading, undefined),
      projects: chosen.map(([id]) => id),
      votes: Object.fromEntries(chosen.map(([id, votes]) => [String(id), votes])),
      totalCost,
      remaining: heading.amount - totalCost,
      votesUsed: chosen.reduce((sum, [, votes]) => sum + votes, 0),
    };
  }

  /** The budget page's project list in the early phases: the resident's filters, the projects, those they support. */
  async function projectListData(request: FastifyRequest, budget: Budget): Promise<ProjectListData | undefined> {
    if (!listsProjects(currentPhase(budget))) return undefined;
    const query = listQuery(request.query);
    const projects = sortProjects(
      await findResidentProjects(ctx.db, budget.id, { headingId: query.headingId }),
      query.sort,
      query.seed,
    );
    const supported = request.viewer
      ? await findSupportedProjects(ctx.db, budget.id, request.viewer.id)
      : new Set<number>();
    return { query, projects, supported };
  }

  /** A heading's page: its projects, why the viewer may not vote (if so) and its district. */
  async function headingData(
    request: FastifyRequest,
    budget: Budget,
    heading: Heading,
    ballot: BallotView,
    error?: HeadingPageData['error'],
  ): Promise<HeadingPageData> {
    const projects = (await findProjects(ctx.db, budget.id, { headingId: heading.id })).filter(
      (p) => p.status !== 'withdrawn',
    );
    const blocker = await votingBlocker(ctx, request.viewer, request.organisation, budget, heading);
    const district =
      heading.districtId !== null
        ? (await findDistricts(ctx.db, request.organisation.id)).find((d) => d.id === heading.districtId)
        : undefined;
    return { budget, heading, ballot, projects, blocker, district, error };
  }
}

/** The ballot a form sent: checkboxes `projects`, or `votes_<id>` number fields; undefined when tampered with. */
function ballotFromForm(body: unknown, budget: Budget): BallotInput | undefined {
  if (budget.votingRule !== 'distributed') {
    const form = readForm(BallotProjectsForm, body);
    return form.ok ? { projects: form.value.projects } : undefined;
  }
  const votes = readBallotVotes(body);
  return votes ? { votes } : undefined;
}
