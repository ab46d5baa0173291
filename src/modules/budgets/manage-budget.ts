import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { MessageKey } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findDistricts } from '../places/index.ts';
import { overlappingPhases } from './ballot-rules.ts';
import { authorizeBudgets } from './budgets.policy.ts';
import { findBudget, findHeading, findProject, type Budget, type PhaseDates } from './budgets.repository.ts';
import {
  FOLLOW_UP_STATUSES,
  PHASES,
  VOTING_RULES,
  type Feasibility,
  type FollowUpStatus,
  type PhaseSetting,
  type ProjectStatus,
  type ResultsMethod,
  type VotingRule,
} from './budgets.schema.ts';

export type FieldErrors = Record<string, MessageKey>;
export type Outcome<T> = ({ ok: true } & T) | { ok: false; errors: FieldErrors };

export interface BudgetInput {
  title: Translated;
  description: Translated;
  processId: number | null;
  votingRule: VotingRule;
  maxProjects: number | null;
  maxVotes: number | null;
  maxVotesPerProject: number | null;
  minShare: number | null;
  resultsMethod: ResultsMethod;
  eligibilityLevel: 'email' | 'verified';
  minAge: number | null;
  maxAge: number | null;
  districtResidentsOnly: boolean;
  phaseOverride: PhaseSetting | null;
  /** Projects one resident may support per heading in the supporting phase (null: no limit; absent: unchanged). */
  maxSupportsPerHeading?: number | null;
}

function actor(viewer: Viewer) {
  return { id: viewer.id, label: viewer.displayName };
}

function clean(text: Translated): Translated {
  const entries: Array<[string, string]> = Object.entries(text).map(([lang, value]) => [lang, value.trim()]);
  return Object.fromEntries(entries.filter(([, value]) => value !== ''));
}

function validateBudget(input: BudgetInput, organisation: Organisation): FieldErrors {
  const errors: FieldErrors = {};
  const title = clean(input.title);
  if (!title[organisation.defaultLanguage])
    errors[`title_${organisation.defaultLanguage}`] = 'budgets.error.titleRequired';
  if (Object.values(title).some((value) => value.length > 200))
    errors[`title_${organisation.defaultLanguage}`] = 'budgets.error.titleTooLong';
  if (!(VOTING_RULES as readonly string[]).includes(input.votingRule)) errors.votingRule = 'budgets.error.votingRule';
  const positive = (value: number | null) => value === null || (Number.isInteger(value) && value >= 1 && value <= 1000);
  if (!positive(input.maxProjects) || (input.votingRule === 'approval' && input.maxProjects === null))
    errors.maxProjects = 'budgets.error.maxProjects';
  if (!positive(input.maxVotes) || (input.votingRule === 'distributed' && input.maxVotes === null))
    errors.maxVotes = 'budgets.error.maxVotes';
  if (!positive(input.maxVotesPerProject)) errors.maxVotesPerProject = 'budgets.error.maxVotes';
  if (input.minShare !== null && !(input.minShare > 0 && input.minShare <= 1))
    errors.minShare = 'budgets.error.minShare';
  if (input.resultsMethod === 'equal_shares' && input.votingRule === 'distributed')
    errors.resultsMethod = 'budgets.error.equalSharesNeedsApproval';
  const age = (value: number | null) => value === null || (Number.isInteger(value) && value >= 0 && value <= 150);
  if (!age(input.minAge)) errors.minAge = 'budgets.error.age';
  if (!age(input.maxAge) || (input.minAge !== null && input.maxAge !== null && input.maxAge < input.minAge))
    errors.maxAge = 'budgets.error.age';
  if (input.maxSupportsPerHeading !== undefined && !positive(input.maxSupportsPerHeading))
    errors.maxSupportsPerHeading = 'budgets.error.maxSupports';
  return errors;
}

function budgetValues(input: BudgetInput) {
  return {
    title: JSON.stringify(clean(input.title)),
    description: JSON.stringify(clean(input.description)),
    process_id: input.processId,
    voting_rule: input.votingRule,
    max_projects: input.maxProjects,
    max_votes: input.votingRule === 'distributed' ? input.maxVotes : null,
    max_votes_per_project: input.votingRule === 'distributed' ? input.maxVotesPerProject : null,
    min_share: input.votingRule === 'knapsack' ? input.minShare : null,
    results_method: input.resultsMethod,
    eligibility_level: input.eligibilityLevel,
    min_age: input.minAge,
    max_age: input.maxAge,
    district_residents_only: input.districtResidentsOnly,
    phase_override: input.phaseOverride,
    ...(input.maxSupportsPerHeading !== undefined ? { max_supports_per_heading: input.maxSupportsPerHeading } : {}),
  };
}

/** Creates a budget (no headings or phases yet). */
export async function createBudget(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: BudgetInput,
): Promise<Outcome<{ id: number }>> {
  authorizeBudgets(viewer, 'manage-budgets');
  const errors = validateBudget(input, organisation);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const id = await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('budgets_budget')
      .values({ organisation_id: organisation.id, ...budgetValues(input) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'budget.create',
      subjectType: 'budget',
      subjectId: row.id,
      after: input,
    });
    return row.id;
  });
  return { ok: true, id };
}

/**
 * Changes a budget's settings. Once ballots exist the voting rule and its limits are locked, since
 * stored ballots were checked against them; the phase, texts and results method stay editable.
 */
export async function updateBudget(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  input: BudgetInput,
): Promise<Outcome<object>> {
  authorizeBudgets(viewer, 'manage-budgets');
  const budget = await findBudget(ctx.db, organisation.id, budgetId);
  if (!budget) throw new AppError('BUDGET_NOT_FOUND');
  const errors = validateBudget(input, organisation);
  const hasBallots = await ctx.db
    .selectFrom('budgets_ballot')
    .select('id')
    .where('budget_id', '=', budget.id)
    .limit(1)
    .executeTakeFirst();
  const ruleChanged =
    input.votingRule !== budget.votingRule ||
    input.maxProjects !== budget.maxProjects ||
    (input.votingRule === 'distributed' &&
      (input.maxVotes !== budget.maxVotes || input.maxVotesPerProject !== budget.maxVotesPerProject)) ||
    (input.votingRule === 'knapsack' && input.minShare !== budget.minShare);
  if (hasBallots && ruleChanged) errors.votingRule = 'budgets.error.rulesLocked';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  await ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable('budgets_budget').set(budgetValues(input)).where('id', '=', budget.id).execute();
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'budget.update',
      subjectType: 'budget',
      subjectId: budget.id,
      before: budget,
      after: input,
    });
  });
  return { ok: true };
}

/** Sets the dates of a budget's phases (a phase without a start is removed); phases may not overlap. */
export async function setPhases(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  phases: PhaseDates[],
): Promise<Outcome<object>> {
  authorizeBudgets(viewer, 'manage-budgets');
  const budget = await findBudget(ctx.db, organisation.id, budgetId);
  if (!budget) throw new AppError('BUDGET_NOT_FOUND');
  const errors: FieldErrors = {};
  for (const phase of phases) {
    if (!(PHASES as readonly string[]).includes(phase.kind) || Number.isNaN(phase.startsAt.getTime()))
      errors[`${phase.kind}_start`] = 'budgets.error.date';
    else if (phase.endsAt && (Number.isNaN(phase.endsAt.getTime()) || phase.endsAt <= phase.startsAt))
      errors[`${phase.kind}_end`] = 'budgets.error.phaseEnd';
  }
  const overlap = Object.keys(errors).length === 0 ? overlappingPhases(phases) : undefined;
  if (overlap) errors[`${overlap[1]}_start`] = 'budgets.error.phaseOverlap';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  await ctx.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('budgets_phase').where('budget_id', '=', budget.id).execute();
    if (phases.length > 0)
      await tx
        .insertInto('budgets_phase')
        .values(
          phases.map((p) => ({
            organisation_id: organisation.id,
            budget_id: budget.id,
            kind: p.kind,
            starts_at: p.startsAt,
            ends_at: p.endsAt,
          })),
        )
        .execute();
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'budget.phases',
      subjectType: 'budget',
      subjectId: budget.id,
      before: budget.phases,
      after: phases,
    });
  });
  return { ok: true };
}

/** Adds a heading: city-wide (no district; one per budget) or for one district, with its amount. */
export async function addHeading(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  input: { name: Translated; districtId: number | null; amount: number },
): Promise<Outcome<{ id: number }>> {
  authorizeBudgets(viewer, 'manage-budgets');
  const budget = await findBudget(ctx.db, organisation.id, budgetId);
  if (!budget) throw new AppError('BUDGET_NOT_FOUND');
  const errors: FieldErrors = {};
  if (!clean(input.name)[organisation.defaultLanguage])
    errors[`name_${organisation.defaultLanguage}`] = 'budgets.error.titleRequired';
  if (!Number.isSafeInteger(input.amount) || input.amount < 1) errors.amount = 'budgets.error.amount';
  if (
    input.districtId !== null &&
    !(await findDistricts(ctx.db, organisation.id)).some((d) => d.id === input.districtId)
  )
    errors.districtId = 'budgets.error.district';
  const taken = await ctx.db
    .selectFrom('budgets_heading')
    .select('id')
    .where('budget_id', '=', budget.id)
    .where((eb) =>
      input.districtId === null ? eb('district_id', 'is', null) : eb('district_id', '=', input.districtId),
    )
    .executeTakeFirst();
  if (taken) errors.districtId = 'budgets.error.headingExists';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const id = await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('budgets_heading')
      .values({
        organisation_id: organisation.id,
        budget_id: budget.id,
        name: JSON.stringify(clean(input.name)),
        district_id: input.districtId,
        amount: input.amount,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'budget.heading.create',
      subjectType: 'budget_heading',
      subjectId: row.id,
      after: input,
    });
    return row.id;
  });
  return { ok: true, id };
}

export interface ProjectInput {
  headingId: number;
  title: Translated;
  description: Translated;
  cost: number;
  feasibility: Feasibility;
  feasibilityExplanation: Translated;
  status: ProjectStatus;
}

/**
 * Creates or edits a project, including the review: feasibility with its explanation (required when a
 * project is found unfeasible) and whether it is selected for the ballot. Once a project is on anyone's
 * ballot, its heading and cost are locked.
 */
export async function saveProject(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  projectId: number | null,
  input: ProjectInput,
): Promise<Outcome<{ id: number }>> {
  authorizeBudgets(viewer, 'manage-budgets');
  const budget = await findBudget(ctx.db, organisation.id, budgetId);
  if (!budget) throw new AppError('BUDGET_NOT_FOUND');
  const current = projectId === null ? undefined : await findProject(ctx.db, budget.id, projectId);
  if (projectId !== null && !current) throw new AppError('BUDGET_PROJECT_NOT_FOUND');
  const errors: FieldErrors = {};
  if (!(await findHeading(ctx.db, budget.id, input.headingId))) errors.headingId = 'budgets.error.heading';
  if (!clean(input.title)[organisation.defaultLanguage])
    errors[`title_${organisation.defaultLanguage}`] = 'budgets.error.titleRequired';
  if (!Number.isSafeInteger(input.cost) || input.cost < 1) errors.cost = 'budgets.error.amount';
  if (!['undecided', 'feasible', 'unfeasible'].includes(input.feasibility))
    errors.feasibility = 'budgets.error.feasibility';
  if (input.feasibility === 'unfeasible' && !clean(input.feasibilityExplanation)[organisation.defaultLanguage])
    errors[`explanation_${organisation.defaultLanguage}`] = 'budgets.error.explanationRequired';
  if (!['submitted', 'selected', 'rejected', 'withdrawn'].includes(input.status))
    errors.status = 'budgets.error.status';
  // 'selected' is the pre-selection: a selected project goes to review, and only a feasible one is on
  // the ballot (isOnBallot), so selecting no longer waits for the feasibility.
  if (current && (current.headingId !== input.headingId || current.cost !== input.cost)) {
    const onBallot = await sql<{
      found: number;
    }>`select 1 as found from budgets_ballot where heading_id = ${current.headingId} and project_ids @> array[${current.id}]::int[] limit 1`.execute(
      ctx.db,
    );
    if (onBallot.rows.length > 0) errors.cost = 'budgets.error.projectLocked';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const values = {
    heading_id: input.headingId,
    title: JSON.stringify(clean(input.title)),
    description: JSON.stringify(clean(input.description)),
    cost: input.cost,
    feasibility: input.feasibility,
    feasibility_explanation: JSON.stringify(clean(input.feasibilityExplanation)),
    status: input.status,
    updated_at: new Date(),
  };
  const id = await ctx.db.transaction().execute(async (tx) => {
    let id: number;
    if (current) {
      await tx.updateTable('budgets_project').set(values).where('id', '=', current.id).execute();
      id = current.id;
    } else {
      id = (
        await tx
          .insertInto('budgets_project')
          .values({ organisation_id: organisation.id, budget_id: budget.id, author_id: null, ...values })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    }
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: current ? 'budget.project.update' : 'budget.project.create',
      subjectType: 'budget_project',
      subjectId: id,
      before: current,
      after: input,
    });
    return id;
  });
  return { ok: true, id };
}

/** Reports how a funded project is going: its follow-up status and progress. */
export async function updateFollowUp(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  projectId: number,
  input: { status: FollowUpStatus; progress: number },
): Promise<Outcome<object>> {
  authorizeBudgets(viewer, 'manage-budgets');
  const project = await findProject(ctx.db, budgetId, projectId);
  const budget = await findBudget(ctx.db, organisation.id, budgetId);
  if (!budget || !project) throw new AppError('BUDGET_PROJECT_NOT_FOUND');
  const errors: FieldErrors = {};
  if (!(FOLLOW_UP_STATUSES as readonly string[]).includes(input.status)) errors.followUpStatus = 'budgets.error.status';
  if (!Number.isInteger(input.progress) || input.progress < 0 || input.progress > 100)
    errors.progress = 'budgets.error.progress';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('budgets_project')
      .set({ follow_up_status: input.status, progress: input.progress, updated_at: new Date() })
      .where('id', '=', project.id)
      .execute();
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'budget.project.follow_up',
      subjectType: 'budget_project',
      subjectId: project.id,
      before: { status: project.followUpStatus, progress: project.progress },
      after: input,
    });
  });
  return { ok: true };
}

/** Adds a milestone to a project's follow-up; a milestone with a progress figure also updates the project's. */
export async function addMilestone(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  projectId: number,
  input: { title: Translated; description: Translated; happenedOn: string; progress: number | null },
): Promise<Outcome<{ id: number }>> {
  authorizeBudgets(viewer, 'manage-budgets');
  const budget = await findBudget(ctx.db, organisation.id, budgetId);
  const project = budget ? await findProject(ctx.db, budget.id, projectId) : undefined;
  if (!budget || !project) throw new AppError('BUDGET_PROJECT_NOT_FOUND');
  const errors: FieldErrors = {};
  if (!clean(input.title)[organisation.defaultLanguage])
    errors[`milestone_${organisation.defaultLanguage}`] = 'budgets.error.titleRequired';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.happenedOn) || Number.isNaN(Date.parse(input.happenedOn)))
    errors.happenedOn = 'budgets.error.date';
  if (input.progress !== null && (!Number.isInteger(input.progress) || input.progress < 0 || input.progress > 100))
    errors.milestoneProgress = 'budgets.error.progress';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const id = await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('budgets_milestone')
      .values({
        organisation_id: organisation.id,
        project_id: project.id,
        title: JSON.stringify(clean(input.title)),
        description: JSON.stringify(clean(input.description)),
        happened_on: input.happenedOn,
        progress: input.progress,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (input.progress !== null)
      await tx
        .updateTable('budgets_project')
        .set({ progress: input.progress, updated_at: new Date() })
        .where('id', '=', project.id)
        .execute();
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'budget.project.milestone',
      subjectType: 'budget_project',
      subjectId: project.id,
      after: input,
    });
    return row.id;
  });
  return { ok: true, id };
}

export type { Budget };
