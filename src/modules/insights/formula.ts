// The communication index's formula, in one place (the methodology page describes exactly this):
//   share_i    = weight_i / Σ weight            (weights normalised to add up to 1)
//   progress_i = clamp((value_i − floor_i) / (target_i − floor_i), 0, 1)   (0 when no value)
//   points_i   = 100 × share_i × progress_i
//   score      = Σ points_i                      (0 to 100)
// A floor above the target says lower is better (hours to answer): the same formula covers it.

export interface ScoredInput {
  weight: number;
  floor: number;
  target: number;
  value: number | null;
}

export interface Scored {
  share: number;
  progress: number;
  points: number;
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

export function scoreIndex<T extends ScoredInput>(
  criteria: readonly T[],
): { score: number; criteria: Array<T & Scored> } {
  const total = criteria.reduce((sum, criterion) => sum + Math.max(0, criterion.weight), 0);
  const scored = criteria.map((criterion) => {
    const share = total > 0 ? Math.max(0, criterion.weight) / total : 0;
    const progress =
      criterion.value === null || criterion.target === criterion.floor
        ? 0
        : clamp((criterion.value - criterion.floor) / (criterion.target - criterion.floor), 0, 1);
    return { ...criterion, share, progress, points: 100 * share * progress };
  });
  return { score: scored.reduce((sum, criterion) => sum + criterion.points, 0), criteria: scored };
}
