/**
 * The vote matrix of an opinion map and its principal components. Pure computation: no SQL, no I/O.
 * The formulas are written down in docs/OPINION-MAPS.md.
 */

/** Votes as parallel arrays (one entry per participant and statement): value 1 agree, -1 disagree, 0 pass. */
export interface VoteColumns {
  participant: ArrayLike<number>;
  statement: ArrayLike<number>;
  value: ArrayLike<number>;
}

/**
 * The sparse vote matrix, a row per participant (CSR): `rowStart[p]..rowStart[p+1]` index `cols` and `values`.
 * A missing vote has no entry; a pass is an entry of value 0.
 */
export interface VoteMatrix {
  participantIds: number[];
  statementIds: number[];
  rowStart: Int32Array;
  cols: Int32Array;
  values: Float64Array;
}

/** Builds the matrix; votes on statements not in `statementIds` are ignored. Rows are in first-seen order of participants. */
export function buildMatrix(statementIds: readonly number[], votes: VoteColumns): VoteMatrix {
  const column = new Map<number, number>();
  statementIds.forEach((id, index) => column.set(id, index));
  const row = new Map<number, number>();
  const participantIds: number[] = [];
  const rowOf = new Int32Array(votes.value.length);
  const colOf = new Int32Array(votes.value.length);
  const counts: number[] = [];
  for (let i = 0; i < votes.value.length; i++) {
    const c = column.get(votes.statement[i] as number);
    if (c === undefined) {
      rowOf[i] = -1;
      continue;
    }
    const pid = votes.participant[i] as number;
    let r = row.get(pid);
    if (r === undefined) {
      r = participantIds.length;
      row.set(pid, r);
      participantIds.push(pid);
      counts.push(0);
    }
    rowOf[i] = r;
    colOf[i] = c;
    (counts[r] as number)++;
  }
  const rowStart = new Int32Array(participantIds.length + 1);
  for (let r = 0; r < participantIds.length; r++) rowStart[r + 1] = (rowStart[r] as number) + (counts[r] as number);
  const fill = rowStart.slice(0, participantIds.length);
  const cols = new Int32Array(rowStart[participantIds.length] as number);
  const values = new Float64Array(cols.length);
  for (let i = 0; i < votes.value.length; i++) {
    const r = rowOf[i] as number;
    if (r < 0) continue;
    const at = (fill[r] as number)++;
    cols[at] = colOf[i] as number;
    values[at] = Math.sign(votes.value[i] as number);
  }
  return { participantIds, statementIds: [...statementIds], rowStart, cols, values };
}

/** The number of votes (agree, disagree or pass) each participant cast. */
export function votesPerParticipant(matrix: VoteMatrix): Int32Array {
  const n = matrix.participantIds.length;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) out[r] = (matrix.rowStart[r + 1] as number) - (matrix.rowStart[r] as number);
  return out;
}

/**
 * The mean of each statement's column over the votes cast on it (agree 1, disagree -1, pass 0); a missing
 * vote is not counted. A statement nobody voted on has mean 0.
 */
export function columnMeans(matrix: VoteMatrix): Float64Array {
  const m = matrix.statementIds.length;
  const sum = new Float64Array(m);
  const count = new Float64Array(m);
  for (let i = 0; i < matrix.cols.length; i++) {
    (sum[matrix.cols[i] as number] as number) += matrix.values[i] as number;
    (count[matrix.cols[i] as number] as number)++;
  }
  for (let c = 0; c < m; c++) sum[c] = (count[c] as number) > 0 ? (sum[c] as number) / (count[c] as number) : 0;
  return sum;
}

/**
 * The centred matrix C: a cast vote minus its column mean. A missing vote is imputed with the column mean,
 * so its centred value is 0 and it needs no entry: C keeps the sparsity of the votes.
 */
export function centred(matrix: VoteMatrix, means: Float64Array): Float64Array {
  const out = new Float64Array(matrix.values.length);
  for (let i = 0; i < out.length; i++)
    out[i] = (matrix.values[i] as number) - (means[matrix.cols[i] as number] as number);
  return out;
}

/** y = C·v (one value per participant). */
function multiply(matrix: VoteMatrix, c: Float64Array, v: Float64Array, y: Float64Array): void {
  const n = matrix.participantIds.length;
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let i = matrix.rowStart[r] as number; i < (matrix.rowStart[r + 1] as number); i++)
      s += (c[i] as number) * (v[matrix.cols[i] as number] as number);
    y[r] = s;
  }
}

/** z = Cᵀ·y (one value per statement). */
function multiplyTransposed(matrix: VoteMatrix, c: Float64Array, y: Float64Array, z: Float64Array): void {
  z.fill(0);
  const n = matrix.participantIds.length;
  for (let r = 0; r < n; r++) {
    const yr = y[r] as number;
    if (yr === 0) continue;
    for (let i = matrix.rowStart[r] as number; i < (matrix.rowStart[r + 1] as number); i++)
      (z[matrix.cols[i] as number] as number) += (c[i] as number) * yr;
  }
}

/** A deterministic pseudo-random generator (mulberry32) so that every run places people identically. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Components {
  /** Two unit vectors over the statements (the loadings); a zero vector when there is no variance left. */
  vectors: [Float64Array, Float64Array];
  /** The eigenvalues of the covariance Cᵀ·C / (n − 1) for each component. */
  variances: [number, number];
}

export const PCA_MAX_ITERATIONS = 1000;
export const PCA_TOLERANCE = 1e-10;

/**
 * The first two principal components by power iteration on the covariance Cᵀ·C / (n − 1), computed as
 * Cᵀ·(C·v) without forming the covariance. The second is kept orthogonal to the first (deflation by
 * Gram–Schmidt at each step). Start vectors come from the fixed-seed generator; the sign is chosen so that
 * the loading largest in absolute value is positive.
 */
export function principalComponents(matrix: VoteMatrix, c: Float64Array): Components {
  const m = matrix.statementIds.length;
  const n = matrix.participantIds.length;
  const random = prng(20261219);
  const y = new Float64Array(n);
  const found: Float64Array[] = [];
  const variances: number[] = [];
  for (let k = 0; k < 2; k++) {
    let v = new Float64Array(m);
    for (let j = 0; j < m; j++) v[j] = random() - 0.5;
    orthogonalise(v, found);
    let norm = normalise(v);
    let eigen = 0;
    let next = new Float64Array(m);
    for (let iteration = 0; iteration < PCA_MAX_ITERATIONS && norm > 0; iteration++) {
      multiply(matrix, c, v, y);
      multiplyTransposed(matrix, c, y, next);
      orthogonalise(next, found);
      eigen = normalise(next);
      if (eigen <= 1e-12) {
        eigen = 0;
        norm = 0;
        break;
      }
      let change = 0;
      for (let j = 0; j < m; j++) change += ((next[j] as number) - (v[j] as number)) ** 2;
      [v, next] = [next, v];
      if (change < PCA_TOLERANCE) break;
    }
    if (norm === 0) v.fill(0);
    fixSign(v);
    found.push(v);
    variances.push(n > 1 ? eigen / (n - 1) : 0);
  }
  return {
    vectors: [found[0] as Float64Array, found[1] as Float64Array],
    variances: [variances[0] as number, variances[1] as number],
  };
}

function orthogonalise(v: Float64Array, basis: readonly Float64Array[]): void {
  for (const b of basis) {
    let dot = 0;
    for (let j = 0; j < v.length; j++) dot += (v[j] as number) * (b[j] as number);
    for (let j = 0; j < v.length; j++) (v[j] as number) -= dot * (b[j] as number);
  }
}

function normalise(v: Float64Array): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += (v[j] as number) * (v[j] as number);
  const norm = Math.sqrt(s);
  if (norm > 0) for (let j = 0; j < v.length; j++) (v[j] as number) /= norm;
  return norm;
}

function fixSign(v: Float64Array): void {
  let at = 0;
  for (let j = 1; j < v.length; j++) if (Math.abs(v[j] as number) > Math.abs(v[at] as number) + 1e-12) at = j;
  if ((v[at] ?? 0) < 0) for (let j = 0; j < v.length; j++) v[j] = -(v[j] as number);
}

/**
 * Each participant's place: the centred row projected on the two components, times
 * sqrt(statements / votes cast) so that someone who voted on few statements is not pulled to the centre
 * (their missing votes, imputed with the mean, contribute nothing).
 */
export function project(matrix: VoteMatrix, c: Float64Array, components: Components): Float64Array {
  const n = matrix.participantIds.length;
  const m = matrix.statementIds.length;
  const [v1, v2] = components.vectors;
  const out = new Float64Array(2 * n);
  for (let r = 0; r < n; r++) {
    let x = 0;
    let y = 0;
    const start = matrix.rowStart[r] as number;
    const end = matrix.rowStart[r + 1] as number;
    for (let i = start; i < end; i++) {
      x += (c[i] as number) * (v1[matrix.cols[i] as number] as number);
      y += (c[i] as number) * (v2[matrix.cols[i] as number] as number);
    }
    const scale = end > start ? Math.sqrt(m / (end - start)) : 0;
    out[2 * r] = x * scale;
    out[2 * r + 1] = y * scale;
  }
  return out;
}
