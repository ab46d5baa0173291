import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { findDistricts } from '../../places/index.ts';
import { authorizeBudgets } from '../budgets.policy.ts';
import {
  findBudget,
  findBudgets,
  findHeadings,
  findMilestones,
  findProject,
  findProjects,
  type PhaseDates,
} from '../budgets.repository.ts';
import {
  PHASES,
  type Feasibility,
  type FollowUpStatus,
  type PhaseSetting,
  type ProjectStatus,
  type VotingRule,
} from '../budgets.schema.ts';
import {
  addHeading,
  addMilestone,
  createBudget,
  saveProject,
  setPhases,
  updateBudget,
  updateFollowUp,
  type BudgetInput,
  type FieldErrors,
  type ProjectInput,
} from '../budget-admin.use-cases.ts';
import { compareWithPublished, computeResults, publishResults } from '../results.use-cases.ts';
import { readForm, translatedValue, withNumbersAsNaN } from '../../../platform/web/forms.ts';
import {
  BudgetForm,
  FollowUpForm,
  HeadingForm,
  MilestoneForm,
  PhasesForm,
  ProjectForm,
  PublishForm,
} from '../budgets.forms.ts';
import { pathId } from './shared.ts';
import { registerPreselectionPages } from './preselection.pages.ts';
import {
  adminBudgetsView,
  adminProjectView,
  adminBudgetView,
  type AdminBudgetsData,
  type AdminBudgetData,
  type AdminProjectData,
} from './admin.view.ts';
import { findResidentProject } from '../projects.repository.ts';
import { isStorableIsoDate } from '../../../platform/validation.ts';
import { endOfLastDay, startOfDay } from '../../../platform/i18n/days.ts';

/** The page picks each field's text from its problem code. */
function messages(request: FastifyRequest, errors: FieldErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([name, code]) => [name, request.t(`budgets.error.${code}`)]));
}

function budgetFromForm(request: FastifyRequest): BudgetInput {
  const languages = request.organisation.languages;
  const schema = BudgetForm(languages);
  const form = withNumbersAsNaN(schema, readForm(schema, request.body));
  const phase = form.phaseOverride;
  return {
    title: translatedValue(form, 'title', languages),
    description: translatedValue(form, 'description', languages),
    processId: form.processId ?? null,
    votingRule: form.votingRule as VotingRule,
    maxProjects: form.maxProjects ?? null,
    maxVotes: form.maxVotes ?? null,
    maxVotesPerProject: form.maxVotesPerProject ?? null,
    minShare: form.minShare === undefined ? null : form.minShare / 100,
    resultsMethod: form.resultsMethod === 'equal_shares' ? 'equal_shares' : 'votes',
    eligibilityLevel: form.eligibilityLevel === 'email' ? 'email' : 'verified',
    minAge: form.minAge ?? null,
    maxAge: form.maxAge ?? null,
    districtResidentsOnly: form.districtResidentsOnly,
    phaseOverride: ([...PHASES, 'closed'] as string[]).includes(phase) ? (phase as PhaseSetting) : null,
    maxSupportsPerHeading: form.maxSupportsPerHeading ?? null,
  };
}

/** Staff pages: budgets, their phases and headings, project review, results and follow-up. */
export function registerAdminPages(app: App, ctx: AppContext): void {
  registerPreselectionPages(app, ctx);
  app.get('/admin/budgets', async (request, reply) => {
    authorizeBudgets(request.viewer, 'manage-budgets');
    return adminBudgetsView(request, reply, await listData(request, {}, {}));
  });

  app.post('/admin/budgets', async (request, reply) => {
    const input = budgetFromForm(request);
    const outcome = await createBudget(ctx, request.viewer, request.organisation, input);
    if (!outcome.ok)
      return adminBudgetsView(request, reply, await listData(request, input, messages(request, outcome.fields)));
    setNotice(reply, 'budgets.admin.saved');
    return reply.redirect(`/admin/budgets/${outcome.id}`, 303);
  });

  /** The budgets list, with the new budget's form as sent and its errors. */
  async function listData(
    request: FastifyRequest,
    values: Partial<BudgetInput>,
    errors: Record<string, string>,
  ): Promise<AdminBudgetsData> {
    const budgets = await findBudgets(ctx.db, request.organisation.id);
    return { budgets, values, errors };
  }

  app.get<{ Params: { id: string } }>('/admin/budgets/:id', async (request, reply) => {
    authorizeBudgets(request.viewer, 'manage-budgets');
    return adminBudgetView(request, reply, await budgetData(request, pathId(request.params.id)));
  });

  app.post<{ Params: { id: string } }>('/admin/budgets/:id', async (request, reply) => {
    const id = pathId(request.params.id);
    const input = budgetFromForm(request);
    const outcome = await updateBudget(ctx, request.viewer, request.organisation, id, input);
    if (!outcome.ok)
      return adminBudgetView(
        request,
        reply,
        await budgetData(request, id, { settings: messages(request, outcome.fields) }, input),
      );
    setNotice(reply, 'budgets.admin.saved');
    return reply.redirect(`/admin/budgets/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/budgets/:id/phases', async (request, reply) => {
    const id = pathId(request.params.id);
    // Each phase starts when its first day starts and ends when the day after its last day starts,
    // in the city's time zone.
    const { timeZone } = request.organisation;
    const invalid = () => new Date(Number.NaN);
    const form = withNumbersAsNaN(PhasesForm, readForm(PhasesForm, request.body));
    const phases: PhaseDates[] = PHASES.flatMap((kind) => {
      const start = form[`${kind}_start`] ?? '';
      const end = form[`${kind}_end`] ?? '';
      return start
        ? [
            {
              kind,
              startsAt: isStorableIsoDate(start) ? startOfDay(start, timeZone) : invalid(),
              endsAt: end ? (isStorableIsoDate(end) ? endOfLastDay(end, timeZone) : invalid()) : null,
            },
          ]
        : [];
    });
    const outcome = await setPhases(ctx, request.viewer, request.organisation, id, phases);
    if (!outcome.ok)
      return adminBudgetView(
        request,
        reply,
        await budgetData(request, id, { phases: messages(request, outcome.fields) }),
      );
    setNotice(reply, 'budgets.admin.saved');
    return reply.redirect(`/admin/budgets/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/budgets/:id/headings', async (request, reply) => {
    const id = pathId(request.params.id);
    const { languages } = request.organisation;
    const schema = HeadingForm(languages);
    const form = withNumbersAsNaN(schema, readForm(schema, request.body));
    const outcome = await addHeading(ctx, request.viewer, request.organisation, id, {
      name: translatedValue(form, 'name', languages),
      districtId: form.districtId ?? null,
      amount: form.amount ?? Number.NaN,
    });
    if (!outcome.ok)
      return adminBudgetView(
        request,
        reply,
        await budgetData(request, id, { headings: messages(request, outcome.fields) }),
      );
    setNotice(reply, 'budgets.admin.saved');
    return reply.redirect(`/admin/budgets/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/budgets/:id/publish', async (request, reply) => {
    const id = pathId(request.params.id);
    const form = readForm(PublishForm, request.body);
    const confirm = form.ok && form.value.confirm !== '' ? form.value.confirm : undefined;
    const outcome = await publishResults(ctx, request.viewer, request.organisation, id, confirm);
    if (!outcome.ok)
      return adminBudgetView(request, reply, {
        ...(await budgetData(request, id)),
        publishError: outcome.code,
      });
    setNotice(reply, 'budgets.admin.published');
    return reply.redirect(`/budgets/${id}/results`, 303);
  });

  /** A budget's staff page: the budget with its headings, projects, the city's districts and the results preview. */
  async function budgetData(
    request: FastifyRequest,
    id: number,
    errors: AdminBudgetData['errors'] = {},
    values?: BudgetInput,
  ): Promise<AdminBudgetData> {
    const budget = await findBudget(ctx.db, request.organisation.id, id);
    if (!budget) throw new AppError('BUDGET_NOT_FOUND');
    const headings = await findHeadings(ctx.db, budget.id);
    const projects = await findProjects(ctx.db, budget.id);
    const districts = (await findDistricts(ctx.db, request.organisation.id)).filter((d) => d.kind === 'district');
    const preview = await computeResults(ctx, request.viewer, request.organisation, budget.id);
    const published = await compareWithPublished(ctx, request.viewer, budget, preview.headings);
    return { budget, headings, projects, districts, preview, published, errors, values };
  }

  function projectFromForm(request: FastifyRequest): ProjectInput {
    const languages = request.organisation.languages;
    const schema = ProjectForm(languages);
    const form = withNumbersAsNaN(schema, readForm(schema, request.body));
    return {
      headingId: form.headingId ?? 0,
      title: translatedValue(form, 'title', languages),
      description: translatedValue(form, 'description', languages),
      cost: form.cost ?? Number.NaN,
      feasibility: form.feasibility as Feasibility,
      feasibilityExplanation: translatedValue(form, 'explanation', languages),
      status: form.status as ProjectStatus,
    };
  }

  app.get<{ Params: { id: string; projectId: string } }>(
    '/admin/budgets/:id/projects/:projectId',
    async (request, reply) => {
      authorizeBudgets(request.viewer, 'manage-budgets');
      const projectId =
        request.params.projectId === 'new' ? null : pathId(request.params.projectId, 'BUDGET_PROJECT_NOT_FOUND');
      return adminProjectView(request, reply, await projectData(request, pathId(request.params.id), projectId));
    },
  );

  app.post<{ Params: { id: string; projectId: string } }>(
    '/admin/budgets/:id/projects/:projectId',
    async (request, reply) => {
      const id = pathId(request.params.id);
      const projectId =
        request.params.projectId === 'new' ? null : pathId(request.params.projectId, 'BUDGET_PROJECT_NOT_FOUND');
      const input = projectFromForm(request);
      const outcome = await saveProject(ctx, request.viewer, request.organisation, id, projectId, input);
      if (!outcome.ok)
        return adminProjectView(
          request,
          reply,
          await projectData(request, id, projectId, messages(request, outcome.fields), input),
        );
      setNotice(reply, 'budgets.admin.saved');
      return reply.redirect(`/admin/budgets/${id}/projects/${outcome.id}`, 303);
    },
  );

  app.post<{ Params: { id: string; projectId: string } }>(
    '/admin/budgets/:id/projects/:projectId/follow-up',
    async (request, reply) => {
      const id = pathId(request.params.id);
      const projectId = pathId(request.params.projectId, 'BUDGET_PROJECT_NOT_FOUND');
      const form = withNumbersAsNaN(FollowUpForm, readForm(FollowUpForm, request.body));
      const outcome = await updateFollowUp(ctx, request.viewer, request.organisation, id, projectId, {
        status: form.followUpStatus as FollowUpStatus,
        progress: form.progress ?? Number.NaN,
      });
      if (!outcome.ok)
        return adminProjectView(
          request,
          reply,
          await projectData(request, id, projectId, messages(request, outcome.fields)),
        );
      setNotice(reply, 'budgets.admin.saved');
      return reply.redirect(`/admin/budgets/${id}/projects/${projectId}`, 303);
    },
  );

  app.post<{ Params: { id: string; projectId: string } }>(
    '/admin/budgets/:id/projects/:projectId/milestones',
    async (request, reply) => {
      const id = pathId(request.params.id);
      const projectId = pathId(request.params.projectId, 'BUDGET_PROJECT_NOT_FOUND');
      const { languages } = request.organisation;
      const schema = MilestoneForm(languages);
      const form = withNumbersAsNaN(schema, readForm(schema, request.body));
      const outcome = await addMilestone(ctx, request.viewer, request.organisation, id, projectId, {
        title: translatedValue(form, 'milestone', languages),
        description: {},
        happenedOn: form.happenedOn,
        progress: form.milestoneProgress ?? null,
      });
      if (!outcome.ok)
        return adminProjectView(
          request,
          reply,
          await projectData(request, id, projectId, messages(request, outcome.fields)),
        );
      setNotice(reply, 'budgets.admin.saved');
      return reply.redirect(`/admin/budgets/${id}/projects/${projectId}`, 303);
    },
  );

  /** A project's staff page (projectId null: a new project): the project, headings, milestones and the resident's proposal. */
  async function projectData(
    request: FastifyRequest,
    budgetId: number,
    projectId: number | null,
    errors: Record<string, string> = {},
    values?: ProjectInput,
  ): Promise<AdminProjectData> {
    const budget = await findBudget(ctx.db, request.organisation.id, budgetId);
    if (!budget) throw new AppError('BUDGET_NOT_FOUND');
    const project = projectId === null ? undefined : await findProject(ctx.db, budget.id, projectId);
    if (projectId !== null && !project) throw new AppError('BUDGET_PROJECT_NOT_FOUND');
    const headings = await findHeadings(ctx.db, budget.id);
    const milestones = project ? await findMilestones(ctx.db, [project.id]) : [];
    const proposed =
      project && project.authorId !== null ? await findResidentProject(ctx.db, budget.id, project.id) : undefined;
    return { budget, project, headings, milestones, proposed, errors, values };
  }
}
