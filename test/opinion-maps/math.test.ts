import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeOpinionMap, twoProportionZ, type GroupResult } from '../../src/modules/opinion-maps/math/compute.ts';
import { silhouette } from '../../src/modules/opinion-maps/math/clusters.ts';
import { computeOffThread } from '../../src/modules/opinion-maps/math/in-worker.ts';
import { buildMatrix, columnMeans, prng, type VoteColumns } from '../../src/modules/opinion-maps/math/matrix.ts';

/** Adjusted Rand index (Hubert & Arabie 1985) of two labelings of the same items. */
function adjustedRandIndex(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const pairs = (x: number): number => (x * (x - 1)) / 2;
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]}|${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(a[i] as number, (rows.get(a[i] as number) ?? 0) + 1);
    cols.set(b[i] as number, (cols.get(b[i] as number) ?? 0) + 1);
  }
  let index = 0;
  for (const v of table.values()) index += pairs(v);
  let sumA = 0;
  for (const v of rows.values()) sumA += pairs(v);
  let sumB = 0;
  for (const v of cols.values()) sumB += pairs(v);
  const expected = (sumA * sumB) / pairs(n);
  const max = (sumA + sumB) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

test('the adjusted Rand index of the test is right on known cases', () => {
  assert.equal(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]), 1);
  assert.ok(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]) < 0);
  // sklearn's documented example: adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) ≈ 0.571
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]) - 0.5714285714) < 1e-9);
});

interface Planted {
  votes: VoteColumns;
  statements: number[];
  truth: Map<number, number>;
}

/**
 * Synthetic votes: `groups` groups of `size` people placed on a circle; each statement has a random direction u
 * and a member of a group at position q agrees with probability 0.5 + 0.45 (q·u) (else disagrees, 10 % pass);
 * a quarter of the votes are missing. Statement 1000 (when `consensusStatement`) is agreed by 90 % of everyone.
 */
function planted(
  groups: number,
  size: number,
  statementCount: number,
  seed: number,
  consensusStatement = false,
): Planted {
  const random = prng(seed);
  const statements = Array.from({ length: statementCount }, (_, i) => i + 1);
  const directions = statements.map(() => {
    const angle = random() * 2 * Math.PI;
    return [Math.cos(angle), Math.sin(angle)] as const;
  });
  if (consensusStatement) statements.push(1000);
  const participant: number[] = [];
  const statement: number[] = [];
  const value: number[] = [];
  const truth = new Map<number, number>();
  let id = 100;
  for (let g = 0; g < groups; g++) {
    const angle = (2 * Math.PI * g) / groups;
    const q = [Math.cos(angle), Math.sin(angle)] as const;
    for (let i = 0; i < size; i++) {
      id++;
      truth.set(id, g);
      statements.forEach((s, index) => {
        if (random() < 0.25) return;
        const u = directions[index];
        const pAgree = u ? 0.5 + 0.45 * (q[0] * u[0] + q[1] * u[1]) : 0.9;
        const r = random();
        participant.push(id);
        statement.push(s);
        value.push(random() < 0.1 ? 0 : r < pAgree ? 1 : -1);
      });
    }
  }
  // a few people who voted on too few statements to be placed in a group
  for (let i = 0; i < 5; i++) {
    id++;
    for (let s = 1; s <= 3; s++) {
      participant.push(id);
      statement.push(s);
      value.push(1);
    }
  }
  return { votes: { participant, statement, value }, statements, truth };
}

for (const groups of [2, 3, 4]) {
  test(`${groups} planted groups in votes with missing ones are recovered (ARI ≥ 0.9)`, () => {
    const data = planted(groups, 60, 40, 1000 + groups);
    const result = computeOpinionMap(data.statements, data.votes);
    assert.equal(result.groups.length, groups);
    const placed = result.points.filter((p) => p.group !== null);
    assert.equal(placed.length, groups * 60, 'the five people with three votes are not placed');
    const ari = adjustedRandIndex(
      placed.map((p) => data.truth.get(p.participant) ?? -1),
      placed.map((p) => p.group ?? -1),
    );
    assert.ok(ari >= 0.9, `ARI ${ari}`);
    assert.equal(result.participants, groups * 60 + 5);
    for (const group of result.groups) assert.ok(group.representative.length > 0);
  });
}

test('the results do not depend on chance: the same votes give the same results', () => {
  const data = planted(3, 40, 30, 99);
  assert.deepEqual(computeOpinionMap(data.statements, data.votes), computeOpinionMap(data.statements, data.votes));
});

test('group-informed consensus finds the statement every group agrees with', () => {
  const data = planted(3, 50, 30, 7, true);
  const result = computeOpinionMap(data.statements, data.votes);
  assert.equal(result.groups.length, 3);
  assert.equal(result.consensus.agree[0]?.statement, 1000);
  assert.ok(!result.groups.some((g) => g.representative.some((r) => r.statement === 1000)));
});

test('column means count passes as 0 and leave missing votes out', () => {
  // statement 1: agree, pass, (missing), disagree → 0 / 3; statement 2: agree, agree, (missing), pass → 2 / 3
  const matrix = buildMatrix([1, 2], {
    participant: [1, 2, 4, 1, 2, 4],
    statement: [1, 1, 1, 2, 2, 2],
    value: [1, 0, -1, 1, 1, 0],
  });
  assert.deepEqual([...columnMeans(matrix)], [0, 2 / 3]);
});

test('a small case computed by hand: 4 participants × 3 statements', () => {
  // p1, p2 agree with all three statements; p3, p4 disagree with the first two and agree with the third.
  const votes = {
    participant: [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4],
    statement: [10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30],
    value: [1, 1, 1, 1, 1, 1, -1, -1, 1, -1, -1, 1],
  };
  const result = computeOpinionMap([10, 20, 30], votes);
  // Column means (0, 0, 1); centred rows ±(1, 1, 0); covariance [[4,4,0],[4,4,0],[0,0,0]] / 3, whose first
  // eigenvector is (1, 1, 0)/√2 with eigenvalue 8/3. Places: ±√2 on the first axis, 0 on the second (the
  // centred rows have no other direction); every participant voted on all 3, so the scale is √(3/3) = 1.
  assert.ok(Math.abs(result.variances[0] - 8 / 3) < 1e-6);
  assert.equal(result.variances[1], 0);
  assert.deepEqual(
    result.points.map((p) => [p.participant, p.x, p.y]),
    [
      [1, 1.414214, 0],
      [2, 1.414214, 0],
      [3, -1.414214, 0],
      [4, -1.414214, 0],
    ],
  );
  // Two distinct points, so k = 2 only; groups of 2 (the tie on size broken by x: −√2 first) with silhouette 1.
  assert.equal(result.minVotes, 3);
  assert.equal(result.silhouette, 1);
  assert.deepEqual(
    result.groups.map((g) => [g.members, g.centroid]),
    [
      [2, [-1.414214, 0]],
      [2, [1.414214, 0]],
    ],
  );
  assert.deepEqual(
    result.points.map((p) => p.group),
    [1, 1, 0, 0],
  );
  // Group A (p3, p4) on statement 10: 2 disagree of 2 → (2 + 1) / (2 + 2) = 3/4; the others: 0 of 2 → 1/4;
  // ratio 3; z on smoothed counts 3/4 against 1/4 with pooled 1/2: (1/2) / √(1/4 · 1/2) = √2 ≥ 1.2816.
  assert.ok(Math.abs(twoProportionZ(2, 2, 0, 2) - Math.SQRT2) < 1e-12);
  assert.deepEqual((result.groups[0] as GroupResult).representative, [
    { statement: 10, direction: 'disagree', probability: 0.75, ratio: 3, z: 1.414214 },
    { statement: 20, direction: 'disagree', probability: 0.75, ratio: 3, z: 1.414214 },
  ]);
  assert.deepEqual((result.groups[1] as GroupResult).representative, [
    { statement: 10, direction: 'agree', probability: 0.75, ratio: 3, z: 1.414214 },
    { statement: 20, direction: 'agree', probability: 0.75, ratio: 3, z: 1.414214 },
  ]);
  // Consensus on statement 30: both groups 2 of 2 agree → (3/4)·(3/4) = 0.5625. Nobody shares a disagreement.
  assert.deepEqual(result.consensus, { agree: [{ statement: 30, probability: 0.5625 }], disagree: [] });
  assert.deepEqual(result.statementResults[2], {
    statement: 30,
    total: { agree: 4, disagree: 0, pass: 0 },
    groups: [
      { agree: 2, disagree: 0, pass: 0 },
      { agree: 2, disagree: 0, pass: 0 },
    ],
  });
});

test('the silhouette of two tight, distant groups is close to 1 and of a singleton 0', () => {
  const points = Float64Array.from([0, 0, 0, 1, 10, 0, 10, 1]);
  assert.ok(silhouette(points, Int32Array.from([0, 0, 1, 1]), 2) > 0.9);
  assert.equal(silhouette(Float64Array.from([0, 0, 5, 5]), Int32Array.from([0, 1]), 2), 0);
});

test('a participant who voted on fewer statements is scaled out by √(statements / votes)', () => {
  // p1..p4 as in the hand case; p5 agrees with statement 10 only: centred (1 − 0) on the first axis loading 1/√2,
  // scaled by √(3/1): x = √(3/2) ≈ 1.224745; with 1 vote they are not placed.
  const result = computeOpinionMap([10, 20, 30], {
    participant: [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5],
    statement: [10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30, 10],
    value: [1, 1, 1, 1, 1, 1, -1, -1, 1, -1, -1, 1, 1],
  });
  const p5 = result.points.find((p) => p.participant === 5);
  assert.ok(p5);
  // with p5's vote the mean of statement 10 is 1/5: centred 4/5, loading 1/√2 up to the slight change of axis
  assert.equal(p5.group, null);
  assert.ok(p5.x > 1 && p5.x < 1.3, String(p5.x));
});

test('a large map is computed in a worker thread with the same results as in place', async () => {
  const data = planted(3, 700, 40, 5);
  const columns = {
    participant: Int32Array.from(data.votes.participant),
    statement: Int32Array.from(data.votes.statement),
    value: Int8Array.from(data.votes.value),
  };
  assert.ok(columns.value.length > 20_000);
  const inPlace = computeOpinionMap(data.statements, columns);
  let calledInPlace = false;
  const offThread = await computeOffThread(
    data.statements,
    { participant: columns.participant.slice(), statement: columns.statement.slice(), value: columns.value.slice() },
    (ids, votes) => {
      calledInPlace = true;
      return computeOpinionMap(ids, votes);
    },
  );
  assert.equal(calledInPlace, false);
  assert.deepEqual(offThread, inPlace);
});
