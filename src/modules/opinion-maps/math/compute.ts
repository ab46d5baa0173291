/**
 * The whole computation of an opinion map's results from its votes: places (PCA), groups (k-means),
 * representative statements and group-informed consensus. Pure computation; the formulas and parameters
 * are in docs/OPINION-MAPS.md.
 */
import { chooseClustering } from './clusters.ts';
import {
  buildMatrix,
  centred,
  columnMeans,
  principalComponents,
  project,
  votesPerParticipant,
  type VoteColumns,
} from './matrix.ts';

/** A participant is placed in a group once they voted on this many statements (or on all, when there are fewer). */
export const MIN_VOTES_TO_GROUP = 7;
/** One-sided 90 % critical value of the standard normal distribution. */
export const Z_90 = 1.2815515655446004;
export const REPRESENTATIVE_PER_GROUP = 5;
export const CONSENSUS_MAX = 5;

export interface VoteCounts {
  agree: number;
  disagree: number;
  pass: number;
}

export interface Representative {
  statement: number;
  direction: 'agree' | 'disagree';
  /** The smoothed probability (n + 1) / (votes + 2) that a member agrees (or disagrees). */
  probability: number;
  /** That probability divided by the same probability among the other groups' members. */
  ratio: number;
  /** The two-proportion z statistic of the group against the others. */
  z: number;
}

export interface ConsensusStatement {
  statement: number;
  /** The product over groups of each group's smoothed probability. */
  probability: number;
}

export interface GroupResult {
  members: number;
  centroid: [number, number];
  representative: Representative[];
}

export interface StatementResult {
  statement: number;
  /** All participants' votes. */
  total: VoteCounts;
  /** The votes of each group's members, in group order. */
  groups: VoteCounts[];
}

export interface OpinionMapResult {
  participants: number;
  placed: number;
  statements: number;
  votes: number;
  minVotes: number;
  silhouette: number;
  /** The variance along each of the two components. */
  variances: [number, number];
  groups: GroupResult[];
  statementResults: StatementResult[];
  consensus: { agree: ConsensusStatement[]; disagree: ConsensusStatement[] };
  /** Every participant who voted: place, and group index or null when they voted on too few statements. */
  points: Array<{ participant: number; x: number; y: number; group: number | null }>;
}

const round = (value: number): number => Math.round(value * 1e6) / 1e6;

/** Smoothed probability (count + 1) / (votes + 2) (Laplace's rule of succession). */
export function smoothed(count: number, votes: number): number {
  return (count + 1) / (votes + 2);
}

/**
 * The two-proportion z statistic of x1 successes out of n1 against x2 out of n2, on the smoothed counts
 * (x + 1 out of n + 2) so that it is defined for empty groups.
 */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): number {
  const s1 = x1 + 1;
  const t1 = n1 + 2;
  const s2 = x2 + 1;
  const t2 = n2 + 2;
  const pooled = (s1 + s2) / (t1 + t2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / t1 + 1 / t2));
  return se > 0 ? (s1 / t1 - s2 / t2) / se : 0;
}

function votes(c: VoteCounts): number {
  return c.agree + c.disagree + c.pass;
}

/** The representative statements of group g: significantly more agreement (or disagreement) than in the others. */
export function representativeStatements(statements: readonly StatementResult[], g: number): Representative[] {
  const found: Representative[] = [];
  for (const s of statements) {
    const own = s.groups[g] as VoteCounts;
    const rest: VoteCounts = { agree: 0, disagree: 0, pass: 0 };
    s.groups.forEach((c, index) => {
      if (index === g) return;
      rest.agree += c.agree;
      rest.disagree += c.disagree;
      rest.pass += c.pass;
    });
    const candidates: Representative[] = [];
    for (const direction of ['agree', 'disagree'] as const) {
      const probability = smoothed(own[direction], votes(own));
      const ratio = probability / smoothed(rest[direction], votes(rest));
      const z = twoProportionZ(own[direction], votes(own), rest[direction], votes(rest));
      if (probability > 0.5 && z >= Z_90) candidates.push({ statement: s.statement, direction, probability, ratio, z });
    }
    candidates.sort((a, b) => b.ratio * b.probability - a.ratio * a.probability);
    if (candidates[0]) found.push(candidates[0]);
  }
  return found
    .sort((a, b) => b.ratio * b.probability - a.ratio * a.probability || a.statement - b.statement)
    .slice(0, REPRESENTATIVE_PER_GROUP)
    .map((r) => ({ ...r, probability: round(r.probability), ratio: round(r.ratio), z: round(r.z) }));
}

/**
 * Group-informed consensus: for each statement the product over groups of the smoothed probability of
 * agreeing (and of disagreeing); kept when more than half of every group is expected to agree (disagree).
 */
export function consensus(statements: readonly StatementResult[]): OpinionMapResult['consensus'] {
  const pick = (direction: 'agree' | 'disagree'): ConsensusStatement[] =>
    statements
      .filter((s) => s.groups.length > 0 && s.groups.every((c) => smoothed(c[direction], votes(c)) > 0.5))
      .map((s) => ({
        statement: s.statement,
        probability: s.groups.reduce((p, c) => p * smoothed(c[direction], votes(c)), 1),
      }))
      .sort((a, b) => b.probability - a.probability || a.statement - b.statement)
      .slice(0, CONSENSUS_MAX)
      .map((c) => ({ ...c, probability: round(c.probability) }));
  return { agree: pick('agree'), disagree: pick('disagree') };
}

/** Computes the results of a map with these statements from its votes (one per participant and statement). */
export function computeOpinionMap(statementIds: readonly number[], input: VoteColumns): OpinionMapResult {
  const matrix = buildMatrix(statementIds, input);
  const n = matrix.participantIds.length;
  const m = statementIds.length;
  const means = columnMeans(matrix);
  const c = centred(matrix, means);
  const components = principalComponents(matrix, c);
  const places = project(matrix, c, components);
  const cast = votesPerParticipant(matrix);
  const minVotes = Math.max(1, Math.min(MIN_VOTES_TO_GROUP, m));

  const placedRows: number[] = [];
  for (let r = 0; r < n; r++) if ((cast[r] as number) >= minVotes) placedRows.push(r);
  const placedPoints = new Float64Array(2 * placedRows.length);
  placedRows.forEach((r, i) => {
    placedPoints[2 * i] = places[2 * r] as number;
    placedPoints[2 * i + 1] = places[2 * r + 1] as number;
  });
  const clustering = chooseClustering(placedPoints);
  const groupOf = new Int32Array(n).fill(-1);
  placedRows.forEach((r, i) => (groupOf[r] = clustering.labels[i] as number));

  const k = clustering.k;
  const statementResults: StatementResult[] = statementIds.map((statement) => ({
    statement,
    total: { agree: 0, disagree: 0, pass: 0 },
    groups: Array.from({ length: k }, () => ({ agree: 0, disagree: 0, pass: 0 })),
  }));
  for (let r = 0; r < n; r++) {
    const g = groupOf[r] as number;
    for (let i = matrix.rowStart[r] as number; i < (matrix.rowStart[r + 1] as number); i++) {
      const s = statementResults[matrix.cols[i] as number] as StatementResult;
      const value = matrix.values[i] as number;
      const key = value > 0 ? 'agree' : value < 0 ? 'disagree' : 'pass';
      s.total[key]++;
      if (g >= 0) (s.groups[g] as VoteCounts)[key]++;
    }
  }
  const members = new Array<number>(k).fill(0);
  for (let r = 0; r < n; r++) if ((groupOf[r] as number) >= 0) (members[groupOf[r] as number] as number)++;

  return {
    participants: n,
    placed: placedRows.length,
    statements: m,
    votes: matrix.cols.length,
    minVotes,
    silhouette: round(clustering.silhouette),
    variances: [round(components.variances[0]), round(components.variances[1])],
    groups: clustering.centroids.map((centroid, g) => ({
      members: members[g] as number,
      centroid: [round(centroid[0]), round(centroid[1])],
      representative: k > 1 ? representativeStatements(statementResults, g) : [],
    })),
    statementResults,
    consensus: consensus(statementResults),
    points: matrix.participantIds.map((participant, r) => ({
      participant,
      x: round(places[2 * r] as number),
      y: round(places[2 * r + 1] as number),
      group: (groupOf[r] as number) >= 0 ? (groupOf[r] as number) : null,
    })),
  };
}
