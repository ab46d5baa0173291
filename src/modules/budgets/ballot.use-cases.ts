import type { AppContext } from '../../platform/context.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import type { DeferredSession } from '../../platform/http/app.ts';
import { processEligibilityRule, type ProcessEligibilityJson } from '../participation/index.ts';
import {
  decideEligibility,
  type EligibilityFacts,
  type EligibilityReason,
  type EligibilityRule,
} from '../verification/index.ts';
import { ballotMemory } from './ballot-memory.ts';
import { ballotWriter } from './ballot-writer.ts';
import { checkBallot, currentPhase, type BallotInput } from './ballot-rules.ts';
import type { BallotErrorCode } from './budgets.errors.ts';
import {
  deleteBallotWhileVoting,
  findBallot,
  findBallotScope,
  violatedConstraint,
  type WrittenBallot,
} from './ballots.repository.ts';
import { findBudget, findHeading, type Budget, type Heading } from './budgets.repository.ts';

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

export type BallotOutcome =
  { ok: true; ballot: BallotView } | { ok: false; code: BallotErrorCode; projectIds?: number[] };

/** The view of a stored ballot, or of an empty one. */
export function ballotView(budget: Budget, heading: Heading, ballot: WrittenBallot | undefined): BallotView {
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
export async function loadBallotScope(
  ctx: AppContext,
  organisation: Organisation,
  budgetId: number,
  headingId: number,
): Promise<{ budget: Budget; heading: Heading }> {
  const budget = await findBudget(ctx.db, organisation.id, budgetId);
  if (!budget) throw new AppError('BUDGET_NOT_FOUND');
  const heading = await findHeading(ctx.db, budget.id, headingId);
  if (!heading) throw new AppError('BUDGET_HEADING_NOT_FOUND');
  return { budget, heading };
}

/** Who may vote in a heading: the budget's rule and, when the budget belongs to a process, the process's too. */
function eligibilityRules(budget: Budget, heading: Heading, process: ProcessEligibilityJson | null): EligibilityRule[] {
  const rules: EligibilityRule[] = [
    {
      level: budget.eligibility.level,
      minAge: budget.eligibility.minAge ?? undefined,
      maxAge: budget.eligibility.maxAge ?? undefined,
      districtIds: budget.districtResidentsOnly && heading.districtId !== null ? [heading.districtId] : undefined,
    },
  ];
  if (process) rules.push(processEligibilityRule(process));
  return rules;
}

/** The first reason why a voter may not vote in this heading now (phase, then each rule), if any. */
function votingRefusal(
  budget: Budget,
  heading: Heading,
  process: ProcessEligibilityJson | null,
  facts: EligibilityFacts | undefined,
  now = new Date(),
): BallotErrorCode | undefined {
  if (currentPhase(budget, now) !== 'balloting') return 'BALLOT_OUTSIDE_PHASE';
  for (const rule of eligibilityRules(budget, heading, process)) {
    const decided = decideEligibility(facts, rule, now);
    if (decided.ok) continue;
    if (decided.reason === 'not-signed-in') throw new AppError('AUTHENTICATION_REQUIRED');
    // an age rule the voter could meet once they say their year of birth
    return decided.missing === 'birth-year' ? 'BALLOT_BIRTH_YEAR_MISSING' : ELIGIBILITY_ERRORS[decided.reason];
  }
  return undefined;
}

/** The ballot's context read now, in one query; unknown budgets and headings are 404s. */
async function readVotingScope(
  ctx: AppContext,
  viewer: Viewer,
  organisation: Organisation,
  budgetId: number,
  headingId: number,
  withBallot = false,
) {
  const scope = await findBallotScope(ctx.db, {
    organisationId: organisation.id,
    budgetId,
    userId: viewer.id,
    ...(withBallot ? { ballotInHeading: headingId } : {}),
  });
  if (!scope) throw new AppError('BUDGET_NOT_FOUND');
  const heading = scope.budget.headings.find((h) => h.id === headingId);
  if (!heading) throw new AppError('BUDGET_HEADING_NOT_FOUND');
  return { ...scope, heading };
}

/** How many times a ballot is checked and written again when what it was checked against changes meanwhile. */
const ATTEMPTS = 3;

/**
 * Casts or changes a voter's ballot in one heading. Every rule is checked here on the server — phase,
 * eligibility (the budget's and its process's), the projects named, the budget's voting rule — and a
 * ballot breaking any is refused whole. Sending the same ballot again changes nothing (idempotent); an
 * empty choice withdraws the ballot. The database makes a second ballot for the same heading, or a
 * second district heading, impossible even when requests race.
 *
 * The hot path costs one statement: the budget and the voter are checked as the voter's previous
 * ballot read them (`BallotMemory`), and the statement that stores the ballot confirms in the same
 * step that the phase is open, that the budget, the voter's eligibility and the process's rule are
 * unchanged and, when `session` is given (the viewer was remembered, not read for this request), that
 * the session is still live. When any of that fails, or when the remembered data would refuse the
 * ballot, everything is read again (one query) and the ballot checked and written on fresh data: a
 * refusal is only ever given on data read for this request.
 */
export async function castBallot(
  ctx: AppContext,
  signedIn: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  headingId: number,
  input: BallotInput,
  session: DeferredSession | null = null,
): Promise<BallotOutcome> {
  if (!signedIn) throw new AppError('AUTHENTICATION_REQUIRED');
  let viewer: Viewer = signedIn;
  let unconfirmed = session;
  /** The viewer read for this request (the remembered one is confirmed first when there is one). */
  const confirm = async (): Promise<Viewer> => {
    if (!unconfirmed) return viewer;
    const confirmed = await unconfirmed.confirm();
    unconfirmed = null;
    if (!confirmed) throw new AppError('AUTHENTICATION_REQUIRED');
    return confirmed;
  };

  const memory = ballotMemory(ctx.db);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    let budgetScope = memory.budget(organisation.id, budgetId);
    let voter = memory.voter(organisation.id, viewer.id);
    const remembered = budgetScope !== undefined && voter !== undefined;
    if (!budgetScope || !voter) {
      viewer = await confirm();
      const scope = await readVotingScope(ctx, viewer, organisation, budgetId, headingId);
      memory.remember(organisation.id, scope.budget, viewer.id, scope.voter);
      budgetScope = scope.budget;
      voter = scope.voter;
    }
    const { budget } = budgetScope;
    const heading = budgetScope.headings.find((h) => h.id === headingId);
    const refused = heading ? votingRefusal(budget, heading, budgetScope.process, voter.facts) : undefined;
    const check = heading && !refused ? checkBallot(budget, heading, budgetScope.projects, input) : undefined;
    if (!heading || refused || !check?.ok || voter.text === null) {
      // A refusal (or an unknown heading) is only given on data read for this request.
      if (remembered) {
        memory.forget(organisation.id, budgetId, viewer.id);
        continue;
      }
      if (!heading) throw new AppError('BUDGET_HEADING_NOT_FOUND');
      if (refused) return { ok: false, code: refused };
      if (check && !check.ok)
        return check.projectIds
          ? { ok: false, code: check.code, projectIds: check.projectIds }
          : { ok: false, code: check.code };
      throw new AppError('AUTHENTICATION_REQUIRED');
    }
    if (check.projectIds.length === 0) return withdrawBallot(ctx, await confirm(), organisation, budgetId, headingId);
    try {
      const stored = await ballotWriter(ctx.db).write({
        values: {
          organisationId: organisation.id,
          budgetId: budget.id,
          headingId: heading.id,
          userId: viewer.id,
          districtHeading: heading.districtId !== null,
          projectIds: check.projectIds,
          votes: check.votes,
          totalCost: check.totalCost,
        },
        guard: {
          version: budgetScope.version,
          voterText: voter.text,
          processText: budgetScope.processText,
          session: unconfirmed ? { id: unconfirmed.id, viewer } : null,
        },
      });
      if (stored) return { ok: true, ballot: ballotView(budget, heading, stored) };
    } catch (error) {
      if (violatedConstraint(error) === 'budgets_ballot_one_district_heading')
        return { ok: false, code: 'BALLOT_SECOND_DISTRICT_HEADING' };
      throw error;
    }
    // Voting closed, the session ended, or something the ballot was checked against changed since it
    // was read: read everything again and decide anew.
    memory.forget(organisation.id, budgetId, viewer.id);
    viewer = await confirm();
  }
  // Changed under three attempts in a row (staff editing the budget this very moment, or closing it).
  return { ok: false, code: 'BALLOT_OUTSIDE_PHASE' };
}

/** Withdraws the viewer's ballot in a heading while voting is open. */
export async function withdrawBallot(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  headingId: number,
): Promise<BallotOutcome> {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  const {
    budget: { budget },
    heading,
  } = await readVotingScope(ctx, viewer, organisation, budgetId, headingId);
  if (currentPhase(budget) !== 'balloting') return { ok: false, code: 'BALLOT_OUTSIDE_PHASE' };
  const deleted = await deleteBallotWhileVoting(ctx.db, organisation.id, budget.id, heading.id, viewer.id);
  if (!deleted && (await findBallot(ctx.db, heading.id, viewer.id))) return { ok: false, code: 'BALLOT_OUTSIDE_PHASE' };
  return { ok: true, ballot: ballotView(budget, heading, undefined) };
}

/** The viewer's own ballot in a heading (empty when they have none). */
export async function readOwnBallot(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  headingId: number,
): Promise<BallotView> {
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  const { budget, heading, ballot } = await readVotingScope(ctx, viewer, organisation, budgetId, headingId, true);
  return ballotView(budget.budget, heading, ballot);
}

/** Why this viewer could not vote in this heading now, or undefined when they can (for the pages). */
export async function votingBlocker(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budget: Budget,
  heading: Heading,
): Promise<BallotErrorCode | 'AUTHENTICATION_REQUIRED' | undefined> {
  if (currentPhase(budget) !== 'balloting') return 'BALLOT_OUTSIDE_PHASE';
  if (!viewer) return 'AUTHENTICATION_REQUIRED';
  const scope = await readVotingScope(ctx, viewer, organisation, budget.id, heading.id);
  return votingRefusal(scope.budget.budget, scope.heading, scope.budget.process, scope.voter.facts);
}
