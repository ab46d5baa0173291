import type { Phase, PhaseSetting } from './budgets.schema.ts';
import type { BallotErrorCode } from './budgets.errors.ts';
import type { BallotProject } from './ballots.repository.ts';
import type { Budget, Heading, PhaseDates, Project } from './budgets.repository.ts';

/**
 * The phase a budget is in: the explicit setting when staff made one ('closed' means none), otherwise
 * the phase whose dates contain `now` (phases never overlap: `setPhases` refuses that). Between or
 * outside the phases' dates a budget is in no phase.
 */
export function currentPhase(budget: Pick<Budget, 'phaseOverride' | 'phases'>, now = new Date()): Phase | null {
  if (budget.phaseOverride) return budget.phaseOverride === 'closed' ? null : budget.phaseOverride;
  const time = now.getTime();
  const open = budget.phases.filter(
    (phase) => phase.startsAt.getTime() <= time && (phase.endsAt === null || phase.endsAt.getTime() > time),
  );
  return open.sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime())[0]?.kind ?? null;
}

/**
 * Where a budget stands with its vote: `to-come` before voting (an earlier phase, or dates still ahead),
 * `open` while ballots are taken, `over` once voting ended (the results or follow-up phase, the
 * balloting dates past, or staff closed the budget after voting started). Results may be published
 * only once it is over.
 */
export function votingState(
  budget: Pick<Budget, 'phaseOverride' | 'phases'>,
  now = new Date(),
): 'to-come' | 'open' | 'over' {
  const phase = currentPhase(budget, now);
  if (phase === 'balloting') return 'open';
  if (phase === 'results' || phase === 'follow_up') return 'over';
  if (phase !== null) return 'to-come';
  const balloting = budget.phases.find((p) => p.kind === 'balloting');
  const ahead = balloting !== undefined && balloting.startsAt.getTime() > now.getTime();
  if (budget.phaseOverride === 'closed') return ahead ? 'to-come' : 'over';
  return balloting === undefined || ahead ? 'to-come' : 'over';
}

/** Two phases overlap when one starts before the other ends; returns the first such pair. */
export function overlappingPhases(phases: readonly PhaseDates[]): [Phase, Phase] | undefined {
  const sorted = [...phases].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  for (let index = 1; index < sorted.length; index++) {
    const previous = sorted[index - 1] as PhaseDates;
    const phase = sorted[index] as PhaseDates;
    if (previous.endsAt === null || previous.endsAt.getTime() > phase.startsAt.getTime())
      return [previous.kind, phase.kind];
  }
  return undefined;
}

/** What a voter sends: a list of projects (approval, knapsack) or votes per project (distributed). */
export type BallotInput =
  | { projects: readonly number[]; votes?: undefined }
  | { votes: Readonly<Record<string, number>>; projects?: undefined };

export type BallotCheck =
  | { ok: true; projectIds: number[]; votes: number[]; totalCost: number }
  | { ok: false; code: BallotErrorCode; projectIds?: number[] };

/**
 * Checks a ballot against the budget's rule, in a fixed order so that one ballot always gets the same
 * answer: format, duplicates, unknown projects, projects of another heading, projects not on the
 * ballot, then the rule's limits (number of projects or votes, votes per project, amount, minimum
 * share). Returns the ballot as it will be stored: ids sorted ascending with their votes beside them,
 * projects given zero votes left out.
 */
export function checkBallot(
  budget: Budget,
  heading: Heading,
  projects: ReadonlyMap<number, BallotProject>,
  input: BallotInput,
): BallotCheck {
  const distributed = budget.votingRule === 'distributed';
  if (distributed !== (input.votes !== undefined)) return { ok: false, code: 'BALLOT_WRONG_FORMAT' };

  let entries: Array<[number, number]>;
  if (input.projects) {
    if (new Set(input.projects).size !== input.projects.length) return { ok: false, code: 'BALLOT_DUPLICATE_PROJECT' };
    entries = input.projects.map((id) => [id, 1]);
  } else {
    entries = [];
    for (const [key, votes] of Object.entries(input.votes)) {
      if (!/^[1-9]\d{0,9}$/.test(key) || !Number.isInteger(votes) || votes < 0)
        return { ok: false, code: 'BALLOT_WRONG_FORMAT' };
      if (votes > 0) entries.push([Number(key), votes]);
    }
  }

  const unknown = entries.filter(([id]) => !projects.has(id)).map(([id]) => id);
  if (unknown.length > 0) return { ok: false, code: 'BALLOT_UNKNOWN_PROJECT', projectIds: unknown };
  const elsewhere = entries.filter(([id]) => projects.get(id)?.headingId !== heading.id).map(([id]) => id);
  if (elsewhere.length > 0) return { ok: false, code: 'BALLOT_PROJECT_OF_OTHER_HEADING', projectIds: elsewhere };
  const notOnBallot = entries.filter(([id]) => !isOnBallot(projects.get(id) as BallotProject)).map(([id]) => id);
  if (notOnBallot.length > 0) return { ok: false, code: 'BALLOT_PROJECT_NOT_ON_BALLOT', projectIds: notOnBallot };

  if (budget.votingRule === 'approval' && budget.maxProjects !== null && entries.length > budget.maxProjects)
    return { ok: false, code: 'BALLOT_TOO_MANY_PROJECTS' };
  if (distributed) {
    const total = entries.reduce((sum, [, votes]) => sum + votes, 0);
    if (budget.maxVotes !== null && total > budget.maxVotes) return { ok: false, code: 'BALLOT_TOO_MANY_VOTES' };
    const cap = budget.maxVotesPerProject;
    if (cap !== null && entries.some(([, votes]) => votes > cap))
      return { ok: false, code: 'BALLOT_TOO_MANY_VOTES_ON_PROJECT' };
  }
  const totalCost = entries.reduce((sum, [id]) => sum + (projects.get(id) as BallotProject).cost, 0);
  if (budget.votingRule === 'knapsack') {
    if (totalCost > heading.amount) return { ok: false, code: 'BALLOT_OVER_AMOUNT' };
    if (budget.minShare !== null && entries.length > 0 && totalCost < Math.ceil(budget.minShare * heading.amount))
      return { ok: false, code: 'BALLOT_UNDER_MINIMUM' };
  }

  entries.sort((a, b) => a[0] - b[0]);
  return { ok: true, projectIds: entries.map(([id]) => id), votes: entries.map(([, votes]) => votes), totalCost };
}

/** A project is up for the vote when staff selected it and found it feasible. */
export function isOnBallot(project: Pick<Project, 'status' | 'feasibility'>): boolean {
  return project.status === 'selected' && project.feasibility === 'feasible';
}

/** The phases of a budget, each with its dates when set. */
export function phaseDates(budget: Budget, phase: Phase): PhaseDates | undefined {
  return budget.phases.find((p) => p.kind === phase);
}

export type { PhaseSetting };
