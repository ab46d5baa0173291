import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { ApiError, apiErrors, PUBLIC, SESSION } from '../../platform/http/api.ts';
import { currentPhase, isOnBallot, type BallotInput } from './ballot-rules.ts';
import { castBallot, readOwnBallot, withdrawBallot, type BallotOutcome } from './ballot.use-cases.ts';
import { findBudget, findBudgets, findHeadings, findProjects } from './budgets.repository.ts';
import { findResults } from './results.repository.ts';
import { publishResults } from './results.use-cases.ts';

const Errors = {
  400: ApiError,
  401: ApiError,
  403: ApiError,
  404: ApiError,
  409: ApiError,
  422: ApiError,
};
const SECURITY = SESSION;
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const BallotParams = Type.Object({ budgetId: Id, headingId: Id });
const BudgetParams = Type.Object({ budgetId: Id });

const Ballot = Type.Object({
  budgetId: Type.Integer(),
  headingId: Type.Integer(),
  rule: Type.String({ description: 'approval, knapsack or distributed' }),
  projects: Type.Array(Type.Integer(), { description: 'Chosen project ids, ascending' }),
  votes: Type.Record(Type.String(), Type.Integer(), {
    description: 'Votes per chosen project id (1 each unless distributed)',
  }),
  totalCost: Type.Integer(),
  amount: Type.Integer(),
  remaining: Type.Integer(),
  votesUsed: Type.Integer(),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const Text = Type.Record(Type.String(), Type.String(), { description: 'Text per language code' });
const Phase = Type.Union(
  [Type.String({ description: 'proposing, supporting, reviewing, voting or results' }), Type.Null()],
  {
    description: 'The current phase (null when closed)',
  },
);
const Money = Type.Number({ description: 'In whole currency units' });

const BudgetSummary = Type.Object({
  id: Type.Integer(),
  title: Text,
  phase: Phase,
  votingRule: Type.String({ description: 'approval, knapsack or distributed' }),
  resultsPublished: Type.Boolean(),
});

const BudgetDetail = Type.Object({
  id: Type.Integer(),
  title: Text,
  description: Text,
  processId: Type.Union([Type.Integer(), Type.Null()]),
  phase: Phase,
  phases: Type.Array(
    Type.Object({
      kind: Type.String(),
      startsAt: Type.String({ format: 'date-time' }),
      endsAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    }),
  ),
  votingRule: Type.Object({
    rule: Type.String({ description: 'approval, knapsack or distributed' }),
    maxProjects: Type.Union([Type.Integer(), Type.Null()]),
    maxVotes: Type.Union([Type.Integer(), Type.Null()]),
    maxVotesPerProject: Type.Union([Type.Integer(), Type.Null()]),
    minShare: Type.Union([Type.Number(), Type.Null()]),
  }),
  eligibility: Type.Object({
    level: Type.Union([Type.Literal('email'), Type.Literal('verified')]),
    minAge: Type.Union([Type.Integer(), Type.Null()]),
    maxAge: Type.Union([Type.Integer(), Type.Null()]),
  }),
  resultsMethod: Type.String(),
  headings: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Text,
      districtId: Type.Union([Type.Integer(), Type.Null()]),
      amount: Money,
    }),
  ),
  projects: Type.Array(
    Type.Object({
      id: Type.Integer(),
      headingId: Type.Integer(),
      title: Text,
      description: Text,
      cost: Money,
      feasibility: Type.String({ description: 'undecided, feasible or unfeasible' }),
      feasibilityExplanation: Text,
      onBallot: Type.Boolean(),
      funded: Type.Union([Type.Boolean(), Type.Null()]),
      followUp: Type.Union([
        Type.Object({
          status: Type.Union([Type.String(), Type.Null()]),
          progress: Type.Union([Type.Integer(), Type.Null()]),
        }),
        Type.Null(),
      ]),
    }),
  ),
});

const ResultRow = {
  projectId: Type.Integer(),
  cost: Money,
  ballots: Type.Integer(),
  votes: Type.Number(),
  funded: Type.Boolean(),
  note: Type.Union([Type.String(), Type.Null()]),
};

const Results = Type.Object({
  budgetId: Type.Integer(),
  method: Type.String(),
  publishedAt: Type.String({ format: 'date-time' }),
  headings: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Text,
      amount: Money,
      voters: Type.Integer(),
      spent: Money,
      projects: Type.Array(Type.Object({ ...ResultRow, position: Type.Integer() })),
    }),
  ),
});

const PublishedResults = Type.Object({
  headings: Type.Array(
    Type.Object({
      id: Type.Integer(),
      voters: Type.Integer(),
      spent: Money,
      projects: Type.Array(Type.Object(ResultRow)),
    }),
  ),
  changes: Type.Array(
    Type.Object(
      {
        headingId: Type.Integer(),
        projectId: Type.Integer(),
        published: Type.Unknown({ description: 'What the published results said (null: the project was not in them)' }),
        now: Type.Unknown({ description: 'What they say now (null: the project is no longer in them)' }),
      },
      { description: 'Projects whose rank, votes or funding changed (on republishing)' },
    ),
  ),
});

const BallotBody = Type.Object(
  {
    projects: Type.Optional(Type.Array(Id, { maxItems: 500, description: 'For approval and knapsack budgets' })),
    votes: Type.Optional(
      Type.Record(Type.String({ pattern: '^[1-9][0-9]{0,9}$' }), Type.Integer({ minimum: 0, maximum: 10_000 }), {
        description: 'For distributed budgets: votes per project id',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A ballot outcome as an answer: the stored ballot, or the rule it broke as an error with a stable code. */
function answer(outcome: BallotOutcome) {
  if (outcome.ok) return outcome.ballot;
  throw new AppError(outcome.code, undefined, outcome.projectIds ? { projectIds: outcome.projectIds } : undefined);
}

/** Budgets, headings and projects (public), the voter's own ballot (private), published results (public). */
export function registerBudgetsApi(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/budgets',
    {
      schema: {
        operationId: 'listBudgets',
        tags: ['budgets'],
        summary: 'Participatory budgets of the city, newest first',
        security: PUBLIC,
        response: { 200: Type.Array(BudgetSummary) },
      },
    },
    async (request) => {
      const budgets = await findBudgets(ctx.db, request.organisation.id);
      return budgets.map((b) => ({
        id: b.id,
        title: b.title,
        phase: currentPhase(b),
        votingRule: b.votingRule,
        resultsPublished: b.resultsPublishedAt !== null,
      }));
    },
  );

  app.get(
    '/api/v1/budgets/:budgetId',
    {
      schema: {
        operationId: 'getBudget',
        tags: ['budgets'],
        summary: 'A budget with its phases, headings and projects',
        security: PUBLIC,
        params: BudgetParams,
        response: { 200: BudgetDetail, ...apiErrors(404) },
      },
    },
    async (request) => {
      const budget = await findBudget(ctx.db, request.organisation.id, request.params.budgetId);
      if (!budget) throw new AppError('BUDGET_NOT_FOUND');
      const headings = await findHeadings(ctx.db, budget.id);
      const projects = await findProjects(ctx.db, budget.id);
      return {
        id: budget.id,
        title: budget.title,
        description: budget.description,
        processId: budget.processId,
        phase: currentPhase(budget),
        phases: budget.phases.map((p) => ({
          kind: p.kind,
          startsAt: p.startsAt.toISOString(),
          endsAt: p.endsAt?.toISOString() ?? null,
        })),
        votingRule: {
          rule: budget.votingRule,
          maxProjects: budget.maxProjects,
          maxVotes: budget.maxVotes,
          maxVotesPerProject: budget.maxVotesPerProject,
          minShare: budget.minShare,
        },
        eligibility: budget.eligibility,
        resultsMethod: budget.resultsMethod,
        headings: headings.map((h) => ({ id: h.id, name: h.name, districtId: h.districtId, amount: h.amount })),
        projects: projects
          .filter((p) => p.status !== 'withdrawn')
          .map((p) => ({
            id: p.id,
            headingId: p.headingId,
            title: p.title,
            description: p.description,
            cost: p.cost,
            feasibility: p.feasibility,
            feasibilityExplanation: p.feasibilityExplanation,
            onBallot: isOnBallot(p),
            funded: p.funded,
            followUp: p.funded ? { status: p.followUpStatus, progress: p.progress } : null,
          })),
      };
    },
  );

  const ballotPath = '/api/v1/budgets/:budgetId/headings/:headingId/ballot';
  app.get(
    ballotPath,
    {
      schema: {
        operationId: 'getMyBallot',
        tags: ['budgets'],
        summary: 'Your ballot in a heading (empty when you have none)',
        security: SECURITY,
        params: BallotParams,
        response: { 200: Ballot, ...Errors },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return readOwnBallot(
        ctx,
        request.viewer,
        request.organisation,
        request.params.budgetId,
        request.params.headingId,
      );
    },
  );

  app.put(
    ballotPath,
    {
      schema: {
        operationId: 'castBallot',
        tags: ['budgets'],
        summary: 'Cast or change your ballot in a heading (idempotent)',
        description:
          'Send `{ "projects": [ids] }` (approval, knapsack) or `{ "votes": { "id": n } }` (distributed). The whole ballot is replaced; an empty choice withdraws it. ' +
          'Every rule is checked and a refused ballot stores nothing. A voter has one ballot per heading and votes in the city-wide heading and in one district heading. Needs the X-CSRF-Token header with a session.',
        security: SECURITY,
        params: BallotParams,
        body: BallotBody,
        response: { 200: Ballot, ...Errors },
      },
      // The ballot's hot path confirms the session in the statement that stores the ballot (castBallot).
      config: { session: 'deferred' },
    },
    async (request, reply) => {
      const { projects, votes } = request.body;
      if ((projects === undefined) === (votes === undefined)) throw new AppError('BALLOT_WRONG_FORMAT');
      const input: BallotInput = projects !== undefined ? { projects } : { votes: votes ?? {} };
      reply.header('cache-control', 'private, no-store');
      return answer(
        await castBallot(
          ctx,
          request.viewer,
          request.organisation,
          request.params.budgetId,
          request.params.headingId,
          input,
          request.deferredSession,
        ),
      );
    },
  );

  app.delete(
    ballotPath,
    {
      schema: {
        operationId: 'withdrawBallot',
        tags: ['budgets'],
        summary: 'Withdraw your ballot in a heading',
        security: SECURITY,
        params: BallotParams,
        response: { 200: Ballot, ...Errors },
      },
    },
    async (request) =>
      answer(
        await withdrawBallot(
          ctx,
          request.viewer,
          request.organisation,
          request.params.budgetId,
          request.params.headingId,
        ),
      ),
  );

  app.get(
    '/api/v1/budgets/:budgetId/results',
    {
      schema: {
        operationId: 'getBudgetResults',
        tags: ['budgets'],
        summary: 'Published results: per heading, voters and per-project counts',
        security: PUBLIC,
        params: BudgetParams,
        response: { 200: Results, ...apiErrors(404) },
      },
    },
    async (request) => {
      const budget = await findBudget(ctx.db, request.organisation.id, request.params.budgetId);
      if (!budget) throw new AppError('BUDGET_NOT_FOUND');
      if (!budget.resultsPublishedAt) throw new AppError('BUDGET_RESULTS_NOT_PUBLISHED');
      const { results, headings } = await findResults(ctx.db, budget.id);
      return {
        budgetId: budget.id,
        method: budget.resultsMethod,
        publishedAt: budget.resultsPublishedAt.toISOString(),
        headings: (await findHeadings(ctx.db, budget.id)).map((h) => ({
          id: h.id,
          name: h.name,
          amount: headings.get(h.id)?.amount ?? h.amount,
          voters: headings.get(h.id)?.voters ?? 0,
          spent: headings.get(h.id)?.spent ?? 0,
          projects: results
            .filter((r) => r.headingId === h.id)
            .map((r) => ({
              projectId: r.projectId,
              cost: r.cost,
              position: r.position,
              ballots: r.ballots,
              votes: r.votes,
              funded: r.funded,
              note: r.note,
            })),
        })),
      };
    },
  );

  app.post(
    '/api/v1/budgets/:budgetId/results',
    {
      schema: {
        operationId: 'publishBudgetResults',
        tags: ['budgets'],
        summary: 'Compute and publish the results (staff)',
        description:
          'Only once voting is over. Results already published are replaced only with `republish=true`; the answer then lists the projects whose rank, votes or funding changed.',
        security: SECURITY,
        params: BudgetParams,
        querystring: Type.Object({ republish: Type.Optional(Type.Boolean()) }),
        response: { 200: PublishedResults, ...Errors },
      },
    },
    async (request) => {
      const outcome = await publishResults(
        ctx,
        request.viewer,
        request.organisation,
        request.params.budgetId,
        request.query.republish === true ? true : undefined,
      );
      if (!outcome.ok) throw new AppError(outcome.code);
      return {
        headings: outcome.headings.map((h) => ({
          id: h.heading.id,
          voters: h.voters,
          spent: h.spent,
          projects: h.rows.map((row) => ({
            projectId: row.projectId,
            cost: row.cost,
            ballots: row.ballots,
            votes: row.votes,
            funded: row.funded,
            note: row.note,
          })),
        })),
        changes: outcome.changes.map((change) => ({
          headingId: change.headingId,
          projectId: change.projectId,
          published: change.published ?? null,
          now: change.now ?? null,
        })),
      };
    },
  );
}
