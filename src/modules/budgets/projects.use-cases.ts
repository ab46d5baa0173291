import type { AppContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import { consumeRateLimit } from '../../platform/auth/rate-limit.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findProcess, processEligibilityRule } from '../participation/index.ts';
import { findDistrictsAt } from '../places/index.ts';
import { checkEligibility, type EligibilityReason, type EligibilityRule } from '../verification/index.ts';
import { currentPhase } from './ballot-rules.ts';
import { authorizeBudgets } from './budgets.policy.ts';
import { findBudget, findHeading, findHeadings, type Budget, type Heading } from './budgets.repository.ts';
import type { ProjectErrorCode } from './projects.errors.ts';
import {
  countSupports,
  deleteSupportWhileSupporting,
  findResidentProject,
  hasSupported,
  insertProjectWhileSubmitting,
  insertSupportWhileSupporting,
  lockSupportsOf,
  setPreselection,
  updateProjectWhileSubmitting,
  withdrawProjectWhileSubmitting,
  type ProposalValues,
  type ResidentProject,
} from './projects.repository.ts';

/** Proposals a resident may make per hour, and support changes per minute. */
const PROPOSALS_PER_HOUR = 10;
const SUPPORT_CHANGES_PER_MINUTE = 60;

/** Why a field of a resident's project is refused; the page picks the text for each problem. */
export type ProjectFieldProblem =
  'title' | 'titleTooLong' | 'description' | 'place' | 'placeOutside' | 'cost' | 'heading';
export type FieldErrors = Record<string, ProjectFieldProblem>;
type Refusal = ProjectErrorCode | 'AUTHENTICATION_REQUIRED';
export type ProposeOutcome = { ok: true; id: number } | { ok: false; code: Refusal; fields?: FieldErrors };
export interface SupportState {
  projectId: number;
  supported: boolean;
  supports: number;
}
export type SupportOutcome = { ok: true; support: SupportState } | { ok: false; code: Refusal };

/** What a resident writes: texts in their own language, the heading, the estimated cost, an optional place. */
export interface ResidentProjectInput {
  headingId: number;
  title: string;
  description: string;
  cost: number;
  lat: number | null;
  lng: number | null;
  showAuthor: boolean;
}

const REASONS: Record<Exclude<EligibilityReason, 'not-signed-in'>, ProjectErrorCode> = {
  'email-not-confirmed': 'BUDGET_EMAIL_NOT_CONFIRMED',
  'not-verified': 'BUDGET_NOT_VERIFIED',
  age: 'BUDGET_AGE_NOT_ELIGIBLE',
  district: 'BUDGET_DISTRICT_NOT_ELIGIBLE',
};

/**
 * Why this viewer may not propose or support in this heading, whatever the phase: the budget's rule as
 * for voting (level, age, residence in a district heading's district when the budget asks for that),
 * and, when the budget belongs to a participatory process, that process's rule too.
 */
export async function eligibilityBlocker(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budget: Budget,
  heading: Heading,
): Promise<Refusal | undefined> {
  if (!viewer) return 'AUTHENTICATION_REQUIRED';
  const rules: EligibilityRule[] = [
    {
      level: budget.eligibility.level,
      minAge: budget.eligibility.minAge ?? undefined,
      maxAge: budget.eligibility.maxAge ?? undefined,
      districtIds: budget.districtResidentsOnly && heading.districtId !== null ? [heading.districtId] : undefined,
    },
  ];
  const process = budget.processId === null ? undefined : await findProcess(ctx.db, organisation.id, budget.processId);
  if (process) rules.push(processEligibilityRule(process));
  for (const rule of rules) {
    const result = await checkEligibility(ctx.db, organisation.id, viewer.id, rule);
    if (result.ok) continue;
    if (result.reason === 'not-signed-in') return 'AUTHENTICATION_REQUIRED';
    // an age rule the person could meet once they say their year of birth
    return result.missing === 'birth-year' ? 'BUDGET_BIRTH_YEAR_MISSING' : REASONS[result.reason];
  }
  return undefined;
}

async function requireBudget(ctx: AppContext, organisation: Organisation, budgetId: number): Promise<Budget> {
  const budget = await findBudget(ctx.db, organisation.id, budgetId);
  if (!budget) throw new AppError('BUDGET_NOT_FOUND');
  return budget;
}

/** Checks a resident's texts, cost and place; the place must lie in a district heading's district. */
async function validate(
  ctx: AppContext,
  organisation: Organisation,
  heading: Heading,
  input: ResidentProjectInput,
): Promise<{ code: ProjectErrorCode; fields: FieldErrors } | undefined> {
  const errors: FieldErrors = {};
  const title = input.title.trim();
  const description = input.description.trim();
  if (title.length < 4) errors.title = 'title';
  else if (title.length > 200) errors.title = 'titleTooLong';
  if (description.length < 10 || description.length > 5000) errors.description = 'description';
  const located = input.lat !== null || input.lng !== null;
  if (located) {
    const { lat, lng } = input;
    if (
      lat === null ||
      lng === null ||
      !Number.isFinite(lat) ||
      !Number.isFinite(lng) ||
      Math.abs(lat) > 85 ||
      Math.abs(lng) > 180
    )
      errors.lat = 'place';
    else if (
      heading.districtId !== null &&
      !(await findDistrictsAt(ctx.db, organisation.id, lng, lat)).some((d) => d.id === heading.districtId)
    )
      errors.lat = 'placeOutside';
  }
  const costValid = Number.isSafeInteger(input.cost) && input.cost >= 1 && input.cost <= heading.amount;
  if (!costValid) errors.cost = 'cost';
  if (Object.keys(errors).length === 0) return undefined;
  return { code: costValid ? 'BUDGET_PROJECT_INVALID' : 'BUDGET_PROJECT_INVALID_COST', fields: errors };
}

/** The scope of a proposal: the budget in its submitting phase, a heading of it, an eligible author. */
async function proposalScope(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  headingId: number,
): Promise<{ ok: true; heading: Heading } | { ok: false; code: Refusal; fields?: FieldErrors }> {
  if (!viewer) return { ok: false, code: 'AUTHENTICATION_REQUIRED' };
  const budget = await requireBudget(ctx, organisation, budgetId);
  if (currentPhase(budget) !== 'submitting') return { ok: false, code: 'BUDGET_PROPOSING_CLOSED' };
  const heading = await findHeading(ctx.db, budget.id, headingId);
  if (!heading) return { ok: false, code: 'BUDGET_PROJECT_UNKNOWN_HEADING', fields: { headingId: 'heading' } };
  const blocker = await eligibilityBlocker(ctx, viewer, organisation, budget, heading);
  return blocker ? { ok: false, code: blocker } : { ok: true, heading };
}

function values(
  organisation: Organisation,
  budgetId: number,
  viewer: Viewer,
  input: ResidentProjectInput,
  language: string,
): ProposalValues {
  return {
    organisationId: organisation.id,
    budgetId,
    headingId: input.headingId,
    authorId: viewer.id,
    title: { [language]: input.title.trim() },
    description: { [language]: input.description.trim() },
    cost: input.cost,
    lat: input.lat,
    lng: input.lng,
    showAuthor: input.showAuthor,
  };
}

/**
 * A resident proposes a project while the budget takes proposals: phase, heading, eligibility (as for
 * voting), cost (at most the heading's amount; staff may correct it later), texts and place are checked
 * in that order, and a refused proposal stores nothing. Limited per resident and hour.
 */
export async function proposeProject(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  input: ResidentProjectInput,
  language: string,
): Promise<ProposeOutcome> {
  const scope = await proposalScope(ctx, viewer, organisation, budgetId, input.headingId);
  if (!scope.ok || !viewer) return scope.ok ? { ok: false, code: 'AUTHENTICATION_REQUIRED' } : scope;
  const invalid = await validate(ctx, organisation, scope.heading, input);
  if (invalid) return { ok: false, ...invalid };
  const limit = await consumeRateLimit(ctx.db, organisation.id, {
    key: `budget-project:user:${viewer.id}`,
    limit: PROPOSALS_PER_HOUR,
    windowSeconds: 3600,
  });
  if (!limit.allowed) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: limit.retryAfterSeconds });
  const id = await insertProjectWhileSubmitting(ctx.db, values(organisation, budgetId, viewer, input, language));
  return id === undefined ? { ok: false, code: 'BUDGET_PROPOSING_CLOSED' } : { ok: true, id };
}

/** The author's own project, or why they may not change it. */
async function ownProject(
  ctx: AppContext,
  viewer: Viewer,
  organisation: Organisation,
  budgetId: number,
  projectId: number,
): Promise<ResidentProject> {
  await requireBudget(ctx, organisation, budgetId);
  const project = await findResidentProject(ctx.db, budgetId, projectId);
  if (!project || project.status === 'withdrawn') throw new AppError('BUDGET_PROJECT_NOT_FOUND');
  if (project.authorId !== viewer.id) throw new AppError('BUDGET_PROJECT_NOT_YOURS');
  return project;
}

/** The author changes their project while the budget still takes proposals (the same checks as proposing). */
export async function editOwnProject(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  projectId: number,
  input: ResidentProjectInput,
  language: string,
): Promise<ProposeOutcome> {
  if (!viewer) return { ok: false, code: 'AUTHENTICATION_REQUIRED' };
  const project = await ownProject(ctx, viewer, organisation, budgetId, projectId);
  if (project.status !== 'submitted') return { ok: false, code: 'BUDGET_PROJECT_NOT_EDITABLE' };
  const scope = await proposalScope(ctx, viewer, organisation, budgetId, input.headingId);
  if (!scope.ok) return scope;
  const invalid = await validate(ctx, organisation, scope.heading, input);
  if (invalid) return { ok: false, ...invalid };
  const done = await updateProjectWhileSubmitting(
    ctx.db,
    project.id,
    values(organisation, budgetId, viewer, input, language),
  );
  return done ? { ok: true, id: project.id } : { ok: false, code: 'BUDGET_PROPOSING_CLOSED' };
}

/** The author withdraws their project while the budget still takes proposals. */
export async function withdrawOwnProject(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  projectId: number,
): Promise<{ ok: true } | { ok: false; code: Refusal }> {
  if (!viewer) return { ok: false, code: 'AUTHENTICATION_REQUIRED' };
  const project = await ownProject(ctx, viewer, organisation, budgetId, projectId);
  if (project.status !== 'submitted') return { ok: false, code: 'BUDGET_PROJECT_NOT_EDITABLE' };
  const done = await withdrawProjectWhileSubmitting(ctx.db, organisation.id, budgetId, project.id, viewer.id);
  return done ? { ok: true } : { ok: false, code: 'BUDGET_PROPOSING_CLOSED' };
}

async function supportScope(ctx: AppContext, organisation: Organisation, budgetId: number, projectId: number) {
  const budget = await requireBudget(ctx, organisation, budgetId);
  const project = await findResidentProject(ctx.db, budget.id, projectId);
  if (!project || project.status === 'withdrawn') throw new AppError('BUDGET_PROJECT_NOT_FOUND');
  const heading = (await findHeadings(ctx.db, budget.id)).find((h) => h.id === project.headingId);
  if (!heading) throw new AppError('BUDGET_PROJECT_NOT_FOUND');
  return { budget, project, heading };
}

/**
 * An eligible resident supports a project during the supporting phase: once per project (the database's
 * primary key decides races, so a repeated support changes nothing), within the budget's limit of
 * supports per heading when it has one. A refused support stores nothing.
 */
export async function supportProject(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  projectId: number,
): Promise<SupportOutcome> {
  if (!viewer) return { ok: false, code: 'AUTHENTICATION_REQUIRED' };
  const { budget, project, heading } = await supportScope(ctx, organisation, budgetId, projectId);
  if (currentPhase(budget) !== 'supporting') return { ok: false, code: 'BUDGET_SUPPORTING_CLOSED' };
  const blocker = await eligibilityBlocker(ctx, viewer, organisation, budget, heading);
  if (blocker) return { ok: false, code: blocker };
  if (project.status !== 'submitted' && project.status !== 'selected')
    return { ok: false, code: 'BUDGET_PROJECT_NOT_SUPPORTABLE' };
  const limit = await consumeRateLimit(ctx.db, organisation.id, {
    key: `budget-support:user:${viewer.id}`,
    limit: SUPPORT_CHANGES_PER_MINUTE,
    windowSeconds: 60,
  });
  if (!limit.allowed) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: limit.retryAfterSeconds });
  const outcome = await ctx.db.transaction().execute(async (tx): Promise<SupportOutcome> => {
    await lockSupportsOf(tx, viewer.id, heading.id);
    if (
      await insertSupportWhileSupporting(tx, {
        organisationId: organisation.id,
        budgetId: budget.id,
        projectId: project.id,
        userId: viewer.id,
      })
    )
      return { ok: true, support: { projectId: project.id, supported: true, supports: 0 } };
    if (await hasSupported(tx, project.id, viewer.id))
      return { ok: true, support: { projectId: project.id, supported: true, supports: 0 } };
    const fresh = await findBudget(tx, organisation.id, budget.id);
    if (!fresh || currentPhase(fresh) !== 'supporting') return { ok: false, code: 'BUDGET_SUPPORTING_CLOSED' };
    return {
      ok: false,
      code: fresh.maxSupportsPerHeading !== null ? 'BUDGET_SUPPORT_LIMIT' : 'BUDGET_PROJECT_NOT_SUPPORTABLE',
    };
  });
  return outcome.ok
    ? { ok: true, support: { ...outcome.support, supports: await countSupports(ctx.db, project.id) } }
    : outcome;
}

/** Takes a support back until the supporting phase ends; idempotent (no support, no change). */
export async function withdrawProjectSupport(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  projectId: number,
): Promise<SupportOutcome> {
  if (!viewer) return { ok: false, code: 'AUTHENTICATION_REQUIRED' };
  const { budget, project } = await supportScope(ctx, organisation, budgetId, projectId);
  if (currentPhase(budget) !== 'supporting') return { ok: false, code: 'BUDGET_SUPPORTING_CLOSED' };
  const deleted = await deleteSupportWhileSupporting(ctx.db, organisation.id, budget.id, project.id, viewer.id);
  if (!deleted && (await hasSupported(ctx.db, project.id, viewer.id)))
    return { ok: false, code: 'BUDGET_SUPPORTING_CLOSED' };
  return {
    ok: true,
    support: { projectId: project.id, supported: false, supports: await countSupports(ctx.db, project.id) },
  };
}

/** The viewer's support of one project and its count (for the pages and the API). */
export async function readSupport(
  ctx: AppContext,
  viewer: Viewer | null,
  project: ResidentProject,
): Promise<SupportState> {
  return {
    projectId: project.id,
    supported: viewer ? await hasSupported(ctx.db, project.id, viewer.id) : false,
    supports: project.supports,
  };
}

/**
 * Staff's pre-selection: the chosen projects go to review, the others are not selected. Allowed until
 * voting starts — after that ballots name the projects and the choice is locked.
 */
export async function preselectProjects(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  selectedIds: readonly number[],
): Promise<{ ok: true } | { ok: false; code: ProjectErrorCode }> {
  authorizeBudgets(viewer, 'manage-budgets');
  const budget = await requireBudget(ctx, organisation, budgetId);
  const phase = currentPhase(budget);
  if (phase === 'balloting' || phase === 'results' || phase === 'follow_up')
    return { ok: false, code: 'BUDGET_PRESELECTION_CLOSED' };
  await ctx.db.transaction().execute(async (tx) => {
    const before = await setPreselection(tx, budget.id, selectedIds);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'budget.preselection',
      subjectType: 'budget',
      subjectId: budget.id,
      before,
      after: { selected: [...selectedIds].sort((a, b) => a - b) },
    });
  });
  return { ok: true };
}
