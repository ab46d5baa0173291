import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { renderSubjectSections } from '../../../platform/web/subject-sections.ts';
import { findDistrictsWithGeometry } from '../../places/index.ts';
import { currentPhase } from '../ballot-rules.ts';
import { findBudget, findHeadings, findMilestones, type Budget } from '../budgets.repository.ts';
import {
  countSupportsInHeading,
  findResidentProject,
  findSupportedProjects,
  type ResidentProject,
} from '../projects.repository.ts';
import {
  editOwnProject,
  eligibilityBlocker,
  proposeProject,
  supportProject,
  withdrawOwnProject,
  withdrawProjectSupport,
  type FieldErrors,
  type ProjectFieldProblem,
  type ResidentProjectInput,
} from '../projects.use-cases.ts';
import { parseId, readForm, withNumbersAsNaN } from '../../../platform/web/forms.ts';
import { ResidentProjectForm } from '../budgets.forms.ts';
import { pathId, plain } from './shared.ts';
import {
  projectFormView,
  projectView,
  type PageError,
  type ProjectFormData,
  type ProjectPageData,
} from './projects.view.ts';

/** The resident's project form as sent; numbers that are not numbers stay NaN so validation names them. */
function inputFromForm(body: unknown): ResidentProjectInput {
  const form = withNumbersAsNaN(ResidentProjectForm, readForm(ResidentProjectForm, body));
  // Residents write amounts with thousands separators ("12.500", "12 500", "12'500"): whole units only.
  const cost = form.cost.replace(/[\s.,'’]/g, '');
  return {
    headingId: parseId(form.headingId) ?? 0,
    title: form.title,
    description: form.description,
    cost: /^\d{1,15}$/.test(cost) ? Number(cost) : Number.NaN,
    lat: form.lat ?? null,
    lng: form.lng ?? null,
    showAuthor: form.showAuthor,
  };
}

/** Residents' pages: propose, edit and withdraw a project, the project page, supports. */
/** The text of each field problem of a resident's project. */
const PROBLEM_TEXT: Record<ProjectFieldProblem, MessageKey> = {
  title: 'budgets.propose.error.title',
  titleTooLong: 'budgets.error.titleTooLong',
  description: 'budgets.propose.error.description',
  place: 'budgets.propose.error.place',
  placeOutside: 'budgets.propose.error.placeOutside',
  cost: 'budgets.propose.error.cost',
  heading: 'budgets.error.heading',
};

export function registerProjectPages(app: App, ctx: AppContext): void {
  async function requireBudget(request: FastifyRequest, id: string): Promise<Budget> {
    const budget = await findBudget(ctx.db, request.organisation.id, pathId(id));
    if (!budget) throw new AppError('BUDGET_NOT_FOUND');
    return budget;
  }

  async function requireProject(budget: Budget, id: string): Promise<ResidentProject> {
    const project = await findResidentProject(ctx.db, budget.id, pathId(id, 'BUDGET_PROJECT_NOT_FOUND'));
    if (!project || project.status === 'withdrawn') throw new AppError('BUDGET_PROJECT_NOT_FOUND');
    return project;
  }

  app.get<{ Params: { id: string } }>('/budgets/:id/projects/new', async (request, reply) => {
    const budget = await requireBudget(request, request.params.id);
    const empty: ResidentProjectInput = {
      headingId: parseId((request.query as { heading?: unknown }).heading) ?? 0,
      title: '',
      description: '',
      cost: Number.NaN,
      lat: null,
      lng: null,
      showAuthor: false,
    };
    return projectFormView(request, reply, await formData(request, budget, null, empty));
  });

  app.post<{ Params: { id: string } }>('/budgets/:id/projects', async (request, reply) => {
    const budget = await requireBudget(request, request.params.id);
    const input = inputFromForm(request.body);
    const outcome = await proposeProject(ctx, request.viewer, request.organisation, budget.id, input, request.lang);
    if (outcome.ok) {
      setNotice(reply, 'budgets.propose.created');
      return reply.redirect(`/budgets/${budget.id}/projects/${outcome.id}`, 303);
    }
    if (outcome.code === 'AUTHENTICATION_REQUIRED') throw new AppError('AUTHENTICATION_REQUIRED');
    return projectFormView(
      request,
      reply,
      await formData(request, budget, null, input, {
        code: outcome.code,
        fields: fieldMessages(request, outcome.fields),
      }),
    );
  });

  app.get<{ Params: { id: string; projectId: string } }>(
    '/budgets/:id/projects/:projectId/edit',
    async (request, reply) => {
      const budget = await requireBudget(request, request.params.id);
      const project = await requireProject(budget, request.params.projectId);
      if (!request.viewer) throw new AppError('AUTHENTICATION_REQUIRED');
      if (project.authorId !== request.viewer.id) throw new AppError('BUDGET_PROJECT_NOT_YOURS');
      const input: ResidentProjectInput = {
        headingId: project.headingId,
        title: plain(request, project.title),
        description: plain(request, project.description),
        cost: project.proposedCost ?? project.cost,
        lat: project.lat,
        lng: project.lng,
        showAuthor: project.showAuthor,
      };
      return projectFormView(request, reply, await formData(request, budget, project, input));
    },
  );

  app.post<{ Params: { id: string; projectId: string } }>(
    '/budgets/:id/projects/:projectId/edit',
    async (request, reply) => {
      const budget = await requireBudget(request, request.params.id);
      const project = await requireProject(budget, request.params.projectId);
      const input = inputFromForm(request.body);
      const outcome = await editOwnProject(
        ctx,
        request.viewer,
        request.organisation,
        budget.id,
        project.id,
        input,
        request.lang,
      );
      if (outcome.ok) {
        setNotice(reply, 'budgets.propose.saved');
        return reply.redirect(`/budgets/${budget.id}/projects/${project.id}`, 303);
      }
      if (outcome.code === 'AUTHENTICATION_REQUIRED') throw new AppError('AUTHENTICATION_REQUIRED');
      return projectFormView(
        request,
        reply,
        await formData(request, budget, project, input, {
          code: outcome.code,
          fields: fieldMessages(request, outcome.fields),
        }),
      );
    },
  );

  app.post<{ Params: { id: string; projectId: string } }>(
    '/budgets/:id/projects/:projectId/withdraw',
    async (request, reply) => {
      const budget = await requireBudget(request, request.params.id);
      const project = await requireProject(budget, request.params.projectId);
      const outcome = await withdrawOwnProject(ctx, request.viewer, request.organisation, budget.id, project.id);
      if (!outcome.ok) throw new AppError(outcome.code);
      setNotice(reply, 'budgets.propose.withdrawn');
      return reply.redirect(`/budgets/${budget.id}`, 303);
    },
  );

  app.get<{ Params: { id: string; projectId: string } }>('/budgets/:id/projects/:projectId', async (request, reply) => {
    const budget = await requireBudget(request, request.params.id);
    const project = await requireProject(budget, request.params.projectId);
    return projectView(request, reply, await projectData(request, budget, project));
  });

  for (const [path, action] of [
    ['support', supportProject],
    ['support/withdraw', withdrawProjectSupport],
  ] as const) {
    app.post<{ Params: { id: string; projectId: string } }>(
      `/budgets/:id/projects/:projectId/${path}`,
      async (request, reply) => {
        const budget = await requireBudget(request, request.params.id);
        const project = await requireProject(budget, request.params.projectId);
        const outcome = await action(ctx, request.viewer, request.organisation, budget.id, project.id);
        if (!outcome.ok) {
          if (outcome.code === 'AUTHENTICATION_REQUIRED') throw new AppError('AUTHENTICATION_REQUIRED');
          return projectView(request, reply, await projectData(request, budget, project, { code: outcome.code }));
        }
        setNotice(reply, outcome.support.supported ? 'budgets.support.added' : 'budgets.support.removed');
        return reply.redirect(`/budgets/${budget.id}/projects/${project.id}#support`, 303);
      },
    );
  }

  /** The page picks the text of each field problem. */
  function fieldMessages(request: FastifyRequest, errors: FieldErrors | undefined): Record<string, string> | undefined {
    return errors
      ? Object.fromEntries(Object.entries(errors).map(([name, problem]) => [name, request.t(PROBLEM_TEXT[problem])]))
      : undefined;
  }

  /** What the project form shows besides the values: the headings, and why the viewer may not propose (if so). */
  async function formData(
    request: FastifyRequest,
    budget: Budget,
    project: ResidentProject | null,
    values: ResidentProjectInput,
    error?: PageError,
  ): Promise<ProjectFormData> {
    const headings = await findHeadings(ctx.db, budget.id);
    const phase = currentPhase(budget);
    const heading = headings.find((h) => h.id === values.headingId) ?? headings[0];
    const blocker =
      phase !== 'submitting'
        ? 'BUDGET_PROPOSING_CLOSED'
        : heading
          ? await eligibilityBlocker(ctx, request.viewer, request.organisation, budget, heading)
          : undefined;
    return { budget, project, values, headings, blocker, error };
  }

  /** Everything a project's page shows: its heading, the viewer's support and limit, the map, milestones and comments. */
  async function projectData(
    request: FastifyRequest,
    budget: Budget,
    project: ResidentProject,
    error?: PageError,
  ): Promise<ProjectPageData> {
    const viewer = request.viewer;
    const phase = currentPhase(budget);
    const headings = await findHeadings(ctx.db, budget.id);
    const heading = headings.find((h) => h.id === project.headingId);
    const supported = viewer ? (await findSupportedProjects(ctx.db, budget.id, viewer.id)).has(project.id) : false;
    const blocker =
      phase === 'supporting' && heading
        ? await eligibilityBlocker(ctx, viewer, request.organisation, budget, heading)
        : undefined;
    const used =
      viewer && heading && budget.maxSupportsPerHeading !== null && phase === 'supporting'
        ? await countSupportsInHeading(ctx.db, viewer.id, heading.id)
        : undefined;
    const shapes = project.lat !== null ? await findDistrictsWithGeometry(ctx.db, request.organisation.id) : [];
    const milestones = project.funded ? await findMilestones(ctx.db, [project.id]) : [];
    // The comment thread comes from whichever module provides one (participation), through the platform.
    const comments = await renderSubjectSections(request, ctx, { type: 'budget_project', id: project.id });
    return { budget, project, heading, supported, blocker, used, shapes, milestones, comments, error };
  }
}
