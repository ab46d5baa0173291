import type { AppContext } from '../../../platform/context.ts';
import { findAlertFigures, findCitiesWithMessagesSince, insertAlert } from './listening.repository.ts';
import '../inbox.schema.ts';

/** The recurring job that looks for jumps in volume or negative sentiment. */
export const ALERTS_JOB = 'inbox.alerts';
export const ALERTS_EVERY_MS = 30 * 60_000;

const WINDOW_HOURS = 24;
const BASELINE_DAYS = 14;
/** Fewer messages than this in a day are never a jump, however quiet the district usually is. */
const MIN_MESSAGES = 5;

export interface AlertCandidate {
  kind: 'volume' | 'negative';
  districtId: number | null;
  topic: string | null;
  observed: number;
  expected: number;
}

/**
 * Decides which districts and topics jumped in the last day against the two weeks before: volume when
 * the day's count is at least twice the daily average and beyond three standard deviations of a
 * Poisson count; negative sentiment when the share of negative messages rose by 20 points or more and
 * beyond three standard deviations of the usual share. Small counts never alert.
 */
export function detectJumps(
  figures: Array<{
    districtId: number | null;
    topic: string | null;
    recent: number;
    recentNegative: number;
    baseline: number;
    baselineNegative: number;
  }>,
): AlertCandidate[] {
  const alerts: AlertCandidate[] = [];
  for (const row of figures) {
    const expected = (row.baseline / BASELINE_DAYS) * (WINDOW_HOURS / 24);
    if (
      row.recent >= MIN_MESSAGES &&
      row.recent >= 2 * expected &&
      row.recent > expected + 3 * Math.sqrt(Math.max(expected, 1))
    ) {
      alerts.push({
        kind: 'volume',
        districtId: row.districtId,
        topic: row.topic,
        observed: row.recent,
        expected: round(expected),
      });
    }
    const usualShare = (row.baselineNegative + 1) / (row.baseline + 3);
    const share = row.recent === 0 ? 0 : row.recentNegative / row.recent;
    const spread = Math.sqrt((usualShare * (1 - usualShare)) / Math.max(row.recent, 1));
    if (row.recentNegative >= MIN_MESSAGES && share >= usualShare + 0.2 && share > usualShare + 3 * spread) {
      alerts.push({
        kind: 'negative',
        districtId: row.districtId,
        topic: row.topic,
        observed: round(share),
        expected: round(usualShare),
      });
    }
  }
  return alerts;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Looks for jumps in every city and records each once per day and subject (a unique index keeps a
 * second run, or a second server, from repeating it). Returns how many alerts are new.
 */
export async function raiseAlerts(ctx: AppContext, now = new Date()): Promise<number> {
  const windowStart = new Date(now.getTime() - WINDOW_HOURS * 3_600_000);
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  let raised = 0;
  for (const organisationId of await findCitiesWithMessagesSince(ctx.db, windowStart)) {
    const figures = await findAlertFigures(ctx.db, organisationId, windowStart, now, BASELINE_DAYS);
    for (const alert of detectJumps(figures)) raised += await insertAlert(ctx.db, organisationId, alert, day, now);
  }
  if (raised > 0) ctx.log.info({ raised }, 'inbox listening alerts raised');
  return raised;
}

// The alerts' data access lives in listening.repository.ts; the listening page reads it through here.
export { acknowledgeAlert, findAlerts } from './listening.repository.ts';
