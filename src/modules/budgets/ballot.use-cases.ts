import type { AppContext } from '../../platform/context.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { checkEligibility, decideEligibility, type Eligibility, type EligibilityReason, type EligibilityRule } from '../verification/index.ts';
import { checkBallot, currentPhase, namedProjectIds, type BallotInput } from './ballot-rules.ts';
import type { BallotErrorCode } from './budgets.errors.ts';
import {
  deleteBallotWhileVoting,
  findBallot,
  findBallotScope,
  findBudget,
  findHeading,
  storeBallotWhileVoting,
  violatedConstraint,
  type Budget,
  type Heading,
  type StoredBallot,
} from './budgets.repository.ts';

/** A voter's ballot in one heading as the API and the pages show it to that voter (and to no one else). */
export interface BallotView {
  budgetId: number;
  headingId: number;
  rule: Budget['votingRule'];
  projects: number[];
  votes: Record<string, number>;
  totalCost: number;
  amount: number;
  remaining: number;
  votesUsed: number;
  updatedAt: string | null;
}

export type BallotOutcome = { ok: true; ballot: BallotView } | { ok: false; code: BallotErrorCode; projectIds?: number[] };

/** The view of a stored ballot, or of an empty one. */
export function ballotView(budget: Budget, heading: Heading, ballot: StoredBallot | undefined): BallotView {
  const projectIds = ballot?.projectIds ?? [];
  const votes = ballot?.votes ?? [];
  const totalCost = ballot?.totalCost ?? 0;
  return {
    budgetId: budget.id,
    headingId: heading.id,
    rule: budget.votingRule,
    projects: projectIds,
    votes: Object.fromEntries(projectIds.map((id, i) => [String(id), votes[i] ?? 1])),
    totalCost,
    amount: heading.amount,
    remaining: heading.amount - totalCost,
    votesUsed: votes.reduce((sum, n) => sum + n, 0),
    updatedAt: ballot?.updatedAt.toISOString() ?? null,
  };
}

const ELIGIBILITY_ERRORS: Record<Exclude<EligibilityReason, 'not-signed-in'>, BallotErrorCode> = {
  'email-not-confirmed': 'BALLOT_EMAIL_NOT_CONFIRMED',
  'not-verified': 'BALLOT_NOT_VERIFIED',
  age: 'BALLOT_AGE_NOT_ELIGIBLE',
  district: 'BALLOT_DISTRICT_NOT_YOURS',
};

/** The budget and heading a ballot is about; unknown ones are 404s, not ballot errors. */
export async function loadBallotScope(ctx: AppContext, organisation: Organisation, budgetId: number, headingId: number): Promise<{ budget: Budget; heading: Heading }> {
  const budget = await findBudget(ctx.db, organisation.id, budgetId);
  if (!budget) throw new AppError('BUDGET_NOT_FOUND');
  const heading = await findHeading(ctx.db, budget.id, headingId);
  if (!heading) throw new AppError('BUDGET_HEADING_NOT_FOUND');
  return { budget, heading };
}

/** Who may vote in a heading, as the verification module's rule. */
function eligibilityRule(budget: Budget, heading: Heading): EligibilityRule {
  return {
    level: budget.eligibility.level,
    minAge: budget.eligibility.minAge ?? undefined,
    maxAge: budget.eligibility.maxAge ?? undefined,
    districtIds: budget.districtResidentsOnly && heading.districtId !== null ? [heading.districtId] : undefined,
  };
}

/** The first reason why a voter may not vote in this heading now (phase, then eligibility), if any. */
function votingRefusal(budget: Budget, eligibility: () => Eligibility): BallotErrorCode | undefined {
  if (currentPhase(budget) !== 'balloting') return 'BALLOT_OUTSIDE_PHASE';
  const decided = eligibility();
  if (decided.ok) return undefined;
  if (decided.reason === 'not-signed-in') throw new AppError('AUTHENTICATION_REQUIRED');
  return ELIGIBILITY_ERRORS[decided.reason];
}

/** Whether this viewer may vote in this heading now; the first reason why not otherwise (for the pages). */
async function mayVote(ctx: AppContext, viewer: Viewer, organisation: Organisation, budget: Budget, heading: Heading): Promise<BallotErrorCode | undefined> {
  if (currentPhase(budget) !== 'balloting') return 'BALLOT_OUTSIDE_PHASE';
  const eligibility = await checkEligibility(ctx.db, organisation.id, viewer.id, eligibilityRule(budget, heading));
  return votingRefusal(budget, () => eligibility);
}

/** The ballot's context in one query; unknown budgets and headings are 404s. */
async function loadVotingScope(ctx: AppContext, viewer: Viewer, organisation: Organisation, budgetId: number, headingId: number, projectIds: readonly number[], withBallot = false) {
  const scope = await findBallotScope(ctx.db, { organisationId: organisation.id, budgetId, headingId, userId: viewer.id, projectIds, withBallot });
  if (!scope) throw new AppError('BUDGET_NOT_FOUND');
  const { budget, heading } = scope;
  if (!heading) throw new AppError('BUDGET_HEADING_NOT_FOUND');
  return { ...scope, budget, heading };
}

/**
 * Casts or changes a voter's ballot in one heading. Every rule is checked here on the server — phase,
 * eligibility, the projects named, the budget's voting rule — and a ballot breaking any is refused
 * whole. Sending the same ballot again changes nothing (idempotent); an empty choice withdraws the
 * ballot. The database makes a second ballot for the same heading, or a second district heading,
 * impossible even when requests race. Two round trips: one query reads everything the rules need
 * (`findBallotScope`), one statement writes — and re-checks the phase in the same statement.
 */
export async function castBallot(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, budgetId: number, headingId: number, input: BallotInput): Promise<BallotOutcome> {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  const named = namedProjectIds(input).filter((id) => Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647);
  const scope = await loadVotingScope(ctx, viewer, organisation, budgetId, headingId, named);
  const { budget, heading } = scope;
  const refused = votingRefusal(budget, () => decideEligibility(scope.voter, eligibilityRule(budget, heading)));
  if (refused) return { ok: false, code: refused };

  const projects = new Map(scope.projects.map((project) => [project.id, project]));
  const check = checkBallot(budget, heading, projects, input);
  if (!check.ok) return check.projectIds ? { ok: false, code: check.code, projectIds: check.projectIds } : { ok: false, code: check.code };

  if (check.projectIds.length === 0) {
    await deleteBallotWhileVoting(ctx.db, organisation.id, budget.id, heading.id, viewer.id);
    return { ok: true, ballot: ballotView(budget, heading, await findBallot(ctx.db, heading.id, viewer.id)) };
  }
  try {
    const stored = await storeBallotWhileVoting(ctx.db, {
      organisationId: organisation.id,
      budgetId: budget.id,
      headingId: heading.id,
      userId: viewer.id,
      districtHeading: heading.districtId !== null,
      projectIds: check.projectIds,
      votes: check.votes,
      totalCost: check.totalCost,
    });
    if (!stored) return { ok: false, code: 'BALLOT_OUTSIDE_PHASE' };
    return { ok: true, ballot: ballotView(budget, heading, stored) };
  } catch (error) {
    if (violatedConstraint(error) === 'budgets_ballot_one_district_heading') return { ok: false, code: 'BALLOT_SECOND_DISTRICT_HEADING' };
    throw error;
  }
}

/** Withdraws the viewer's ballot in a heading while voting is open. */
export async function withdrawBallot(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, budgetId: number, headingId: number): Promise<BallotOutcome> {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  const { budget, heading } = await loadVotingScope(ctx, viewer, organisation, budgetId, headingId, []);
  if (currentPhase(budget) !== 'balloting') return { ok: false, code: 'BALLOT_OUTSIDE_PHASE' };
  const deleted = await deleteBallotWhileVoting(ctx.db, organisation.id, budget.id, heading.id, viewer.id);
  if (!deleted && (await findBallot(ctx.db, heading.id, viewer.id))) return { ok: false, code: 'BALLOT_OUTSIDE_PHASE' };
  return { ok: true, ballot: ballotView(budget, heading, undefined) };
}

/** The viewer's own ballot in a heading (empty when they have none). */
export async function readOwnBallot(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, budgetId: number, headingId: number): Promise<BallotView> {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  const { budget, heading, ballot } = await loadVotingScope(ctx, viewer, organisation, budgetId, headingId, [], true);
  return ballotView(budget, heading, ballot);
}

/** Why this viewer could not vote in this heading now, or undefined when they can (for the pages). */
export async function votingBlocker(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, budget: Budget, heading: Heading): Promise<BallotErrorCode | 'AUTHENTICATION_REQUIRED' | undefined> {
  if (!viewer) return currentPhase(budget) === 'balloting' ? 'AUTHENTICATION_REQUIRED' : 'BALLOT_OUTSIDE_PHASE';
  return mayVote(ctx, viewer, organisation, budget, heading);
}
