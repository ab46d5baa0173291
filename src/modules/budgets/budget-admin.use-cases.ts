import type { AppContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { isStorableIsoDate } from '../../platform/validation.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findDistricts } from '../places/index.ts';
import { overlappingPhases } from './ballot-rules.ts';
import {
  budgetHasBallots,
  headingExists,
  insertBudget,
  insertHeading,
  insertMilestone,
  insertStaffProject,
  isProjectOnBallot,
  replacePhases,
  updateBudgetRow,
  updateProjectFollowUp,
  updateProjectProgress,
  updateProjectRow,
} from './budget-admin.repository.ts';
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

/** Why a field of a budget form is refused, as a code; the page shows `budgets.error.<code>`. */
export type FieldProblem =
  | 'age'
  | 'amount'
  | 'date'
  | 'district'
  | 'equalSharesNeedsApproval'
  | 'explanationRequired'
  | 'feasibility'
  | 'heading'
  | 'headingExists'
  | 'maxProjects'
  | 'maxSupports'
  | 'maxVotes'
  | 'minShare'
  | 'phaseEnd'
  | 'phaseOverlap'
  | 'progress'
  | 'projectLocked'
  | 'rulesLocked'
  | 'status'
  | 'titleRequired'
  | 'titleTooLong'
  | 'votingRule';
export type FieldErrors = Record<string, FieldProblem>;
export type Outcome<T> = ({ ok: true } & T) | { ok: false; code: 'VALIDATION_FAILED'; fields: FieldErrors };

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
  if (!title[organisation.defaultLanguage]) errors[`title_${organisation.defaultLanguage}`] = 'titleRequired';
  if (Object.values(title).some((value) => value.length > 200))
    errors[`title_${organisation.defaultLanguage}`] = 'titleTooLong';
  if (!(VOTING_RULES as readonly string[]).includes(input.votingRule)) errors.votingRule = 'votingRule';
  const positive = (value: number | null) => value === null || (Number.isInteger(value) && value >= 1 && value <= 1000);
  if (!positive(input.maxProjects) || (input.votingRule === 'approval' && input.maxProjects === null))
    errors.maxProjects = 'maxProjects';
  if (!positive(input.maxVotes) || (input.votingRule === 'distributed' && input.maxVotes === null))
    errors.maxVotes = 'maxVotes';
  if (!positive(input.maxVotesPerProject)) errors.maxVotesPerProject = 'maxVotes';
  if (input.minShare !== null && !(input.minShare > 0 && input.minShare <= 1)) errors.minShare = 'minShare';
  if (input.resultsMethod === 'equal_shares' && input.votingRule === 'distributed')
    errors.resultsMethod = 'equalSharesNeedsApproval';
  const age = (value: number | null) => value === null || (Number.isInteger(value) && value >= 0 && value <= 150);
  if (!age(input.minAge)) errors.minAge = 'age';
  if (!age(input.maxAge) || (input.minAge !== null && input.maxAge !== null && input.maxAge < input.minAge))
    errors.maxAge = 'age';
  if (input.maxSupportsPerHeading !== undefined && !positive(input.maxSupportsPerHeading))
    errors.maxSupportsPerHeading = 'maxSupports';
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
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertBudget(tx, organisation.id, budgetValues(input));
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'budget.create',
      subjectType: 'budget',
      subjectId: id,
      after: input,
    });
    return id;
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
  const hasBallots = await budgetHasBallots(ctx.db, budget.id);
  const ruleChanged =
    input.votingRule !== budget.votingRule ||
    input.maxProjects !== budget.maxProjects ||
    (input.votingRule === 'distributed' &&
      (input.maxVotes !== budget.maxVotes || input.maxVotesPerProject !== budget.maxVotesPerProject)) ||
    (input.votingRule === 'knapsack' && input.minShare !== budget.minShare);
  if (hasBallots && ruleChanged) errors.votingRule = 'rulesLocked';
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  await ctx.db.transaction().execute(async (tx) => {
    await updateBudgetRow(tx, budget.id, budgetValues(input));
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
      errors[`${phase.kind}_start`] = 'date';
    else if (phase.endsAt && (Number.isNaN(phase.endsAt.getTime()) || phase.endsAt <= phase.startsAt))
      errors[`${phase.kind}_end`] = 'phaseEnd';
  }
  const overlap = Object.keys(errors).length === 0 ? overlappingPhases(phases) : undefined;
  if (overlap) errors[`${overlap[1]}_start`] = 'phaseOverlap';
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  await ctx.db.transaction().execute(async (tx) => {
    await replacePhases(tx, organisation.id, budget.id, phases);
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
    errors[`name_${organisation.defaultLanguage}`] = 'titleRequired';
  if (!Number.isSafeInteger(input.amount) || input.amount < 1) errors.amount = 'amount';
  if (
    input.districtId !== null &&
    !(await findDistricts(ctx.db, organisation.id)).some((d) => d.id === input.districtId)
  )
    errors.districtId = 'district';
  if (await headingExists(ctx.db, budget.id, input.districtId)) errors.districtId = 'headingExists';
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertHeading(tx, organisation.id, budget.id, { ...input, name: clean(input.name) });
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'budget.heading.create',
      subjectType: 'budget_heading',
      subjectId: id,
      after: input,
    });
    return id;
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
  if (!(await findHeading(ctx.db, budget.id, input.headingId))) errors.headingId = 'heading';
  if (!clean(input.title)[organisation.defaultLanguage])
    errors[`title_${organisation.defaultLanguage}`] = 'titleRequired';
  if (!Number.isSafeInteger(input.cost) || input.cost < 1) errors.cost = 'amount';
  if (!['undecided', 'feasible', 'unfeasible'].includes(input.feasibility)) errors.feasibility = 'feasibility';
  if (input.feasibility === 'unfeasible' && !clean(input.feasibilityExplanation)[organisation.defaultLanguage])
    errors[`explanation_${organisation.defaultLanguage}`] = 'explanationRequired';
  if (!['submitted', 'selected', 'rejected', 'withdrawn'].includes(input.status)) errors.status = 'status';
  // 'selected' is the pre-selection: a selected project goes to review, and only a feasible one is on
  // the ballot (isOnBallot), so selecting no longer waits for the feasibility.
  if (current && (current.headingId !== input.headingId || current.cost !== input.cost)) {
    if (await isProjectOnBallot(ctx.db, current.headingId, current.id)) errors.cost = 'projectLocked';
  }
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
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
      await updateProjectRow(tx, current.id, values);
      id = current.id;
    } else {
      id = await insertStaffProject(tx, organisation.id, budget.id, values);
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
  if (!(FOLLOW_UP_STATUSES as readonly string[]).includes(input.status)) errors.followUpStatus = 'status';
  if (!Number.isInteger(input.progress) || input.progress < 0 || input.progress > 100) errors.progress = 'progress';
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  await ctx.db.transaction().execute(async (tx) => {
    await updateProjectFollowUp(tx, project.id, input);
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
    errors[`milestone_${organisation.defaultLanguage}`] = 'titleRequired';
  if (!isStorableIsoDate(input.happenedOn)) errors.happenedOn = 'date';
  if (input.progress !== null && (!Number.isInteger(input.progress) || input.progress < 0 || input.progress > 100))
    errors.milestoneProgress = 'progress';
  if (Object.keys(errors).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  const id = await ctx.db.transaction().execute(async (tx) => {
    const id = await insertMilestone(tx, organisation.id, project.id, {
      ...input,
      title: clean(input.title),
      description: clean(input.description),
    });
    if (input.progress !== null) await updateProjectProgress(tx, project.id, input.progress);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actor(viewer),
      action: 'budget.project.milestone',
      subjectType: 'budget_project',
      subjectId: project.id,
      after: input,
    });
    return id;
  });
  return { ok: true, id };
}

export type { Budget };
