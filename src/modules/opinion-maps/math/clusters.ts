/**
 * Groups of participants: k-means on their two-dimensional places with k-means++ seeding from a fixed-seed
 * generator, k from 2 to 5 chosen by the silhouette. Pure computation (docs/OPINION-MAPS.md).
 */
import { prng } from './matrix.ts';

export const K_MIN = 2;
export const K_MAX = 5;
export const KMEANS_RESTARTS = 4;
export const KMEANS_MAX_ITERATIONS = 100;
/** Above this many points the silhouette is measured on a fixed-seed sample of this size. */
export const SILHOUETTE_SAMPLE = 2000;

export interface Clustering {
  k: number;
  /** Group index of each point, groups numbered by size (largest first), then by centroid x. */
  labels: Int32Array;
  centroids: Array<[number, number]>;
  silhouette: number;
}

function distance2(points: Float64Array, i: number, cx: number, cy: number): number {
  const dx = (points[2 * i] as number) - cx;
  const dy = (points[2 * i + 1] as number) - cy;
  return dx * dx + dy * dy;
}

/** The number of distinct points (up to `limit`), so that k never exceeds it. */
function distinctPoints(points: Float64Array, limit: number): number {
  const seen = new Set<string>();
  for (let i = 0; i < points.length / 2 && seen.size < limit; i++) seen.add(`${points[2 * i]},${points[2 * i + 1]}`);
  return seen.size;
}

/** One k-means run: k-means++ seeding, then Lloyd's steps until no point changes group. */
export function kmeans(
  points: Float64Array,
  k: number,
  random: () => number,
): { labels: Int32Array; centroids: Float64Array; inertia: number } {
  const n = points.length / 2;
  const centroids = new Float64Array(2 * k);
  const nearest = new Float64Array(n).fill(Infinity);
  let first = Math.min(n - 1, Math.floor(random() * n));
  for (let c = 0; c < k; c++) {
    centroids[2 * c] = points[2 * first] as number;
    centroids[2 * c + 1] = points[2 * first + 1] as number;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = distance2(points, i, centroids[2 * c] as number, centroids[2 * c + 1] as number);
      if (d < (nearest[i] as number)) nearest[i] = d;
      total += nearest[i] as number;
    }
    if (c === k - 1) break;
    // the next seed: a point drawn with probability proportional to its squared distance to the nearest seed
    let target = random() * total;
    first = -1;
    for (let i = 0; i < n; i++) {
      if ((nearest[i] as number) <= 0) continue;
      first = i;
      target -= nearest[i] as number;
      if (target <= 0) break;
    }
    if (first < 0) first = 0;
  }
  const labels = new Int32Array(n).fill(-1);
  const sums = new Float64Array(2 * k);
  const counts = new Float64Array(k);
  let inertia = 0;
  for (let iteration = 0; iteration < KMEANS_MAX_ITERATIONS; iteration++) {
    let changed = false;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = distance2(points, i, centroids[2 * c] as number, centroids[2 * c + 1] as number);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      inertia += bestD;
      if (labels[i] !== best) {
        labels[i] = best;
        changed = true;
      }
    }
    if (!changed) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i] as number;
      (sums[2 * c] as number) += points[2 * i] as number;
      (sums[2 * c + 1] as number) += points[2 * i + 1] as number;
      (counts[c] as number)++;
    }
    for (let c = 0; c < k; c++)
      if ((counts[c] as number) > 0) {
        centroids[2 * c] = (sums[2 * c] as number) / (counts[c] as number);
        centroids[2 * c + 1] = (sums[2 * c + 1] as number) / (counts[c] as number);
      }
  }
  return { labels, centroids, inertia };
}

/**
 * The mean silhouette s(i) = (b − a) / max(a, b): a the mean distance to the other members of i's group, b the
 * smallest mean distance to another group's members; 0 for a point alone in its group. On the points given
 * by `sample` (all when absent).
 */
export function silhouette(points: Float64Array, labels: Int32Array, k: number, sample?: Int32Array): number {
  const indices = sample ?? Int32Array.from({ length: points.length / 2 }, (_, i) => i);
  const size = new Float64Array(k);
  for (const i of indices) (size[labels[i] as number] as number)++;
  const sums = new Float64Array(k);
  let total = 0;
  for (const i of indices) {
    sums.fill(0);
    const xi = points[2 * i] as number;
    const yi = points[2 * i + 1] as number;
    for (const j of indices) {
      if (j === i) continue;
      (sums[labels[j] as number] as number) += Math.sqrt(distance2(points, j, xi, yi));
    }
    const own = labels[i] as number;
    if ((size[own] as number) <= 1) continue;
    const a = (sums[own] as number) / ((size[own] as number) - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++)
      if (c !== own && (size[c] as number) > 0) b = Math.min(b, (sums[c] as number) / (size[c] as number));
    if (!Number.isFinite(b)) continue;
    const denominator = Math.max(a, b);
    total += denominator > 0 ? (b - a) / denominator : 0;
  }
  return indices.length > 0 ? total / indices.length : 0;
}

/** A fixed-seed sample of `size` of the n indices (all of them, in order, when n ≤ size). */
function sampleIndices(n: number, size: number, random: () => number): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (n <= size) return all;
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (n - i));
    [all[i], all[j]] = [all[j] as number, all[i] as number];
  }
  return all.slice(0, size).sort();
}

/**
 * Groups the points: for each k from 2 to 5 (and below the number of distinct points), the k-means run of
 * least inertia among a few restarts, then the k of best silhouette (the smaller k on a tie); k is at most
 * the number of distinct points and n − 1. With fewer than two distinct points (or three points) there is one group.
 */
export function chooseClustering(points: Float64Array): Clustering {
  const n = points.length / 2;
  const distinct = distinctPoints(points, K_MAX + 1);
  const random = prng(7);
  const sample = sampleIndices(n, SILHOUETTE_SAMPLE, prng(11));
  let best: Clustering | undefined;
  for (let k = K_MIN; k <= Math.min(K_MAX, distinct, n - 1); k++) {
    let run = kmeans(points, k, random);
    for (let restart = 1; restart < KMEANS_RESTARTS; restart++) {
      const attempt = kmeans(points, k, random);
      if (attempt.inertia < run.inertia - 1e-9) run = attempt;
    }
    const score = silhouette(points, run.labels, k, sample);
    if (!best || score > best.silhouette + 1e-9) best = ordered(points, run.labels, k, score);
  }
  if (!best) {
    const labels = new Int32Array(n);
    let x = 0;
    let y = 0;
    for (let i = 0; i < n; i++) {
      x += points[2 * i] as number;
      y += points[2 * i + 1] as number;
    }
    return { k: n > 0 ? 1 : 0, labels, centroids: n > 0 ? [[x / n, y / n]] : [], silhouette: 0 };
  }
  return best;
}

/** Renumbers groups by size (largest first), then by centroid x, and drops empty groups. */
function ordered(points: Float64Array, labels: Int32Array, k: number, score: number): Clustering {
  const stats = Array.from({ length: k }, (_, c) => ({ c, size: 0, x: 0, y: 0 }));
  for (let i = 0; i < labels.length; i++) {
    const s = stats[labels[i] as number] as (typeof stats)[number];
    s.size++;
    s.x += points[2 * i] as number;
    s.y += points[2 * i + 1] as number;
  }
  const kept = stats
    .filter((s) => s.size > 0)
    .map((s) => ({ ...s, x: s.x / s.size, y: s.y / s.size }))
    .sort((a, b) => b.size - a.size || a.x - b.x || a.y - b.y);
  const renumber = new Int32Array(k).fill(-1);
  kept.forEach((s, index) => (renumber[s.c] = index));
  return {
    k: kept.length,
    labels: labels.map((l) => renumber[l] as number),
    centroids: kept.map((s) => [s.x, s.y]),
    silhouette: score,
  };
}
