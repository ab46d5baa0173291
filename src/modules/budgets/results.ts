/**
 * How a heading's money is shared out once the ballot closes. Pure functions over counts and ballots,
 * so that they are tested on small known examples and benchmarked without a database.
 */

export interface CandidateProject {
  id: number;
  cost: number;
  /** Votes received (ballots choosing it; the sum of votes under distributed voting). */
  votes: number;
}

export type ResultNote = 'funded' | 'does-not-fit' | 'no-votes' | 'equal-shares' | 'completion' | 'not-funded';

export interface HeadingOutcome {
  /** Every project, in the published order, with whether it is funded and why. */
  ranking: Array<{ id: number; funded: boolean; note: ResultNote }>;
  spent: number;
}

function byVotes(a: CandidateProject, b: CandidateProject): number {
  return b.votes - a.votes || a.cost - b.cost || a.id - b.id;
}

/**
 * Winners by votes within the amount, as CONSUL does: projects in order of votes (ties: cheaper first,
 * then older); each is funded if it still fits in what is left, otherwise skipped and the next one is
 * tried. Projects without any vote are never funded.
 */
export function winnersByVotes(amount: number, projects: readonly CandidateProject[]): HeadingOutcome {
  let left = amount;
  const ranking: HeadingOutcome['ranking'] = [];
  for (const project of [...projects].sort(byVotes)) {
    if (project.votes <= 0) ranking.push({ id: project.id, funded: false, note: 'no-votes' });
    else if (project.cost <= left) {
      left -= project.cost;
      ranking.push({ id: project.id, funded: true, note: 'funded' });
    } else ranking.push({ id: project.id, funded: false, note: 'does-not-fit' });
  }
  return { ranking, spent: amount - left };
}

/** Approval ballots grouped by identical choice: every voter of a group chose exactly `projectIds`. */
export interface BallotGroup {
  projectIds: readonly number[];
  voters: number;
}

export interface EqualSharesOptions {
  /** Each completion step raises the voters' virtual budget by this share of the amount (default 1 %). */
  stepShare?: number;
  /** Steps tried at most (default 400, i.e. up to 5 × the amount). */
  maxSteps?: number;
}

interface Prepared {
  projects: CandidateProject[];
  /** For each project (same index), the groups supporting it. */
  supporters: Int32Array[];
  weights: Float64Array;
  voters: number;
}

function prepare(projects: readonly CandidateProject[], groups: readonly BallotGroup[]): Prepared {
  const index = new Map(projects.map((project, i) => [project.id, i]));
  const lists: number[][] = projects.map(() => []);
  const weights = new Float64Array(groups.length);
  let voters = 0;
  groups.forEach((group, g) => {
    weights[g] = group.voters;
    voters += group.voters;
    for (const id of group.projectIds) {
      const i = index.get(id);
      if (i !== undefined) lists[i]?.push(g);
    }
  });
  return { projects: [...projects], supporters: lists.map((list) => Int32Array.from(list)), weights, voters };
}

/**
 * The smallest payment cap p with Σ w·min(b, p) = cost over the supporters, or Infinity when their
 * money together is not enough. Found by raising p: those who cannot pay p pay all they have, the
 * others share the rest equally — a few passes, since budgets take few distinct values.
 */
function paymentCap(cost: number, supporters: Int32Array, weights: Float64Array, budgets: Float64Array): number {
  let total = 0;
  let weight = 0;
  for (const g of supporters) {
    total += (weights[g] as number) * (budgets[g] as number);
    weight += weights[g] as number;
  }
  if (weight === 0 || total < cost * (1 - 1e-12)) return Number.POSITIVE_INFINITY;
  let cap = cost / weight;
  for (let pass = 0; pass < 10_000; pass++) {
    let paidInFull = 0;
    let sharing = 0;
    for (const g of supporters) {
      const budget = budgets[g] as number;
      if (budget < cap) paidInFull += (weights[g] as number) * budget;
      else sharing += weights[g] as number;
    }
    if (sharing === 0) return cap;
    const next = (cost - paidInFull) / sharing;
    if (next <= cap * (1 + 1e-12)) return Math.max(cap, next);
    cap = next;
  }
  return cap;
}

/**
 * One run of the Method of Equal Shares with cost utilities: every voter starts with `perVoter`; in each
 * round the project whose supporters can pay it at the lowest price per unit of utility
 * (ρ = payment cap / cost, since a supporter's utility is the project's cost) is funded, its
 * supporters paying equally, those with less paying all they have. Ties go to more votes, then to the
 * cheaper, then the older project. Stops when no remaining project is affordable.
 *
 * ρ of a project never decreases (budgets only shrink), so each round evaluates projects in the order
 * of their last ρ and stops as soon as that lower bound exceeds the best found (lazy evaluation).
 */
function equalSharesRun(prepared: Prepared, perVoter: number): number[] {
  const { projects, supporters, weights } = prepared;
  const budgets = new Float64Array(weights.length).fill(perVoter);
  const lowerBound = new Float64Array(projects.length);
  let candidates = projects.map((_, i) => i).filter((i) => (supporters[i]?.length ?? 0) > 0);
  const chosen: number[] = [];
  for (;;) {
    candidates.sort((a, b) => (lowerBound[a] as number) - (lowerBound[b] as number));
    let best = -1;
    let bestRho = Number.POSITIVE_INFINITY;
    const unaffordable = new Set<number>();
    for (const i of candidates) {
      if ((lowerBound[i] as number) > bestRho * (1 + 1e-9)) break;
      const project = projects[i] as CandidateProject;
      const rho = paymentCap(project.cost, supporters[i] as Int32Array, weights, budgets) / project.cost;
      lowerBound[i] = rho;
      if (!Number.isFinite(rho)) {
        unaffordable.add(i);
        continue;
      }
      const current = best >= 0 ? (projects[best] as CandidateProject) : undefined;
      if (
        best < 0 ||
        rho < bestRho * (1 - 1e-9) ||
        (rho <= bestRho * (1 + 1e-9) && current && byVotes(project, current) < 0)
      ) {
        best = i;
        bestRho = rho;
      }
    }
    if (unaffordable.size > 0) candidates = candidates.filter((i) => !unaffordable.has(i));
    if (best < 0) return chosen;
    const project = projects[best] as CandidateProject;
    const cap = bestRho * project.cost;
    for (const g of supporters[best] as Int32Array)
      budgets[g] = Math.max(0, (budgets[g] as number) - Math.min(budgets[g] as number, cap));
    chosen.push(best);
    candidates = candidates.filter((i) => i !== best);
  }
}

/**
 * The Method of Equal Shares (approval ballots, cost utilities) with its completion:
 *  1. MES with the heading's amount split equally among its voters;
 *  2. completion by increasing budget (equalshares.net's "Add1" family): the voters' virtual budget
 *     grows in steps of `stepShare` of the amount and MES is run again, as long as the projects it
 *     funds still cost no more than the real amount; the last such outcome is kept. Stops early when
 *     that outcome leaves no remaining project that would fit;
 *  3. what is still left goes to the remaining projects by votes, each funded if it fits.
 * Projects are ranked: funded by MES in the order chosen, then funded by completion, then the rest by
 * votes.
 */
export function equalShares(
  amount: number,
  projects: readonly CandidateProject[],
  groups: readonly BallotGroup[],
  options: EqualSharesOptions = {},
): HeadingOutcome {
  const prepared = prepare(projects, groups);
  const stepShare = options.stepShare ?? 0.01;
  const maxSteps = options.maxSteps ?? 400;
  const costOf = (chosen: readonly number[]) =>
    chosen.reduce((sum, i) => sum + (prepared.projects[i] as CandidateProject).cost, 0);
  const fitsMore = (chosen: readonly number[]) => {
    const left = amount - costOf(chosen);
    const taken = new Set(chosen);
    return prepared.projects.some((project, i) => !taken.has(i) && project.votes > 0 && project.cost <= left);
  };

  let chosen: number[] = [];
  if (prepared.voters > 0) {
    chosen = equalSharesRun(prepared, amount / prepared.voters);
    for (let step = 1; step <= maxSteps && fitsMore(chosen); step++) {
      const attempt = equalSharesRun(prepared, (amount * (1 + step * stepShare)) / prepared.voters);
      if (costOf(attempt) > amount) break;
      chosen = attempt;
    }
  }

  const ranking: HeadingOutcome['ranking'] = chosen.map((i) => ({
    id: (prepared.projects[i] as CandidateProject).id,
    funded: true,
    note: 'equal-shares' as const,
  }));
  let left = amount - costOf(chosen);
  const taken = new Set(ranking.map((r) => r.id));
  for (const project of [...prepared.projects].sort(byVotes)) {
    if (taken.has(project.id)) continue;
    if (project.votes > 0 && project.cost <= left) {
      left -= project.cost;
      ranking.push({ id: project.id, funded: true, note: 'completion' });
    } else ranking.push({ id: project.id, funded: false, note: project.votes > 0 ? 'not-funded' : 'no-votes' });
  }
  return { ranking: [...ranking.filter((r) => r.funded), ...ranking.filter((r) => !r.funded)], spent: amount - left };
}
