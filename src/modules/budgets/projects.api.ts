import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { ApiError, PUBLIC, SESSION } from '../../platform/http/api.ts';
import { findBudget } from './budgets.repository.ts';
import { listQuery, sortProjects } from './pages/project-list.ts';
import { projectStatus } from './pages/project-parts.ts';
import { findResidentProjects, findResidentProject, type ResidentProject } from './projects.repository.ts';
import {
  proposeProject,
  readSupport,
  supportProject,
  withdrawProjectSupport,
  type SupportOutcome,
} from './projects.use-cases.ts';

const Errors = {
  400: ApiError,
  401: ApiError,
  403: ApiError,
  404: ApiError,
  409: ApiError,
  422: ApiError,
  429: ApiError,
};
const SECURITY = SESSION;
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const BudgetParams = Type.Object({ budgetId: Id });
const ProjectParams = Type.Object({ budgetId: Id, projectId: Id });
const Text = Type.Record(Type.String(), Type.String(), { description: 'Text per language code' });

const PublicProject = Type.Object({
  id: Type.Integer(),
  headingId: Type.Integer(),
  title: Text,
  description: Text,
  cost: Type.Integer({ description: 'The cost, as corrected by staff when they did' }),
  estimatedCost: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The cost its author estimated (null for projects entered by staff)',
  }),
  status: Type.Union([
    Type.Literal('proposed'),
    Type.Literal('not_selected'),
    Type.Literal('in_review'),
    Type.Literal('unfeasible'),
    Type.Literal('on_ballot'),
    Type.Literal('funded'),
    Type.Literal('not_funded'),
    Type.Literal('withdrawn'),
  ]),
  feasibility: Type.Union([Type.Literal('undecided'), Type.Literal('feasible'), Type.Literal('unfeasible')]),
  feasibilityExplanation: Text,
  author: Type.Union([Type.String(), Type.Null()], {
    description: 'The author’s name, only when they chose to show it',
  }),
  place: Type.Union([Type.Object({ lat: Type.Number(), lng: Type.Number() }), Type.Null()]),
  supports: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});

const Support = Type.Object({ projectId: Type.Integer(), supported: Type.Boolean(), supports: Type.Integer() });

const NewProject = Type.Object(
  {
    headingId: Id,
    title: Type.String({ minLength: 1, maxLength: 500 }),
    description: Type.String({ minLength: 1, maxLength: 10_000 }),
    cost: Type.Integer({
      minimum: 0,
      maximum: 9_007_199_254_740_991,
      description: 'Estimated cost in whole currency units; at most the heading’s amount',
    }),
    place: Type.Optional(
      Type.Object(
        { lat: Type.Number({ minimum: -85, maximum: 85 }), lng: Type.Number({ minimum: -180, maximum: 180 }) },
        { additionalProperties: false },
      ),
    ),
    showAuthor: Type.Optional(Type.Boolean({ description: 'Show your name on the project (default: no)' })),
  },
  { additionalProperties: false },
);

/** A project's public fields (never who supports it). */
function present(budget: { resultsPublishedAt: Date | null }, p: ResidentProject) {
  return {
    id: p.id,
    headingId: p.headingId,
    title: p.title,
    description: p.description,
    cost: p.cost,
    estimatedCost: p.proposedCost,
    status: projectStatus(budget, p),
    feasibility: p.feasibility,
    feasibilityExplanation: p.feasibilityExplanation,
    author: p.authorName,
    place: p.lat !== null && p.lng !== null ? { lat: p.lat, lng: p.lng } : null,
    supports: p.supports,
    createdAt: p.createdAt.toISOString(),
  };
}

function answer(outcome: SupportOutcome) {
  if (outcome.ok) return outcome.support;
  throw new AppError(outcome.code);
}

/** Residents' projects of a budget (public), proposing one, and supporting one (session + CSRF). */
export function registerProjectsApi(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/budgets/:budgetId/projects',
    {
      schema: {
        operationId: 'listBudgetProjects',
        tags: ['budgets'],
        summary: 'Projects of a budget with their status and supports',
        security: PUBLIC,
        description: 'Withdrawn projects are left out. `sort` is random (stable for a `seed`), supports or newest.',
        params: BudgetParams,
        querystring: Type.Object({
          heading: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
          sort: Type.Optional(Type.Union([Type.Literal('random'), Type.Literal('supports'), Type.Literal('newest')])),
          seed: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
        }),
        response: { 200: Type.Array(PublicProject), 404: ApiError },
      },
    },
    async (request) => {
      const budget = await findBudget(ctx.db, request.organisation.id, request.params.budgetId);
      if (!budget) throw new AppError('BUDGET_NOT_FOUND');
      const query = listQuery(request.query);
      const projects = sortProjects(
        await findResidentProjects(ctx.db, budget.id, { headingId: query.headingId }),
        query.sort,
        query.seed,
      );
      return projects.map((p) => present(budget, p));
    },
  );

  app.post(
    '/api/v1/budgets/:budgetId/projects',
    {
      schema: {
        operationId: 'proposeBudgetProject',
        tags: ['budgets'],
        summary: 'Propose a project (while the budget takes proposals)',
        description:
          'Eligibility is the budget’s (and its process’s) rule, as for voting. Refusals: BUDGET_PROPOSING_CLOSED, BUDGET_PROJECT_UNKNOWN_HEADING, BUDGET_PROJECT_INVALID_COST, BUDGET_PROJECT_INVALID, BUDGET_NOT_VERIFIED and the other eligibility codes; nothing is stored. Needs the X-CSRF-Token header with a session.',
        security: SECURITY,
        params: BudgetParams,
        body: NewProject,
        response: { 201: PublicProject, ...Errors },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const outcome = await proposeProject(
        ctx,
        request.viewer,
        request.organisation,
        request.params.budgetId,
        {
          headingId: body.headingId,
          title: body.title,
          description: body.description,
          cost: body.cost,
          lat: body.place?.lat ?? null,
          lng: body.place?.lng ?? null,
          showAuthor: body.showAuthor ?? false,
        },
        request.lang,
      );
      if (!outcome.ok)
        throw new AppError(
          outcome.code,
          undefined,
          outcome.fields ? { fields: Object.keys(outcome.fields) } : undefined,
        );
      const budget = await findBudget(ctx.db, request.organisation.id, request.params.budgetId);
      const project = await findResidentProject(ctx.db, request.params.budgetId, outcome.id);
      if (!budget || !project) throw new AppError('BUDGET_PROJECT_NOT_FOUND');
      return reply.code(201).send(present(budget, project));
    },
  );

  const supportPath = '/api/v1/budgets/:budgetId/projects/:projectId/support';
  app.get(
    supportPath,
    {
      schema: {
        operationId: 'getMyProjectSupport',
        tags: ['budgets'],
        summary: 'Whether you support a project, and its supports',
        security: SECURITY,
        params: ProjectParams,
        response: { 200: Support, 404: ApiError },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      const project = await findResidentProject(ctx.db, request.params.budgetId, request.params.projectId);
      if (
        !project ||
        project.status === 'withdrawn' ||
        !(await findBudget(ctx.db, request.organisation.id, request.params.budgetId))
      )
        throw new AppError('BUDGET_PROJECT_NOT_FOUND');
      return readSupport(ctx, request.viewer, project);
    },
  );
  app.put(
    supportPath,
    {
      schema: {
        operationId: 'supportBudgetProject',
        tags: ['budgets'],
        summary: 'Support a project (supporting phase; idempotent)',
        description:
          'One support per resident and project; a budget may limit supports per heading (BUDGET_SUPPORT_LIMIT). Needs the X-CSRF-Token header with a session.',
        security: SECURITY,
        params: ProjectParams,
        response: { 200: Support, ...Errors },
      },
    },
    async (request) =>
      answer(
        await supportProject(
          ctx,
          request.viewer,
          request.organisation,
          request.params.budgetId,
          request.params.projectId,
        ),
      ),
  );
  app.delete(
    supportPath,
    {
      schema: {
        operationId: 'withdrawBudgetProjectSupport',
        tags: ['budgets'],
        summary: 'Withdraw your support (until the supporting phase ends; idempotent)',
        security: SECURITY,
        params: ProjectParams,
        response: { 200: Support, ...Errors },
      },
    },
    async (request) =>
      answer(
        await withdrawProjectSupport(
          ctx,
          request.viewer,
          request.organisation,
          request.params.budgetId,
          request.params.projectId,
        ),
      ),
  );
}
