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

/** Σ·v for the two vectors at once (Cᵀ·(C·v), one pass over the votes for each product). */
function covarianceTimes(matrix: VoteMatrix, c: Float64Array, v: readonly Float64Array[], out: Float64Array[]): void {
  const n = matrix.participantIds.length;
  const [a, b] = [v[0] as Float64Array, v[1] as Float64Array];
  const [za, zb] = [out[0] as Float64Array, out[1] as Float64Array];
  za.fill(0);
  zb.fill(0);
  for (let r = 0; r < n; r++) {
    const start = matrix.rowStart[r] as number;
    const end = matrix.rowStart[r + 1] as number;
    let ya = 0;
    let yb = 0;
    for (let i = start; i < end; i++) {
      const col = matrix.cols[i] as number;
      ya += (c[i] as number) * (a[col] as number);
      yb += (c[i] as number) * (b[col] as number);
    }
    if (ya === 0 && yb === 0) continue;
    for (let i = start; i < end; i++) {
      const col = matrix.cols[i] as number;
      (za[col] as number) += (c[i] as number) * ya;
      (zb[col] as number) += (c[i] as number) * yb;
    }
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] as number) * (b[j] as number);
  return s;
}

/**
 * The first two principal components by orthogonal (subspace) iteration on the covariance Σ = Cᵀ·C / (n − 1),
 * computing Σ·V as Cᵀ·(C·V) without forming Σ: V ← orthonormalise(Σ·V) (Gram–Schmidt) until the plane of the
 * two vectors stops moving (the squared distance of the new vectors to the old plane below PCA_TOLERANCE),
 * then a Rayleigh–Ritz step (the 2 × 2 eigenproblem of Vᵀ·Σ·V) orders them by variance. The plane converges
 * with the gap between the second and third eigenvalues, so two groups of equal weight (equal first two
 * eigenvalues) cost no more than any other case. Start vectors come from the fixed-seed generator; the sign is
 * chosen so that the loading largest in absolute value is positive. A direction without variance is the zero vector.
 */
export function principalComponents(matrix: VoteMatrix, c: Float64Array): Components {
  const m = matrix.statementIds.length;
  const n = matrix.participantIds.length;
  const random = prng(20261219);
  let v = [new Float64Array(m), new Float64Array(m)];
  for (const vector of v) for (let j = 0; j < m; j++) vector[j] = random() - 0.5;
  let w = [new Float64Array(m), new Float64Array(m)];
  let alive = orthonormalise(v, 1);
  let scale = 0;
  for (let iteration = 0; iteration < PCA_MAX_ITERATIONS && alive > 0; iteration++) {
    covarianceTimes(matrix, c, v, w);
    const first = Math.sqrt(dot(w[0] as Float64Array, w[0] as Float64Array));
    scale = Math.max(scale, first);
    alive = orthonormalise(w, scale);
    let change = 0;
    for (let k = 0; k < alive; k++) {
      const x = w[k] as Float64Array;
      const p0 = dot(x, v[0] as Float64Array);
      const p1 = dot(x, v[1] as Float64Array);
      change += Math.max(0, 1 - p0 * p0 - p1 * p1);
    }
    [v, w] = [w, v];
    if (change < PCA_TOLERANCE) break;
  }
  // Rayleigh–Ritz: H = Vᵀ·Σ·V (2 × 2), its eigenvectors rotate V into the ordered components
  covarianceTimes(matrix, c, v, w);
  const [v0, v1] = [v[0] as Float64Array, v[1] as Float64Array];
  const h00 = dot(v0, w[0] as Float64Array);
  const h01 = dot(v0, w[1] as Float64Array);
  const h11 = dot(v1, w[1] as Float64Array);
  const mean = (h00 + h11) / 2;
  const radius = Math.sqrt(((h00 - h11) / 2) ** 2 + h01 * h01);
  const l1 = mean + radius;
  const l2 = mean - radius;
  // the eigenvector of l1: (h01, l1 − h00) or, when that is zero, (l1 − h11, h01)
  let [ca, cb] = Math.abs(h01) > 1e-15 ? [h01, l1 - h00] : h00 >= h11 ? [1, 0] : [0, 1];
  const norm = Math.hypot(ca, cb);
  ca /= norm;
  cb /= norm;
  const first = new Float64Array(m);
  const second = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    first[j] = ca * (v0[j] as number) + cb * (v1[j] as number);
    second[j] = -cb * (v0[j] as number) + ca * (v1[j] as number);
  }
  const variance = (l: number) => (n > 1 && l > 1e-12 * Math.max(1, l1) ? l / (n - 1) : 0);
  if (variance(l1) === 0) first.fill(0);
  if (variance(l2) === 0) second.fill(0);
  fixSign(first);
  fixSign(second);
  return { vectors: [first, second], variances: [variance(l1), variance(l2)] };
}

/**
 * Gram–Schmidt on the two vectors in place; a vector left with a norm below 1e-12 × `scale` (no direction of
 * its own) becomes zero. Answers how many are left (the zero ones last).
 */
function orthonormalise(vectors: Float64Array[], scale: number): number {
  let alive = 0;
  for (let k = 0; k < vectors.length; k++) {
    const x = vectors[k] as Float64Array;
    for (let q = 0; q < alive; q++) {
      const b = vectors[q] as Float64Array;
      const d = dot(x, b);
      for (let j = 0; j < x.length; j++) (x[j] as number) -= d * (b[j] as number);
    }
    const norm = Math.sqrt(dot(x, x));
    if (norm <= 1e-12 * Math.max(scale, 1e-300)) {
      x.fill(0);
      continue;
    }
    for (let j = 0; j < x.length; j++) (x[j] as number) /= norm;
    if (alive !== k) [vectors[alive], vectors[k]] = [x, vectors[alive] as Float64Array];
    alive++;
  }
  return alive;
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
